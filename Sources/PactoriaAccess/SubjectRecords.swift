import Foundation
public import PactoriaCore
public import PactoriaWorkspace

/// `gdpr find` and `gdpr export` over the whole workspace: the contracts and audit trail
/// (`SubjectSearch`), plus the users store and the security-event log, which live here.
public enum SubjectRecords {
    /// Everything that mentions `subject`: contracts (now and in history), audit entries, users
    /// and security events. With `company`, only that company's contracts, users and events (and
    /// the audit entries of its contracts' commits are not filtered: they name people, not companies).
    public static func find(_ ws: Workspace, subject: DataSubject, history: Bool = true) throws(WorkspaceError)
        -> SubjectFindings
    {
        var found = try SubjectSearch.find(ws, subject: subject, history: history)
        found.users = users(ws, subject: subject).map(mention)
        found.securityEvents = securityEvents(ws, subject: subject)
        return found
    }

    /// The users whose email is the subject (an email) or whose name is (a name).
    public static func users(_ ws: Workspace, subject: DataSubject) -> [User] {
        guard let all = try? UserStore.load(ws) else { return [] }
        return all.filter { u in
            switch subject.kind {
            case .email: return u.email.lowercased() == subject.text.lowercased()
            case .name: return subject.matches(u.fullName)
            }
        }
    }

    static func mention(_ u: User) -> UserMention {
        UserMention(
            email: u.email, fullName: u.fullName, role: u.role.rawValue, company: u.company, disabled: u.disabled,
            createdAt: u.createdAt)
    }

    /// The security events (live and rotated files) whose actor, address or detail mention the subject.
    public static func securityEvents(_ ws: Workspace, subject: DataSubject) -> [SecurityEventMention] {
        let base = ws.absolute(SecurityLog.path)
        var out: [SecurityEventMention] = []
        for file in [base] + (1...9).map({ "\(base).\($0)" }) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n") {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    continue
                }
                let s = { (k: String) in o[k] as? String }
                let fields = [s("actor"), s("address"), s("detail")].compactMap { $0 }
                guard fields.contains(where: subject.matches) else { continue }
                out.append(
                    SecurityEventMention(
                        time: s("time") ?? "", kind: s("kind") ?? "", severity: s("severity") ?? "", actor: s("actor"),
                        company: s("company"), detail: s("detail") ?? ""))
            }
        }
        return out.sorted { $0.time > $1.time }
    }

    // MARK: - Export (Articles 15 and 20)

    /// The export's format version (`export_metadata.format_version`).
    public static let exportFormatVersion = 1
    /// Audit entries older than this many days are left out of an export (the seed's two years).
    public static let exportAuditDays = 730

    /// The subject's data as one JSON document, in the seed's shape: `export_metadata`,
    /// `user_profile` (never a password hash or token generation), `contracts` (each with the
    /// fields that matched and, for the current version, its full metadata and content),
    /// `audit_logs` (the last two years), `ai_interactions` (the generation records of the
    /// contracts that mention the subject) and `consent_records` (every consent event of the subject).
    public static func export(_ ws: Workspace, subject: DataSubject, now: Timestamp = Timestamp.now())
        throws(WorkspaceError) -> JSONValue
    {
        let found = try find(ws, subject: subject)
        let iso = ISO8601DateFormatter()
        var contracts: [JSONValue] = []
        var ai: [JSONValue] = []
        for m in found.contracts {
            let ref = ContractRef(company: m.company, stem: m.stem)
            let loaded: LoadedContract? = m.current ? (try? ws.loadContract(ref)) : nil
            let hits = m.current ? m.matches : m.historicalMatches
            var o: [String: JSONValue] = [
                "id": m.id.map(JSONValue.string) ?? .null,
                "title": m.title.map(JSONValue.string) ?? .null,
                "type": loaded.map { .string($0.contract.contractType) } ?? .null,
                "status": loaded.map { .string($0.contract.status) } ?? .null,
                "company": .string(m.company),
                "path": .string(m.path),
                "current": .bool(m.current),
                "matching_fields": .array(
                    hits.map { h in
                        [
                            "file": .string(h.file), "line": .int(h.line),
                            "field": h.field.map(JSONValue.string) ?? .null,
                        ]
                    }),
                "first_commit": m.firstCommit.map(JSONValue.string) ?? .null,
                "last_commit": m.lastCommit.map(JSONValue.string) ?? .null,
            ]
            o["metadata"] = loaded.map { JSONValue(yaml: $0.document.root) } ?? .null
            o["content"] =
                m.current
                ? (ws.readMarkdown(ref).map { JSONValue.string(String(decoding: $0, as: UTF8.self)) } ?? .null) : .null
            contracts.append(.object(o))
            if let loaded, let g = loaded.document.root["generation"] {
                let prompt = loaded.contract.plainEnglishInput.map { p in
                    p.count > 200 ? String(p.prefix(199)) + "…" : p
                }
                ai.append([
                    "contract_id": .string(loaded.contract.id),
                    "provider": g["provider"]?.string.map(JSONValue.string) ?? .null,
                    "model": g["model"]?.string.map(JSONValue.string) ?? .null,
                    "date": (loaded.contract.updatedAt ?? loaded.contract.createdAt).map(JSONValue.string) ?? .null,
                    "prompt_summary": (g["prompt_summary"]?.string ?? prompt).map(JSONValue.string) ?? .null,
                ])
            }
        }
        let cutoff = Date(timeIntervalSince1970: Double(now.secondsSinceEpoch - Int64(exportAuditDays) * 86_400))
        let audit: [JSONValue] = found.auditEntries.compactMap { a in
            guard let t = iso.date(from: a.time), t >= cutoff else { return nil }
            return [
                "commit": .string(a.commit), "time": .string(a.time), "summary": .string(a.summary),
                "field": .string(a.field), "value": .string(a.value),
                "contract_id": a.contract.map(JSONValue.string) ?? .null,
                "event": a.event.map(JSONValue.string) ?? .null,
            ]
        }
        let profile: JSONValue =
            users(ws, subject: subject).first.map { u in
                [
                    "email": .string(u.email), "full_name": .string(u.fullName), "role": .string(u.role.rawValue),
                    "company": .string(u.company), "disabled": .bool(u.disabled),
                    "created_at": u.createdAt.map(JSONValue.string) ?? .null,
                ]
            } ?? .null
        return [
            "export_metadata": [
                "subject": .string(subject.text),
                "generated_at": .string(now.description),
                "generator": .string("pactoria \(PactoriaVersion.current)"),
                "format_version": .int(exportFormatVersion),
            ],
            "user_profile": profile,
            "contracts": .array(contracts),
            "audit_logs": .array(audit),
            "ai_interactions": .array(ai),
            // Consent is evidence the controller keeps (Art. 7(1)); the subject has a right to see it.
            "consent_records": .array(
                ConsentRecords.list(ws, subject: subject.text).records.map { r in
                    [
                        "id": .string(r.id), "purpose": .string(r.purpose.rawValue),
                        "legal_basis": .string(r.legalBasis.rawValue), "state": .string(r.state.rawValue),
                        "text": r.text.map(JSONValue.string) ?? .null, "method": .string(r.method),
                        "time": .string(r.time.description), "actor": .string(r.actor),
                        "company": r.company.map(JSONValue.string) ?? .null,
                    ]
                }),
            "security_events": .array(
                found.securityEvents.map { e in
                    [
                        "time": .string(e.time), "kind": .string(e.kind), "severity": .string(e.severity),
                        "detail": .string(e.detail),
                    ]
                }),
        ]
    }

    /// The export as indented JSON text (keys sorted), ending in a line feed, and whether it
    /// holds nothing about the subject (no user, contract, audit entry or security event).
    public static func exportJSON(_ ws: Workspace, subject: DataSubject, now: Timestamp = Timestamp.now())
        throws(WorkspaceError) -> (bytes: [UInt8], empty: Bool)
    {
        let value = try export(ws, subject: subject, now: now)
        var empty = false
        if case .object(let o) = value {
            empty =
                o["user_profile"] == .null
                && ["contracts", "audit_logs", "security_events"].allSatisfy { o[$0] == .array([]) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else {
            throw .io(path: "export", message: "cannot encode the export as JSON")
        }
        return (Array(data) + [0x0A], empty)
    }
}
