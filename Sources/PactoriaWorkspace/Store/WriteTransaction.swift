import Foundation
package import PactoriaCore
package import PactoriaGit

#if canImport(Glibc)
    import Glibc
#endif

/// One write of workspace files and its commit, all or nothing (issue #12, findings 1, 7, 9).
///
/// Before the first byte of the working tree changes, a journal records what is about to change:
/// each path's prior bytes (or that it did not exist), its index entry, the folders the write
/// creates, the blob each path is to hold, and HEAD. The journal is `<git dir>/pactoria/journal`,
/// written atomically and fsynced. Then the files are written, staged and committed, and the
/// journal removed. On a thrown error (a held lock, a full disk, a rule) every file is put back
/// byte for byte, the index entries are restored and the journal removed before the error goes
/// on. After a crash the journal is left behind, and `Recovery` finishes the job the next time
/// anyone opens the workspace: a write whose commit landed is kept; anything else is undone.
///
/// Runs inside the workspace's write lock (see `WriteTransaction.withLock`).
package final class WriteTransaction {
    /// One file to write (`bytes`) or delete (nil); `faultAfter` names a fault point reached
    /// right after it is written.
    package struct Write {
        var path: String
        var bytes: [UInt8]?
        var faultAfter: StaticString? = nil

        package init(path: String, bytes: [UInt8]?, faultAfter: StaticString? = nil) {
            self.path = path
            self.bytes = bytes
            self.faultAfter = faultAfter
        }
    }

    /// What the write does after the files: nothing, stage them (index written), or commit.
    package enum Finish {
        case files
        case stage
        case commit(message: String, events: [ContractEvent], author: Author, allowEmpty: Bool)
    }

    enum Prior: Equatable {
        case absent
        case file([UInt8], mode: UInt32)
        case link(String)
    }

    /// What is at `abs` now: nothing, a regular file (its bytes and mode) or a symbolic link; nil
    /// for a folder or a special file.
    static func state(of abs: String) throws(WorkspaceError) -> Prior? {
        switch FileSystem.kind(abs) {
        case nil: return .absent
        case .regular?:
            var st = stat()
            lstat(abs, &st)
            return .file(try FileSystem.read(abs), mode: UInt32(st.st_mode) & 0o7777)
        case .symbolicLink?:
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: abs) else {
                throw .io(path: abs, message: "cannot read the symbolic link")
            }
            return .link(target)
        default: return nil
        }
    }

    struct Entry {
        var path: String
        /// False for a path that is only staged (its working file is left as it is).
        var written: Bool
        var prior: Prior
        /// The blob the path is to hold (nil: deleted); for written paths.
        var intended: ObjectID?
        /// The index entry before the write.
        var index: (id: ObjectID, mode: UInt32)?
    }

    let ws: Workspace
    let repo: Repository
    let operation: String
    let head: ObjectID?
    private(set) var entries: [Entry]
    private(set) var createdDirectories: [String]
    let writes: [Write]
    let journal: String

    private init(
        ws: Workspace, repo: Repository, operation: String, head: ObjectID?, entries: [Entry],
        createdDirectories: [String],
        writes: [Write]
    ) {
        self.ws = ws
        self.repo = repo
        self.operation = operation
        self.head = head
        self.entries = entries
        self.createdDirectories = createdDirectories
        self.writes = writes
        self.journal = Recovery.journalPath(repo)
    }

    /// Runs `body` holding the write lock, after rolling back any write a dead process left
    /// half-done (the lock proves no live writer owns its journal).
    package static func withLock<T>(_ ws: Workspace, _ body: () throws(WorkspaceError) -> T) throws(WorkspaceError) -> T
    {
        try WriteLock.withLock(ws) { () throws(WorkspaceError) -> T in
            try Recovery.recoverHoldingLock(ws)
            return try body()
        }
    }

    /// Writes `writes`, then stages `writes` and `alsoStage` and commits (per `finish`), all or
    /// nothing. Returns the commit made, if any.
    @discardableResult
    package static func run(
        _ ws: Workspace, operation: String, writes: [Write], alsoStage: [String] = [], finish: Finish
    ) throws(WorkspaceError) -> ObjectID? {
        let repo = try ws.repository()
        let tx = try begin(ws, repo, operation: operation, writes: writes, alsoStage: alsoStage)
        do throws(WorkspaceError) {
            try tx.writeFiles()
            var made: ObjectID?
            switch finish {
            case .files:
                break
            case .stage:
                let (index, _) = try Committer.stage(ws, repo, paths: tx.entries.map(\.path))
                try Committer.writeIndex(index)
                Fault.point("write.after-index")
            case .commit(let message, let events, let author, let allowEmpty):
                let (index, tree) = try Committer.stage(ws, repo, paths: tx.entries.map(\.path))
                // Staged (blobs in the object store); `Committer.commit` writes the index, then commits.
                Fault.point("write.after-index")
                made = try Committer.commit(
                    repo, index: index, tree: tree, head: tx.head, message: message, events: events, author: author,
                    allowEmpty: allowEmpty)
                Fault.point("write.after-commit")
            }
            tx.end()
            return made
        } catch {
            throw tx.fail(error)
        }
    }

    /// Journals the write (step 1). Nothing in the working tree has changed yet.
    static func begin(
        _ ws: Workspace, _ repo: Repository, operation: String, writes: [Write], alsoStage: [String] = [],
        index opened: Index? = nil
    ) throws(WorkspaceError) -> WriteTransaction {
        let head = try Committer.head(repo)
        let index: Index
        do {
            if let opened {
                index = opened
            } else {
                index = try repo.index()
                try index.refresh()
            }
        } catch { throw .repository("cannot read the index: \(Committer.shortGitMessage(error))", detail: "\(error)") }
        var entries: [Entry] = []
        var created: [String] = []
        for w in writes {
            try ws.refuseLinkedFolders(w.path)
            let abs = ws.absolute(w.path)
            let prior: Prior
            switch try Self.state(of: abs) {
            case .some(let p): prior = p
            case .none:
                throw .refused(
                    "\(w.path) is a \(FileSystem.kind(abs)?.noun ?? "special file"); refusing to write over it")
            }
            let intended: ObjectID?
            do { intended = try w.bytes.map { try ws.blobID(of: $0, path: w.path) } } catch {
                throw .repository("cannot hash \(w.path)", detail: "\(error)")
            }
            entries.append(
                Entry(path: w.path, written: true, prior: prior, intended: intended, index: index.entry(path: w.path)))
            // Folders the write will create, outermost first.
            var dir = ""
            for part in w.path.split(separator: "/").dropLast() {
                dir += dir.isEmpty ? String(part) : "/" + part
                if !created.contains(dir), FileSystem.kind(ws.absolute(dir)) == nil { created.append(dir) }
            }
        }
        for path in alsoStage where !entries.contains(where: { $0.path == path }) {
            entries.append(
                Entry(path: path, written: false, prior: .absent, intended: nil, index: index.entry(path: path)))
        }
        let tx = WriteTransaction(
            ws: ws, repo: repo, operation: operation, head: head, entries: entries, createdDirectories: created,
            writes: writes)
        do {
            try FileSystem.writeAtomically(tx.encode(), to: tx.journal)
        } catch {
            if error.isDiskFull, let first = writes.first { throw .diskFull(path: first.path) }
            throw error
        }
        Fault.point("write.after-journal")
        return tx
    }

    /// Writes the files (step 2).
    func writeFiles() throws(WorkspaceError) {
        for w in writes {
            let abs = ws.absolute(w.path)
            if let bytes = w.bytes {
                do { try FileSystem.writeAtomically(bytes, to: abs) } catch {
                    if error.isDiskFull { throw .diskFull(path: w.path) }
                    throw error
                }
            } else if FileSystem.kind(abs) != nil {
                FileSystem.remove(abs)
            }
            if let step = w.faultAfter { Fault.point(step) }
        }
        Fault.point("write.after-files")
    }

    /// The write succeeded: drop the journal.
    func end() {
        FileSystem.remove(journal)
        FileSystem.syncDirectory((journal as NSString).deletingLastPathComponent)
    }

    /// The write failed with `error`: undo it and return the error to throw (a full disk is
    /// reported as such, naming the first file of the write).
    func fail(_ error: WorkspaceError) -> WorkspaceError {
        let undone: Result<[String], WorkspaceError>
        do throws(WorkspaceError) { undone = .success(try rollback()) } catch { undone = .failure(error) }
        var reported = error
        if error.isDiskFull, let first = writes.first { reported = .diskFull(path: first.path) }
        if case .failure(let rollbackError) = undone {
            return .repository(
                "\(reported.description); undoing the \(operation) also failed (\(rollbackError.description)); the next pactoria command finishes it",
                detail: "\(reported)")
        }
        return reported
    }

    /// Whether HEAD moved on to a commit that holds exactly this write.
    func acknowledged() -> Bool {
        guard let now = try? repo.headCommitID(), now != head, let tree = try? repo.treeID(ofCommit: now) else {
            return false
        }
        for e in entries where e.written {
            guard let held = try? repo.blobID(inTree: tree, path: e.path), held == e.intended else {
                if e.intended == nil, (try? repo.blobID(inTree: tree, path: e.path)) == nil { continue }
                return false
            }
        }
        return true
    }

    /// Puts back every file and index entry the write changed, removes the folders it created
    /// and the journal. A file changed since by someone else is left as it is (and named in the
    /// notes returned). Throws (keeping the journal) when the index cannot be written.
    @discardableResult
    func rollback() throws(WorkspaceError) -> [String] {
        var notes: [String] = []
        let headUnmoved = ((try? repo.headCommitID()) ?? nil) == head
        // Files first.
        for e in entries where e.written {
            let abs = ws.absolute(e.path)
            // Unreadable now: something is there that is not what the write left (never ours).
            let current: Prior
            do { current = try Self.state(of: abs) ?? .absent } catch { current = .file([], mode: 0) }
            if current == e.prior { continue }
            let ours: Bool
            switch current {
            case .absent: ours = e.intended == nil
            case .file(let bytes, _): ours = (try? ws.blobID(of: bytes, path: e.path)) == e.intended
            case .link: ours = false
            }
            guard ours else {
                notes.append("\(e.path) changed after the interrupted write; left as it is")
                continue
            }
            switch e.prior {
            case .absent:
                FileSystem.remove(abs)
            case .file(let bytes, let mode):
                try FileSystem.writeAtomically(bytes, to: abs)
                chmod(abs, mode_t(mode))
            case .link(let target):
                FileSystem.remove(abs)
                symlink(target, abs)
            }
        }
        // Then the index entries.
        do {
            let index = try repo.index()
            try index.reload()
            var changed = false
            for e in entries {
                let current = index.entry(path: e.path)
                if current?.id == e.index?.id && current?.mode == e.index?.mode { continue }
                guard headUnmoved || (e.written && current?.id == e.intended) else { continue }
                if let want = e.index, FileSystem.kind(ws.absolute(e.path)) == .regular,
                    let bytes = try? FileSystem.read(ws.absolute(e.path)),
                    (try? ws.blobID(of: bytes, path: e.path)) == want.id,
                    want.mode == 0o100644
                {
                    try index.add(path: e.path)  // with the file's stat data
                } else {
                    try index.setEntry(path: e.path, e.index)
                }
                changed = true
            }
            if changed { try index.write() }
        } catch {
            throw .repository("cannot restore the index: \(Committer.shortGitMessage(error))", detail: "\(error)")
        }
        // Folders the write made (innermost first; only when empty).
        for dir in createdDirectories.reversed() { rmdir(ws.absolute(dir)) }
        end()
        return notes
    }

    // MARK: - The journal file

    /// Length-prefixed records: `key length\n` then the bytes and `\n`.
    func encode() -> [UInt8] {
        var out: [UInt8] = []
        func put(_ key: String, _ value: [UInt8]) {
            out += Array("\(key) \(value.count)\n".utf8)
            out += value
            out.append(0x0A)
        }
        func put(_ key: String, _ value: String) { put(key, Array(value.utf8)) }
        put("pactoria-journal", "1")
        put("operation", operation)
        put("head", head?.hex ?? "")
        for d in createdDirectories { put("created-dir", d) }
        for e in entries {
            put("path", e.path)
            put("written", e.written ? "1" : "0")
            switch e.prior {
            case .absent: put("prior", "absent")
            case .file(let bytes, let mode):
                put("prior", "file \(String(mode, radix: 8))")
                put("bytes", bytes)
            case .link(let target):
                put("prior", "link")
                put("bytes", Array(target.utf8))
            }
            put("intended", e.intended?.hex ?? "")
            put("index", e.index.map { "\($0.id.hex) \(String($0.mode, radix: 8))" } ?? "")
        }
        put("end", "")
        return out
    }

    /// Reads a journal; nil when it is not one this version wrote whole.
    static func decode(_ bytes: [UInt8], ws: Workspace, repo: Repository) -> WriteTransaction? {
        var records: [(String, [UInt8])] = []
        var i = 0
        while i < bytes.count {
            guard let nl = bytes[i...].firstIndex(of: 0x0A) else { return nil }
            let header = String(decoding: bytes[i..<nl], as: UTF8.self).split(separator: " ")
            guard header.count == 2, let n = Int(header[1]), n >= 0, nl + 1 + n < bytes.count, bytes[nl + 1 + n] == 0x0A
            else { return nil }
            records.append((String(header[0]), Array(bytes[(nl + 1)..<(nl + 1 + n)])))
            i = nl + 2 + n
        }
        guard records.first?.0 == "pactoria-journal",
            records.first.map({ String(decoding: $0.1, as: UTF8.self) }) == "1",
            records.last?.0 == "end"
        else { return nil }
        var operation = "write"
        var head: ObjectID?
        var dirs: [String] = []
        var entries: [Entry] = []
        var writes: [Write] = []
        for (key, value) in records.dropFirst() {
            let text = String(decoding: value, as: UTF8.self)
            switch key {
            case "operation": operation = text
            case "head": head = text.isEmpty ? nil : ObjectID(hex: text)
            case "created-dir": dirs.append(text)
            case "path": entries.append(Entry(path: text, written: false, prior: .absent, intended: nil, index: nil))
            case "written": entries[entries.count - 1].written = text == "1"
            case "prior":
                let parts = text.split(separator: " ")
                if parts.first == "file" {
                    entries[entries.count - 1].prior = .file(
                        [], mode: parts.count > 1 ? UInt32(parts[1], radix: 8) ?? 0o644 : 0o644)
                } else if parts.first == "link" {
                    entries[entries.count - 1].prior = .link("")
                }
            case "bytes":
                switch entries[entries.count - 1].prior {
                case .file(_, let mode): entries[entries.count - 1].prior = .file(value, mode: mode)
                case .link: entries[entries.count - 1].prior = .link(text)
                case .absent: return nil
                }
            case "intended": entries[entries.count - 1].intended = text.isEmpty ? nil : ObjectID(hex: text)
            case "index":
                let parts = text.split(separator: " ")
                if parts.count == 2, let id = ObjectID(hex: String(parts[0])), let mode = UInt32(parts[1], radix: 8) {
                    entries[entries.count - 1].index = (id, mode)
                }
            case "end": break
            default: return nil
            }
        }
        for e in entries where e.written { writes.append(Write(path: e.path, bytes: nil)) }
        return WriteTransaction(
            ws: ws, repo: repo, operation: operation, head: head, entries: entries, createdDirectories: dirs,
            writes: writes)
    }
}

/// Finishing what a dead process left half-done: the write journal (`WriteTransaction`) and the
/// temporary files of its atomic writes.
public enum Recovery {
    /// What recovery did in this process, one line each (for `status`).
    nonisolated(unsafe) private static var done: [String] = []
    private static let lock = NSLock()

    public static var notes: [String] {
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    static func journalPath(_ repo: Repository) -> String { repo.gitDirectoryPath + "/pactoria/journal" }

    /// The git directory, found with one `stat` in the usual layout (no repository opened).
    static func gitDirectory(_ ws: Workspace) -> String? { GitLocks.gitDirectory(root: ws.root) }

    /// Called whenever a command or the server opens the workspace: one `stat` of the journal
    /// when there is none. When there is one and no live process holds the write lock, the
    /// interrupted write is finished (kept if it was committed, else undone). Returns what was
    /// done, one line each (the CLI prints them on stderr); never throws.
    @discardableResult
    public static func onOpen(_ ws: Workspace) -> [String] {
        guard let gitDir = gitDirectory(ws) else { return [] }
        FileSystem.registerScratch(root: ws.root, dir: gitDir + "/pactoria/tmp")
        let journal = gitDir + "/pactoria/journal"
        guard FileSystem.kind(journal) != nil else { return [] }
        // Never touch a live writer's journal: recover only if the write lock is free right now.
        return WriteLock.ifFree(ws) { () -> [String] in
            do throws(WorkspaceError) { return try recover(ws) } catch {
                // Said once per process (a server opens the workspace for every request).
                let note = "could not finish an interrupted write: \(error.description)"
                lock.lock()
                defer { lock.unlock() }
                if lastFailure == note { return [] }
                lastFailure = note
                return [note]
            }
        } ?? []
    }

    nonisolated(unsafe) private static var lastFailure: String?

    /// At the start of every write, holding the write lock.
    static func recoverHoldingLock(_ ws: Workspace) throws(WorkspaceError) {
        guard let gitDir = gitDirectory(ws) else { return }
        FileSystem.registerScratch(root: ws.root, dir: gitDir + "/pactoria/tmp")
        guard FileSystem.kind(gitDir + "/pactoria/journal") != nil else {
            clearScratch(gitDir + "/pactoria/tmp")
            return
        }
        for note in try recover(ws) {
            FileHandle.standardError.write(Data("pactoria: \(note)\n".utf8))
        }
    }

    /// The interrupted write's journal, if any, handled; the caller holds the write lock.
    static func recover(_ ws: Workspace) throws(WorkspaceError) -> [String] {
        let repo = try ws.repository()
        let journal = journalPath(repo)
        guard let bytes = try? FileSystem.read(journal) else { return [] }
        var out: [String] = []
        if let tx = WriteTransaction.decode(bytes, ws: ws, repo: repo) {
            if tx.acknowledged() {
                tx.end()
                let head = ((try? repo.headCommitID()) ?? nil)?.hex.prefix(7) ?? "?"
                out.append("finished an interrupted \(tx.operation) (it was committed as \(head))")
            } else {
                let skipped = try tx.rollback()
                out.append("rolled back an interrupted \(tx.operation) (nothing was committed)")
                out += skipped
            }
        } else {
            // Not a whole journal (it is written atomically, so this is not ours): set it aside.
            let aside = journal + ".unreadable-\(Int(Date().timeIntervalSince1970))"
            rename(journal, aside)
            out.append("set aside an unreadable write journal as \(aside); nothing was rolled back")
        }
        clearScratch(repo.gitDirectoryPath + "/pactoria/tmp")
        lock.lock()
        done += out
        lock.unlock()
        return out
    }

    /// Removes temporary files of dead processes from `<git dir>/pactoria/tmp/`.
    static func clearScratch(_ dir: String) {
        for name in FileSystem.list(dir) {
            // `<name>.tmp-<pid>-<n>`: remove it unless that process is alive.
            let parts = name.split(separator: "-")
            if parts.count >= 3, let pid = Int32(parts[parts.count - 2]), pid > 0, kill(pid, 0) == 0 || errno == EPERM {
                continue
            }
            unlink(dir + "/" + name)
        }
    }

    /// A write in progress (its journal is there and a live process holds the write lock), for
    /// `status`; nil when there is none.
    public static func pending(_ ws: Workspace) -> String? {
        guard let gitDir = gitDirectory(ws), FileSystem.kind(gitDir + "/pactoria/journal") != nil else { return nil }
        return
            "a write journal is present (\(gitDir)/pactoria/journal): another pactoria process is writing, or an interrupted write could not be finished yet (any pactoria command retries it)"
    }
}
