import Foundation
import PactoriaTestSupport
import Testing

/// A realistic pull-request branch on the example workspace, mixing pactoria verbs and plain git.
enum Branch {
    typealias Sandbox = E2E.Sandbox

    static let name = "renewals"
    /// Author dates of the plain git commits (pactoria's commits carry the real time).
    static let flourDate = "2021-03-10T09:00:00Z"
    static let droneDate = "2021-03-11T11:00:00Z"
    static let laserDate = "2021-03-12T16:30:00Z"

    /// From `main` (the adopted example workspace), seven commits on `renewals`:
    /// 1. pactoria submit: the website care plan (draft → pending_review)
    /// 2. plain git: the flour agreement's 2027 price, a new clause, a changed clause, a compliance score; version bumped by hand
    /// 3. plain git: the drone survey submitted by hand (draft → pending_review)
    /// 4. pactoria finalize: the flour agreement
    /// 5. pactoria activate: the flour agreement (pending_review → active)
    /// 6. pactoria terminate: the Harbourside appointment, with a reason
    /// 7. plain git: the terminated laser hire retitled, which breaks the read-only rule
    static func build(_ sb: Sandbox) throws {
        try LC.adopt(sb)
        try #require(try sb.git(["checkout", "-q", "-b", name], in: "demo").exitCode == 0)
        try #require(try LC.run(sb, ["submit", LC.draftCare]).exitCode == 0)

        let flour = "demo/\(LC.yaml(LC.pendingFlour))"
        try LC.replace(sb, flour, "amount: \"38400.00\"", "amount: \"41200.00\"")
        try LC.setField(sb, LC.pendingFlour, "version", "3")
        try sb.write(try sb.read(flour) + "compliance:\n  overall_score: \"82\"\n  risk_level: medium\n", to: flour)
        let md = "demo/\(LC.markdown(LC.pendingFlour))"
        try LC.replace(
            sb, md, "## 4. Price and Payment\n",
            "## 4. Price and Payment\n\nPrices are fixed until 31 July 2027 and then reviewed once, capped at 4%.\n")
        try LC.replace(
            sb, md, "## 13. Governing Law",
            "## 13. Organic Certification\n\nThe Supplier keeps its Soil Association certification for the whole term and tells the Buyer within 2 days if it lapses.\n\n## 14. Governing Law"
        )
        try LC.plainCommit(sb, "Flour renewal: 2027 prices and organic certification clause", date: flourDate)

        try LC.setField(sb, LC.draftDrone, "status", "pending_review")
        try LC.plainCommit(sb, "Send the drone survey subcontract for review", date: droneDate)

        try #require(try LC.run(sb, ["finalize", LC.pendingFlour]).exitCode == 0)
        try #require(try LC.run(sb, ["activate", LC.pendingFlour]).exitCode == 0)
        try #require(
            try LC.run(sb, ["terminate", LC.activeHarbour, "--reason", "Client cancelled the wharf project"]).exitCode
                == 0)

        try LC.setField(sb, LC.terminatedLaser, "title", "Laser Scanner Hire (amended)")
        try LC.plainCommit(sb, "Tidy the laser hire title", date: laserDate)
    }
}

@Suite("End to end: audit, review and domain-event hooks")
struct AuditReviewTests {
    typealias Sandbox = E2E.Sandbox

    static func audit(_ sb: Sandbox, _ args: [String] = []) throws -> [[String: Any]] {
        try E2E.parseJSON(try LC.run(sb, ["audit", "--json"] + args), as: [[String: Any]].self)
    }

    static func events(_ entries: [[String: Any]]) -> [String] { entries.map { $0["event"] as? String ?? "?" } }

    // MARK: audit

    @Test("audit on a mixed history: trailer events as recorded, plain git edits inferred with details")
    func mixedHistory() throws {
        try E2E.withSandbox { sb in
            try Branch.build(sb)
            let all = try Self.audit(sb)
            #expect(all.count == 15 + 7, "15 created at adoption, one event per later commit")
            let keys: Set<String> = [
                "commit", "time", "contract_id", "path", "title", "event", "from", "to", "actor", "reason", "version",
                "inferred", "details", "subject",
            ]
            for e in all { #expect(Set(e.keys) == keys, "\(e)") }

            // Newest first: the seven branch commits, then the adoption.
            #expect(
                Array(Self.events(all).prefix(7)) == [
                    "contract.updated", "contract.terminated", "contract.activated", "contract.finalized",
                    "contract.submitted",
                    "contract.content_changed", "contract.submitted",
                ])
            #expect(
                Array(all.prefix(7)).map { $0["inferred"] as? Bool } == [true, false, false, false, true, true, false])
            #expect(
                all.dropFirst(7).allSatisfy {
                    $0["event"] as? String == "contract.created" && $0["inferred"] as? Bool == false
                })
            let commits = try sb.git(["log", "--format=%H"], in: "demo").lines
            #expect(Array(all.prefix(7)).map { $0["commit"] as? String } == Array(commits.prefix(7)))

            // From trailers: who, why, from and to as pactoria wrote them; nothing inferred.
            let terminated = all[1]
            #expect(terminated["contract_id"] as? String == (try LC.id(sb, LC.activeHarbour)))
            #expect(terminated["path"] as? String == LC.yaml(LC.activeHarbour))
            #expect(terminated["title"] as? String == "Harbourside Wharf Structural Engineering Appointment")
            #expect(terminated["from"] as? String == "active" && terminated["to"] as? String == "terminated")
            #expect(terminated["actor"] as? String == LC.actor)
            #expect(terminated["reason"] as? String == "Client cancelled the wharf project")
            #expect(terminated["version"] as? Int == 2)
            #expect((terminated["details"] as? [String]) == [])
            #expect(
                terminated["subject"] as? String == "Terminate: Harbourside Wharf Structural Engineering Appointment")
            #expect(all[3]["from"] is NSNull && all[3]["to"] is NSNull, "finalize is not a transition")

            // Inferred from plain git commits: the author is the actor, the details say what changed.
            let laser = all[0]
            #expect(laser["path"] as? String == LC.yaml(LC.terminatedLaser))
            #expect(laser["actor"] as? String == LC.gitPerson)
            #expect((laser["details"] as? [String]) == ["fields changed: title"])
            #expect(laser["title"] as? String == "Laser Scanner Hire (amended)")
            #expect(laser["time"] as? String == Branch.laserDate)
            #expect(laser["subject"] as? String == "Tidy the laser hire title")

            let drone = all[4]
            #expect(drone["path"] as? String == LC.yaml(LC.draftDrone))
            #expect(drone["from"] as? String == "draft" && drone["to"] as? String == "pending_review")
            #expect((drone["details"] as? [String]) == ["status changed from draft to pending_review"])
            #expect(drone["reason"] is NSNull)

            let flour = all[5]
            #expect(flour["path"] as? String == LC.yaml(LC.pendingFlour))
            #expect(flour["version"] as? Int == 3)
            #expect((flour["details"] as? [String]) == ["fields changed: contract_value", "content changed"])
            #expect(flour["from"] is NSNull)

            // The text rendering marks inferred events.
            let text = try LC.run(sb, ["audit", "-n", "7"])
            #expect(text.exitCode == 0)
            #expect(text.lines.count == 8, "\(text)")
            #expect(text.lines[0].contains(" * ") && text.lines[0].contains("fields changed: title"), "\(text)")
            #expect(
                text.lines[1].contains("terminated (active → terminated)")
                    && text.lines[1].contains("reason: Client cancelled the wharf project"), "\(text)")
            #expect(!text.lines[1].contains(" * "), "\(text)")
            #expect(text.lines.last == "* inferred from a commit without audit trailers")
        }
    }

    @Test("audit filters: --contract, --event, --actor, --since, --until, -n")
    func filters() throws {
        try E2E.withSandbox { sb in
            try Branch.build(sb)
            let flour = try Self.audit(sb, ["--contract", "organic-flour-supply-agreement-2027"])
            #expect(
                Self.events(flour) == [
                    "contract.activated", "contract.finalized", "contract.content_changed", "contract.created",
                ])
            let byID = try Self.audit(sb, ["--contract", String(try LC.id(sb, LC.pendingFlour).prefix(8))])
            #expect(byID.count == 4)

            let activated = try Self.audit(sb, ["--event", "activated"])
            #expect(activated.map { $0["path"] as? String } == [LC.yaml(LC.pendingFlour)])
            #expect(
                try Self.audit(sb, ["--event", "contract.terminated"]).map { $0["path"] as? String } == [
                    LC.yaml(LC.activeHarbour)
                ])
            #expect(
                try Self.audit(sb, ["--event", "submitted"]).map { $0["inferred"] as? Bool } == [true, false],
                "by hand and by the verb")

            let grace = try Self.audit(sb, ["--actor", "grace"])
            #expect(grace.count == 3 && grace.allSatisfy { $0["inferred"] as? Bool == true }, "\(grace)")
            #expect(try Self.audit(sb, ["--actor", "TEST USER"]).count == 19, "case-insensitive")
            #expect(try Self.audit(sb, ["--actor", "grace", "--contract", LC.pendingFlour]).count == 1)

            let early = try Self.audit(sb, ["--until", "2021-12-31"])
            #expect(
                early.map { $0["path"] as? String } == [
                    LC.yaml(LC.terminatedLaser), LC.yaml(LC.draftDrone), LC.yaml(LC.pendingFlour),
                ])
            #expect(
                try Self.audit(sb, ["--since", "2021-03-11", "--until", "2021-03-11"]).map { $0["path"] as? String }
                    == [LC.yaml(LC.draftDrone)])
            let late = try Self.audit(sb, ["--since", "2022-01-01"])
            #expect(late.count == 19 && late.allSatisfy { $0["inferred"] as? Bool == false })

            #expect(try Self.audit(sb, ["-n", "2"]).count == 2)
            #expect(try LC.run(sb, ["audit", "--event", "expired"]).lines == ["no audit events match"])

            let badDate = try LC.run(sb, ["audit", "--since", "yesterday"])
            #expect(badDate.exitCode != 0)
            #expect(badDate.stderr.contains("--since must be a date YYYY-MM-DD, got 'yesterday'"), "\(badDate)")
            let unknown = try LC.run(sb, ["audit", "--contract", "zz"])
            E2E.expectCleanError(unknown)
        }
    }

    @Test("audit: a contract deleted with plain git is still in the trail, by id")
    func deletedContract() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let ref = "brickline-digital/mutual-non-disclosure-agreement-with-finchley-pay"
            let id = try LC.id(sb, ref)
            try sb.git(["rm", "-q", LC.yaml(ref), LC.markdown(ref)], in: "demo")
            try LC.plainCommit(sb, "Remove the old NDA")
            let entries = try Self.audit(sb, ["--contract", id])
            #expect(Self.events(entries) == ["contract.deleted", "contract.created"])
            #expect((entries.first?["details"] as? [String]) == ["contract files deleted"])
            #expect(entries.first?["inferred"] as? Bool == true)
        }
    }

    // MARK: review

    static var goldenDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "Golden")
    }

    /// Commit ids (full and short) and timestamps replaced by placeholders.
    static func normalise(_ text: String, commits: [String]) -> String {
        var out = text
        for c in commits { out = out.replacingOccurrences(of: c, with: "<commit>") }
        for c in commits { out = out.replacingOccurrences(of: String(c.prefix(7)), with: "<commit>") }
        return out.replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, with: "<time>")
    }

    @Test("review --base: the branch's Markdown summary matches the golden file")
    func reviewGolden() throws {
        try E2E.withSandbox { sb in
            try Branch.build(sb)
            let r = try LC.run(sb, ["review", "--base", "main"])
            #expect(r.exitCode == 0, "review reports; it does not fail: \(r)")
            let commits = try sb.git(["rev-list", "--all"], in: "demo").lines
            let actual = Self.normalise(r.stdout, commits: commits)
            let golden = Self.goldenDirectory.appendingPathComponent("review-branch.md")
            if ProcessInfo.processInfo.environment["PACTORIA_RECORD_GOLDEN"] == "1" {
                try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: golden)
                return
            }
            let expected = try #require(
                try? String(contentsOf: golden, encoding: .utf8),
                "no golden file at \(golden.path); record it with PACTORIA_RECORD_GOLDEN=1")
            #expect(actual == expected, "re-record with PACTORIA_RECORD_GOLDEN=1 if the change is intended")
            if actual != expected {
                let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
                let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
                if let i = zip(a, e).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                    Issue.record("first difference at line \(i + 1):\n  expected: \(e[i])\n  actual:   \(a[i])")
                }
            }
        }
    }

    @Test("review --format json: transitions, fields, sections, compliance and the check result per contract")
    func reviewJSON() throws {
        try E2E.withSandbox { sb in
            try Branch.build(sb)
            let r = try E2E.parseJSON(try LC.run(sb, ["review", "--base", "main", "--format", "json"]))
            #expect(r["base"] as? String == "main")
            #expect(r["base_commit"] as? String == (try sb.git(["rev-parse", "main"], in: "demo").lines.first))
            #expect(r["head_commit"] as? String == (try LC.head(sb)))
            #expect(r["commits"] as? Int == 7)
            #expect(r["check_passed"] as? Bool == false)
            let contracts = try #require(r["contracts"] as? [[String: Any]])
            #expect(
                contracts.map { $0["path"] as? String } == [
                    LC.yaml(LC.pendingFlour), LC.yaml(LC.draftDrone), LC.yaml(LC.activeHarbour),
                    LC.yaml(LC.terminatedLaser),
                    LC.yaml(LC.draftCare),
                ])
            #expect(contracts.allSatisfy { $0["kind"] as? String == "modified" })

            let flour = contracts[0]
            #expect(flour["company"] as? String == "Ancoats Bakehouse Ltd")
            #expect(flour["status_from"] as? String == "pending_review" && flour["status_to"] as? String == "active")
            #expect(flour["version_from"] as? Int == 2 && flour["version_to"] as? Int == 3)
            let fields = try #require(flour["fields"] as? [[String: Any]])
            #expect(fields.map { $0["field"] as? String } == ["value"])
            // Money as data: the decimal amounts as written, and {amount, currency} before and after.
            #expect(fields.first?["old"] as? String == "38400.00" && fields.first?["new"] as? String == "41200.00")
            #expect((flour["value_from"] as? [String: String]) == ["amount": "38400.00", "currency": "GBP"])
            #expect((flour["value_to"] as? [String: String]) == ["amount": "41200.00", "currency": "GBP"])
            let compliance = try #require(flour["compliance"] as? [[String: Any]])
            #expect(compliance.map { $0["field"] as? String } == ["overall_score", "risk_level"])
            #expect(compliance.map { $0["new"] as? String } == ["82", "medium"])
            #expect(compliance.allSatisfy { $0["old"] is NSNull })
            let sections = try #require(flour["sections"] as? [String: [String]])
            #expect(sections["changed"] == ["4. Price and Payment"])
            #expect(sections["added"] == ["13. Organic Certification", "14. Governing Law"])
            #expect(sections["removed"] == ["13. Governing Law"])
            #expect((flour["findings"] as? [Any])?.isEmpty == true)

            let laser = contracts[3]
            let findings = try #require(laser["findings"] as? [[String: Any]])
            #expect(findings.map { $0["rule"] as? String } == ["read-only"])
            #expect(findings.first?["commit"] as? String == (try LC.head(sb)))
            #expect((contracts[2]["fields"] as? [Any])?.isEmpty == true, "termination changes no field")
        }
    }

    @Test("review: a branch that passes check says so; an unknown base is a clean error")
    func reviewPassingAndBadBase() throws {
        try E2E.withSandbox { sb in
            try Branch.build(sb)
            try sb.git(["reset", "-q", "--hard", "HEAD~1"], in: "demo")
            let r = try LC.run(sb, ["review", "--base", "main"])
            #expect(r.exitCode == 0)
            #expect(
                r.lines.dropFirst().first?.hasPrefix("4 contracts changed in 6 commits since `main` (") == true, "\(r)")
            #expect(r.lines.dropFirst().first?.hasSuffix("✅ `pactoria check` passed.") == true, "\(r)")
            #expect(!r.stdout.contains("❌"))

            let bad = try LC.run(sb, ["review", "--base", "no-such-branch"])
            E2E.expectCleanError(bad)
            #expect(bad.stderr == "error: --base no-such-branch: no such revision\n", "\(bad)")
        }
    }

    // MARK: domain-event hooks

    static func installHook(_ sb: Sandbox, _ event: String, _ script: String, executable: Bool = true) throws {
        let dir = "demo/.pactoria/hooks"
        try FileManager.default.createDirectory(atPath: sb.path(dir), withIntermediateDirectories: true)
        try Spawn.writeExecutable(sb.path("\(dir)/\(event)"), "#!/bin/sh\n" + script)
        if !executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: sb.path("\(dir)/\(event)"))
        }
    }

    @Test("A hook receives its event as JSON on stdin, after the commit")
    func hookReceivesEvent() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let out = sb.path("hook-out")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try Self.installHook(
                sb, "contract.activated",
                """
                cat > '\(out)/payload.json'
                printf '%s\\n%s\\n%s\\n' "$PACTORIA_EVENT" "$PACTORIA_WORKSPACE" "$(pwd)" > '\(out)/env.txt'
                git log -1 --format=%H > '\(out)/head.txt'
                """)
            try Self.installHook(sb, "contract.finalized", "touch '\(out)/finalized-ran'\n", executable: false)
            #expect(try LC.run(sb, ["commit", "-m", "Add an activation hook"]).exitCode == 0)
            // Issue #11: a tracked hook runs only once approved on this machine.
            #expect(try LC.run(sb, ["hooks", "approve"]).exitCode == 0)

            let ref = LC.pendingFlour
            #expect(try LC.run(sb, ["finalize", ref]).exitCode == 0)
            #expect(!sb.exists("hook-out/payload.json"), "another event's hook")
            #expect(!sb.exists("hook-out/finalized-ran"), "a hook that is not executable does not run")

            let r = try LC.run(sb, ["activate", ref])
            #expect(r.exitCode == 0, "\(r)")
            #expect(r.stderr == "", "\(r)")
            let head = try LC.head(sb)
            let payload = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/payload.json")))
                    as? [String: Any])
            #expect(
                Set(payload.keys) == [
                    "event", "contract_id", "company", "path", "version", "commit", "from", "to", "actor",
                ], "\(payload)")
            #expect(payload["event"] as? String == "contract.activated")
            #expect(payload["contract_id"] as? String == (try LC.id(sb, ref)))
            #expect(payload["company"] as? String == "ancoats-bakehouse")
            #expect(payload["path"] as? String == LC.yaml(ref))
            #expect(payload["version"] as? Int == 2)
            #expect(payload["commit"] as? String == head)
            #expect(payload["from"] as? String == "pending_review" && payload["to"] as? String == "active")
            #expect(payload["actor"] as? String == LC.actor)
            let env = try sb.read("hook-out/env.txt").split(separator: "\n").map(String.init)
            let workspace = URL(fileURLWithPath: sb.path("demo")).resolvingSymlinksInPath().path
            #expect(env.first == "contract.activated")
            #expect(
                env.dropFirst().map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path } == [
                    workspace, workspace,
                ], "\(env)")
            #expect(try sb.read("hook-out/head.txt") == head + "\n", "the hook runs after the commit")
        }
    }

    @Test("A failing hook leaves the commit in place: a warning on stderr, exit 0")
    func failingHook() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            try Self.installHook(
                sb, "contract.terminated", "cat > /dev/null\necho 'cannot reach the CRM' >&2\nexit 3\n")
            #expect(try LC.run(sb, ["commit", "-m", "Add a termination hook"]).exitCode == 0)
            // Issue #11: a tracked hook runs only once approved on this machine.
            #expect(try LC.run(sb, ["hooks", "approve"]).exitCode == 0)
            let before = try LC.head(sb)
            let r = try LC.run(sb, ["terminate", LC.activeHarbour, "--reason", "Client cancelled the wharf project"])
            #expect(r.exitCode == 0, "\(r)")
            #expect(
                r.errorLines == [
                    "warning: hook .pactoria/hooks/contract.terminated failed (exit 3); the commit stands",
                    "  cannot reach the CRM",
                ], "\(r)")
            #expect(r.lines.last == " terminate \(LC.activeHarbour) (active → terminated, v2)", "\(r)")
            #expect(try LC.head(sb) != before)
            #expect(try sb.git(["rev-parse", "HEAD~1"], in: "demo").lines.first == before, "exactly one commit, kept")
            #expect(try LC.trailers(sb).contains("Pactoria-Event: contract.terminated"))
            #expect(LC.field("status", in: try sb.read("demo/\(LC.yaml(LC.activeHarbour))")) == "terminated")
            #expect(try LC.gitStatus(sb) == "")

            let json = try LC.run(sb, ["terminate", LC.draftCare, "--reason", "Not needed", "--json"])
            #expect(json.exitCode == 0, "\(json)")
            let hooks = try #require(try E2E.parseJSON(json)["hooks"] as? [[String: Any]])
            #expect(hooks.count == 1)
            #expect(
                hooks.first?["exit_code"] as? Int == 3
                    && hooks.first?["path"] as? String == ".pactoria/hooks/contract.terminated")
        }
    }

    @Test("Hooks run only after a commit: --no-commit runs none; the later `pactoria commit` fires the event")
    func hookAfterNoCommit() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            try Self.installHook(sb, "contract.submitted", "cat > '\(sb.path("submitted.json"))'\n")
            #expect(try LC.run(sb, ["commit", "-m", "Add a submission hook"]).exitCode == 0)
            // Issue #11: a tracked hook runs only once approved on this machine.
            #expect(try LC.run(sb, ["hooks", "approve"]).exitCode == 0)
            #expect(try LC.run(sb, ["submit", LC.draftCare, "--no-commit"]).exitCode == 0)
            #expect(!sb.exists("submitted.json"), "nothing committed, nothing announced")
            let c = try LC.run(sb, ["commit", "-m", "Submit the care plan"])
            #expect(c.exitCode == 0, "\(c)")
            #expect(try LC.trailers(sb).contains("Pactoria-Event: contract.submitted"), "the commit records the event")
            #expect(sb.exists("submitted.json"), "the recorded contract.submitted event reaches its hook")
        }
    }
}
