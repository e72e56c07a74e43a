import Foundation
import PactoriaAI
import PactoriaCore
import Testing

@Suite struct TemplateTests {
    static let templateIDs = Fixtures.catalog.templates.map(\.id)

    @Test func builtInTemplatesAllParseWithoutErrors() {
        let scan = TemplateCatalog.scan(directory: Fixtures.templatesDirectory)
        #expect(scan.errors.isEmpty, "\(scan.errors.map(\.message))")
        #expect(scan.templates.count >= 20)
        #expect(Fixtures.catalog.templates.count == scan.templates.count)
    }

    @Test(arguments: templateIDs)
    func templateIsCompleteAndGeneratesWithoutSlots(_ id: String) throws {
        let template = try Fixtures.catalog.require(id: id)
        #expect(!template.name.isEmpty && !template.description.isEmpty && !template.licence.isEmpty)
        #expect(!template.suitableFor.isEmpty && !template.complianceFeatures.isEmpty && !template.variables.isEmpty)
        #expect(template.sha256.count == 64)
        let declared = Set(template.variables.map(\.name))
        for name in template.placeholders {
            #expect(declared.contains(name) || BuiltInPlaceholders.contains(name), "\(id): {{\(name)}} undeclared")
        }
        let generated = LocalContractGenerator().generate(
            contract: Fixtures.contract(for: template), template: template)
        #expect(!generated.markdown.contains("{{"), "\(id) left a placeholder")
        #expect(!generated.markdown.contains("}}"))
        // Anything not filled is clearly marked, never silently empty.
        let markers = generated.markdown.components(separatedBy: TemplateRenderer.markerPrefix).count - 1
        #expect(markers >= generated.rendered.unfilled.count)
        #expect((0...1).contains(generated.confidence.score))
    }

    @Test func coversTheRequiredKinds() {
        let catalog = Fixtures.catalog
        let names = catalog.templates.map { $0.name.lowercased() }.joined(separator: "|")
        for kind in [
            "professional services", "it services", "consultancy", "full time", "part time", "contractor",
            "supply", "purchase", "mutual non-disclosure", "one-way non-disclosure", "website terms",
            "business terms", "consumer terms", "data processing", "software licence", "saas", "agency",
            "partnership", "lease", "loan", "joint venture", "distribution", "commercial agency",
            "consumer subscription",
        ] {
            #expect(names.contains(kind), "no template for \(kind)")
        }
        #expect(
            Set(catalog.categories.map { $0.lowercased() })
                .isSuperset(of: ["service agreements", "employment", "supplier", "ndas", "terms and conditions"]))
    }

    /// The clause markers each document kind needs (the table in `Tests/Fixtures/corpus/README.md`),
    /// as the words a sound clause of that kind uses. Written from the statutes, not from the
    /// templates' text.
    static let commercialMarkers = [
        "company number", "law of England and Wales", "courts of England and Wales", "mediation", "Signed",
        "UK GDPR", "Data Protection Act 2018", "confidential", "terminate", "limited to",
        "death or personal injury", "fraud", "pay", "Late Payment of Commercial Debts (Interest) Act 1998",
        "Intellectual Property Rights", "beyond its reasonable control",
    ]
    static let markers: [String: [String]] = [
        "template-commercial-agent-001": commercialMarkers + [
            "commission", "regulation 12", "regulation 15", "regulation 17", "one month in the first year",
            "two months in the second year", "three months in the third",
        ],
        "template-distribution-001": commercialMarkers + [
            "Territory", "exclusive", "free to determine its own resale prices", "Competition Act 1998",
        ],
        "template-jv-001": [
            "company number", "continues until", "law of England and Wales", "courts of England and Wales",
            "mediation", "Signed", "UK GDPR", "Data Protection Act 2018", "confidential", "terminate",
            "Capital contributions", "net profits", "losses", "Deadlock", "withdraw", "Winding up",
        ],
        "template-terms-004": [
            "company number", "law of England and Wales", "courts of England and Wales", "complaint", "UK GDPR",
            "Data Protection Act 2018", "death or personal injury", "fraud", "subscription price",
            "Consumer Contracts (Information, Cancellation and Additional Charges) Regulations 2013",
            "14 days", "Consumer Rights Act 2015", "repair or replacement", "Digital content", "reminder",
            "cancel your subscription at any time", "notice", "right to cancel",
        ],
        "template-employment-002": [
            "company number", "{{employee_address}}", "law of England and Wales", "Signed", "UK GDPR",
            "Data Protection Act 2018", "confidential", "{{job_title}}", "{{start_date}}", "{{contract_value}}",
            "{{pay_period}}", "{{hours_per_week}} hours a week", "{{days_per_week}} days a week", "pro rata",
            "5.6 weeks", "Statutory Sick Pay", "Pensions Act 2008", "notice", "{{place_of_work}}", "probation",
            "disciplinary", "grievance", "training",
            "Part-time Workers (Prevention of Less Favourable Treatment) Regulations 2000",
        ],
    ]

    @Test(arguments: markers.keys.sorted())
    func templateCarriesTheClausesItsKindNeeds(_ id: String) throws {
        let template = try Fixtures.catalog.require(id: id)
        let body = template.body.lowercased()
        for marker in Self.markers[id] ?? [] {
            #expect(body.contains(marker.lowercased()), "\(id) lacks “\(marker)”")
        }
        // No unfilled bracket or blank placeholder outside the signature lines.
        let lines = template.body.split(separator: "\n").filter { !$0.hasPrefix("Signed") }
        #expect(!lines.contains { $0.contains("____") || $0.contains("[insert") || $0.contains("TBC") }, "\(id)")
    }

    @Test func newTemplatesFitTheirContractTypes() throws {
        let catalog = Fixtures.catalog
        #expect(try catalog.require(id: "template-jv-001").contractType == .partnership)
        #expect(try catalog.require(id: "template-distribution-001").contractType == .supplierAgreement)
        #expect(try catalog.require(id: "template-commercial-agent-001").contractType == .serviceAgreement)
        #expect(try catalog.require(id: "template-terms-004").contractType == .termsAndConditions)
        let partTime = try catalog.require(id: "template-employment-002")
        for name in ["hours_per_week", "days_per_week", "pay_period", "holiday_days", "employee_address"] {
            #expect(partTime.variable(named: name) != nil, "part-time template lacks \(name)")
        }
    }

    @Test func lookupAndCategoryFilter() throws {
        let catalog = Fixtures.catalog
        let service = try catalog.require(id: "template-service-001")
        #expect(service.contractType == .serviceAgreement)
        #expect(service.version == "1.0.0")
        #expect(service.variable(named: "payment_terms_days")?.defaultValue == "30")
        #expect(catalog.template(id: "template-missing") == nil)
        #expect(throws: TemplateError.notFound(id: "template-missing")) { try catalog.require(id: "template-missing") }
        let ndas = catalog.templates(inCategory: "ndas")
        #expect(ndas.count == 3 && ndas.allSatisfy { $0.contractType == .nda })
        #expect(catalog.templates(inCategory: "Service-Agreements").contains { $0.id == "template-service-001" })
    }

    @Test func unknownPlaceholderNamesFileAndLine() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/broken.md"
        let text = Self.minimalTemplate(
            id: "template-broken-001",
            body: "# {{title}}\n\nPaid by {{client.name}}.\n\nSee {{payment_method}} for details.\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let bodyLine =
            text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains("payment_method") }! + 1

        #expect {
            _ = try TemplateCatalog.load(directory: directory)
        } throws: { error in
            guard let error = error as? TemplateError, case .unknownPlaceholder(let file, let line, let name) = error
            else { return false }
            return file == path && line == bodyLine && name == "payment_method"
                && error.description.hasPrefix("\(path):\(bodyLine): unknown placeholder {{payment_method}}")
                && !error.description.contains("\n")
        }
    }

    @Test func frontMatterErrorsNameFieldAndLine() throws {
        let badVersion = Self.minimalTemplate(id: "template-x-001", version: "1.0", body: "# {{title}}\n")
        #expect {
            _ = try Template.parse(text: badVersion, path: "x.md")
        } throws: { error in
            guard case .invalidField(let path, let line, let field, _) = error as? TemplateError else { return false }
            return path == "x.md" && line == 3 && field == "version"
        }
        let badType = Self.minimalTemplate(id: "template-x-001", contractType: "mortgage", body: "# {{title}}\n")
        #expect(throws: TemplateError.self) { try Template.parse(text: badType, path: "x.md") }
        let noFrontMatter = "# Just Markdown\n"
        #expect(throws: TemplateError.missingFrontMatter(path: "x.md")) {
            try Template.parse(text: noFrontMatter, path: "x.md")
        }
        let missingLicence = Self.minimalTemplate(id: "template-x-001", body: "# {{title}}\n")
            .replacingOccurrences(of: "licence: CC-BY-4.0\n", with: "")
        #expect {
            _ = try Template.parse(text: missingLicence, path: "x.md")
        } throws: { error in
            guard case .missingField(_, _, let field) = error as? TemplateError else { return false }
            return field == "licence"
        }
        let malformed = Self.minimalTemplate(id: "template-x-001", body: "# {{title}}\n\nBroken {{Client Name}} here\n")
        #expect {
            _ = try Template.parse(text: malformed, path: "x.md")
        } throws: { error in
            guard case .malformedPlaceholder(_, let line, _) = error as? TemplateError else { return false }
            return line == malformed.split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("Broken") }! + 1
        }
    }

    @Test func builtInPlaceholdersNeedNoDeclaration() throws {
        let text = Self.minimalTemplate(
            id: "template-x-001",
            body:
                "# {{title}}\n\n{{client.name}} and {{supplier.name}}: {{contract_value_formatted}} from {{start_date}}.\n"
        )
        let template = try Template.parse(text: text, path: "x.md")
        let contract = Fixtures.servicesContract()
        let rendered = TemplateRenderer.render(template, values: PlaceholderValues.from(contract: contract))
        #expect(
            rendered.markdown.contains("Acme Widgets Ltd and Brightline Digital Ltd: £15,000.00 from 1 February 2026."))
        #expect(rendered.unfilled.isEmpty)
    }

    @Test func workspaceTemplateOverridesBuiltInByID() throws {
        let builtIn = try Fixtures.temporaryDirectory()
        let workspace = try Fixtures.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: builtIn)
            try? FileManager.default.removeItem(atPath: workspace)
        }
        try Self.minimalTemplate(id: "template-a-001", name: "Built-in A", body: "# {{title}}\n")
            .write(toFile: builtIn + "/a.md", atomically: true, encoding: .utf8)
        try Self.minimalTemplate(id: "template-b-001", name: "Built-in B", body: "# {{title}}\n")
            .write(toFile: builtIn + "/b.md", atomically: true, encoding: .utf8)
        try Self.minimalTemplate(id: "template-a-001", version: "2.0.0", name: "Our A", body: "# {{title}} (ours)\n")
            .write(toFile: workspace + "/custom-a.md", atomically: true, encoding: .utf8)
        try Self.minimalTemplate(id: "template-c-001", name: "Our C", body: "# {{title}}\n")
            .write(toFile: workspace + "/c.md", atomically: true, encoding: .utf8)

        let catalog = try TemplateCatalog.load(directory: builtIn, overrideDirectory: workspace)
        #expect(catalog.templates.map(\.id) == ["template-a-001", "template-b-001", "template-c-001"])
        let a = try catalog.require(id: "template-a-001")
        #expect(a.name == "Our A" && a.version == "2.0.0" && a.origin == .workspace)
        #expect(a.sourcePath == workspace + "/custom-a.md")
        #expect(try catalog.require(id: "template-b-001").origin == .builtIn)

        // A missing workspace directory simply means no overrides.
        let plain = try TemplateCatalog.load(directory: builtIn, overrideDirectory: workspace + "/nope")
        #expect(plain.templates.count == 2)
    }

    @Test func duplicateIDsInOneDirectoryAreAnError() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for file in ["one.md", "two.md"] {
            try Self.minimalTemplate(id: "template-a-001", body: "# {{title}}\n")
                .write(toFile: directory + "/" + file, atomically: true, encoding: .utf8)
        }
        #expect(throws: TemplateError.self) { try TemplateCatalog.load(directory: directory) }
        #expect(TemplateCatalog.scan(directory: directory).errors.count == 1)
    }

    @Test func sha256IsOfTheFileBytes() throws {
        let text = Self.minimalTemplate(id: "template-a-001", body: "# {{title}}\n")
        let one = try Template.parse(text: text, path: "a.md")
        let two = try Template.parse(text: text + "\n", path: "a.md")
        #expect(one.sha256 != two.sha256)
        #expect(one.sha256 == (try Template.parse(text: text, path: "b.md")).sha256)
    }

    static func minimalTemplate(
        id: String, version: String = "1.0.0", name: String = "Test Template",
        contractType: String = "service_agreement", body: String
    ) -> String {
        """
        ---
        id: \(id)
        version: \(version)
        licence: CC-BY-4.0
        name: \(name)
        category: service agreements
        contract_type: \(contractType)
        description: A template used in tests.
        suitable_for:
          - testing
        compliance_features:
          - none
        variables:
          - name: title
            type: string
            required: true
          - name: client.name
            type: string
            required: true
        ---
        \(body)
        """
    }
}
