public import PactoriaCore

/// One contract's part in a commit, as written in (and read back from) its audit trailers:
/// `Pactoria-Contract`, `-Event`, `-From`, `-To`, `-Actor`, `-Reason`, `-Version`.
public struct ContractEvent: Sendable, Equatable {
    public var id: String
    public var ref: ContractRef
    public var event: String
    public var version: Int
    public var from: String?
    public var to: String?
    public var actor: String?
    public var reason: String?

    public init(
        id: String, ref: ContractRef, event: String, version: Int, from: String? = nil, to: String? = nil,
        actor: String? = nil, reason: String? = nil
    ) {
        self.id = id
        self.ref = ref
        self.event = event
        self.version = version
        self.from = from
        self.to = to
        self.actor = actor
        self.reason = reason
    }
}

public enum AuditTrailers {
    /// The message followed by one block of trailers per contract event.
    public static func compose(message: String, events: [ContractEvent]) -> String {
        var out = message.trimmingSpaces() + "\n"
        guard !events.isEmpty else { return out }
        out += "\n"
        for e in events {
            out += "Pactoria-Contract: \(e.id)\nPactoria-Event: \(e.event)\n"
            if let f = e.from { out += "Pactoria-From: \(f)\n" }
            if let t = e.to { out += "Pactoria-To: \(t)\n" }
            if let a = e.actor { out += "Pactoria-Actor: \(a)\n" }
            if let r = e.reason { out += "Pactoria-Reason: \(oneLine(r))\n" }
            out += "Pactoria-Version: \(e.version)\n"
        }
        return out
    }

    /// Reads the trailer blocks back; each `Pactoria-Contract` starts a block.
    public static func parse(_ trailers: [(key: String, value: String)]) -> [ContractEvent] {
        var out: [ContractEvent] = []
        for (key, value) in trailers {
            let k = key.lowercased()
            if k == "pactoria-contract" {
                out.append(ContractEvent(id: value, ref: ContractRef(company: "", stem: ""), event: "", version: 0))
                continue
            }
            guard !out.isEmpty else { continue }
            switch k {
            case "pactoria-event": out[out.count - 1].event = value
            case "pactoria-version": out[out.count - 1].version = Int(value) ?? 0
            case "pactoria-from": out[out.count - 1].from = value
            case "pactoria-to": out[out.count - 1].to = value
            case "pactoria-actor": out[out.count - 1].actor = value
            case "pactoria-reason": out[out.count - 1].reason = value
            default: break
            }
        }
        return out
    }

    /// Trailer values are single lines.
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingSpaces() }.joined(separator: " ")
    }
}
