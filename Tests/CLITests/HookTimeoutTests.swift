import Foundation
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #13: a hook that hangs no longer blocks the server's write queue for good. Past its
/// timeout (`hooks.timeout` in the config, or `PACTORIA_HOOK_TIMEOUT`) it is stopped with
/// everything it started; the commit it followed stands whole, and the next write goes through.
@Suite("Integrity: a hook that hangs")
struct HookTimeoutTests {
    static let manager = "manager@brickline.co.uk"
    static let event = "contract.submitted"

    /// Commits and approves a hook that starts a child which sleeps, writes the child's pid to
    /// `pidFile`, then sleeps itself: only killing the whole process group ends both.
    static func commitHangingHook(_ s: LiveServer, pidFile: String) throws {
        let dir = s.root + "/.pactoria/hooks"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Spawn.writeExecutable(dir + "/" + event, "#!/bin/sh\nsleep 300 &\necho $! > '\(pidFile)'\nsleep 300\n")
        _ = try runGit(s.root, ["add", ".pactoria/hooks/\(event)"])
        _ = try runGit(s.root, ["commit", "-q", "-m", "Add a hook that hangs"])
        _ = try Hooks.approve(try s.workspace(), event: event)
    }

    @Test("a hanging hook is stopped with its child; the commit stands and the next write goes through")
    func hangingHookIsStopped() async throws {
        let s = try await LiveServer { root in
            let file = root + "/.pactoria/config.yaml"
            try (try String(contentsOfFile: file, encoding: .utf8) + "hooks:\n  timeout: 1\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
        }
        #expect(Hooks.timeout(try s.workspace().config, environment: [:]) == .seconds(1))
        let pidFile = NSTemporaryDirectory() + "pactoria-hook-child-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        try Self.commitHangingHook(s, pidFile: pidFile)
        let manager = try s.token(Self.manager)
        let id = try #require(try await s.createContract(manager)["id"] as? String)
        let commitsBefore = try await s.commitCount()

        let start = ContinuousClock.now
        let submit = try await s.transition(manager, id, "submit")
        #expect(submit.status == 200, "\(submit.status) \(submit.text)")
        #expect(ContinuousClock.now - start < .seconds(30), "the hook was not stopped")
        let child = try #require(ProcessWatch.pid(inFile: pidFile), "the hook did not run")
        #expect(ProcessWatch.waitForEnd(child), "the hook's child \(child) outlived the timeout")

        // Nothing half-written: one commit, the contract submitted, a clean working tree.
        #expect(try await s.commitCount() == commitsBefore + 1)
        let shown = try await s.call("GET", "/api/v1/contracts/\(id)", token: manager)
        #expect(shown.json["status"] as? String == "pending_review", "\(shown.text)")
        #expect(try await s.git(["status", "--porcelain"]).isEmpty)

        // The write queue is free: the next write goes through.
        let next = try await s.call(
            "POST", "/api/v1/contracts", token: manager,
            json: ["title": "After the hook", "contract_type": "service_agreement", "client": ["name": "Acme Ltd"]])
        #expect(next.status == 201, "\(next.status) \(next.text)")
    }

    @Test("the CLI names the hook and the timeout (PACTORIA_HOOK_TIMEOUT), and the commit stands")
    func cliReportsTheTimeout() async throws {
        let s = try await LiveServer()
        let pidFile = NSTemporaryDirectory() + "pactoria-hook-child-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        try Self.commitHangingHook(s, pidFile: pidFile)
        let id = try #require(try await s.createContract(try s.token(Self.manager))["id"] as? String)

        let run = try await s.pactoria(["submit", id], environment: ["PACTORIA_HOOK_TIMEOUT": "0.5"])
        #expect(run.status == 0, "\(run)")
        #expect(
            run.stderr.contains(
                "warning: hook .pactoria/hooks/\(Self.event) did not finish within 0.5 seconds and was stopped; the commit stands"
            ), "\(run)")
        let child = try #require(ProcessWatch.pid(inFile: pidFile), "the hook did not run")
        #expect(ProcessWatch.waitForEnd(child), "the hook's child \(child) outlived the timeout")
        #expect(try await s.git(["status", "--porcelain"]).isEmpty)
        #expect(try await s.git(["log", "-1", "--format=%s"]).lowercased().contains("submit"))
    }
}
