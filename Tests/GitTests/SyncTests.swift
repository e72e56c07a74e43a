import Foundation
import PactoriaGit
import Testing

@Suite("Remotes, fetch and push")
struct SyncTests {
    @Test func remotesAddListRemove() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let repo = try Repository.initialize(at: dir.path)
        #expect(try repo.remotes().isEmpty)
        try repo.addRemote(name: "origin", url: "/srv/git/contracts.git")
        try repo.addRemote(name: "backup", url: "https://git.example.com/team/contracts.git")
        #expect(
            try repo.remotes() == [
                RemoteInfo(name: "backup", url: "https://git.example.com/team/contracts.git"),
                RemoteInfo(name: "origin", url: "/srv/git/contracts.git"),
            ])
        #expect(try repo.remoteURL(name: "origin") == "/srv/git/contracts.git")

        let duplicate = #expect(throws: GitError.self) { try repo.addRemote(name: "origin", url: "/elsewhere") }
        #expect(duplicate?.code == .exists)
        #expect(duplicate?.description == "add remote: remote 'origin' already exists")
        #expect(try repo.remoteURL(name: "origin") == "/srv/git/contracts.git")

        let invalid = #expect(throws: GitError.self) { try repo.addRemote(name: "bad name", url: "/x") }
        #expect(invalid?.code == .invalidSpec)

        let unknown = #expect(throws: GitError.self) { try repo.removeRemote(name: "nope") }
        #expect(unknown?.code == .notFound)
        #expect(unknown?.description == "remove remote: no remote named 'nope'")
        #expect(throws: GitError.self) { try repo.remoteURL(name: "nope") }

        try repo.setRemoteURL(name: "backup", url: "/srv/backup.git")
        #expect(try repo.remoteURL(name: "backup") == "/srv/backup.git")
        try repo.removeRemote(name: "backup")
        #expect(try repo.remotes().map(\.name) == ["origin"])
    }

    @Test func upstreamConfiguration() throws {
        let origin = try Origin()
        defer { origin.remove() }
        let repo = try origin.clone("a")
        #expect(try repo.upstream(of: "main") == Upstream(remote: "origin", branch: "main"))
        #expect(try repo.upstream(of: "main")?.trackingReference == "refs/remotes/origin/main")
        #expect(try repo.upstream(of: "other") == nil)
        #expect(throws: GitError.self) { try repo.setUpstream(branch: "main", remote: "nope", remoteBranch: "main") }
        // git reads the same setting.
        let shown = try git(["rev-parse", "--abbrev-ref", "main@{upstream}"], in: repo.workdir, home: origin.home)
        #expect(shown.trimmed == "origin/main")
        #expect(try repo.localBranches() == ["main"])
        #expect(try repo.referenceTarget("refs/remotes/origin/nope") == nil)
    }

    @Test func divergedClonesPushRejectedThenFetchAndCount() throws {
        let origin = try Origin()
        defer { origin.remove() }
        let a = try origin.clone("a")
        let b = try origin.clone("b")
        let base = try #require(try a.headCommitID())
        #expect(try b.headCommitID() == base)
        #expect(try read(b.workdir, "contract.yaml").contains("status: draft"))

        // Both commit while "offline".
        try write(a.workdir, "contract.yaml", "id: C-1\nstatus: active\nvalue: 100\nparty: Acme\n")
        let aTip = try commitAll(a, "Activate")
        try write(b.workdir, "notes.md", "# Notes\n\nline one\nline two changed\nline three\n")
        let bTip = try commitAll(b, "Edit notes")
        try write(b.workdir, "extra.md", "more\n")
        let bTip2 = try commitAll(b, "Add extra")

        let log = ProgressLog()
        try a.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main", progress: { log.add($0) })
        #expect(try origin.remoteMain() == aTip.hex)
        #expect(try a.referenceTarget("refs/remotes/origin/main") == aTip)

        let rejected = #expect(throws: SyncError.self) {
            try b.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main")
        }
        guard case let .rejected(ref, reason)? = rejected else {
            Issue.record("expected .rejected, got \(String(describing: rejected))")
            return
        }
        #expect(ref == "refs/heads/main")
        #expect(!reason.isEmpty)
        #expect(try origin.remoteMain() == aTip.hex)
        #expect(try b.headCommitID() == bTip2)

        // Fetch brings the remote's commit; b is 2 ahead and 1 behind.
        let fetched = try b.fetch(remote: "origin", progress: { log.add($0) })
        #expect(fetched.updatedReferences.contains(RefUpdate(name: "refs/remotes/origin/main", old: base, new: aTip)))
        let upstreamTip = try #require(try b.referenceTarget("refs/remotes/origin/main"))
        #expect(upstreamTip == aTip)
        let counts = try b.aheadBehind(local: bTip2, upstream: upstreamTip)
        #expect(counts.ahead == 2 && counts.behind == 1)
        #expect(try b.mergeBase(bTip2, upstreamTip) == base)
        #expect(try b.isDescendant(bTip, of: base))
        #expect(try !b.isDescendant(bTip, of: aTip))
        #expect(try b.mergeAnalysis(ourHead: bTip2, theirs: upstreamTip) == .normal)
        #expect(try b.mergeAnalysis(ourHead: bTip2, theirs: base) == .upToDate)
        #expect(try b.mergeAnalysis(ourHead: base, theirs: bTip2) == .fastForward)
        #expect(try b.mergeAnalysis(ourHead: nil, theirs: bTip2) == .fastForward)
        // git agrees on the counts.
        let gitCounts = try git(
            ["rev-list", "--left-right", "--count", "main...origin/main"], in: b.workdir, home: origin.home)
        #expect(gitCounts.trimmed.split(whereSeparator: \.isWhitespace) == ["2", "1"])

        // Merge (different files: clean), commit with two parents, push succeeds.
        let merged = try b.mergeCommits(ours: bTip2, theirs: upstreamTip)
        #expect(!merged.hasConflicts)
        let tree = try merged.writeTree()
        try b.checkout(merged)
        let mergeCommit = try b.createCommit(
            tree: tree, parents: [bTip2, upstreamTip], author: jane, committer: jane, message: "Merge origin/main")
        try b.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main")
        #expect(try origin.remoteMain() == mergeCommit.hex)
        let parents = try git(["log", "-1", "--format=%P", "main"], in: origin.bare, home: origin.home).trimmed
        #expect(parents == "\(bTip2.hex) \(aTip.hex)")
        let remoteContract = try git(["show", "main:contract.yaml"], in: origin.bare, home: origin.home).stdout
        let remoteNotes = try git(["show", "main:notes.md"], in: origin.bare, home: origin.home).stdout
        #expect(remoteContract.contains("status: active"))
        #expect(remoteNotes.contains("line two changed"))
        #expect(try git(["status", "--porcelain"], in: b.workdir, home: origin.home).trimmed.isEmpty)

        // a fetches and fast-forwards to the merge.
        try a.fetch(remote: "origin")
        let newTip = try #require(try a.referenceTarget("refs/remotes/origin/main"))
        #expect(try a.mergeAnalysis(ourHead: a.headCommitID(), theirs: newTip) == .fastForward)
        try a.fastForward(branch: "main", to: newTip)
        #expect(try a.headCommitID() == mergeCommit)
        #expect(try read(a.workdir, "extra.md") == "more\n")
        #expect(try git(["status", "--porcelain"], in: a.workdir, home: origin.home).trimmed.isEmpty)

        #expect(log.all.contains { $0.direction == .sending })
        #expect(log.all.contains { $0.direction == .receiving && $0.totalObjects > 0 })
    }

    @Test func pushToUnreachableRemoteChangesNothingAndLaterSucceeds() throws {
        let origin = try Origin()
        defer { origin.remove() }
        let a = try origin.clone("a")
        try write(a.workdir, "contract.yaml", "id: C-1\nstatus: active\nvalue: 100\nparty: Acme\n")
        let tip = try commitAll(a, "Activate")
        let trackingBefore = try a.referenceTarget("refs/remotes/origin/main")
        let refsBefore = try git(["for-each-ref"], in: a.workdir, home: origin.home).stdout

        for url in [
            origin.root.sub("missing.git"), "file://" + origin.root.sub("missing.git"), "http://127.0.0.1:9/x.git",
        ] {
            try a.setRemoteURL(name: "origin", url: url)
            let error = #expect(throws: SyncError.self) {
                try a.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main")
            }
            guard case let .unreachable(remote, detail)? = error else {
                Issue.record("expected .unreachable for \(url), got \(String(describing: error))")
                continue
            }
            #expect(remote == "origin")
            #expect(!detail.isEmpty)
            if url.hasPrefix("/") { #expect(detail == "no repository at \(url)") }
            let fetchError = #expect(throws: SyncError.self) { try a.fetch(remote: "origin") }
            if case .unreachable? = fetchError {
            } else {
                Issue.record("fetch: expected .unreachable, got \(String(describing: fetchError))")
            }
        }
        #expect(try a.headCommitID() == tip)
        #expect(try a.referenceTarget("refs/remotes/origin/main") == trackingBefore)
        #expect(try git(["for-each-ref"], in: a.workdir, home: origin.home).stdout == refsBefore)
        #expect(try git(["status", "--porcelain"], in: a.workdir, home: origin.home).trimmed.isEmpty)

        // Back online: the same push succeeds.
        try a.setRemoteURL(name: "origin", url: origin.bare)
        try a.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main")
        #expect(try origin.remoteMain() == tip.hex)
    }

    @Test func unknownRemoteIsItsOwnCase() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let repo = try Repository.initialize(at: dir.path)
        let error = #expect(throws: SyncError.self) { try repo.fetch(remote: "origin") }
        guard case .noSuchRemote("origin")? = error else {
            Issue.record("expected .noSuchRemote, got \(String(describing: error))")
            return
        }
    }

    @Test func pushRejectedByPeerThatMovedOnAfterOurFetch() throws {
        // The peer (git CLI) pushes after we fetched: our push is a non-fast-forward of a commit we know.
        let origin = try Origin()
        defer { origin.remove() }
        let a = try origin.clone("a")
        try git(["clone", "-q", origin.bare, origin.root.sub("peer")], in: origin.root.path, home: origin.home)
        try write(origin.root.sub("peer"), "peer.txt", "peer\n")
        try git(["add", "."], in: origin.root.sub("peer"), home: origin.home)
        try git(["commit", "-q", "-m", "Peer"], in: origin.root.sub("peer"), home: origin.home)
        try git(["push", "-q", "origin", "main"], in: origin.root.sub("peer"), home: origin.home)
        try a.fetch(remote: "origin")
        try write(a.workdir, "mine.txt", "mine\n")
        try commitAll(a, "Mine")
        let error = #expect(throws: SyncError.self) {
            try a.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main")
        }
        guard case .rejected? = error else {
            Issue.record("expected .rejected, got \(String(describing: error))")
            return
        }
    }
}
