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

/// The contracts read and parsed during one run, by path and blob id, so that each is read and
/// parsed once: a contract's blob that is one commit's "after" is the next commit's "before",
/// and the review's diff of the whole range meets the same blobs again. A parse depends only on
/// the path and the bytes (as the validation cache already relies on), and a blob id names its
/// bytes, so the memo gives exactly what parsing again would.
final class ParsedContracts {
    struct Key: Hashable {
        var ref: ContractRef
        var blob: ObjectID
    }
    private var parsed: [Key: Result<LoadedContract, WorkspaceError>] = [:]
    private var contents: [ObjectID: [UInt8]] = [:]

    init() {}

    /// The contract `ref` parsed from `blob`, or nil when the blob cannot be read (not kept).
    func contract(_ repo: Repository, _ ref: ContractRef, _ blob: ObjectID) -> Result<LoadedContract, WorkspaceError>? {
        let key = Key(ref: ref, blob: blob)
        // The reference path (tests) remembers nothing and reads every entry.
        if !repo.readsEveryEntry, let r = parsed[key] { return r }
        guard let bytes = try? repo.blob(blob) else { return nil }
        let r: Result<LoadedContract, WorkspaceError>
        do {
            r = .success(try Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self)))
        } catch {
            r = .failure(error)
        }
        parsed[key] = r
        return r
    }

    /// The bytes of `blob`, or nil when it cannot be read (not kept).
    func content(_ repo: Repository, _ blob: ObjectID) -> [UInt8]? {
        if !repo.readsEveryEntry, let b = contents[blob] { return b }
        guard let b = try? repo.blob(blob) else { return nil }
        contents[blob] = b
        return b
    }
}

/// Contract-by-contract differences between two trees (renames paired by id).
public enum ContractTreeDiff {
    public static func changes(_ repo: Repository, from old: ObjectID?, to new: ObjectID?) throws(WorkspaceError)
        -> [ContractTreeChange]
    {
        try changes(repo, from: old, to: new, readContent: true)
    }

    /// The changes, reading and parsing each blob once across the calls that share `parsed`.
    static func changes(_ repo: Repository, from old: ObjectID?, to new: ObjectID?, parsed: ParsedContracts)
        throws(WorkspaceError) -> [ContractTreeChange]
    {
        try changes(repo, from: old, to: new, readContent: true, parsed: parsed)
    }

    /// The changes between two trees. Both sides' blob ids come from the tree diff itself; only a
    /// contract's file that the diff does not list (unchanged) is looked up, in one tree. A YAML
    /// file unchanged on both sides is parsed once. Without `readContent` the Markdown is not read
    /// (`beforeContent`/`afterContent` stay nil; `contentChanged` still holds).
    static func changes(
        _ repo: Repository, from old: ObjectID?, to new: ObjectID?, readContent: Bool,
        parsed: ParsedContracts = ParsedContracts()
    ) throws(WorkspaceError) -> [ContractTreeChange] {
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
            if let y = yamlNew, let r = parsed.contract(repo, ref, y) {
                switch r {
                case .success(let loaded): c.after = loaded
                case .failure(let error): c.afterError = error
                }
            }
            if let y = yamlOld {
                if y == yamlNew {
                    c.before = c.after
                } else if let r = parsed.contract(repo, ref, y) {
                    c.before = try? r.get()
                }
            }
            if readContent {
                c.beforeContent = mdOld.flatMap { parsed.content(repo, $0) }
                c.afterContent = mdNew == mdOld ? c.beforeContent : mdNew.flatMap { parsed.content(repo, $0) }
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
