import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Consent records (issue #16): append-only events whose latest gives the state, the check
/// refusing a changed or removed record, hostile fields and files, the CLI's exit codes, the AI's
/// consent gate, and the API's scoping.
@Suite struct GDPRConsentTests {
    static let dpo = Author(name: "Data Officer", email: "dpo@example.co.uk")
    static let grace = Author(name: "Grace Whitworth", email: "grace@ancoatsbakehouse.co.uk")
    static let shown = "I agree that my contracts may be analysed by an AI service.\nI can withdraw at any time."

    static func bytes(_ root: String, _ id: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: root + "/" + ConsentRecords.path(id)))
    }

    @Test func eventsAreAppendOnlyAndTheLatestGivesTheState() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let subject = "jane@example.org"
        #expect(try ConsentRecords.status(ws, subject: subject, purpose: .aiAnalysis).status.latest == nil)

        let given = try ConsentRecords.record(
            ws, subject: subject, purpose: .aiAnalysis, basis: .consent, text: Self.shown, method: "web",
            author: Self.dpo)
        #expect(ConsentRecords.isValidID(given.id))
        #expect(given.sequence == 1 && given.supersedes == nil && given.state == .given)
        #expect(given.text == Self.shown)
        let first = try Self.bytes(root, given.id)
        let log = try runGit(root, ["log", "-1", "--format=%B"])
        #expect(log.contains("Pactoria-Contract: \(given.id)"))
        #expect(log.contains("Pactoria-Event: gdpr.consent_given"))
        #expect(!log.contains(subject), "the commit names the record, never the subject")
        #expect(try runGit(root, ["status", "--porcelain"]).isEmpty)

        // Another purpose is its own pair.
        let marketing = try ConsentRecords.record(
            ws, subject: subject, purpose: .marketing, basis: .legitimateInterests, text: "Newsletter",
            author: Self.dpo)
        let withdrawn = try ConsentRecords.withdraw(
            ws, subject: "JANE@example.org", purpose: .aiAnalysis, method: "email", author: Self.dpo)
        #expect(withdrawn.id != given.id)
        #expect(withdrawn.sequence == 2 && withdrawn.supersedes == given.id)
        #expect(withdrawn.legalBasis == .consent, "a withdrawal keeps the basis it withdraws")
        #expect(try Self.bytes(root, given.id) == first, "the first event is never rewritten")
        #expect(try runGit(root, ["log", "-1", "--format=%B"]).contains("Pactoria-Event: gdpr.consent_withdrawn"))

        var state = try ConsentRecords.status(ws, subject: subject, purpose: .aiAnalysis).status
        #expect(state.latest?.id == withdrawn.id)
        #expect(!state.isValid)
        #expect(try ConsentRecords.status(ws, subject: subject, purpose: .marketing).status.isValid)
        // Nothing left to withdraw.
        #expect(throws: WorkspaceError.self) {
            try ConsentRecords.withdraw(ws, subject: subject, purpose: .aiAnalysis, author: Self.dpo)
        }
        #expect(throws: WorkspaceError.self) {
            try ConsentRecords.withdraw(ws, subject: subject, purpose: .analytics, author: Self.dpo)
        }

        let again = try ConsentRecords.record(
            ws, subject: subject, purpose: .aiAnalysis, basis: .consent, text: Self.shown, author: Self.dpo)
        #expect(again.sequence == 3 && again.supersedes == withdrawn.id)
        state = try ConsentRecords.status(ws, subject: subject, purpose: .aiAnalysis).status
        #expect(state.isValid && state.latest?.id == again.id)

        let (records, problems) = ConsentRecords.list(ws, subject: subject)
        #expect(problems.isEmpty)
        #expect(Set(records.map(\.id)) == [given.id, marketing.id, withdrawn.id, again.id])
        #expect(try Self.bytes(root, given.id) == first)
        let current = ConsentRecords.current(records)
        #expect(current.count == 2)
        #expect(Set(current.compactMap { $0.latest?.id }) == [again.id, marketing.id])
        #expect(ConsentRecords.list(ws, subject: "someone@example.org").records.isEmpty)

        // The latest is the highest sequence whatever the times say (a clock set back).
        var early = again
        early.time = Timestamp(secondsSinceEpoch: 0)
        #expect(ConsentRecords.latest([withdrawn, early])?.id == again.id)
    }

    @Test func theCheckReportsAChangedRemovedOrHostileConsentRecord() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let a = try ConsentRecords.record(
            ws, subject: "jane@example.org", purpose: .aiAnalysis, basis: .consent, text: "Yes", author: Self.dpo)
        let b = try ConsentRecords.withdraw(ws, subject: "jane@example.org", purpose: .aiAnalysis, author: Self.dpo)
        _ = try ConsentRecords.record(
            ws, subject: "bob@example.org", purpose: .marketing, basis: .consent, text: "Yes", author: Self.dpo)
        let base = try RulesKit.head(root)
        let clean = try Check.run(ws, base: "HEAD~3")
        #expect(clean.passed && clean.findings.isEmpty, "\(clean.findings)")

        // The staged check (git's pre-commit hook) sees an edit before it is committed.
        try RulesKit.replace(root, ConsentRecords.path(b.id), "state: withdrawn", "state: given")
        _ = try runGit(root, ["add", "-A"])
        // (A fresh workspace, as the hook's process is: the index is read anew.)
        let staged = try Check.run(try Workspace.open(root: root), staged: true)
        #expect(staged.errors.contains { $0.rule == Check.Rule.consentChanged && $0.file == ConsentRecords.path(b.id) })

        // A withdrawal turned back into consent, one record removed, a hostile one added.
        try RulesKit.plainCommit(root, "Tamper")
        _ = try runGit(root, ["rm", "-q", ConsentRecords.path(a.id)])
        try RulesKit.write(
            root, ConsentRecords.path("cns-20260101-0badf00d"),
            "id: cns-20260101-0badf00d\nsubject: jane@example.org\npurpose: ai_analysis\nlegal_basis: consent\nstate: given\ntext: \"Yes\\u2028hidden\"\nmethod: web\ntime: 2026-01-01T00:00:00Z\nactor: Eve <eve@example.org>\nsequence: 9\n"
        )
        // A valid event added with plain git (no audit trailer): a warning, as it may be forged.
        try RulesKit.write(
            root, ConsentRecords.path("cns-20260101-00c0ffee"),
            "id: cns-20260101-00c0ffee\nsubject: bob@example.org\npurpose: marketing\nlegal_basis: consent\nstate: given\ntext: Yes\nmethod: web\ntime: 2026-01-01T00:00:00Z\nactor: Eve <eve@example.org>\nsequence: 7\n"
        )
        try RulesKit.plainCommit(root, "Remove and add")
        let report = try Check.run(ws, base: base)
        let unaudited = report.warnings.filter { $0.rule == Check.Rule.consentUnaudited }
        #expect(unaudited.map(\.file) == [ConsentRecords.path("cns-20260101-00c0ffee")])
        #expect(
            !report.findings.contains {
                $0.file == ConsentRecords.path("cns-20260101-00c0ffee") && $0.severity == .error
            })
        #expect(!report.passed)
        let errors = report.errors
        #expect(errors.contains { $0.rule == Check.Rule.consentChanged && $0.file == ConsentRecords.path(b.id) })
        #expect(
            errors.contains {
                $0.rule == Check.Rule.consentChanged && $0.file == ConsentRecords.path(a.id)
                    && $0.message.contains("removed")
            })
        let hostile = errors.first { $0.rule == Check.Rule.consentInvalid }
        #expect(hostile?.file == ConsentRecords.path("cns-20260101-0badf00d"))
        #expect(hostile?.message.hasPrefix("text: ") == true, "\(String(describing: hostile))")
        #expect(hostile?.line == 6)
        // The CLI says so too.
        let run = try RulesKit.pactoria(root, ["check", "--base", base])
        #expect(run.status != 0)
        #expect(
            run.stdout.contains("consent-record-changed") || run.stderr.contains("consent-record-changed"), "\(run)")
    }

    @Test func hostileInputIsRefusedWithTheFieldNamed() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let head = try RulesKit.head(root)
        func field(_ body: () throws(WorkspaceError) -> Void) -> String? {
            do throws(WorkspaceError) {
                try body()
                return nil
            } catch {
                if case .invalidInput(let f, _) = error { return f }
                return "other: \(error)"
            }
        }
        let ok = "jane@example.org"
        let megabyte = String(repeating: "a", count: 1 << 20)
        let cases: [(String, String, String, String, String?)] = [
            // (subject, text, method, expected field, company)
            ("ja\u{0}ne@example.org", "Yes", "cli", "subject", nil),
            ("jane@example.org\r\nBcc: x", "Yes", "cli", "subject", nil),
            ("jane\u{2028}@example.org", "Yes", "cli", "subject", nil),
            (String(repeating: "j", count: 400), "Yes", "cli", "subject", nil),
            (ok, "Yes\r\nNo", "cli", "text", nil),
            (ok, "Yes\u{0}", "cli", "text", nil),
            (ok, "Yes\u{2029}", "cli", "text", nil),
            (ok, "Yes\u{202E}oN", "cli", "text", nil),
            (ok, megabyte, "cli", "text", nil),
            (ok, "   ", "cli", "text", nil),
            (ok, "Yes", "Web Form", "method", nil),
            (ok, "Yes", "web\n", "method", nil),
            (ok, "Yes", "cli", "company", "no-such-company"),
        ]
        for (subject, text, method, expected, company) in cases {
            let f = field { () throws(WorkspaceError) in
                _ = try ConsentRecords.record(
                    ws, subject: subject, purpose: .aiAnalysis, basis: .consent, text: text, method: method,
                    company: company, author: Self.dpo)
            }
            #expect(f == expected, "\(expected): got \(String(describing: f))")
        }
        #expect(try RulesKit.head(root) == head, "nothing was committed")
        #expect(!FileManager.default.fileExists(atPath: root + "/" + ConsentRecords.directory))

        // Hostile files: each is a problem naming the file and the field, never a record.
        let dir = root + "/" + ConsentRecords.directory
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func event(_ id: String, _ replacing: [String: String] = [:]) -> String {
            var fields: [(String, String)] = [
                ("id", id), ("subject", "jane@example.org"), ("purpose", "ai_analysis"), ("legal_basis", "consent"),
                ("state", "given"), ("text", "Yes"), ("method", "web"), ("time", "2026-01-01T00:00:00Z"),
                ("actor", "Eve <eve@example.org>"), ("sequence", "1"),
            ]
            for (k, v) in replacing {
                if let i = fields.firstIndex(where: { $0.0 == k }) { fields[i].1 = v } else { fields.append((k, v)) }
            }
            return fields.filter { !$0.1.isEmpty }.map { "\($0.0): \($0.1)\n" }.joined()
        }
        let files: [(String, String, String?)] = [
            ("cns-20260101-00000001", event("cns-20260101-00000001", ["purpose": "mind_reading"]), "purpose"),
            ("cns-20260101-00000002", event("../../config"), "id"),
            ("cns-20260101-00000003", event("cns-20260101-00000003", ["sequence": "9223372036854775808"]), "sequence"),
            ("cns-20260101-00000004", event("cns-20260101-00000004", ["time": "yesterday"]), "time"),
            ("cns-20260101-00000005", event("cns-20260101-00000005", ["text": "\"a\\0b\""]), "text"),
            ("cns-20260101-00000006", event("cns-20260101-00000006", ["text": ""]), "text"),
            ("cns-20260101-00000007", event("cns-20260101-00000007", ["actor": "nobody"]), "actor"),
            ("cns-20260101-00000008", event("cns-20260101-00000008", ["legal_basis": "because"]), "legal_basis"),
            ("cns-20260101-00000009", event("cns-20260101-00000009", ["state": "maybe"]), "state"),
            (
                "cns-20260101-0000000a", event("cns-20260101-0000000a", ["subject": "\"x\\u2028y@example.org\""]),
                "subject"
            ),
            ("cns-20260101-0000000b", event("cns-20260101-0000000b", ["supersedes": "/etc/passwd"]), "supersedes"),
            ("cns-20260101-0000000c", "- 1\n- 2\n", nil),
            (
                "cns-20260101-0000000d",
                event("cns-20260101-0000000d") + "pad: " + String(repeating: "x", count: 70_000) + "\n", nil
            ),
        ]
        for (id, text, _) in files { try RulesKit.write(root, ConsentRecords.path(id), text) }
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/cns-20260101-0000000e.yaml", withDestinationPath: root + "/.pactoria/config.yaml")
        let (records, problems) = ConsentRecords.list(ws)
        #expect(records.isEmpty, "\(records)")
        #expect(problems.count == files.count + 1, "\(problems)")
        for (id, _, f) in files {
            let p = problems.first { $0.file == ConsentRecords.path(id) }
            #expect(p != nil, "\(id)")
            if let f { #expect(p?.field == f, "\(id): \(String(describing: p))") }
        }
        // A damaged file never gives consent.
        #expect(!(try ConsentRecords.status(ws, subject: "jane@example.org", purpose: .aiAnalysis).status.isValid))
        let run = try RulesKit.pactoria(root, ["gdpr", "consent", "list"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("cns-20260101-00000001.yaml"))
    }

    @Test func theCLIRecordsWithdrawsChecksAndLists() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let base = ["--subject", "jane@example.org", "--purpose", "ai_analysis"]
        let unset = try RulesKit.pactoria(root, ["gdpr", "consent", "check"] + base)
        #expect(unset.status == 1, "\(unset)")
        #expect(unset.stdout.hasPrefix("not valid:") && unset.stdout.split(separator: "\n").count == 1)
        let recorded = try RulesKit.pactoria(
            root,
            ["gdpr", "consent", "record"] + base + ["--basis", "consent", "--text", "Yes please", "--method", "web"])
        #expect(recorded.status == 0, "\(recorded)")
        let valid = try RulesKit.pactoria(root, ["gdpr", "consent", "check"] + base)
        #expect(valid.status == 0, "\(valid)")
        #expect(valid.stdout.hasPrefix("valid:"))
        let withdrawn = try RulesKit.pactoria(root, ["gdpr", "consent", "withdraw"] + base)
        #expect(withdrawn.status == 0, "\(withdrawn)")
        let now = try RulesKit.pactoria(root, ["gdpr", "consent", "check"] + base)
        #expect(now.status == 1)
        #expect(now.stdout.contains("withdrawn"))
        let bad = try RulesKit.pactoria(
            root,
            [
                "gdpr", "consent", "record", "--subject", "jane@example.org", "--purpose", "telepathy", "--basis",
                "consent", "--text", "x",
            ])
        #expect(bad.status == 64, "\(bad)")
        #expect(bad.stderr.contains("purpose"))
        let badCheck = try RulesKit.pactoria(
            root, ["gdpr", "consent", "check", "--subject", "j", "--purpose", "ai_analysis"])
        #expect(badCheck.status == 64, "\(badCheck)")
        let list = try RulesKit.pactoria(root, ["gdpr", "consent", "list", "--json"])
        #expect(list.status == 0)
        let array = (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(array.count == 2)
        #expect(array.last?["state"] as? String == "withdrawn")
        #expect(array.last?["current"] as? Bool == true)
        #expect(array.first?["current"] as? Bool == false)
        #expect(array.first?["text"] as? String == "Yes please")
        let table = try RulesKit.pactoria(root, ["gdpr", "consent", "list", "--subject", "bob@example.org"])
        #expect(table.status == 0 && table.stdout.contains("no consent records"))
    }

    /// The AI provider is a loopback stub: it must never be asked without the consent the
    /// workspace requires.
    @Test func aiGenerationAndAnalysisNeedConsentWhenTheWorkspaceRequiresIt() throws {
        let stub = try LoopbackHTTPServer(responses: [.json(#"{"error":"boom"}"#, status: 500)])
        defer { stub.stop() }
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let env = [
            "PACTORIA_AI_API_KEY": "sk-test-secret-123", "PACTORIA_AI_BASE_URL": stub.baseURL + "/v1",
            "PACTORIA_AI_MODEL": "stub-model",
        ]
        let contract = RulesKit.draftCare
        func analyse(_ ws: Workspace) -> WorkspaceError? {
            let r = Result { () throws(WorkspaceError) in
                try Drafting.analyze(
                    ws, spec: contract, force: true, provider: .ai, author: Self.grace, environment: env)
            }
            if case .failure(let e) = r { return e }
            return nil
        }
        func isConsentRefusal(_ e: WorkspaceError?) -> Bool {
            guard case .refused(let why, _)? = e else { return false }
            return why.contains("ai_analysis consent")
        }

        // Not required (the default): the stub is asked.
        var ws = try Workspace.open(root: root)
        #expect(!ws.config.requireConsent)
        let free = analyse(ws)
        #expect(!isConsentRefusal(free), "\(String(describing: free))")
        // (The client retries a 500: count what was asked, not how often.)
        let asked = stub.requests.count
        #expect(asked >= 1)

        try RulesKit.write(
            root, Workspace.configPath,
            try RulesKit.read(root, Workspace.configPath) + "gdpr:\n  require_consent: true\n")
        ws = try Workspace.open(root: root)
        #expect(ws.config.requireConsent)
        let refused = analyse(ws)
        #expect(isConsentRefusal(refused), "\(String(describing: refused))")
        #expect(refused?.description.contains(Self.grace.email) == true)
        #expect(refused?.remedy == .recordConsent(subject: Self.grace.email, purpose: "ai_analysis"))
        #expect(throws: WorkspaceError.self) {
            try Drafting.generate(
                ws, spec: contract, regenerate: true, provider: .ai, allowFallback: true, author: Self.grace,
                environment: env, force: true)
        }
        #expect(throws: WorkspaceError.self) {
            try Drafting.analyzeText(
                ws, text: "Some terms", type: .serviceAgreement, provider: .ai, actor: Self.grace.email,
                environment: env)
        }
        #expect(throws: WorkspaceError.self) {
            try Drafting.analyzeAll(ws, force: true, provider: .ai, author: Self.grace, environment: env)
        }
        #expect(stub.requests.count == asked, "refused before anything is sent")
        // The local analyser needs no consent.
        _ = try Drafting.analyze(ws, spec: contract, force: true, provider: .local, author: Self.grace, commit: false)
        // The CLI says which purpose is missing and how to record it.
        let cli = try runPactoria(
            root, ["analyze", contract, "--provider", "ai", "--author", Self.grace.description],
            environment: env.mapValues { Optional($0) })
        #expect(cli.status != 0)
        #expect(cli.stderr.contains("ai_analysis consent"), "\(cli)")
        #expect(cli.stderr.contains("pactoria gdpr consent record"), "\(cli)")
        #expect(stub.requests.count == asked)

        // Someone else's consent is not the actor's.
        _ = try ConsentRecords.record(
            ws, subject: "someone@example.org", purpose: .aiAnalysis, basis: .consent, text: "Yes", author: Self.dpo)
        #expect(isConsentRefusal(analyse(ws)))
        _ = try ConsentRecords.record(
            ws, subject: Self.grace.email, purpose: .aiAnalysis, basis: .consent, text: "Yes", author: Self.dpo)
        let allowed = analyse(ws)
        #expect(!isConsentRefusal(allowed), "\(String(describing: allowed))")
        let askedAgain = stub.requests.count
        #expect(askedAgain > asked)
        _ = try ConsentRecords.withdraw(ws, subject: Self.grace.email, purpose: .aiAnalysis, author: Self.dpo)
        #expect(isConsentRefusal(analyse(ws)))
        #expect(stub.requests.count == askedAgain)

        // A config value that is not true or false is a problem, not a silent default.
        try RulesKit.replace(root, Workspace.configPath, "require_consent: true", "require_consent: perhaps")
        #expect(throws: WorkspaceError.self) { try Workspace.open(root: root) }
    }

    @Test func theAPIScopesConsentToTheCallerAndTheirCompany() async throws {
        let s = try await LiveServer(.live) { root in
            let config = root + "/" + Workspace.configPath
            let text = try String(contentsOfFile: config, encoding: .utf8)
            try Data((text + "gdpr:\n  require_consent: true\n").utf8).write(to: URL(fileURLWithPath: config))
        }
        let path = "/api/v1/security/gdpr/consent"
        let viewer = try s.token("viewer@brickline.co.uk")
        let admin = try s.token("admin@example.co.uk")  // brickline
        let ancoats = try s.token("manager@ancoats.co.uk")
        let give: [String: Any] = ["purpose": "ai_analysis", "legal_basis": "consent", "text": "Yes", "method": "web"]
        #expect(try await s.call("POST", path, json: give).status == 401)

        let own = try await s.call("POST", path, token: viewer, json: give)
        #expect(own.status == 201, "\(own.text)")
        #expect(own.json["subject"] as? String == "viewer@brickline.co.uk")
        #expect(own.json["company"] as? String == "brickline")
        #expect(own.json["state"] as? String == "given")

        // A user records only their own; another company's user is not an admin's to record.
        var other = give
        other["subject"] = "legal@brickline.co.uk"
        #expect(try await s.call("POST", path, token: viewer, json: other).status == 403)
        other["subject"] = "viewer@brickline.co.uk"
        #expect(try await s.call("POST", path, token: ancoats, json: other).status == 403)
        other["subject"] = "manager@ancoats.co.uk"
        #expect(try await s.call("POST", path, token: admin, json: other).status == 404)
        var elsewhere = give
        elsewhere["company"] = "ancoats"
        #expect(try await s.call("POST", path, token: viewer, json: elsewhere).status == 404)
        other["subject"] = "legal@brickline.co.uk"
        #expect(try await s.call("POST", path, token: admin, json: other).status == 201)

        // Bad input names the field.
        for (k, v) in [
            ("purpose", "mind_reading"), ("legal_basis", "because"), ("text", "a\u{2028}b"), ("method", "Web Form"),
        ] {
            var bad = give
            bad[k] = v
            let r = try await s.call("POST", path, token: viewer, json: bad)
            #expect(r.status == 422, "\(k): \(r.status) \(r.text)")
            #expect(r.text.contains(k), "\(k): \(r.text)")
        }
        #expect(try await s.call("POST", path, token: viewer, json: ["purpose": "ai_analysis"]).status == 422)

        // Lists: an admin sees their company's; a user their own; never another company's.
        let listed = try await s.call("GET", path, token: admin)
        #expect(listed.status == 200)
        #expect(listed.json["total"] as? Int == 2, "\(listed.text)")
        #expect(try await s.call("GET", path + "?company=ancoats", token: admin).status == 404)
        #expect(try await s.call("GET", path + "?subject=manager@ancoats.co.uk", token: admin).status == 404)
        let theirs = try await s.call("GET", path, token: ancoats)
        #expect(theirs.json["total"] as? Int == 0, "\(theirs.text)")
        #expect(try await s.call("GET", path + "?subject=viewer@brickline.co.uk", token: ancoats).status == 403)
        let mine = try await s.call("GET", path, token: viewer)
        #expect(mine.json["total"] as? Int == 1, "\(mine.text)")

        // Check and withdraw.
        let check = path + "/check?purpose=ai_analysis"
        #expect(try await s.call("GET", check, token: viewer).json["valid"] as? Bool == true)
        #expect(try await s.call("GET", path + "/check", token: viewer).status == 422)
        #expect(
            try await s.call("GET", check + "&subject=viewer@brickline.co.uk", token: ancoats).status == 403)
        let withdrawn = try await s.call(
            "POST", path + "/withdraw", token: viewer, json: ["purpose": "ai_analysis", "method": "web"])
        #expect(withdrawn.status == 201, "\(withdrawn.text)")
        #expect(withdrawn.json["state"] as? String == "withdrawn")
        #expect(try await s.call("GET", check, token: viewer).json["valid"] as? Bool == false)
        #expect(
            try await s.call("GET", check + "&subject=viewer@brickline.co.uk", token: admin).json["valid"] as? Bool
                == false)
        #expect(
            try await s.call("POST", path + "/withdraw", token: viewer, json: ["purpose": "ai_analysis"]).status == 400)

        // The workspace requires consent: AI analysis without it is refused, naming the purpose.
        let manager = try s.token("manager@brickline.co.uk")
        let analyse: [String: Any] = ["text": "Terms", "contract_type": "service_agreement", "provider": "ai"]
        let refused = try await s.call("POST", "/api/v1/ai/analyze-contract", token: manager, json: analyse)
        #expect(refused.status == 403, "\(refused.text)")
        #expect(refused.text.contains("consent_required") && refused.text.contains("ai_analysis"), "\(refused.text)")
        var local = analyse
        local["provider"] = "local"
        #expect(try await s.call("POST", "/api/v1/ai/analyze-contract", token: manager, json: local).status == 200)
        let consent = try await s.call("POST", path, token: manager, json: give)
        #expect(consent.status == 201)
        let allowed = try await s.call("POST", "/api/v1/ai/analyze-contract", token: manager, json: analyse)
        #expect(allowed.status != 403, "\(allowed.text)")
    }
}
