public import PactoriaCore
public import PactoriaGit
import Foundation

/// `pactoria commit`: validate, bump versions, stage the workspace and commit with audit trailers.
public enum CommitChanges {
    public struct ContractEvent: Sendable, Equatable {
        public var id: String
        public var ref: ContractRef
        public var event: String
        public var version: Int
    }

    public struct Result: Sendable {
        public var commit: ObjectID
        public var contracts: [ContractEvent]
        public var summary: String
    }

    public static func run(
        _ ws: Workspace, message: String, author: Author, allowEmpty: Bool = false,
        stageEverything: Bool = false, precomputed: WorkspaceStatus? = nil
    ) throws(WorkspaceError) -> Result {
        let trimmed = message.trimmingSpaces()
        guard !trimmed.isEmpty else { throw .invalidInput(field: "-m", message: "the commit message must not be empty") }
        let repo = try ws.repository()
        let status: WorkspaceStatus
        if let precomputed { status = precomputed } else { status = try WorkspaceStatus.compute(ws) }
        let problems = status.problems
        if !problems.isEmpty { throw .invalid(problems) }

        let head: ObjectID?
        do { head = try repo.headCommitID() } catch { throw .repository("cannot read HEAD", detail: "\(error)") }
        let headTree = try head.map { (h: ObjectID) throws(WorkspaceError) -> ObjectID in
            do { return try repo.treeID(ofCommit: h) } catch { throw .repository("cannot read HEAD's tree", detail: "\(error)") }
        }

        // Contracts that disappeared from a path, by id, to recognise renames.
        var deletedByID: [String: ContractRef] = [:]
        if let headTree {
            for c in status.contracts where c.change == .deleted {
                if let text = try? blobText(repo, headTree, c.ref.yamlPath),
                    let loaded = try? Workspace.decodeContract(ref: c.ref, text: text)
                {
                    deletedByID[loaded.contract.id.lowercased()] = c.ref
                }
            }
        }

        var events: [ContractEvent] = []
        let now = Timestamp.now().description
        for change in status.contracts where change.change != .deleted {
            var loaded = try ws.loadContract(change.ref)
            let id = loaded.contract.id
            let previousRef = FileSystem.exists(ws.absolute(change.ref.yamlPath)) && (change.change == .new || change.change == .untracked)
                ? deletedByID.removeValue(forKey: id.lowercased()) : change.ref
            var previous: Contract?
            var previousMarkdown: ObjectID?
            if let headTree, let prevRef = previousRef {
                if let text = try? blobText(repo, headTree, prevRef.yamlPath) {
                    previous = try? Workspace.decodeContract(ref: prevRef, text: text).contract
                }
                previousMarkdown = try? repo.blobID(inTree: headTree, path: prevRef.markdownPath)
            }
            let event: String
            var contract = loaded.contract
            if let previous {
                let md = ws.readMarkdown(change.ref)
                let currentMarkdown = try md.map { (bytes: [UInt8]) throws(WorkspaceError) -> ObjectID in
                    do { return try ObjectID.blobID(of: bytes) } catch { throw .repository("cannot hash \(change.ref.markdownPath)", detail: "\(error)") }
                }
                if currentMarkdown != previousMarkdown {
                    event = "contract.content_changed"
                    if contract.version <= previous.version { contract.version = previous.version + 1 }
                } else {
                    event = "contract.updated"
                }
                contract.updatedAt = now
            } else {
                event = "contract.created"
            }
            if contract != loaded.contract {
                try ws.writeContract(contract, ref: change.ref, original: loaded.document.root)
                loaded.contract = contract
            }
            events.append(ContractEvent(id: id, ref: change.ref, event: event, version: contract.version))
        }
        for (_, ref) in deletedByID.sorted(by: { $0.value < $1.value }) {
            if let headTree, let text = try? blobText(repo, headTree, ref.yamlPath),
                let old = try? Workspace.decodeContract(ref: ref, text: text).contract
            {
                events.append(ContractEvent(id: old.id, ref: ref, event: "contract.deleted", version: old.version))
            }
        }

        // Stage exactly the workspace's files, then write the tree.
        let index: Index
        let tree: ObjectID
        do {
            index = try Trace.measure("index read") { try repo.index() }
            try index.reload()
            if stageEverything { try index.addAll(["."]) }
            // Exactly the files status found changed (as `git add -A` on the workspace would),
            // plus the metadata rewritten above.
            var paths = Set(status.changedFiles.map(\.path))
            // Changes staged with git but undone in the working tree are invisible to the scan
            // (it compares with HEAD): when the index differs from HEAD, ask libgit2 for them too.
            if let headTree, try index.writeTree() != headTree {
                for e in try repo.status(pathspecs: WorkspaceStatus.workspacePaths) { paths.insert(e.path) }
            }
            for e in events { paths.insert(e.ref.yamlPath) }
            for path in paths.sorted() {
                if FileSystem.exists(ws.absolute(path)) { try index.add(path: path) } else { try index.remove(path: path) }
            }
            tree = try Trace.measure("write tree") { try index.writeTree() }
        } catch {
            throw .repository("cannot stage the workspace: \(shortGitMessage(error))", detail: "\(error)")
        }
        if !allowEmpty, tree == headTree { throw .nothingToCommit }

        let fullMessage = compose(message: trimmed, events: events)
        let signature = Signature(name: author.name, email: author.email, time: Date())
        let commit: ObjectID
        do {
            try Trace.measure("index write") { try index.write() }
            commit = try repo.createCommit(
                tree: tree, parents: head.map { [$0] } ?? [], author: signature, committer: signature,
                message: fullMessage)
        } catch {
            throw .repository("cannot commit: \(shortGitMessage(error))", detail: "\(error)")
        }
        return Result(commit: commit, contracts: events, summary: trimmed)
    }

    /// The message followed by one set of audit trailers per contract touched.
    static func compose(message: String, events: [ContractEvent]) -> String {
        var out = message + "\n"
        if !events.isEmpty {
            out += "\n"
            for e in events {
                out += "Pactoria-Contract: \(e.id)\nPactoria-Event: \(e.event)\nPactoria-Version: \(e.version)\n"
            }
        }
        return out
    }

    static func blobText(_ repo: Repository, _ tree: ObjectID, _ path: String) throws -> String? {
        guard let blob = try repo.blobID(inTree: tree, path: path) else { return nil }
        return String(decoding: try repo.blob(blob), as: UTF8.self)
    }

    static func shortGitMessage(_ error: any Error) -> String {
        if let g = error as? GitError {
            if g.code == .locked { return "another process holds the repository lock (index.lock); try again" }
            return g.message
        }
        return "\(error)"
    }
}
