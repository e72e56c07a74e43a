import Foundation
public import PactoriaCore
import PactoriaCrypto
public import PactoriaGit

/// The workspace's data keys, wrapped by the master key, kept at `refs/pactoria/keyring`: always
/// one parentless commit whose tree holds one blob, `keyring`, in a line format:
///
/// ```
/// pactoria-keyring 1
/// kek-check <16 hex: MasterKey.checkValue>
/// key <32 hex key id> <contract id> <base64 wrapped key> <created YYYY-MM-DD>
/// erased <32 hex key id> <contract id> <erased YYYY-MM-DD>
/// ```
///
/// A wrapped key is AES-256-GCM (random nonce) of the 32-byte data key under the master key,
/// `nonce ‖ ciphertext ‖ tag` in base64, with "pactoria-keyring-v1" ‖ 0x00 ‖ key id ‖ 0x00 ‖
/// contract id as additional data (an entry cannot be moved to another id or contract).
/// An `erased` line is a tombstone: it keeps the key id, the contract id and the date, and
/// nothing else. Saving replaces the commit (no history), and the previous keyring's objects
/// are removed from the object store; after an erasure or a rotation, the store is repacked so
/// no copy of an erased or old-wrapped key survives in a pack either (see docs/SEALING.md).
///
/// The caller holds the workspace's write lock from `load` to `save`.
public struct Keyring: Sendable {
    public static let referenceName = "refs/pactoria/keyring"
    public static let fileName = "keyring"
    public static let formatVersion = 1
    /// The largest keyring blob accepted (about 100 000 keys).
    public static let maximumBytes = 16 << 20

    /// What the keyring knows about a key id.
    public enum Lookup: Sendable, Equatable {
        case key(DataKey)
        case erased(CalendarDate)
        case unknown
        /// The entry's wrapped key does not verify under the master key (altered, or moved from
        /// another entry); `line` is where it was read, if it was read from a keyring file.
        case altered(line: Int?)
    }

    /// One line of the keyring.
    public enum Entry: Sendable, Equatable {
        case live(id: DataKeyID, contractID: String, created: CalendarDate)
        case erased(id: DataKeyID, contractID: String, date: CalendarDate)

        public var id: DataKeyID {
            switch self {
            case .live(let id, _, _), .erased(let id, _, _): return id
            }
        }

        public var contractID: String {
            switch self {
            case .live(_, let contract, _), .erased(_, let contract, _): return contract
            }
        }
    }

    /// What `save` did.
    public struct SaveResult: Sendable, Equatable {
        /// The keyring commit the reference now points at (nil when nothing had changed).
        public var commit: ObjectID?
        /// The commit it replaced, whose objects were removed.
        public var previous: ObjectID?
        /// Set when the object store was repacked (after an erasure or a rotation).
        public var repack: RepackSummary?
    }

    private struct Item: Sendable {
        var entry: Entry
        var wrapped: [UInt8]
        /// The unwrapped key, once needed (keys are unwrapped on use, so that loading a keyring of
        /// thousands of keys costs no decryption; a key that does not verify is reported then).
        var key: DataKey?
        var line: Int? = nil
    }

    private var items: [Item] = []
    /// Where each key id is in `items`, and each contract's newest live key.
    private var positions: [DataKeyID: Int] = [:]
    private var latestLive: [String: Int] = [:]

    private mutating func reindex() {
        positions = [:]
        latestLive = [:]
        for (i, item) in items.enumerated() {
            positions[item.entry.id] = i
            if case .live(_, let contract, _) = item.entry { latestLive[contract] = i }
        }
    }

    /// The item's key, unwrapped now if it was not yet; nil when it does not verify.
    private func unwrapped(_ item: Item) -> DataKey? {
        if let key = item.key { return key }
        guard case .live(let id, let contract, _) = item.entry,
            let box = try? AESGCM.SealedBox(combined: item.wrapped),
            let bytes = try? AESGCM.open(box, key: masterKey.bytes, aad: Self.wrapAAD(id: id, contractID: contract))
        else { return nil }
        return try? DataKey(id: id, bytes: bytes)
    }
    private var masterKey: MasterKey
    /// The commit `load` read (nil for a keyring not saved yet).
    public private(set) var loadedCommit: ObjectID?
    /// True when there is something to save.
    public private(set) var hasChanges = false
    /// True after an erasure or a rotation: saving must repack the object store.
    public private(set) var needsRepack = false

    /// An empty keyring for `masterKey`.
    public init(masterKey: MasterKey) {
        self.masterKey = masterKey
    }

    /// The check value of the master key the keyring is wrapped with.
    public var masterKeyCheckValue: String { masterKey.checkValue }

    /// Every line, in order.
    public var entries: [Entry] { items.map(\.entry) }

    // MARK: - Reading

    /// The keyring at `refs/pactoria/keyring` (empty when the reference does not exist).
    /// Throws `.masterKeyMismatch` when `masterKey` is not the one it was made with, and
    /// `.keyring(line:…)` for anything malformed or altered.
    public static func load(from repository: Repository, masterKey: MasterKey) throws -> Keyring {
        let commit: ObjectID?
        do {
            commit = try repository.referenceTarget(referenceName)
        } catch {
            throw SealingError.keyringStore("cannot read \(referenceName): \(error)")
        }
        guard let commit else { return Keyring(masterKey: masterKey) }
        return try load(commit: commit, from: repository, masterKey: masterKey)
    }

    /// The keyring held by the keyring commit `commit` (a fetched one, say).
    public static func load(commit: ObjectID, from repository: Repository, masterKey: MasterKey) throws -> Keyring {
        let blob: [UInt8]
        do {
            let info = try repository.commit(commit)
            guard info.parents.isEmpty else {
                throw SealingError.keyringStore("the keyring commit \(commit.short) has parents; it must have none")
            }
            let files = try repository.directoryEntries(ofTree: info.treeID)
            guard files.count == 1, let only = files.first, only.name == fileName, !only.isDirectory else {
                throw SealingError.keyringStore(
                    "the keyring commit \(commit.short) must hold exactly one file, '\(fileName)'")
            }
            blob = try repository.rawBlob(only.id)
        } catch let error as SealingError {
            throw error
        } catch {
            throw SealingError.keyringStore("cannot read the keyring commit \(commit.short): \(error)")
        }
        var keyring = try parse(blob, masterKey: masterKey)
        keyring.loadedCommit = commit
        return keyring
    }

    /// Parses a keyring blob and unwraps every key (so an altered entry is found now, by line).
    public static func parse(_ blob: [UInt8], masterKey: MasterKey) throws(SealingError) -> Keyring {
        let lines = try checkedLines(blob, masterKey: masterKey)
        var keyring = Keyring(masterKey: masterKey)
        keyring.items.reserveCapacity(lines.count - 2)
        var seen = Set<DataKeyID>()
        seen.reserveCapacity(lines.count - 2)
        for (offset, range) in lines.dropFirst(2).enumerated() {
            let number = offset + 3
            let item = try parseLine(blob, range, number: number)
            guard seen.insert(item.entry.id).inserted else {
                throw .keyring(line: number, "key id \(item.entry.id.hex) appears twice")
            }
            keyring.items.append(item)
        }
        keyring.reindex()
        return keyring
    }

    /// The blob's lines as byte ranges, once its size, encoding, header and master key check are
    /// verified. (Bytes, not strings: a keyring of thousands of lines is read on every sealed write.)
    private static func checkedLines(_ blob: [UInt8], masterKey: MasterKey) throws(SealingError) -> [Range<Int>] {
        guard blob.count <= maximumBytes else {
            throw .keyring(line: nil, "the keyring is larger than \(maximumBytes) bytes")
        }
        guard String(validating: blob, as: UTF8.self) != nil else {
            throw .keyring(line: nil, "the keyring is not UTF-8 text")
        }
        guard blob.last == 0x0A else { throw .keyring(line: nil, "the keyring does not end with a line feed") }
        var lines: [Range<Int>] = []
        lines.reserveCapacity(blob.count / 100 + 2)
        var start = 0
        for i in 0..<blob.count where blob[i] == 0x0A {
            lines.append(start..<i)
            start = i + 1
        }
        guard lines.count >= 2 else { throw .keyring(line: nil, "the keyring is truncated (no header)") }
        try checkHeader(blob, lines[0], lines[1], masterKey: masterKey)
        return lines
    }

    private static func checkHeader(_ blob: [UInt8], _ first: Range<Int>, _ second: Range<Int>, masterKey: MasterKey)
        throws(SealingError)
    {
        let header = String(decoding: blob[first], as: UTF8.self)
        guard header == "pactoria-keyring \(formatVersion)" else {
            if header.hasPrefix("pactoria-keyring ") {
                throw .keyring(line: 1, "unsupported keyring format (this version reads format \(formatVersion))")
            }
            throw .keyring(line: 1, "not a keyring header (expected 'pactoria-keyring \(formatVersion)')")
        }
        let check = Substring(String(decoding: blob[second], as: UTF8.self))
        guard check.hasPrefix("kek-check "), Hex.isLowerHex(check.dropFirst(10), count: 16) else {
            throw .keyring(line: 2, "expected 'kek-check' and 16 lower-case hex characters")
        }
        guard constantTimeEquals(Array(check.dropFirst(10).utf8), Array(masterKey.checkValue.utf8)) else {
            throw .masterKeyMismatch
        }
    }

    /// One `key` or `erased` line.
    private static func parseLine(_ blob: [UInt8], _ range: Range<Int>, number: Int) throws(SealingError) -> Item {
        guard !range.isEmpty else { throw .keyring(line: number, "empty line") }
        var fields: [Range<Int>] = []
        var f = range.lowerBound
        for i in range where blob[i] == 0x20 {
            fields.append(f..<i)
            f = i + 1
            if fields.count > 5 { break }
        }
        fields.append(f..<range.upperBound)
        func text(_ k: Int) -> Substring { Substring(String(decoding: blob[fields[k]], as: UTF8.self)) }
        switch String(decoding: blob[fields[0]], as: UTF8.self) {
        case "key":
            guard fields.count == 5 else {
                throw .keyring(line: number, "a key line has 5 fields: key, key id, contract id, wrapped key, date")
            }
            let id = try keyID(text(1), line: number)
            let contract = try contractID(text(2), line: number)
            guard fields[3].count == 80,
                let wrapped = Data(base64Encoded: Data(blob[fields[3]])).map({ [UInt8]($0) }),
                wrapped.count == AESGCM.nonceByteCount + AESGCM.keyByteCount + AESGCM.tagByteCount
            else { throw .keyring(line: number, "the wrapped key of \(id.hex) is not 80 base64 characters") }
            let created = try date(text(4), line: number)
            return Item(
                entry: .live(id: id, contractID: contract, created: created), wrapped: wrapped, key: nil, line: number)
        case "erased":
            guard fields.count == 4 else {
                throw .keyring(line: number, "an erased line has 4 fields: erased, key id, contract id, date")
            }
            let id = try keyID(text(1), line: number)
            let contract = try contractID(text(2), line: number)
            let erased = try date(text(3), line: number)
            return Item(entry: .erased(id: id, contractID: contract, date: erased), wrapped: [])
        default:
            throw .keyring(line: number, "unknown line kind (expected 'key' or 'erased')")
        }
    }

    // MARK: - One key without the whole keyring

    /// The lines of `blob` holding ` needle ` (a key id or a contract id as a whole field), parsed;
    /// nil when the header or master key check fails, a matching line does not parse, or two of
    /// them share a key id (the full parse then reports it).
    private static func quickItems(_ blob: [UInt8], masterKey: MasterKey, field needle: String) -> [Item]? {
        guard blob.count <= maximumBytes, blob.last == 0x0A else { return nil }
        let n = Array(" \(needle) ".utf8)
        guard let firstLF = blob.firstIndex(of: 0x0A), let secondLF = blob[(firstLF + 1)...].firstIndex(of: 0x0A),
            (try? checkHeader(blob, 0..<firstLF, (firstLF + 1)..<secondLF, masterKey: masterKey)) != nil
        else { return nil }
        // Where the needle occurs (the keyring is searched once per contract sealed or read).
        var hits: [Int] = []
        blob.withUnsafeBufferPointer { b in
            n.withUnsafeBufferPointer { needle in
                let count = needle.count
                let (first, second) = (needle[0], needle[1])
                var i = secondLF + 1
                let last = b.count - count
                while i <= last {
                    if b[i + 1] == second, b[i] == first {
                        var k = 2
                        while k < count && b[i + k] == needle[k] { k += 1 }
                        if k == count {
                            hits.append(i)
                            i += count
                            continue
                        }
                    }
                    i += 1
                }
            }
        }
        var items: [Item] = []
        for at in hits {
            let start = (blob[..<at].lastIndex(of: 0x0A) ?? -1) + 1
            let stop = blob[at...].firstIndex(of: 0x0A) ?? blob.count
            guard let item = try? parseLine(blob, start..<stop, number: 0) else { return nil }
            items.append(item)
        }
        guard Set(items.map(\.entry.id)).count == items.count else { return nil }
        return items
    }

    /// The newest live data key of `contractID`, read from the keyring's text without parsing
    /// every line (the GCM tag of the wrapped key still authenticates it); nil when it has none or
    /// anything is unusual, so the caller loads the whole keyring.
    static func quickKey(_ blob: [UInt8], masterKey: MasterKey, contractID: String) -> DataKey? {
        guard let items = quickItems(blob, masterKey: masterKey, field: contractID) else { return nil }
        // The newest live line of the contract (`latestLive`), where the id is the contract field.
        guard
            let item = items.last(where: {
                if case .live(_, let c, _) = $0.entry { return c == contractID }
                return false
            })
        else { return nil }
        return Keyring(masterKey: masterKey).unwrapped(item)
    }

    /// What the keyring holds for the key `id`, read without parsing every line; nil when that
    /// cannot be told this way (the caller loads the whole keyring).
    static func quickLookup(_ blob: [UInt8], masterKey: MasterKey, id: DataKeyID) -> Lookup? {
        guard let items = quickItems(blob, masterKey: masterKey, field: id.hex),
            let item = items.first(where: { $0.entry.id == id })
        else { return nil }
        switch item.entry {
        case .live: return Keyring(masterKey: masterKey).unwrapped(item).map { .key($0) }
        case .erased(_, _, let date): return .erased(date)
        }
    }

    /// The keyring's text, as stored.
    public func serialized() -> [UInt8] {
        var out = "pactoria-keyring \(Self.formatVersion)\nkek-check \(masterKey.checkValue)\n"
        for item in items {
            switch item.entry {
            case .live(let id, let contract, let created):
                out += "key \(id.hex) \(contract) \(Data(item.wrapped).base64EncodedString()) \(created)\n"
            case .erased(let id, let contract, let date):
                out += "erased \(id.hex) \(contract) \(date)\n"
            }
        }
        return Array(out.utf8)
    }

    // MARK: - Keys

    /// What the keyring holds for `id`.
    public func key(id: DataKeyID) -> Lookup {
        guard let i = positions[id] else { return .unknown }
        let item = items[i]
        switch item.entry {
        case .live: return unwrapped(item).map { .key($0) } ?? .altered(line: item.line)
        case .erased(_, _, let date): return .erased(date)
        }
    }

    /// The key for `id`, or an error naming it (erased, or unknown).
    public func requireKey(id: DataKeyID) throws(SealingError) -> DataKey {
        switch key(id: id) {
        case .key(let key): return key
        case .erased(let date): throw .keyErased(keyID: id.hex, date: date.description)
        case .unknown: throw .unknownKey(keyID: id.hex)
        case .altered(let line): throw Self.alteredError(id, line: line)
        }
    }

    static func alteredError(_ id: DataKeyID, line: Int?) -> SealingError {
        .keyring(line: line, "the wrapped key of \(id.hex) does not verify (altered, or moved from another entry)")
    }

    /// The ids of every key (live and erased) made for `contractID`, in order.
    public func keyIDs(forContract contractID: String) -> [DataKeyID] {
        items.filter { $0.entry.contractID == contractID }.map(\.entry.id)
    }

    /// The contract's current data key (its newest live key). With `create`, a contract that
    /// has none gets a fresh random key (created on `date`); without, nil is returned.
    public mutating func dataKey(for contractID: String, create: Bool, date: CalendarDate) throws -> DataKey? {
        if let i = latestLive[contractID] {
            guard let key = unwrapped(items[i]) else {
                throw Self.alteredError(items[i].entry.id, line: items[i].line)
            }
            items[i].key = key
            return key
        }
        guard create else { return nil }
        _ = try Self.contractID(Substring(contractID), line: nil)
        var key = try DataKey.generate()
        while positions[key.id] != nil { key = try DataKey.generate() }
        let wrapped = try AESGCM.seal(
            plaintext: key.bytes, key: masterKey.bytes, aad: Self.wrapAAD(id: key.id, contractID: contractID))
        items.append(
            Item(entry: .live(id: key.id, contractID: contractID, created: date), wrapped: wrapped.combined, key: key))
        positions[key.id] = items.count - 1
        latestLive[contractID] = items.count - 1
        hasChanges = true
        return key
    }

    /// Erases (crypto-shreds) the given keys: each becomes a tombstone dated `date`. Ids already
    /// erased are left as they are; an unknown id is an error (nothing is changed then).
    /// Returns the ids that were live. Saving afterwards removes every stored copy.
    @discardableResult
    public mutating func erase(keyIDs: [DataKeyID], date: CalendarDate) throws(SealingError) -> [DataKeyID] {
        for id in keyIDs where positions[id] == nil {
            throw .unknownKey(keyID: id.hex)
        }
        var erased: [DataKeyID] = []
        for index in items.indices {
            guard case .live(let id, let contract, _) = items[index].entry, keyIDs.contains(id) else { continue }
            items[index] = Item(entry: .erased(id: id, contractID: contract, date: date), wrapped: [], key: nil)
            erased.append(id)
        }
        if !erased.isEmpty {
            hasChanges = true
            needsRepack = true
            reindex()
        }
        return erased
    }

    /// How many keys are live and how many erased (tombstones).
    public var counts: (live: Int, erased: Int) {
        var live = 0
        for item in items {
            if case .live = item.entry { live += 1 }
        }
        return (live, items.count - live)
    }

    /// Re-wraps every live key under `newMasterKey` (which the keyring then requires). Saving
    /// afterwards removes every copy wrapped under the old master key.
    public mutating func rotate(to newMasterKey: MasterKey) throws {
        var rewrapped = items
        for index in rewrapped.indices {
            guard case .live(let id, let contract, _) = rewrapped[index].entry else { continue }
            guard let key = unwrapped(rewrapped[index]) else {
                throw Self.alteredError(id, line: rewrapped[index].line)
            }
            rewrapped[index].key = key
            rewrapped[index].wrapped =
                try AESGCM.seal(
                    plaintext: key.bytes, key: newMasterKey.bytes, aad: Self.wrapAAD(id: id, contractID: contract)
                ).combined
        }
        items = rewrapped
        masterKey = newMasterKey
        hasChanges = true
        needsRepack = true
    }

    /// Takes in `other` (this workspace's keyring as another clone saved it, loaded with the same
    /// master key): keys only it has are added; a key erased on either side is erased here (its
    /// earlier date kept). Returns whether anything changed.
    @discardableResult
    public mutating func merge(_ other: Keyring) -> Bool {
        var changed = false
        for theirs in other.items {
            if let i = positions[theirs.entry.id] {
                switch (items[i].entry, theirs.entry) {
                case (.live, .erased):
                    items[i] = theirs
                    needsRepack = true
                    changed = true
                case (.erased(let id, let contract, let ours), .erased(_, _, let date)) where date < ours:
                    items[i] = Item(entry: .erased(id: id, contractID: contract, date: date), wrapped: [], key: nil)
                    changed = true
                default:
                    break
                }
            } else {
                items.append(theirs)
                positions[theirs.entry.id] = items.count - 1
                changed = true
            }
        }
        if changed {
            hasChanges = true
            reindex()
        }
        return changed
    }

    // MARK: - Saving

    /// Writes the keyring as a new parentless commit and points `refs/pactoria/keyring` at it
    /// (a compare-and-swap against the commit `load` read; no reflog is kept), then removes the
    /// previous keyring's commit, tree and blob from the object store. After an erasure or a
    /// rotation it repacks the object store (`Repository.repackReachable`), so no pack keeps an
    /// old keyring, and checks that the previous keyring's objects are gone.
    ///
    /// Refuses (before writing anything) an erasure or rotation while the previous keyring commit
    /// is reachable from another reference, since its copy of the keys could not be removed.
    public mutating func save(to repository: Repository, signature: Signature) throws -> SaveResult {
        guard hasChanges else { return SaveResult(commit: nil, previous: nil, repack: nil) }
        let previous = loadedCommit
        var previousObjects: [ObjectID] = []
        if let previous {
            do {
                let tree = try repository.treeID(ofCommit: previous)
                previousObjects = [previous, tree] + (try repository.directoryEntries(ofTree: tree).map(\.id))
                if needsRepack, try repository.isReachableFromAnyReference(previous, excluding: [Self.referenceName]) {
                    throw SealingError.keyringStore(
                        "the previous keyring \(previous.short) is reachable from another reference,"
                            + " so its copy of the keys cannot be removed; nothing was saved")
                }
            } catch let error as SealingError {
                throw error
            } catch {
                throw SealingError.keyringStore("cannot read the previous keyring \(previous.short): \(error)")
            }
        }
        var written: [ObjectID] = []
        let commit: ObjectID
        do {
            let blob = try repository.writeBlob(serialized())
            written.append(blob)
            let tree = try repository.writeTree(files: [(Self.fileName, blob)])
            written.append(tree)
            commit = try repository.writeCommit(
                tree: tree, author: signature, committer: signature, message: "Pactoria keyring\n")
            written.append(commit)
            try repository.setReference(Self.referenceName, to: commit, expecting: previous)
        } catch {
            // Nothing points at what was written: do not leave a copy of the keys lying around.
            for id in written.reversed() where !previousObjects.contains(id) {
                _ = try? repository.removeLooseObject(id)
            }
            if let gitError = error as? GitError, gitError.code == .conflict {
                throw SealingError.keyringStore("the keyring changed since it was read; read it again and retry")
            }
            throw SealingError.keyringStore("cannot save the keyring: \(error)")
        }
        loadedCommit = commit
        hasChanges = false
        let garbage = previousObjects.filter { !written.contains($0) }
        var repack: RepackSummary?
        do {
            if needsRepack {
                repack = try repository.repackReachable(garbage: garbage)
                for id in garbage {
                    guard try !repository.objectExists(id) else {
                        throw SealingError.keyringStore(
                            "the previous keyring's object \(id.short) is still in the object store after repacking")
                    }
                }
                needsRepack = false
            } else if let previous,
                try !repository.isReachableFromAnyReference(previous, excluding: [Self.referenceName])
            {
                for id in garbage { try repository.removeLooseObject(id) }
            }
        } catch let error as SealingError {
            throw error
        } catch {
            throw SealingError.keyringStore("saved, but cannot remove the previous keyring: \(error)")
        }
        return SaveResult(commit: commit, previous: previous, repack: repack)
    }

    // MARK: - Helpers

    static func wrapAAD(id: DataKeyID, contractID: String) -> [UInt8] {
        Array("pactoria-keyring-v1".utf8) + [0] + Array(id.hex.utf8) + [0] + Array(contractID.utf8)
    }

    private static func keyID(_ field: Substring, line: Int) throws(SealingError) -> DataKeyID {
        guard let id = DataKeyID(hex: String(field)) else {
            throw .keyring(line: line, "the key id is not 32 lower-case hex characters")
        }
        return id
    }

    /// A contract id: 1 to 128 of `A-Z a-z 0-9 . _ - :`.
    @discardableResult
    static func contractID(_ field: Substring, line: Int?) throws(SealingError) -> String {
        let ok =
            (1...128).contains(field.utf8.count)
            && field.utf8.allSatisfy {
                (65...90).contains($0) || (97...122).contains($0) || (48...57).contains($0) || $0 == 46 || $0 == 95
                    || $0 == 45 || $0 == 58
            }
        guard ok else {
            throw .keyring(line: line, "the contract id is not 1 to 128 letters, digits, '.', '_', '-' or ':'")
        }
        return String(field)
    }

    private static func date(_ field: Substring, line: Int) throws(SealingError) -> CalendarDate {
        guard let date = CalendarDate(String(field)) else {
            throw .keyring(line: line, "the date is not a real date in the form YYYY-MM-DD")
        }
        return date
    }
}
