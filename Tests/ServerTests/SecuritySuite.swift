import Foundation
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11: the attacks of the security review, each as a test that fails on the code before
/// its fix. The suites of this target live one file per concern beside this one.
@Suite("Security: the live server answers")
struct SecuritySmokeTests {
    @Test func healthAnswersOnAFreshServer() async throws {
        let s = try await LiveServer(.live)
        let r = try await s.call("GET", "/health")
        #expect(r.status == 200)
    }
}
