import Foundation
import PactoriaCore
import PactoriaWorkspace
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// With no `.pactoria/cache` (a fresh clone), `status` takes each clean file's blob id from git's
/// index, as `git status` does, instead of hashing it. An edit that keeps the size and puts the
/// mtime back must still be seen (the ctime moved), and so must an edit git's index never saw.
@Suite struct IndexSeedTests {
    @Test func coldStatusTrustsOnlyIndexEntriesWhoseFileIsUnchanged() throws {
        let root = NSTemporaryDirectory() + "pactoria-indexseed-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let author = "Ada <ada@example.co.uk>"
        _ = try InitWorkspace.run(directory: root, author: author)
        let ws = try Workspace.open(root: root)
        _ = try Companies.add(ws, name: "Seed Ltd", slug: "seed", companyNumber: nil)
        var refs: [ContractRef] = []
        for i in 0..<12 {
            let made = try NewContract.run(
                ws,
                .init(
                    company: "seed", title: "Seed contract \(i)", type: "nda", client: Party(name: "C\(i) Ltd"),
                    author: author))
            refs.append(made.ref)
        }
        _ = try CommitChanges.run(ws, message: "Contracts", author: FilesKit.author, stageEverything: true)
        // Files written well before the index: wait past the clock tick, then let git's index be
        // rewritten (a commit) so every entry is older than it.
        Thread.sleep(forTimeInterval: 0.05)
        _ = try NewContract.run(
            ws,
            .init(
                company: "seed", title: "Seed contract extra", type: "nda", client: Party(name: "X Ltd"), author: author
            ))
        _ = try CommitChanges.run(ws, message: "Again", author: FilesKit.author, stageEverything: true)
        let cache = root + "/" + Workspace.cacheDirectory
        func coldStatus() throws -> [String] {
            try? FileManager.default.removeItem(atPath: cache)
            let later = try Workspace.open(root: root)
            later.stampClock = { Timestamp.nowNanoseconds() + 4_000_000_000 }
            return try WorkspaceStatus.compute(later).contracts.map { "\($0.ref) \($0.change.rawValue)" }.sorted()
        }
        #expect(try coldStatus() == [])

        // Same size, mtime put back: only the ctime tells. Must show as modified.
        let md = root + "/" + refs[3].markdownPath
        var original = stat()
        #expect(stat(md, &original) == 0)
        var bytes = Array(try String(contentsOfFile: md, encoding: .utf8).utf8)
        bytes[bytes.count - 1] = bytes[bytes.count - 1] == UInt8(ascii: "X") ? UInt8(ascii: "Y") : UInt8(ascii: "X")
        let fd = open(md, O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        _ = bytes.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        var times = [original.st_atim, original.st_mtim]
        #expect(utimensat(AT_FDCWD, md, &times, 0) == 0)
        var edited = stat()
        #expect(stat(md, &edited) == 0)
        #expect(edited.st_size == original.st_size)
        #expect(edited.st_mtim.tv_nsec == original.st_mtim.tv_nsec && edited.st_mtim.tv_sec == original.st_mtim.tv_sec)
        #expect(try coldStatus() == ["\(refs[3]) modified"])

        // An ordinary edit is seen too.
        let yaml = root + "/" + refs[7].yamlPath
        try (try String(contentsOfFile: yaml, encoding: .utf8)).replacingOccurrences(
            of: "Seed contract 7", with: "Seed contract seven"
        ).write(toFile: yaml, atomically: true, encoding: .utf8)
        #expect(try coldStatus().contains("\(refs[7]) modified"))
    }
}
