import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Rectification (issue #16, Article 16): a subject's party details corrected across contracts
/// in one audited commit, within the lifecycle rules.
@Suite struct GDPRRectifyTests {
    static let dpo = Author(name: "Data Officer", email: "dpo@example.co.uk")
    static let oldEmail = "contracts@bricklinedigital.co.uk"
    static let newEmail = "legal@bricklinedigital.co.uk"
    static let care = RulesKit.draftCare
    static let redesign = "brickline-digital/website-redesign-services-agreement"  // active
    static let employment = "brickline-digital/senior-full-stack-developer-employment-contract"  // active
    static let ux = "brickline-digital/ux-research-consultancy-agreement"  // completed
    static let analytics = "brickline-digital/analytics-dashboard-build-agreement"  // terminated
    static let nda = "brickline-digital/mutual-non-disclosure-agreement-with-finchley-pay"  // expired

    @Test func draftsAndActiveContractsAreCorrectedAndReadOnlyOnesRefused() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let before = try RulesKit.head(root)
        let untouched = try [Self.ux, Self.analytics, Self.nda].map {
            (try RulesKit.read(root, RulesKit.yaml($0)), try RulesKit.read(root, RulesKit.markdown($0)))
        }
        let careVersion = try ws.loadContract(ContractRef(path: RulesKit.yaml(Self.care))!).contract.version

        let r = try Rectification.run(
            ws, subject: Self.oldEmail.uppercased(), field: .email, value: Self.newEmail, author: Self.dpo)
        #expect(Set(r.changed.map(\.ref.description)) == [Self.care, Self.redesign, Self.employment])
        #expect(Set(r.refused.map(\.ref.description)) == [Self.ux, Self.analytics, Self.nda])
        let commit = try #require(r.commit)
        #expect(try RulesKit.head(root) == commit.hex)
        #expect(
            try runGit(root, ["rev-list", "--count", "\(before)..HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
                == "1")

        // The trailers: one rectified event per contract, naming the field, never a value.
        let message = try runGit(root, ["log", "-1", "--format=%B"])
        #expect(message.components(separatedBy: "Pactoria-Event: contract.rectified").count == 4, "\(message)")
        #expect(message.contains("Pactoria-Reason: Article 16 rectification of email"))
        #expect(!message.contains(Self.newEmail) && !message.contains(Self.oldEmail), "\(message)")

        // The draft: party entry and text corrected, version bumped (its content changed).
        let care = try ws.loadContract(ContractRef(path: RulesKit.yaml(Self.care))!).contract
        #expect(care.supplier?.email == Self.newEmail)
        #expect(care.client?.email == "hello@hackneywickbrewing.co.uk")
        #expect(care.version == careVersion + 1)
        let careText = try RulesKit.read(root, RulesKit.markdown(Self.care))
        #expect(careText.contains(Self.newEmail) && !careText.contains(Self.oldEmail))
        // The active ones: corrected, text re-finalized, still active.
        let redesign = try ws.loadContract(ContractRef(path: RulesKit.yaml(Self.redesign))!).contract
        #expect(redesign.status == "active")
        #expect(redesign.supplier?.email == Self.newEmail)
        let redesignText = try #require(ws.readMarkdown(ContractRef(path: RulesKit.markdown(Self.redesign))!))
        #expect(redesign.lifecycle?.finalContent?.sha256 == Snapshots.contentHash(redesignText))
        // Read-only contracts: not a byte changed.
        for (ref, (yaml, md)) in zip([Self.ux, Self.analytics, Self.nda], untouched) {
            #expect(try RulesKit.read(root, RulesKit.yaml(ref)) == yaml)
            #expect(try RulesKit.read(root, RulesKit.markdown(ref)) == md)
        }
        #expect(try runGit(root, ["status", "--porcelain"]).isEmpty)
        // The history check takes the rectification of an active contract as the event it is.
        let report = try Check.run(ws, base: before)
        let ofRectification = report.findings.filter { f in f.commit == commit }
        #expect(ofRectification.isEmpty, "\(ofRectification)")

        // The audit trail shows it as its own event.
        let audit = try RulesKit.pactoria(root, ["audit", "--event", "rectified"])
        #expect(audit.status == 0)
        #expect(audit.stdout.contains("rectified"), "\(audit.stdout)")

        // Run again: nothing left to correct.
        #expect(throws: WorkspaceError.self) {
            try Rectification.run(ws, subject: Self.newEmail, field: .email, value: Self.newEmail, author: Self.dpo)
        }
    }

    @Test func aDryRunWritesNothing() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let before = try RulesKit.head(root)
        let r = try Rectification.run(
            ws, subject: "Jess Mariner", field: .name, value: "Jess Mariner-Okafor", dryRun: true, author: Self.dpo)
        #expect(r.dryRun && r.commit == nil)
        #expect(r.changed.map(\.ref.description) == [Self.care])
        #expect(r.changed.first?.parties == ["client"])
        #expect(try RulesKit.head(root) == before)
        #expect(try runGit(root, ["status", "--porcelain"]).isEmpty)
        #expect(try RulesKit.read(root, RulesKit.yaml(Self.care)).contains("name: Jess Mariner\n"))
    }

    @Test func aValueWithYAMLAndMarkdownCharactersRoundTrips() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let value = "Jess O'Mariner: \"Jr\" #2 — Zoë"
        let r = try Rectification.run(ws, subject: "Jess Mariner", field: .name, value: value, author: Self.dpo)
        #expect(r.changed.count == 1)
        let c = try ws.loadContract(ContractRef(path: RulesKit.yaml(Self.care))!)
        #expect(c.problems.isEmpty, "\(c.problems)")
        #expect(c.contract.client?.name == value)
        let log = try RulesKit.pactoria(root, ["log", Self.care])
        #expect(log.status == 0 && log.stdout.contains("rectified"), "\(log)")
        #expect(!log.stdout.contains("Zoë"))
    }

    @Test func aContractPendingReviewTakesItAsAnOrdinaryEdit() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let ref = ContractRef(path: RulesKit.yaml(RulesKit.pendingFlour))!
        let before = try ws.loadContract(ref).contract
        let r = try Rectification.run(
            ws, subject: "Tom Ashworth", field: .email, value: "tom@penninemills.co.uk", author: Self.dpo)
        #expect(r.changed.map(\.ref) == [ref] && r.refused.isEmpty)
        let after = try ws.loadContract(ref).contract
        #expect(after.status == "pending_review")
        #expect(after.supplier?.email == "tom@penninemills.co.uk")
        #expect(after.supplier?.name == "Tom Ashworth")
        // The text's other uses of the old address (the orders inbox, not the party) follow it:
        // the party's old value is replaced wherever it stands on its own.
        let text = try RulesKit.read(root, RulesKit.markdown(RulesKit.pendingFlour))
        #expect(!text.contains("orders@penninemills.co.uk"))
        #expect(after.version == before.version + (r.changed[0].contentOccurrences > 0 ? 1 : 0))
        #expect(try runGit(root, ["status", "--porcelain"]).isEmpty)
    }

    @Test func aSubjectMatchingNothingSaysSo() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        do {
            _ = try Rectification.run(
                ws, subject: "nobody@nowhere.example", field: .name, value: "Someone", author: Self.dpo)
            Issue.record("expected no match")
        } catch {
            guard case .notFound(let m, _) = error else { throw error }
            #expect(m.contains("nobody@nowhere.example"))
        }
        let cli = try RulesKit.pactoria(
            root, ["gdpr", "rectify", "nobody@nowhere.example", "--field", "name", "--value", "Someone"])
        #expect(cli.status == 1, "\(cli)")
    }

    @Test func hostileValuesAndFieldsAreRefused() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let before = try RulesKit.head(root)
        for bad in [
            "Jess\nMariner", "Jess\r\nMariner", "Jess\u{0}Mariner", "Jess\u{2028}Mariner", "Jess\u{85}Mariner",
            "   ", String(repeating: "a", count: 1 << 20),
        ] {
            do {
                _ = try Rectification.run(ws, subject: "Jess Mariner", field: .name, value: bad, author: Self.dpo)
                Issue.record("accepted a hostile value")
            } catch {
                guard case .invalidInput(let field, _) = error else { throw error }
                #expect(field == "value")
            }
        }
        #expect(throws: WorkspaceError.self) {
            try Rectification.run(ws, subject: "Jess Mariner", field: .email, value: "not an email", author: Self.dpo)
        }
        #expect(throws: WorkspaceError.self) {
            try Rectification.run(ws, subject: "Jess\nMariner", field: .name, value: "J M", author: Self.dpo)
        }
        #expect(try RulesKit.head(root) == before)
        let cli = try RulesKit.pactoria(
            root, ["gdpr", "rectify", "Jess Mariner", "--field", "password", "--value", "x"])
        #expect(cli.status == 64, "\(cli)")
    }

    @Test func aPartialRefusalExitsThreeAndSaysWhich() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let r = try RulesKit.pactoria(
            root, ["gdpr", "rectify", Self.oldEmail, "--field", "email", "--value", Self.newEmail])
        #expect(r.status == 3, "\(r)")
        #expect(r.stdout.contains("corrected email in 3 contracts"), "\(r.stdout)")
        #expect(r.stderr.contains(Self.ux) && r.stderr.contains("read-only"), "\(r.stderr)")
    }

    @Test func aTrackedRequestIsLinkedAndProgressedInTheSameCommit() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let access = try DataSubjectRequests.create(
            ws, kind: .access, subject: "Jess Mariner", received: CalendarDate("2026-11-20"), author: Self.dpo)
        #expect(throws: WorkspaceError.self) {
            try Rectification.run(
                ws, subject: "Jess Mariner", field: .name, value: "Jess Okafor", request: access.id, author: Self.dpo)
        }
        let other = try DataSubjectRequests.create(
            ws, kind: .rectification, subject: "Someone Else", received: CalendarDate("2026-11-20"), author: Self.dpo)
        #expect(throws: WorkspaceError.self) {
            try Rectification.run(
                ws, subject: "Jess Mariner", field: .name, value: "Jess Okafor", request: other.id, author: Self.dpo)
        }
        let req = try DataSubjectRequests.create(
            ws, kind: .rectification, subject: "jess mariner", received: CalendarDate("2026-11-20"), author: Self.dpo)
        let r = try Rectification.run(
            ws, subject: "Jess Mariner", field: .name, value: "Jess Okafor", request: req.id, author: Self.dpo)
        #expect(r.request?.status == .inProgress)
        #expect(try DataSubjectRequests.load(ws, id: req.id).status == .inProgress)
        let message = try runGit(root, ["log", "-1", "--format=%B"])
        #expect(message.contains("Pactoria-Reason: Article 16 rectification of name (request \(req.id))"))
        #expect(message.contains("Pactoria-Event: gdpr.request_progressed"))
        #expect(!message.contains("Jess"), "\(message)")
        #expect(try runGit(root, ["status", "--porcelain"]).isEmpty)
        let text = try RulesKit.read(root, RulesKit.yaml(Self.care))
        #expect(text.contains("name: Jess Okafor"))
    }

    @Test func aSealedContractIsCorrectedThroughTheSeal() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        _ = try SealContracts.run(ws, target: "brickline-digital", author: Self.dpo)
        let sealedWS = try Workspace.open(root: root)
        let r = try Rectification.run(
            sealedWS, subject: "hello@hackneywickbrewing.co.uk", field: .email, value: "jess@hackneywickbrewing.co.uk",
            author: Self.dpo)
        #expect(r.changed.map(\.ref.description) == [Self.care])
        let files = try runGit(root, ["show", "--name-only", "--format=", "HEAD"]).split(separator: "\n").map(
            String.init)
        #expect(Set(files) == [RulesKit.yaml(Self.care), RulesKit.markdown(Self.care)], "\(files)")
        // The working tree holds plaintext; git holds ciphertext with neither address in it.
        #expect(try RulesKit.read(root, RulesKit.yaml(Self.care)).contains("email: jess@hackneywickbrewing.co.uk"))
        for path in [RulesKit.yaml(Self.care), RulesKit.markdown(Self.care)] {
            let stored = try runGit(root, ["cat-file", "blob", "HEAD:\(path)"])
            #expect(stored.contains("BEGIN PACTORIA SEALED"), "\(path)")
            #expect(!stored.contains("hackneywickbrewing"), "\(path)")
        }
    }
}
