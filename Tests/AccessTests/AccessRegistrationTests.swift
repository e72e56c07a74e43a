import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, finding 4: registration is all or nothing, and bad input is a 422 naming the field.
@Suite("Access: registration", .serialized)
struct AccessRegistrationTests {
    static func body(_ overrides: [String: Any] = [:]) -> [String: Any] {
        var b: [String: Any] = [
            "email": "owner@newco.example", "full_name": "Nia Owner", "password": "a-long-fresh-passphrase",
            "company_name": "Newco Ltd",
        ]
        for (k, v) in overrides { b[k] = v }
        return b
    }

    /// Nothing of a refused registration remains: no user, no login, no folder, no commit.
    static func expectNothingLeft(_ s: LiveServer, commits: Int, email: String = "owner@newco.example") async throws {
        #expect(UserStore.find(try UserStore.load(try s.workspace()), email: email) == nil)
        #expect(try await s.loginResponse(email, password: "a-long-fresh-passphrase").status == 401)
        #expect(!FileManager.default.fileExists(atPath: s.root + "/companies/newco"))
        #expect(try await s.commitCount() == commits)
        #expect(try await s.git(["status", "--porcelain", "--untracked-files=all"]).isEmpty)
    }

    @Test(arguments: [
        ("full_name", "Evil\nName"), ("full_name", "Evil\rName"), ("full_name", "Evil\u{0}Name"),
        ("full_name", "Evil\u{2028}Name"), ("full_name", "Evil\u{85}Name"), ("full_name", "   "),
        ("company_name", "Newco\nLtd"), ("company_name", "Newco\u{2029}Ltd"), ("email", "owner@newco.example\n"),
        ("password", "short-pw"), ("password", "1qaz2wsx3edc"), ("password", "owner-password-2026"),
    ])
    func badInputIs422NamingTheFieldAndLeavesNothing(field: String, value: String) async throws {
        let s = try await LiveServer(configure: AccessTenancyTests.openRegistration)
        let commits = try await s.commitCount()
        let r = try await s.call("POST", "/api/v1/auth/register", json: Self.body([field: value]))
        #expect(r.status == 422, "\(field): \(r.status) \(r.text)")
        #expect(r.json["field"] as? String == field, "\(r.text)")
        try await Self.expectNothingLeft(s, commits: commits)
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test func aFailedCommitTakesTheUserAndTheFolderBack() async throws {
        let s = try await LiveServer(configure: AccessTenancyTests.openRegistration)
        let commits = try await s.commitCount()
        // Another git process holds the index: the commit fails after the folder and the user were written.
        let lock = s.root + "/.git/index.lock"
        try "".write(toFile: lock, atomically: false, encoding: .utf8)
        let r = try await s.call("POST", "/api/v1/auth/register", json: Self.body())
        #expect(r.status >= 500, "\(r.status) \(r.text)")
        try FileManager.default.removeItem(atPath: lock)
        try await Self.expectNothingLeft(s, commits: commits)
        // And once git is free, the same registration succeeds.
        let again = try await s.call("POST", "/api/v1/auth/register", json: Self.body())
        #expect(again.status == 201, "\(again.text)")
        #expect(try await s.commitCount() == commits + 1)
    }

    @Test func aDuplicateEmailLeavesNoCompanyBehind() async throws {
        let s = try await LiveServer(configure: AccessTenancyTests.openRegistration)
        let commits = try await s.commitCount()
        let r = try await s.call("POST", "/api/v1/auth/register", json: Self.body(["email": "manager@brickline.co.uk"]))
        #expect((400..<500).contains(r.status), "\(r.text)")
        #expect(!FileManager.default.fileExists(atPath: s.root + "/companies/newco"))
        #expect(try await s.commitCount() == commits)
    }
}
