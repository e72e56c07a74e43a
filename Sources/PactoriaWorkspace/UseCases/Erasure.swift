import Foundation
public import PactoriaCore
public import PactoriaGit

/// Erasure by crypto-shredding (UK GDPR Article 17), without rewriting a single commit.
///
/// Every contract whose current metadata or text mentions the subject is found. When a legal
/// retention obligation applies to any of them (`RetentionPolicy`), nothing is changed and each
/// obligation is named with the day it ends. Otherwise the data keys of the sealed ones are
/// destroyed (the keyring keeps a dated tombstone, and its old copies are removed from the object
/// store), so every version of them in the history, here and on every remote, can no longer be
/// read; the working tree gets each contract's clear fields with the subject pseudonymised and
/// an `erased:` record, committed as one audited event per contract (`contract.erased`; the
/// reason is the caller's, and must not name the subject). Contracts that were never sealed are
/// pseudonymised from now on, and reported: their history still holds the data in clear.
public enum Erasure {
    public static let event = "contract.erased"
    /// What the subject's name becomes in what stays in clear.
    public static let pseudonym = "[erased data subject]"

    public struct Blocked: Sendable {
        public var ref: ContractRef
        public var obligation: RetentionObligation
    }

    public struct Result: Sendable {
        public var erased: [ContractRef]
        /// Erased from now on only: never sealed, so earlier versions keep the data in clear.
        public var clearHistory: [ContractRef]
        public var commit: ObjectID
        public var keysDestroyed: Int
    }

    /// The contracts whose current YAML or Markdown mentions `subject` (ignoring case).
    public static func contracts(_ ws: Workspace, mentioning s: DataSubject) -> [ContractRef] {
        ws.contractRefs().filter { ref in
            let yaml = (try? FileSystem.read(ws.absolute(ref.yamlPath))) ?? []
            let md = ws.readMarkdown(ref) ?? []
            return s.matches(String(decoding: yaml, as: UTF8.self)) || s.matches(String(decoding: md, as: UTF8.self))
        }
    }

    /// Checks the request: a subject as `gdpr find` takes it, and (stricter, since an erasure
    /// names what it destroyed) at most 320 bytes with no line separator; a reason that does not
    /// itself name the subject (it is kept in the audit trail for good).
    static func validate(subject: String, reason: String) throws(WorkspaceError) -> DataSubject {
        let subject = try DataSubject(subject)
        let s = subject.text
        guard s.utf8.count <= DataSubject.maximumLength else {
            throw .invalidInput(field: "subject", message: "must be 3 to 320 characters (a name or an email)")
        }
        guard !s.unicodeScalars.contains(where: { $0 == "\u{2028}" }) else {
            throw .invalidInput(field: "subject", message: "must not hold control characters or line breaks")
        }
        let r = reason.trimmingSpaces()
        guard !r.isEmpty, r.utf8.count <= 1000 else {
            throw .invalidInput(field: "reason", message: "is required (1 to 1000 characters)")
        }
        guard !r.lowercased().contains(s.lowercased()) else {
            throw .invalidInput(
                field: "reason",
                message:
                    "names the data subject; the reason stays in the audit trail for good, so describe the request without personal data"
            )
        }
        return subject
    }

    public static func run(
        _ ws: Workspace, subject: String, reason: String, author: Author, today: CalendarDate = .today()
    ) throws(WorkspaceError) -> Result {
        let dataSubject = try validate(subject: subject, reason: reason)
        let subject = dataSubject.text
        return try WriteLock.withLock(ws) { () throws(WorkspaceError) -> Result in
            let repo = try ws.repository()
            let refs = contracts(ws, mentioning: dataSubject)
            guard !refs.isEmpty else { throw .notFound("no contract mentions '\(subject)'") }
            var loaded: [(ContractRef, LoadedContract)] = []
            var blocked: [Blocked] = []
            for ref in refs {
                let l = try ws.loadContract(ref)
                if let o = ws.config.retention.obligation(for: l.contract, today: today) {
                    blocked.append(Blocked(ref: ref, obligation: o))
                }
                loaded.append((ref, l))
            }
            if !blocked.isEmpty {
                let list = blocked.map { "\($0.ref): \($0.obligation)" }.joined(separator: "; ")
                throw .refused(
                    "a retention obligation applies, so nothing was erased: \(list)")
            }
            let pending: [StatusEntry]
            do { pending = try repo.status(pathspecs: refs.flatMap { [$0.yamlPath, $0.markdownPath] }) } catch {
                throw Committer.statusFailure(error)
            }
            if let first = pending.first {
                throw .refused("\(first.path) has uncommitted changes", remedy: .commitFirst(then: "erase"))
            }
            if ws.sealer == nil { try? ws.installSealer(repo, force: true) }
            guard let sealer = ws.sealer else {
                throw .repository("cannot set up sealing for the erasure", detail: ws.root)
            }
            // Destroy the data keys of the sealed contracts.
            var destroyed = 0
            var clearHistory: [ContractRef] = []
            do {
                try sealer.withKeyring(for: "the erasure") { k in
                    for (ref, l) in loaded {
                        let ids = k.keyIDs(forContract: l.contract.id.lowercased())
                        if ids.isEmpty {
                            clearHistory.append(ref)
                            continue
                        }
                        destroyed += try k.erase(keyIDs: ids, date: today).count
                    }
                }
            } catch let e as WorkspaceError {
                throw e
            } catch {
                throw .refused("\(error)")
            }
            // The erased stubs: clear fields, pseudonymised, and the erasure record.
            var events: [ContractEvent] = []
            for (ref, l) in loaded {
                let fields = Sealer.clearFields(l, SealingPolicy.defaultClearFields).map {
                    (key: $0.key, value: pseudonymise($0.value, subject))
                }
                let yaml = Sealer.erasedYAML(clearFields: fields, date: today)
                try FileSystem.writeAtomically(yaml, to: ws.absolute(ref.yamlPath))
                try FileSystem.writeAtomically(Sealer.erasedMarkdown(date: today), to: ws.absolute(ref.markdownPath))
                events.append(
                    ContractEvent(
                        id: l.contract.id, ref: ref, event: event, version: l.contract.version,
                        actor: author.description, reason: reason.trimmingSpaces()))
            }
            // Staging seals the stubs afresh where their company is sealed (under a new data key),
            // and saves the keyring, with the destroyed keys' tombstones, before the commit.
            let (index, tree) = try Committer.stage(ws, repo, paths: refs.flatMap { [$0.yamlPath, $0.markdownPath] })
            let commit = try Committer.commit(
                repo, index: index, tree: tree, head: try Committer.head(repo),
                message: "Erase a data subject's personal data (\(refs.count) contract\(refs.count == 1 ? "" : "s"))",
                events: events, author: author)
            // Caches may hold what the contracts said: rebuilt on the next read.
            try? FileManager.default.removeItem(atPath: ws.absolute(Workspace.cacheDirectory))
            return Result(erased: refs, clearHistory: clearHistory, commit: commit, keysDestroyed: destroyed)
        }
    }

    /// `text` with every occurrence of `subject` (ignoring case) replaced by the pseudonym.
    static func pseudonymise(_ text: String, _ subject: String) -> String {
        var out = text
        while let r = out.range(of: subject, options: [.caseInsensitive]) {
            out.replaceSubrange(r, with: pseudonym)
        }
        return out
    }
}

/// What the retention policy keeps, contract by contract (the retention report).
public enum RetentionReport {
    public struct Row: Sendable {
        public var ref: ContractRef
        public var status: String
        /// Nil: nothing obliges keeping it (its personal data may be erased).
        public var obligation: RetentionObligation?
    }

    public static func run(_ ws: Workspace, today: CalendarDate = .today()) throws(WorkspaceError) -> [Row] {
        ws.contractRefs().compactMap { ref in
            guard let l = try? ws.loadContract(ref) else { return nil }
            return Row(
                ref: ref, status: l.contract.status,
                obligation: ws.config.retention.obligation(for: l.contract, today: today))
        }
    }
}
