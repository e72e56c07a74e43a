import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaWorkspace
import Testing

/// The analyser against the labelled corpus (`Tests/Fixtures/corpus`), with the targets of
/// issue #14: gap precision and recall ≥ 0.9 overall and ≥ 0.8 per contract type, no contract
/// with a removed, negated or placeholder clause called compliant, the risk band exact on ≥ 85%.
@Suite("Analysis: the labelled corpus")
struct CorpusEvaluationTests {
    static let corpusDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()  // AITests
        url.deleteLastPathComponent()  // Tests
        return url.appendingPathComponent("Fixtures/corpus").path
    }()

    static let report: EvaluationReport? = try? CorpusEvaluation.run(Corpus.load(directory: corpusDirectory))

    @Test("the corpus loads: at least 60 items covering every contract type")
    func corpusShape() throws {
        let items = try Corpus.load(directory: Self.corpusDirectory)
        #expect(items.count >= 60)
        let types = Set(items.map(\.label.contractType))
        #expect(types == Set(ContractType.allCases), "missing types: \(Set(ContractType.allCases).subtracting(types))")
        for item in items {
            #expect(Set(item.label.mustFail) == Set(item.label.gaps.map(\.clause)), "\(item.id): checks.fail ≠ gaps")
            #expect(
                Set(item.label.mustPass).isDisjoint(with: item.label.gapIDs),
                "\(item.id): a check both passes and fails")
            // Compliant only at Excellent or Good (a Good contract with a removed clause is not compliant).
            #expect(!item.label.compliant || [.excellent, .good].contains(item.label.complianceLevel), "\(item.id)")
            #expect(!(item.label.isDefective && item.label.compliant), "\(item.id): defective but labelled compliant")
        }
    }

    static func misses(_ report: EvaluationReport) -> String {
        report.items.filter { !$0.missed.isEmpty || !$0.extra.isEmpty }
            .map { "\($0.id): missed \($0.missed) extra \($0.extra)" }.joined(separator: "\n")
    }

    @Test("gap precision and recall: ≥ 0.9 overall, ≥ 0.8 for every contract type")
    func gapDetection() throws {
        let report = try #require(Self.report)
        #expect(report.overall.precision >= 0.9, "\(Self.misses(report))")
        #expect(report.overall.recall >= 0.9, "\(Self.misses(report))")
        for t in report.byType {
            #expect(t.metrics.precision >= 0.8, "\(t.contractType.rawValue) precision \(t.metrics.precision)")
            #expect(t.metrics.recall >= 0.8, "\(t.contractType.rawValue) recall \(t.metrics.recall)")
        }
    }

    @Test("no contract with a removed, negated or placeholder clause is called compliant")
    func noFalseCompliant() throws {
        let report = try #require(Self.report)
        let wrong = report.items.filter { $0.defective && $0.compliant }.map(\.id)
        #expect(wrong.isEmpty, "called compliant: \(wrong)")
        #expect(report.overall.defective > 0)
    }

    @Test("the risk band is exactly right on at least 85% of the corpus")
    func riskBands() throws {
        let report = try #require(Self.report)
        let off = report.items.filter { $0.riskBand != $0.expectedRiskBand }
            .map { "\($0.id): \($0.riskScore) \($0.riskBand.rawValue), labelled \($0.expectedRiskBand.rawValue)" }
        #expect(report.overall.riskBandAccuracy >= 0.85, "\(off.joined(separator: "\n"))")
    }

    @Test("a label with a bad field is refused, naming the file and the field")
    func badLabel() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let item = root + "/bad-001"
        try FileManager.default.createDirectory(atPath: item, withIntermediateDirectories: true)
        try "# Agreement\n".write(toFile: item + "/contract.md", atomically: true, encoding: .utf8)
        try "id: 6f1c2a8e-1d1b-4d7a-9a55-2f7f6f1c0b11\ntitle: T\ncontract_type: nda\nstatus: draft\nversion: 1\n"
            .write(toFile: item + "/contract.yaml", atomically: true, encoding: .utf8)
        try "id: bad-001\ncontract_type: nda\nrisk_band: severe\ncompliance_level: Good\ncompliant: true\n"
            .write(toFile: item + "/label.yaml", atomically: true, encoding: .utf8)
        #expect {
            _ = try Corpus.load(directory: root)
        } throws: { error in
            let text = "\(error)"
            return text.contains("label.yaml") && text.contains("risk_band") && text.contains("severe")
        }
    }
}
