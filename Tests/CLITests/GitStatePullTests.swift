import Foundation
import PactoriaTestSupport
import ServerTestSupport
import Testing

/// #12.3: a pull killed after it starts changing the working tree recovers with one documented
/// command (`pactoria merge --abort` back to the pre-pull state, or `pactoria pull` to finish),
/// local edits intact, `git fsck` clean, and `status` naming the command.
@Suite("GitState: interrupted pull") struct GitStatePullTests {
    struct Kill: CustomTestStringConvertible, Sendable {
        var merge: Bool
        var step: String
        var skip: Int
        var recoverWithAbort: Bool
        var testDescription: String {
            "\(merge ? "merge" : "fast-forward") killed at \(step)+\(skip), then \(recoverWithAbort ? "merge --abort" : "pull")"
        }
    }

    static let kills: [Kill] = [
        Kill(merge: false, step: "pull.after-merge-state", skip: 0, recoverWithAbort: true),
        Kill(merge: false, step: "pull.checkout-file", skip: 0, recoverWithAbort: true),
        Kill(merge: false, step: "pull.checkout-file", skip: 25, recoverWithAbort: false),
        Kill(merge: false, step: "pull.after-checkout", skip: 0, recoverWithAbort: true),
        Kill(merge: false, step: "pull.after-commit", skip: 0, recoverWithAbort: false),
        Kill(merge: true, step: "pull.after-merge-state", skip: 0, recoverWithAbort: false),
        Kill(merge: true, step: "pull.checkout-file", skip: 0, recoverWithAbort: false),
        Kill(merge: true, step: "pull.checkout-file", skip: 30, recoverWithAbort: true),
        Kill(merge: true, step: "pull.after-checkout", skip: 0, recoverWithAbort: false),
        Kill(merge: true, step: "pull.after-commit", skip: 0, recoverWithAbort: true),
    ]

    // #12.3
    @Test(arguments: kills)
    func killedPullRecoversWithOneCommand(_ kill: Kill) throws {
        let sb = try GitSandbox.shared()
        let drafts = try sb.contracts(status: "draft", in: "a")
        try #require(drafts.count >= 2)
        // b: 30 new contracts (60 files), pushed.
        try sb.addDrafts(30, in: "b", tag: "remote")
        try sb.ok(sb.pactoria(["push"], in: "b"))
        // a: a commit of its own for a true merge; then uncommitted work the pull must keep.
        let localEdit: String
        if kill.merge {
            try sb.setLine("a/\(drafts[1]).yaml", prefix: "title: ", to: "title: Renamed Locally")
            try sb.ok(sb.pactoria(["commit", "-m", "local title"], in: "a"))
            localEdit = "a/notes.txt"  // outside the workspace's files: pull still starts
        } else {
            localEdit = "a/\(drafts[0]).md"  // a file the fast-forward does not touch
        }
        let localText = (sb.exists(localEdit) ? try sb.read(localEdit) : "") + "\nmy unsaved words\n"
        try sb.write(localText, localEdit)
        let before = try sb.head("a")
        try sb.git(["fetch", "-q", "origin"], in: "a")
        let theirs = try sb.head("a", "origin/main")

        let killed = try sb.pactoria(
            ["pull"], in: "a", env: ["PACTORIA_FAULT": kill.step, "PACTORIA_FAULT_SKIP": String(kill.skip)])
        #expect(killed.status == 86, "the fault must fire at \(kill.step): \(killed)")
        guard killed.status == 86 else { return }

        // status names the one command (either works).
        let status = try sb.pactoria(["status"], in: "a")
        #expect(status.stdout.contains("pactoria merge --abort"), "\(status)")
        #expect(status.stdout.contains("`pactoria pull`"), "\(status)")
        let checked = try sb.pactoria(["status", "--check"], in: "a")
        #expect(checked.status == 1, "\(checked)")
        // Nothing can be committed over the half-applied pull.
        let commit = try sb.pactoria(["commit", "-m", "oops"], in: "a")
        #expect(commit.status != 0 && commit.stderr.contains("interrupted"), "\(commit)")

        let recovery = try sb.pactoria(kill.recoverWithAbort ? ["merge", "--abort"] : ["pull"], in: "a")
        #expect(recovery.status == 0, "\(recovery)")

        if kill.recoverWithAbort {
            #expect(try sb.head("a") == before)
            #expect(!sb.exists("a/\((drafts[0] as NSString).deletingLastPathComponent)/gen-remote-0.yaml"))
        } else {
            let contains = try sb.gitRun(["merge-base", "--is-ancestor", theirs, "HEAD"], in: "a")
            #expect(contains.status == 0, "HEAD must contain \(theirs)")
            #expect(sb.exists("a/\((drafts[0] as NSString).deletingLastPathComponent)/gen-remote-29.md"))
        }
        // The local edit is intact, byte for byte, and is the only change left.
        #expect(try sb.read(localEdit) == localText)
        let porcelain = try sb.git(["status", "--porcelain"], in: "a")
        let changed = porcelain.split(separator: "\n").map { String($0.dropFirst(3)) }
        #expect(changed == [String(localEdit.dropFirst(2))], "\(porcelain)")
        #expect(!sb.exists("a/.git/MERGE_HEAD"))
        let after = try sb.pactoria(["status"], in: "a")
        #expect(after.status == 0 && !after.stdout.contains("interrupted"), "\(after)")
        let fsck = try sb.gitRun(["fsck", "--no-dangling"], in: "a")
        #expect(fsck.status == 0, "\(fsck.err)")
    }
}
