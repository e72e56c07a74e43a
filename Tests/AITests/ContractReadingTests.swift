import Foundation
import PactoriaAI
import PactoriaCore
import Testing

/// The analyser reads clauses: it segments the text, sees negation and hollowing, lists
/// placeholders and checks parties, term, governing law and execution. One test per finding
/// quoted in issue #14.
@Suite struct ContractReadingTests {
    let analyzer = LocalContractAnalyzer()

    /// A sound professional services agreement written by hand, clause by clause, so tests can
    /// change one clause at a time.
    static let clauses: [(key: String, text: String)] = [
        (
            "parties",
            """
            # Services Agreement

            **This Agreement is made on 1 March 2026 between:**

            1. **Harbour Analytics Ltd**, a company registered in England and Wales with company number 09876543, whose registered office is at 4 Quay Street, Bristol BS1 4DJ (the "**Client**"); and
            2. **Northwind Digital Ltd**, a company registered in England and Wales with company number 11223344, whose registered office is at 9 Mill Lane, Leeds LS1 5AB (the "**Supplier**").
            """
        ),
        (
            "services",
            """
            ## 1. Services

            1.1 The Supplier shall provide data engineering services to the Client with reasonable care and skill.
            """
        ),
        (
            "term",
            """
            ## 2. Term

            2.1 This Agreement starts on 1 March 2026 and continues for a fixed term of 12 months unless terminated earlier under clause 9.
            """
        ),
        (
            "payment",
            """
            ## 3. Charges and payment

            3.1 The Client shall pay the Supplier £4,000 a month (the "Charges"), invoiced monthly in arrears.

            3.2 The Client shall pay each invoice within 30 days of receipt.

            3.3 If the Client pays late, the Supplier may claim interest and compensation under the Late Payment of Commercial Debts (Interest) Act 1998.
            """
        ),
        (
            "confidentiality",
            """
            ## 4. Confidentiality

            4.1 Each party shall keep confidential the other party's confidential information and use it only for this Agreement.

            4.2 A party may disclose confidential information to its professional advisers or where required by law.
            """
        ),
        (
            "data",
            """
            ## 5. Data protection

            5.1 Each party shall comply with the UK GDPR and the Data Protection Act 2018 in connection with this Agreement.
            """
        ),
        (
            "ip",
            """
            ## 6. Intellectual property

            6.1 On payment of the Charges, the Supplier assigns to the Client the intellectual property rights in the deliverables.
            """
        ),
        (
            "liability",
            """
            ## 7. Limitation of liability

            7.1 Nothing in this Agreement limits or excludes either party's liability for death or personal injury caused by its negligence, or for fraud.

            7.2 Subject to clause 7.1, neither party is liable for any indirect or consequential loss.

            7.3 Subject to clause 7.1, each party's total liability under this Agreement is limited to 100% of the Charges paid and payable.
            """
        ),
        (
            "force",
            """
            ## 8. Force majeure

            8.1 Neither party is liable for delay caused by events beyond its reasonable control.
            """
        ),
        (
            "termination",
            """
            ## 9. Termination

            9.1 Either party may terminate this Agreement by giving 30 days' written notice.

            9.2 Either party may terminate this Agreement immediately if the other commits a material breach or becomes insolvent.
            """
        ),
        (
            "disputes",
            """
            ## 10. Disputes

            10.1 The parties shall try to resolve any dispute by negotiation between senior representatives and then by mediation.
            """
        ),
        (
            "law",
            """
            ## 11. Governing law and jurisdiction

            11.1 This Agreement is governed by the law of England and Wales and the courts of England and Wales have exclusive jurisdiction.
            """
        ),
        (
            "signatures",
            """
            ## Signatures

            Signed for and on behalf of Harbour Analytics Ltd by: Jane Doe, Director

            Signed for and on behalf of Northwind Digital Ltd by: Sam Roe, Director
            """
        ),
    ]

    static func agreement(replacing key: String? = nil, with text: String? = nil) -> String {
        clauses.compactMap { clause in
            guard clause.key == key else { return clause.text }
            return text
        }.joined(separator: "\n\n")
    }

    static let contract = Contract(
        id: "4f1c1e7e-8b36-4c83-9f1e-2a3b4c5d6e7f", title: "Services Agreement", contractType: "service_agreement",
        status: "draft",
        client: Party(name: "Harbour Analytics Ltd", role: "Client"),
        supplier: Party(name: "Northwind Digital Ltd", role: "Supplier"),
        value: ContractValue(amount: "48000.00", currency: "GBP"), startDate: "2026-03-01", endDate: "2027-02-28",
        version: 1)

    func analyze(_ markdown: String) -> AnalysisResult {
        analyzer.analyze(markdown: markdown, contract: Self.contract)
    }

    func finding(_ result: AnalysisResult, _ clause: String) throws -> ComplianceFinding {
        try #require(result.findings.first { $0.clause == clause })
    }

    @Test func soundAgreementIsExcellentWithEveryCheckFound() {
        let result = analyze(Self.agreement())
        #expect(result.gaps.isEmpty, "\(result.gaps.map(\.message))")
        #expect(result.complianceLevel == .excellent && result.isCompliant)
        #expect(result.riskLevel == .low)
        #expect(result.placeholders.isEmpty)
        #expect(result.documentKind == "commercial")
        let checks = Set(result.findings.map(\.clause))
        #expect(
            checks == [
                "parties", "term", "governing_law", "dispute_resolution", "execution", "placeholders",
                "data_protection", "confidentiality", "termination", "limitation_of_liability", "liability_cap",
                "liability_death_injury", "payment_terms", "late_payment", "intellectual_property", "force_majeure",
            ])
    }

    @Test func findingsNameTheirClauseAndRule() throws {
        let result = analyze(Self.agreement())
        let liability = try finding(result, "limitation_of_liability")
        #expect(liability.location == "clause 7 (Limitation of liability)")
        #expect(liability.rule?.contains("Unfair Contract Terms Act 1977") == true)
        #expect(try finding(result, "governing_law").location == "clause 11 (Governing law and jurisdiction)")
    }

    @Test func removedTerminationIsMissingThoughTerminateAppearsElsewhere() throws {
        let markdown = Self.agreement(replacing: "termination")
        #expect(markdown.contains("terminated earlier under clause 9"))
        let result = analyze(markdown)
        #expect(try finding(result, "termination").status == .missing)
        #expect(!result.isCompliant)
        #expect(result.complianceLevel == .fair)
        #expect(result.riskLevel != .low)
    }

    @Test func negatedDataProtectionIsNotCompliant() throws {
        let result = analyze(
            Self.agreement(
                replacing: "data",
                with: """
                    ## 5. Data protection

                    5.1 Neither party need comply with the UK GDPR or the Data Protection Act 2018 in connection with this Agreement.
                    """))
        let gdpr = try finding(result, "data_protection")
        #expect(gdpr.status == .negated)
        #expect(gdpr.location == "clause 5 (Data protection)")
        #expect(result.scores.gdpr == 0)
        #expect(!result.isCompliant && result.complianceLevel == .poor)
        #expect(result.riskLevel != .low)
    }

    @Test func personalDataForAnythingIsAGdprGap() throws {
        let result = analyze(
            Self.agreement(
                replacing: "data",
                with: """
                    ## 5. Data protection

                    5.1 Each party shall comply with the UK GDPR and the Data Protection Act 2018, but the Supplier may use personal data it receives for anything it chooses, without restriction.
                    """))
        #expect(try finding(result, "data_protection").status == .negated)
        #expect(result.scores.gdpr == 0)
        #expect(!result.isCompliant)
    }

    @Test func unlimitedOneSidedLiabilityIsFlagged() throws {
        let result = analyze(
            Self.agreement(
                replacing: "liability",
                with: """
                    ## 7. Limitation of liability

                    7.1 The Supplier accepts no liability whatsoever arising under this Agreement.

                    7.2 The Client's liability under this Agreement is unlimited.
                    """))
        #expect(try finding(result, "limitation_of_liability").status == .unfair)
        #expect(try finding(result, "liability_cap").status != .present)
        #expect(try finding(result, "liability_death_injury").status != .present)
        #expect(result.complianceLevel == .poor && !result.isCompliant)
        #expect(result.riskScore >= 7)
    }

    @Test func excludingDeathOrPersonalInjuryIsUnfair() throws {
        let result = analyze(
            Self.agreement(
                replacing: "liability",
                with: """
                    ## 7. Limitation of liability

                    7.1 The Supplier shall not be liable for death or personal injury however caused.

                    7.2 Each party's total liability under this Agreement is limited to 100% of the Charges paid and payable.
                    """))
        let finding = try finding(result, "liability_death_injury")
        #expect(finding.status == .unfair)
        #expect(finding.message.contains("UCTA 1977 s.2(1)"))
        #expect(result.riskLevel == .high || result.riskLevel == .critical)
    }

    @Test func notwithstandingMayDiscloseHollowsConfidentiality() throws {
        let result = analyze(
            Self.agreement(
                replacing: "confidentiality",
                with: """
                    ## 4. Confidentiality

                    4.1 Each party shall keep confidential the other party's confidential information.

                    4.2 Notwithstanding clause 4.1, either party may disclose any information to anyone at any time.
                    """))
        #expect(try finding(result, "confidentiality").status == .negated)
        #expect(!result.isCompliant)
    }

    @Test func missingPartiesAndTermAreFlagged() throws {
        var markdown = Self.agreement(replacing: "parties", with: "# Services Agreement")
        markdown = markdown.replacingOccurrences(
            of:
                "2.1 This Agreement starts on 1 March 2026 and continues for a fixed term of 12 months unless terminated earlier under clause 9.",
            with: "2.1 The Supplier shall keep records of the Services.")
        let result = analyze(markdown)
        #expect(try finding(result, "parties").status != .present)
        #expect(try finding(result, "term").status != .present)
        #expect(!result.isCompliant)
    }

    @Test func partiesInTheWrongRolesAreFlagged() throws {
        var swapped = Self.contract
        swapped.client = Party(name: "Northwind Digital Ltd", role: "Client")
        swapped.supplier = Party(name: "Harbour Analytics Ltd", role: "Supplier")
        let result = analyzer.analyze(markdown: Self.agreement(), contract: swapped)
        let parties = try finding(result, "parties")
        #expect(parties.status == .missing)
        #expect(parties.message.contains("named as the supplier"))
    }

    @Test func placeholdersAreListedAndCapTheLevel() throws {
        let markdown = Self.agreement(
            replacing: "payment",
            with: """
                ## 3. Charges and payment

                3.1 The Client shall pay the Supplier £[TO COMPLETE] a month, invoiced monthly in arrears.

                3.2 The Client shall pay each invoice within {{payment_terms_days}} days of receipt.

                3.3 If the Client pays late, the Supplier may claim interest and compensation under the Late Payment of Commercial Debts (Interest) Act 1998.
                """)
        let result = analyze(markdown)
        #expect(result.placeholders.map(\.text) == ["[TO COMPLETE]", "{{payment_terms_days}}"])
        #expect(result.placeholders.allSatisfy { $0.location == "clause 3 (Charges and payment)" })
        #expect(try finding(result, "placeholders").status == .partial)
        #expect(!result.isCompliant)
        #expect(result.complianceLevel != .excellent && result.complianceLevel != .good)
    }

    @Test func legitimateBracketsAndLinksAreNotPlaceholders() {
        let markdown =
            Self.agreement()
            + "\n\nSee [our privacy notice](https://example.com/privacy) and (the \"Supplier\") above. Clause [1] applies."
        #expect(analyze(markdown).placeholders.isEmpty)
    }

    @Test func everyPlaceholderStyleIsFound() {
        let samples = [
            "[●]", "[insert address]", "[Client name]", "{{start_date}}", "£[ ]", "______", "TBC",
        ]
        for sample in samples {
            let result = analyze(
                Self.agreement() + "\n\n## 12. Deposit\n\nThe Client shall pay a deposit of \(sample).")
            #expect(result.placeholders.count == 1, "\(sample): \(result.placeholders)")
            #expect(!result.isCompliant, "\(sample)")
        }
    }

    @Test func foreignLawIsAGapAndScottishLawIsNot() throws {
        let french = analyze(
            Self.agreement(
                replacing: "law",
                with: """
                    ## 11. Governing law

                    11.1 This Agreement is governed by the laws of France and the courts of Paris have jurisdiction.
                    """))
        #expect(try finding(french, "governing_law").status == .negated)
        let scottish = analyze(
            Self.agreement(
                replacing: "law",
                with: """
                    ## 11. Governing law

                    11.1 This Agreement is governed by the law of Scotland and the parties submit to the exclusive jurisdiction of the Scottish courts.
                    """))
        #expect(try finding(scottish, "governing_law").status == .present)
    }

    @Test func boldAndNumberedHeadingsAreClauses() throws {
        let markdown = Self.agreement()
            .replacingOccurrences(of: "## 7. Limitation of liability", with: "**7. LIABILITY**")
            .replacingOccurrences(of: "## 9. Termination", with: "9. Termination")
        let result = analyze(markdown)
        #expect(result.gaps.isEmpty, "\(result.gaps.map(\.message))")
        #expect(try finding(result, "limitation_of_liability").location == "clause 7 (LIABILITY)")
        #expect(try finding(result, "termination").location == "clause 9 (Termination)")
    }
}
