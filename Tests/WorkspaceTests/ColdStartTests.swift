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
    typealias Random = SplitMix64

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
            return
                "\(ContractSummary(ref: ref, contract: loaded.contract, facts: ContractFacts(loaded.document.root))) \(missing)"
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
        var r = Random(seed: 0x5EED_C01D)
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
            // Without key lines, the direct reader builds the same tree (or declines the same text).
            let withLines = CanonicalYAMLReader.read(text, limits: .standard)
            let without = CanonicalYAMLReader.read(text, limits: .standard, lines: false)
            if withLines?.root != without?.root || without.map({ !$0.lines.isEmpty }) == true, differ.count < 5 {
                differ.append("lines: " + text)
            }
        }
        #expect(differ.isEmpty, "\(differ)")
        // The loop reached the error and missing-field paths, not only valid files.
        #expect(failures > 200)
    }

    /// A duplicate key sends the document to the general path whatever the mapping's size (a
    /// scan of few keys, a set of many).
    @Test func duplicateKeysAreDeclinedInMappingsOfEverySize() throws {
        for n in [1, 2, 15, 16, 17, 18, 40] {
            let keys = (0..<n).map { "k\($0)" }
            let plain = keys.map { "\($0): v\n" }.joined()
            let read = try #require(CanonicalYAMLReader.read(plain, limits: .standard, lines: false))
            #expect(read.root == (try YAMLDocument.parseWithYams(plain, file: "x.yaml")).root)
            for dup in Set([0, n / 2, n - 1]) {
                #expect(CanonicalYAMLReader.read(plain + "k\(dup): w\n", limits: .standard) == nil)
                #expect(
                    CanonicalYAMLReader.read(
                        "a:\n" + (plain + "k\(dup): w\n").split(separator: "\n").map { "  \($0)\n" }.joined(),
                        limits: .standard) == nil)
            }
        }
    }

    // MARK: - Whole workspaces

    static let author = "Ada <ada@example.co.uk>"

    /// Writes a contract's two files.
    static func write(_ root: String, _ ref: ContractRef, _ c: Contract, content: String = "Terms.\n") throws {
        try ContractCodec.render(c).write(toFile: root + "/" + ref.yamlPath, atomically: false, encoding: .utf8)
        try content.write(toFile: root + "/" + ref.markdownPath, atomically: false, encoding: .utf8)
    }

    /// A committed workspace: two companies, 30 contracts of random statuses, two sharing a
    /// hostile id (separators, a combining mark), one without a title.
    static func committedWorkspace(_ r: inout Random) throws -> (root: String, refs: [ContractRef]) {
        let root = NSTemporaryDirectory() + "pactoria-coldstart-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: author)
        let ws = try Workspace.open(root: root)
        _ = try Companies.add(ws, name: "Alpha Ltd", slug: "alpha", companyNumber: nil)
        _ = try Companies.add(ws, name: "Beta Ltd", slug: "beta", companyNumber: nil)
        var refs: [ContractRef] = []
        for i in 0..<30 {
            let ref = ContractRef(company: i % 3 == 0 ? "beta" : "alpha", stem: "contract-\(i)")
            var c = fixtureContract()
            c.id = UUID().uuidString.lowercased()
            c.title = "Contract number \(i)"
            c.status = r.pick(["draft", "pending_review", "active", "completed", "expired", "terminated"])
            if i == 28 || i == 29 { c.id = "Dup,Id:e\u{301}" }
            try write(root, ref, c)
            refs.append(ref)
        }
        let untitled = root + "/" + refs[27].yamlPath
        try (try String(contentsOfFile: untitled, encoding: .utf8)).replacingOccurrences(
            of: "title: Contract number 27\n", with: ""
        ).write(toFile: untitled, atomically: false, encoding: .utf8)
        // Not UTF-8: counted (as committed bytes are), never listed.
        var bytes = Array(try String(contentsOfFile: root + "/" + refs[26].yamlPath, encoding: .utf8).utf8)
        bytes.insert(0xFF, at: bytes.firstIndex(of: UInt8(ascii: "C"))!)
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/" + refs[26].yamlPath))
        Thread.sleep(forTimeInterval: 0.05)
        _ = try runGit(root, ["add", "-A"])
        _ = try runGit(root, ["commit", "-q", "-m", "Contracts"])
        return (root, refs)
    }

    /// Everything `status` and `list` answer, from one run with the cache as it stands.
    static func answers(_ root: String, listFirst: Bool = false) throws -> String {
        let ws = try Workspace.open(root: root)
        // Nothing is racily clean: the caches record everything they may.
        ws.stampClock = { Timestamp.nowNanoseconds() + 4_000_000_000 }
        var index: ContractIndex?
        if listFirst { index = ContractIndex.load(ws) }
        let st = try WorkspaceStatus.compute(ws)
        let idx = index ?? ContractIndex.load(ws)
        var lines = ["total \(st.total)", "counts \(st.countsByStatus.sorted { $0.key < $1.key })"]
        lines += st.contracts.map {
            "\($0.ref) \($0.change) \(String(describing: $0.part)) \($0.id ?? "-") \($0.title ?? "-") \($0.problems)"
        }
        lines += st.others.map { "other \($0.path) \($0.change) \($0.problems)" }
        lines += st.workspaceProblems.map { "workspace \($0)" }
        lines += idx.summaries.map { "\($0)" }
        lines += idx.unreadable.map { "unreadable \($0.ref) \($0.error)" }
        lines += idx.orphans.map { "orphan \($0)" }
        return lines.joined(separator: "\n")
    }

    /// The reference: every contract file in the working tree parsed in full. Counts take every
    /// file that reads as YAML (committed bytes as they are: the fixture changes only UTF-8
    /// files); `list` takes those in UTF-8 with their required fields.
    static func reference(_ root: String) throws -> (counts: [String: Int], total: Int, list: [String]) {
        let ws = try Workspace.open(root: root)
        var counts: [String: Int] = [:]
        var list: [String] = []
        var unreadable: [String] = []
        var orphans: [String] = []
        for ref in ws.contractRefs() {
            guard let bytes = try? ws.read(ref.yamlPath, maxBytes: YAMLLimits.standard.maxBytes) else {
                orphans.append("orphan \(ref)")
                continue
            }
            if let lossy = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self)) {
                counts[lossy.contract.status, default: 0] += 1
            }
            do {
                let loaded = try Workspace.decodeContract(
                    ref: ref, text: try Workspace.utf8Text(bytes, file: ref.yamlPath))
                let missing = loaded.problems.filter {
                    $0.message == "is required" || $0.message == "must be a YAML mapping of fields"
                }
                if missing.isEmpty {
                    list.append(
                        "\(ContractSummary(ref: ref, contract: loaded.contract, facts: ContractFacts(loaded.document.root)))"
                    )
                } else {
                    unreadable.append("unreadable \(ref) \(WorkspaceError.invalid(missing))")
                }
            } catch {
                unreadable.append("unreadable \(ref) \(error)")
            }
        }
        return (counts, counts.values.reduce(0, +), list + unreadable + orphans)
    }

    @Test func statusAndListEqualAFullParseWhateverTheCache() throws {
        var r = Random(seed: 0xC01D_57A7)
        let (root, refs) = try Self.committedWorkspace(&r)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = root + "/" + Workspace.cacheDirectory
        let stale = root + "-stale-cache"
        defer { try? FileManager.default.removeItem(atPath: stale) }

        // Clean: the hostile duplicate id is found, cold and warm.
        try? FileManager.default.removeItem(atPath: cache)
        let clean = try Self.answers(root)
        #expect(clean.contains("workspace \(refs[28].yamlPath)"))
        #expect(try Self.answers(root) == clean)
        try FileManager.default.copyItem(atPath: cache, toPath: stale)

        // Every kind of change, several behind Pactoria's back.
        func contract(_ i: Int) throws -> (path: String, text: String) {
            let path = root + "/" + refs[i].yamlPath
            return (path, try String(contentsOfFile: path, encoding: .utf8))
        }
        let (p0, t0) = try contract(0)
        try t0.replacingOccurrences(of: "status: ", with: "status: x").write(
            toFile: p0, atomically: false, encoding: .utf8)
        // Racily clean: same size, mtime put back; only the ctime tells.
        let (p1, t1) = try contract(1)
        var before = stat()
        #expect(stat(p1, &before) == 0)
        try t1.replacingOccurrences(of: "Contract number 1", with: "Contract NUMBER 1").write(
            toFile: p1, atomically: false, encoding: .utf8)
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, p1, &times, 0) == 0)
        let (p2, t2) = try contract(2)
        try t2.replacingOccurrences(of: "version: 3", with: "version: 4").write(
            toFile: p2, atomically: false, encoding: .utf8)
        _ = try runGit(root, ["add", refs[2].yamlPath])
        try FileManager.default.removeItem(atPath: root + "/" + refs[3].yamlPath)
        try FileManager.default.removeItem(atPath: root + "/" + refs[3].markdownPath)
        try FileManager.default.removeItem(atPath: root + "/" + refs[4].yamlPath)
        var fresh = fixtureContract()
        fresh.id = UUID().uuidString.lowercased()
        try Self.write(root, ContractRef(company: "alpha", stem: "untracked-new"), fresh)
        var twin = fixtureContract()
        twin.id = try Workspace.decodeContract(ref: refs[5], text: try contract(5).text).contract.id.uppercased()
        try Self.write(root, ContractRef(company: "beta", stem: "untracked-twin"), twin)
        _ = try runGit(root, ["mv", refs[6].yamlPath, "companies/alpha/contracts/renamed-by-git.yaml"])
        _ = try runGit(root, ["mv", refs[6].markdownPath, "companies/alpha/contracts/renamed-by-git.md"])
        try FileManager.default.moveItem(
            atPath: root + "/" + refs[7].yamlPath, toPath: root + "/companies/beta/contracts/moved-by-hand.yaml")
        try FileManager.default.moveItem(
            atPath: root + "/" + refs[7].markdownPath, toPath: root + "/companies/beta/contracts/moved-by-hand.md")
        try "id: [unclosed\n".write(toFile: try contract(8).path, atomically: false, encoding: .utf8)
        let (p9, t9) = try contract(9)
        try t9.replacingOccurrences(of: "title: Contract number 9\n", with: "").write(
            toFile: p9, atomically: false, encoding: .utf8)
        var hostile = fixtureContract()
        hostile.id = "x,y:z\tw"
        hostile.status = "ac,ti=ve\u{2028}"
        try Self.write(root, refs[10], hostile)

        let expected = try Self.reference(root)
        func check(_ label: String, listFirst: Bool = false) throws -> String {
            let got = try Self.answers(root, listFirst: listFirst)
            let lines = got.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines[0] == "total \(expected.total)", "\(label)")
            #expect(lines[1] == "counts \(expected.counts.sorted { $0.key < $1.key })", "\(label)")
            #expect(Array(lines.suffix(expected.list.count)) == expected.list, "\(label)")
            return got
        }
        try? FileManager.default.removeItem(atPath: cache)
        let cold = try check("cold")
        #expect(cold.contains("\(refs[1]) modified"))
        #expect(cold.contains("is also the id of \(refs[5])"))
        #expect(try check("warm") == cold)
        #expect(try check("warm again", listFirst: true) == cold)
        try? FileManager.default.removeItem(atPath: cache)
        #expect(try check("cold, list first", listFirst: true) == cold)

        // A cache from before the edits.
        try? FileManager.default.removeItem(atPath: cache)
        try FileManager.default.copyItem(atPath: stale, toPath: cache)
        #expect(try check("stale") == cold)

        // Every cache file damaged in turn: a byte flipped, cut in half, emptied.
        _ = try Self.answers(root)
        let names = try FileManager.default.contentsOfDirectory(atPath: cache).sorted()
        #expect(names.contains(ContractCounts.cacheName) && names.contains(ContractIndex.cacheName))
        for name in names {
            for damage in 0..<3 {
                _ = try Self.answers(root)
                let path = cache + "/" + name
                var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                guard !bytes.isEmpty else { continue }
                switch damage {
                case 0: bytes[bytes.count / 2] ^= 0x20
                case 1: bytes.removeLast(bytes.count / 2)
                default: bytes = []
                }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                #expect(try check("\(name) damaged \(damage)") == cold)
            }
        }

        // Another workspace's cache, for the same files.
        var other = Random(seed: 0xC01D_57A7)
        let (foreignRoot, _) = try Self.committedWorkspace(&other)
        defer { try? FileManager.default.removeItem(atPath: foreignRoot) }
        _ = try Self.answers(foreignRoot)
        try? FileManager.default.removeItem(atPath: cache)
        try FileManager.default.copyItem(atPath: foreignRoot + "/" + Workspace.cacheDirectory, toPath: cache)
        #expect(try check("foreign") == cold)
    }

    /// After a cold `status` (which keeps HEAD's summaries by blob id), `list` takes a file whose
    /// stat data matches git's index entry from the summary of that entry's blob, without reading
    /// it; a file whose stat data moved is read again.
    @Test func listTakesCleanFilesByBlobAfterAColdStatus() throws {
        var r = Random(seed: 0xB10B)
        let (root, refs) = try Self.committedWorkspace(&r)
        defer { try? FileManager.default.removeItem(atPath: root) }
        func open() throws -> Workspace {
            let ws = try Workspace.open(root: root)
            ws.stampClock = { Timestamp.nowNanoseconds() + 4_000_000_000 }
            return ws
        }
        _ = try WorkspaceStatus.compute(try open())
        let path = root + "/" + Workspace.cacheDirectory + "/" + ContractIndex.cacheName
        var cache = ContractIndex.readCache(path)
        let key = refs[0].yamlPath
        // Every committed contract but the one without a title and the one not in UTF-8, which
        // `list` reports as unreadable.
        #expect(cache.count == refs.count - 2 && cache.values.allSatisfy { $0.blob != nil && $0.stamp.size == -1 })
        #expect(cache[refs[26].yamlPath] == nil && cache[refs[27].yamlPath] == nil)
        // Marked, to see where the answer comes from (the blob id still proves the bytes).
        cache[key]?.summary.title = "From the cache"
        ContractIndex.writeCache(path, cache)
        let title = { () throws -> String? in
            ContractIndex.load(try open()).summaries.first { $0.ref == refs[0] }?.title
        }
        #expect(try title() == "From the cache")
        #expect(try title() == "From the cache")
        // The same bytes and times, but the ctime moves: read again.
        var st = stat()
        #expect(stat(root + "/" + key, &st) == 0)
        var times = [st.st_atim, st.st_mtim]
        #expect(utimensat(AT_FDCWD, root + "/" + key, &times, 0) == 0)
        #expect(try title() == "Contract number 0")
    }
}
