import Foundation
public import PactoriaCore

/// A new contract: write a draft contract's metadata and a Markdown skeleton.
public enum NewContract {
    public struct Input: Sendable {
        public var company: String
        public var title: String
        public var type: String
        public var client: Party
        public var supplier: Party?
        public var value: String?
        public var currency: String?
        public var startDate: String?
        public var endDate: String?
        public var plainEnglishInput: String?
        public var templateID: String?
        public var author: String?

        public init(
            company: String, title: String, type: String, client: Party, supplier: Party? = nil, value: String? = nil,
            currency: String? = nil, startDate: String? = nil, endDate: String? = nil, plainEnglishInput: String? = nil,
            templateID: String? = nil, author: String? = nil
        ) {
            self.company = company
            self.title = title
            self.type = type
            self.client = client
            self.supplier = supplier
            self.value = value
            self.currency = currency
            self.startDate = startDate
            self.endDate = endDate
            self.plainEnglishInput = plainEnglishInput
            self.templateID = templateID
            self.author = author
        }
    }

    public struct Result: Sendable {
        public var ref: ContractRef
        public var contract: Contract
    }

    /// Writes the draft's two files, both or neither (a kill between them, a full disk or any
    /// error leaves neither behind). Nothing is committed.
    public static func run(_ ws: Workspace, _ input: Input) throws(WorkspaceError) -> Result {
        try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> Result in
            let planned = try plan(ws, input)
            try WriteTransaction.run(
                ws, operation: "new contract \(planned.result.ref)", writes: planned.writes, finish: .files)
            return planned.result
        }
    }

    /// The draft and its two files (Markdown first), checked and ready to write.
    static func plan(_ ws: Workspace, _ input: Input) throws(WorkspaceError) -> (
        result: Result, writes: [WriteTransaction.Write]
    ) {
        let slug = input.company
        guard Validator.isSlug(slug) else {
            throw .invalidInput(
                field: "company", message: "'\(slug)' must be lower-case letters, digits and single hyphens")
        }
        guard FileSystem.exists(ws.absolute(ws.companyPath(slug))) else {
            let known = ws.companySlugs()
            throw known.isEmpty
                ? .notFound("no company '\(slug)'", remedy: .addCompany)
                : .notFound("no company '\(slug)' (companies: \(known.joined(separator: ", ")))")
        }
        try checkMonthlyLimit(ws, company: slug)
        let author = try ws.resolveAuthor(input.author)
        let now = Timestamp.now().description
        let contract = Contract(
            id: ContractID.next(ws, company: slug, title: input.title), title: input.title.trimmingSpaces(),
            contractType: input.type,
            status: ContractStatus.draft.rawValue, plainEnglishInput: input.plainEnglishInput, client: input.client,
            supplier: input.supplier,
            value: input.value.map {
                ContractValue(
                    amount: DecimalAmount($0)?.normalized ?? $0, currency: input.currency ?? ws.config.defaultCurrency)
            },
            startDate: input.startDate, endDate: input.endDate, templateID: input.templateID, version: 1,
            createdBy: author.description, createdAt: now, updatedAt: now)
        if input.value == nil, input.currency != nil {
            throw .incomplete(field: "contract_value.currency", needs: "contract_value.amount")
        }
        let issues = Validator.validate(contract)
        if let first = issues.first {
            throw .invalidInput(field: first.field, message: first.message)
        }
        // A readable stem, unique in the company.
        let base = Validator.slugify(contract.title)
        var stem = base
        var n = 2
        let dir = ws.absolute("companies/\(slug)/contracts")
        while FileSystem.exists("\(dir)/\(stem).yaml") || FileSystem.exists("\(dir)/\(stem).md") {
            stem = "\(base)-\(n)"
            n += 1
        }
        let ref = ContractRef(company: slug, stem: stem)
        try ws.refuseLinkedFolders(ref.markdownPath)
        let writes: [WriteTransaction.Write] = [
            .init(path: ref.markdownPath, bytes: Array(skeleton(contract).utf8), faultAfter: "new.after-markdown"),
            .init(path: ref.yamlPath, bytes: Array(ContractCodec.render(contract).utf8)),
        ]
        return (Result(ref: ref, contract: contract), writes)
    }

    /// The company's plan allows so many new contracts a month (server and CLI alike).
    static func checkMonthlyLimit(_ ws: Workspace, company slug: String) throws(WorkspaceError) {
        let (company, _) = try ws.loadCompany(slug)
        let limits = ws.config.planLimits(company.tier ?? .starter)
        let month = String(Timestamp.now().description.prefix(7))
        var created = 0
        for ref in ws.contractRefs(company: slug) {
            guard let text = try? FileSystem.readText(ws.absolute(ref.yamlPath)) else { continue }
            // created_at is written by Pactoria in canonical form; a prefix match is enough.
            if text.contains("\ncreated_at: \(month)") || text.contains("\ncreated_at: '\(month)")
                || text.contains("\ncreated_at: \"\(month)")
            {
                created += 1
            }
        }
        if created >= limits.contractsPerMonth {
            throw .planLimit(
                "\(slug) has created \(created) contracts this month, the limit of its \(company.subscriptionTier) plan; upgrade the plan or wait until next month"
            )
        }
    }

    /// A Markdown outline for a new draft: headings to fill in, nothing invented.
    public static func skeleton(_ c: Contract) -> String {
        var out = "# \(c.title)\n\n"
        out +=
            "_\(c.type?.displayName ?? c.contractType) — draft. Replace the notes in brackets, or run `pactoria generate` once templates are available._\n\n"
        out += "## 1. Parties\n\n"
        if let client = c.client { out += "- **Client:** \(client.name)\(client.company.map { " (\($0))" } ?? "")\n" }
        if let supplier = c.supplier {
            out += "- **Supplier:** \(supplier.name)\(supplier.company.map { " (\($0))" } ?? "")\n"
        }
        out += "\n## 2. Scope\n\n"
        out += (c.plainEnglishInput.map { "\($0.trimmingSpaces())\n" } ?? "[Describe the services, goods or duties.]\n")
        out += "\n## 3. Term\n\n"
        out += "This agreement starts on \(c.startDate ?? "[start date]") and ends on \(c.endDate ?? "[end date]").\n"
        out += "\n## 4. Fees and Payment\n\n"
        out +=
            (c.value.map { "The total value is \($0.formatted), payable within 30 days of invoice.\n" }
                ?? "[Fees and payment terms.]\n")
        out += "\n## 5. Termination\n\n[Notice periods and termination rights.]\n"
        out += "\n## 6. Data Protection\n\nEach party will comply with the UK GDPR and the Data Protection Act 2018.\n"
        out +=
            "\n## 7. Governing Law\n\nThis agreement is governed by the law of England and Wales, and the courts of England and Wales have exclusive jurisdiction.\n"
        return out
    }
}
