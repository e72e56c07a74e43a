import Foundation
import PactoriaCore
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// #12.21: a status hand-edited to `active` and committed meets the same past-end-date rule as
/// the `activate` verb, on every path.
@Suite("Rules: one rule set for hand-made transitions (#12.21)")
struct RulesDateTests {
    // #12.21
    @Test("hand activation after the end date is refused on every path, as the verb refuses it")
    func handActivationPastEndDate() throws {
        let flour = RulesKit.pendingFlour
        // Its end date is before today (and before the plain git commit's date below).
        let root = try RulesKit.adopt { root in
            try RulesKit.setField(root, flour, "start_date", "2026-01-04")
            try RulesKit.setField(root, flour, "end_date", "2026-06-30")
        }
        defer { RulesKit.cleanUp(root) }

        // The verb (finalized content, so only the date stands in its way).
        #expect(try RulesKit.pactoria(root, ["finalize", flour]).status == 0)
        let verb = try RulesKit.pactoria(root, ["activate", flour])
        #expect(verb.status == 1, "\(verb)")
        #expect(verb.stderr.contains("end_date 2026-06-30 has passed"), "\(verb)")

        // By hand: the same contract, the same rule.
        try RulesKit.setField(root, flour, "status", "active")
        try RulesKit.expectRefusedEverywhere(root, rule: "past-end-date", message: "end_date 2026-06-30 had passed")
    }

    // #12.21
    @Test("hand activation before the end date still passes every path")
    func handActivationInTime() throws {
        let flour = RulesKit.pendingFlour
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        #expect(try RulesKit.pactoria(root, ["finalize", flour]).status == 0)
        let base = try RulesKit.head(root)
        try RulesKit.setField(root, flour, "status", "active")
        let status = try RulesKit.pactoria(root, ["status", "--check"])
        #expect(status.status == 0, "\(status)")
        try RulesKit.plainCommit(root, "Activate by hand")
        let r = try RulesKit.pactoria(root, ["check", "--base", base])
        #expect(r.status == 0, "\(r)")
    }
}
