import Foundation
import PactoriaGit
import PactoriaTestSupport
import Testing

/// A reversible toy filter for files under `folder`: stored form = a tag line plus the bytes
/// reversed. Smudge refuses stored bytes without the tag; clean refuses files named `refuse*`.
struct ToyFilter: BlobFilter {
    var folder = "sealed/"
    var tag = "TOY1"

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    func stored(_ text: String) -> [UInt8] { Array((tag + "\n").utf8) + Array(text.utf8).reversed() }

    func clean(path: String, content: [UInt8]) throws -> [UInt8]? {
        guard path.hasPrefix(folder) else { return nil }
        if path.split(separator: "/").last?.hasPrefix("refuse") == true {
            throw Refused(description: "toy filter refused \(path)\nsecond line")
        }
        return Array((tag + "\n").utf8) + content.reversed()
    }

    func smudge(path: String, content: [UInt8]) throws -> [UInt8]? {
        guard path.hasPrefix(folder) else { return nil }
        let prefix = Array((tag + "\n").utf8)
        guard content.starts(with: prefix) else { throw Refused(description: "\(path) is not in \(tag) form") }
        return content.dropFirst(prefix.count).reversed()
    }
}

@Suite("Blob filters")
struct BlobFilterTests {
    /// A fresh repository with the toy filter set, plus its temp dir.
    private func filtered(_ filter: ToyFilter = ToyFilter()) throws -> (TempDir, Repository) {
        let dir = try TempDir()
        let repo = try Repository.initialize(at: dir.sub("repo"))
        try repo.setBlobFilter(filter)
        return (dir, repo)
    }

    private func staged(_ repo: Repository, _ path: String) throws -> [UInt8]? {
        guard let id = try repo.index().blobID(path: path) else { return nil }
        return try repo.blob(id)
    }

    private func bytes(_ dir: String, _ rel: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + rel)))
    }

    @Test("staging stores the cleaned blob; status is clean after staging and committing")
    func stagingAndStatus() throws {
        let (dir, repo) = try filtered()
        defer { dir.remove() }
        let toy = ToyFilter()
        try write(repo.workdir, "sealed/a.md", "secret terms\n")
        try write(repo.workdir, "plain.md", "open terms\n")
        let index = try repo.index()
        try index.addAll(["."])
        try index.write()
        #expect(try staged(repo, "sealed/a.md") == toy.stored("secret terms\n"))
        #expect(try staged(repo, "plain.md") == Array("open terms\n".utf8))
        #expect(try repo.status(includeUntracked: false).allSatisfy { !$0.flags.contains(.workdirModified) })
        try commitAll(repo, "First")
        #expect(try repo.status().isEmpty)
        let head = try #require(try repo.headCommitID())
        #expect(try repo.file(at: head, path: "sealed/a.md") == toy.stored("secret terms\n"))
        let id = try #require(try repo.index().blobID(path: "sealed/a.md"))
        #expect(try repo.blob(id, filteredAs: "sealed/a.md") == Array("secret terms\n".utf8))
        #expect(try repo.blob(id, filteredAs: "elsewhere.md") == toy.stored("secret terms\n"))
        #expect(try repo.hashWorkingFile("sealed/a.md") == id)
        #expect(try repo.cleaned(Array("secret terms\n".utf8), asPath: "sealed/a.md") == toy.stored("secret terms\n"))
        #expect(try repo.cleaned([], asPath: "sealed/empty.md") == toy.stored(""))
        #expect(try repo.cleaned(Array("x".utf8), asPath: "plain.md") == Array("x".utf8))

        try write(repo.workdir, "sealed/a.md", "secret terms, changed\n")
        let modified = try repo.status()
        #expect(modified.map(\.path) == ["sealed/a.md"])
        #expect(modified.first?.flags.contains(.workdirModified) == true)
        // Same size, different bytes: found by hashing the cleaned content, not by size.
        try write(repo.workdir, "sealed/a.md", "secret terms\r")
        #expect(try repo.status().map(\.path) == ["sealed/a.md"])
    }

    @Test("staging one path and a pathspec goes through the filter")
    func addByPathAndPathspec() throws {
        let (dir, repo) = try filtered()
        defer { dir.remove() }
        let toy = ToyFilter()
        try write(repo.workdir, "sealed/one.md", "one\n")
        try write(repo.workdir, "sealed/deep/two.md", "two\n")
        try write(repo.workdir, "other/three.md", "three\n")
        let index = try repo.index()
        try index.add(path: "sealed/one.md")
        try index.addAll(["sealed/deep"])
        try index.write()
        #expect(try staged(repo, "sealed/one.md") == toy.stored("one\n"))
        #expect(try staged(repo, "sealed/deep/two.md") == toy.stored("two\n"))
        #expect(try staged(repo, "other/three.md") == nil)
        try index.addAll(["other"])
        #expect(try staged(repo, "other/three.md") == Array("three\n".utf8))
    }

    @Test("checkout of a tree, a reset and a merge result write plaintext")
    func checkoutWritesPlaintext() throws {
        let (dir, repo) = try filtered()
        defer { dir.remove() }
        try write(repo.workdir, "sealed/a.md", "version one\n")
        try write(repo.workdir, "plain.md", "plain\n")
        let v1 = try commitAll(repo, "v1")
        try write(repo.workdir, "sealed/a.md", "version two\n")
        let v2 = try commitAll(repo, "v2")

        try repo.checkoutTree(v1, force: true)
        #expect(try read(repo.workdir, "sealed/a.md") == "version one\n")
        try FileManager.default.removeItem(atPath: repo.workdir + "/sealed/a.md")
        try repo.resetHard(to: v2)
        #expect(try read(repo.workdir, "sealed/a.md") == "version two\n")
        #expect(try repo.status().isEmpty)

        // Theirs changes the sealed file, ours the plain one: the merge's checkout smudges.
        try write(repo.workdir, "sealed/a.md", "version three\n")
        let theirs = try commitAll(repo, "theirs")
        try repo.resetHard(to: v2)
        #expect(try read(repo.workdir, "sealed/a.md") == "version two\n")
        try write(repo.workdir, "plain.md", "plain, ours\n")
        let ours = try commitAll(repo, "ours")
        let merge = try repo.mergeCommits(ours: ours, theirs: theirs)
        #expect(!merge.hasConflicts)
        try repo.checkout(merge)
        #expect(try read(repo.workdir, "sealed/a.md") == "version three\n")
        #expect(try read(repo.workdir, "plain.md") == "plain, ours\n")
    }

    @Test("a merge conflicting on a filtered file merges the stored bytes, not the working-tree text")
    func conflictedMergeOfFilteredFile() throws {
        let (dir, repo) = try filtered()
        defer { dir.remove() }
        try write(repo.workdir, "sealed/a.md", "base\n")
        let base = try commitAll(repo, "base")
        try write(repo.workdir, "sealed/a.md", "theirs\n")
        let theirs = try commitAll(repo, "theirs")
        try repo.resetHard(to: base)
        try write(repo.workdir, "sealed/a.md", "ours\n")
        let ours = try commitAll(repo, "ours")
        let merge = try repo.mergeCommits(ours: ours, theirs: theirs)
        #expect(try merge.conflicts().map(\.path) == ["sealed/a.md"])
        // libgit2 puts conflict markers into the stored form and smudges that: the toy's tag line
        // survives, so the working file is the reversed marker text, neither side's plaintext.
        try repo.checkout(merge)
        let text = try read(repo.workdir, "sealed/a.md")
        #expect(text != "ours\n" && text != "theirs\n")
        #expect(text.contains("<<<<<<<"))
    }

    @Test("a clone through libgit2 from a bare repository checks out plaintext")
    func cloneSmudges() throws {
        let (dir, repo) = try filtered()
        defer { dir.remove() }
        let home = dir.sub("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try git(["init", "-q", "--bare", "-b", "main", dir.sub("origin.git")], in: dir.path, home: home)
        try write(repo.workdir, "sealed/a.md", "cloned secret\n")
        try write(repo.workdir, "plain.md", "plain\n")
        try commitAll(repo, "First")
        try repo.addRemote(name: "origin", url: dir.sub("origin.git"))
        try repo.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main")

        let clone = try Repository.clone(url: dir.sub("origin.git"), to: dir.sub("clone"), blobFilter: ToyFilter())
        #expect(try read(clone.workdir, "sealed/a.md") == "cloned secret\n")
        #expect(try read(clone.workdir, "plain.md") == "plain\n")
        #expect(try clone.status().isEmpty)
        #expect(clone.blobFilter != nil)

        let rawClone = try Repository.clone(url: dir.sub("origin.git"), to: dir.sub("raw"))
        #expect(try bytes(rawClone.workdir, "sealed/a.md") == ToyFilter().stored("cloned secret\n"))
        #expect(rawClone.blobFilter == nil)
    }

    @Test("a failed clone does not leave its filter set")
    func failedCloneRemovesFilter() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let home = dir.sub("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try git(["init", "-q", "--bare", "-b", "main", dir.sub("origin.git")], in: dir.path, home: home)
        let seed = try Repository.initialize(at: dir.sub("seed"))
        try write(seed.workdir, "plain.md", "plain\n")
        try commitAll(seed, "First")
        try seed.addRemote(name: "origin", url: dir.sub("origin.git"))
        try seed.push(remote: "origin", refspec: "refs/heads/main:refs/heads/main")
        #expect(throws: (any Error).self) {
            try Repository.clone(
                url: dir.sub("origin.git"), to: dir.sub("clone"), branch: "no-such-branch", blobFilter: ToyFilter())
        }
        let later = try Repository.initialize(at: dir.sub("clone"))
        #expect(later.blobFilter == nil)
    }

    @Test("repositories in one process keep their own filters; handles on one repository share it")
    func repositoriesDoNotMix() throws {
        let (dirA, a) = try filtered(ToyFilter(tag: "TOYA"))
        defer { dirA.remove() }
        let (dirB, b) = try filtered(ToyFilter(tag: "TOYB"))
        defer { dirB.remove() }
        let dirC = try TempDir()
        defer { dirC.remove() }
        let c = try Repository.initialize(at: dirC.sub("repo"))
        for repo in [a, b, c] {
            try write(repo.workdir, "sealed/x.md", "same text\n")
            try commitAll(repo, "x")
        }
        #expect(try staged(a, "sealed/x.md") == ToyFilter(tag: "TOYA").stored("same text\n"))
        #expect(try staged(b, "sealed/x.md") == ToyFilter(tag: "TOYB").stored("same text\n"))
        #expect(try staged(c, "sealed/x.md") == Array("same text\n".utf8))

        let again = try Repository.open(at: a.workdir)
        #expect(try again.hashWorkingFile("sealed/x.md") == (try again.index().blobID(path: "sealed/x.md")))
    }

    @Test("removing the filter turns it off")
    func removingTurnsOff() throws {
        let (dir, repo) = try filtered()
        defer { dir.remove() }
        try write(repo.workdir, "sealed/a.md", "before\n")
        try commitAll(repo, "a")
        #expect(try staged(repo, "sealed/a.md") == ToyFilter().stored("before\n"))
        try repo.setBlobFilter(nil)
        #expect(repo.blobFilter == nil)
        try write(repo.workdir, "sealed/b.md", "after\n")
        try commitAll(repo, "b")
        #expect(try staged(repo, "sealed/b.md") == Array("after\n".utf8))
    }

    /// Claims no path, and throws if it is asked anyway.
    struct NoPaths: BlobFilter {
        func filters(path: String) -> Bool { false }
        func clean(path: String, content: [UInt8]) throws -> [UInt8]? { throw ToyFilter.Refused(description: "asked") }
        func smudge(path: String, content: [UInt8]) throws -> [UInt8]? { throw ToyFilter.Refused(description: "asked") }
    }

    @Test("files the filter does not claim pass through without clean or smudge")
    func unclaimedPathsPassThrough() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let repo = try Repository.initialize(at: dir.sub("repo"))
        try repo.setBlobFilter(NoPaths())
        try write(repo.workdir, "sealed/a.md", "as is\n")
        let first = try commitAll(repo, "a")
        #expect(try staged(repo, "sealed/a.md") == Array("as is\n".utf8))
        try FileManager.default.removeItem(atPath: repo.workdir + "/sealed/a.md")
        try repo.checkoutTree(first, force: true)
        #expect(try read(repo.workdir, "sealed/a.md") == "as is\n")
    }

    @Test("a throwing clean stops staging with its one-line message; nothing is staged")
    func throwingClean() throws {
        let (dir, repo) = try filtered()
        defer { dir.remove() }
        try write(repo.workdir, "sealed/ok.md", "fine\n")
        try commitAll(repo, "ok")
        try write(repo.workdir, "sealed/refuse.md", "nope\n")
        let index = try repo.index()
        let before = index.entryCount
        let one = #expect(throws: GitError.self) { try index.add(path: "sealed/refuse.md") }
        #expect(one?.description == "stage sealed/refuse.md: toy filter refused sealed/refuse.md second line")
        #expect((one?.filterError as? ToyFilter.Refused)?.description.hasPrefix("toy filter refused") == true)
        let all = #expect(throws: GitError.self) { try index.addAll(["."]) }
        #expect(all?.message == "toy filter refused sealed/refuse.md second line")
        #expect(index.blobID(path: "sealed/refuse.md") == nil)
        #expect(index.entryCount == before)
        #expect(throws: GitError.self) { try repo.hashWorkingFile("sealed/refuse.md") }
    }

    /// Throws a description holding CR, NUL and a tab.
    struct Hostile: BlobFilter {
        func clean(path: String, content: [UInt8]) throws -> [UInt8]? {
            throw ToyFilter.Refused(description: "bad\r\u{0}key\tid")
        }
        func smudge(path: String, content: [UInt8]) throws -> [UInt8]? { nil }
    }

    @Test("control characters in a filter's message become spaces")
    func controlCharactersInMessages() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let repo = try Repository.initialize(at: dir.sub("repo"))
        try repo.setBlobFilter(Hostile())
        try write(repo.workdir, "a.md", "x\n")
        let error = #expect(throws: GitError.self) { try repo.index().add(path: "a.md") }
        #expect(error?.message == "bad  key id")
    }

    @Test("a throwing smudge stops checkout with its message")
    func throwingSmudge() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let repo = try Repository.initialize(at: dir.sub("repo"))
        try write(repo.workdir, "sealed/a.md", "stored as plaintext\n")
        let first = try commitAll(repo, "unfiltered")
        try repo.setBlobFilter(ToyFilter())
        try FileManager.default.removeItem(atPath: repo.workdir + "/sealed/a.md")
        let error = #expect(throws: GitError.self) { try repo.checkoutTree(first, force: true) }
        #expect(error?.message == "sealed/a.md is not in TOY1 form")
        #expect(error?.filterError is ToyFilter.Refused)
        // libgit2 opened the file before the filter ran: it is left empty, never half-smudged.
        #expect(try read(repo.workdir, "sealed/a.md") == "")
        let id = try #require(try repo.blobID(inTree: try repo.treeID(ofCommit: first), path: "sealed/a.md"))
        #expect(throws: GitError.self) { try repo.blob(id, filteredAs: "sealed/a.md") }
    }

    @Test("line-ending attributes in the tree do not change what the filter stores or reads")
    func lineEndingAttributes() throws {
        let (dir, repo) = try filtered()
        defer { dir.remove() }
        try write(repo.workdir, ".gitattributes", "* text eol=crlf ident\n")
        try write(repo.workdir, "sealed/a.md", "one\ntwo\n")
        let first = try commitAll(repo, "a")
        #expect(try staged(repo, "sealed/a.md") == ToyFilter().stored("one\ntwo\n"))
        try FileManager.default.removeItem(atPath: repo.workdir + "/sealed/a.md")
        try repo.checkoutTree(first, force: true)
        #expect(try read(repo.workdir, "sealed/a.md") == "one\r\ntwo\r\n")
        #expect(try repo.status().isEmpty)
    }
}
