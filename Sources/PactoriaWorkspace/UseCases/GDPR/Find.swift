import Foundation
import PactoriaCore
import PactoriaGit

/// One line of a file that mentions the subject.
public struct SubjectMatch: Sendable, Equatable, Codable {
    /// The workspace-relative file.
    public var file: String
    /// The line, counting from 1.
    public var line: Int
    /// The metadata field (dotted, `client.email`) for a YAML line; nil for Markdown content.
    public var field: String?
    /// The line itself, trimmed and cut at 160 characters.
    public var text: String
}

/// A contract (one path) that mentions the subject now or in an earlier version.
public struct ContractMention: Sendable, Equatable, Codable {
    public var company: String
    public var stem: String
    public var id: String?
    public var title: String?
    /// True when the working tree's version mentions the subject.
    public var current: Bool
    /// Where the working tree's version mentions it (empty when only history does).
    public var matches: [SubjectMatch]
    /// Where the newest committed version that mentions it does (when only history does).
    public var historicalMatches: [SubjectMatch]
    /// The oldest and newest commits that wrote a version of the contract mentioning the subject
    /// (nil when no committed version does: the mention is only in the working tree).
    public var firstCommit: String?
    public var firstDate: String?
    public var lastCommit: String?
    public var lastDate: String?

    public var path: String { "\(company)/\(stem)" }

    enum CodingKeys: String, CodingKey {
        case company, stem, id, title, current, matches
        case historicalMatches = "historical_matches"
        case firstCommit = "first_commit"
        case firstDate = "first_date"
        case lastCommit = "last_commit"
        case lastDate = "last_date"
    }
}

/// A commit whose audit record (author, committer or a `Pactoria-Actor`/`Pactoria-Reason`
/// trailer) mentions the subject.
public struct AuditMention: Sendable, Equatable, Codable {
    public var commit: String
    /// The commit's author time, ISO 8601.
    public var time: String
    public var summary: String
    /// `author`, `committer`, `actor` or `reason`.
    public var field: String
    public var value: String
    /// The contract id of the trailer block that matched (nil for author and committer).
    public var contract: String?
    public var event: String?
}

/// A user of the workspace's local users store whose email or name is the subject.
public struct UserMention: Sendable, Equatable, Codable {
    public var email: String
    public var fullName: String
    public var role: String
    public var company: String
    public var disabled: Bool
    public var createdAt: String?

    public init(email: String, fullName: String, role: String, company: String, disabled: Bool, createdAt: String?) {
        self.email = email
        self.fullName = fullName
        self.role = role
        self.company = company
        self.disabled = disabled
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case email, role, company, disabled
        case fullName = "full_name"
        case createdAt = "created_at"
    }
}

/// A security event that mentions the subject (its actor, address or detail).
public struct SecurityEventMention: Sendable, Equatable, Codable {
    public var time: String
    public var kind: String
    public var severity: String
    public var actor: String?
    public var company: String?
    public var detail: String

    public init(time: String, kind: String, severity: String, actor: String?, company: String?, detail: String) {
        self.time = time
        self.kind = kind
        self.severity = severity
        self.actor = actor
        self.company = company
        self.detail = detail
    }
}

/// Everything in the workspace that mentions a data subject.
public struct SubjectFindings: Sendable, Equatable, Codable {
    public var subject: String
    public var contracts: [ContractMention]
    public var auditEntries: [AuditMention]
    /// Filled by the access layer (the users store and security log live there).
    public var users: [UserMention]
    public var securityEvents: [SecurityEventMention]

    public var isEmpty: Bool { contracts.isEmpty && auditEntries.isEmpty && users.isEmpty && securityEvents.isEmpty }

    enum CodingKeys: String, CodingKey {
        case subject, contracts, users
        case auditEntries = "audit_entries"
        case securityEvents = "security_events"
    }
}

/// `gdpr find`: the contracts (metadata and content, now and in history) and audit entries that
/// mention a data subject. Users and security events are added by `PactoriaAccess.SubjectRecords`.
public enum SubjectSearch {
    /// Searches the working tree's contracts, then every commit reachable from HEAD: each
    /// commit's contract files that differ from its first parent are read (never a whole tree),
    /// each blob once, and each commit's author, committer and audit trailers are checked.
    public static func find(_ ws: Workspace, subject: DataSubject, history: Bool = true) throws(WorkspaceError)
        -> SubjectFindings
    {
        var mentions: [ContractRef: ContractMention] = [:]
        for ref in ws.contractRefs() {
            var hits: [SubjectMatch] = []
            for (path, yaml) in [(ref.yamlPath, true), (ref.markdownPath, false)] {
                guard let bytes = try? ws.read(path) else { continue }
                hits += matches(in: String(decoding: bytes, as: UTF8.self), file: path, yaml: yaml, subject: subject)
            }
            guard !hits.isEmpty else { continue }
            let loaded = try? ws.loadContract(ref)
            mentions[ref] = ContractMention(
                company: ref.company, stem: ref.stem, id: loaded?.contract.id, title: loaded?.contract.title,
                current: true, matches: hits, historicalMatches: [])
        }
        var audit: [AuditMention] = []
        if history { try searchHistory(ws, subject: subject, mentions: &mentions, audit: &audit) }
        return SubjectFindings(
            subject: subject.text, contracts: mentions.keys.sorted().map { mentions[$0]! }, auditEntries: audit,
            users: [], securityEvents: [])
    }

    static func searchHistory(
        _ ws: Workspace, subject: DataSubject, mentions: inout [ContractRef: ContractMention],
        audit: inout [AuditMention]
    ) throws(WorkspaceError) {
        let repo = try ws.repository()
        guard let head = try Committer.head(repo) else { return }
        let iso = ISO8601DateFormatter()
        var blobs: [ObjectID: [SubjectMatch]] = [:]
        var seen = Set<ContractRef>()
        try CommitWalk.forEach(ws, repo, from: head) { (w: WalkedCommit) throws(WorkspaceError) -> Bool in
            let info = w.info
            let time = iso.string(from: info.author.time)
            func note(_ field: String, _ value: String, _ e: ContractEvent? = nil) {
                guard subject.matches(value) else { return }
                audit.append(
                    AuditMention(
                        commit: info.id.hex, time: time, summary: info.summary, field: field, value: value,
                        contract: e?.id, event: e?.event))
            }
            note("author", info.author.formatted)
            if info.committer != info.author { note("committer", info.committer.formatted) }
            for e in AuditTrailers.parse(w.trailers) {
                if let a = e.actor { note("actor", a, e) }
                if let r = e.reason { note("reason", r, e) }
            }
            let parentTree = info.parents.first.flatMap { try? repo.treeID(ofCommit: $0) }
            let files: [TreeFileChange]
            do { files = try repo.changedFiles(from: parentTree, to: info.treeID, under: "companies") } catch {
                throw .repository("cannot compare commit \(info.id.hex.prefix(12)) with its parent", detail: "\(error)")
            }
            for f in files {
                guard let blob = f.newBlob, let ref = ContractRef(path: f.path) else { continue }
                let hits: [SubjectMatch]
                if let known = blobs[blob] {
                    hits = known
                } else {
                    let text = (try? repo.blob(blob)).map { String(decoding: $0, as: UTF8.self) } ?? ""
                    hits = matches(in: text, file: f.path, yaml: f.path.hasSuffix(".yaml"), subject: subject)
                    blobs[blob] = hits
                }
                guard !hits.isEmpty else { continue }
                let short = String(time.prefix(10))
                var m =
                    mentions[ref]
                    ?? ContractMention(
                        company: ref.company, stem: ref.stem, id: nil, title: nil, current: false, matches: [],
                        historicalMatches: [])
                // The walk goes newest first: the first commit met is the newest.
                if m.lastCommit == nil || !seen.contains(ref) {
                    m.lastCommit = info.id.hex
                    m.lastDate = short
                    seen.insert(ref)
                }
                if !m.current, m.lastCommit == info.id.hex {
                    m.historicalMatches += hits
                    if f.path.hasSuffix(".yaml"), m.id == nil, let bytes = try? repo.blob(blob),
                        let c = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
                    {
                        m.id = c.contract.id
                        m.title = c.contract.title
                    }
                }
                m.firstCommit = info.id.hex
                m.firstDate = short
                mentions[ref] = m
            }
            return false
        }
    }

    /// The lines of `text` that mention the subject; for YAML, each with its dotted field.
    public static func matches(in text: String, file: String, yaml: Bool, subject: DataSubject) -> [SubjectMatch] {
        guard subject.matches(text) else { return [] }
        var out: [SubjectMatch] = []
        var keys: [(indent: Int, key: String)] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            var field: String?
            if yaml {
                // Indentation (a sequence's `- ` counts as indentation) and the key, if any.
                var indent = 0
                var rest = line[...]
                while let c = rest.first, c == " " || c == "-" {
                    indent += 1
                    rest = rest.dropFirst()
                }
                if let colon = rest.firstIndex(of: ":"), !rest.hasPrefix("#"), !rest.hasPrefix("\""),
                    rest[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
                {
                    while let last = keys.last, last.indent >= indent { keys.removeLast() }
                    keys.append((indent, String(rest[..<colon])))
                }
                field = keys.isEmpty ? nil : keys.map(\.key).joined(separator: ".")
            }
            let s = String(line)
            guard subject.matches(s) else { continue }
            let trimmed = s.trimmingSpaces()
            out.append(
                SubjectMatch(
                    file: file, line: number, field: field,
                    text: trimmed.count > 160 ? String(trimmed.prefix(159)) + "…" : trimmed))
        }
        if out.isEmpty {
            // A mention split across lines (a folded name): report the file itself.
            out.append(SubjectMatch(file: file, line: 1, field: nil, text: ""))
        }
        return out
    }
}

extension SubjectSearch {
    /// Writes an export (or any report) to `path` atomically: a temporary file beside it, then a
    /// rename, so a reader never sees half of it.
    public static func writeFile(_ bytes: [UInt8], to path: String) throws(WorkspaceError) {
        try FileSystem.writeAtomically(bytes, to: path)
    }
}
