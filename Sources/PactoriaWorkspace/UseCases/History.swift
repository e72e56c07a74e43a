import Foundation
import PactoriaCore
public import PactoriaGit

/// The log: the workspace's history, or one contract's versions across renames.
public enum History {
    /// One commit of the workspace.
    public struct CommitEntry: Sendable {
        public var commit: CommitInfo
        /// Audit trailers, grouped per contract.
        public var events: [ContractEvent]
    }

    /// One version of a contract: a commit that changed its metadata or content.
    public struct ContractEntry: Sendable {
        public var commit: CommitInfo
        public var ref: ContractRef
        public var version: Int?
        public var status: String?
        public var event: String
        /// True when the event was worked out from the change, not read from a trailer.
        public var inferred: Bool
    }

    public static func workspace(_ ws: Workspace, limit: Int? = nil) throws(WorkspaceError) -> [CommitEntry] {
        let repo = try ws.repository()
        guard let head = try headOrNil(repo) else { return [] }
        var out: [CommitEntry] = []
        do {
            for c in try repo.walk(from: head) {
                out.append(CommitEntry(commit: c, events: parseEvents(c)))
                if let limit, out.count >= limit { break }
            }
        } catch { throw .repository("cannot read history", detail: "\(error)") }
        return out
    }

    /// Reads `Pactoria-Contract` / `-Event` / `-Version` trailer sets from a commit message.
    public static func parseEvents(_ c: CommitInfo) -> [ContractEvent] { AuditTrailers.parse(c.trailers) }

    /// The versions of one contract, newest first, following it by id across renames.
    public static func contract(_ ws: Workspace, id: String, ref: ContractRef) throws(WorkspaceError) -> [ContractEntry]
    {
        let repo = try ws.repository()
        guard let head = try headOrNil(repo) else { return [] }
        var out: [ContractEntry] = []
        var path: ContractRef? = ref
        do {
            // Every commit, newest first and children before parents, as `git log -- PATH` walks:
            // work done on a branch and merged in shows as the commits that made it. A merge shows
            // only when its contract differs from every parent's (it resolved or combined changes).
            for c in try repo.walk(from: head) {
                // Where is the contract in this commit?
                var here = try path.flatMap { p in try repo.blobID(inTree: c.treeID, path: p.yamlPath) != nil ? p : nil
                }
                if here == nil { here = try find(id: id, in: c.treeID, repo: repo) }
                guard let current = here else {
                    // Not in this commit: deleted later on, or a side branch that never had it.
                    continue
                }
                path = current
                /// The contract's place and blobs in a parent.
                func state(in parent: ObjectID) throws -> (ref: ContractRef?, yaml: ObjectID?, md: ObjectID?) {
                    let tree = try repo.treeID(ofCommit: parent)
                    let ref =
                        try repo.blobID(inTree: tree, path: current.yamlPath) != nil
                        ? current : try find(id: id, in: tree, repo: repo)
                    return (
                        ref, try ref.flatMap { try repo.blobID(inTree: tree, path: $0.yamlPath) },
                        try ref.flatMap { try repo.blobID(inTree: tree, path: $0.markdownPath) }
                    )
                }
                let yamlNow = try repo.blobID(inTree: c.treeID, path: current.yamlPath)
                let mdNow = try repo.blobID(inTree: c.treeID, path: current.markdownPath)
                let parents = try c.parents.map(state(in:))
                if parents.contains(where: { $0.ref == current && $0.yaml == yamlNow && $0.md == mdNow }) { continue }
                // Compared with the first parent that has it (a merge may bring it from its second).
                let base = parents.first(where: { $0.ref != nil })
                let before = base?.ref
                let yamlBefore = base?.yaml
                let mdBefore = base?.md

                let text = try yamlNow.map { String(decoding: try repo.blob($0), as: UTF8.self) }
                let contract = text.flatMap { try? Workspace.decodeContract(ref: current, text: $0).contract }
                let trailer = parseEvents(c).last { $0.id.lowercased() == id.lowercased() }
                var event: String
                let inferred: Bool
                if let trailer, !trailer.event.isEmpty {
                    event = trailer.event
                    inferred = false
                } else {
                    inferred = true
                    if before == nil {
                        event = "contract.created"
                    } else if mdNow != mdBefore {
                        event = "contract.content_changed"
                    } else if before != current && yamlNow == yamlBefore {
                        event = "contract.renamed"
                    } else {
                        event = "contract.updated"
                    }
                }
                if event.isEmpty { event = "contract.updated" }
                out.append(
                    ContractEntry(
                        commit: c, ref: current, version: contract?.version, status: contract?.status, event: event,
                        inferred: inferred))
                if before == nil { break }  // created here: nothing older concerns it
            }
        } catch let e as WorkspaceError {
            throw e
        } catch {
            throw .repository("cannot read history", detail: "\(error)")
        }
        return out
    }

    /// Looks for the contract with `id` anywhere in a tree (used only when it is not where it was).
    static func find(id: String, in tree: ObjectID, repo: Repository) throws -> ContractRef? {
        let needle = Array("id: \(id.lowercased())".utf8)
        for (path, blob) in try repo.files(inTree: tree, under: "companies") where path.hasSuffix(".yaml") {
            guard let ref = ContractRef(path: path) else { continue }
            let bytes = try repo.blob(blob)
            if bytes.firstRange(of: needle) != nil { return ref }
            // Hand-written files may quote the id or use upper case: check properly.
            if let loaded = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self)),
                loaded.contract.id.lowercased() == id.lowercased()
            {
                return ref
            }
        }
        return nil
    }

    static func headOrNil(_ repo: Repository) throws(WorkspaceError) -> ObjectID? {
        do { return try repo.headCommitID() } catch { throw .repository("cannot read HEAD", detail: "\(error)") }
    }
}

extension Array where Element == UInt8 {
    func firstRange(of needle: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, count >= needle.count else { return nil }
        let first = needle[0]
        var i = 0
        while i <= count - needle.count {
            if self[i] == first && self[i..<(i + needle.count)].elementsEqual(needle) { return i..<(i + needle.count) }
            i += 1
        }
        return nil
    }
}
