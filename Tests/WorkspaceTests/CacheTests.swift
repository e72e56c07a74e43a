import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue #12, finding 8: a damaged cache is discarded and rebuilt, never trusted or crashed on;
/// `.pactoria/cache` being a file or a link is worked around.
@Suite("Integrity: cache files", .serialized)
struct CacheTests {
    static let manager = "manager@brickline.co.uk"
    static let caches = ["dirs-v1", "files-v1", "summaries-v4", "counts-v2", "index-tree"]

    /// A server workspace with twelve companies (so a cold scan uses the per-file cache), a
    /// contract in each, one uncommitted edit and one untracked draft; every file older than
    /// git's racy window, so the caches record clean directories.
    static func workspace() async throws -> LiveServer {
        let s = try await LiveServer()
        let ws = try s.workspace()
        for i in 0..<10 {
            _ = try Companies.add(ws, name: "Cache Test \(i) Ltd", slug: "cache\(i)", companyNumber: nil)
        }
        for slug in ["brickline", "ancoats"] + (0..<10).map({ "cache\($0)" }) {
            _ = try NewContract.run(
                ws,
                .init(
                    company: slug, title: "Supply Agreement \(slug)", type: "service_agreement",
                    client: Party(name: "Client of \(slug) Ltd"), author: "Admin <admin@example.co.uk>"))
        }
        _ = try CommitChanges.run(
            ws, message: "Drafts", author: Author(name: "Admin", email: "admin@example.co.uk"), stageEverything: true)
        let edited = try #require(ContractIndex.load(ws).summaries.first { $0.ref.company == "cache3" })
        let md = s.root + "/" + edited.ref.markdownPath
        try (try String(contentsOfFile: md, encoding: .utf8) + "\nAn uncommitted edit.\n").write(
            toFile: md, atomically: true, encoding: .utf8)
        _ = try NewContract.run(
            ws,
            .init(
                company: "cache5", title: "Untracked Draft", type: "service_agreement",
                client: Party(name: "Someone Ltd"),
                author: "Admin <admin@example.co.uk>"))
        return s
    }

    /// Files changed less than two seconds ago are never cached as clean (racy git): the tests
    /// read the workspace four seconds on, moving the clock rather than waiting for it.
    static let skew: Int64 = 4

    /// The server's workspace, read `skew` seconds on.
    static func later(_ s: LiveServer) throws -> Workspace {
        let ws = try s.workspace()
        ws.stampClock = { Timestamp.nowNanoseconds() + skew * 1_000_000_000 }
        return ws
    }

    /// The same for a run of the binary: PACTORIA_NOW `skew` seconds on.
    static func laterEnvironment() -> [String: String?] {
        ["PACTORIA_NOW": Timestamp(secondsSinceEpoch: Timestamp.now().secondsSinceEpoch + skew).description]
    }

    /// Everything `status` and `list` show, as text to compare.
    static func answers(_ ws: Workspace) throws -> String {
        let st = try WorkspaceStatus.compute(ws)
        var out = "clean \(st.isClean) total \(st.total) counts \(st.countsByStatus.sorted { $0.key < $1.key })\n"
        for c in st.contracts {
            out +=
                "\(c.ref) \(c.change) \(String(describing: c.part)) \(c.id ?? "-") \(c.problems.map(\.description))\n"
        }
        for o in st.others { out += "\(o.path) \(o.change) \(o.problems.map(\.description))\n" }
        let index = ContractIndex.load(ws)
        for s in index.summaries.sorted(by: { $0.ref < $1.ref }) { out += "\(s)\n" }
        out += "unreadable \(index.unreadable.map(\.ref)) orphans \(index.orphans)\n"
        return out
    }

    static func cacheDir(_ s: LiveServer) -> String { s.root + "/.pactoria/cache" }

    static func removeCaches(_ s: LiveServer) {
        for name in caches { unlink(cacheDir(s) + "/" + name) }
    }

    /// Answers on a cold run (no cache), then the caches a warm run leaves.
    static func coldAndCaches(_ s: LiveServer) throws -> (String, [String: [UInt8]]) {
        let ws = try Self.later(s)
        removeCaches(s)
        let cold = try answers(ws)
        _ = try answers(ws)
        #expect(try answers(ws) == cold)
        var files: [String: [UInt8]] = [:]
        for name in caches {
            if let d = FileManager.default.contents(atPath: cacheDir(s) + "/" + name) { files[name] = [UInt8](d) }
        }
        return (cold, files)
    }

    // #12.8 — flip a bit at every offset of every cache file's header and at random offsets
    // past it, and cut each at random lengths: never a crash, and the answers always equal a cold
    // run's (on main at 9129853 one flip in dirs-v1 ends the process: "failed to allocate").
    @Test func anyDamageToAnyCacheFileIsDiscarded() async throws {
        let s = try await Self.workspace()
        let ws = try Self.later(s)
        // index-tree is written by a commit.
        _ = try CommitChanges.run(
            ws, message: "Edit", author: Author(name: "Admin", email: "admin@example.co.uk"), stageEverything: true)
        let (cold, files) = try Self.coldAndCaches(s)
        #expect(Set(files.keys) == Set(Self.caches.filter { $0 != "index-tree" }), "\(files.keys.sorted())")
        var rng = SystemRandomNumberGenerator()
        var tried = 0
        for (name, original) in files.sorted(by: { $0.key < $1.key }) {
            let path = Self.cacheDir(s) + "/" + name
            var offsets = Array(0..<min(original.count, 64))
            if original.count > 64 { offsets += (0..<48).map { _ in Int.random(in: 64..<original.count, using: &rng) } }
            var mutations: [[UInt8]] = offsets.map { i in
                var b = original
                b[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                return b
            }
            for _ in 0..<8 { mutations.append(Array(original.prefix(Int.random(in: 0..<original.count, using: &rng)))) }
            mutations.append(original + [0, 1, 2, 3])
            for bytes in mutations {
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let got = try Self.answers(ws)
                #expect(got == cold, "\(name) damaged: the answers differ from a cold run")
                if got != cold { return }
                tried += 1
            }
        }
        #expect(tried > 400)
    }

    // #12.8 — the index record (`index-tree`), damaged: a commit still commits exactly the change.
    @Test func aDamagedIndexRecordIsNotTrusted() async throws {
        let s = try await Self.workspace()
        let ws = try Self.later(s)
        let author = Author(name: "Admin", email: "admin@example.co.uk")
        _ = try CommitChanges.run(ws, message: "Edit", author: author, stageEverything: true)
        let record = Self.cacheDir(s) + "/index-tree"
        let original = [UInt8](try #require(FileManager.default.contents(atPath: record)))
        let target = try #require(ContractIndex.load(ws).summaries.first { $0.ref.company == "cache7" })
        for (n, i) in stride(from: 0, to: original.count, by: max(1, original.count / 12)).enumerated() {
            var bytes = original
            bytes[i] ^= 0x10
            try Data(bytes).write(to: URL(fileURLWithPath: record))
            let md = s.root + "/" + target.ref.markdownPath
            try (try String(contentsOfFile: md, encoding: .utf8) + "\nEdit \(n).\n").write(
                toFile: md, atomically: true, encoding: .utf8)
            _ = try CommitChanges.run(ws, message: "Edit \(n)", author: author)
            #expect(try await s.git(["status", "--porcelain", "--untracked-files=no"]).isEmpty)
            #expect(try await s.git(["diff", "--stat", "HEAD~1", "HEAD"]).contains(target.ref.markdownPath))
            // Whatever the damaged record said, it was replaced by a valid one.
            #expect(FileManager.default.contents(atPath: record).map([UInt8].init) != bytes)
        }
    }

    // #12.8 — the reported crash, through the binary: one flipped bit in dirs-v1's name count.
    // `status` exits 0, prints what a cold run prints, and one notice names the file.
    @Test func theCLIRebuildsADamagedCacheWithOneNotice() async throws {
        let s = try await Self.workspace()
        Self.removeCaches(s)
        let cold = try await s.pactoria(["status", "--porcelain"], environment: Self.laterEnvironment())
        #expect(cold.status == 0, "\(cold)")
        let warm = try await s.pactoria(["status", "--porcelain"], environment: Self.laterEnvironment())
        #expect(warm.stdout == cold.stdout && warm.stderr.isEmpty, "\(warm)")
        let coldList = try await s.pactoria(["list", "--json"], environment: Self.laterEnvironment())
        for name in Self.caches where name != "index-tree" {
            let path = Self.cacheDir(s) + "/" + name
            var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path), "\(name) missing"))
            // A high bit in the payload, well past the header: on main, a length or count.
            let at = min(bytes.count - 1, 64)
            bytes[at] ^= 0x80
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            // The per-file cache is read only when many directories need a look: a cold scan.
            if name == "files-v1" { unlink(Self.cacheDir(s) + "/dirs-v1") }
            let status = try await s.pactoria(["status", "--porcelain"], environment: Self.laterEnvironment())
            let list = try await s.pactoria(["list", "--json"], environment: Self.laterEnvironment())
            #expect(status.status == 0 && list.status == 0, "\(name): \(status) \(list)")
            #expect(status.stdout == cold.stdout, "\(name): \(status)")
            #expect(list.stdout == coldList.stdout, "\(name): \(list)")
            let notices = (status.stderr + list.stderr).split(separator: "\n")
            #expect(
                notices == [
                    "pactoria: discarded a damaged cache (.pactoria/cache/\(name): checksum mismatch); rebuilt it"
                ], "\(name): \(notices)")
            // Rebuilt: the next run is quiet.
            let again = try await s.pactoria(["status", "--porcelain"], environment: Self.laterEnvironment())
            #expect(again.stderr.isEmpty && again.stdout == cold.stdout, "\(name): \(again)")
        }
    }

    // #12.8 — `.pactoria/cache` a regular file, then a link to a folder: status is clean (on
    // main: a workspace change), the server answers 200 (on main: 500), writes work, a notice
    // says Pactoria works without a cache, and nothing is written through the link.
    @Test func aCacheThatIsNotAFolderIsWorkedAround() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        var ids: [String] = []
        for title in ["Cache Folder Test", "Cache Link Test"] {
            ids.append(try await s.createContract(m, title: title)["id"] as? String ?? "")
        }
        let elsewhere = NSTemporaryDirectory() + "pactoria-elsewhere-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        let dir = Self.cacheDir(s)
        for (n, kind) in ["file", "link"].enumerated() {
            let id = ids[n]
            try FileManager.default.removeItem(atPath: dir)
            if kind == "file" {
                try "not a folder\n".write(toFile: dir, atomically: false, encoding: .utf8)
            } else {
                try FileManager.default.createSymbolicLink(atPath: dir, withDestinationPath: elsewhere)
            }
            let status = try await s.pactoria(["status"])
            #expect(status.status == 0, "\(kind): \(status)")
            #expect(status.stdout.contains("nothing to commit, working tree clean"), "\(kind): \(status)")
            #expect(status.stderr.contains("pactoria: .pactoria/cache is a "), "\(kind): \(status)")
            #expect(status.stderr.contains("working without a cache"), "\(kind): \(status)")
            #expect(status.stderr.split(separator: "\n").count == 1, "\(kind): \(status)")

            let list = try await s.call("GET", "/api/v1/contracts", token: m)
            #expect(list.status == 200, "\(kind): \(list.status) \(list.text)")
            let patch = try await s.call("PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Renamed \(n)"])
            #expect(patch.status == 200, "\(kind): \(patch.status) \(patch.text)")
            let before = try await s.commitCount()
            let verb = try await s.pactoria(["submit", id])
            #expect(verb.status == 0, "\(kind): \(verb)")
            #expect(try await s.commitCount() == before + 1)
            // The workspace's `.gitignore` names `.pactoria/cache` as a file or a folder: plain git does
            // not see it either, and it is never committed.
            #expect(try await s.git(["status", "--porcelain"]).isEmpty)
            #expect(!(try await s.git(["ls-files"])).contains(".pactoria/cache"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        }
        // Moved aside as the notice says, the cache comes back as a folder.
        try FileManager.default.removeItem(atPath: dir)
        let status = try await s.pactoria(["status"])
        #expect(status.status == 0 && status.stderr.isEmpty, "\(status)")
        #expect(FileManager.default.fileExists(atPath: dir + "/dirs-v1"))
    }
}
