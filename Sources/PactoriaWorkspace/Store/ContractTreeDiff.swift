public import PactoriaCore
public import PactoriaGit

/// One contract that differs between two trees: its metadata and content on each side.
public struct ContractTreeChange: Sendable {
    public var beforeRef: ContractRef?
    public var afterRef: ContractRef?
    /// Parsed metadata on each side (nil: absent there).
    public var before: LoadedContract?
    public var after: LoadedContract?
    public var beforeContent: [UInt8]?
    public var afterContent: [UInt8]?
    /// Set when the new metadata exists but is not valid YAML.
    public var afterError: WorkspaceError?
    public var yamlChanged: Bool
    public var contentChanged: Bool

    /// Where the contract is now (or was, if it is gone).
    public var ref: ContractRef { afterRef ?? beforeRef! }
    public var id: String? { after?.contract.id ?? before?.contract.id }

    public var beforeSnapshot: ContractSnapshot? { before.map { Snapshots.snapshot($0, content: beforeContent) } }
    public var afterSnapshot: ContractSnapshot? { after.map { Snapshots.snapshot($0, content: afterContent) } }
}

/// Contract-by-contract differences between two trees (renames paired by id).
public enum ContractTreeDiff {
    public static func changes(_ repo: Repository, from old: ObjectID?, to new: ObjectID?) throws(WorkspaceError)
        -> [ContractTreeChange]
    {
        let paths: [TreeChange]
        do { paths = try repo.changedPaths(from: old, to: new, under: "companies") } catch {
            throw .repository("cannot compare trees", detail: "\(error)")
        }
        var refs = Set<ContractRef>()
        for p in paths {
            if let r = ContractRef(path: p.oldPath) { refs.insert(r) }
            if let r = ContractRef(path: p.newPath) { refs.insert(r) }
        }
        var changes: [ContractTreeChange] = []
        for ref in refs.sorted() {
            let yamlOld = old.flatMap { try? repo.blobID(inTree: $0, path: ref.yamlPath) }
            let yamlNew = new.flatMap { try? repo.blobID(inTree: $0, path: ref.yamlPath) }
            let mdOld = old.flatMap { try? repo.blobID(inTree: $0, path: ref.markdownPath) }
            let mdNew = new.flatMap { try? repo.blobID(inTree: $0, path: ref.markdownPath) }
            var c = ContractTreeChange(
                beforeRef: (yamlOld ?? mdOld) != nil ? ref : nil, afterRef: (yamlNew ?? mdNew) != nil ? ref : nil,
                yamlChanged: yamlOld != yamlNew, contentChanged: mdOld != mdNew)
            if let y = yamlOld, let bytes = try? repo.blob(y) {
                c.before = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
            }
            if let y = yamlNew, let bytes = try? repo.blob(y) {
                do {
                    c.after = try Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
                } catch {
                    c.afterError = error
                }
            }
            c.beforeContent = mdOld.flatMap { try? repo.blob($0) }
            c.afterContent = mdNew.flatMap { try? repo.blob($0) }
            changes.append(c)
        }
        // Pair a contract that vanished from one path with the one that appeared under its id.
        var goneByID: [String: Int] = [:]
        for (i, c) in changes.enumerated() where c.afterRef == nil {
            if let id = c.before?.contract.id.lowercased(), !id.isEmpty { goneByID[id] = i }
        }
        var drop = Set<Int>()
        for i in changes.indices where changes[i].beforeRef == nil {
            guard let id = changes[i].after?.contract.id.lowercased(), let j = goneByID.removeValue(forKey: id) else {
                continue
            }
            changes[i].beforeRef = changes[j].beforeRef
            changes[i].before = changes[j].before
            changes[i].beforeContent = changes[j].beforeContent
            changes[i].contentChanged = changes[i].beforeContent != changes[i].afterContent
            drop.insert(j)
        }
        return changes.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }
}
