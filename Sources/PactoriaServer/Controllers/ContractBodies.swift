public import Hummingbird
import PactoriaCore
import PactoriaWorkspace

// Request and response bodies of `/api/v1/contracts`, one per route; docs/JSON.md and the OpenAPI
// components name the same shapes.

extension ContractListJSON: ResponseEncodable {}
extension ContractDetailJSON: ResponseEncodable {}

/// A party in a request body (`client`, `supplier`).
struct PartyBody: Decodable {
    var name: String
    var email: String?
    var company: String?
    var companyNumber: String?
    var role: String?

    enum CodingKeys: String, CodingKey {
        case name, email, company, role
        case companyNumber = "company_number"
    }

    var party: Party { Party(name: name, email: email, company: company, companyNumber: companyNumber, role: role) }
}

/// Money in a request body: the amount as a decimal string, the currency (GBP when left out).
struct MoneyBody: Decodable {
    var amount: String
    var currency: String?

    enum CodingKeys: String, CodingKey {
        case amount, currency
    }
}

/// `POST /contracts`.
struct CreateContractBody: Decodable {
    var company: String?
    var title: String
    var contractType: String
    var client: PartyBody
    var supplier: PartyBody?
    var contractValue: MoneyBody?
    var startDate: String?
    var endDate: String?
    var plainEnglishInput: String?
    var templateID: String?

    enum CodingKeys: String, CodingKey {
        case company, title, client, supplier
        case contractType = "contract_type"
        case contractValue = "contract_value"
        case startDate = "start_date"
        case endDate = "end_date"
        case plainEnglishInput = "plain_english_input"
        case templateID = "template_id"
    }
}

/// A field of a PATCH body: left out (no change), `null` (cleared) or given.
enum PatchField<Value: Decodable & Sendable>: Sendable {
    case absent
    case null
    case value(Value)

    /// The change for a field that may be cleared: nil when absent, `.some(nil)` when null.
    var change: Value?? {
        switch self {
        case .absent: return nil
        case .null: return .some(nil)
        case .value(let v): return .some(v)
        }
    }

    /// The given value; absent and null both mean "no change" for a field that cannot be cleared.
    var given: Value? {
        if case .value(let v) = self { return v }
        return nil
    }
}

extension KeyedDecodingContainer {
    func patch<V: Decodable & Sendable>(_ type: V.Type, _ key: Key) throws -> PatchField<V> {
        guard contains(key) else { return .absent }
        if try decodeNil(forKey: key) { return .null }
        return .value(try decode(V.self, forKey: key))
    }
}

/// `PATCH /contracts/:id`: only the fields given change; any other key is refused by name.
struct UpdateContractBody: Decodable {
    var title: PatchField<String>
    var contractType: PatchField<String>
    var plainEnglishInput: PatchField<String>
    var client: PatchField<PartyBody>
    var supplier: PatchField<PartyBody>
    var contractValue: PatchField<MoneyBody>
    var startDate: PatchField<String>
    var endDate: PatchField<String>
    var templateID: PatchField<String>
    var version: Int?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, client, supplier, version
        case contractType = "contract_type"
        case plainEnglishInput = "plain_english_input"
        case contractValue = "contract_value"
        case startDate = "start_date"
        case endDate = "end_date"
        case templateID = "template_id"
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let bad = keys.sorted().first(where: { CodingKeys(rawValue: $0) == nil }) {
            let hint = bad == "status" ? "; use POST /contracts/{id}/transitions" : ""
            throw APIError.validation(bad, "cannot be changed here\(hint)")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.patch(String.self, .title)
        contractType = try c.patch(String.self, .contractType)
        plainEnglishInput = try c.patch(String.self, .plainEnglishInput)
        client = try c.patch(PartyBody.self, .client)
        supplier = try c.patch(PartyBody.self, .supplier)
        contractValue = try c.patch(MoneyBody.self, .contractValue)
        startDate = try c.patch(String.self, .startDate)
        endDate = try c.patch(String.self, .endDate)
        templateID = try c.patch(String.self, .templateID)
        version = try c.decodeIfPresent(Int.self, forKey: .version)
    }

    var changes: UpdateContract.Changes {
        var ch = UpdateContract.Changes()
        ch.title = title.given
        ch.contractType = contractType.given
        ch.plainEnglishInput = plainEnglishInput.change
        ch.client = client.given?.party
        ch.supplier = supplier.change.map { $0?.party }
        ch.value = contractValue.change.map {
            $0.map { ContractValue(amount: $0.amount, currency: $0.currency ?? "GBP") }
        }
        ch.startDate = startDate.change
        ch.endDate = endDate.change
        ch.templateID = templateID.change
        return ch
    }
}

/// `POST /contracts/:id/transitions`.
struct TransitionBody: Decodable {
    var action: String
    var reason: String?
    var version: Int?

    enum CodingKeys: String, CodingKey {
        case action, reason, version
    }
}

/// A write's answer: the contract as written, the commit made and, for a transition, the move.
struct ContractWriteResponse: ResponseEncodable {
    var contract: ContractDetailJSON
    var commit: String?
    var transition: TransitionJSON?

    struct TransitionJSON: Encodable {
        var action: String
        var from: String
        var to: String
        var event: String

        enum CodingKeys: String, CodingKey {
            case action, from, to, event
        }
    }

    enum CodingKeys: String, CodingKey {
        case commit, transition
    }

    func encode(to encoder: any Encoder) throws {
        try contract.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(commit, forKey: .commit)
        try c.encodeIfPresent(transition, forKey: .transition)
    }
}

/// `GET /contracts/:id/versions`.
struct VersionsResponse: ResponseEncodable {
    var contractID: String
    var versions: [Version]

    struct Version: Encodable {
        var commit: String
        var time: String
        var author: String
        var summary: String
        var version: Int?
        var status: String?
        var event: String
        var inferred: Bool
        var path: String

        enum CodingKeys: String, CodingKey {
            case commit, time, author, summary, version, status, event, inferred, path
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(commit, forKey: .commit)
            try c.encode(time, forKey: .time)
            try c.encode(author, forKey: .author)
            try c.encode(summary, forKey: .summary)
            try c.encode(version, forKey: .version)
            try c.encode(status, forKey: .status)
            try c.encode(event, forKey: .event)
            try c.encode(inferred, forKey: .inferred)
            try c.encode(path, forKey: .path)
        }
    }

    enum CodingKeys: String, CodingKey {
        case versions
        case contractID = "contract_id"
    }
}

/// `GET /contracts/:id/diff`: metadata changes field by field (values as written) and the content diff.
struct DiffResponse: ResponseEncodable {
    var contractID: String
    var from: String
    var to: String
    var fields: [FieldChangeJSON]
    var contentDiff: String

    enum CodingKeys: String, CodingKey {
        case from, to, fields
        case contractID = "contract_id"
        case contentDiff = "content_diff"
    }
}
