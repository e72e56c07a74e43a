import Foundation
import PactoriaTestSupport
import Testing

/// Two (or more) workspaces sharing a bare repository in one sandbox, for the sync suite.
enum SyncKit {
    typealias Sandbox = E2E.Sandbox

    static let bare = "origin.git"

    /// Adopts example-repo in `a`, makes the bare repository `origin.git` (or `bareName`), pushes `a`
    /// to it (setting the upstream) and copies `a` to each of `clones`: byte-for-byte clones, each
    /// with `origin` and the upstream already configured.
    static func setUp(_ sb: Sandbox, clones: [String] = ["b"], bareName: String = bare) throws {
        try LC.adopt(sb, "a")
        let made = try sb.git(["init", "-q", "--bare", "-b", "main", bareName])
        try #require(made.exitCode == 0, "\(made)")
        let added = try run(sb, ["remote", "add", "origin", sb.path(bareName)], in: "a")
        try #require(added.exitCode == 0, "\(added)")
        let pushed = try run(sb, ["push"], in: "a")
        try #require(pushed.exitCode == 0, "\(pushed)")
        try #require(pushed.lines.contains("branch 'main' set up to track 'origin/main'"), "\(pushed)")
        for clone in clones { try FileManager.default.copyItem(atPath: sb.path("a"), toPath: sb.path(clone)) }
    }

    @discardableResult
    static func run(_ sb: Sandbox, _ args: [String], in dir: String, env: [String: String?] = [:]) throws -> E2E.Result
    {
        var e = env
        e["PACTORIA_TODAY"] = LC.today
        return try sb.pactoria(args, in: dir, env: e)
    }

    static func head(_ sb: Sandbox, _ dir: String, _ rev: String = "HEAD") throws -> String {
        try sb.git(["rev-parse", "--verify", "-q", rev], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func parents(_ sb: Sandbox, _ dir: String, _ rev: String = "HEAD") throws -> [String] {
        try sb.git(["log", "-1", "--format=%P", rev], in: dir).stdout.split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The bare repository's `main`.
    static func bareMain(_ sb: Sandbox, _ bareName: String = bare) throws -> String {
        try sb.git(["--git-dir=\(sb.path(bareName))", "rev-parse", "main"]).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    static func bareShow(_ sb: Sandbox, _ path: String, _ bareName: String = bare) throws -> E2E.Result {
        try sb.git(["--git-dir=\(sb.path(bareName))", "show", "main:\(path)"])
    }

    /// `contract_value.amount` as written (quotes stripped).
    static func amount(_ yaml: String) -> String? {
        let lines = yaml.split(separator: "\n").map(String.init)
        guard let i = lines.firstIndex(of: "contract_value:"), i + 1 < lines.count, lines[i + 1].hasPrefix("  amount: ")
        else { return nil }
        return String(lines[i + 1].dropFirst("  amount: ".count)).trimmingCharacters(
            in: CharacterSet(charactersIn: "\"'"))
    }

    static func amount(_ sb: Sandbox, _ ref: String, in dir: String) throws -> String? {
        amount(try sb.read("\(dir)/\(LC.yaml(ref))"))
    }

    /// Sets `contract_value.amount` by hand (as a person editing the YAML would).
    static func setAmount(_ sb: Sandbox, _ ref: String, _ value: String, in dir: String) throws {
        let path = "\(dir)/\(LC.yaml(ref))"
        var lines = try sb.read(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = try #require(lines.firstIndex(of: "contract_value:"), "contract_value in \(path)")
        try #require(lines[i + 1].hasPrefix("  amount: "), "amount in \(path)")
        lines[i + 1] = "  amount: \"\(value)\""
        try sb.write(lines.joined(separator: "\n"), to: path)
    }

    /// Edits by hand and commits with `pactoria commit`.
    static func commit(_ sb: Sandbox, _ message: String, in dir: String) throws {
        let r = try run(sb, ["commit", "-m", message], in: dir)
        try #require(r.exitCode == 0, "\(r)")
    }

    static func expectOK(_ r: E2E.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.exitCode == 0, "\(r)", sourceLocation: sourceLocation)
    }

    /// Moves the bare repository away (the remote path is unreachable) for the duration of `body`.
    static func offline<R>(_ sb: Sandbox, _ body: () throws -> R) throws -> R {
        try FileManager.default.moveItem(atPath: sb.path(bare), toPath: sb.path("away.git"))
        defer { try? FileManager.default.moveItem(atPath: sb.path("away.git"), toPath: sb.path(bare)) }
        return try body()
    }

    static var offlinePush: Regex<(Substring, Substring)> {
        /^error: offline: cannot reach 'origin'; (\d+) commits? kept locally, nothing lost; run `pactoria push` again later$/
    }
}

/// Remotes, push, pull, sync and the contract-aware merge, through the built binary, with real
/// repositories and the git CLI as the independent peer and reader (issue #6).
@Suite("End to end: sync (remotes, push, pull, contract-aware merge)")
struct SyncTests {
    typealias Sandbox = E2E.Sandbox
    let care = LC.draftCare
    let drone = LC.draftDrone

    @Test("offline divergence, rejected push, field-by-field merge, same-field conflict, resolve, push")
    func offlineDivergenceAndMerge() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb)
            let start = try SyncKit.head(sb, "a")

            // Each side commits while the remote is unreachable: a submits, b raises the value.
            SyncKit.expectOK(try SyncKit.run(sb, ["submit", care], in: "a"))
            try SyncKit.setAmount(sb, care, "8400.00", in: "b")
            try SyncKit.commit(sb, "Raise the care plan's value", in: "b")

            try SyncKit.offline(sb) {
                for dir in ["a", "b"] {
                    let before = try SyncKit.head(sb, dir)
                    let r = try SyncKit.run(sb, ["push"], in: dir)
                    #expect(r.exitCode == 2, "\(r)")
                    let line = try #require(r.errorLines.first, "\(r)")
                    let match = try #require(try SyncKit.offlinePush.wholeMatch(in: line), "\(r)")
                    #expect(match.output.1 == "1", "\(r)")
                    #expect(r.errorLines.count == 1, "one line: \(r)")
                    #expect(try SyncKit.head(sb, dir) == before, "local branch untouched")
                    #expect(try SyncKit.head(sb, dir, "refs/remotes/origin/main") == start)
                    #expect(try LC.gitStatus(sb, dir) == "")
                    let st = try SyncKit.run(sb, ["status"], in: dir)
                    #expect(
                        st.lines.contains("Your branch is ahead of 'origin/main' by 1 commit; run `pactoria push`."),
                        "\(st)")
                }
                // Pulling offline changes nothing either.
                let pulled = try SyncKit.run(sb, ["pull"], in: "b")
                #expect(pulled.exitCode == 2, "\(pulled)")
                #expect(pulled.stderr.contains("offline: cannot reach 'origin'; nothing changed locally"), "\(pulled)")
            }

            // Back online: a's push goes through; b's is rejected and told to pull.
            let pushedA = try SyncKit.run(sb, ["push"], in: "a")
            #expect(pushedA.exitCode == 0 && pushedA.lines == ["pushed 1 commit to origin/main"], "\(pushedA)")
            let aTip = try SyncKit.head(sb, "a")
            #expect(try SyncKit.bareMain(sb) == aTip)
            let bBefore = try SyncKit.head(sb, "b")
            let rejected = try SyncKit.run(sb, ["push"], in: "b")
            #expect(rejected.exitCode == 1, "\(rejected)")
            #expect(rejected.stderr.contains("run `pactoria pull` first, then push"), "\(rejected)")
            E2E.expectCleanError(rejected)
            #expect(try SyncKit.head(sb, "b") == bBefore)
            #expect(try SyncKit.bareMain(sb) == aTip, "the remote is untouched")

            // Different fields of the same contract: merged automatically.
            let pulled = try SyncKit.run(sb, ["pull"], in: "b")
            #expect(pulled.exitCode == 0, "\(pulled)")
            #expect(pulled.lines.first?.hasPrefix("Merged origin/main into main (") == true, "\(pulled)")
            #expect(pulled.lines.contains("  merged field by field: \(care)"), "\(pulled)")
            #expect(try SyncKit.parents(sb, "b") == [bBefore, aTip], "a merge commit with both parents")
            let merged = try sb.read("b/\(LC.yaml(care))")
            #expect(LC.field("status", in: merged) == "pending_review", "\(merged)")
            #expect(SyncKit.amount(merged) == "8400.00", "\(merged)")
            #expect(merged.contains("\n  submitted:\n"), "a's lifecycle stamp came along: \(merged)")
            #expect(try LC.gitStatus(sb, "b") == "")
            SyncKit.expectOK(try SyncKit.run(sb, ["check"], in: "b"))
            // The contract's log shows both sides' work, as `git log -- PATH` does: a's submit made
            // on its own machine, b's value change, and the merge that combined them.
            let history = try SyncKit.run(sb, ["log", care, "--json"], in: "b")
            let entries = try #require(
                try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]], "\(history)")
            let commits = entries.compactMap { $0["commit"] as? String }
            #expect(commits.contains(aTip), "a's submit is in b's log of the contract: \(history)")
            #expect(commits.contains(bBefore), "\(history)")
            #expect(entries.contains { ($0["event"] as? String) == "contract.submitted" }, "\(history)")
            let pushedB = try SyncKit.run(sb, ["push"], in: "b")
            #expect(pushedB.exitCode == 0 && pushedB.lines == ["pushed 2 commits to origin/main"], "\(pushedB)")
            let ff = try SyncKit.run(sb, ["pull"], in: "a")
            #expect(
                ff.exitCode == 0 && ff.lines.first?.hasPrefix("Fast-forward: 2 commits from origin, now at ") == true,
                "\(ff)")
            #expect(try SyncKit.head(sb, "a") == SyncKit.head(sb, "b"))

            // Round two: the same field changed to different values.
            try SyncKit.setAmount(sb, care, "9000.00", in: "a")
            try SyncKit.commit(sb, "Value from a", in: "a")
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a"))
            let aSecond = try SyncKit.head(sb, "a")
            try SyncKit.setAmount(sb, care, "9500.00", in: "b")
            try SyncKit.commit(sb, "Value from b", in: "b")
            let bSecond = try SyncKit.head(sb, "b")

            let conflicted = try SyncKit.run(sb, ["pull"], in: "b")
            #expect(conflicted.exitCode == 1, "\(conflicted)")
            #expect(conflicted.lines.first == "Merge conflicts in 1 contract:", "\(conflicted)")
            #expect(
                conflicted.lines.contains("    ✗ contract_value.amount: ours '9500.00', theirs '9000.00'"),
                "\(conflicted)")
            #expect(try SyncKit.head(sb, "b") == bSecond, "no commit while conflicted")
            #expect(sb.exists("b/.git/MERGE_HEAD"), "git knows a merge is in progress")

            let st = try SyncKit.run(sb, ["status"], in: "b")
            #expect(st.lines.contains("You are merging origin/main."), "\(st)")
            #expect(st.lines.contains("    both changed:          \(care)  Website Care Plan Agreement"), "\(st)")
            #expect(st.lines.contains("      ✗ contract_value.amount: ours '9500.00', theirs '9000.00'"), "\(st)")
            let json = try E2E.parseJSON(try SyncKit.run(sb, ["status", "--json"], in: "b"))
            #expect(json["merging"] as? Bool == true, "\(json)")
            let conflicts = try #require(json["conflicts"] as? [[String: Any]], "\(json)")
            #expect(conflicts.count == 1)
            #expect(conflicts.first?["path"] as? String == LC.yaml(care))
            let fields = try #require(conflicts.first?["fields"] as? [[String: Any]])
            #expect(fields.count == 1)
            #expect(fields.first?["field"] as? String == "contract_value.amount")
            #expect(fields.first?["ours"] as? String == "9500.00")
            #expect(fields.first?["theirs"] as? String == "9000.00")
            #expect(fields.first?["base"] as? String == "8400.00")
            #expect(try LC.gitStatus(sb, "b") == "UU \(LC.yaml(care))\n")

            let refused = try SyncKit.run(sb, ["commit", "-m", "Too early"], in: "b")
            #expect(refused.exitCode != 0, "\(refused)")
            #expect(refused.stderr.contains("unresolved merge conflicts in \(care)"), "\(refused)")
            #expect(try SyncKit.head(sb, "b") == bSecond)
            let again = try SyncKit.run(sb, ["pull"], in: "b")
            #expect(again.exitCode != 0 && again.stderr.contains("a merge is in progress"), "\(again)")

            let resolved = try SyncKit.run(sb, ["resolve", care, "--field", "contract_value.amount=9250.00"], in: "b")
            #expect(resolved.exitCode == 0, "\(resolved)")
            #expect(
                resolved.lines == [
                    "resolved \(care)", "all conflicts resolved; run `pactoria commit` to finish the merge",
                ], "\(resolved)")
            let finished = try SyncKit.run(sb, ["commit", "-m", "Merge origin/main: settle the value"], in: "b")
            #expect(finished.exitCode == 0, "\(finished)")
            #expect(try SyncKit.parents(sb, "b") == [bSecond, aSecond], "the merge commit has both parents")
            #expect(!sb.exists("b/.git/MERGE_HEAD") && !sb.exists("b/.git/PACTORIA_MERGE.json"))
            #expect(try LC.gitStatus(sb, "b") == "")
            let afterJSON = try E2E.parseJSON(try SyncKit.run(sb, ["status", "--json"], in: "b"))
            #expect(
                afterJSON["merging"] as? Bool == false && (afterJSON["conflicts"] as? [Any])?.isEmpty == true,
                "\(afterJSON)")

            let pushed = try SyncKit.run(sb, ["push"], in: "b")
            #expect(pushed.exitCode == 0, "\(pushed)")
            #expect(try SyncKit.bareMain(sb) == SyncKit.head(sb, "b"))
            // The bare repository holds both sides' work.
            let onRemote = try SyncKit.bareShow(sb, LC.yaml(care))
            #expect(onRemote.exitCode == 0, "\(onRemote)")
            #expect(LC.field("status", in: onRemote.stdout) == "pending_review", "\(onRemote.stdout)")
            #expect(SyncKit.amount(onRemote.stdout) == "9250.00", "\(onRemote.stdout)")
            let log = try sb.git(["--git-dir=\(sb.path(SyncKit.bare))", "log", "--format=%s", "main"])
            for subject in [
                "Submit for review: Website Care Plan Agreement", "Raise the care plan's value", "Value from a",
                "Value from b",
            ] {
                #expect(log.lines.contains(subject), "\(subject) on the remote: \(log)")
            }
            SyncKit.expectOK(try SyncKit.run(sb, ["check"], in: "b"))
        }
    }

    @Test("terminated on one side, content re-finalized on the other: a lifecycle conflict; merge --abort restores")
    func lifecycleConflictAndAbort() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb)
            let lease = LC.activeLease
            let t = try SyncKit.run(sb, ["terminate", lease, "--reason", "The tenant surrendered the lease"], in: "a")
            #expect(t.exitCode == 0, "\(t)")
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a"))

            try sb.write(
                try sb.read("b/\(LC.markdown(lease))") + "\n## 99. Signage\n\nThe Tenant may fix one sign.\n",
                to: "b/\(LC.markdown(lease))")
            let f = try SyncKit.run(sb, ["finalize", lease], in: "b")
            try #require(f.exitCode == 0, "\(f)")
            let began = try SyncKit.head(sb, "b")
            let mdBefore = try sb.read("b/\(LC.markdown(lease))")
            let yamlBefore = try sb.read("b/\(LC.yaml(lease))")

            let r = try SyncKit.run(sb, ["pull"], in: "b")
            #expect(r.exitCode == 1, "\(r)")
            #expect(r.lines.first == "Merge conflicts in 1 contract:", "\(r)")
            #expect(
                r.lines.contains { $0.hasPrefix("    ✗ terminated contracts are read-only") },
                "a rule violation, not a merge: \(r)")
            #expect(try SyncKit.head(sb, "b") == began, "no merge commit")
            let json = try E2E.parseJSON(try SyncKit.run(sb, ["status", "--json"], in: "b"))
            let c = try #require((json["conflicts"] as? [[String: Any]])?.first, "\(json)")
            #expect(c["path"] as? String == LC.yaml(lease))
            #expect((c["violations"] as? [String])?.first?.contains("read-only") == true, "\(c)")
            #expect(try LC.gitStatus(sb, "b") != "")

            let aborted = try SyncKit.run(sb, ["merge", "--abort"], in: "b")
            #expect(aborted.exitCode == 0, "\(aborted)")
            #expect(try SyncKit.head(sb, "b") == began)
            #expect(try LC.gitStatus(sb, "b") == "", "clean working tree")
            #expect(!sb.exists("b/.git/MERGE_HEAD") && !sb.exists("b/.git/PACTORIA_MERGE.json"))
            #expect(try sb.read("b/\(LC.markdown(lease))") == mdBefore)
            #expect(try sb.read("b/\(LC.yaml(lease))") == yamlBefore)
            let st = try E2E.parseJSON(try SyncKit.run(sb, ["status", "--json"], in: "b"))
            #expect(st["merging"] as? Bool == false && st["clean"] as? Bool == true, "\(st)")
            #expect(st["ahead"] as? Int == 1 && st["behind"] as? Int == 1, "\(st)")
            // Nothing left to abort.
            let twice = try SyncKit.run(sb, ["merge", "--abort"], in: "b")
            #expect(twice.exitCode != 0 && twice.stderr.contains("no merge in progress"), "\(twice)")
        }
    }

    @Test("resolve --ours and --theirs take that side's metadata and content")
    func resolveOursTheirs() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb)
            let clause = "3.2 The Care Plan includes up to four hours a month of small content changes."
            // Both contracts conflict in a field; the care plan's Markdown conflicts too.
            try SyncKit.setAmount(sb, care, "1000.00", in: "a")
            try LC.replace(sb, "a/\(LC.markdown(care))", clause, "3.2 The Care Plan includes up to six hours a month.")
            try SyncKit.setAmount(sb, drone, "111.00", in: "a")
            try SyncKit.commit(sb, "a's terms", in: "a")
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a"))
            try SyncKit.setAmount(sb, care, "2000.00", in: "b")
            try LC.replace(sb, "b/\(LC.markdown(care))", clause, "3.2 The Care Plan includes up to two hours a month.")
            try SyncKit.setAmount(sb, drone, "222.00", in: "b")
            try SyncKit.commit(sb, "b's terms", in: "b")

            let r = try SyncKit.run(sb, ["pull"], in: "b")
            #expect(r.exitCode == 1, "\(r)")
            #expect(r.lines.first == "Merge conflicts in 2 contracts:", "\(r)")
            #expect(r.lines.contains("    ✗ content: conflict markers in \(LC.markdown(care))"), "\(r)")

            // --ours: the care plan as b had it (metadata and content), byte for byte.
            let ours = try SyncKit.run(sb, ["resolve", care, "--ours"], in: "b")
            #expect(ours.exitCode == 0 && ours.lines == ["resolved \(care)"], "\(ours)")
            for path in [LC.yaml(care), LC.markdown(care)] {
                #expect(try sb.read("b/\(path)") == sb.git(["show", "HEAD:\(path)"], in: "b").stdout, "\(path)")
            }
            // --theirs: the drone survey as a had it.
            let theirs = try SyncKit.run(sb, ["resolve", drone, "--theirs"], in: "b")
            #expect(theirs.exitCode == 0, "\(theirs)")
            #expect(
                theirs.lines.last == "all conflicts resolved; run `pactoria commit` to finish the merge", "\(theirs)")
            for path in [LC.yaml(drone), LC.markdown(drone)] {
                #expect(try sb.read("b/\(path)") == sb.read("a/\(path)"), "\(path)")
            }
            #expect(try !LC.gitStatus(sb, "b").contains("UU "), "resolved paths are staged")

            let bTip = try SyncKit.head(sb, "b")
            let done = try SyncKit.run(sb, ["commit", "-m", "Merge: keep our care plan, take their survey"], in: "b")
            #expect(done.exitCode == 0, "\(done)")
            #expect(try SyncKit.parents(sb, "b") == [bTip, SyncKit.head(sb, "a")])
            #expect(try SyncKit.amount(sb, care, in: "b") == "2000.00")
            #expect(try sb.read("b/\(LC.markdown(care))").contains("up to two hours a month"))
            #expect(try SyncKit.amount(sb, drone, in: "b") == "111.00")
            SyncKit.expectOK(try SyncKit.run(sb, ["check"], in: "b"))
        }
    }

    @Test("Markdown: different lines merge as text; the same lines leave conflict markers, listed as content")
    func markdownMerge() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb)
            let md = LC.markdown(care)
            let hours = "3.2 The Care Plan includes up to four hours a month of small content changes."
            let rate = "4.2 Additional work is charged at £80.00 per hour."

            // Different lines: merged cleanly.
            try LC.replace(
                sb, "a/\(md)", hours, "3.2 The Care Plan includes up to five hours a month of small content changes.")
            try SyncKit.commit(sb, "More hours", in: "a")
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a"))
            try LC.replace(sb, "b/\(md)", rate, "4.2 Additional work is charged at £90.00 per hour.")
            try SyncKit.commit(sb, "Higher rate", in: "b")
            let clean = try SyncKit.run(sb, ["pull"], in: "b")
            #expect(clean.exitCode == 0, "\(clean)")
            #expect(clean.lines.first?.hasPrefix("Merged origin/main into main") == true, "\(clean)")
            #expect(try SyncKit.parents(sb, "b").count == 2)
            let text = try sb.read("b/\(md)")
            #expect(text.contains("up to five hours a month") && text.contains("£90.00 per hour"), "\(text)")
            #expect(!text.contains("<<<<<<<"))
            #expect(try LC.gitStatus(sb, "b") == "")
            SyncKit.expectOK(try SyncKit.run(sb, ["check"], in: "b"))
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "b"))
            SyncKit.expectOK(try SyncKit.run(sb, ["pull"], in: "a"))

            // The same line: conflict markers in the Markdown, listed as a content conflict.
            try LC.replace(sb, "a/\(md)", "£90.00 per hour", "£95.00 per hour")
            try SyncKit.commit(sb, "Rate from a", in: "a")
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a"))
            try LC.replace(sb, "b/\(md)", "£90.00 per hour", "£85.00 per hour")
            try SyncKit.commit(sb, "Rate from b", in: "b")
            let bTip = try SyncKit.head(sb, "b")
            let r = try SyncKit.run(sb, ["pull"], in: "b")
            #expect(r.exitCode == 1, "\(r)")
            #expect(r.lines.contains("  \(care)  Website Care Plan Agreement"), "\(r)")
            #expect(r.lines.contains("    ✗ content: conflict markers in \(md)"), "\(r)")
            #expect(!r.lines.contains { $0.contains("contract_value") }, "no metadata conflict: \(r)")
            let marked = try sb.read("b/\(md)")
            #expect(
                marked.contains("<<<<<<< ") && marked.contains("=======") && marked.contains(">>>>>>> "), "\(marked)")
            #expect(marked.contains("£85.00 per hour") && marked.contains("£95.00 per hour"))
            #expect(try LC.gitStatus(sb, "b").contains("UU \(md)"))
            let json = try E2E.parseJSON(try SyncKit.run(sb, ["status", "--json"], in: "b"))
            let c = try #require((json["conflicts"] as? [[String: Any]])?.first, "\(json)")
            #expect(c["content"] as? Bool == true && (c["fields"] as? [Any])?.isEmpty == true, "\(c)")

            // Markers still there: --content is refused; fixed by hand, it resolves.
            let early = try SyncKit.run(sb, ["resolve", care, "--content"], in: "b")
            #expect(early.exitCode != 0 && early.stderr.contains("still has conflict markers"), "\(early)")
            let fixed = try sb.git(["show", "HEAD:\(md)"], in: "b").stdout.replacingOccurrences(
                of: "£85.00 per hour", with: "£88.00 per hour")
            try sb.write(fixed, to: "b/\(md)")
            SyncKit.expectOK(try SyncKit.run(sb, ["resolve", care, "--content"], in: "b"))
            let done = try SyncKit.run(sb, ["commit", "-m", "Merge: meet in the middle"], in: "b")
            #expect(done.exitCode == 0, "\(done)")
            #expect(try SyncKit.parents(sb, "b") == [bTip, SyncKit.head(sb, "a")])
            #expect(try sb.read("b/\(md)") == fixed)
            SyncKit.expectOK(try SyncKit.run(sb, ["check"], in: "b"))
        }
    }

    @Test("push to an unreachable URL: exit 2, nothing changed; after fixing the URL, push succeeds")
    func unreachableURL() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb, "a")
            let head = try SyncKit.head(sb, "a")
            for url in ["/nonexistent/x.git", "http://127.0.0.1:9/x.git"] {
                SyncKit.expectOK(try SyncKit.run(sb, ["remote", "add", "origin", url], in: "a"))
                let list = try SyncKit.run(sb, ["remote", "list"], in: "a")
                #expect(
                    list.lines.count == 1 && list.lines.first?.hasPrefix("origin") == true && list.stdout.contains(url),
                    "\(list)")
                let r = try SyncKit.run(sb, ["push"], in: "a")
                #expect(r.exitCode == 2, "\(r)")
                let line = try #require(r.errorLines.first, "\(r)")
                let match = try SyncKit.offlinePush.wholeMatch(in: line)
                #expect(match?.output.1 == "1", "\(r)")
                #expect(r.stdout == "", "\(r)")
                #expect(try SyncKit.head(sb, "a") == head)
                #expect(try LC.gitStatus(sb, "a") == "")
                #expect(try sb.git(["for-each-ref", "refs/remotes"], in: "a").stdout == "", "no tracking ref")
                #expect(try sb.git(["config", "--get", "branch.main.remote"], in: "a").stdout == "", "no upstream set")
                SyncKit.expectOK(try SyncKit.run(sb, ["remote", "remove", "origin"], in: "a"))
            }
            #expect(try SyncKit.run(sb, ["remote", "list"], in: "a").stdout == "")
            #expect(try sb.git(["remote"], in: "a").stdout == "", "git sees no remote left either")

            let made = try sb.git(["init", "-q", "--bare", "-b", "main", "fixed.git"])
            try #require(made.exitCode == 0)
            SyncKit.expectOK(try SyncKit.run(sb, ["remote", "add", "origin", sb.path("fixed.git")], in: "a"))
            let pushed = try SyncKit.run(sb, ["push"], in: "a")
            #expect(pushed.exitCode == 0, "\(pushed)")
            #expect(
                pushed.lines == ["pushed 1 commit to origin/main", "branch 'main' set up to track 'origin/main'"],
                "\(pushed)")
            #expect(try SyncKit.bareMain(sb, "fixed.git") == head)
            let again = try SyncKit.run(sb, ["push"], in: "a")
            #expect(again.exitCode == 0 && again.lines == ["Everything up-to-date"], "\(again)")
        }
    }

    /// Serves `origin.git` over smart HTTP; a pushes to it, c is a clone-equivalent (git init,
    /// the workspace config, remote add, pull), then each pushes and pulls the other's work.
    private func exerciseHTTP(auth: String?) throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb, "a")
            try FileManager.default.createDirectory(atPath: sb.path("srv"), withIntermediateDirectories: true)
            let made = try sb.git(["init", "-q", "--bare", "-b", "main", "srv/origin.git"])
            try #require(made.exitCode == 0, "\(made)")
            try #require(try sb.git(["config", "http.receivepack", "true"], in: "srv/origin.git").exitCode == 0)
            let server = try GitHTTPBridge(
                root: sb.path("srv"), scriptDirectory: sb.path(), environment: sb.environment(), auth: auth)
            defer { server.stop() }
            let url = server.url("origin.git")
            let creds: [String: String?] = auth.map { ["PACTORIA_GIT_TOKEN": $0] } ?? [:]
            func bareMain() throws -> String { try SyncKit.bareMain(sb, "srv/origin.git") }

            SyncKit.expectOK(try SyncKit.run(sb, ["remote", "add", "origin", url], in: "a"))
            if auth != nil {
                // Without credentials, and with wrong ones: a clear failure, promptly (no retry loop).
                for env in [[:], ["PACTORIA_GIT_TOKEN": "alice:wrong"]] as [[String: String?]] {
                    let started = Date()
                    let r = try SyncKit.run(sb, ["push"], in: "a", env: env)
                    #expect(Date().timeIntervalSince(started) < 20, "no credential loop")
                    #expect(r.exitCode == 1, "\(r)")
                    #expect(r.stderr.contains("authentication to 'origin' failed"), "\(r)")
                    #expect(r.stderr.contains("PACTORIA_GIT_TOKEN"), "says what to set: \(r)")
                    E2E.expectCleanError(r)
                }
                #expect(
                    try sb.git(["for-each-ref", "refs/heads"], in: "srv/origin.git").stdout == "",
                    "nothing reached the server")
            }
            let pushed = try SyncKit.run(sb, ["push"], in: "a", env: creds)
            #expect(pushed.exitCode == 0, "\(pushed)")
            #expect(try bareMain() == SyncKit.head(sb, "a"))

            // Clone-equivalent: an empty repository with the workspace config, the remote, a pull.
            try #require(try sb.git(["init", "-q", "-b", "main", "c"]).exitCode == 0)
            try FileManager.default.createDirectory(atPath: sb.path("c/.pactoria"), withIntermediateDirectories: true)
            try sb.write(try sb.read("a/.pactoria/config.yaml"), to: "c/.pactoria/config.yaml")
            SyncKit.expectOK(try SyncKit.run(sb, ["remote", "add", "origin", url], in: "c"))
            let cloned = try SyncKit.run(sb, ["pull"], in: "c", env: creds)
            #expect(cloned.exitCode == 0, "\(cloned)")
            if cloned.exitCode != 0 {
                // The fetch itself went through (refs/remotes/origin/main); check it out with git.
                try #require(
                    try SyncKit.head(sb, "c", "refs/remotes/origin/main") == SyncKit.head(sb, "a"), "\(cloned)")
                try #require(try sb.git(["reset", "-q", "--hard", "origin/main"], in: "c").exitCode == 0)
                try #require(try sb.git(["branch", "-q", "-u", "origin/main"], in: "c").exitCode == 0)
            }
            #expect(try SyncKit.head(sb, "c") == SyncKit.head(sb, "a"))
            #expect(try LC.gitStatus(sb, "c") == "")
            SyncKit.expectOK(try SyncKit.run(sb, ["check"], in: "c"))

            // c pushes through HTTP, a pulls it (fast-forward); then a diverging pair merges.
            SyncKit.expectOK(try SyncKit.run(sb, ["submit", care], in: "c"))
            let cPush = try SyncKit.run(sb, ["push"], in: "c", env: creds)
            #expect(cPush.exitCode == 0 && cPush.lines.first == "pushed 1 commit to origin/main", "\(cPush)")
            let ff = try SyncKit.run(sb, ["pull"], in: "a", env: creds)
            #expect(
                ff.exitCode == 0 && ff.lines.first?.hasPrefix("Fast-forward: 1 commit from origin") == true, "\(ff)")
            #expect(LC.field("status", in: try sb.read("a/\(LC.yaml(care))")) == "pending_review")

            try SyncKit.setAmount(sb, drone, "13000.00", in: "a")
            try SyncKit.commit(sb, "Drone value", in: "a")
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a", env: creds))
            SyncKit.expectOK(try SyncKit.run(sb, ["submit", drone], in: "c"))
            let merged = try SyncKit.run(sb, ["sync"], in: "c", env: creds)
            #expect(merged.exitCode == 0, "\(merged)")
            #expect(
                merged.lines.first?.hasPrefix("Merged origin/main into main") == true
                    && merged.lines.last == "pushed 2 commits to origin/main", "\(merged)")
            let droneYAML = try sb.read("c/\(LC.yaml(drone))")
            #expect(
                LC.field("status", in: droneYAML) == "pending_review" && SyncKit.amount(droneYAML) == "13000.00",
                "\(droneYAML)")
            #expect(try bareMain() == SyncKit.head(sb, "c"))

            if auth != nil {
                let wrong = try SyncKit.run(sb, ["pull"], in: "a", env: ["PACTORIA_GIT_TOKEN": "alice:wrong"])
                #expect(wrong.exitCode == 1 && wrong.stderr.contains("authentication to 'origin' failed"), "\(wrong)")
            }
            let last = try SyncKit.run(sb, ["pull"], in: "a", env: creds)
            #expect(last.exitCode == 0, "\(last)")
            #expect(try SyncKit.head(sb, "a") == SyncKit.head(sb, "c"))
        }
    }

    @Test("smart HTTP remote without credentials: clone-equivalent, push, pull")
    func httpWithoutCredentials() throws {
        try exerciseHTTP(auth: nil)
    }

    @Test("smart HTTP remote with basic auth from PACTORIA_GIT_TOKEN; wrong or missing credentials fail cleanly")
    func httpWithBasicAuth() throws {
        try exerciseHTTP(auth: "alice:s3cret")
    }

    @Test(
        "git merge with the driver installed gives the same metadata as pactoria pull; a same-field conflict stops it")
    func gitMergeDriver() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb)
            SyncKit.expectOK(try SyncKit.run(sb, ["submit", care], in: "a"))
            try SyncKit.setAmount(sb, drone, "13000.00", in: "a")
            try SyncKit.commit(sb, "Drone value", in: "a")
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a"))
            try SyncKit.setAmount(sb, care, "8400.00", in: "b")
            SyncKit.expectOK(try SyncKit.run(sb, ["submit", drone], in: "b"))
            try SyncKit.commit(sb, "Care value", in: "b")
            // An identical pair of histories: g is a copy of b, merged with plain git.
            try FileManager.default.copyItem(atPath: sb.path("b"), toPath: sb.path("g"))

            let install = try SyncKit.run(sb, ["hooks", "install"], in: "g")
            #expect(install.exitCode == 0, "\(install)")
            #expect(try sb.read("g/.gitattributes").contains("companies/**/contracts/*.yaml merge=pactoria"))
            let driver = try sb.git(["config", "--get", "merge.pactoria.driver"], in: "g").stdout
            #expect(
                driver.hasSuffix(" merge-driver %O %A %B %P\n") && driver.hasPrefix("'/"), "absolute path: \(driver)")
            #expect(try sb.git(["check-attr", "merge", LC.yaml(care)], in: "g").stdout.hasSuffix("merge: pactoria\n"))
            try LC.plainCommit(sb, "Register the contract merge driver", in: "g")

            let pulled = try SyncKit.run(sb, ["pull"], in: "b")
            #expect(pulled.exitCode == 0, "\(pulled)")
            #expect(try sb.git(["fetch", "-q", "origin"], in: "g").exitCode == 0)
            var merged = try LC.git(sb, ["merge", "--no-edit", "origin/main"], in: "g")
            #expect(merged.exitCode == 0 && !merged.stderr.contains("cannot create directory"), "\(merged)")
            if merged.exitCode != 0 {
                // Work around it to compare the results: give the driver absolute paths.
                #expect(try LC.git(sb, ["merge", "--abort"], in: "g").exitCode == 0)
                let absolute = driver.trimmingCharacters(in: .newlines).replacingOccurrences(
                    of: " %O %A %B ", with: " \"$PWD\"/%O \"$PWD\"/%A \"$PWD\"/%B ")
                #expect(try sb.git(["config", "merge.pactoria.driver", absolute], in: "g").exitCode == 0)
                merged = try LC.git(sb, ["merge", "--no-edit", "origin/main"], in: "g")
                #expect(merged.exitCode == 0, "\(merged)")
            }
            #expect(try SyncKit.parents(sb, "g").count == 2)
            #expect(try LC.gitStatus(sb, "g") == "")
            for ref in [care, drone] {
                let viaPull = try sb.read("b/\(LC.yaml(ref))")
                let viaGit = try sb.read("g/\(LC.yaml(ref))")
                #expect(viaGit == viaPull, "\(ref): byte for byte\n--- pull\n\(viaPull)\n--- git merge\n\(viaGit)")
                #expect(LC.field("status", in: viaGit) == "pending_review")
                #expect(viaGit.contains("\n  submitted:\n"))
            }
            #expect(try SyncKit.amount(sb, care, in: "g") == "8400.00")
            #expect(try SyncKit.amount(sb, drone, in: "g") == "13000.00")
            SyncKit.expectOK(try SyncKit.run(sb, ["check"], in: "g"))

            // The same field changed differently: git merge stops with a conflict.
            SyncKit.expectOK(try SyncKit.run(sb, ["pull"], in: "a"))
            try SyncKit.setAmount(sb, care, "9000.00", in: "a")
            try SyncKit.commit(sb, "Value from a", in: "a")
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a"))
            try SyncKit.setAmount(sb, care, "9500.00", in: "g")
            try SyncKit.commit(sb, "Value from g", in: "g")
            let gTip = try SyncKit.head(sb, "g")
            #expect(try sb.git(["fetch", "-q", "origin"], in: "g").exitCode == 0)
            let stopped = try LC.git(sb, ["merge", "--no-edit", "origin/main"], in: "g")
            #expect(stopped.exitCode == 1, "\(stopped)")
            #expect(stopped.stdout.contains("CONFLICT") && stopped.stdout.contains(LC.yaml(care)), "\(stopped)")
            #expect(
                stopped.stderr.contains(
                    "pactoria: \(LC.yaml(care)): conflict in contract_value.amount: ours '9500.00', theirs '9000.00'"),
                "the driver, not a crash, stopped it: \(stopped)")
            #expect(try SyncKit.head(sb, "g") == gTip, "no merge commit")
            #expect(try LC.gitStatus(sb, "g").contains("UU \(LC.yaml(care))"))
            #expect(
                try SyncKit.amount(sb, care, in: "g") == "9500.00", "the driver leaves our value, without line markers")
        }
    }

    @Test("status shows branch, upstream, ahead and behind after a fetch; sync pulls then pushes")
    func statusAndSync() throws {
        try E2E.withSandbox { sb in
            try SyncKit.setUp(sb)
            func tracking(_ dir: String) throws -> [String: Any] {
                try E2E.parseJSON(try SyncKit.run(sb, ["status", "--json"], in: dir))
            }
            let fresh = try tracking("b")
            #expect(fresh["branch"] as? String == "main" && fresh["upstream"] as? String == "origin/main", "\(fresh)")
            #expect(
                fresh["ahead"] as? Int == 0 && fresh["behind"] as? Int == 0 && fresh["merging"] as? Bool == false,
                "\(fresh)")
            let upToDate = try SyncKit.run(sb, ["status"], in: "b")
            #expect(
                Array(upToDate.lines.prefix(2)) == [
                    "On branch main", "Your branch is up to date with 'origin/main' (as of the last fetch).",
                ], "\(upToDate)")

            SyncKit.expectOK(try SyncKit.run(sb, ["submit", care], in: "a"))
            SyncKit.expectOK(try SyncKit.run(sb, ["push"], in: "a"))
            // Not fetched yet: b does not know.
            #expect(try tracking("b")["behind"] as? Int == 0)
            #expect(try sb.git(["fetch", "-q", "origin"], in: "b").exitCode == 0)
            let behind = try SyncKit.run(sb, ["status"], in: "b")
            #expect(
                behind.lines.contains("Your branch is behind 'origin/main' by 1 commit; run `pactoria pull`."),
                "\(behind)")
            let behindJSON = try tracking("b")
            #expect(behindJSON["ahead"] as? Int == 0 && behindJSON["behind"] as? Int == 1, "\(behindJSON)")

            try SyncKit.setAmount(sb, drone, "13000.00", in: "b")
            try SyncKit.commit(sb, "Drone value", in: "b")
            let diverged = try SyncKit.run(sb, ["status"], in: "b")
            #expect(
                diverged.lines.contains(
                    "Your branch and 'origin/main' have diverged: 1 and 1 different commits; run `pactoria pull`."),
                "\(diverged)")
            let divergedJSON = try tracking("b")
            #expect(divergedJSON["ahead"] as? Int == 1 && divergedJSON["behind"] as? Int == 1, "\(divergedJSON)")

            let synced = try SyncKit.run(sb, ["sync"], in: "b")
            #expect(synced.exitCode == 0, "\(synced)")
            #expect(synced.lines.first?.hasPrefix("Merged origin/main into main") == true, "\(synced)")
            #expect(synced.lines.last == "pushed 2 commits to origin/main", "\(synced)")
            #expect(try SyncKit.bareMain(sb) == SyncKit.head(sb, "b"))
            #expect(try SyncKit.parents(sb, "b").count == 2)
            let after = try tracking("b")
            #expect(after["ahead"] as? Int == 0 && after["behind"] as? Int == 0, "\(after)")

            // a: behind by 2 after a fetch; sync fast-forwards and has nothing to push.
            #expect(try sb.git(["fetch", "-q", "origin"], in: "a").exitCode == 0)
            #expect(try tracking("a")["behind"] as? Int == 2)
            let aSync = try SyncKit.run(sb, ["sync"], in: "a")
            #expect(aSync.exitCode == 0, "\(aSync)")
            #expect(
                aSync.lines.first?.hasPrefix("Fast-forward: 2 commits from origin") == true
                    && aSync.lines.last == "Everything up-to-date", "\(aSync)")
            #expect(try SyncKit.head(sb, "a") == SyncKit.head(sb, "b"))
            let upToDateAgain = try SyncKit.run(sb, ["status"], in: "a")
            #expect(
                upToDateAgain.lines.contains("Your branch is up to date with 'origin/main' (as of the last fetch)."),
                "\(upToDateAgain)")
        }
    }
}
