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
    /// The blob ids of the two files on each side (nil: absent there).
    var yamlBefore: ObjectID?
    var yamlAfter: ObjectID?
    var mdBefore: ObjectID?
    var mdAfter: ObjectID?

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
        try changes(repo, from: old, to: new, readContent: true)
    }

    /// The changes between two trees. Both sides' blob ids come from the tree diff itself; only a
    /// contract's file that the diff does not list (unchanged) is looked up, in one tree. A YAML
    /// file unchanged on both sides is parsed once. Without `readContent` the Markdown is not read
    /// (`beforeContent`/`afterContent` stay nil; `contentChanged` still holds).
    static func changes(_ repo: Repository, from old: ObjectID?, to new: ObjectID?, readContent: Bool)
        throws(WorkspaceError) -> [ContractTreeChange]
    {
        let files: [TreeFileChange]
        do { files = try repo.changedFiles(from: old, to: new, under: "companies") } catch {
            throw .repository("cannot compare trees", detail: "\(error)")
        }
        var sides: [ContractRef: (yaml: TreeFileChange?, md: TreeFileChange?)] = [:]
        for f in files {
            guard let r = ContractRef(path: f.path) else { continue }
            if f.path.hasSuffix(".yaml") {
                sides[r, default: (nil, nil)].yaml = f
            } else {
                sides[r, default: (nil, nil)].md = f
            }
        }
        /// A file the diff does not list is the same in both trees: one lookup.
        func unchanged(_ path: String) -> ObjectID? {
            (new ?? old).flatMap { try? repo.blobID(inTree: $0, path: path) }
        }
        func parse(_ ref: ContractRef, _ bytes: [UInt8]) throws(WorkspaceError) -> LoadedContract {
            try Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
        }
        var changes: [ContractTreeChange] = []
        changes.reserveCapacity(sides.count)
        for ref in sides.keys.sorted() {
            let s = sides[ref]!
            let same = s.yaml == nil ? unchanged(ref.yamlPath) : nil
            let yamlOld = s.yaml.map(\.oldBlob) ?? same
            let yamlNew = s.yaml.map(\.newBlob) ?? same
            let mdSame = s.md == nil ? unchanged(ref.markdownPath) : nil
            let mdOld = s.md.map(\.oldBlob) ?? mdSame
            let mdNew = s.md.map(\.newBlob) ?? mdSame
            var c = ContractTreeChange(
                beforeRef: (yamlOld ?? mdOld) != nil ? ref : nil, afterRef: (yamlNew ?? mdNew) != nil ? ref : nil,
                yamlChanged: yamlOld != yamlNew, contentChanged: mdOld != mdNew)
            c.yamlBefore = yamlOld
            c.yamlAfter = yamlNew
            c.mdBefore = mdOld
            c.mdAfter = mdNew
            if let y = yamlNew, let bytes = try? repo.blob(y) {
                do { c.after = try parse(ref, bytes) } catch { c.afterError = error }
            }
            if let y = yamlOld {
                if y == yamlNew {
                    c.before = c.after
                } else if let bytes = try? repo.blob(y) {
                    c.before = try? parse(ref, bytes)
                }
            }
            if readContent {
                c.beforeContent = mdOld.flatMap { try? repo.blob($0) }
                c.afterContent = mdNew == mdOld ? c.beforeContent : mdNew.flatMap { try? repo.blob($0) }
            }
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
            changes[i].yamlBefore = changes[j].yamlBefore
            changes[i].mdBefore = changes[j].mdBefore
            changes[i].contentChanged = changes[i].mdBefore != changes[i].mdAfter
            drop.insert(j)
        }
        return changes.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }
}
