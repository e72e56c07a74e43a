import Foundation
import PactoriaAI
import PactoriaCore
import Testing

@Suite struct AnalysisTests {
    let analyzer = LocalContractAnalyzer()

    func professionalServicesAgreement() throws -> (Contract, String) {
        let template = try Fixtures.catalog.require(id: "template-service-001")
        let contract = Fixtures.servicesContract()
        return (contract, LocalContractGenerator().generate(contract: contract, template: template).markdown)
    }

    /// Removes the lines from the one starting with `start` up to (not including) the next line
    /// starting with one of `until`.
    func removing(_ markdown: String, from start: String, until: [String]) -> String {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.firstIndex(where: { $0.hasPrefix(start) }) else {
            Issue.record("no line starting with \(start)")
            return markdown
        }
        let end = lines[(first + 1)...].firstIndex { line in until.contains { line.hasPrefix($0) } } ?? lines.count
        lines.removeSubrange(first..<end)
        return lines.joined(separator: "\n")
    }

    @Test func completeProfessionalServicesAgreementIsCompliantWithLowRisk() throws {
        let (contract, markdown) = try professionalServicesAgreement()
        let result = analyzer.analyze(markdown: markdown, contract: contract)
        #expect(result.isCompliant)
        #expect(result.scores.overall >= 0.95)
        #expect(result.complianceLevel == .excellent)
        #expect(result.riskLevel == .low)
        #expect(result.riskScore <= 3)
        #expect(result.gaps.isEmpty, "\(result.gaps.map(\.message))")
        #expect(result.scores.gdpr == 1 && result.scores.commercialTerms == 1)
        #expect(result.scores.employmentLaw == nil && result.scores.consumerRights == nil)
        #expect(
            result.analyzerName == LocalContractAnalyzer.name && result.analyzerVersion == LocalContractAnalyzer.version
        )
        #expect(result.contentSHA256.count == 64)
        #expect(result.dataClassification == .restricted)
        #expect(
            Set(result.clausesFound).isSuperset(of: [
                "governing_law", "data_protection", "limitation_of_liability", "liability_cap", "termination",
                "payment_terms", "late_payment", "intellectual_property", "confidentiality", "dispute_resolution",
                "force_majeure",
            ]))
    }

    @Test func removingProtectiveClausesLowersScoresAndNamesExactlyThoseGaps() throws {
        let (contract, complete) = try professionalServicesAgreement()
        var markdown = removing(complete, from: "## 6. Data protection", until: ["## "])
        markdown = removing(markdown, from: "8.3 ", until: ["## "])
        markdown = removing(markdown, from: "12.2 ", until: ["## ", "Signed for"])
        #expect(!markdown.contains("UK GDPR") && !markdown.contains("England and Wales"))

        let before = analyzer.analyze(markdown: complete, contract: contract)
        let after = analyzer.analyze(markdown: markdown, contract: contract)
        #expect(after.scores.overall < before.scores.overall)
        #expect(after.scores.gdpr == 0)
        #expect(after.scores.commercialTerms! < 1)
        #expect(!after.isCompliant)
        #expect(after.riskScore > before.riskScore)
        // Three key protections removed: high risk (issue #14: two or more key gaps are high).
        #expect(after.riskLevel == .high)

        let gaps = Set(after.gaps.map(\.clause))
        #expect(gaps == ["data_protection", "liability_cap", "governing_law"])
        #expect(Set(after.riskFactors.map(\.source)) == gaps)
        #expect(Set(after.recommendations.map(\.clause)) == gaps)
        for gap in after.gaps {
            #expect(gap.status == .missing)
            #expect(gap.pointsLost > 0)
            #expect(gap.message.contains(gap.name))
        }
        // Every lost point is accounted for.
        let lost = after.findings.reduce(0) { $0 + $1.pointsLost }
        #expect(abs((1 - lost) - after.scores.overall) < 0.011)
        #expect(after.dataClassification == .confidential)
    }

    @Test func partialClausesEarnHalfCredit() throws {
        let (contract, complete) = try professionalServicesAgreement()
        let withoutCourts = complete.replacingOccurrences(
            of: "The courts of England and Wales have exclusive jurisdiction.", with: "")
        let result = analyzer.analyze(markdown: withoutCourts, contract: contract)
        let finding = try #require(result.findings.first { $0.clause == "governing_law" })
        #expect(finding.status == .partial)
        #expect(finding.message.contains("no courts"))
        // A partial key protection is a key gap: Fair, not compliant (issue #14 levels).
        #expect(result.complianceLevel == .fair && !result.isCompliant)
    }

    @Test func valueAndDurationAddRisk() throws {
        let (_, markdown) = try professionalServicesAgreement()
        let small = analyzer.analyze(
            text: markdown, type: .serviceAgreement,
            context: AnalysisContext(value: ContractValue(amount: "15000.00", currency: "GBP")))
        let large = analyzer.analyze(
            text: markdown, type: .serviceAgreement,
            context: AnalysisContext(
                value: ContractValue(amount: "750000.00", currency: "GBP"), startDate: CalendarDate("2026-01-01"),
                endDate: CalendarDate("2030-12-31")))
        // More than 500,000: +1; more than three years: +1.
        #expect(large.riskScore == small.riskScore + 2)
        #expect(large.riskFactors.map(\.source) == ["contract_value", "duration"])
        #expect(large.riskFactors[0].description.contains("£750,000.00"))
    }

    @Test func employmentContractChecksWrittenStatementParticulars() throws {
        let template = try Fixtures.catalog.require(id: "template-employment-001")
        var contract = Fixtures.contract(for: template)
        contract.plainEnglishInput = "Office manager running the front desk and bookkeeping."
        let markdown = LocalContractGenerator().generate(
            contract: contract, template: template, extraValues: ["job_title": "Office Manager"]
        ).markdown
        let result = analyzer.analyze(markdown: markdown, contract: contract)
        #expect(result.scores.employmentLaw == 1)
        #expect(result.scores.commercialTerms == nil && result.scores.consumerRights == nil)
        #expect(result.dataClassification == .restricted)
        #expect(result.isCompliant)

        let noHoliday = removing(markdown, from: "## 8. Holidays", until: ["## "])
        let worse = analyzer.analyze(markdown: noHoliday, contract: contract)
        #expect(worse.gaps.map(\.clause) == ["employment_holiday"])
        #expect(worse.scores.employmentLaw! < 1)
    }

    @Test func consumerTermsNeedCancellationAndStatutoryRemedies() throws {
        let template = try Fixtures.catalog.require(id: "template-terms-003")
        let markdown = LocalContractGenerator().generate(contract: Fixtures.contract(for: template), template: template)
            .markdown
        let result = analyzer.analyze(text: markdown, type: .termsAndConditions)
        #expect(result.scores.consumerRights == 1)
        #expect(result.scores.employmentLaw == nil)
        let stripped = removing(
            removing(markdown, from: "## 4. Your right to cancel", until: ["## "]),
            from: "## 5. If there is a problem", until: ["## "]
        )
        .replacingOccurrences(of: "Consumer Rights Act 2015", with: "law")
        let worse = analyzer.analyze(text: stripped, type: .termsAndConditions)
        #expect(worse.scores.consumerRights! < 0.7)
        #expect(Set(worse.gaps.map(\.clause)).isSuperset(of: ["consumer_cancellation", "consumer_statutory_remedies"]))
    }

    @Test func adHocTextAnalysisAndClassification() {
        let letter = "Thanks for lunch. We agreed to meet again next week."
        let result = analyzer.analyze(text: letter, type: .nda)
        #expect(result.scores.overall < 0.2)
        #expect(result.riskLevel != .low)
        #expect(result.dataClassification == .internal)
        #expect(result.gaps.contains { $0.clause == "nda_definition" })
        #expect(result.findings.allSatisfy { !$0.message.isEmpty && !$0.message.contains("\n") })
        #expect(analyzer.analyze(text: "The price is £500.", type: .other).dataClassification == .confidential)
    }

    @Test func levelsAndThresholds() {
        #expect(ComplianceLevel(score: 0.95) == .excellent)
        #expect(ComplianceLevel(score: 0.9) == .good)
        #expect(ComplianceLevel(score: 0.7) == .fair)
        #expect(ComplianceLevel(score: 0.69) == .poor)
        #expect(RiskLevel(score: 3) == .low && RiskLevel(score: 4) == .medium)
        #expect(RiskLevel(score: 8) == .high && RiskLevel(score: 9) == .critical)
    }
}
