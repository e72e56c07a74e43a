import Foundation
import PactoriaAI
import PactoriaCore
import Testing

@Suite struct GenerationTests {
    @Test func extractsDurationAmountsNoticeAndScope() {
        let brief =
            "We need three months of consulting with Acme to redesign their checkout. "
            + "Fees of £5,000 a month plus VAT, paid within 14 days. Either side can end it on 30 days' notice."
        let found = RequirementsExtractor.extract(brief)
        #expect(found.duration == ContractDuration(count: 3, unit: .month, text: "three months"))
        #expect(found.amounts.count == 1)
        #expect(found.amounts.first?.amount == DecimalAmount("5000.00"))
        #expect(found.amounts.first?.period == .month)
        #expect(found.amounts.first?.currency == .gbp)
        #expect(found.paymentTermsDays == 14)
        #expect(found.noticePeriod?.count == 30 && found.noticePeriod?.unit == .day)
        // The fees sentence says nothing else and goes to the fees clause only.
        #expect(
            found.scopeItems == [
                "We need three months of consulting with Acme to redesign their checkout.",
                "Either side can end it on 30 days' notice.",
            ])
    }

    @Test func extractsOtherPhrasings() {
        let one = RequirementsExtractor.extract("A 12-month support contract worth £24k in total.")
        #expect(one.duration?.count == 12 && one.duration?.unit == .month)
        #expect(one.amounts.first?.amount == DecimalAmount("24000.00") && one.amounts.first?.period == nil)
        let two = RequirementsExtractor.extract("Day rate of £450 per day for six weeks, invoices net 30")
        #expect(two.duration?.count == 6 && two.duration?.unit == .week)
        #expect(two.amounts.first?.period == .day)
        #expect(two.paymentTermsDays == 30)
        // "within 30 days" and "a month" as a rate are not the contract's length.
        let three = RequirementsExtractor.extract("Pay £200 a month within 30 days of invoice")
        #expect(three.duration == nil)
        #expect(RequirementsExtractor.extract("").isEmpty)
    }

    @Test func localGenerationWeavesRequirementsIntoScopeTermAndFees() throws {
        let template = try Fixtures.catalog.require(id: "template-service-001")
        // No end date and no value: both come from the brief.
        let contract = Fixtures.servicesContract(value: nil, endDate: nil)
        let result = LocalContractGenerator().generate(contract: contract, template: template)
        let md = result.markdown

        let scope = try #require(section(md, "## 2. The Services"))
        #expect(scope.contains("**Specific requirements**"))
        #expect(scope.contains("- Three months of web development consulting for Acme: rebuild the customer portal"))
        let term = try #require(section(md, "## 3. Term"))
        #expect(term.contains("continues until 30 April 2026"))
        #expect(
            term.contains(
                "**Agreed term.** The parties have agreed a term of three months, from 1 February 2026 to 30 April 2026."
            ))
        let fees = try #require(section(md, "## 4. Charges and payment"))
        #expect(fees.contains("GBP 15,000.00"))
        #expect(fees.contains("invoice the Client monthly in arrears"))
        #expect(fees.contains("within 14 days of receiving it"))
        #expect(
            fees.contains(
                "**Agreed fees.** The fees agreed for this engagement are £5,000.00 a month (£15,000.00 in total"))
        #expect(!md.contains("{{"))
        #expect(result.rendered.unfilled.isEmpty)
        #expect(result.derivedValues["end_date"] == "30 April 2026")
        #expect(result.confidence.unfilled.isEmpty)
    }

    @Test func unfilledPlaceholdersAreMarkedAndReported() throws {
        let template = try Fixtures.catalog.require(id: "template-service-001")
        let contract = Contract(id: "bare", title: "Bare Contract", contractType: "service_agreement")
        let result = LocalContractGenerator().generate(contract: contract, template: template)
        #expect(!result.markdown.contains("{{"))
        #expect(result.markdown.contains("[TO COMPLETE: client's name]"))
        #expect(result.markdown.contains("[TO COMPLETE: description of the services or requirements]"))
        #expect(
            Set(result.rendered.unfilled).isSuperset(of: [
                "client.name", "supplier.name", "contract_value", "start_date",
            ]))
        #expect(result.rendered.defaulted.contains("payment_terms_days"))
        // Defaults still fill optional variables.
        #expect(result.markdown.contains("within 30 days of receiving it"))
        let full = LocalContractGenerator().generate(contract: Fixtures.servicesContract(), template: template)
        #expect(result.confidence.score < full.confidence.score)
        #expect(result.confidence.placeholdersLeft > 0)
    }

    @Test func extraValuesWinOverMetadataAndDefaults() throws {
        let template = try Fixtures.catalog.require(id: "template-service-001")
        let result = LocalContractGenerator().generate(
            contract: Fixtures.servicesContract(), template: template,
            extraValues: ["payment_terms_days": "7", "client.name": "Acme Holdings plc"])
        #expect(result.markdown.contains("within 7 days of receiving it"))
        #expect(result.markdown.contains("**Acme Holdings plc**"))
    }

    @Test func durationWithoutStartDateIsDescribed() throws {
        let template = try Fixtures.catalog.require(id: "template-service-001")
        let contract = Fixtures.servicesContract(startDate: nil, endDate: nil)
        let md = LocalContractGenerator().generate(contract: contract, template: template).markdown
        #expect(md.contains("continues until the end of a period of three months from the Commencement Date"))
    }

    @Test func serviceRecordsLocalGeneration() throws {
        let template = try Fixtures.catalog.require(id: "template-service-001")
        let service = ContractGenerationService(aiClient: nil)
        let outcome = try service.generate(
            contract: Fixtures.servicesContract(), template: template, provider: .local, allowFallback: false,
            createdAt: "2026-01-20T10:15:00Z")
        #expect(!outcome.fellBack && outcome.fallbackReason == nil)
        #expect(outcome.record.provider == .local)
        #expect(outcome.record.model == "pactoria-local-generator@1.0.0")
        #expect(outcome.record.templateID == "template-service-001")
        #expect(outcome.record.templateVersion == "1.0.0")
        #expect(outcome.record.templateSHA256 == template.sha256)
        #expect(outcome.record.tokenUsage == nil)
        #expect(outcome.record.promptSHA256.count == 64)
        #expect(outcome.record.createdAt == "2026-01-20T10:15:00Z")
        #expect(outcome.record.processingTimeMs >= 0)
        #expect(outcome.record.confidenceScore == outcome.confidence.score)
        // The same inputs give the same prompt hash.
        let again = try service.generate(
            contract: Fixtures.servicesContract(), template: template, provider: .local, allowFallback: false,
            createdAt: "2026-01-21T10:15:00Z")
        #expect(again.record.promptSHA256 == outcome.record.promptSHA256)
        #expect(again.markdown == outcome.markdown)
    }

    @Test func aiWithoutConfigurationFallsBackOrFails() throws {
        let template = try Fixtures.catalog.require(id: "template-service-001")
        let service = ContractGenerationService(configuration: .fromEnvironment([:]))
        let outcome = try service.generate(
            contract: Fixtures.servicesContract(), template: template, provider: .ai, allowFallback: true,
            createdAt: "2026-01-20T10:15:00Z")
        #expect(outcome.fellBack)
        #expect(outcome.record.provider == .local)
        #expect(outcome.fallbackReason?.contains("not configured") == true)
        #expect(throws: AIProviderError.notConfigured) {
            try service.generate(
                contract: Fixtures.servicesContract(), template: template, provider: .ai, allowFallback: false,
                createdAt: "2026-01-20T10:15:00Z")
        }
    }

    @Test func confidenceIsTheShareOfFactsStatedCappedByTheAnalysis() throws {
        let template = try Fixtures.catalog.require(id: "template-service-001")
        let complete = LocalContractGenerator().generate(contract: Fixtures.servicesContract(), template: template)
        let c = complete.confidence
        #expect(c.facts.count == c.stated.count + c.guessed.count + c.unfilled.count)
        #expect(c.filledShare == Self.round(Double(c.stated.count) / Double(c.facts.count)))
        #expect(c.score == Self.round(min(c.filledShare, c.analysisScore)))
        #expect(
            c.analysisScore
                == LocalContractAnalyzer().analyze(markdown: complete.markdown, contract: Fixtures.servicesContract())
                .scores.overall)
        // The brief gives no notice period: the template's 30 days is a guess, listed to check.
        #expect(c.guessed.contains("notice_period_days"))
        #expect(complete.guessed.contains { $0.hasPrefix("notice_period_days: the template's default (30)") })
        #expect(c.stated.contains("payment_terms_days") && c.stated.contains("client.name"))
        #expect(c.score < 1)
        // Nothing given: nothing stated, confidence 0.
        let stub = ConfidenceAssessment.assess(
            markdown: "# Agreement\n\n[TO COMPLETE: everything]\n", template: template,
            contract: Contract(id: "x", title: "X", contractType: "service_agreement"), values: [:])
        #expect(stub.score == 0)
        #expect(stub.placeholdersLeft == 1)
        #expect(stub.unfilled.contains("client.name"))
    }

    @Test func probationHoursAndRolesAreNotTheTerm() throws {
        let found = RequirementsExtractor.extract(
            "Part-time barista, 20 hours a week at £11.44 an hour, one month probation, starting 6 January 2027 at our Ancoats café"
        )
        #expect(found.duration == nil)
        #expect(found.facts.probation?.count == 1 && found.facts.probation?.unit == .month)
        #expect(found.facts.hoursPerWeek == "20")
        #expect(found.facts.jobTitle == "Barista")
        #expect(found.facts.placeOfWork == "our Ancoats café")
        #expect(found.facts.startDate == CalendarDate(year: 2027, month: 1, day: 6))
        #expect(found.amounts.first?.period == .hour && found.amounts.first?.amount == DecimalAmount("11.44"))
        #expect(found.scopeItems.isEmpty)
        let other = RequirementsExtractor.extract(
            "A six-month contract with a probationary period of 3 months and 4 weeks' notice, 37.5 hours per week over five days a week"
        )
        #expect(other.duration?.count == 6 && other.duration?.unit == .month)
        #expect(other.facts.probation?.count == 3)
        #expect(other.noticePeriod?.count == 4 && other.noticePeriod?.unit == .week)
        #expect(other.facts.hoursPerWeek == "37.5" && other.facts.daysPerWeek == 5)
        let apostrophes = RequirementsExtractor.extract("One month's probation, then one month's notice either side.")
        #expect(apostrophes.facts.probation?.count == 1 && apostrophes.noticePeriod?.unit == .month)
        #expect(apostrophes.duration == nil)
    }

    @Test func templatesNameTheirPartiesRoles() throws {
        let roles = TemplateParties.of(try Fixtures.catalog.require(id: "template-employment-002"))
        #expect(roles == TemplateParties(clientRole: "Employer", supplierRole: "Employee"))
        let lease = TemplateParties.of(try Fixtures.catalog.require(id: "template-lease-001"))
        #expect(lease == TemplateParties(clientRole: "Tenant", supplierRole: "Landlord"))
    }

    static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// The text of the `##` section starting with `heading`, up to the next `## `.
    func section(_ markdown: String, _ heading: String) -> String? {
        guard let start = markdown.range(of: heading + "\n") else { return nil }
        let rest = markdown[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }
}
