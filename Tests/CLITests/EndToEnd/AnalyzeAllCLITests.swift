import Foundation
import PactoriaTestSupport
import Testing

/// `pactoria analyze --all`: every contract with content analysed, all new analyses recorded in
/// one commit with one `contract.analyzed` event each, read-only and active contracts analysed but
/// not recorded, and nothing re-analysed or committed when no content changed.
@Suite("End to end: analyze --all")
struct AnalyzeAllCLITests {
    @Test("one commit for the batch, one event per recorded contract; a second run changes nothing")
    func oneCommitForTheBatch() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let before = try sb.git(["rev-list", "--count", "HEAD"], in: "demo").stdout.trimmingCharacters(
                in: .whitespacesAndNewlines)
            let r = try sb.pactoria(["analyze", "--all", "--json"], in: "demo", env: GenerationCLITests.env())
            #expect(r.exitCode == 0, "\(r)")
            let json = try E2E.parseJSON(r)
            let recorded = try #require(json["recorded"] as? Int)
            let readOnly = try #require(json["read_only"] as? Int)
            let rows = try #require(json["analysed"] as? [[String: Any]])
            #expect(recorded > 1)
            #expect(readOnly > 0, "the example workspace has active and completed contracts")
            #expect(rows.count == recorded + readOnly)
            let commit = try #require(json["commit"] as? String)
            let after = try sb.git(["rev-list", "--count", "HEAD"], in: "demo").stdout.trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(Int(after) == Int(before)! + 1, "one commit for the whole batch")
            #expect(try LC.head(sb).hasPrefix(String(commit.prefix(7))))
            let events = try sb.git(
                ["log", "-1", "--format=%(trailers:key=Pactoria-Event,valueonly)"], in: "demo"
            ).stdout.split(separator: "\n").filter { $0.contains("contract.analyzed") }
            #expect(events.count == recorded)
            // Each recorded contract's file holds its analysis; the active one does not.
            let changed = try sb.git(["show", "--name-only", "--format=", "HEAD"], in: "demo").stdout
                .split(separator: "\n")
            #expect(changed.count == recorded)
            #expect(!changed.contains { $0.hasSuffix(LC.yaml(LC.activeWebsite)) })
            for path in changed {
                #expect(try sb.read("demo/" + path).contains("\ncompliance:\n  analyzer: "))
            }

            let head = try LC.head(sb)
            let again = try E2E.parseJSON(
                try sb.pactoria(["analyze", "--all", "--json"], in: "demo", env: GenerationCLITests.env()))
            #expect(again["recorded"] as? Int == 0)
            #expect(again["unchanged"] as? Int == recorded)
            #expect(again["commit"] is NSNull)
            #expect(try LC.head(sb) == head)
        }
    }
}
