import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// `gdpr find` and `gdpr export` (issue #16, subject rights) over a real history: example-repo
/// adopted, then commits made through git and through Pactoria.
@Suite struct GDPRFindTests {
    static let care = RulesKit.draftCare
    static let canary = "Zebedee Quarrington"

    /// A workspace whose care-plan contract named the canary as its client in one commit only
    /// (the next commit put the original name back).
    static func withCanaryInHistory() throws -> (root: String, canaryCommit: String) {
        let root = try RulesKit.adopt()
        try RulesKit.replace(root, RulesKit.yaml(care), "name: Jess Mariner", "name: \(canary)")
        try RulesKit.plainCommit(root, "Client renamed")
        let canaryCommit = try RulesKit.head(root)
        try RulesKit.replace(root, RulesKit.yaml(care), "name: \(canary)", "name: Jess Mariner")
        try RulesKit.plainCommit(root, "Client name put back")
        return (root, canaryCommit)
    }

    @Test func subjectsAreChecked() throws {
        #expect(throws: WorkspaceError.self) { try DataSubject("ab") }
        #expect(throws: WorkspaceError.self) { try DataSubject("  a ") }
        #expect(throws: WorkspaceError.self) { try DataSubject("Jane\nSmith") }
        #expect(throws: WorkspaceError.self) { try DataSubject(String(repeating: "a", count: 321)) }
        let name = try DataSubject("Ann Lee")
        #expect(name.kind == .name)
        #expect(name.matches("signed by ann lee, director"))
        #expect(!name.matches("Annex Lee"))
        #expect(!name.matches("Joann Leeson"))
        let email = try DataSubject("Jo@Example.org")
        #expect(email.kind == .email)
        #expect(email.matches("write to jo@example.org."))
        #expect(email.matches("<JO@EXAMPLE.ORG>"))
        #expect(!email.matches("bojo@example.org"))
        #expect(!email.matches("jo@example.org.uk"))
    }

    @Test func aNameInAnOldVersionOnlyIsFoundInHistory() throws {
        let (root, canaryCommit) = try Self.withCanaryInHistory()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let found = try SubjectSearch.find(ws, subject: try DataSubject(Self.canary.uppercased()))
        #expect(found.contracts.count == 1, "\(found.contracts)")
        let c = try #require(found.contracts.first)
        #expect(c.path == Self.care)
        #expect(!c.current)
        #expect(c.matches.isEmpty)
        #expect(c.firstCommit == canaryCommit)
        #expect(c.lastCommit == canaryCommit)
        #expect(c.historicalMatches.first?.field == "client.name", "\(c.historicalMatches)")
        #expect(c.title != nil)

        // Without history, nothing mentions it now.
        #expect(try SubjectSearch.find(ws, subject: try DataSubject(Self.canary), history: false).isEmpty)
    }

    @Test func aCurrentMentionIsReportedWithItsFieldAndLine() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let found = try SubjectSearch.find(ws, subject: try DataSubject("hello@hackneywickbrewing.co.uk"))
        let c = try #require(found.contracts.first { $0.path == Self.care })
        #expect(c.current)
        #expect(c.matches.contains { $0.field == "client.email" && $0.file == RulesKit.yaml(Self.care) })
        // Committed by `init`: the adoption commit is where it first appeared.
        #expect(c.firstCommit != nil)
    }

    @Test func anEmailInATrailerActorAndAUserAreFound() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let dpo = Author(name: "Priya Canary", email: "priya.canary@example.org")
        _ = try DataSubjectRequests.create(
            ws, kind: .access, subject: "someone@example.org", received: CalendarDate("2026-11-01"), author: dpo)
        setenv(LiveServer.insecureIterationsVariable, "1000", 1)
        _ = try UserStore.add(
            ws, email: "priya.canary@example.org", fullName: "Priya Canary", role: .viewer,
            company: "brickline-digital", password: "a long and unusual passphrase 42")

        let found = try SubjectRecords.find(ws, subject: try DataSubject("Priya.Canary@example.org"))
        #expect(found.auditEntries.contains { $0.field == "actor" && $0.event == "gdpr.request_opened" })
        #expect(found.auditEntries.contains { $0.field == "author" })
        #expect(found.users.map(\.email) == ["priya.canary@example.org"])
        #expect(found.securityEvents.contains { $0.kind.contains("user") }, "\(found.securityEvents)")
        // By name: the user and the author, as whole words.
        let byName = try SubjectRecords.find(ws, subject: try DataSubject("priya canary"))
        #expect(byName.users.count == 1)
        #expect(!byName.auditEntries.isEmpty)
    }

    @Test func theExportHasEverySectionAndNoSecret() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        setenv(LiveServer.insecureIterationsVariable, "1000", 1)
        let user = try UserStore.add(
            ws, email: "hello@hackneywickbrewing.co.uk", fullName: "Jess Mariner", role: .viewer,
            company: "brickline-digital", password: "a long and unusual passphrase 42")
        let consent = try ConsentRecords.record(
            ws, subject: "hello@hackneywickbrewing.co.uk", purpose: .marketing, basis: .consent,
            text: "Send me the monthly newsletter", method: "web", company: "brickline-digital",
            author: Author(name: "Admin", email: "admin@example.co.uk"))
        let subject = try DataSubject("hello@hackneywickbrewing.co.uk")
        let (bytes, empty) = try SubjectRecords.exportJSON(ws, subject: subject)
        #expect(!empty)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains(user.passwordHash))
        let profile = try #require(RulesKit.json(text)["user_profile"] as? [String: Any])
        #expect(!profile.keys.contains { $0.contains("password") || $0.contains("generation") })
        let o = RulesKit.json(text)
        for key in ["export_metadata", "user_profile", "contracts", "audit_logs", "ai_interactions", "consent_records"]
        {
            #expect(o[key] != nil, "missing \(key)")
        }
        let consents = try #require(o["consent_records"] as? [[String: Any]])
        #expect(consents.count == 1 && consents.first?["id"] as? String == consent.id)
        #expect(consents.first?["text"] as? String == "Send me the monthly newsletter")
        let meta = try #require(o["export_metadata"] as? [String: Any])
        #expect(meta["subject"] as? String == "hello@hackneywickbrewing.co.uk")
        #expect(meta["format_version"] as? Int == 1)
        #expect((o["user_profile"] as? [String: Any])?["full_name"] as? String == "Jess Mariner")
        let contracts = try #require(o["contracts"] as? [[String: Any]])
        let care = try #require(contracts.first { $0["path"] as? String == Self.care })
        #expect((care["content"] as? String)?.isEmpty == false)
        #expect((care["metadata"] as? [String: Any])?["client"] != nil)
        #expect(
            (care["matching_fields"] as? [[String: Any]])?.contains { $0["field"] as? String == "client.email" } == true
        )

        // Written atomically to a file by the CLI; a subject nobody mentions exits 1.
        let out = (root as NSString).deletingLastPathComponent + "/export.json"
        let run = try RulesKit.pactoria(root, ["gdpr", "export", "hello@hackneywickbrewing.co.uk", "-o", out])
        #expect(run.status == 0, "\(run)")
        #expect(RulesKit.json(try String(contentsOfFile: out, encoding: .utf8))["contracts"] != nil)
        let none = try RulesKit.pactoria(root, ["gdpr", "find", "nobody-at-all@example.org"])
        #expect(none.status == 1, "\(none)")
        #expect(none.stdout.contains("nothing mentions"))
        let short = try RulesKit.pactoria(root, ["gdpr", "find", "ab"])
        #expect(short.status == 64, "\(short)")
        let json = try RulesKit.pactoria(root, ["gdpr", "find", "Jess Mariner", "--json"])
        #expect(json.status == 0, "\(json)")
        #expect((RulesKit.json(json.stdout)["contracts"] as? [Any])?.isEmpty == false)
    }
}
