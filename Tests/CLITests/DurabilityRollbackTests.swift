import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// A write whose commit fails leaves the files exactly as they were (#12.1), and temporary files
/// never reach the working tree or a commit (#12.6).
extension IntegritySuite {
    @Suite("Durability: failed writes roll back") struct DurabilityRollback {
        // #12.1: on main the new title stayed in the working tree after the 500, and the next
        // `pactoria commit` recorded it under someone else's name.
        @Test("a server write whose commit fails (index.lock held) leaves the files exactly as they were")
        func serverWriteFails() async throws {
            let s = try await LiveServer()
            let token = try s.token("manager@brickline.co.uk")
            let created = try await s.createContract(token, title: "Website Build")
            let id = try #require(created["id"] as? String)
            let stem = try stemOf(s.root, company: "brickline", id: id)
            let yaml = s.root + "/companies/brickline/contracts/\(stem).yaml"
            let before = try Data(contentsOf: URL(fileURLWithPath: yaml))
            let head = try await s.git(["rev-parse", "HEAD"])

            // Another git process holds the index lock for longer than any wait.
            let lock = s.root + "/.git/index.lock"
            _ = FileManager.default.createFile(atPath: lock, contents: Data())
            let patched = try await s.call(
                "PATCH", "/api/v1/contracts/\(id)", token: token, json: ["title": "Renamed While Locked"])
            #expect(patched.status >= 400, "\(patched.status) \(patched.text)")
            let moved = try await s.transition(token, id, "submit")
            #expect(moved.status >= 400, "\(moved.status) \(moved.text)")
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: yaml)) == before,
                "the failed write stayed in the working tree")
            let shown = try await s.call("GET", "/api/v1/contracts/\(id)", token: token)
            #expect(shown.json["title"] as? String == "Website Build")
            #expect(shown.json["status"] as? String == "draft")
            try FileManager.default.removeItem(atPath: lock)

            #expect(try await s.git(["status", "--porcelain"]).isEmpty)
            #expect(try await s.git(["rev-parse", "HEAD"]) == head)
            let commit = try await s.pactoria(["commit", "-m", "Anything pending?"])
            #expect(commit.stderr.contains("nothing to commit"), "\(commit)")
            // Once the lock is gone the same write succeeds.
            let again = try await s.call("PATCH", "/api/v1/contracts/\(id)", token: token, json: ["title": "Renamed"])
            #expect(again.status == 200, "\(again.status) \(again.text)")
        }

        // #12.1: the CLI verbs that commit roll back too.
        @Test("a lifecycle verb whose commit fails leaves the files exactly as they were")
        func cliVerbFails() throws {
            let (root, first, _) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            let before = DurabilityKit.files(root)
            _ = FileManager.default.createFile(atPath: root + "/.git/index.lock", contents: Data())
            for args in [["submit", first.description], ["generate", first.description, "--provider", "local"]] {
                let r = try DurabilityKit.cli(root, args)
                #expect(r.status != 0, "\(r)")
                #expect(r.stderr.hasPrefix("error: "), "\(r)")
                #expect(!r.stderr.contains("rolled back"), "\(r)")
                #expect(DurabilityKit.files(root) == before, "\(args[0]): the files changed")
            }
            try FileManager.default.removeItem(atPath: root + "/.git/index.lock")
            try DurabilityKit.expectSound(root)
            #expect(try runGit(root, ["status", "--porcelain"]).isEmpty)
            let r = try DurabilityKit.cli(root, ["submit", first.description])
            #expect(r.status == 0, "\(r)")
        }

        // #12.6: on main a kill left `.<stem>.yaml.tmp-*` beside the contract and the next commit
        // committed it.
        @Test(
            "temporary files: made outside the working tree; a leftover is reported with its rm command and never committed"
        )
        func temporaryFiles() throws {
            let (root, first, _) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            // A write leaves nothing beside the files; its scratch folder is in the git directory.
            #expect(try DurabilityKit.cli(root, ["submit", first.description]).status == 0)
            #expect(DurabilityKit.files(root).keys.allSatisfy { !$0.contains(".tmp-") })
            var isDir: ObjCBool = false
            #expect(
                FileManager.default.fileExists(atPath: root + "/.git/pactoria/tmp", isDirectory: &isDir)
                    && isDir.boolValue)

            // A dead process's temporary file in the scratch folder is cleared by the next write.
            let dead = root + "/.git/pactoria/tmp/\(first.stem).yaml.tmp-4194303-77"
            _ = FileManager.default.createFile(atPath: dead, contents: Data("half".utf8))
            #expect(try DurabilityKit.cli(root, ["finalize", first.description]).status == 0)
            #expect(!FileManager.default.fileExists(atPath: dead), "the dead writer's temporary file is still there")

            // A leftover of an older version (or of the fallback on another filesystem).
            let leftover = "companies/acme/contracts/.\(first.stem).yaml.tmp-4242-123456"
            try Data("status: active\n".utf8).write(to: URL(fileURLWithPath: root + "/" + leftover))
            let status = try DurabilityKit.cli(root, ["status"])
            #expect(status.stdout.contains("rm -- '\(leftover)'"), "\(status)")
            #expect(status.stdout.contains("nothing to commit, working tree clean"), "\(status)")
            let json = try DurabilityKit.cli(root, ["status", "--json"])
            #expect(
                json.stdout.contains(leftover.replacingOccurrences(of: "/", with: "\\/"))
                    || json.stdout.contains(leftover), "\(json)")
            let check = try DurabilityKit.cli(root, ["status", "--check"])
            #expect(check.status == 0, "\(check)")
            // Committing anything else never stages it.
            let md = root + "/" + first.markdownPath
            try Data((try String(contentsOfFile: md, encoding: .utf8) + "\nMore.\n").utf8).write(
                to: URL(fileURLWithPath: md))
            let commit = try DurabilityKit.cli(root, ["commit", "-m", "Edit"])
            #expect(commit.status == 0, "\(commit)")
            #expect(!(try runGit(root, ["ls-files"])).contains(".tmp-"))
            let nothing = try DurabilityKit.cli(root, ["commit", "-m", "Only the leftover"])
            #expect(nothing.status != 0 && nothing.stderr.contains("nothing to commit"), "\(nothing)")
            // Its rm command clears it.
            _ = try runGit(root, ["status"])
            try FileManager.default.removeItem(atPath: root + "/" + leftover)
            #expect(!(try DurabilityKit.cli(root, ["status"])).stdout.contains("Leftover"))
        }

        // #12.4: on main `generate --regenerate` overwrote uncommitted Markdown while saying the
        // old text stays in git's history.
        @Test(
            "generate --regenerate refuses uncommitted Markdown edits unless --force, and claims history only when true"
        )
        func regenerate() throws {
            let (root, first, _) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            #expect(try DurabilityKit.cli(root, ["generate", first.description, "--provider", "local"]).status == 0)
            // Committed content: a plain generate refuses and says the committed text stays.
            let plain = try DurabilityKit.cli(root, ["generate", first.description, "--provider", "local"])
            #expect(plain.status != 0)
            #expect(plain.stderr.contains("(the committed text stays in git's history)"), "\(plain)")

            let md = root + "/" + first.markdownPath
            let edited =
                try String(contentsOfFile: md, encoding: .utf8) + "\n## 9. Hand-written clause\n\nNot committed yet.\n"
            try Data(edited.utf8).write(to: URL(fileURLWithPath: md))
            let head = try DurabilityKit.head(root)
            let noClaim = try DurabilityKit.cli(root, ["generate", first.description, "--provider", "local"])
            #expect(noClaim.status != 0)
            #expect(!noClaim.stderr.contains("history)"), "claims the uncommitted text is in history: \(noClaim)")
            let refused = try DurabilityKit.cli(
                root, ["generate", first.description, "--provider", "local", "--regenerate"])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.hasPrefix("error: \(first.markdownPath) has uncommitted changes"), "\(refused)")
            #expect(refused.stderr.contains("--force"), "\(refused)")
            #expect(try String(contentsOfFile: md, encoding: .utf8) == edited, "the uncommitted edit was destroyed")
            #expect(try DurabilityKit.head(root) == head)

            let forced = try DurabilityKit.cli(
                root, ["generate", first.description, "--provider", "local", "--regenerate", "--force"])
            #expect(forced.status == 0, "\(forced)")
            #expect(!(try String(contentsOfFile: md, encoding: .utf8)).contains("Hand-written clause"))
            // Committed first, the edit may be regenerated without --force (and stays in history).
            try Data(edited.utf8).write(to: URL(fileURLWithPath: md))
            #expect(try DurabilityKit.cli(root, ["commit", "-m", "Hand clause"]).status == 0)
            let regenerated = try DurabilityKit.cli(
                root, ["generate", first.description, "--provider", "local", "--regenerate"])
            #expect(regenerated.status == 0, "\(regenerated)")
            #expect(
                try runGit(root, ["log", "-p", "-1", "HEAD~1", "--", first.markdownPath]).contains(
                    "Hand-written clause"))
        }

        func stemOf(_ root: String, company: String, id: String) throws -> String {
            let dir = root + "/companies/\(company)/contracts"
            for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name.hasSuffix(".yaml") {
                if try String(contentsOfFile: dir + "/" + name, encoding: .utf8).contains(id) {
                    return String(name.dropLast(5))
                }
            }
            throw DurabilityKit.Failure(description: "no file for \(id)")
        }
    }
}
