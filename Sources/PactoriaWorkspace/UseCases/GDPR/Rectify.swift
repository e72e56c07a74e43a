import Foundation
public import PactoriaCore
public import PactoriaGit

/// Rectification (UK GDPR Article 16): corrects a data subject's details in the party entries of
/// every contract that names them, in one audited commit.
///
/// A party entry (client or supplier) is the subject's when its email equals the subject (an
/// email) or its name equals it (a name), ignoring case. The field given is replaced in those
/// entries; for `name` and `email` the entry's old value is also replaced where it stands on its
/// own in the contract's Markdown (exact case, whole words or whole addresses).
///
/// Drafts and contracts pending review take it as an ordinary edit, held to the usual rules.
/// Active contracts take it as its own audited event (their metadata is otherwise frozen): only
/// the party entries change, with the content re-finalized when the Markdown changed.
/// Completed, expired and terminated contracts are read-only: they are listed as refused and
/// nothing is written to them; the others proceed. Every changed contract gets a
/// `contract.rectified` trailer naming the field and the request, never the old or new value.
public enum Rectification {
    public static let event = "contract.rectified"
    /// The longest value taken (a party's name or address is far shorter).
    public static let maximumValueLength = 1000

    /// The party fields that can be corrected.
    public enum Field: String, Sendable, CaseIterable, Codable {
        case name, email, company
        case companyNumber = "company_number"
        case role

        /// Whether the old value is also replaced in the Markdown.
        public var appliesToContent: Bool { self == .name || self == .email }
    }

    /// A contract corrected (or, in a dry run, to be corrected).
    public struct Change: Sendable, Equatable {
        public var ref: ContractRef
        public var id: String
        public var title: String
        public var status: String
        /// `client`, `supplier`: the party entries corrected.
        public var parties: [String]
        /// Occurrences replaced in the Markdown.
        public var contentOccurrences: Int
        /// The version after the change (bumped when the content changed).
        public var version: Int
    }

    /// A contract that names the subject but that the lifecycle rules keep as it is.
    public struct Refusal: Sendable, Equatable {
        public var ref: ContractRef
        public var id: String
        public var title: String
        public var status: String
        public var reason: String
    }

    public struct Result: Sendable {
        public var subject: String
        public var field: Field
        public var changed: [Change]
        public var refused: [Refusal]
        /// Sealed contracts this machine cannot read (no master key): not searched.
        public var unreadable: [ContractRef]
        /// Nil in a dry run.
        public var commit: ObjectID?
        /// The data-subject request linked (and moved to in progress), if one was given.
        public var request: DataSubjectRequest?
        public var dryRun: Bool
    }

    /// Checks a new value: 1 to 1000 characters, one line, no control or line-separator characters.
    public static func checkValue(_ raw: String, field: Field) throws(WorkspaceError) -> String {
        let v = raw.trimmingSpaces()
        guard !v.isEmpty else { throw .invalidInput(field: "value", message: "must not be empty") }
        guard v.utf8.count <= maximumValueLength else {
            throw .invalidInput(field: "value", message: "must be at most \(maximumValueLength) bytes")
        }
        if v.unicodeScalars.contains(where: {
            $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) || $0 == "\u{2028}"
                || $0 == "\u{2029}" || $0 == "\u{FEFF}"
        }) {
            throw .invalidInput(
                field: "value", message: "must be one line of text, without control characters or line separators")
        }
        if field == .email, !Validator.isEmail(v) {
            throw .invalidInput(field: "value", message: "is not a valid email address")
        }
        return v
    }

    /// Corrects `field` to `value` wherever a party entry is the subject's. With `dryRun`, works
    /// out what would change and writes nothing. With `request`, the rectification request of the
    /// same subject is linked in the trailers and moved to `in_progress` in the same commit.
    public static func run(
        _ ws: Workspace, subject rawSubject: String, field: Field, value rawValue: String, request: String? = nil,
        dryRun: Bool = false, author: Author
    ) throws(WorkspaceError) -> Result {
        let subject = try DataSubject(rawSubject)
        guard subject.text.utf8.count <= DataSubject.maximumLength,
            !subject.text.unicodeScalars.contains(where: { $0 == "\u{2028}" || $0 == "\u{2029}" })
        else {
            throw .invalidInput(
                field: "subject", message: "must be 3 to 320 characters (a name or an email) on one line")
        }
        let value = try checkValue(rawValue, field: field)
        let work = { () throws(WorkspaceError) -> Result in
            var linked: DataSubjectRequest?
            if let request {
                let r = try DataSubjectRequests.load(ws, id: request)
                guard r.kind == .rectification else {
                    throw .refused("request \(r.id) is a \(r.kind.rawValue) request, not a rectification request")
                }
                guard r.subject.lowercased() == subject.text.lowercased() else {
                    throw .refused("request \(r.id) is about another data subject")
                }
                guard !r.status.isClosed else { throw .refused("request \(r.id) is already \(r.status.rawValue)") }
                linked = r
            }
            let plan = try self.plan(ws, subject: subject, field: field, value: value)
            if plan.changes.isEmpty, plan.refused.isEmpty {
                let unread =
                    plan.unreadable.isEmpty
                    ? ""
                    : " (\(plan.unreadable.count) sealed contract\(plan.unreadable.count == 1 ? "" : "s") could not be read without the master key)"
                throw .notFound("no contract names '\(subject.text)' in a party entry\(unread)")
            }
            if plan.changes.isEmpty {
                let list = plan.refused.map { "\($0.ref) (\($0.status))" }.joined(separator: ", ")
                throw .refused("every contract naming the subject is read-only, so nothing was changed: \(list)")
            }
            let unchanged = plan.changes.allSatisfy { !$0.changesAnything }
            if unchanged {
                throw .refused("\(field.rawValue) already reads as given in every contract naming the subject")
            }
            let changes = plan.changes.filter(\.changesAnything)
            var result = Result(
                subject: subject.text, field: field, changed: changes.map(\.summary), refused: plan.refused,
                unreadable: plan.unreadable, commit: nil, request: linked, dryRun: dryRun)
            if !dryRun { try refuseUncommitted(ws, changes.map(\.ref)) }
            let reason =
                "Article 16 rectification of \(field.rawValue)" + (linked.map { " (request \($0.id))" } ?? "")
            let now = Timestamp.now().description
            var writes: [WriteTransaction.Write] = []
            var events: [ContractEvent] = []
            for var p in changes {
                p.contract.updatedAt = now
                if p.contentChanged, p.loaded.contract.statusValue == .active {
                    var record = p.contract.lifecycle ?? LifecycleRecord()
                    record.finalContent = FinalContent(
                        sha256: Snapshots.contentHash(p.markdown ?? []), by: author.description, at: now)
                    p.contract.lifecycle = record
                }
                try p.checkRules(ws)
                writes.append(
                    .init(
                        path: p.ref.yamlPath,
                        bytes: Array(ContractCodec.render(p.contract, into: p.loaded.document.root).utf8)))
                if p.contentChanged, let md = p.markdown { writes.append(.init(path: p.ref.markdownPath, bytes: md)) }
                events.append(
                    ContractEvent(
                        id: p.contract.id, ref: p.ref, event: event, version: p.contract.version,
                        actor: author.description, reason: reason))
            }
            // A dry run has checked every rule the write would.
            if dryRun { return result }
            if var r = linked, r.status == .open {
                r.status = .inProgress
                writes.append(
                    .init(path: DataSubjectRequests.path(r.id), bytes: Array(DataSubjectRequests.render(r).utf8)))
                events.append(
                    ContractEvent(
                        id: r.id, ref: ContractRef(company: r.company ?? "", stem: ""),
                        event: "gdpr.request_progressed", version: 2, from: DataSubjectRequest.Status.open.rawValue,
                        to: r.status.rawValue, actor: author.description))
                result.request = r
            }
            let n = changes.count
            let made = try WriteTransaction.run(
                ws, operation: "rectification of \(n) contract\(n == 1 ? "" : "s")", writes: writes,
                finish: .commit(
                    message: "Rectify a data subject's \(field.rawValue) (\(n) contract\(n == 1 ? "" : "s"))",
                    events: events, author: author, allowEmpty: false))
            guard let made else { throw .nothingToCommit }
            result.commit = made
            return result
        }
        if dryRun { return try work() }
        return try WriteTransaction.withLock(ws, work)
    }

    /// Fields a rectification may change on an active contract.
    static let activeFields: Set<String> = ["client", "supplier", "version", "lifecycle.final_content"]

    /// True when `before` → `after` is what a rectification may do to an active contract: its
    /// party entries (and version and final content) change, nothing else, and its content, if
    /// changed, is the content finalized.
    static func isRectification(before: ContractSnapshot, after: ContractSnapshot) -> Bool {
        guard before.contract.statusValue == .active, after.contract.status == before.contract.status else {
            return false
        }
        let changed = Lifecycle.changedProtectedFields(before, after)
        guard changed.allSatisfy(activeFields.contains) else { return false }
        return before.contentSHA256 == after.contentSHA256
            || after.contract.lifecycle?.finalContent?.sha256 == after.contentSHA256
    }

    // MARK: - Planning

    struct Planned {
        var ref: ContractRef
        var loaded: LoadedContract
        var contract: Contract
        var markdown: [UInt8]?
        var parties: [String]
        var contentOccurrences: Int
        var contentChanged: Bool { contentOccurrences > 0 }
        var changesAnything: Bool { contentChanged || contract != loaded.contract }

        var summary: Change {
            Change(
                ref: ref, id: contract.id, title: contract.title, status: contract.status, parties: parties,
                contentOccurrences: contentOccurrences, version: contract.version)
        }

        /// The lifecycle rules against the working copy: the ordinary rules for a draft or a
        /// contract pending review; for an active one, only the party entries, the version and a
        /// re-finalized content may change.
        func checkRules(_ ws: Workspace) throws(WorkspaceError) {
            if !loaded.problems.isEmpty { throw .invalid(loaded.problems) }
            if let first = Validator.validate(contract).first {
                throw .invalidInput(field: first.field, message: "\(ref): \(first.message)")
            }
            let before = ContractSnapshot(
                contract: loaded.contract, contentSHA256: ws.readMarkdown(ref).map(Snapshots.contentHash))
            var after = before
            after.contract = contract
            if let md = markdown { after.contentSHA256 = Snapshots.contentHash(md) }
            if loaded.contract.statusValue == .active {
                let changed = Lifecycle.changedProtectedFields(before, after).filter {
                    !Rectification.activeFields.contains($0)
                }
                if let f = changed.first {
                    throw .refused("\(ref): a rectification of an active contract would also change \(f)")
                }
                return
            }
            if let v = Lifecycle.check(
                before: before, after: after, policy: ws.config.policy, versionBumpIsAutomatic: true
            ).first {
                throw .rule(ref: ref, v)
            }
        }
    }

    struct Plan {
        var changes: [Planned] = []
        var refused: [Refusal] = []
        var unreadable: [ContractRef] = []
    }

    static func plan(_ ws: Workspace, subject: DataSubject, field: Field, value: String) throws(WorkspaceError)
        -> Plan
    {
        var plan = Plan()
        let needle = subject.text.lowercased()
        for ref in ws.contractRefs() {
            guard let yaml = try? ws.read(ref.yamlPath, maxBytes: YAMLLimits.standard.maxBytes) else { continue }
            if SealEnvelope.isSealedYAML(yaml) {
                plan.unreadable.append(ref)
                continue
            }
            // Cheap test first: the subject must appear in the metadata at all.
            guard subject.matches(String(decoding: yaml, as: UTF8.self)) else { continue }
            guard let loaded = try? ws.loadContract(ref) else { continue }
            var c = loaded.contract
            var parties: [String] = []
            var oldValues: [String] = []
            func fix(_ party: inout Party, _ role: String) {
                let own =
                    subject.kind == .email
                    ? party.email?.trimmingSpaces().lowercased() == needle
                    : party.name.trimmingSpaces().lowercased() == needle
                guard own else { return }
                parties.append(role)
                switch field {
                case .name:
                    oldValues.append(party.name)
                    party.name = value
                case .email:
                    if let e = party.email { oldValues.append(e) }
                    party.email = value
                case .company: party.company = value
                case .companyNumber: party.companyNumber = value
                case .role: party.role = value
                }
            }
            if var p = c.client {
                fix(&p, "client")
                c.client = p
            }
            if var p = c.supplier {
                fix(&p, "supplier")
                c.supplier = p
            }
            guard !parties.isEmpty else { continue }
            if let status = loaded.contract.statusValue, Lifecycle.readOnly.contains(status) {
                plan.refused.append(
                    Refusal(
                        ref: ref, id: c.id, title: c.title, status: c.status,
                        reason: "\(status.rawValue) contracts are read-only; nothing was written"))
                continue
            }
            var markdown: [UInt8]?
            var occurrences = 0
            if field.appliesToContent, let md = ws.readMarkdown(ref), !SealEnvelope.isSealed(md) {
                var text = String(decoding: md, as: UTF8.self)
                for old in Set(oldValues) where old != value && !old.isEmpty {
                    let (replaced, n) = replaceWhole(old, with: value, in: text, email: field == .email)
                    text = replaced
                    occurrences += n
                }
                if occurrences > 0 {
                    markdown = Array(text.utf8)
                    if c.version <= loaded.contract.version { c.version = loaded.contract.version + 1 }
                }
            }
            plan.changes.append(
                Planned(
                    ref: ref, loaded: loaded, contract: c, markdown: markdown, parties: parties,
                    contentOccurrences: occurrences))
        }
        return plan
    }

    /// `text` with every occurrence of `old` (exact case) that stands on its own replaced by
    /// `new`, and how many were replaced.
    static func replaceWhole(_ old: String, with new: String, in text: String, email: Bool) -> (String, Int) {
        let h = Array(text.unicodeScalars)
        let n = Array(old.unicodeScalars)
        guard !n.isEmpty, h.count >= n.count else { return (text, 0) }
        var out = String.UnicodeScalarView()
        var count = 0
        var i = 0
        func standsAlone(_ start: Int, _ end: Int) -> Bool {
            let before: Unicode.Scalar? = start > 0 ? h[start - 1] : nil
            let after: Unicode.Scalar? = end < h.count ? h[end] : nil
            if email {
                if let b = before, DataSubject.isAddressScalar(b) || b == "." { return false }
                guard let a = after else { return true }
                if a == "." { return end + 1 >= h.count || !DataSubject.isAddressScalar(h[end + 1]) }
                return !DataSubject.isAddressScalar(a)
            }
            return !(before.map(DataSubject.isWordScalar) ?? false) && !(after.map(DataSubject.isWordScalar) ?? false)
        }
        while i < h.count {
            if i + n.count <= h.count, h[i] == n[0], Array(h[i..<(i + n.count)]) == n, standsAlone(i, i + n.count) {
                out.append(contentsOf: new.unicodeScalars)
                count += 1
                i += n.count
            } else {
                out.append(h[i])
                i += 1
            }
        }
        return (String(out), count)
    }

    static func refuseUncommitted(_ ws: Workspace, _ refs: [ContractRef]) throws(WorkspaceError) {
        let repo = try ws.repository()
        let pending: [StatusEntry]
        do { pending = try repo.status(pathspecs: refs.flatMap { [$0.yamlPath, $0.markdownPath] }) } catch {
            throw Committer.statusFailure(error)
        }
        if let first = pending.first {
            throw .refused("\(first.path) has uncommitted changes", remedy: .commitFirst(then: "rectify"))
        }
    }
}
