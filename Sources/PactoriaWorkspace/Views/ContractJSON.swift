public import PactoriaCore
import PactoriaGit

// The JSON shapes of a contract, defined once for every front end: a listing (the CLI's and
// `GET /api/v1/contracts`) prints `ContractSummaryJSON`; showing one contract (the CLI's and every
// API answer about one contract) prints `ContractDetailJSON`. Keys are snake_case, spelled out in each `CodingKeys`; an absent value is
// written as `null`, never left out, so every key is always there. docs/JSON.md describes them.

/// One metadata field that changed between two versions, values as written (`null` when the
/// field was absent): a diff's and a review's field changes, for the CLI and the API alike.
public struct FieldChangeJSON: Codable, Sendable, Equatable {
    public var field: String
    public var old: String?
    public var new: String?

    public init(field: String, old: String?, new: String?) {
        self.field = field
        self.old = old
        self.new = new
    }

    enum CodingKeys: String, CodingKey {
        case field, old, new
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(field, forKey: .field)
        try c.encode(old, forKey: .old)
        try c.encode(new, forKey: .new)
    }
}

/// Money as data: the exact decimal amount as written (a string, never a float) and its currency.
public struct MoneyJSON: Codable, Sendable, Equatable {
    public var amount: String
    public var currency: String

    public init(amount: String, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    public init(_ v: ContractValue) { self.init(amount: v.amount, currency: v.currency) }

    enum CodingKeys: String, CodingKey {
        case amount, currency
    }
}

/// A party in a summary: who, and for which company.
public struct PartySummaryJSON: Codable, Sendable, Equatable {
    public var name: String
    public var company: String?

    enum CodingKeys: String, CodingKey {
        case name, company
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(company, forKey: .company)
    }
}

/// A party to a contract, in full.
public struct PartyJSON: Codable, Sendable, Equatable {
    public var name: String
    public var email: String?
    public var company: String?
    public var companyNumber: String?
    public var role: String?

    public init(_ p: Party) {
        name = p.name
        email = p.email
        company = p.company
        companyNumber = p.companyNumber
        role = p.role
    }

    enum CodingKeys: String, CodingKey {
        case name, email, company, role
        case companyNumber = "company_number"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(company, forKey: .company)
        try c.encode(companyNumber, forKey: .companyNumber)
        try c.encode(role, forKey: .role)
    }
}

/// One contract in a list.
public struct ContractSummaryJSON: Codable, Sendable, Equatable {
    public var id: String
    public var company: String
    public var stem: String
    public var path: String
    public var title: String
    public var contractType: String
    public var status: String
    public var version: Int
    public var client: PartySummaryJSON?
    public var supplier: PartySummaryJSON?
    public var contractValue: MoneyJSON?
    public var startDate: String?
    public var endDate: String?
    public var updatedAt: String?

    public init(_ s: ContractSummary) {
        id = s.id
        company = s.ref.company
        stem = s.ref.stem
        path = s.ref.yamlPath
        title = s.title
        contractType = s.contractType
        status = s.status
        version = s.version
        client = s.clientName.map { PartySummaryJSON(name: $0, company: s.clientCompany) }
        supplier = s.supplierName.map { PartySummaryJSON(name: $0, company: s.supplierCompany) }
        contractValue = s.value.map(MoneyJSON.init)
        startDate = s.startDate
        endDate = s.endDate
        updatedAt = s.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, company, stem, path, title, status, version, client, supplier
        case contractType = "contract_type"
        case contractValue = "contract_value"
        case startDate = "start_date"
        case endDate = "end_date"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(company, forKey: .company)
        try c.encode(stem, forKey: .stem)
        try c.encode(path, forKey: .path)
        try c.encode(title, forKey: .title)
        try c.encode(contractType, forKey: .contractType)
        try c.encode(status, forKey: .status)
        try c.encode(version, forKey: .version)
        try c.encode(client, forKey: .client)
        try c.encode(supplier, forKey: .supplier)
        try c.encode(contractValue, forKey: .contractValue)
        try c.encode(startDate, forKey: .startDate)
        try c.encode(endDate, forKey: .endDate)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// A file that holds no readable contract, flagged with its problem.
public struct ContractProblemJSON: Codable, Sendable, Equatable {
    public var company: String
    public var path: String
    public var message: String

    public init(_ u: UnreadableContract) {
        company = u.ref.company
        path = u.ref.yamlPath
        message = ListContracts.problem(u)
    }

    enum CodingKeys: String, CodingKey {
        case company, path, message
    }
}

/// One page of contracts, with the unreadable files met on the way.
public struct ContractListJSON: Codable, Sendable, Equatable {
    public var contracts: [ContractSummaryJSON]
    public var total: Int
    public var page: Int
    public var size: Int
    public var pages: Int
    public var problems: [ContractProblemJSON]

    /// The page; `problems` only those `include` lets through (the API shows a caller their
    /// own companies' files only).
    public init(_ p: ListContracts.Page, problems include: (UnreadableContract) -> Bool = { _ in true }) {
        contracts = p.contracts.map(ContractSummaryJSON.init)
        total = p.total
        page = p.page
        size = p.size
        pages = p.pages
        problems = p.unreadable.filter(include).map(ContractProblemJSON.init)
    }

    enum CodingKeys: String, CodingKey {
        case contracts, total, page, size, pages, problems
    }
}

/// Who moved a contract, when and why.
public struct LifecycleStampJSON: Codable, Sendable, Equatable {
    public var by: String
    public var at: String
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case by, at, reason
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(by, forKey: .by)
        try c.encode(at, forKey: .at)
        try c.encode(reason, forKey: .reason)
    }
}

/// The content frozen at finalize: its SHA-256, who and when.
public struct FinalContentJSON: Codable, Sendable, Equatable {
    public var sha256: String
    public var by: String
    public var at: String

    enum CodingKeys: String, CodingKey {
        case sha256, by, at
    }
}

/// The `lifecycle` section: `final_content`, and one stamp per event that happened, keyed by the
/// event without its `contract.` prefix (`submitted`, `activated`, `terminated`, …).
public struct LifecycleJSON: Codable, Sendable, Equatable {
    public var finalContent: FinalContentJSON?
    public var events: [String: LifecycleStampJSON]

    public init(_ l: LifecycleRecord) {
        finalContent = l.finalContent.map { FinalContentJSON(sha256: $0.sha256, by: $0.by, at: $0.at) }
        events = l.events.mapValues { LifecycleStampJSON(by: $0.by, at: $0.at, reason: $0.reason) }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static let finalContent = Key(stringValue: "final_content")
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        finalContent = try c.decodeIfPresent(FinalContentJSON.self, forKey: .finalContent)
        var events: [String: LifecycleStampJSON] = [:]
        for k in c.allKeys where k.stringValue != Key.finalContent.stringValue {
            events[k.stringValue] = try c.decode(LifecycleStampJSON.self, forKey: k)
        }
        self.events = events
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(finalContent, forKey: .finalContent)
        for (k, v) in events { try c.encode(v, forKey: Key(stringValue: k)) }
    }
}

/// One contract in full: its metadata, typed, and where it lives.
public struct ContractDetailJSON: Codable, Sendable, Equatable {
    public var id: String
    public var company: String
    public var stem: String
    public var path: String
    public var title: String
    public var contractType: String
    public var status: String
    public var version: Int
    public var plainEnglishInput: String?
    public var client: PartyJSON?
    public var supplier: PartyJSON?
    public var contractValue: MoneyJSON?
    public var startDate: String?
    public var endDate: String?
    public var templateID: String?
    public var createdBy: String?
    public var createdAt: String?
    public var updatedAt: String?
    public var lifecycle: LifecycleJSON?
    /// The `generation` section as written by generation (numbers and booleans typed).
    public var generation: JSONValue?
    /// The `compliance` section as written by analysis (numbers and booleans typed).
    public var compliance: JSONValue?

    public init(ref: ContractRef, contract c: Contract, document: YAMLDocument?) {
        id = c.id
        company = ref.company
        stem = ref.stem
        path = ref.yamlPath
        title = c.title
        contractType = c.contractType
        status = c.status
        version = c.version
        plainEnglishInput = c.plainEnglishInput
        client = c.client.map(PartyJSON.init)
        supplier = c.supplier.map(PartyJSON.init)
        contractValue = c.value.map(MoneyJSON.init)
        startDate = c.startDate
        endDate = c.endDate
        templateID = c.templateID
        createdBy = c.createdBy
        createdAt = c.createdAt
        updatedAt = c.updatedAt
        lifecycle = c.lifecycle.flatMap { $0.isEmpty ? nil : LifecycleJSON($0) }
        generation = document?.root["generation"].map(JSONValue.init(yaml:))
        compliance = document?.root["compliance"].map(JSONValue.init(yaml:))
    }

    public init(_ loaded: LoadedContract) {
        self.init(ref: loaded.ref, contract: loaded.contract, document: loaded.document)
    }

    enum CodingKeys: String, CodingKey {
        case id, company, stem, path, title, status, version, client, supplier, lifecycle, generation, compliance
        case contractType = "contract_type"
        case plainEnglishInput = "plain_english_input"
        case contractValue = "contract_value"
        case startDate = "start_date"
        case endDate = "end_date"
        case templateID = "template_id"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(company, forKey: .company)
        try c.encode(stem, forKey: .stem)
        try c.encode(path, forKey: .path)
        try c.encode(title, forKey: .title)
        try c.encode(contractType, forKey: .contractType)
        try c.encode(status, forKey: .status)
        try c.encode(version, forKey: .version)
        try c.encode(plainEnglishInput, forKey: .plainEnglishInput)
        try c.encode(client, forKey: .client)
        try c.encode(supplier, forKey: .supplier)
        try c.encode(contractValue, forKey: .contractValue)
        try c.encode(startDate, forKey: .startDate)
        try c.encode(endDate, forKey: .endDate)
        try c.encode(templateID, forKey: .templateID)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(lifecycle, forKey: .lifecycle)
        try c.encode(generation, forKey: .generation)
        try c.encode(compliance, forKey: .compliance)
    }
}

/// One contract as shown to scripts: the contract as of a commit (or the working tree), and its content.
public struct ContractVersionJSON: Codable, Sendable, Equatable {
    public var company: String
    public var stem: String
    public var path: String
    /// nil for the working tree.
    public var commit: String?
    /// nil when the metadata could not be read at that version.
    public var contract: ContractDetailJSON?
    public var content: String?

    public init(_ v: ContractVersion) {
        company = v.ref.company
        stem = v.ref.stem
        path = v.ref.yamlPath
        commit = v.commit?.id.hex
        contract = v.contract.map { ContractDetailJSON(ref: v.ref, contract: $0, document: v.document) }
        content = v.content.map { String(decoding: $0, as: UTF8.self) }
    }

    enum CodingKeys: String, CodingKey {
        case company, stem, path, commit, contract, content
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(company, forKey: .company)
        try c.encode(stem, forKey: .stem)
        try c.encode(path, forKey: .path)
        try c.encode(commit, forKey: .commit)
        try c.encode(contract, forKey: .contract)
        try c.encode(content, forKey: .content)
    }
}
