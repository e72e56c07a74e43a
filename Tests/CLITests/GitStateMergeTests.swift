import Foundation
import PactoriaTestSupport
import ServerTestSupport
import Testing

@Suite("GitState: merges and the pre-commit hook") struct GitStateMergeTests {
    /// The stem of a contract path (`companies/x/contracts/stem`).
    static func stem(_ c: String) -> String { (c as NSString).lastPathComponent }

    // #12.12
    @Test(arguments: [false, true])
    func pullOfARemoteDeletionOfALiveContractIsAConflict(_ localCommit: Bool) throws {
        let sb = try GitSandbox.shared()
        let active = try #require(try sb.contracts(status: "active", in: "b").first)
        // b deletes an active contract with plain git and pushes.
        try sb.git(["rm", "-q", "\(active).yaml", "\(active).md"], in: "b")
        try sb.git(["commit", "-q", "-m", "remove by hand", "--no-verify"], in: "b")
        try sb.ok(sb.pactoria(["push"], in: "b"))
        if localCommit {
            let draft = try #require(try sb.contracts(status: "draft", in: "a").first)
            try sb.setLine("a/\(draft).yaml", prefix: "title: ", to: "title: Renamed Locally")
            try sb.ok(sb.pactoria(["commit", "-m", "local"], in: "a"))
        }
        let pulled = try sb.pactoria(["pull"], in: "a")
        #expect(pulled.status == 1, "a deletion of an active contract must stop the pull: \(pulled)")
        #expect(pulled.stdout.contains(Self.stem(active)) && pulled.stdout.contains("deleted"), "\(pulled)")
        #expect(sb.exists("a/\(active).yaml") && sb.exists("a/\(active).md"), "the contract stays until decided")
        let status = try sb.pactoria(["status"], in: "a")
        #expect(status.stdout.contains(Self.stem(active)) && status.stdout.contains("--theirs"), "\(status)")
        let early = try sb.pactoria(["commit", "-m", "too soon"], in: "a")
        #expect(early.status != 0, "\(early)")
        if localCommit {
            // Accept the deletion: the commit concluding the merge removes it.
            try sb.ok(sb.pactoria(["resolve", Self.stem(active), "--theirs"], in: "a"))
            #expect(!sb.exists("a/\(active).yaml"))
            try sb.ok(sb.pactoria(["commit", "-m", "accept the deletion"], in: "a"))
            let files = try sb.git(["ls-tree", "-r", "--name-only", "HEAD"], in: "a")
            #expect(!files.contains("\(active).yaml"))
            #expect(try sb.git(["log", "-1", "--format=%P"], in: "a").split(separator: " ").count == 2)
        } else {
            // Keep it.
            try sb.ok(sb.pactoria(["resolve", Self.stem(active), "--ours"], in: "a"))
            try sb.ok(sb.pactoria(["commit", "-m", "keep the contract"], in: "a"))
            let files = try sb.git(["ls-tree", "-r", "--name-only", "HEAD"], in: "a")
            #expect(files.contains("\(active).yaml") && files.contains("\(active).md"))
        }
        let fsck = try sb.gitRun(["fsck", "--no-dangling"], in: "a")
        #expect(fsck.status == 0, "\(fsck.err)")
    }

    /// a and b change the same field differently; b pushes; a pulls (conflict).
    static func conflictedPull(_ sb: GitSandbox) throws -> String {
        let draft = try #require(try sb.contracts(status: "draft", in: "a").first)
        try sb.setLine("a/\(draft).yaml", prefix: "title: ", to: "title: Title From A")
        try sb.ok(sb.pactoria(["commit", "-m", "a's title"], in: "a"))
        try sb.setLine("b/\(draft).yaml", prefix: "title: ", to: "title: Title From B")
        try sb.ok(sb.pactoria(["commit", "-m", "b's title"], in: "b"))
        try sb.ok(sb.pactoria(["push"], in: "b"))
        let pulled = try sb.pactoria(["pull"], in: "a")
        try #require(pulled.status == 1, "\(pulled)")
        return draft
    }

    // #12.19
    @Test func statusDuringAMergeSuggestsWhatWorks() throws {
        let sb = try GitSandbox.shared()
        let draft = try Self.conflictedPull(sb)
        let status = try sb.pactoria(["status"], in: "a")
        #expect(!status.stdout.contains("run `pactoria pull`"), "pull is refused during a merge: \(status)")
        #expect(status.stdout.contains("pactoria resolve"), "\(status)")
        #expect(status.stdout.contains("pactoria merge --abort"), "\(status)")
        #expect(status.stdout.contains("pactoria commit"), "\(status)")
        // What it suggests works.
        try sb.ok(sb.pactoria(["resolve", Self.stem(draft), "--theirs"], in: "a"))
        let resolved = try sb.pactoria(["status"], in: "a")
        #expect(
            !resolved.stdout.contains("run `pactoria pull`") && resolved.stdout.contains("pactoria commit"),
            "\(resolved)")
        try sb.ok(sb.pactoria(["commit", "-m", "merged"], in: "a"))
    }

    // #12.18
    @Test func mergingTwoMarkdownEditsBumpsTheVersion() throws {
        let sb = try GitSandbox.shared()
        let draft = try #require(try sb.contracts(status: "draft", in: "a").first)
        let md = try sb.read("a/\(draft).md")
        try sb.write("Edited at the top by A.\n\n" + md, "a/\(draft).md")
        try sb.ok(sb.pactoria(["commit", "-m", "a's edit"], in: "a"))
        try sb.write(md + "\nEdited at the end by B.\n", "b/\(draft).md")
        try sb.ok(sb.pactoria(["commit", "-m", "b's edit"], in: "b"))
        try sb.ok(sb.pactoria(["push"], in: "b"))
        func version(_ dir: String) throws -> Int {
            let line = try #require(
                try sb.read("\(dir)/\(draft).yaml").split(separator: "\n").first { $0.hasPrefix("version: ") })
            return try #require(Int(line.dropFirst("version: ".count)))
        }
        let a = try version("a")
        let b = try version("b")
        let pulled = try sb.pactoria(["pull"], in: "a")
        try #require(pulled.status == 0, "\(pulled)")
        let merged = try sb.read("a/\(draft).md")
        #expect(merged.contains("Edited at the top by A.") && merged.contains("Edited at the end by B."))
        #expect(try version("a") == max(a, b) + 1, "a new edition of the text gets a new version")
        let committed = try sb.git(["show", "HEAD:\(draft).yaml"], in: "a")
        #expect(committed.contains("version: \(max(a, b) + 1)\n"))
    }

    // #12.18 (the merge driver, under plain `git merge`)
    @Test func mergeDriverBumpsTheVersionOfTwoMarkdownEdits() throws {
        let sb = try GitSandbox.shared()
        try Self.installHooks(sb)
        let draft = try #require(try sb.contracts(status: "draft", in: "a").first)
        let md = try sb.read("a/\(draft).md")
        try sb.git(["checkout", "-q", "-b", "other"], in: "a")
        try sb.write(md + "\nEdited at the end on other.\n", "a/\(draft).md")
        // (a change to a different field too, so both sides' metadata differ and git asks the driver)
        try sb.setLine("a/\(draft).yaml", prefix: "title: ", to: "title: Title On Other")
        try sb.ok(sb.pactoria(["commit", "-m", "other's edit"], in: "a"))
        let theirs = try sb.read("a/\(draft).yaml")
        try sb.git(["checkout", "-q", "main"], in: "a")
        try sb.write("Edited at the top on main.\n\n" + md, "a/\(draft).md")
        try sb.ok(sb.pactoria(["commit", "-m", "main's edit"], in: "a"))
        let ours = try sb.read("a/\(draft).yaml")
        func version(_ yaml: String) -> Int? {
            yaml.split(separator: "\n").first { $0.hasPrefix("version: ") }.flatMap {
                Int($0.dropFirst("version: ".count))
            }
        }
        let top = max(try #require(version(ours)), try #require(version(theirs)))
        let merged = try sb.gitRun(["merge", "--no-edit", "other"], in: "a")
        #expect(merged.status == 0, "\(merged)")
        let committed = try sb.git(["show", "HEAD:\(draft).yaml"], in: "a")
        #expect(version(committed) == top + 1, "\(committed)")
        let text = try sb.read("a/\(draft).md")
        #expect(text.contains("Edited at the top on main.") && text.contains("Edited at the end on other."))
    }

    /// Installs the pre-commit hook and merge driver in `a` and commits `.gitattributes`.
    static func installHooks(_ sb: GitSandbox) throws {
        try sb.ok(sb.pactoria(["hooks", "install"], in: "a"))
        try sb.ok(sb.pactoria(["commit", "-m", "merge driver"], in: "a"))
    }

    // #12.17
    @Test func plainGitMergeWithAFieldConflictIsSeenAndCannotBeCommittedBlind() throws {
        let sb = try GitSandbox.shared()
        try Self.installHooks(sb)
        let draft = try #require(try sb.contracts(status: "draft", in: "a").first)
        try sb.git(["checkout", "-q", "-b", "other"], in: "a")
        try sb.setLine("a/\(draft).yaml", prefix: "title: ", to: "title: Title On Other")
        try sb.ok(sb.pactoria(["commit", "-m", "other's title"], in: "a"))
        try sb.git(["checkout", "-q", "main"], in: "a")
        try sb.setLine("a/\(draft).yaml", prefix: "title: ", to: "title: Title On Main")
        try sb.ok(sb.pactoria(["commit", "-m", "main's title"], in: "a"))

        let merge = try sb.gitRun(["merge", "--no-edit", "other"], in: "a")
        #expect(merge.status != 0 && (merge.out + merge.err).contains("CONFLICT"), "\(merge)")
        // git's own state is recognised: status lists the conflict and the field.
        let status = try sb.pactoria(["status"], in: "a")
        #expect(!status.stdout.contains("working tree clean"), "\(status)")
        #expect(status.stdout.contains(Self.stem(draft)) && status.stdout.contains("title"), "\(status)")
        #expect(!status.stdout.contains("activated without final content"), "\(status)")
        // Staging everything does not make the conflict go away: the hook and commit refuse.
        try sb.git(["add", "-A"], in: "a")
        let blind = try sb.gitRun(["commit", "--no-edit"], in: "a")
        #expect(blind.status != 0, "the pre-commit hook must refuse an unresolved field conflict: \(blind)")
        #expect((blind.out + blind.err).contains("pactoria resolve"), "\(blind)")
        let viaPactoria = try sb.pactoria(["commit", "-m", "merge"], in: "a")
        #expect(viaPactoria.status != 0 && viaPactoria.stderr.contains("unresolved"), "\(viaPactoria)")
        // resolve works on git's merge; then git's own commit goes through, with theirs kept.
        try sb.ok(sb.pactoria(["resolve", Self.stem(draft), "--theirs"], in: "a"))
        let done = try sb.gitRun(["commit", "--no-edit"], in: "a")
        #expect(done.status == 0, "\(done)")
        #expect(try sb.git(["show", "HEAD:\(draft).yaml"], in: "a").contains("title: Title On Other"))
        #expect(try sb.git(["log", "-1", "--format=%P"], in: "a").split(separator: " ").count == 2)
        let clean = try sb.pactoria(["status"], in: "a")
        #expect(clean.stdout.contains("working tree clean"), "\(clean)")
    }

    // #12.17: the merge driver sees the Markdown of both sides, so a contract activated (with its
    // final_content record) on one branch is not reported as "activated without final content"
    // when the other branch changed its metadata too; the real conflict is still named.
    @Test func mergeDriverSeesTheMarkdownOfAnActivatedContract() throws {
        let sb = try GitSandbox.shared()
        try Self.installHooks(sb)
        let pending = try #require(try sb.contracts(status: "pending_review", in: "a").first)
        let stem = Self.stem(pending)
        try sb.git(["checkout", "-q", "-b", "other"], in: "a")
        try sb.ok(sb.pactoria(["finalize", stem, "-q"], in: "a"))
        try sb.ok(sb.pactoria(["activate", stem, "-q"], in: "a"))
        try sb.git(["checkout", "-q", "main"], in: "a")
        try sb.ok(sb.pactoria(["analyze", stem], in: "a"))

        let merge = try sb.gitRun(["merge", "--no-edit", "other"], in: "a")
        let status = try sb.pactoria(["status"], in: "a")
        let said = merge.out + merge.err + status.stdout + status.stderr
        #expect(!said.contains("without final content") && !said.contains("not been finalized"), "\(said)")
        // Analysis results recorded on the pending copy cannot ride into the active contract.
        #expect(merge.status != 0 && status.stdout.contains(stem) && status.stdout.contains("compliance"), "\(said)")
        // Taking theirs (the activation) concludes cleanly.
        try sb.ok(sb.pactoria(["resolve", stem, "--theirs"], in: "a"))
        try sb.ok(sb.pactoria(["commit", "-m", "Merge the activation"], in: "a"))
        #expect(try sb.git(["show", "HEAD:\(pending).yaml"], in: "a").contains("status: active"))
    }

    // #12.20
    @Test(arguments: ["add-then-commit", "commit -a", "commit PATH"])
    func preCommitHookChecksWhatIsBeingCommitted(_ how: String) throws {
        let sb = try GitSandbox.shared()
        try Self.installHooks(sb)
        let draft = try #require(try sb.contracts(status: "draft", in: "a").first)
        // Skipping straight from draft to completed breaks the lifecycle rules.
        try sb.setLine("a/\(draft).yaml", prefix: "status: ", to: "status: completed")
        let r: (status: Int32, out: String, err: String)
        switch how {
        case "add-then-commit":
            try sb.git(["add", "\(draft).yaml"], in: "a")
            r = try sb.gitRun(["commit", "-m", "by hand"], in: "a")
        case "commit -a":
            r = try sb.gitRun(["commit", "-a", "-m", "by hand"], in: "a")
        default:
            r = try sb.gitRun(["commit", "-m", "by hand", "\(draft).yaml"], in: "a")
        }
        #expect(r.status != 0, "the hook must refuse (\(how)): \(r)")
        #expect(try sb.git(["show", "HEAD:\(draft).yaml"], in: "a").contains("status: draft"))
        // A valid change still goes through the same way.
        try sb.setLine("a/\(draft).yaml", prefix: "status: ", to: "status: draft")
        try sb.setLine("a/\(draft).yaml", prefix: "title: ", to: "title: A Fine New Title")
        let fine: (status: Int32, out: String, err: String)
        switch how {
        case "add-then-commit":
            try sb.git(["add", "\(draft).yaml"], in: "a")
            fine = try sb.gitRun(["commit", "-m", "by hand"], in: "a")
        case "commit -a":
            fine = try sb.gitRun(["commit", "-a", "-m", "by hand"], in: "a")
        default:
            fine = try sb.gitRun(["commit", "-m", "by hand", "\(draft).yaml"], in: "a")
        }
        #expect(fine.status == 0, "\(fine)")
    }
}
