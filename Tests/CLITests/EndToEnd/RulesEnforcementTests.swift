import Foundation
import Testing

/// A hand edit that breaks one lifecycle rule, on a contract of the example workspace.
enum Breach: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case readOnlyEdit, readOnlyContent, illegalTransition, contentWithoutVersionBump, versionDecrease, deletedContract,
        terminateWithoutReason, activeMetadataEdit, activeContentNotFinalized, activatedWithoutFinalContent

    var testDescription: String { rawValue }

    var ref: String {
        switch self {
        case .readOnlyEdit: LC.terminatedLaser
        case .readOnlyContent: LC.completedSteel
        case .illegalTransition: LC.draftDrone
        case .contentWithoutVersionBump, .deletedContract: LC.draftCare
        case .versionDecrease: LC.pendingRotterdam
        case .terminateWithoutReason: LC.activeWebsite
        case .activeMetadataEdit: LC.activeLease
        case .activeContentNotFinalized: LC.activeShop
        case .activatedWithoutFinalContent: LC.pendingFlour
        }
    }

    var rule: String {
        switch self {
        case .readOnlyEdit, .readOnlyContent: "read-only"
        case .illegalTransition: "illegal-transition"
        case .contentWithoutVersionBump: "version-not-bumped"
        case .versionDecrease: "version-decreased"
        case .deletedContract: "contract-deleted"
        case .terminateWithoutReason: "missing-reason"
        case .activeMetadataEdit: "active-metadata-edit"
        case .activeContentNotFinalized, .activatedWithoutFinalContent: "content-not-final"
        }
    }

    var message: String {
        switch self {
        case .readOnlyEdit: "terminated contracts are read-only; editing title is refused"
        case .readOnlyContent: "completed contracts are read-only; changing the content is refused"
        case .illegalTransition: "status changed from draft to completed, which the lifecycle does not allow"
        case .contentWithoutVersionBump: "the content changed but version stayed at 1"
        case .versionDecrease: "version went down from 3 to 2"
        case .deletedContract: "contract files must not be deleted; terminate the contract instead"
        case .terminateWithoutReason: "active → terminated needs a reason recorded under lifecycle.terminated.reason"
        case .activeMetadataEdit: "active contracts take no metadata edits (end_date changed); use the lifecycle verbs"
        case .activeContentNotFinalized:
            "the content of an active contract changed without being finalized again; run `pactoria finalize`"
        case .activatedWithoutFinalContent:
            "activated without final content: lifecycle.final_content.sha256 must match the Markdown"
        }
    }

    /// `pactoria commit` bumps the version itself, so a content change without a bump is only a
    /// violation in history (plain git); everywhere else pactoria repairs it.
    var repairedByCommit: Bool { self == .contentWithoutVersionBump }

    /// Makes the edit in the working tree of `dir`.
    func apply(_ sb: E2E.Sandbox, in dir: String = "demo") throws {
        switch self {
        case .readOnlyEdit: try LC.setField(sb, ref, "title", "Laser Scanner Hire (amended)", in: dir)
        case .readOnlyContent, .contentWithoutVersionBump: try LC.appendClause(sb, ref, in: dir)
        case .illegalTransition: try LC.setField(sb, ref, "status", "completed", in: dir)
        case .versionDecrease: try LC.setField(sb, ref, "version", "2", in: dir)
        case .deletedContract:
            for p in [LC.yaml(ref), LC.markdown(ref)] {
                try FileManager.default.removeItem(atPath: sb.path("\(dir)/\(p)"))
            }
        case .terminateWithoutReason: try LC.setField(sb, ref, "status", "terminated", in: dir)
        case .activeMetadataEdit: try LC.setField(sb, ref, "end_date", "2031-09-30", in: dir)
        case .activeContentNotFinalized:
            try LC.appendClause(sb, ref, in: dir)
            try LC.setField(sb, ref, "version", "3", in: dir)
        case .activatedWithoutFinalContent: try LC.setField(sb, ref, "status", "active", in: dir)
        }
    }
}

/// Each lifecycle rule, enforced on every path a change can take: `pactoria commit`, `pactoria
/// status`, `pactoria check --base` over plain git history, and the pre-commit hook.
@Suite("End to end: rules enforcement")
struct RulesEnforcementTests {
    typealias Sandbox = E2E.Sandbox

    @Test("pactoria commit refuses the change and commits nothing", arguments: Breach.allCases)
    func commitRefuses(_ breach: Breach) throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let head = try LC.head(sb)
            try breach.apply(sb)
            let dirty = try LC.gitStatus(sb)
            let r = try LC.run(sb, ["commit", "-m", "Hand edit"])
            if breach.repairedByCommit {
                #expect(r.exitCode == 0, "\(r)")
                #expect(
                    LC.field("version", in: try sb.read("demo/\(LC.yaml(breach.ref))")) == "2",
                    "commit bumps the version")
                #expect(try LC.trailers(sb).contains("Pactoria-Event: contract.content_changed"))
                #expect(try LC.trailers(sb).contains("Pactoria-Version: 2"))
                #expect(
                    try LC.run(sb, ["check", "--base", head]).exitCode == 0, "what pactoria committed passes check")
                return
            }
            E2E.expectCleanError(r)
            #expect(r.exitCode == 1)
            #expect(r.stderr.hasPrefix("error: \(LC.yaml(breach.ref))"), "\(r)")
            #expect(r.stderr.hasSuffix("\(breach.message) [\(breach.rule)]\n"), "\(r)")
            #expect(try LC.head(sb) == head, "nothing committed")
            #expect(try sb.git(["diff", "--cached", "--name-only"], in: "demo").stdout == "", "nothing staged")
            #expect(try LC.gitStatus(sb) == dirty, "the edit is left as it was")
        }
    }

    @Test("pactoria status shows the problem; status --check exits 1", arguments: Breach.allCases)
    func statusShows(_ breach: Breach) throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            try breach.apply(sb)
            let porcelain = try LC.run(sb, ["status", "--porcelain"])
            #expect(porcelain.exitCode == 0, "status exits 0 without --check")
            let problems = porcelain.lines.filter { $0.hasPrefix("! ") }
            let text = try LC.run(sb, ["status"])
            let check = try LC.run(sb, ["status", "--check"])
            let json = try E2E.parseJSON(try LC.run(sb, ["status", "--json"]))
            let entry = (json["contracts"] as? [[String: Any]])?.first {
                "\($0["company"] ?? "")/\($0["stem"] ?? "")" == breach.ref
            }
            let messages = (entry?["problems"] as? [[String: Any]])?.compactMap { $0["message"] as? String }
            if breach.repairedByCommit {
                #expect(problems.isEmpty, "\(porcelain)")
                #expect(check.exitCode == 0, "\(check)")
                #expect(messages == [])
                return
            }
            #expect(problems.count == 1, "\(porcelain)")
            #expect(problems.first?.hasPrefix("! \(LC.yaml(breach.ref))") == true, "\(porcelain)")
            #expect(problems.first?.hasSuffix("\(breach.message) [\(breach.rule)]") == true, "\(porcelain)")
            #expect(text.stdout.contains("✗ \(LC.yaml(breach.ref))"), "\(text)")
            #expect(text.stdout.contains("1 problem must be fixed before `pactoria commit`."), "\(text)")
            #expect(check.exitCode == 1, "\(check)")
            #expect(messages == ["\(breach.message) [\(breach.rule)]"], "\(json)")
        }
    }

    @Test("pactoria check --base catches the change committed with plain git", arguments: Breach.allCases)
    func checkBaseCatches(_ breach: Breach) throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let base = try LC.head(sb)
            try breach.apply(sb)
            try LC.plainCommit(sb, "Hand edit with plain git")
            let head = try LC.head(sb)

            let json = try LC.run(sb, ["check", "--base", base, "--format", "json"])
            #expect(json.exitCode == 1, "\(json)")
            let report = try #require(
                try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
            #expect(report["passed"] as? Bool == false)
            #expect(report["commits_checked"] as? Int == 1)
            let findings = try #require(report["findings"] as? [[String: Any]])
            #expect(findings.count == 1, "\(findings)")
            let f = try #require(findings.first)
            #expect(f["rule"] as? String == breach.rule)
            #expect(f["message"] as? String == breach.message)
            #expect(f["file"] as? String == LC.yaml(breach.ref))
            #expect(f["commit"] as? String == head)

            let text = try LC.run(sb, ["check", "--base", base])
            #expect(text.exitCode == 1)
            let line = try #require(text.lines.first, "\(text)")
            let lineNumber = (f["line"] as? Int).map { ":\($0)" } ?? ""
            #expect(
                line
                    == "\(LC.yaml(breach.ref))\(lineNumber): error: \(breach.message) [\(breach.rule)] (commit \(head.prefix(7)))",
                "\(text)")
            #expect(text.lines.last?.hasPrefix("pactoria check: 1 problem in ") == true, "\(text)")
            #expect(text.lines.last?.hasSuffix(" contracts and 1 commit") == true, "\(text)")

            // HEAD's tree is valid on its own: only walking the history finds it.
            #expect(try LC.run(sb, ["check"]).exitCode == 0)
            #expect(try LC.run(sb, ["check", "--base", head]).exitCode == 0, "no commits since HEAD")
        }
    }

    @Test("check --base over a longer history: each breach named with its own commit, oldest first; legal commits pass")
    func checkWholeHistory() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            try sb.git(["tag", "base"], in: "demo")
            // Legal changes by pactoria and by plain git in between.
            #expect(try LC.run(sb, ["submit", LC.draftCare]).exitCode == 0)
            try LC.setField(sb, LC.pendingFlour, "title", "Organic Flour Supply Agreement 2027 (revised)")
            try LC.plainCommit(sb, "Retitle flour agreement")
            var expected: [(String, String)] = []
            for breach in [Breach.readOnlyEdit, .illegalTransition, .versionDecrease, .terminateWithoutReason] {
                try breach.apply(sb)
                try LC.plainCommit(sb, "Break \(breach.rawValue)")
                expected.append((breach.rule, try LC.head(sb)))
            }
            #expect(
                try LC.run(sb, ["terminate", LC.activeLease, "--reason", "Landlord sold the estate"]).exitCode == 0)

            let r = try LC.run(sb, ["check", "--base", "base", "--format", "json"])
            #expect(r.exitCode == 1)
            let report = try #require(
                try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r)")
            #expect(report["commits_checked"] as? Int == 7)
            #expect(report["contracts_checked"] as? Int == 15)
            let findings = try #require(report["findings"] as? [[String: Any]])
            #expect(findings.map { $0["rule"] as? String ?? "" } == expected.map(\.0), "\(findings)")
            #expect(findings.map { $0["commit"] as? String ?? "" } == expected.map(\.1))
        }
    }

    @Test("--format github prints one workflow annotation per problem")
    func githubAnnotations() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let base = try LC.head(sb)
            try Breach.readOnlyEdit.apply(sb)
            try Breach.terminateWithoutReason.apply(sb)
            try LC.plainCommit(sb, "Two breaches")
            let short = try LC.head(sb).prefix(7)
            let r = try LC.run(sb, ["check", "--base", base, "--format", "github"])
            #expect(r.exitCode == 1)
            #expect(
                r.lines == [
                    "::error file=\(LC.yaml(LC.terminatedLaser)),line=2,title=pactoria read-only::terminated contracts are read-only; editing title is refused (commit \(short))",
                    // The line of its `lifecycle:` section (#12.5 gave example-repo's active contracts one).
                    "::error file=\(LC.yaml(LC.activeWebsite)),line=31,title=pactoria missing-reason::active → terminated needs a reason recorded under lifecycle.terminated.reason (commit \(short))",
                    "pactoria check: 2 problems in 15 contracts and 1 commit",
                ], "\(r)")

            let clean = try LC.run(sb, ["check", "--base", "HEAD", "--format", "github"])
            #expect(clean.exitCode == 0)
            #expect(clean.lines == ["pactoria check: 15 contracts and 0 commits OK"], "\(clean)")
        }
    }

    @Test(
        "check --staged: the index against HEAD", arguments: [Breach.readOnlyEdit, .versionDecrease, .deletedContract])
    func checkStaged(_ breach: Breach) throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            #expect(try LC.run(sb, ["check", "--staged"]).stdout == "", "nothing staged: silent")
            try breach.apply(sb)
            #expect(try LC.run(sb, ["check", "--staged"]).exitCode == 0, "unstaged edits are not checked")
            try sb.git(["add", "-A"], in: "demo")
            let r = try LC.run(sb, ["check", "--staged"])
            #expect(r.exitCode == 1, "\(r)")
            #expect(r.lines.first?.hasSuffix("error: \(breach.message) [\(breach.rule)]") == true, "\(r)")
            #expect(r.lines.last == "pactoria check: 1 problem in staged changes", "\(r)")
        }
    }

    @Test("hooks install guards plain git commit: a bad staged change is refused, a good one allowed")
    func preCommitHook() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let installed = try LC.run(sb, ["hooks", "install"])
            #expect(installed.exitCode == 0, "\(installed)")
            #expect(installed.lines.first == "installed .git/hooks/pre-commit", "\(installed)")
            let hook = sb.path("demo/.git/hooks/pre-commit")
            #expect(FileManager.default.isExecutableFile(atPath: hook))
            #expect(try sb.read("demo/.git/hooks/pre-commit").contains("check --staged"))
            #expect(try LC.run(sb, ["hooks", "install"]).exitCode == 0, "installing again is fine")

            let head = try LC.head(sb)
            try Breach.readOnlyEdit.apply(sb)
            try sb.git(["add", "-A"], in: "demo")
            let refused = try sb.git(["commit", "-m", "Retitle the laser hire"], in: "demo")
            #expect(refused.exitCode != 0, "\(refused)")
            #expect(
                (refused.stdout + refused.stderr).contains("\(Breach.readOnlyEdit.message) [read-only]"), "\(refused)")
            #expect(try LC.head(sb) == head, "the hook stopped the commit")

            try sb.git(["reset", "-q", "--hard"], in: "demo")
            try LC.setField(sb, LC.draftCare, "title", "Website Care Plan Agreement 2027")
            try sb.git(["add", "-A"], in: "demo")
            let allowed = try sb.git(["commit", "-m", "Retitle the care plan"], in: "demo")
            #expect(allowed.exitCode == 0, "\(allowed)")
            #expect(try LC.head(sb) != head)
        }
    }

    @Test("hooks install will not overwrite someone else's pre-commit hook without --force")
    func preCommitHookForce() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let hook = "demo/.git/hooks/pre-commit"
            try sb.write("#!/bin/sh\nexit 0\n", to: hook)
            let refused = try LC.run(sb, ["hooks", "install"])
            E2E.expectCleanError(refused)
            #expect(refused.stderr.contains("pass --force"), "\(refused)")
            #expect(try sb.read(hook) == "#!/bin/sh\nexit 0\n")
            let forced = try LC.run(sb, ["hooks", "install", "--force"])
            #expect(forced.exitCode == 0, "\(forced)")
            #expect(try sb.read(hook + ".pre-pactoria") == "#!/bin/sh\nexit 0\n")
            #expect(try sb.read(hook).contains("check --staged"))
        }
    }

    /// A merge commit's own changes (made while resolving it) are part of the history too: a
    /// read-only contract edited inside a merge must fail `check --base` like any other commit.
    @Test("check --base: an edit made inside a merge commit is checked")
    func checkEvilMerge() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let base = try LC.head(sb)
            try sb.git(["checkout", "-q", "-b", "side"], in: "demo")
            try LC.setField(sb, LC.draftDrone, "title", "Drone Survey Subcontract (revised)")
            try LC.plainCommit(sb, "Side: retitle the drone survey")
            try sb.git(["checkout", "-q", "main"], in: "demo")
            try LC.setField(sb, LC.draftCare, "title", "Website Care Plan Agreement 2027")
            try LC.plainCommit(sb, "Main: retitle the care plan")
            let merge = try sb.git(["merge", "-q", "--no-commit", "--no-ff", "side"], in: "demo")
            try #require(merge.exitCode == 0, "\(merge)")
            try Breach.readOnlyEdit.apply(sb)
            try LC.plainCommit(sb, "Merge side")
            #expect(try sb.git(["rev-list", "--count", "--merges", "HEAD"], in: "demo").lines == ["1"])

            let r = try LC.run(sb, ["check", "--base", base, "--format", "json"])
            #expect(r.exitCode == 1, "\(r)")
            #expect(r.stdout.contains("\"rule\" : \"read-only\""), "\(r)")
            // The two ordinary commits and the merge were checked.
            #expect(r.stdout.contains("\"commits_checked\" : 3"), "\(r)")
        }
    }

    /// "active: metadata edits are refused except through the verbs". A verb that moves an active
    /// contract on (complete, terminate, expire) must not carry a hand edit of its fields with it,
    /// and a plain git commit that does both must fail `check --base`.
    @Test("A transition out of active does not launder a metadata edit")
    func transitionCarriesMetadataEdit() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb)
            let base = try LC.head(sb)
            try LC.replace(sb, "demo/\(LC.yaml(LC.activeLease))", "amount: \"21600.00\"", "amount: \"1.00\"")
            #expect(try LC.run(sb, ["status", "--check"]).exitCode == 1, "the edit alone is refused")
            let r = try LC.run(sb, ["complete", LC.activeLease])
            let after = try LC.head(sb)
            #expect(r.exitCode == 1, "\(r)")
            #expect(after == base, "nothing committed")
            // The same, committed with plain git, must fail check --base.
            try sb.git(["reset", "-q", "--hard", base], in: "demo")
            try LC.replace(sb, "demo/\(LC.yaml(LC.activeLease))", "amount: \"21600.00\"", "amount: \"1.00\"")
            try LC.setField(sb, LC.activeLease, "status", "completed")
            try LC.plainCommit(sb, "Complete the lease at a new price")
            let check = try LC.run(sb, ["check", "--base", base, "--format", "json"])
            #expect(check.exitCode == 1, "\(check)")
            #expect(check.stdout.contains("\"rule\" : \"active-metadata-edit\""), "\(check)")
        }
    }
}
