import PactoriaCore
import PactoriaGit

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

/// Writes and reads the `Pactoria-*` trailers of a commit message.
///
/// Every trailer value is encoded so that no input can end its line: `%`, CR, LF, NUL and every
/// other control character, NEL, U+2028, U+2029 and leading or trailing spaces are written as
/// `%XX` (UTF-8 bytes, upper-case hex), and the empty value as a lone `%`; everything else stays
/// as typed, so plain text reads as is.
/// The message itself cannot carry trailers of its own: NUL and controls are dropped from it and a
/// line that looks like a `Pactoria-` trailer, or a `---` line (after which git reads no
/// trailers), is quoted with `> `.
public enum AuditTrailers {
    /// The message followed by one block of trailers per contract event.
    public static func compose(message: String, events: [ContractEvent]) -> String {
        var out = safeMessage(message) + "\n"
        guard !events.isEmpty else { return out }
        out += "\n"
        for e in events {
            out += "Pactoria-Contract: \(encode(e.id))\nPactoria-Event: \(encode(e.event))\n"
            if let f = e.from { out += "Pactoria-From: \(encode(f))\n" }
            if let t = e.to { out += "Pactoria-To: \(encode(t))\n" }
            if let a = e.actor { out += "Pactoria-Actor: \(encode(a))\n" }
            if let r = e.reason { out += "Pactoria-Reason: \(encode(r))\n" }
            out += "Pactoria-Version: \(e.version)\n"
        }
        return out
    }

    /// Reads the trailer blocks back; each `Pactoria-Contract` starts a block, and a key met twice
    /// in one block (which `compose` never writes) keeps its first value.
    public static func parse(_ trailers: [(key: String, value: String)]) -> [ContractEvent] {
        var out: [ContractEvent] = []
        var seen: UInt8 = 0  // the keys of `Key` met in the current block, one bit each
        for (key, raw) in trailers {
            let k = Key(key)
            if k == .contract {
                out.append(
                    ContractEvent(id: decode(raw), ref: ContractRef(company: "", stem: ""), event: "", version: 0))
                seen = 0
                continue
            }
            guard !out.isEmpty, k != .other, seen & k.bit == 0 else { continue }
            seen |= k.bit
            switch k {
            case .event: out[out.count - 1].event = decode(raw)
            case .version: out[out.count - 1].version = Int(decode(raw)) ?? 0
            case .from: out[out.count - 1].from = decode(raw)
            case .to: out[out.count - 1].to = decode(raw)
            case .actor: out[out.count - 1].actor = decode(raw)
            case .reason: out[out.count - 1].reason = decode(raw)
            case .contract, .other: break
            }
        }
        return out
    }

    /// A trailer key as `parse` reads it, compared ignoring case.
    enum Key: UInt8 {
        case contract, event, version, from, to, actor, reason, other

        var bit: UInt8 { 1 << rawValue }

        static let names: [(Key, [UInt8])] = [
            (.contract, Array("pactoria-contract".utf8)), (.event, Array("pactoria-event".utf8)),
            (.version, Array("pactoria-version".utf8)), (.from, Array("pactoria-from".utf8)),
            (.to, Array("pactoria-to".utf8)), (.actor, Array("pactoria-actor".utf8)),
            (.reason, Array("pactoria-reason".utf8)),
        ]

        init(_ key: String) {
            // ASCII keys are folded byte by byte; any other goes through full lower-casing (where a
            // character outside ASCII could lower-case into one of the names).
            let bytes: [UInt8] = key.utf8.allSatisfy({ $0 < 0x80 }) ? Array(key.utf8) : Array(key.lowercased().utf8)
            for (k, name) in Self.names
            where bytes.count == name.count
                && zip(bytes, name).allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 })
            {
                self = k
                return
            }
            self = .other
        }
    }

    /// The trailers of a whole commit message, read by libgit2 as `git interpret-trailers` would.
    public static func trailerLines(of message: String) -> [(key: String, value: String)] {
        Trailers.parse(message)
    }

    /// The events of a whole commit message.
    public static func events(inMessage message: String) -> [ContractEvent] { parse(trailerLines(of: message)) }

    /// `e` as it reads back after compose and parse: unchanged, except the ref (not written).
    public static func normalised(_ e: ContractEvent) -> ContractEvent {
        var out = e
        out.ref = ContractRef(company: "", stem: "")
        return out
    }

    // MARK: - Encoding

    /// True for a character written as `%XX` in a trailer value.
    static func mustEncode(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return u == "%" || v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || v == 0xFEFF
    }

    /// A trailer value that stays on one line and keeps its exact text (see the type's comment).
    public static func encode(_ s: String) -> String {
        // libgit2 reads an empty value's next line as its continuation: write a lone `%` instead
        // (never produced otherwise, since `%` itself is always encoded).
        if s.isEmpty { return "%" }
        let scalars = Array(s.unicodeScalars)
        // git trims a value's surrounding whitespace; keep it by encoding it.
        let firstKept = scalars.firstIndex(where: { !$0.properties.isWhitespace }) ?? scalars.count
        let lastKept = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? -1
        var out = ""
        for (i, u) in scalars.enumerated() {
            if mustEncode(u) || i < firstKept || i > lastKept {
                for byte in String(u).utf8 {
                    out +=
                        "%" + String(byte >> 4, radix: 16, uppercase: true)
                        + String(byte & 0xF, radix: 16, uppercase: true)
                }
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// Undoes `encode`. A `%` not followed by two hex digits, or bytes that are not UTF-8, are kept
    /// as written (trailers from before the encoding existed read as they did).
    public static func decode(_ s: String) -> String {
        guard s.utf8.contains(0x25) else { return s }  // (a `%` byte: no percent sign, nothing to undo)
        if s == "%" { return "" }
        var bytes: [UInt8] = []
        let utf8 = Array(s.utf8)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        while i < utf8.count {
            if utf8[i] == 0x25, i + 2 < utf8.count, let h = hex(utf8[i + 1]), let l = hex(utf8[i + 2]) {
                bytes.append(h << 4 | l)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        let decoded = String(decoding: bytes, as: UTF8.self)
        return decoded.utf8.elementsEqual(bytes) ? decoded : s
    }

    /// The commit message with nothing that could cut it short or pass for a Pactoria trailer.
    static func safeMessage(_ message: String) -> String {
        var cleaned = ""
        for u in message.unicodeScalars {
            if u == "\n" || u == "\t" {
                cleaned.unicodeScalars.append(u)
            } else if u == "\r" || u == "\u{85}" || u == "\u{2028}" || u == "\u{2029}" {
                cleaned += "\n"
            } else if !mustEncode(u) || u == "%" {
                cleaned.unicodeScalars.append(u)
            }
        }
        let lines = cleaned.trimmingSpaces().split(separator: "\n", omittingEmptySubsequences: false).map {
            line -> String in
            // Compared as bytes, as libgit2 does ("-" and a combining mark are one Character).
            let t = Array(line.trimmingSpaces().lowercased().utf8)
            let trailer = t.starts(with: "pactoria-".utf8) && t.contains(UInt8(ascii: ":"))
            // libgit2 stops reading at a `---` line (a patch follows), which would drop the trailers.
            let patch = t.starts(with: "---".utf8) || line.utf8.starts(with: "---".utf8)
            return trailer || patch ? "> " + line : String(line)
        }
        return lines.joined(separator: "\n")
    }
}
