import Foundation
import PactoriaGit
import Testing

/// A repository whose `main` has a base commit, then `ours` on main and `theirs` on a side branch.
private struct Diverged {
    let dir: TempDir
    let repo: Repository
    let base: ObjectID
    let ours: ObjectID
    let theirs: ObjectID
    var home: String { dir.sub("home") }

    /// `change` edits the working tree for each side: (directory, isOurs).
    init(_ change: (String, Bool) throws -> Void) throws {
        dir = try TempDir()
        try FileManager.default.createDirectory(atPath: dir.sub("home"), withIntermediateDirectories: true)
        repo = try Repository.initialize(at: dir.sub("repo"))
        try write(repo.workdir, "contract.yaml", "id: C-1\nstatus: draft\nvalue: 100\nparty: Acme\n")
        try write(repo.workdir, "notes.md", "# Notes\n\nline one\nline two\nline three\n")
        base = try commitAll(repo, "Base")
        try change(repo.workdir, false)
        theirs = try commitAll(repo, "Theirs")
        try repo.setReference("refs/heads/side", to: theirs, message: "side branch")
        try repo.resetHard(to: base)
        try change(repo.workdir, true)
        ours = try commitAll(repo, "Ours")
    }

    func status() throws -> String { try git(["status", "--porcelain"], in: repo.workdir, home: home).stdout }
}

@Suite("Merge")
struct MergeTests {
    @Test func mergeTreesReportsConflictWithThreeBlobIDs() throws {
        let d = try Diverged { dir, ours in
            try write(
                dir, "contract.yaml", "id: C-1\nstatus: \(ours ? "active" : "terminated")\nvalue: 100\nparty: Acme\n")
        }
        defer { d.dir.remove() }
        let result = try d.repo.mergeTrees(ancestor: d.base, ours: d.ours, theirs: d.theirs)
        #expect(result.hasConflicts)
        let conflicts = try result.conflicts()
        #expect(conflicts.count == 1)
        let c = try #require(conflicts.first)
        #expect(c.path == "contract.yaml")
        #expect(c.ancestor == (try d.repo.blobID(inTree: d.repo.treeID(ofCommit: d.base), path: "contract.yaml")))
        #expect(c.ours == (try d.repo.blobID(inTree: d.repo.treeID(ofCommit: d.ours), path: "contract.yaml")))
        #expect(c.theirs == (try d.repo.blobID(inTree: d.repo.treeID(ofCommit: d.theirs), path: "contract.yaml")))
        #expect(Set(result.cleanEntries().keys) == ["notes.md"])
        #expect(throws: GitError.self) { try result.writeTree() }

        // The same via the merge base found from the commits.
        let viaCommits = try d.repo.mergeCommits(ours: d.ours, theirs: d.theirs)
        #expect(try viaCommits.conflicts() == conflicts)

        // Resolving in memory with a new blob gives a tree git can read.
        let resolved = try d.repo.createBlob(Array("id: C-1\nstatus: active\nvalue: 100\nparty: Acme\n".utf8))
        try result.resolve(path: "contract.yaml", with: resolved)
        #expect(!result.hasConflicts)
        let tree = try result.writeTree()
        #expect(try d.repo.blobID(inTree: tree, path: "contract.yaml") == resolved)
        #expect(
            try d.repo.blobID(inTree: tree, path: "notes.md")
                == d.repo.blobID(inTree: d.repo.treeID(ofCommit: d.base), path: "notes.md"))
        // Nothing on disk changed.
        #expect(try d.status().isEmpty)
    }

    @Test func mergeTreesMergesDifferentFilesAndDifferentLinesCleanly() throws {
        let d = try Diverged { dir, ours in
            if ours {
                try write(dir, "contract.yaml", "id: C-1\nstatus: active\nvalue: 100\nparty: Acme\n")
                try write(dir, "notes.md", "# Notes\n\nline one (ours)\nline two\nline three\n")
            } else {
                try write(dir, "notes.md", "# Notes\n\nline one\nline two\nline three (theirs)\n")
                try write(dir, "new.md", "new\n")
            }
        }
        defer { d.dir.remove() }
        let result = try d.repo.mergeTrees(ancestor: d.base, ours: d.ours, theirs: d.theirs)
        #expect(!result.hasConflicts)
        #expect(try result.conflicts().isEmpty)
        #expect(Set(result.cleanEntries().keys) == ["contract.yaml", "notes.md", "new.md"])
        let tree = try result.writeTree()
        let notes = try d.repo.blob(try #require(try d.repo.blobID(inTree: tree, path: "notes.md")))
        #expect(String(decoding: notes, as: UTF8.self) == "# Notes\n\nline one (ours)\nline two\nline three (theirs)\n")
        let contract = try d.repo.blob(try #require(try d.repo.blobID(inTree: tree, path: "contract.yaml")))
        #expect(String(decoding: contract, as: UTF8.self).contains("status: active"))
    }

    @Test func mergeFileWritesMarkersOnlyForOverlappingChanges() throws {
        let base = Array("a\nb\nc\nd\ne\n".utf8)
        let clean = try TextMerge.mergeFile(
            ancestor: base, ours: Array("A\nb\nc\nd\ne\n".utf8), theirs: Array("a\nb\nc\nd\nE\n".utf8))
        #expect(!clean.hasConflicts)
        #expect(String(decoding: clean.text, as: UTF8.self) == "A\nb\nc\nd\nE\n")

        let conflicted = try TextMerge.mergeFile(
            ancestor: base, ours: Array("a\nb\nOURS\nd\ne\n".utf8), theirs: Array("a\nb\nTHEIRS\nd\ne\n".utf8),
            labels: MergeLabels(ancestor: "base", ours: "mine", theirs: "origin/main"))
        #expect(conflicted.hasConflicts)
        #expect(
            String(decoding: conflicted.text, as: UTF8.self)
                == "a\nb\n<<<<<<< mine\nOURS\n=======\nTHEIRS\n>>>>>>> origin/main\nd\ne\n")

        let diff3 = try TextMerge.mergeFile(
            ancestor: base, ours: Array("a\nb\nOURS\nd\ne\n".utf8), theirs: Array("a\nb\nTHEIRS\nd\ne\n".utf8),
            diff3: true)
        #expect(String(decoding: diff3.text, as: UTF8.self).contains("||||||| base\nc\n"))

        // Both sides added the file (no ancestor), and empty inputs.
        let added = try TextMerge.mergeFile(ancestor: nil, ours: Array("x\n".utf8), theirs: Array("x\n".utf8))
        #expect(!added.hasConflicts)
        #expect(added.text == Array("x\n".utf8))
        let empty = try TextMerge.mergeFile(ancestor: [], ours: [], theirs: Array("y\n".utf8))
        #expect(!empty.hasConflicts)
        #expect(empty.text == Array("y\n".utf8))
    }

    @Test func conflictedMergeOnDiskThenResolveAndCommit() throws {
        let d = try Diverged { dir, ours in
            try write(dir, "notes.md", "# Notes\n\nline one\nline two \(ours ? "ours" : "theirs")\nline three\n")
            if !ours { try write(dir, "theirs-only.md", "t\n") }
        }
        defer { d.dir.remove() }
        let repo = d.repo
        #expect(repo.repositoryState == .none)
        #expect(try repo.mergeHeads().isEmpty)

        let result = try repo.mergeCommits(ours: d.ours, theirs: d.theirs)
        try repo.checkout(result, labels: MergeLabels(ours: "HEAD", theirs: "side"))
        try repo.beginMerge(theirs: d.theirs, message: "Merge branch 'side'")
        #expect(repo.repositoryState == .merge)
        #expect(repo.isMidOperation)
        #expect(try repo.mergeHeads() == [d.theirs])
        #expect(try repo.mergeMessage() == "Merge branch 'side'\n")

        // git sees an unmerged path and the clean addition staged.
        let status = try d.status()
        #expect(status.contains("UU notes.md"))
        #expect(status.contains("A  theirs-only.md"))
        let longStatus = try git(["status"], in: repo.workdir, home: d.home).stdout
        #expect(longStatus.contains("both modified:"))
        #expect(longStatus.contains("All conflicts fixed") == false)
        let onDisk = try read(repo.workdir, "notes.md")
        #expect(onDisk.contains("<<<<<<< HEAD\nline two ours\n=======\nline two theirs\n>>>>>>> side\n"))

        let index = try repo.index()
        #expect(index.hasConflicts)
        let conflicts = try index.conflicts()
        #expect(conflicts.map(\.path) == ["notes.md"])
        #expect(conflicts.first?.ours == (try repo.blobID(inTree: repo.treeID(ofCommit: d.ours), path: "notes.md")))
        #expect(conflicts.first?.theirs == (try repo.blobID(inTree: repo.treeID(ofCommit: d.theirs), path: "notes.md")))

        // Resolve: write the file, stage it, commit with two parents, clean up.
        try write(repo.workdir, "notes.md", "# Notes\n\nline one\nline two both\nline three\n")
        try index.add(path: "notes.md")
        try index.write()
        #expect(!index.hasConflicts)
        let tree = try index.writeTree()
        let merge = try repo.createCommit(
            tree: tree, parents: [d.ours, d.theirs], author: jane, committer: jane, message: "Merge branch 'side'")
        try repo.cleanupState()
        #expect(repo.repositoryState == .none)
        #expect(try repo.mergeHeads().isEmpty)
        #expect(try d.status().isEmpty)
        #expect(try repo.commit(merge).parents == [d.ours, d.theirs])
        let parents = try git(["log", "-1", "--format=%P"], in: repo.workdir, home: d.home).trimmed
        #expect(parents == "\(d.ours.hex) \(d.theirs.hex)")
    }

    @Test func resetHardAbortsAMerge() throws {
        let d = try Diverged { dir, ours in
            try write(dir, "notes.md", "# Notes\n\nline one\nline two \(ours ? "ours" : "theirs")\nline three\n")
            if !ours { try write(dir, "theirs-only.md", "t\n") }
        }
        defer { d.dir.remove() }
        let repo = d.repo
        try repo.checkout(try repo.mergeCommits(ours: d.ours, theirs: d.theirs))
        try repo.beginMerge(theirs: d.theirs, message: "Merge")
        #expect(!(try d.status()).isEmpty)
        // Resolving in the staging area by blob id (the working file is left alone).
        let index = try repo.index()
        let ourBlob = try repo.blobID(inTree: repo.treeID(ofCommit: d.ours), path: "notes.md")
        try index.resolve(path: "notes.md", with: ourBlob)
        try index.write()
        #expect(try index.conflicts().isEmpty)
        #expect(index.blobID(path: "notes.md") == ourBlob)
        #expect(try d.status().contains("MM notes.md") || d.status().contains(" M notes.md"))

        try repo.resetHard(to: d.ours)
        try repo.cleanupState()
        #expect(repo.repositoryState == .none)
        #expect(try repo.headCommitID() == d.ours)
        #expect(try d.status().isEmpty)
        #expect(try read(repo.workdir, "notes.md").contains("line two ours"))
        #expect(!FileManager.default.fileExists(atPath: repo.workdir + "/theirs-only.md"))
        #expect(try !repo.index().hasConflicts)
    }

    @Test func fastForwardIsSafeWithLocalChanges() throws {
        let d = try Diverged { dir, ours in
            if !ours { try write(dir, "contract.yaml", "id: C-1\nstatus: active\nvalue: 100\nparty: Acme\n") }
        }
        defer { d.dir.remove() }
        let repo = d.repo
        // Start from base so that `theirs` is a fast-forward.
        try repo.resetHard(to: d.base)
        #expect(try repo.mergeAnalysis(ourHead: d.base, theirs: d.theirs) == .fastForward)

        // A local edit to the file the fast-forward would change: refused, nothing moved.
        try write(repo.workdir, "contract.yaml", "id: C-1\nstatus: draft\nvalue: 999\nparty: Acme\n")
        let error = #expect(throws: GitError.self) { try repo.fastForward(branch: "main", to: d.theirs) }
        #expect(error?.code == .conflict)
        #expect(try repo.headCommitID() == d.base)
        #expect(try read(repo.workdir, "contract.yaml").contains("value: 999"))

        // A local edit elsewhere survives the fast-forward.
        try write(repo.workdir, "contract.yaml", "id: C-1\nstatus: draft\nvalue: 100\nparty: Acme\n")
        try write(repo.workdir, "notes.md", "# Notes\n\nlocal edit\n")
        try repo.fastForward(branch: "main", to: d.theirs)
        #expect(try repo.headCommitID() == d.theirs)
        #expect(repo.currentBranch() == "main")
        #expect(try read(repo.workdir, "contract.yaml").contains("status: active"))
        #expect(try read(repo.workdir, "notes.md") == "# Notes\n\nlocal edit\n")
        #expect(try d.status() == " M notes.md\n")

        // Not a fast-forward: refused before anything is touched.
        let notFF = #expect(throws: GitError.self) { try repo.fastForward(branch: "main", to: d.ours) }
        #expect(notFF?.code == .nonFastForward)
        #expect(try repo.headCommitID() == d.theirs)
    }
}
