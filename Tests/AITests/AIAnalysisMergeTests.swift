import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaHTTPClient
import PactoriaTestSupport
import Testing

extension AIProviderTests {
    /// The provider's findings are checked against the clause catalogue and the contract's text,
    /// merged with the local findings (the worse status wins), and unsupported claims are
    /// dropped and reported.
    @Test func aiFindingsAreValidatedAndMergedWithLocalFindings() throws {
        let markdown = ContractReadingTests.agreement()
        let analysis = """
            {"overall_score": 0.7, "gdpr_score": 0.5, "commercial_terms_score": 0.8, "risk_score": 5,
             "risk_factors": [], "recommendations": [],
             "findings": [
               {"clause": "confidentiality", "status": "negated", "message": "disclosure to advisers is too wide",
                "quote": "A party may disclose confidential information to its professional advisers"},
               {"clause": "data_protection", "status": "negated", "message": "GDPR waived",
                "quote": "Neither party need comply with the UK GDPR"},
               {"clause": "termination", "status": "missing", "message": "no termination clause"},
               {"clause": "moon_rights", "status": "missing", "message": "no lunar clause"}]}
            """
        let server = try LoopbackHTTPServer(responses: [.json(Self.completion(analysis))])
        defer { server.stop() }
        let result = try AIContractAnalyzer(client: Self.client(server)).analyze(
            markdown: markdown, contract: ContractReadingTests.contract)
        let confidentiality = try #require(result.findings.first { $0.clause == "confidentiality" })
        #expect(confidentiality.status == .negated)
        #expect(confidentiality.location == "clause 4 (Confidentiality)")
        #expect(result.findings.first { $0.clause == "data_protection" }?.status == .present)
        #expect(result.findings.first { $0.clause == "termination" }?.status == .present)
        #expect(!result.findings.contains { $0.clause == "moon_rights" })
        #expect(result.droppedClaims.count == 3)
        #expect(result.droppedClaims.contains { $0 == "data_protection: the quoted text is not in the contract" })
        #expect(result.droppedClaims.contains { $0 == "termination: quotes no text from the contract" })
        #expect(result.droppedClaims.contains { $0.hasPrefix("moon_rights: not a clause") })
        #expect(AnalysisJSON(result).droppedClaims == result.droppedClaims)
    }
}
