import Foundation
import PactoriaTestSupport
import Testing

/// Issue #13: the harness is hermetic. A session run twice with the same PACTORIA_NOW and
/// PACTORIA_SEED gives the same contract ids and the same commits; ids stay distinct within it.
@Suite("End to end: pinned time and ids")
struct HermeticTests {
    static let now = "2026-03-02T09:30:00Z"

    /// init, a company, two drafts with the same title, a commit: the ids and HEAD.
    static func session() throws -> (ids: [String], head: String, time: String) {
        try E2E.withSandbox { sb in
            let env: [String: String?] = ["PACTORIA_NOW": now, "PACTORIA_SEED": Hermetic.seed]
            #expect(try sb.pactoria(["init", "ws"], env: env).exitCode == 0)
            let company = try sb.pactoria(["company", "add", "Thames Digital Ltd"], in: "ws", env: env)
            #expect(company.exitCode == 0, "\(company)")
            var ids: [String] = []
            for _ in 0..<2 {
                let r = try sb.pactoria(
                    [
                        "new", "--company", "thames-digital", "--title", "Website Build", "--type", "service_agreement",
                        "--client", "Harbour Foods Ltd",
                    ], in: "ws", env: env)
                #expect(r.exitCode == 0, "\(r)")
                let id = r.stdout.firstMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/)
                ids.append(id.map { String($0.output) } ?? "no id in \(r.stdout)")
            }
            let commit = try sb.pactoria(["commit", "-m", "Two drafts"], in: "ws", env: env)
            #expect(commit.exitCode == 0, "\(commit)")
            let head = try sb.git(["rev-parse", "HEAD"], in: "ws").stdout
            let time = try sb.git(["log", "-1", "--format=%aI"], in: "ws").stdout
            return (ids, head, time)
        }
    }

    @Test func aPinnedSessionRepeatsExactly() throws {
        let first = try Self.session()
        let second = try Self.session()
        #expect(first.ids == second.ids)
        #expect(Set(first.ids).count == 2, "distinct ids within a session: \(first.ids)")
        #expect(first.head == second.head, "same ids, times and author: the same commit")
        #expect(first.time.hasPrefix("2026-03-02T09:30:00"), "\(first.time)")
    }
}
