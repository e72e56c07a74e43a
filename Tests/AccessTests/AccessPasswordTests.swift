import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaCrypto
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 5: password rules, and a PBKDF2 cost that the committed config can raise
/// but never lower.
@Suite("Access: passwords", .serialized)
struct AccessPasswordTests {
    @Test func policyRefusesShortCommonAndEmailPasswords() throws {
        let email = "jane.smith@brickline.co.uk"
        let refused = [
            "eleven-char", "1qaz2wsx3edc", "1QAZ2WSX3EDC", "Jane.Smith-2026!", "my jane.smith@brickline.co.uk",
        ]
        for p in refused {
            #expect(throws: WorkspaceError.self, "\(p)") { try PasswordPolicy.check(p, email: email) }
        }
        #expect(PasswordPolicy.isCommon("1qaz2wsx3edc"))
        #expect(PasswordPolicy.isCommon("123456"))
        #expect(!PasswordPolicy.isCommon("a-long-fresh-passphrase"))
        // Every one of the 10,000 shipped is refused, whatever its length.
        #expect(PasswordPolicy.commonCount == 10_000)
        try PasswordPolicy.check("a-long-fresh-passphrase", email: email)
        do {
            try PasswordPolicy.check("short", email: email)
            Issue.record("a short password passed")
        } catch {
            #expect("\(error)".contains("password"))
            #expect("\(error)".contains("12"))
        }
    }

    @Test func theCLIRefusesAWeakPasswordNamingTheField() async throws {
        let s = try await LiveServer()
        for weak in ["too-short", "1qaz2wsx3edc", "newbie-at-brickline"] {
            let r = try await s.pactoria(
                [
                    "user", "add", "newbie@brickline.co.uk", "--name", "New", "--role", "viewer", "--company",
                    "brickline",
                    "--password-stdin",
                ],
                input: weak + "\n")
            #expect(r.status != 0, "\(weak): \(r)")
            #expect(r.stderr.contains("password"), "\(r)")
            #expect(!r.stderr.contains(weak), "the password is not echoed: \(r)")
        }
        #expect(UserStore.find(try UserStore.load(try s.workspace()), email: "newbie@brickline.co.uk") == nil)
    }

    @Test func theCommittedConfigCannotLowerTheCost() throws {
        #expect(PasswordHash.iterations(configured: 1, environment: [:]) == PasswordHash.minimumIterations)
        #expect(PasswordHash.iterations(configured: nil, environment: [:]) == 600_000)
        #expect(PasswordHash.iterations(configured: 900_000, environment: [:]) == 900_000)
        #expect(
            PasswordHash.iterations(configured: 1, environment: [PasswordHash.insecureTestIterationsVariable: "1000"])
                == 1000)
        #expect(
            PasswordHash.iterations(configured: 1, environment: [PasswordHash.insecureTestIterationsVariable: "junk"])
                == 600_000)
    }

    @Test func aUserAddedUnderAWeakConfigStillGetsTheFloor() async throws {
        let s = try await LiveServer { root in
            let file = root + "/.pactoria/config.yaml"
            let text = try String(contentsOfFile: file, encoding: .utf8) + "security:\n  password_iterations: 1\n"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let r = try await s.pactoria(
            [
                "user", "add", "newbie@brickline.co.uk", "--name", "New", "--role", "viewer", "--company", "brickline",
                "--password-stdin",
            ],
            input: "a-long-fresh-passphrase\n", environment: [LiveServer.insecureIterationsVariable: nil])
        #expect(r.status == 0, "\(r)")
        let user = try #require(UserStore.find(try UserStore.load(try s.workspace()), email: "newbie@brickline.co.uk"))
        let cost = Int(user.passwordHash.split(separator: "$")[1]) ?? 0
        #expect(cost == 600_000, "\(user.passwordHash)")
    }
}
