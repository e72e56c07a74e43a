import Foundation
import PactoriaCore
import PactoriaCrypto
import PactoriaGit
import PactoriaTestSupport
import Testing

@testable import PactoriaWorkspace

private func failure(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "(no error)"
    } catch {
        return "\(error)"
    }
}

private let signature = Signature(
    name: "Pactoria", email: "pactoria@example.com", time: Date(timeIntervalSince1970: 1_768_904_100))
private let day = CalendarDate("2026-01-20")!

/// A work tree with one commit on main.
private func makeRepository(_ dir: String) throws -> Repository {
    let repo = try Repository.initialize(at: dir)
    try "hello\n".write(toFile: dir + "/README.md", atomically: true, encoding: .utf8)
    let index = try repo.index()
    try index.addAll(["README.md"])
    try index.write()
    let tree = try index.writeTree()
    _ = try repo.createCommit(tree: tree, parents: [], author: signature, committer: signature, message: "Start\n")
    return repo
}

/// Every object in the store, loose and packed, inflated.
private func everyObject(_ repo: Repository) throws -> [[UInt8]] {
    try repo.allObjectIDs().map { try repo.rawObject($0).bytes }
}

private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    let first = needle[0]
    var i = 0
    while i + needle.count <= haystack.count {
        if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        i += 1
    }
    return false
}

/// The wrapped-key base64 of `id` in a keyring blob.
private func wrappedText(of id: DataKeyID, in keyring: Keyring) -> String {
    let text = String(decoding: keyring.serialized(), as: UTF8.self)
    let line = text.split(separator: "\n").first { $0.hasPrefix("key \(id.hex) ") }!
    return String(line.split(separator: " ")[3])
}

@Suite("Sealing: the keyring")
struct SealingKeyringTests {
    @Test("an absent reference is an empty keyring; keys are created, saved and read back")
    func createSaveLoad() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try makeRepository(dir)
        let kek = try MasterKey.generate()
        var keyring = try Keyring.load(from: repo, masterKey: kek)
        #expect(keyring.entries.isEmpty)
        #expect(keyring.loadedCommit == nil)
        #expect(try keyring.dataKey(for: "c-1", create: false, date: day) == nil)
        let k1 = try #require(try keyring.dataKey(for: "c-1", create: true, date: day))
        #expect(try keyring.dataKey(for: "c-1", create: true, date: day) == k1)
        let k2 = try #require(try keyring.dataKey(for: "c-2", create: true, date: day))
        let saved = try keyring.save(to: repo, signature: signature)
        let commit = try #require(saved.commit)
        #expect(try repo.referenceTarget(Keyring.referenceName) == commit)
        #expect(try repo.commit(commit).parents.isEmpty)
        #expect(!repo.hasReflog(Keyring.referenceName))
        #expect(try repo.headCommitID() != commit)

        let again = try Keyring.load(from: repo, masterKey: kek)
        #expect(again.key(id: k1.id) == .key(k1))
        #expect(again.key(id: k2.id) == .key(k2))
        #expect(again.key(id: try DataKeyID.random()) == .unknown)
        #expect(again.keyIDs(forContract: "c-2") == [k2.id])
        let text = String(decoding: again.serialized(), as: UTF8.self)
        #expect(text.hasPrefix("pactoria-keyring 1\nkek-check \(kek.checkValue)\nkey \(k1.id.hex) c-1 "))
        #expect(!text.contains(Digest.hex(k1.bytes)))

        // A second save replaces the commit (no history) and removes the old loose objects.
        var more = again
        _ = try more.dataKey(for: "c-3", create: true, date: day)
        let second = try more.save(to: repo, signature: signature)
        #expect(second.previous == commit)
        #expect(try repo.commit(#require(second.commit)).parents.isEmpty)
        #expect(!(try repo.objectExists(commit)))
    }

    @Test("a wrong master key is reported once, as a mismatch")
    func wrongMasterKey() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try makeRepository(dir)
        var keyring = Keyring(masterKey: try MasterKey.generate())
        _ = try keyring.dataKey(for: "c-1", create: true, date: day)
        _ = try keyring.save(to: repo, signature: signature)
        let text = failure { _ = try Keyring.load(from: repo, masterKey: try MasterKey.generate()) }
        #expect(text == "the master key does not match this workspace's keyring")
    }

    @Test("a hostile keyring blob is an error naming the line")
    func hostileBlobs() throws {
        let kek = try MasterKey.generate()
        var keyring = Keyring(masterKey: kek)
        let k1 = try #require(try keyring.dataKey(for: "c-1", create: true, date: day))
        let k2 = try #require(try keyring.dataKey(for: "c-2", create: true, date: day))
        _ = try keyring.erase(keyIDs: [k2.id], date: day)
        let good = String(decoding: keyring.serialized(), as: UTF8.self)
        #expect(good.contains("erased \(k2.id.hex) c-2 2026-01-20\n"))
        let lines = good.split(separator: "\n").map(String.init)
        let keyLine = lines[2]
        let fields = keyLine.split(separator: " ").map(String.init)
        var flipped = Array(fields[3])
        flipped[20] = flipped[20] == "A" ? "B" : "A"
        let other = Keyring(masterKey: try MasterKey.generate())
        let foreignCheck = String(decoding: other.serialized(), as: UTF8.self).split(separator: "\n")[1]
        let cases: [(String, String)] = [
            ("", "line feed"),
            ("pactoria-keyring 1\n", "truncated"),
            ("pactoria-keyring 18446744073709551617\n" + lines[1] + "\n", "line 1"),
            ("pactoria-keyring 2\n" + lines[1] + "\n", "unsupported"),
            ("PACTORIA\n" + lines[1] + "\n", "line 1"),
            (lines[0] + "\nkek-check zz\n", "line 2"),
            (lines[0] + "\n" + foreignCheck + "\n" + keyLine + "\n", "does not match"),
            (good + keyLine + "\n", "line 5: key id \(k1.id.hex) appears twice"),
            (good + "erased \(k1.id.hex) c-1 2026-01-20\n", "line 5: key id"),
            (good + "\n", "line 5: empty line"),
            (good + "key \(k1.id.hex)\n", "line 5: a key line has 5 fields"),
            (
                good.replacingOccurrences(of: fields[3], with: String(flipped)),
                "line 3: the wrapped key of \(k1.id.hex) does not verify"
            ),
            (good.replacingOccurrences(of: " c-1 ", with: " c-9 "), "line 3: the wrapped key"),
            (good.replacingOccurrences(of: fields[3], with: String(fields[3].dropLast(4))), "line 3: the wrapped key"),
            (good.replacingOccurrences(of: " 2026-01-20\nerased", with: " 2026-02-30\nerased"), "line 3: the date"),
            (
                good.replacingOccurrences(of: " 2026-01-20\nerased", with: " 99999999999999999999\nerased"),
                "line 3: the date"
            ),
            (good.replacingOccurrences(of: " c-1 ", with: " c\u{0}1 "), "line 3: the contract id"),
            (good.replacingOccurrences(of: " c-1 ", with: " c-1\r "), "line 3: the contract id"),
            (
                good.replacingOccurrences(of: "key \(k1.id.hex)", with: "key \(k1.id.hex.uppercased())"),
                "line 3: the key id"
            ),
            (good + "comment here\n", "line 5: unknown line kind"),
            (good.replacingOccurrences(of: "\n", with: "\r\n"), "line 1"),
        ]
        for (blob, expected) in cases {
            // (Keys are unwrapped when first used: an altered one is reported then, by its line.)
            let text = failure { _ = try Keyring.parse(Array(blob.utf8), masterKey: kek).requireKey(id: k1.id) }
            #expect(text.contains(expected), "\(expected): \(text)")
            #expect(!text.contains(Digest.hex(k1.bytes)))
        }
        #expect(failure { _ = try Keyring.parse([0xFF, 0x0A], masterKey: kek) }.contains("not UTF-8"))
        let parsed = try Keyring.parse(Array(good.utf8), masterKey: kek)
        #expect(parsed.key(id: k1.id) == .key(k1))
        #expect(parsed.key(id: k2.id) == .erased(day))
    }

    @Test("erase leaves a tombstone; unknown ids are refused; rotate re-wraps under a new master key")
    func eraseAndRotate() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try makeRepository(dir)
        let kek = try MasterKey.generate()
        var keyring = Keyring(masterKey: kek)
        let k1 = try #require(try keyring.dataKey(for: "c-1", create: true, date: day))
        let k2 = try #require(try keyring.dataKey(for: "c-2", create: true, date: day))
        _ = try keyring.save(to: repo, signature: signature)
        let stranger = try DataKeyID.random()
        #expect(throws: SealingError.unknownKey(keyID: stranger.hex)) {
            try keyring.erase(keyIDs: [stranger], date: day)
        }
        #expect(try keyring.erase(keyIDs: [k1.id], date: day) == [k1.id])
        #expect(try keyring.erase(keyIDs: [k1.id], date: day) == [])
        #expect(failure { _ = try keyring.requireKey(id: k1.id) }.contains("was erased on 2026-01-20"))
        #expect(try keyring.dataKey(for: "c-1", create: false, date: day) == nil)
        _ = try keyring.save(to: repo, signature: signature)

        let newKEK = try MasterKey.generate()
        var loaded = try Keyring.load(from: repo, masterKey: kek)
        let oldWrapped = wrappedText(of: k2.id, in: loaded)
        try loaded.rotate(to: newKEK)
        #expect(wrappedText(of: k2.id, in: loaded) != oldWrapped)
        _ = try loaded.save(to: repo, signature: signature)
        #expect(failure { _ = try Keyring.load(from: repo, masterKey: kek) }.contains("does not match"))
        let rotated = try Keyring.load(from: repo, masterKey: newKEK)
        #expect(rotated.key(id: k2.id) == .key(k2))
        #expect(rotated.key(id: k1.id) == .erased(day))
        #expect(!(try everyObject(repo)).contains { contains($0, Array(oldWrapped.utf8)) })
    }

    @Test("no reflog is kept for the keyring, even when every ref update is logged")
    func noReflog() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try makeRepository(dir)
        try repo.setConfig("core.logAllRefUpdates", "always")
        var keyring = Keyring(masterKey: try MasterKey.generate())
        _ = try keyring.dataKey(for: "c-1", create: true, date: day)
        _ = try keyring.save(to: repo, signature: signature)
        _ = try keyring.dataKey(for: "c-2", create: true, date: day)
        _ = try keyring.save(to: repo, signature: signature)
        #expect(!repo.hasReflog(Keyring.referenceName))
        #expect(!FileManager.default.fileExists(atPath: dir + "/.git/logs/refs/pactoria/keyring"))
    }

    @Test("an erasure is refused, before anything is written, while another reference holds the old keyring")
    func erasureRefusedWhileReachable() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try makeRepository(dir)
        let kek = try MasterKey.generate()
        var keyring = Keyring(masterKey: kek)
        let k1 = try #require(try keyring.dataKey(for: "c-1", create: true, date: day))
        let saved = try #require(try keyring.save(to: repo, signature: signature).commit)
        try repo.setReference("refs/tags/copy", to: saved, expecting: nil)
        _ = try keyring.erase(keyIDs: [k1.id], date: day)
        let text = failure { _ = try keyring.save(to: repo, signature: signature) }
        #expect(text.contains("reachable from another reference"), "\(text)")
        #expect(try repo.referenceTarget(Keyring.referenceName) == saved)
    }

    @Test("a save that lost a race with another writer is refused")
    func compareAndSwap() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try makeRepository(dir)
        let kek = try MasterKey.generate()
        var first = Keyring(masterKey: kek)
        var second = Keyring(masterKey: kek)
        _ = try first.dataKey(for: "c-1", create: true, date: day)
        _ = try second.dataKey(for: "c-2", create: true, date: day)
        _ = try first.save(to: repo, signature: signature)
        let before = Set(try repo.allObjectIDs())
        #expect(failure { _ = try second.save(to: repo, signature: signature) }.contains("changed since it was read"))
        #expect(Set(try repo.allObjectIDs()) == before)
    }

    @Test("erasure after packing: no object in the store, loose or packed, holds the erased key")
    func erasureRemovesPackedCopies() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A bare repository with a keyring of two keys, cloned (so every object arrives in a pack).
        let origin = try makeRepository(dir + "/origin")
        let kek = try MasterKey.generate()
        var keyring = Keyring(masterKey: kek)
        let erased = try #require(try keyring.dataKey(for: "c-erased", create: true, date: day))
        let kept = try #require(try keyring.dataKey(for: "c-kept", create: true, date: day))
        _ = try keyring.save(to: origin, signature: signature)
        let erasedWrapped = Array(wrappedText(of: erased.id, in: keyring).utf8)
        let erasedWrappedBytes = Array(Data(base64Encoded: Data(erasedWrapped))!)

        let clone = try Repository.clone(url: dir + "/origin", to: dir + "/clone")
        // Clones fetch branches only: bring the keyring over too, into a pack.
        try clone.fetch(remote: "origin", refspecs: ["+refs/pactoria/keyring:refs/pactoria/keyring"])
        #expect(try clone.referenceTarget(Keyring.referenceName) == origin.referenceTarget(Keyring.referenceName))
        let packDir = try clone.objectsDirectoryPath + "/pack"
        #expect(try FileManager.default.contentsOfDirectory(atPath: packDir).contains { $0.hasSuffix(".pack") })
        let keyringCommit = try #require(try clone.referenceTarget(Keyring.referenceName))
        #expect(!(try clone.isLooseObject(keyringCommit)))
        #expect(try everyObject(clone).contains { contains($0, erasedWrapped) })

        // A reflog entry on HEAD and an unrelated loose object must survive the repack.
        let stray = try clone.writeBlob(Array("work in progress\n".utf8))

        var loaded = try Keyring.load(from: clone, masterKey: kek)
        #expect(try loaded.erase(keyIDs: [erased.id], date: day) == [erased.id])
        let result = try loaded.save(to: clone, signature: signature)
        #expect(result.repack != nil)
        #expect(result.repack?.removedPacks.isEmpty == false)

        // Every object, loose and packed, through a fresh handle on the repository.
        let reopened = try Repository.open(at: dir + "/clone")
        let objects = try everyObject(reopened)
        #expect(!objects.isEmpty)
        for object in objects {
            #expect(!contains(object, erasedWrapped))
            #expect(!contains(object, erasedWrappedBytes))
            #expect(!contains(object, erased.bytes))
            #expect(!contains(object, Array(Digest.hex(erased.bytes).utf8)))
        }
        #expect(!(try reopened.objectExists(keyringCommit)))
        // The raw files too (a pack or loose file that git would no longer list).
        let files = FileManager.default.enumerator(atPath: dir + "/clone/.git")!.compactMap { $0 as? String }
        for file in files {
            guard let data = FileManager.default.contents(atPath: dir + "/clone/.git/" + file) else { continue }
            #expect(!contains(Array(data), erasedWrapped), "\(file)")
        }
        // What is still reachable is intact: the branch, HEAD's history, the stray object, the kept key.
        #expect(try reopened.objectExists(stray))
        let head = try #require(try reopened.headCommitID())
        #expect(try reopened.file(at: head, path: "README.md") == Array("hello\n".utf8))
        let after = try Keyring.load(from: reopened, masterKey: kek)
        #expect(after.key(id: kept.id) == .key(kept))
        #expect(after.key(id: erased.id) == .erased(day))
        let sealed = try SealEnvelope.seal(Array("kept".utf8), kind: .md, key: kept)
        #expect(try SealEnvelope.unseal(sealed, kind: .md, key: after.requireKey(id: kept.id)) == Array("kept".utf8))
    }

    @Test("repackReachable keeps everything reachable and drops unreachable packed objects")
    func repackKeepsReachable() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try makeRepository(dir)
        let head = try #require(try repo.headCommitID())
        let orphan = try repo.writeBlob(Array("orphan\n".utf8))
        let first = try repo.repackReachable()
        #expect(first.packedObjects == 3)
        #expect(try !repo.isLooseObject(head))
        // The orphan was neither reachable nor garbage: left loose.
        #expect(try repo.isLooseObject(orphan))
        let second = try repo.repackReachable(garbage: [orphan])
        #expect(!(try repo.objectExists(orphan)))
        let packDir = try repo.objectsDirectoryPath + "/pack"
        func packs() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: packDir).filter { $0.hasSuffix(".pack") }.count
        }
        #expect(second.packedObjects == 3)
        #expect(try packs() == 1)
        // An object kept only by a reference is packed; once the reference moves, the next
        // repack drops it with the old pack.
        let held = try repo.writeBlob(Array("held by a reference\n".utf8))
        try repo.setReference("refs/pactoria/test", to: held, expecting: nil)
        let third = try repo.repackReachable()
        #expect(third.packedObjects == 4)
        #expect(try !repo.isLooseObject(held))
        #expect(try repo.objectExists(held))
        try repo.setReference("refs/pactoria/test", to: head, expecting: held)
        let fourth = try repo.repackReachable()
        #expect(fourth.removedPacks.count == 1)
        #expect(!(try repo.objectExists(held)))
        #expect(try packs() == 1)
        #expect(try Repository.open(at: dir).commit(head).summary == "Start")
    }

    @Test("one key read from the keyring's text is the key the whole keyring gives, or no answer (120 random keyrings)")
    func quickLookupsAgreeWithTheWholeKeyring() throws {
        var rng = SplitMix64(seed: 16)
        for round in 0..<120 {
            let kek = try MasterKey.generate()
            var keyring = Keyring(masterKey: kek)
            let contracts = (0..<(1 + Int(rng.next() % 6))).map { "c-\(round)-\($0)" }
            var ids: [DataKeyID] = []
            for _ in 0..<(1 + Int(rng.next() % 12)) {
                let c = contracts[Int(rng.next() % UInt64(contracts.count))]
                // Sometimes a second key for a contract (made after an erasure of the first).
                if rng.next() % 3 == 0, let live = keyring.keyIDs(forContract: c).last {
                    _ = try keyring.erase(keyIDs: [live], date: day)
                }
                if let k = try keyring.dataKey(for: c, create: true, date: day) { ids.append(k.id) }
            }
            var blob = keyring.serialized()
            // Now and then a hostile change: a flipped byte anywhere after the header, or a line repeated.
            switch rng.next() % 4 {
            case 0:
                let headerEnd = blob.indices.filter { blob[$0] == 0x0A }[1] + 1
                if headerEnd < blob.count - 1 {
                    let i = headerEnd + Int(rng.next() % UInt64(blob.count - 1 - headerEnd))
                    blob[i] ^= UInt8(1 << (rng.next() % 7))
                }
            case 1:
                let lines = blob.split(separator: 0x0A, omittingEmptySubsequences: false)
                if lines.count > 3 { blob += Array(lines[2]) + [0x0A] }
            default: break
            }
            // A quick answer is the whole keyring's (when it parses), and always the answer of the
            // keyring as written: a damaged line never yields another key.
            var whole = try? Keyring.parse(blob, masterKey: kek)
            var written = keyring
            for c in contracts {
                let quick = Keyring.quickKey(blob, masterKey: kek, contractID: c)
                guard let quick else { continue }  // no answer: the caller loads the whole keyring
                #expect(try written.dataKey(for: c, create: false, date: day) == quick, "round \(round), \(c)")
                if whole != nil {
                    #expect(try whole!.dataKey(for: c, create: false, date: day) == quick, "round \(round), \(c)")
                }
            }
            for id in ids {
                guard let quick = Keyring.quickLookup(blob, masterKey: kek, id: id) else { continue }
                // (A tombstone's date is not authenticated: a damaged one may read as another date.)
                func kind(_ l: Keyring.Lookup) -> String {
                    if case .erased = l { return "erased" }
                    return "\(l)"
                }
                #expect(kind(written.key(id: id)) == kind(quick), "round \(round), \(id.hex)")
                if let whole { #expect(whole.key(id: id) == quick, "round \(round), \(id.hex)") }
            }
            // Another master key never gets an answer.
            let other = try MasterKey.generate()
            #expect(contracts.allSatisfy { Keyring.quickKey(blob, masterKey: other, contractID: $0) == nil })
        }
    }
}
