public import PactoriaCore
public import PactoriaGit

/// Metadata edits (the server's PATCH), held to the lifecycle rules and committed at once.
public enum UpdateContract {
    /// Fields that may be edited; each value is the new text (nil removes an optional field).
    public struct Changes: Sendable {
        public var title: String?
        public var contractType: String?
        public var plainEnglishInput: String??
        public var client: Party?
        public var supplier: Party??
        public var value: ContractValue??
        public var startDate: String??
        public var endDate: String??
        public var templateID: String??

        public init() {}

        public var isEmpty: Bool {
            title == nil && contractType == nil && plainEnglishInput == nil && client == nil && supplier == nil
                && value == nil && startDate == nil && endDate == nil && templateID == nil
        }
    }

    public struct Result: Sendable {
        public var ref: ContractRef
        public var contract: Contract
        public var commit: ObjectID
        public var changedFields: [String]
    }

    public static func run(
        _ ws: Workspace, spec: String, changes: Changes, author: Author, expectedVersion: Int? = nil,
        expectedETag: String? = nil
    ) throws(WorkspaceError) -> Result {
        guard !changes.isEmpty else { throw .invalidInput(field: "(body)", message: "no fields to change") }
        let ref = try ContractViews.resolve(ws, spec).ref
        return try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> Result in
            let loaded = try ws.loadContract(ref)
            if !loaded.problems.isEmpty { throw .invalid(loaded.problems) }
            if let expectedVersion, loaded.contract.version != expectedVersion {
                throw .conflict(
                    "\(ref) is at version \(loaded.contract.version), not \(expectedVersion); reload and try again")
            }
            try ETag.check(ws, ref, expectedETag)
            var c = loaded.contract
            if let v = changes.title { c.title = v.trimmingSpaces() }
            if let v = changes.contractType { c.contractType = v }
            if let v = changes.plainEnglishInput { c.plainEnglishInput = v }
            if let v = changes.client { c.client = v }
            if let v = changes.supplier { c.supplier = v }
            if let v = changes.value {
                c.value = v.map {
                    ContractValue(amount: DecimalAmount($0.amount)?.normalized ?? $0.amount, currency: $0.currency)
                }
            }
            if let v = changes.startDate { c.startDate = v }
            if let v = changes.endDate { c.endDate = v }
            if let v = changes.templateID { c.templateID = v }
            if let first = Validator.validate(c).first {
                throw .invalidInput(field: first.field, message: first.message)
            }
            let fields = Lifecycle.changedFields(loaded.contract, c)
            guard !fields.isEmpty else { throw .nothingToCommit }
            // The rules against the working copy as it stands (the read-only and active rules).
            let before = ContractSnapshot(
                contract: loaded.contract, contentSHA256: ws.readMarkdown(ref).map(Snapshots.contentHash))
            var after = before
            after.contract = c
            if let v = Lifecycle.check(
                before: before, after: after, policy: ws.config.policy, versionBumpIsAutomatic: true
            ).first {
                throw .rule(ref: ref, v)
            }
            c.updatedAt = Timestamp.now().description
            let event = ContractEvent(
                id: c.id, ref: ref, event: "contract.updated", version: c.version, actor: author.description)
            // All or nothing: a commit that fails leaves the metadata exactly as it was (#12.1).
            let made = try WriteTransaction.run(
                ws, operation: "update of \(ref)",
                writes: [
                    .init(path: ref.yamlPath, bytes: Array(ContractCodec.render(c, into: loaded.document.root).utf8))
                ],
                finish: .commit(
                    message: "Update \(fields.joined(separator: ", ")) of \(c.title)", events: [event], author: author,
                    allowEmpty: false))
            guard let commit = made else { throw .nothingToCommit }
            return Result(ref: ref, contract: c, commit: commit, changedFields: fields)
        }
    }
}

extension NewContract {
    /// Creates a draft and commits it at once (the server's POST), within the plan's monthly limit.
    public static func create(_ ws: Workspace, _ input: Input, author: Author) throws(WorkspaceError) -> (
        Result, ObjectID
    ) {
        try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> (Result, ObjectID) in
            var input = input
            input.author = author.description
            let planned = try plan(ws, input)
            let event = ContractEvent(
                id: planned.result.contract.id, ref: planned.result.ref, event: "contract.created", version: 1,
                actor: author.description)
            // Both files and their commit, or nothing at all (a full disk leaves no orphan, #12.9).
            let made = try WriteTransaction.run(
                ws, operation: "new contract \(planned.result.ref)", writes: planned.writes,
                finish: .commit(
                    message: "New contract: \(planned.result.contract.title)", events: [event], author: author,
                    allowEmpty: false))
            guard let commit = made else { throw .nothingToCommit }
            return (planned.result, commit)
        }
    }
}

/// A strong validator for a contract's metadata file: changes with every write, so a client can
/// say "only if nobody changed it since I read it" (HTTP If-Match).
public enum ETag {
    public static func of(_ ws: Workspace, _ ref: ContractRef) -> String? {
        guard let bytes = try? FileSystem.read(ws.absolute(ref.yamlPath)) else { return nil }
        return tag(bytes)
    }

    private static func tag(_ bytes: [UInt8]) -> String { String(Snapshots.contentHash(bytes).prefix(20)) }

    /// The ETag with the stamp key (as `ContractLocator.loadStamped` gives it) of the file it was
    /// computed from, so a cache can keep both under one key; nil if the file changed meanwhile.
    public static func stamped(_ ws: Workspace, _ ref: ContractRef) -> (tag: String, stamp: String)? {
        let path = ws.absolute(ref.yamlPath)
        guard let before = FileSystem.stamp(path), let bytes = try? FileSystem.read(path),
            FileSystem.stamp(path) == before
        else { return nil }
        return (tag(bytes), ContractLocator.key(before))
    }

    static func check(_ ws: Workspace, _ ref: ContractRef, _ expected: String?) throws(WorkspaceError) {
        guard let expected else { return }
        if of(ws, ref) != expected {
            throw .conflict("\(ref) changed since it was read (ETag mismatch); reload and try again")
        }
    }
}
