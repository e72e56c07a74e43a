import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaGit
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 3: a symbolic link or special file planted in a company's folder is never
/// served, staged, passed by `check` or recreated by `clone`.
@Suite("Security: symlinks and special files in the workspace")
struct FilesSymlinkTests {
    @Test("a contract's content linked to the signing key or /etc/passwd is not served")
    func contentLinkNotServed() async throws {
        let s = try await LiveServer()
        let manager = try s.token("manager@brickline.co.uk")
        let id = try #require(try await s.createContract(manager)["id"] as? String)
        let stem = try FilesKit.stem(s, company: "brickline", id: id)
        _ = try s.signingKey()
        let key = Array(try #require(FileManager.default.contents(atPath: s.root + "/" + UserStore.keyPath)))
        #expect(key.count >= 16)
        try FilesKit.plantLink(s.root, "companies/brickline/contracts/\(stem).md", to: s.root + "/" + UserStore.keyPath)
        let leaked = try await s.call("GET", "/api/v1/contracts/\(id)/content", token: manager)
        #expect(!Self.contains(leaked.body, key), "the signing key was served: \(leaked.status)")
        #expect(leaked.status == 409 && leaked.text.contains("\(stem).md is not a regular file"), "\(leaked.text)")

        try FilesKit.plantLink(s.root, "companies/brickline/contracts/\(stem).md", to: "/etc/passwd")
        let passwd = try await s.call("GET", "/api/v1/contracts/\(id)/content", token: manager)
        #expect(!passwd.text.contains("root:"), "/etc/passwd was served: \(passwd.status)")
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test("another company's contract linked into a company's folder is not listed or read through it")
    func crossCompanyLinkNotServed() async throws {
        let s = try await LiveServer()
        let ancoats = try s.token("manager@ancoats.co.uk")
        let theirs = try #require(try await s.createContract(ancoats, title: "Bakery Supply")["id"] as? String)
        let theirStem = try FilesKit.stem(s, company: "ancoats", id: theirs)
        // Brickline's folder gets a link to Ancoats' metadata (and the Ancoats copy is hidden by
        // moving it, so the id is only reachable through the link).
        let original = s.root + "/companies/ancoats/contracts/\(theirStem).yaml"
        let hidden = s.root + "/hidden-\(theirStem).yaml"
        try FileManager.default.moveItem(atPath: original, toPath: hidden)
        try FilesKit.plantLink(s.root, "companies/brickline/contracts/stolen.yaml", to: hidden)
        let brickline = try s.token("manager@brickline.co.uk")
        let list = try await s.call("GET", "/api/v1/contracts?size=100", token: brickline)
        #expect(list.status == 200)
        #expect(!list.text.contains(theirs), "another company's contract listed through a link")
        let read = try await s.call("GET", "/api/v1/contracts/\(theirs)", token: brickline)
        #expect(read.status == 404, "\(read.status) \(read.text)")
        #expect(!read.text.contains("Bakery Supply"))
    }

    @Test("a symbolically linked company folder is not a company, and its files are not read")
    func linkedDirectory() async throws {
        let s = try await LiveServer()
        let ws = try s.workspace()
        try FileManager.default.createDirectory(
            atPath: s.root + "/outside/contracts", withIntermediateDirectories: true)
        try "name: Outside Ltd\n".write(toFile: s.root + "/outside/company.yaml", atomically: true, encoding: .utf8)
        try FilesKit.plantLink(s.root, "companies/evil", to: s.root + "/outside")
        #expect(!ws.companySlugs().contains("evil"))
        #expect(throws: WorkspaceError.self) { try ws.read("companies/evil/company.yaml") }
        #expect(throws: WorkspaceError.self) { try ws.read("companies/../.pactoria/config.yaml") }
        #expect(throws: WorkspaceError.self) { try ws.read("/etc/passwd") }
        let status = try WorkspaceStatus.compute(ws)
        #expect(status.problems.contains { $0.file == "companies/evil" }, "\(status.problems)")
    }

    @Test("a FIFO as a contract's content does not hang a read; status names it; commit refuses it")
    func fifoDoesNotHang() async throws {
        let s = try await LiveServer()
        let manager = try s.token("manager@brickline.co.uk")
        let id = try #require(try await s.createContract(manager)["id"] as? String)
        let stem = try FilesKit.stem(s, company: "brickline", id: id)
        let path = "companies/brickline/contracts/\(stem).md"
        try FileManager.default.removeItem(atPath: s.root + "/" + path)
        #expect(mkfifo(s.root + "/" + path, 0o644) == 0)
        let started = ContinuousClock.now
        let r = try await s.call("GET", "/api/v1/contracts/\(id)/content", token: manager)
        #expect(
            ContinuousClock.now - started < .seconds(30), "reading a FIFO blocked (a hang guard, not a speed target)")
        #expect(r.status == 409, "\(r.status) \(r.text)")
        let ws = try s.workspace()
        let status = try WorkspaceStatus.compute(ws)
        #expect(
            status.problems.contains { $0.file == path && $0.message.contains("special file") }, "\(status.problems)")
        #expect(throws: WorkspaceError.self) {
            try CommitChanges.run(ws, message: "FIFO", author: FilesKit.author)
        }
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test("status names a planted link; commit refuses it and HEAD gets no mode-120000 entry")
    func commitRefusesLinks() async throws {
        let s = try await LiveServer()
        let ws = try s.workspace()
        try FilesKit.plantLink(
            s.root, "companies/brickline/contracts/leak.md", to: "../../../.pactoria/secrets/jwt.key")
        let status = try WorkspaceStatus.compute(ws)
        let problem = try #require(status.problems.first { $0.file == "companies/brickline/contracts/leak.md" })
        #expect(problem.message.contains("symbolic link"))
        let head = try runGit(s.root, ["rev-parse", "HEAD"])
        #expect(throws: WorkspaceError.self) {
            try CommitChanges.run(ws, message: "Leak", author: FilesKit.author)
        }
        // Even staged by git itself first (the index then differs from HEAD), it is refused.
        _ = try runGit(s.root, ["add", "companies/brickline/contracts/leak.md"])
        #expect(throws: WorkspaceError.self) {
            try CommitChanges.run(ws, message: "Leak", author: FilesKit.author)
        }
        #expect(try runGit(s.root, ["rev-parse", "HEAD"]) == head)
        #expect(!(try FilesKit.tree(s.root)).contains { $0.mode == "120000" })

        // The built binary says the same, naming the file, and exits non-zero.
        let cli = try FilesKit.pactoria(["commit", "-m", "Leak"], in: s.root)
        #expect(cli.status != 0)
        #expect(cli.stderr.contains("companies/brickline/contracts/leak.md"), "\(cli.stderr)")
    }

    @Test("check --base and review flag a symbolic link committed with plain git")
    func checkFlagsLinks() async throws {
        let s = try await LiveServer()
        _ = try runGit(s.root, ["branch", "base"])
        try FilesKit.plantLink(s.root, "companies/brickline/contracts/leak.md", to: "/etc/passwd")
        _ = try runGit(s.root, ["add", "-f", "companies/brickline/contracts/leak.md"])
        _ = try runGit(s.root, ["commit", "-q", "-m", "Add a link"])
        let ws = try s.workspace()
        let report = try Check.run(ws, base: "base")
        #expect(!report.passed)
        #expect(
            report.findings.contains {
                $0.file == "companies/brickline/contracts/leak.md" && $0.rule == Check.Rule.notRegular
            })
        let review = try Review.run(ws, base: "base")
        #expect(ReviewMarkdown.render(review).contains("leak.md"))
        let cli = try FilesKit.pactoria(["check", "--base", "base"], in: s.root)
        #expect(cli.status == 1, "\(cli)")
        #expect(cli.stdout.contains("leak.md") && cli.stdout.contains("120000"), "\(cli.stdout)")
    }

    @Test("clone refuses a workspace whose tree holds a symbolic link and leaves nothing behind")
    func cloneRefusesLinks() async throws {
        let s = try await LiveServer()
        try FilesKit.plantLink(
            s.root, "companies/brickline/contracts/leak.md", to: "../../../.pactoria/secrets/jwt.key")
        _ = try runGit(s.root, ["add", "-f", "companies/brickline/contracts/leak.md"])
        _ = try runGit(s.root, ["commit", "-q", "-m", "Add a link"])
        let target = NSTemporaryDirectory() + "pactoria-clone-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: target) }
        #expect(throws: WorkspaceError.self) {
            try Remotes.clone(url: s.root, into: target, credentials: .none)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        let cli = try FilesKit.pactoria(["clone", s.root, target], in: NSTemporaryDirectory())
        #expect(cli.status != 0)
        #expect(cli.stderr.contains("leak.md") && cli.stderr.contains("symbolic link"), "\(cli.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }
}

/// Writes never leave the workspace through a linked folder.
@Suite("Security: writes through a linked contracts folder")
struct FilesLinkedFolderWriteTests {
    @Test("a company whose contracts folder is a link gets no new contract written outside the workspace")
    func newContractRefused() async throws {
        let s = try await LiveServer()
        let outside = NSTemporaryDirectory() + "pactoria-outside-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try? FileManager.default.removeItem(atPath: s.root + "/companies/brickline/contracts")
        try FilesKit.plantLink(s.root, "companies/brickline/contracts", to: outside)
        let manager = try s.token("manager@brickline.co.uk")
        let r = try await s.call(
            "POST", "/api/v1/contracts", token: manager,
            json: ["title": "Escape", "contract_type": "service_agreement", "client": ["name": "Acme Ltd"]])
        #expect(r.status == 400 && r.text.contains("not a folder"), "\(r.status) \(r.text)")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty,
            "a file was written outside the workspace")
        #expect(try await s.call("GET", "/health").status == 200)
    }
}
