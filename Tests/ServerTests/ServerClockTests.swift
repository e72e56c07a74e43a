import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #13: the server reads time from one injected clock, so token expiry, login delays and
/// the security log's times are tested by moving the clock, never by sleeping.
@Suite("Server: the injected clock")
struct ServerClockTests {
    static let manager = "manager@brickline.co.uk"

    @Test func aLoginTokenEndsWhenTheClockPassesItsLifetime() async throws {
        let s = try await LiveServer()
        let login = try await s.loginResponse(Self.manager)
        let token = try #require(login.json["access_token"] as? String, "\(login.text)")
        #expect(try await s.call("GET", "/api/v1/contracts", token: token).status == 200)
        // The default lifetime is eight hours; past it and the verifier's leeway, the token is refused.
        s.clock.advance(by: 8 * 3600 - JWT.leeway - 60)
        #expect(try await s.call("GET", "/api/v1/contracts", token: token).status == 200)
        s.clock.advance(by: 2 * JWT.leeway + 61)
        let late = try await s.call("GET", "/api/v1/contracts", token: token)
        #expect(late.status == 401, "\(late.text)")
    }

    @Test func aLoginDelayEndsWhenTheClockMovesOn() async throws {
        let s = try await LiveServer()
        var statuses: [Int] = []
        for _ in 0..<6 { statuses.append(try await s.loginResponse(Self.manager, password: "not-the-password").status) }
        #expect(statuses == [401, 401, 401, 401, 401, 423], "\(statuses)")
        #expect(try await s.loginResponse(Self.manager).status == 423, "delayed even with the right password")
        // The first delay is 30 seconds.
        s.clock.advance(by: 31)
        let after = try await s.loginResponse(Self.manager)
        #expect(after.status == 200, "\(after.text)")
    }

    @Test func securityEventsAreDatedByTheClock() async throws {
        let s = try await LiveServer()
        s.clock.advance(by: 400 * 86400)
        let expected = Timestamp(secondsSinceEpoch: s.clock.now()).date
        #expect(try await s.loginResponse(Self.manager, password: "not-the-password").status == 401)
        let events = try await s.securityEvents()
        let failed = try #require(events.first { ($0["kind"] as? String)?.contains("login") == true }, "\(events)")
        let time = try #require(failed["time"] as? String)
        #expect(time.hasPrefix(expected.description), "\(time) is not on \(expected)")
    }
}
