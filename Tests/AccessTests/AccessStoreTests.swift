import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaCrypto
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 3: credentials live in a local, git-ignored store; a tracked users file (a
/// hostile pull request, or the old layout) is never trusted for login.
@Suite("Access: the local users store", .serialized)
struct AccessStoreTests {
    @Test func noHashEverEntersTheTrackedTree() async throws {
        let s = try await LiveServer()
        let added = try await s.pactoria(
            [
                "user", "add", "new@brickline.co.uk", "--name", "New Person", "--role", "viewer", "--company",
                "brickline", "--password-stdin",
            ],
            input: "a-long-fresh-passphrase\n")
        #expect(added.status == 0, "\(added)")
        #expect(try await s.pactoria(["user", "remove", "new@brickline.co.uk"]).status == 0)
        let history = try await s.git(["log", "--all", "-p", "--format=%H %s"])
        #expect(!history.contains("pbkdf2-sha256$"), "a hash in git history")
        #expect(!history.contains("new@brickline.co.uk"), "a user change became a commit")
        #expect(try await s.git(["ls-files"]).split(separator: "\n").allSatisfy { !$0.contains("users") })
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty, "the store is ignored")
        let attrs = try FileManager.default.attributesOfItem(atPath: s.root + "/" + UserStore.path)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let dir = try FileManager.default.attributesOfItem(atPath: s.root + "/.pactoria/secrets")
        #expect((dir[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let kinds = try await s.securityEvents().compactMap { $0["kind"] as? String }
        #expect(kinds.contains("user_added") && kinds.contains("user_removed"), "\(kinds)")
    }

    @Test func aTrackedUsersFileIsNeverTrustedUntilImported() async throws {
        let s = try await LiveServer()
        // A pull request adds a tracked users file with an operator-looking admin it controls.
        let hash = try PasswordHash.hash(password: "attacker-chosen-pass", iterations: 1000)
        let planted = """
            users:
              - email: mallory@evil.example
                full_name: Mallory
                role: admin
                company: ancoats
                password_hash: "\(hash)"
                operator: true
            """
        try planted.write(toFile: s.root + "/" + UserStore.trackedPath, atomically: true, encoding: .utf8)
        try await s.git(["add", UserStore.trackedPath])
        try await s.git(["commit", "-q", "--no-verify", "-m", "Add a user"])
        let login = try await s.loginResponse("mallory@evil.example", password: "attacker-chosen-pass")
        #expect(login.status == 401, "\(login.text)")
        let list = try await s.pactoria(["user", "list"])
        #expect(list.status == 0)
        #expect(!list.stdout.contains("mallory"))
        #expect(
            list.stderr.contains("warning: .pactoria/users.yaml is tracked by git and is not used for login"), "\(list)"
        )
        #expect(list.stderr.contains("pactoria user import-tracked"))

        // Importing is an explicit, local decision: the user arrives without the grant, and the
        // tracked file leaves the tree in one commit.
        let commits = try await s.commitCount()
        let imported = try await s.pactoria(["user", "import-tracked"])
        #expect(imported.status == 0, "\(imported)")
        #expect(try await s.commitCount() == commits + 1)
        #expect(!FileManager.default.fileExists(atPath: s.root + "/" + UserStore.trackedPath))
        #expect(try await s.git(["ls-files", UserStore.trackedPath]).isEmpty)
        let user = try #require(UserStore.find(try UserStore.load(try s.workspace()), email: "mallory@evil.example"))
        #expect(user.isOperator == false)
        #expect(user.role == .admin && user.company == "ancoats")
        #expect(try await s.loginResponse("mallory@evil.example", password: "attacker-chosen-pass").status == 200)
    }

    @Test func theServerWarnsAboutATrackedUsersFile() async throws {
        // The check the server runs at start-up, as a library call.
        let s = try await LiveServer()
        #expect(UserStore.trackedFileWarning(try s.workspace()) == nil)
        try "users: []\n".write(toFile: s.root + "/" + UserStore.trackedPath, atomically: true, encoding: .utf8)
        let warning = try #require(UserStore.trackedFileWarning(try s.workspace()))
        #expect(!warning.contains("\n"))
        #expect(warning.contains(UserStore.trackedPath))
    }
}
