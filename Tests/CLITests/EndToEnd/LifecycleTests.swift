import Foundation
import PactoriaCrypto
import Testing

/// A workspace adopted from a copy of `example-repo/` (15 contracts, every status), and the
/// contracts in it the lifecycle suites use. Shared by the lifecycle, rules, audit and review suites.
enum LC {
    typealias Sandbox = E2E.Sandbox

    /// "Today" for every command, unless a test pins another: no example contract has ended yet.
    static let today = "2026-12-01"
    static let actor = "Test User <test@example.co.uk>"
    static let gitPerson = "Grace Whitworth <grace@ancoatsbakehouse.co.uk>"

    // company/stem of the contracts used (status, end_date and version as in example-repo).
    static let draftCare = "brickline-digital/website-care-plan-agreement"  // draft, 2027-12-31, v1
    static let draftDrone = "avon-gorge-engineering/drone-survey-subcontract-agreement"  // draft, 2027-08-31, v1
    static let pendingFlour = "ancoats-bakehouse/organic-flour-supply-agreement-2027"  // pending_review, 2027-12-31, v2
    // pending_review, 2027-12-17, v3
    static let pendingRotterdam = "avon-gorge-engineering/rotterdam-bridge-assessment-partnership-agreement"
    // active, 2030-09-30, v4
    static let activeLease = "ancoats-bakehouse/lease-of-unit-4-pollard-street-trading-estate"
    static let activeShop = "ancoats-bakehouse/online-shop-terms-and-conditions"  // active, no end_date, v2
    // active, 2027-06-30, v2
    static let activeHarbour = "avon-gorge-engineering/harbourside-wharf-structural-engineering-appointment"
    static let activeWebsite = "brickline-digital/website-redesign-services-agreement"  // active, 2027-05-28, v3
    static let terminatedLaser = "avon-gorge-engineering/laser-scanner-equipment-hire-agreement"  // terminated, v1
    // completed, v2
    static let completedSteel = "avon-gorge-engineering/steel-fabrication-supply-agreement-bathurst-footbridge"

    static func yaml(_ ref: String) -> String {
        let parts = ref.split(separator: "/")
        return "companies/\(parts[0])/contracts/\(parts[1]).yaml"
    }
    static func markdown(_ ref: String) -> String { String(yaml(ref).dropLast(5)) + ".md" }

    static var exampleRepo: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("example-repo")
            .resolvingSymlinksInPath()
    }

    /// Copies example-repo to `dir` and adopts it with `pactoria init` (one commit of every contract);
    /// plain git commits in it are made by Grace Whitworth.
    static func adopt(_ sb: Sandbox, _ dir: String = "demo") throws {
        let target = URL(fileURLWithPath: sb.path(dir))
        try FileManager.default.copyItem(at: exampleRepo, to: target)
        for leftover in [".pactoria/cache", ".git"] where sb.exists("\(dir)/\(leftover)") {
            try FileManager.default.removeItem(at: target.appendingPathComponent(leftover))
        }
        let r = try sb.pactoria(["init", dir], env: ["PACTORIA_TODAY": today])
        try #require(r.exitCode == 0, "\(r)")
        try sb.git(["config", "user.name", "Grace Whitworth"], in: dir)
        try sb.git(["config", "user.email", "grace@ancoatsbakehouse.co.uk"], in: dir)
        try sb.git(["config", "commit.gpgsign", "false"], in: dir)
    }

    /// `pactoria` in the workspace with "today" pinned.
    @discardableResult
    static func run(_ sb: Sandbox, _ args: [String], in dir: String = "demo", today: String = today) throws
        -> E2E.Result
    {
        try sb.pactoria(args, in: dir, env: ["PACTORIA_TODAY": today])
    }

    /// git with extra environment (GIT_AUTHOR_DATE, …).
    @discardableResult
    static func git(_ sb: Sandbox, _ args: [String], in dir: String = "demo", env: [String: String?] = [:]) throws
        -> E2E.Result
    {
        try sb.run(URL(fileURLWithPath: "/usr/bin/env"), ["git"] + args, in: dir, env: env)
    }

    /// Stages everything and commits with plain git (no trailers).
    static func plainCommit(_ sb: Sandbox, _ message: String, in dir: String = "demo", date: String? = nil) throws {
        try #require(try git(sb, ["add", "-A"], in: dir).exitCode == 0)
        let env: [String: String?] = date.map { ["GIT_AUTHOR_DATE": $0] } ?? [:]
        let r = try git(sb, ["commit", "-q", "--no-verify", "-m", message], in: dir, env: env)
        try #require(r.exitCode == 0, "\(r)")
    }

    static func head(_ sb: Sandbox, _ dir: String = "demo") throws -> String {
        try sb.git(["rev-parse", "HEAD"], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func commitCount(_ sb: Sandbox, _ dir: String = "demo") throws -> Int {
        Int(
            try sb.git(["rev-list", "--count", "HEAD"], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            ?? -1
    }

    /// `git status --porcelain` of the workspace ("" when clean).
    static func gitStatus(_ sb: Sandbox, _ dir: String = "demo") throws -> String {
        try sb.git(["status", "--porcelain"], in: dir).stdout
    }

    /// The trailers of `rev`, parsed by git itself.
    static func trailers(_ sb: Sandbox, _ rev: String = "HEAD", in dir: String = "demo") throws -> [String] {
        let body = try sb.git(["log", "-1", "--format=%B", rev], in: dir)
        let parsed = try sb.git(["interpret-trailers", "--parse"], in: dir, input: body.stdout)
        #expect(parsed.exitCode == 0, "\(parsed)")
        return parsed.lines
    }

    /// A top-level `name: value` line of a YAML file.
    static func field(_ name: String, in yaml: String) -> String? {
        yaml.split(separator: "\n").first { $0.hasPrefix("\(name): ") }.map { String($0.dropFirst(name.count + 2)) }
    }

    static func id(_ sb: Sandbox, _ ref: String, in dir: String = "demo") throws -> String {
        try #require(field("id", in: try sb.read("\(dir)/\(yaml(ref))")))
    }

    /// Rewrites the top-level `name:` line of a contract's YAML.
    static func setField(_ sb: Sandbox, _ ref: String, _ name: String, _ value: String, in dir: String = "demo") throws
    {
        let path = "\(dir)/\(yaml(ref))"
        var lines = try sb.read(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = try #require(lines.firstIndex { $0.hasPrefix("\(name): ") }, "\(name) in \(path)")
        lines[i] = "\(name): \(value)"
        try sb.write(lines.joined(separator: "\n"), to: path)
    }

    static func replace(_ sb: Sandbox, _ path: String, _ old: String, _ new: String) throws {
        let text = try sb.read(path)
        try #require(text.contains(old), "\(old) in \(path)")
        try sb.write(text.replacingOccurrences(of: old, with: new), to: path)
    }

    static func appendClause(_ sb: Sandbox, _ ref: String, in dir: String = "demo") throws {
        let path = "\(dir)/\(markdown(ref))"
        try sb.write(try sb.read(path) + "\n## 99. Additional Clause\n\nThe parties will meet quarterly.\n", to: path)
    }

    /// The `lifecycle:` section of a contract's YAML, as text.
    static func lifecycleSection(_ sb: Sandbox, _ ref: String, in dir: String = "demo") throws -> String {
        let text = try sb.read("\(dir)/\(yaml(ref))")
        guard let r = text.range(of: "\nlifecycle:\n") else { return "" }
        return String(text[r.lowerBound...]).split(separator: "\n").prefix { $0 == "lifecycle:" || $0.hasPrefix(" ") }
            .joined(separator: "\n")
    }
}

/// The lifecycle verbs through the built binary, read back with git.
@Suite("End to end: lifecycle verbs")
struct LifecycleTests {
    typealias Sandbox = E2E.Sandbox

    @Test("submit, request-changes, submit, finalize, activate, complete: one commit each, with trailers")
    func fullLifecycle() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ref = LC.draftCare
            let id = try LC.id(sb, ref)
            var commits = try LC.commitCount(sb)
            func verb(
                _ args: [String], from: String?, to: String?, event: String, reason: String? = nil, version: Int = 1
            ) throws {
                let r = try LC.run(sb, args)
                #expect(r.exitCode == 0, "\(r)")
                commits += 1
                #expect(try LC.commitCount(sb) == commits, "\(args) makes one commit")
                #expect(try LC.gitStatus(sb) == "", "\(args) leaves nothing behind")
                var expected = ["Pactoria-Contract: \(id)", "Pactoria-Event: \(event)"]
                if let from { expected.append("Pactoria-From: \(from)") }
                if let to { expected.append("Pactoria-To: \(to)") }
                expected.append("Pactoria-Actor: \(LC.actor)")
                if let reason { expected.append("Pactoria-Reason: \(reason)") }
                expected.append("Pactoria-Version: \(version)")
                #expect(try LC.trailers(sb) == expected, "\(args)")
                #expect(try sb.git(["log", "-1", "--format=%an <%ae>"], in: "demo").lines == [LC.actor])
            }

            let submitted = try LC.run(sb, ["submit", ref])
            #expect(submitted.lines.last == " submit \(ref) (draft → pending_review, v1)", "\(submitted)")
            #expect(submitted.lines.first?.hasPrefix("[main ") == true, "\(submitted)")
            commits += 1
            #expect(
                try LC.trailers(sb) == [
                    "Pactoria-Contract: \(id)", "Pactoria-Event: contract.submitted", "Pactoria-From: draft",
                    "Pactoria-To: pending_review", "Pactoria-Actor: \(LC.actor)", "Pactoria-Version: 1",
                ])
            #expect(LC.field("status", in: try sb.read("demo/\(LC.yaml(ref))")) == "pending_review")

            try verb(
                ["request-changes", ref, "--reason", "Cap liability at the fees paid"], from: "pending_review",
                to: "draft",
                event: "contract.changes_requested", reason: "Cap liability at the fees paid")
            try verb(["submit", ref], from: "draft", to: "pending_review", event: "contract.submitted")
            try verb(["finalize", ref], from: nil, to: nil, event: "contract.finalized")
            try verb(["activate", ref], from: "pending_review", to: "active", event: "contract.activated")
            try verb(
                ["complete", ref, "--reason", "All deliverables accepted"], from: "active", to: "completed",
                event: "contract.completed", reason: "All deliverables accepted")

            #expect(
                try sb.git(["log", "-6", "--format=%s"], in: "demo").lines == [
                    "Complete: Website Care Plan Agreement", "Activate: Website Care Plan Agreement",
                    "Finalize content of: Website Care Plan Agreement",
                    "Submit for review: Website Care Plan Agreement",
                    "Request changes to: Website Care Plan Agreement", "Submit for review: Website Care Plan Agreement",
                ])

            // The lifecycle section records who, when and why; final_content is the Markdown's SHA-256.
            let yaml = try sb.read("demo/\(LC.yaml(ref))")
            #expect(LC.field("status", in: yaml) == "completed")
            #expect(LC.field("version", in: yaml) == "1", "no content change, no bump")
            let section = try LC.lifecycleSection(sb, ref)
            let md = try Data(contentsOf: URL(fileURLWithPath: sb.path("demo/\(LC.markdown(ref))")))
            let stamp = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/
            let normalised = section.replacing(stamp, with: "<time>")
            #expect(
                normalised == """
                    lifecycle:
                      final_content:
                        sha256: \(Digest.sha256Hex(Array(md)))
                        by: \(LC.actor)
                        at: <time>
                      submitted:
                        by: \(LC.actor)
                        at: <time>
                      changes_requested:
                        by: \(LC.actor)
                        at: <time>
                        reason: Cap liability at the fees paid
                      activated:
                        by: \(LC.actor)
                        at: <time>
                      completed:
                        by: \(LC.actor)
                        at: <time>
                        reason: All deliverables accepted
                    """, "\(section)")

            // Completed is read-only: every verb is refused and nothing is committed.
            let again = try LC.run(sb, ["submit", ref])
            E2E.expectCleanError(again)
            #expect(again.exitCode == 1)
            #expect(
                again.stderr.contains("cannot submit a")
                    && again.stderr.contains(
                        "completed contract (submit is allowed only from draft); completed contracts are read-only"),
                "\(again)")
            let finalize = try LC.run(sb, ["finalize", ref])
            #expect(finalize.exitCode == 1)
            #expect(
                finalize.stderr
                    == "error: \(ref): completed contracts are read-only; their content cannot be finalized\n",
                "\(finalize)")
            #expect(try LC.commitCount(sb) == commits)
        }
    }

    @Test("terminate: the reason is recorded, nothing is deleted; --author, -m and --json")
    func terminate() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ref = LC.activeHarbour
            let id = try LC.id(sb, ref)
            let r = try LC.run(
                sb,
                [
                    "terminate", ref, "--reason", "Client cancelled the wharf project", "--author",
                    "Jane Smith <jane@avongorge.co.uk>",
                    "-m", "End the Harbourside appointment", "--json",
                ])
            #expect(r.exitCode == 0, "\(r)")
            let json = try E2E.parseJSON(r)
            #expect(json["commit"] as? String == (try LC.head(sb)))
            let c = try #require((json["contracts"] as? [[String: Any]])?.first, "\(r)")
            #expect(c["id"] as? String == id)
            #expect(c["path"] as? String == LC.yaml(ref))
            #expect(c["action"] as? String == "terminate" && c["event"] as? String == "contract.terminated")
            #expect(c["from"] as? String == "active" && c["to"] as? String == "terminated" && c["version"] as? Int == 2)

            #expect(
                try sb.git(["log", "-1", "--format=%s%n%an <%ae>"], in: "demo").lines == [
                    "End the Harbourside appointment", "Jane Smith <jane@avongorge.co.uk>",
                ])
            #expect(
                try LC.trailers(sb) == [
                    "Pactoria-Contract: \(id)", "Pactoria-Event: contract.terminated", "Pactoria-From: active",
                    "Pactoria-To: terminated", "Pactoria-Actor: Jane Smith <jane@avongorge.co.uk>",
                    "Pactoria-Reason: Client cancelled the wharf project", "Pactoria-Version: 2",
                ])
            // Soft delete: both files are still tracked, the status says terminated.
            let tracked = Set(try sb.git(["ls-files"], in: "demo").lines)
            #expect(tracked.contains(LC.yaml(ref)) && tracked.contains(LC.markdown(ref)))
            #expect(
                try sb.git(["show", "--name-status", "--format=", "HEAD"], in: "demo").lines == ["M\t\(LC.yaml(ref))"])
            let yaml = try sb.read("demo/\(LC.yaml(ref))")
            #expect(LC.field("status", in: yaml) == "terminated")
            #expect(yaml.contains("  terminated:\n    by: Jane Smith <jane@avongorge.co.uk>\n    at: "), "\(yaml)")
            #expect(yaml.contains("    reason: Client cancelled the wharf project\n"), "\(yaml)")

            // Terminated is final.
            for args in [
                ["activate", ref], ["complete", ref], ["terminate", ref, "--reason", "again"], ["expire", ref],
            ] {
                let refused = try LC.run(sb, args, today: "2028-01-01")
                E2E.expectCleanError(refused)
                #expect(refused.stderr.contains("terminated contracts are read-only"), "\(refused)")
            }
        }
    }

    @Test("--no-commit writes and stages only; a later `pactoria commit` records the transition")
    func noCommit() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ref = LC.draftDrone
            let id = try LC.id(sb, ref)
            let before = try LC.head(sb)
            let r = try LC.run(sb, ["submit", ref, "--no-commit"])
            #expect(r.exitCode == 0, "\(r)")
            #expect(
                r.lines == [
                    " submit \(ref) (draft → pending_review, v1)",
                    "staged, not committed; run `pactoria commit` when ready",
                ], "\(r)")
            #expect(try LC.head(sb) == before, "nothing committed")
            #expect(try sb.git(["diff", "--cached", "--name-only"], in: "demo").lines == [LC.yaml(ref)], "staged")
            #expect(try sb.git(["diff", "--name-only"], in: "demo").stdout == "", "the working tree matches the index")
            #expect(try sb.git(["show", ":\(LC.yaml(ref))"], in: "demo").stdout.contains("\nstatus: pending_review\n"))
            #expect(try LC.lifecycleSection(sb, ref).hasPrefix("lifecycle:\n  submitted:\n    by: \(LC.actor)\n"))

            let committed = try LC.run(sb, ["commit", "-m", "Submit the drone survey"])
            #expect(committed.exitCode == 0, "\(committed)")
            #expect(committed.lines.contains(" submitted \(ref) (v1)"), "\(committed)")
            #expect(
                try LC.trailers(sb) == [
                    "Pactoria-Contract: \(id)", "Pactoria-Event: contract.submitted", "Pactoria-From: draft",
                    "Pactoria-To: pending_review", "Pactoria-Actor: \(LC.actor)", "Pactoria-Version: 1",
                ])
            #expect(try LC.gitStatus(sb) == "")
        }
    }

    @Test("require_review: false lets a finalized draft be activated directly")
    func requireReviewFalse() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ref = LC.draftCare
            #expect(try LC.run(sb, ["finalize", ref]).exitCode == 0)
            let refused = try LC.run(sb, ["activate", ref])
            E2E.expectCleanError(refused)
            #expect(refused.exitCode == 1)
            #expect(
                refused.stderr.contains("draft contract (activate is allowed only from pending_review)"), "\(refused)")

            let config = "demo/.pactoria/config.yaml"
            try sb.write(try sb.read(config) + "require_review: false\n", to: config)
            let c = try LC.run(sb, ["commit", "-m", "Allow activation without review"])
            #expect(c.exitCode == 0, "\(c)")
            let activated = try LC.run(sb, ["activate", ref])
            #expect(activated.exitCode == 0, "\(activated)")
            #expect(activated.lines.last == " activate \(ref) (draft → active, v1)", "\(activated)")
            #expect(try LC.trailers(sb).contains("Pactoria-From: draft"))
            #expect(try LC.trailers(sb).contains("Pactoria-To: active"))
        }
    }

    @Test("finalize on an active contract whose content changed: commits the content and bumps the version")
    func refinalizeActive() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ref = LC.activeLease
            try LC.appendClause(sb, ref)
            let status = try LC.run(sb, ["status", "--porcelain"])
            #expect(status.lines.contains { $0.hasSuffix("[content-not-final]") }, "\(status)")
            let r = try LC.run(sb, ["finalize", ref])
            #expect(r.exitCode == 0, "\(r)")
            #expect(r.lines.last == " finalize \(ref) (active, v5)", "\(r)")
            #expect(
                Set(try sb.git(["show", "--name-only", "--format=", "HEAD"], in: "demo").lines) == [
                    LC.yaml(ref), LC.markdown(ref),
                ])
            #expect(try LC.trailers(sb).suffix(2) == ["Pactoria-Actor: \(LC.actor)", "Pactoria-Version: 5"])
            #expect(try LC.gitStatus(sb) == "")
            #expect(try LC.run(sb, ["status", "--check"]).exitCode == 0)
            #expect(try LC.run(sb, ["check", "--base", "HEAD~1"]).exitCode == 0)
        }
    }

    // MARK: Bad input

    @Test(
        "Unknown contract: a clean error, nothing committed",
        arguments: ["submit", "finalize", "activate", "complete", "terminate", "expire"])
    func unknownContract(verb: String) throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let before = try LC.head(sb)
            let r = try LC.run(sb, [verb, "no-such-contract"])
            E2E.expectCleanError(r)
            #expect(r.exitCode == 1)
            #expect(r.stderr.hasPrefix("error: no contract matches 'no-such-contract'"), "\(r)")
            #expect(try LC.head(sb) == before)
        }
    }

    @Test("Missing reason: terminate and request-changes exit 1 and say so", arguments: [nil, "", "   "] as [String?])
    func missingReason(reason: String?) throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let before = try LC.head(sb)
            for (verb, ref) in [("terminate", LC.activeLease), ("request-changes", LC.pendingFlour)] {
                let r = try LC.run(sb, [verb, ref] + (reason.map { ["--reason", $0] } ?? []))
                E2E.expectCleanError(r)
                #expect(r.exitCode == 1)
                #expect(r.stderr == "error: \(ref): \(verb) needs a reason (--reason)\n", "\(r)")
            }
            #expect(try LC.head(sb) == before)
            #expect(try LC.gitStatus(sb) == "")
        }
    }

    @Test("Activating without final content, or with content changed since, is refused")
    func activateWithoutFinalContent() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ref = LC.pendingFlour
            let before = try LC.head(sb)
            let never = try LC.run(sb, ["activate", ref])
            E2E.expectCleanError(never)
            #expect(never.exitCode == 1)
            #expect(
                never.stderr
                    == "error: \(ref): cannot activate: its content has not been finalized; run `pactoria finalize` first\n",
                "\(never)")
            #expect(try LC.head(sb) == before)
            #expect(try LC.gitStatus(sb) == "")

            #expect(try LC.run(sb, ["finalize", ref]).exitCode == 0)
            try LC.appendClause(sb, ref)
            let finalized = try LC.head(sb)
            let stale = try LC.run(sb, ["activate", ref])
            E2E.expectCleanError(stale)
            #expect(
                stale.stderr
                    == "error: \(ref): cannot activate: its content changed after it was finalized; run `pactoria finalize` first\n",
                "\(stale)")
            #expect(try LC.head(sb) == finalized)
            #expect(try LC.gitStatus(sb) == " M \(LC.markdown(ref))\n", "only the edit is left")
        }
    }

    @Test("Activating past end_date is refused; on the end date itself it is allowed")
    func activatePastEndDate() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ref = LC.pendingRotterdam
            #expect(try LC.run(sb, ["finalize", ref]).exitCode == 0)
            let finalized = try LC.head(sb)
            let late = try LC.run(sb, ["activate", ref], today: "2027-12-18")
            E2E.expectCleanError(late)
            #expect(late.exitCode == 1)
            #expect(late.stderr == "error: \(ref): cannot activate: its end_date 2027-12-17 has passed\n", "\(late)")
            #expect(try LC.head(sb) == finalized)
            #expect(try LC.gitStatus(sb) == "")
            let onTime = try LC.run(sb, ["activate", ref], today: "2027-12-17")
            #expect(onTime.exitCode == 0, "\(onTime)")
        }
    }

    // MARK: expire and expiring

    @Test("expire with no contract sweeps the workspace in one commit and lists what it expired")
    func expireSweep() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ids = (try LC.id(sb, LC.activeHarbour), try LC.id(sb, LC.activeWebsite))
            let commits = try LC.commitCount(sb)
            let r = try LC.run(sb, ["expire"], today: "2027-07-15")
            #expect(r.exitCode == 0, "\(r)")
            #expect(
                Array(r.lines.dropFirst()) == [
                    " expire \(LC.activeHarbour) (active → expired, v2)",
                    " expire \(LC.activeWebsite) (active → expired, v3)",
                ], "\(r)")
            #expect(try LC.commitCount(sb) == commits + 1, "one commit")
            #expect(
                try sb.git(["log", "-1", "--format=%s"], in: "demo").lines == ["Expire 2 contracts past their end date"]
            )
            #expect(
                try LC.trailers(sb) == [
                    "Pactoria-Contract: \(ids.0)", "Pactoria-Event: contract.expired", "Pactoria-From: active",
                    "Pactoria-To: expired",
                    "Pactoria-Actor: \(LC.actor)", "Pactoria-Version: 2",
                    "Pactoria-Contract: \(ids.1)", "Pactoria-Event: contract.expired", "Pactoria-From: active",
                    "Pactoria-To: expired",
                    "Pactoria-Actor: \(LC.actor)", "Pactoria-Version: 3",
                ])
            #expect(
                Set(try sb.git(["show", "--name-only", "--format=", "HEAD"], in: "demo").lines) == [
                    LC.yaml(LC.activeHarbour), LC.yaml(LC.activeWebsite),
                ])
            for ref in [LC.activeHarbour, LC.activeWebsite] {
                #expect(LC.field("status", in: try sb.read("demo/\(LC.yaml(ref))")) == "expired")
                // After its final_content record (example-repo carries one since #12.5).
                #expect(try LC.lifecycleSection(sb, ref).contains("\n  expired:\n    by: \(LC.actor)\n"))
            }
            // The lease (2030) and the shop terms (no end_date) are still active.
            #expect(LC.field("status", in: try sb.read("demo/\(LC.yaml(LC.activeLease))")) == "active")
            #expect(LC.field("status", in: try sb.read("demo/\(LC.yaml(LC.activeShop))")) == "active")
            #expect(try LC.gitStatus(sb) == "")

            let again = try LC.run(sb, ["expire"], today: "2027-07-15")
            #expect(again.exitCode == 0)
            #expect(again.lines == ["nothing to expire: no active contract has passed its end date"], "\(again)")
            #expect(try LC.commitCount(sb) == commits + 1)
        }
    }

    @Test("expire one contract: only once its end_date is before today")
    func expireOne() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let early = try LC.run(sb, ["expire", LC.activeWebsite], today: "2027-05-28")
            E2E.expectCleanError(early)
            #expect(
                early.stderr
                    == "error: \(LC.activeWebsite): cannot expire: its end_date is 2027-05-28, not before today (2027-05-28)\n",
                "\(early)")
            let due = try LC.run(sb, ["expire", LC.activeWebsite], today: "2027-05-29")
            #expect(due.exitCode == 0, "\(due)")
            #expect(due.lines.last == " expire \(LC.activeWebsite) (active → expired, v3)")
            #expect(
                try sb.git(["log", "-1", "--format=%s"], in: "demo").lines == [
                    "Expire: Website Redesign Services Agreement"
                ])
        }
    }

    @Test("expiring lists active contracts ending within the window, soonest first")
    func expiring() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            func entries(_ args: [String], today: String) throws -> [[String: Any]] {
                try E2E.parseJSON(
                    try LC.run(sb, ["expiring", "--json"] + args, today: today), as: [[String: Any]].self)
            }
            let month = try entries([], today: "2027-05-01")
            #expect(month.map { $0["path"] as? String } == [LC.yaml(LC.activeWebsite)])
            #expect(month.first?["days_left"] as? Int == 27)
            #expect(month.first?["end_date"] as? String == "2027-05-28")
            #expect(month.first?["title"] as? String == "Website Redesign Services Agreement")
            // Money as data (issue #13): the decimal amount as written, with its currency.
            #expect(
                (month.first?["contract_value"] as? [String: String]) == ["amount": "24500.00", "currency": "GBP"])

            let quarter = try entries(["--days", "90"], today: "2027-05-01")
            #expect(
                quarter.map { $0["path"] as? String } == [LC.yaml(LC.activeWebsite), LC.yaml(LC.activeHarbour)],
                "soonest first")
            #expect(quarter.map { $0["days_left"] as? Int } == [27, 60])

            // Ending today still counts; ended yesterday does not (that is `expire`'s business); only active ones.
            let today = try LC.run(sb, ["expiring", "--days", "0"], today: "2027-05-28")
            #expect(today.exitCode == 0)
            #expect(today.lines.count == 1, "\(today)")
            #expect(
                today.lines.first?.hasPrefix("2027-05-28  today  brickline-digital/website-redesign-serv") == true,
                "\(today)")
            #expect(today.lines.first?.hasSuffix("  Website Redesign Services Agreement") == true, "\(today)")
            #expect(
                try entries(["--days", "400"], today: "2027-05-29").map { $0["path"] as? String } == [
                    LC.yaml(LC.activeHarbour)
                ])
            #expect(
                try entries(["--days", "3650"], today: "2026-01-01").count == 3,
                "the NDA (expired) and laser hire (terminated) are not listed")

            let none = try LC.run(sb, ["expiring"], today: "2026-12-01")
            #expect(none.lines == ["no active contract ends in the next 30 days"], "\(none)")
            let bad = try LC.run(sb, ["expiring", "--days=-1"])
            E2E.expectCleanError(bad)
            #expect(bad.stderr.contains("--days: must be zero or more"), "\(bad)")
        }
    }
}
