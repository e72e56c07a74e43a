import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 5: a hook committed to `.pactoria/hooks/` runs only once this machine has
/// approved its exact content; `check` and `review` flag changes to hooks, config, users and
/// ignore rules.
@Suite("Security: hooks and protected files")
struct FilesHookTests {
    /// Commits an executable hook for `event` with plain git; it writes `marker` when run.
    static func commitHook(_ s: LiveServer, event: String, marker: String, extra: String = "") throws {
        let dir = s.root + "/.pactoria/hooks"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Spawn.writeExecutable(dir + "/" + event, "#!/bin/sh\n\(extra)echo ran >> '\(marker)'\n")
        _ = try runGit(s.root, ["add", ".pactoria/hooks/\(event)"])
        _ = try runGit(s.root, ["commit", "-q", "-m", "Add a hook"])
    }

    @Test("a hook committed with plain git is not run by the server until approved, nor after it changes")
    func unapprovedHookNeverRuns() async throws {
        let s = try await LiveServer()
        let marker = NSTemporaryDirectory() + "pactoria-hook-ran-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        try Self.commitHook(s, event: "contract.submitted", marker: marker)
        let manager = try s.token("manager@brickline.co.uk")
        let first = try #require(try await s.createContract(manager)["id"] as? String)
        let r = try await s.transition(manager, first, "submit")
        #expect(r.status == 200, "\(r.status) \(r.text)")
        #expect(!FileManager.default.fileExists(atPath: marker), "an unapproved hook ran as the server's user")

        // The operator reads it and approves it on this machine: it runs.
        let ws = try s.workspace()
        #expect(Hooks.list(ws).first?.state == .notApproved)
        let approved = try Hooks.approve(ws, event: "contract.submitted")
        #expect(approved.count == 1 && approved[0].sha256?.count == 64)
        let second = try #require(try await s.createContract(manager, title: "Second")["id"] as? String)
        _ = try await s.transition(manager, second, "submit")
        #expect(FileManager.default.fileExists(atPath: marker), "an approved hook did not run")

        // Someone pushes a change to it: skipped again, and reported.
        try FileManager.default.removeItem(atPath: marker)
        try Self.commitHook(s, event: "contract.submitted", marker: marker, extra: "# changed\n")
        #expect(Hooks.list(ws).first?.state == .changed)
        let third = try #require(try await s.createContract(manager, title: "Third")["id"] as? String)
        _ = try await s.transition(manager, third, "submit")
        #expect(!FileManager.default.fileExists(atPath: marker), "a changed hook ran")
    }

    @Test("an unapproved hook is reported once as skipped by the built binary; hooks approve and list work")
    func cliReportsAndApproves() async throws {
        let s = try await LiveServer()
        let marker = NSTemporaryDirectory() + "pactoria-hook-ran-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: marker) }
        try Self.commitHook(s, event: "contract.submitted", marker: marker)
        let manager = try s.token("manager@brickline.co.uk")
        let id = try #require(try await s.createContract(manager)["id"] as? String)
        let stem = try FilesKit.stem(s, company: "brickline", id: id)
        let submit = try FilesKit.pactoria(["submit", "companies/brickline/contracts/\(stem).yaml"], in: s.root)
        #expect(submit.status == 0, "\(submit)")
        let skipped = submit.stderr.split(separator: "\n").filter { $0.contains("not approved on this machine") }
        #expect(skipped.count == 1, "\(submit.stderr)")
        #expect(submit.stderr.contains("pactoria hooks approve contract.submitted"))
        #expect(!FileManager.default.fileExists(atPath: marker))

        let list = try FilesKit.pactoria(["hooks", "list"], in: s.root)
        #expect(list.stdout.contains("not approved: .pactoria/hooks/contract.submitted sha256:"), "\(list)")
        let approve = try FilesKit.pactoria(["hooks", "approve", "contract.submitted"], in: s.root)
        #expect(
            approve.status == 0 && approve.stdout.contains("approved .pactoria/hooks/contract.submitted sha256:"),
            "\(approve)")
        let after = try FilesKit.pactoria(["hooks", "list"], in: s.root)
        #expect(after.stdout.hasPrefix("approved: "), "\(after)")
        // The allow-list is local: never in the tracked tree.
        #expect(!(try FilesKit.tree(s.root)).contains { $0.path.contains("approved-hooks") })
    }

    @Test("check --base and review flag hooks (error) and config, users and ignore rules (warning)")
    func checkFlagsProtectedFiles() async throws {
        let s = try await LiveServer()
        _ = try runGit(s.root, ["branch", "base"])
        try Self.commitHook(s, event: "contract.created", marker: "/dev/null")
        var config = try String(contentsOfFile: s.root + "/.pactoria/config.yaml", encoding: .utf8)
        config += "ai:\n  base_url: http://attacker.invalid/v1\n"
        try config.write(toFile: s.root + "/.pactoria/config.yaml", atomically: true, encoding: .utf8)
        try "# nothing ignored\n".write(toFile: s.root + "/.gitignore", atomically: true, encoding: .utf8)
        _ = try runGit(s.root, ["commit", "-q", "-am", "Point the AI elsewhere"])
        let ws = try s.workspace()
        let report = try Check.run(ws, base: "base")
        #expect(!report.passed)
        #expect(
            report.errors.contains {
                $0.file == ".pactoria/hooks/contract.created" && $0.rule == Check.Rule.hookChanged
            })
        #expect(
            report.warnings.contains { $0.file == ".pactoria/config.yaml" && $0.rule == Check.Rule.protectedChanged })
        #expect(report.warnings.contains { $0.file == ".gitignore" })
        let markdown = ReviewMarkdown.render(try Review.run(ws, base: "base"))
        #expect(markdown.contains("Sensitive files changed"))
        #expect(markdown.contains(".pactoria/hooks/contract.created") && markdown.contains(".pactoria/config.yaml"))
        let cli = try FilesKit.pactoria(["check", "--base", "base"], in: s.root)
        #expect(cli.status == 1, "\(cli)")
        #expect(cli.stdout.contains(".pactoria/config.yaml: warning:"), "\(cli.stdout)")
        #expect(cli.stdout.contains(".pactoria/hooks/contract.created: error:"), "\(cli.stdout)")
    }
}
