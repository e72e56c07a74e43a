import Foundation
import Hummingbird
import PactoriaGit
import PactoriaWorkspace

// Response bodies of `/api/v1/audit` and `/api/v1/security/events`.

/// One page of the audit trail.
struct AuditResponse: ResponseEncodable {
    var events: [Event]
    var total: Int
    var page: Int
    var size: Int
    var pages: Int

    struct Event: Encodable {
        var commit: String
        var time: String
        var contractID: String
        var company: String?
        var event: String
        var from: String?
        var to: String?
        var actor: String
        var reason: String?
        var version: Int?
        var inferred: Bool
        var details: [String]

        init(_ e: Audit.Entry, iso: ISO8601DateFormatter) {
            commit = e.commit.hex
            time = iso.string(from: e.time)
            contractID = e.contractID
            company = e.ref?.company
            event = e.event
            from = e.from
            to = e.to
            actor = e.actor
            reason = e.reason
            version = e.version
            inferred = e.inferred
            details = e.details
        }

        enum CodingKeys: String, CodingKey {
            case commit, time, company, event, from, to, actor, reason, version, inferred, details
            case contractID = "contract_id"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(commit, forKey: .commit)
            try c.encode(time, forKey: .time)
            try c.encode(contractID, forKey: .contractID)
            try c.encode(company, forKey: .company)
            try c.encode(event, forKey: .event)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(actor, forKey: .actor)
            try c.encode(reason, forKey: .reason)
            try c.encode(version, forKey: .version)
            try c.encode(inferred, forKey: .inferred)
            try c.encode(details, forKey: .details)
        }
    }

    enum CodingKeys: String, CodingKey {
        case events, total, page, size, pages
    }
}

/// One page of security events, each as the security log recorded it.
struct SecurityEventsResponse: ResponseEncodable {
    var events: [JSONValue]
    var total: Int
    var page: Int
    var size: Int

    enum CodingKeys: String, CodingKey {
        case events, total, page, size
    }
}

extension JSONValue {
    /// A value parsed by `JSONSerialization` (a security log line), as a `JSONValue`.
    init(foundation value: Any) {
        guard JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: [value]),
            let decoded = try? JSONDecoder().decode([JSONValue].self, from: data), let first = decoded.first
        else {
            self = .null
            return
        }
        self = first
    }
}
