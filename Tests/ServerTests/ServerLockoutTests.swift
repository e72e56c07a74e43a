import Foundation
import PactoriaHTTPClient
import PactoriaServer
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11, lockout: failures were keyed by account only, so anyone could lock out an admin.
/// Now they are keyed by (account, address) plus a per-address count, and each lock is a delay
/// that doubles up to a cap.
@Suite("Security: login delays follow the guesser, not the account", .serialized)
struct ServerLockoutTests {
    static let admin = "admin@example.co.uk"

    @Test func anAttackerElsewhereCannotLockTheAdminOut() async throws {
        let s = try await LiveServer(.live)
        let wrong = #"{"email":"admin@example.co.uk","password":"not-the-password"}"#
        var statuses: [Int] = []
        for _ in 0..<8 {
            let r = try await RawConnection.call(
                port: s.port, from: "127.0.0.2", "POST", "/api/v1/auth/login",
                headers: ["Content-Type: application/json"], body: wrong)
            statuses.append(r.status)
        }
        #expect(statuses.prefix(5).allSatisfy { $0 == 401 }, "\(statuses)")
        #expect(statuses.suffix(3).allSatisfy { $0 == 423 }, "\(statuses)")
        // The attacker's address is delayed even with the right password...
        let right = #"{"email":"admin@example.co.uk","password":"\#(LiveServer.password)"}"#
        let attacker = try await RawConnection.call(
            port: s.port, from: "127.0.0.2", "POST", "/api/v1/auth/login", headers: ["Content-Type: application/json"],
            body: right)
        #expect(attacker.status == 423)
        // ...while the admin, from their own address, signs in.
        let owner = try await s.loginResponse(Self.admin)
        #expect(owner.status == 200, "\(owner.status) \(owner.text)")
        #expect(try await s.call("GET", "/health").status == 200)
    }

    @Test func delaysDoubleUpToTheCap() {
        let g = LoginGuard(maxFailures: 3, lockSeconds: 300, baseDelay: 10)
        var now: Int64 = 1_000
        let a = "someone@example.co.uk"
        #expect(g.fail(a, address: "10.0.0.9", now: now) == nil)
        #expect(g.fail(a, address: "10.0.0.9", now: now) == nil)
        var delays: [Int64] = []
        for _ in 0..<8 {
            delays.append(g.fail(a, address: "10.0.0.9", now: now) ?? 0)
            #expect(g.lockedFor(a, address: "10.0.0.9", now: now) != nil)
            now += delays.last! + 1
            #expect(g.lockedFor(a, address: "10.0.0.9", now: now) == nil)
        }
        #expect(delays == [10, 20, 40, 80, 160, 300, 300, 300], "\(delays)")
        // Another address, and the same address for another account, are not delayed.
        #expect(g.lockedFor(a, address: "10.0.0.8", now: now) == nil)
        g.succeed(a, address: "10.0.0.9")
        #expect(g.fail(a, address: "10.0.0.9", now: now) == nil)
    }

    @Test func oneAddressGuessingManyAccountsIsDelayed() {
        let g = LoginGuard(maxFailures: 5, lockSeconds: 900, baseDelay: 30)
        for i in 0..<19 { #expect(g.fail("user\(i)@example.co.uk", address: "10.0.0.7", now: 100) == nil) }
        #expect(g.fail("user19@example.co.uk", address: "10.0.0.7", now: 100) == 30)
        #expect(g.lockedFor("fresh@example.co.uk", address: "10.0.0.7", now: 101) != nil)
        #expect(g.lockedFor("fresh@example.co.uk", address: "10.0.0.6", now: 101) == nil)
    }
}
