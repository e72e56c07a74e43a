import Foundation
import PactoriaTestSupport
import ServerTestSupport
import Testing

/// #12.1/#12.7 seen from plain git: a verb killed mid-write leaves its half in the working tree
/// until the next Pactoria command. A plain `git commit -a` in between must not record that half
/// under the git user's name: the pre-commit hook refuses while the write's journal is there.
@Suite("Durability: plain git after a killed write") struct DurabilityPlainGitTests {
    @Test func plainGitCommitAfterAKilledVerbIsRefusedUntilRecovered() throws {
        let sb = try GitSandbox.shared()
        try GitStateMergeTests.installHooks(sb)
        let draft = try #require(try sb.contracts(status: "draft", in: "a").first)
        let stem = GitStateMergeTests.stem(draft)
        let head = try sb.head("a")
        let killed = try sb.pactoria(["submit", stem], in: "a", env: ["PACTORIA_FAULT": "write.after-files"])
        #expect(killed.status == 86, "\(killed)")
        #expect(try sb.read("a/\(draft).yaml").contains("status: pending_review"))

        let blind = try sb.gitRun(["commit", "-a", "-m", "by hand"], in: "a")
        #expect(blind.status != 0, "the hook must refuse a write in flight: \(blind)")
        #expect((blind.out + blind.err).contains("pactoria status"), "\(blind)")
        #expect(try sb.head("a") == head)

        // Opening the workspace for the hook's check undid the half (it says so); git's snapshot
        // was refused, the files are as before the verb, and the verb then completes.
        #expect((blind.out + blind.err).contains("rolled back an interrupted submit"), "\(blind)")
        #expect(try sb.read("a/\(draft).yaml").contains("status: draft"))
        let status = try sb.pactoria(["status"], in: "a")
        #expect(status.stdout.contains("working tree clean"), "\(status)")
        try sb.ok(sb.pactoria(["submit", stem], in: "a"))
        #expect(try sb.git(["log", "-1", "--format=%s"], in: "a").contains("Submit for review"))
    }
}
