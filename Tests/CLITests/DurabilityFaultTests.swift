import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// The fault-injection suite, quick form: the CLI and the server are killed (`_exit(86)`, as a
/// `kill -9` leaves things) at every step of the write path. After each fault: `git fsck` is
/// clean, every acknowledged write is in history, every uncommitted edit planted beforehand is
/// still in the working tree byte for byte, nothing stray is staged or left in `companies/`, and
/// one documented command (or none) restores full function, proven by running it.
extension IntegritySuite {
    @Suite("Durability: faults") struct DurabilityFaults {
        /// Steps a committing write passes through, and whether the write is acknowledged (in
        /// history) when the process dies there.
        static let committingSteps: [(String, Bool)] = [
            ("write.after-journal", false), ("write.after-files", false), ("write.after-index", false),
            ("commit.after-index", false), ("commit.after-commit", true), ("write.after-commit", true),
        ]

        // #12.7 and #12.1: a lifecycle verb killed at every step; the next command recovers.
        @Test(
            "submit killed at each step: recovered on the next open, then the verb completes",
            arguments: committingSteps.map(\.0))
        func lifecycleVerb(step: String) throws {
            let acknowledged = Self.committingSteps.first { $0.0 == step }!.1
            let (root, first, other) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            // An uncommitted edit of another contract, which nothing may touch.
            let planted = root + "/" + other.markdownPath
            try Data((try String(contentsOfFile: planted, encoding: .utf8) + "\nA clause drafted by hand.\n").utf8)
                .write(to: URL(fileURLWithPath: planted))
            let before = DurabilityKit.files(root)
            let head = try DurabilityKit.head(root)

            let killed = try DurabilityKit.cli(root, ["submit", first.description], fault: step)
            #expect(killed.status == Fault.exitStatus, "\(killed)")

            // Any command recovers: `list` must not show the uncommitted status as committed.
            let list = try DurabilityKit.cli(root, ["list", "--json"])
            #expect(list.status == 0, "\(list)")
            if acknowledged {
                #expect(list.stderr.contains("finished an interrupted submit of \(first)"), "\(list)")
                #expect(try DurabilityKit.head(root) != head)
                #expect(try DurabilityKit.committed(root, first.yamlPath).contains("status: pending_review"))
                #expect(try DurabilityKit.statusField(root, first) == "pending_review")
            } else {
                #expect(
                    list.stderr.contains("rolled back an interrupted submit of \(first) (nothing was committed)"),
                    "\(list)")
                #expect(list.stdout.contains("\"draft\""), "\(list)")
                #expect(!list.stdout.contains("pending_review"), "\(list)")
                #expect(try DurabilityKit.head(root) == head)
                #expect(DurabilityKit.files(root) == before, "the files are not as they were")
            }
            try DurabilityKit.expectSound(root)
            #expect(
                DurabilityKit.files(root)[other.markdownPath] == before[other.markdownPath], "the planted edit changed")

            // Full function: the verb runs (again, when it was not acknowledged) and commits.
            if !acknowledged {
                let again = try DurabilityKit.cli(root, ["submit", first.description])
                #expect(again.status == 0, "\(again)")
            }
            #expect(try DurabilityKit.committed(root, first.yamlPath).contains("status: pending_review"))
            try DurabilityKit.expectSound(root)
            #expect(DurabilityKit.files(root)[other.markdownPath] == before[other.markdownPath])
            let status = try DurabilityKit.cli(root, ["status", "--porcelain"])
            #expect(status.stdout == "M c \(other)\n", "\(status)")
        }

        // #12.7 with #12.8: when `.pactoria/cache` is a file, writers lock in the git folder, and
        // recovery on open takes that same lock, so a reader still undoes a killed write.
        @Test("with .pactoria/cache a file, status still rolls back a killed submit")
        func recoveryWithoutACacheFolder() throws {
            let (root, first, _) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            try FileManager.default.removeItem(atPath: root + "/.pactoria/cache")
            try Data("not a folder\n".utf8).write(to: URL(fileURLWithPath: root + "/.pactoria/cache"))
            let killed = try DurabilityKit.cli(root, ["submit", first.description], fault: "write.after-files")
            #expect(killed.status == Fault.exitStatus, "\(killed)")
            #expect(try DurabilityKit.statusField(root, first) == "pending_review")
            let status = try DurabilityKit.cli(root, ["status"])
            #expect(status.stderr.contains("rolled back an interrupted submit of \(first)"), "\(status)")
            #expect(try DurabilityKit.statusField(root, first) == "draft")
            try DurabilityKit.expectSound(root)
        }

        // #12.7, as the issue puts it: an interrupted `activate`, then a plain `activate` succeeds.
        @Test("activate killed after the files: list and status show it not active; a plain re-run activates")
        func activateRerun() throws {
            let (root, first, _) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            for verb in ["submit", "finalize"] {
                let r = try DurabilityKit.cli(root, [verb, first.description])
                #expect(r.status == 0, "\(r)")
            }
            let killed = try DurabilityKit.cli(root, ["activate", first.description], fault: "write.after-files")
            #expect(killed.status == Fault.exitStatus, "\(killed)")
            // The file says active, uncommitted, until anyone opens the workspace.
            #expect(try DurabilityKit.statusField(root, first) == "active")
            let status = try DurabilityKit.cli(root, ["status"])
            #expect(status.status == 0, "\(status)")
            #expect(
                status.stderr == "pactoria: rolled back an interrupted activate of \(first) (nothing was committed)\n",
                "\(status)")
            // Said once, on stderr, by the recovery that `status` itself ran (not repeated on stdout).
            #expect(!status.stdout.contains("rolled back"), "\(status)")
            #expect(status.stdout.contains("nothing to commit, working tree clean"), "\(status)")
            let list = try DurabilityKit.cli(root, ["list", "--json"])
            #expect(!list.stdout.contains("\"active\""), "\(list)")
            let again = try DurabilityKit.cli(root, ["activate", first.description])
            #expect(again.status == 0, "\(again)")
            #expect(try DurabilityKit.committed(root, first.yamlPath).contains("status: active"))
            try DurabilityKit.expectSound(root)
        }

        // #12.9 and #12.7: `new` writes both files or neither.
        @Test(
            "new killed at each step: neither file stays; a re-run creates the draft",
            arguments: ["write.after-journal", "new.after-markdown", "write.after-files"])
        func new(step: String) throws {
            let (root, _, _) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            let before = DurabilityKit.files(root)
            let args = [
                "new", "--company", "acme", "--title", "Office Lease", "--type", "lease", "--client",
                "Harbour Foods Ltd",
            ]
            let killed = try DurabilityKit.cli(root, args, fault: step)
            #expect(killed.status == Fault.exitStatus, "\(killed)")
            let status = try DurabilityKit.cli(root, ["status", "--porcelain"])
            #expect(status.stderr.contains("rolled back an interrupted new contract acme/office-lease"), "\(status)")
            #expect(status.stdout.isEmpty, "\(status)")
            #expect(DurabilityKit.files(root) == before, "a file of the interrupted new stayed")
            try DurabilityKit.expectSound(root)
            let again = try DurabilityKit.cli(root, args)
            #expect(again.status == 0, "\(again)")
            #expect(FileManager.default.fileExists(atPath: root + "/companies/acme/contracts/office-lease.md"))
            #expect(FileManager.default.fileExists(atPath: root + "/companies/acme/contracts/office-lease.yaml"))
        }

        // #12.1: `pactoria commit` killed at each step; the user's edits survive byte for byte.
        @Test(
            "commit killed at each step: the edit is kept byte for byte, the bumped version undone",
            arguments: [
                "write.after-journal", "write.after-files", "commit.after-bumps", "commit.after-index",
                "commit.after-commit",
            ])
        func commit(step: String) throws {
            let acknowledged = step == "commit.after-commit"
            let (root, first, other) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            let md = root + "/" + other.markdownPath
            try Data((try String(contentsOfFile: md, encoding: .utf8) + "\nA clause drafted by hand.\n").utf8).write(
                to: URL(fileURLWithPath: md))
            let before = DurabilityKit.files(root)
            let head = try DurabilityKit.head(root)
            let killed = try DurabilityKit.cli(root, ["commit", "-m", "Hand edit"], fault: step)
            #expect(killed.status == Fault.exitStatus, "\(killed)")
            let status = try DurabilityKit.cli(root, ["status", "--porcelain"])
            #expect(status.status == 0, "\(status)")
            if acknowledged {
                #expect(status.stderr.contains("finished an interrupted commit"), "\(status)")
                #expect(status.stdout.isEmpty, "\(status)")
                #expect(try DurabilityKit.committed(root, other.markdownPath).contains("A clause drafted by hand."))
                #expect(try DurabilityKit.committed(root, other.yamlPath).contains("version: 2"))
            } else {
                #expect(
                    status.stderr.contains("rolled back an interrupted commit (nothing was committed)"), "\(status)")
                #expect(try DurabilityKit.head(root) == head)
                #expect(DurabilityKit.files(root) == before, "the working tree is not as it was")
                #expect(status.stdout == "M c \(other)\n", "\(status)")
                let again = try DurabilityKit.cli(root, ["commit", "-m", "Hand edit"])
                #expect(again.status == 0, "\(again)")
                #expect(try DurabilityKit.committed(root, other.yamlPath).contains("version: 2"))
            }
            try DurabilityKit.expectSound(root)
            #expect(
                try DurabilityKit.committed(root, first.yamlPath)
                    == String(decoding: before[first.yamlPath]!, as: UTF8.self))
        }

        // #12.1: `generate` (the local provider, from a template) killed at each step.
        @Test("generate killed at each step: recovered; a re-run generates", arguments: committingSteps.map(\.0))
        func generate(step: String) throws {
            let acknowledged = Self.committingSteps.first { $0.0 == step }!.1
            let (root, first, _) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            let before = DurabilityKit.files(root)
            let killed = try DurabilityKit.cli(
                root, ["generate", first.description, "--provider", "local"], fault: step)
            #expect(killed.status == Fault.exitStatus, "\(killed)")
            let status = try DurabilityKit.cli(root, ["status", "--porcelain"])
            #expect(status.stdout.isEmpty, "\(status)")
            if acknowledged {
                #expect(status.stderr.contains("finished an interrupted generate of \(first)"), "\(status)")
                #expect(try DurabilityKit.committed(root, first.yamlPath).contains("generation:"))
            } else {
                #expect(status.stderr.contains("rolled back an interrupted generate of \(first)"), "\(status)")
                #expect(DurabilityKit.files(root) == before)
                let again = try DurabilityKit.cli(root, ["generate", first.description, "--provider", "local"])
                #expect(again.status == 0, "\(again)")
                #expect(try DurabilityKit.committed(root, first.yamlPath).contains("generation:"))
            }
            try DurabilityKit.expectSound(root)
        }

        static var leaseBody: [String: Any] {
            ["title": "Office Lease", "contract_type": "lease", "client": ["name": "Harbour Foods Ltd"]]
        }

        // #12.1 and #12.9: the server killed in the middle of a create; a restart recovers.
        @Test(
            "server killed during a create: the restart rolls it back; the next create succeeds",
            arguments: [
                "write.after-journal", "write.after-files", "commit.after-index", "write.after-commit",
            ])
        func server(step: String) async throws {
            let acknowledged = step == "write.after-commit"
            let (root, _, _) = try DurabilityKit.workspace()
            defer { DurabilityKit.remove(root) }
            let token = try ServeProcess.adminToken(root, company: "acme")
            let before = DurabilityKit.files(root)
            let head = try DurabilityKit.head(root)
            let exit: Int32? = try await blocking {
                let server = try ServeProcess(root: root, fault: step)
                _ = try? server.request("POST", "/api/v1/contracts", token: token, json: Self.leaseBody)
                return server.waitForExit()
            }
            #expect(exit == Fault.exitStatus)
            let (listed, stderr): (String, String) = try await blocking {
                let server = try ServeProcess(root: root)
                defer { server.stop() }
                let r = try server.request("GET", "/api/v1/contracts", token: token)
                let created = try server.request("POST", "/api/v1/contracts", token: token, json: Self.leaseBody)
                guard created.status == 201 else {
                    throw DurabilityKit.Failure(description: "create after restart: \(created.status) \(created.text)")
                }
                return (r.text, server.stderrText)
            }
            if acknowledged {
                #expect(stderr.contains("finished an interrupted new contract acme/office-lease"), "\(stderr)")
                #expect(listed.contains("Office Lease"))
            } else {
                #expect(stderr.contains("rolled back an interrupted new contract acme/office-lease"), "\(stderr)")
                #expect(!listed.contains("Office Lease"), "the API shows the uncommitted create")
                // Only the create made after the restart is in history.
                #expect(
                    try runGit(root, ["rev-list", "--count", "\(head)..HEAD"]).trimmingCharacters(
                        in: .whitespacesAndNewlines) == "1")
                var now = DurabilityKit.files(root)
                for path in now.keys where path.contains("office-lease") { now[path] = nil }
                #expect(now == before)
            }
            try DurabilityKit.expectSound(root)
        }
    }
}
