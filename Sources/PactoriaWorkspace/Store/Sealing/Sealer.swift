import Foundation
import PactoriaCore
import PactoriaCrypto
import PactoriaGit

/// Which contracts are sealed (`sealing:` in `.pactoria/config.yaml`), and the fields a sealed
/// contract keeps in clear for listing and search without the key.
///
/// ```yaml
/// sealing:
///   companies: [ancoats-bakehouse]      # every contract of these companies
///   contracts: [7d1c2a9e-…]             # and these contracts, by id
///   clear_fields: [title, contract_type, status, start_date, end_date, contract_value, version]
/// ```
///
/// Sealing is sticky: a contract whose data key exists stays sealed whatever the config says
/// later (the config is tracked, so a pull request could edit it; the keyring is not).
public struct SealingPolicy: Sendable, Equatable {
    public var companies: Set<String> = []
    public var contracts: Set<String> = []
    public var clearFields: [String] = SealingPolicy.defaultClearFields

    /// The default: title, type, status, dates and value in clear; parties, plain-English
    /// input, content, generation prompts and everything else sealed.
    public static let defaultClearFields = [
        "title", "contract_type", "status", "start_date", "end_date", "contract_value", "version",
    ]
    /// Fields that may be in clear (anything else holds, or may hold, personal data).
    public static let allowedClearFields: Set<String> = [
        "title", "contract_type", "status", "start_date", "end_date", "contract_value", "version", "created_at",
        "updated_at", "template_id",
    ]

    public init() {}

    public var isEmpty: Bool { companies.isEmpty && contracts.isEmpty }

    public func covers(company: String, contractID: String) -> Bool {
        companies.contains(company) || contracts.contains(contractID.lowercased())
    }

    static func decode(_ config: WorkspaceConfig) -> SealingPolicy {
        var p = SealingPolicy()
        p.companies = Set(config.list("sealing.companies"))
        p.contracts = Set(config.list("sealing.contracts").map { $0.lowercased() })
        let clear = config.list("sealing.clear_fields")
        if !clear.isEmpty { p.clearFields = clear.filter(allowedClearFields.contains) }
        return p
    }
}

/// The seal of one workspace: the libgit2 filter that stores sealed contracts as ciphertext and
/// gives plaintext back (see `BlobFilter`), with the master key and keyring it needs, loaded on
/// first use. New data keys are kept in memory until `saveKeyring` (called after staging, before
/// the commit that needs them).
final class Sealer: BlobFilter, @unchecked Sendable {
    let root: String
    let gitDirectory: String
    let policy: SealingPolicy
    let environment: [String: String]
    private let lock = NSRecursiveLock()
    private var masterKey: MasterKey??
    private var keyring: Keyring?
    /// The raw keyring blob, read without the master key (to tell sealed from plain contracts).
    private var rawKeyring: [UInt8]?? {
        didSet {
            quickKeys = [:]
            quickLookups = [:]
        }
    }
    /// What `quickKey` and `quickLookup` found in `rawKeyring`, by contract and key id.
    private var quickKeys: [String: DataKey] = [:]
    private var quickLookups: [DataKeyID: Keyring.Lookup?] = [:]
    weak var repository: Repository?

    init(
        root: String, gitDirectory: String, policy: SealingPolicy, environment: [String: String], repository: Repository
    ) {
        self.root = root
        self.gitDirectory = gitDirectory
        self.policy = policy
        self.environment = environment
        self.repository = repository
    }

    // MARK: - Keys

    func loadMasterKey() throws(SealingError) -> MasterKey? {
        if let masterKey { return masterKey }
        let k = try MasterKey.load(environment: environment, gitDirectory: gitDirectory)
        masterKey = .some(k)
        return k
    }

    func requireMasterKey(for what: String) throws -> MasterKey {
        guard let k = try loadMasterKey() else {
            throw SealingError.masterKey(
                "\(what) is sealed; set \(MasterKey.environmentVariable) or put the key in "
                    + MasterKey.defaultFilePath(gitDirectory: gitDirectory))
        }
        return k
    }

    func loadKeyring(for what: String) throws -> Keyring {
        if let keyring { return keyring }
        guard let repository else { throw SealingError.keyringStore("the repository is closed") }
        let k = try Keyring.load(from: repository, masterKey: try requireMasterKey(for: what))
        keyring = k
        return k
    }

    /// Whether the keyring names `contractID` at all (read without the master key).
    func keyringMentions(_ contractID: String) -> Bool {
        guard let raw = rawKeyringBlob() else { return false }
        return raw.firstRange(of: Array(" \(contractID.lowercased()) ".utf8)) != nil
    }

    /// The keyring's text as stored (nil without a keyring), read once.
    func rawKeyringBlob() -> [UInt8]? {
        if rawKeyring == nil {
            rawKeyring = .some(
                repository.flatMap { repo -> [UInt8]? in
                    guard let commit = (try? repo.referenceTarget(Keyring.referenceName)) ?? nil,
                        let tree = try? repo.treeID(ofCommit: commit),
                        let entry = (try? repo.directoryEntries(ofTree: tree))?.first
                    else { return nil }
                    return try? repo.rawBlob(entry.id)
                })
        }
        return rawKeyring ?? nil
    }

    /// How sealed contracts read here, for caches of what was read from history: whether the
    /// master key is present (1) or not (2), then a digest of the keyring's tombstone lines (read
    /// without the key), so an erasure, here or pulled, is a new reading while a new data key is not.
    func readingTag() -> [UInt8] {
        let key = ((try? loadMasterKey()) ?? nil) != nil
        var erased: [UInt8] = []
        if let raw = rawKeyringBlob() {
            for line in raw.split(separator: 0x0A) where line.starts(with: Array("erased ".utf8)) {
                erased += line
                erased.append(0x0A)
            }
        }
        return [key ? 1 : 2] + Digest.sha256(erased).prefix(8)
    }

    /// Before the whole keyring is loaded (and while nothing in it has changed), one key is read
    /// from the keyring's text alone: a sealed read or write of one contract then costs no parse
    /// of thousands of lines. Anything unusual falls back to the whole keyring.
    private func quickKey(contractID: String) -> DataKey? {
        guard keyring == nil, let raw = rawKeyringBlob(), let master = (try? loadMasterKey()) ?? nil else { return nil }
        if let known = quickKeys[contractID] { return known }
        let key = Keyring.quickKey(raw, masterKey: master, contractID: contractID)
        quickKeys[contractID] = key
        return key
    }

    private func quickLookup(id: DataKeyID) -> Keyring.Lookup? {
        guard keyring == nil, let raw = rawKeyringBlob(), let master = (try? loadMasterKey()) ?? nil else { return nil }
        if let known = quickLookups[id] { return known }
        let lookup = Keyring.quickLookup(raw, masterKey: master, id: id)
        quickLookups[id] = lookup
        return lookup
    }

    /// Whether the contract `id` in `company` is to be sealed.
    func seals(company: String, contractID: String) -> Bool {
        policy.covers(company: company, contractID: contractID) || keyringMentions(contractID)
    }

    /// Who the keyring's commits name: no person (they hold no personal data either).
    static func keyringSignature() -> Signature {
        Signature(name: "Pactoria keyring", email: "keyring@pactoria.invalid", time: Timestamp.nowDate())
    }

    /// Writes the keyring if new keys were made (before the commit whose blobs they seal).
    func saveKeyring(signature: Signature) throws(WorkspaceError) {
        lock.lock()
        defer { lock.unlock() }
        guard var k = keyring, k.hasChanges, let repository else { return }
        do {
            _ = try k.save(to: repository, signature: signature)
        } catch {
            throw .repository("cannot save the keyring: \(error)", detail: "\(error)")
        }
        keyring = k
        rawKeyring = nil
    }

    /// Merges the keyring commit `commit` (fetched under the reference `ref`, which is removed
    /// first, with the fetched objects when they are loose: they may hold keys erased here) into
    /// the local keyring, and saves it when that changed anything.
    func mergeKeyring(from commit: ObjectID, fetchedAs ref: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let repository else { throw SealingError.keyringStore("the repository is closed") }
        let theirs = try Keyring.load(
            commit: commit, from: repository, masterKey: try requireMasterKey(for: "the keyring"))
        var fetched = [commit]
        if let tree = try? repository.treeID(ofCommit: commit) {
            fetched.append(tree)
            fetched += ((try? repository.directoryEntries(ofTree: tree)) ?? []).map(\.id)
        }
        try repository.deleteReference(ref)
        var ours = try loadKeyring(for: "the keyring")
        if ours.merge(theirs) {
            _ = try ours.save(to: repository, signature: Self.keyringSignature())
        }
        keyring = ours
        rawKeyring = nil
        // The keyring commit is parentless: when no reference reaches it, nothing reaches its tree or blob.
        if (try? repository.isReachableFromAnyReference(commit)) == false {
            for id in fetched where (try? repository.isLooseObject(id)) == true {
                _ = try? repository.removeLooseObject(id)
            }
        }
    }

    /// Re-wraps every live data key under `newKey` and saves the keyring (the old wrapped copies
    /// are removed from the object store); from then on this sealer reads with `newKey`.
    /// Returns how many keys were re-wrapped.
    func rotate(to newKey: MasterKey) throws -> Int {
        lock.lock()
        defer { lock.unlock() }
        guard let repository else { throw SealingError.keyringStore("the repository is closed") }
        var k = try loadKeyring(for: "the keyring")
        try k.rotate(to: newKey)
        _ = try k.save(to: repository, signature: Self.keyringSignature())
        keyring = k
        masterKey = .some(newKey)
        rawKeyring = nil
        return k.counts.live
    }

    /// Runs `body` on the loaded keyring (and keeps what it changed).
    func withKeyring<R>(for what: String, _ body: (inout Keyring) throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        var k = try loadKeyring(for: what)
        defer {
            keyring = k
            rawKeyring = nil
        }
        return try body(&k)
    }

    // MARK: - The filter

    func filters(path: String) -> Bool { ContractRef(path: path) != nil }

    func clean(path: String, content: [UInt8]) throws -> [UInt8]? {
        guard let ref = ContractRef(path: path) else { return nil }
        // Already sealed (a clone without the key kept the stored bytes): stored as they are.
        if SealEnvelope.isSealed(content) || SealEnvelope.isSealedYAML(content) { return nil }
        let isYAML = path.hasSuffix(".yaml")
        let yamlText: [UInt8]
        if isYAML {
            yamlText = content
        } else {
            guard let sibling = try? FileSystem.read(root + "/" + ref.yamlPath) else { return nil }
            yamlText = sibling
        }
        guard let loaded = try? Workspace.decodeContract(ref: ref, text: String(decoding: yamlText, as: UTF8.self)),
            !loaded.contract.id.isEmpty
        else { return nil }
        let id = loaded.contract.id.lowercased()
        lock.lock()
        defer { lock.unlock() }
        guard seals(company: ref.company, contractID: id) else { return nil }
        let key: DataKey
        if let quick = quickKey(contractID: id) {
            key = quick
        } else {
            _ = try loadKeyring(for: "\(ref)")
            // Changed in place: a copy of a keyring of thousands of keys per file would cost more than the sealing.
            guard
                let k = try keyring!.dataKey(for: id, create: true, date: CalendarDate.today(environment: environment))
            else { return nil }
            key = k
        }
        if !isYAML { return try SealEnvelope.seal(content, kind: .md, key: key) }
        return try SealEnvelope.sealYAML(
            plaintextYAML: content, clearFields: Self.clearFields(loaded, policy.clearFields), key: key)
    }

    func smudge(path: String, content: [UInt8]) throws -> [UInt8]? {
        do {
            return try unseal(content, what: ContractRef(path: path).map { "\($0)" } ?? path)
        } catch SealingError.masterKey, SealingError.masterKeyMismatch {
            // No (or another) master key: the working file keeps the sealed form, as stored,
            // rather than being left empty by a failed checkout; reads of it name the problem.
            return nil
        }
    }

    func read(content: [UInt8]) throws -> [UInt8]? { try unseal(content, what: "the contract") }

    /// The plaintext of a sealed blob (nil when `content` is not sealed). An erased key gives the
    /// erasure notice in place of the data; no key at all is an error naming `what`.
    func unseal(_ content: [UInt8], what: String) throws -> [UInt8]? {
        let yaml = SealEnvelope.isSealedYAML(content)
        guard yaml || SealEnvelope.isSealed(content) else { return nil }
        let keyID = yaml ? try SealEnvelope.keyID(ofSealedYAML: content) : try SealEnvelope.keyID(of: content)
        lock.lock()
        defer { lock.unlock() }
        let lookup: Keyring.Lookup
        if let quick = quickLookup(id: keyID) {
            lookup = quick
        } else {
            lookup = try loadKeyring(for: what).key(id: keyID)
        }
        switch lookup {
        case .key(let key):
            return yaml
                ? try SealEnvelope.unsealYAML(content, key: key) : try SealEnvelope.unseal(content, kind: .md, key: key)
        case .erased(let date):
            return yaml
                ? Self.erasedYAML(clearFields: (try? SealEnvelope.clearFields(of: content)) ?? [], date: date)
                : Self.erasedMarkdown(date: date)
        case .unknown:
            throw SealingError.unknownKey(keyID: keyID.hex)
        case .altered(let line):
            throw Keyring.alteredError(keyID, line: line)
        }
    }

    // MARK: - Forms

    /// The clear fields of a contract as the sealed YAML keeps them (nested values flattened:
    /// `contract_value` becomes `contract_value.amount` and `.currency`, written with `_`).
    static func clearFields(_ loaded: LoadedContract, _ names: [String]) -> [(key: String, value: String)] {
        var out: [(key: String, value: String)] = [("id", loaded.contract.id)]
        let c = loaded.contract
        for name in names {
            switch name {
            case "title": out.append((name, c.title))
            case "contract_type": out.append((name, c.contractType))
            case "status": out.append((name, c.status))
            case "start_date": if let v = c.startDate { out.append((name, v)) }
            case "end_date": if let v = c.endDate { out.append((name, v)) }
            case "version": out.append((name, String(c.version)))
            case "created_at": if let v = c.createdAt { out.append((name, v)) }
            case "updated_at": if let v = c.updatedAt { out.append((name, v)) }
            case "template_id": if let v = c.templateID { out.append((name, v)) }
            case "contract_value":
                if let v = c.value {
                    out.append(("contract_value_amount", v.amount))
                    out.append(("contract_value_currency", v.currency))
                }
            default: break
            }
        }
        return out
    }

    /// A contract's YAML from its clear fields alone (sealed and read without the key, or erased).
    static func clearYAML(_ fields: [(key: String, value: String)], extra: [(String, YAMLNode)]) -> [UInt8] {
        var entries: [YAMLEntry] = []
        var amount: String?
        var currency: String?
        for (key, value) in fields {
            switch key {
            case "contract_value_amount": amount = value
            case "contract_value_currency": currency = value
            case "version": entries.append(YAMLEntry(key: key, value: .scalar(value, .typed)))
            default: entries.append(YAMLEntry(key: key, value: .scalar(value, .string)))
            }
        }
        if let amount, let currency {
            entries.append(
                YAMLEntry(
                    key: "contract_value",
                    value: .mapping([
                        YAMLEntry(key: "amount", value: .scalar(amount, .string)),
                        YAMLEntry(key: "currency", value: .scalar(currency, .string)),
                    ])))
        }
        for (k, v) in extra { entries.append(YAMLEntry(key: k, value: v)) }
        return Array(CanonicalYAML.render(.mapping(entries), order: ContractCodec.order).utf8)
    }

    static func erasedYAML(clearFields: [(key: String, value: String)], date: CalendarDate) -> [UInt8] {
        clearYAML(
            clearFields,
            extra: [("erased", .mapping([YAMLEntry(key: "on", value: .scalar(date.description, .string))]))])
    }

    static func erasedMarkdown(date: CalendarDate) -> [UInt8] {
        Array(
            "_This contract's personal data and text were erased on \(date) (UK GDPR Article 17). Its history, dates and value remain._\n"
                .utf8)
    }
}
