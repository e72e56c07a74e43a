import Foundation
public import PactoriaCore
import PactoriaCrypto

/// One consent event: a subject gave, or withdrew, consent (or another lawful basis) for one
/// processing purpose.
///
/// Each event is a tracked file `.pactoria/gdpr/consent/<id>.yaml`, committed with an audit
/// trailer and **never rewritten**: a withdrawal is a new event, and the check reports a changed or
/// deleted event as an error. The current state of a (subject, purpose) pair is its latest event:
/// the highest `sequence` (one more than the pair's latest when it was recorded), then the latest
/// time, then the id.
public struct ConsentRecord: Sendable, Equatable, Encodable {
    /// The seed's processing purposes.
    public enum Purpose: String, Sendable, CaseIterable, Encodable {
        case contractManagement = "contract_management"
        case aiAnalysis = "ai_analysis"
        case marketing, analytics
    }

    /// The lawful bases of UK GDPR Article 6(1).
    public enum LegalBasis: String, Sendable, CaseIterable, Encodable {
        case consent, contract
        case legalObligation = "legal_obligation"
        case vitalInterests = "vital_interests"
        case publicTask = "public_task"
        case legitimateInterests = "legitimate_interests"
    }

    public enum State: String, Sendable, CaseIterable, Encodable {
        case given, withdrawn
    }

    public var id: String
    /// A user's email address (or another identifier of the person), as given.
    public var subject: String
    public var purpose: Purpose
    public var legalBasis: LegalBasis
    public var state: State
    /// The exact text the subject was shown (required when consent is given).
    public var text: String?
    /// How it was collected: cli, api, web, paper, email, phone…
    public var method: String
    public var time: Timestamp
    /// Who recorded it, as `Name <email>`.
    public var actor: String
    /// The company it was recorded for (nil: the whole workspace).
    public var company: String?
    /// One more than the pair's latest event when this one was recorded (the first is 1).
    public var sequence: Int
    /// The pair's latest event when this one was recorded.
    public var supersedes: String?

    enum CodingKeys: String, CodingKey {
        case id, subject, purpose, state, text, method, time, actor, company, sequence, supersedes
        case legalBasis = "legal_basis"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(subject, forKey: .subject)
        try c.encode(purpose, forKey: .purpose)
        try c.encode(legalBasis, forKey: .legalBasis)
        try c.encode(state, forKey: .state)
        try c.encode(text, forKey: .text)
        try c.encode(method, forKey: .method)
        try c.encode(time.description, forKey: .time)
        try c.encode(actor, forKey: .actor)
        try c.encode(company, forKey: .company)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(supersedes, forKey: .supersedes)
    }

    /// True when this event comes after `other` (of the same pair).
    public func isLater(than other: ConsentRecord) -> Bool {
        (sequence, time, id) > (other.sequence, other.time, other.id)
    }

    /// The (subject, purpose) pair, subjects compared ignoring case.
    var key: String { "\(subject.lowercased())\u{0}\(purpose.rawValue)" }
}

/// The state of consent for one subject and purpose: its latest event, if any.
public struct ConsentStatus: Sendable, Equatable {
    public var subject: String
    public var purpose: ConsentRecord.Purpose
    public var latest: ConsentRecord?
    /// Valid when the latest event gives it.
    public var isValid: Bool { latest?.state == .given }
}

/// Recording, withdrawing, checking and listing consent (`gdpr consent …`, and the API's
/// `/security/gdpr/consent`), and the AI's consent gate (`gdpr.require_consent`).
public enum ConsentRecords {
    public static let directory = ".pactoria/gdpr/consent"
    /// The longest text shown to the subject that is kept.
    public static let maxText = 4000
    static let maxMethod = 32
    static let maxActor = 400
    static let maxSequence = 1_000_000_000
    static let maxFileBytes = 64 << 10

    public static func path(_ id: String) -> String { "\(directory)/\(id).yaml" }

    /// True for an id this code writes: `cns-YYYYMMDD-` and eight lower-case hex digits (so an id
    /// can never name a path elsewhere).
    public static func isValidID(_ id: String) -> Bool { GDPRRecordID.isValid(id, prefix: "cns", hexDigits: 8) }

    /// Records that `subject` gave consent (or another basis) for `purpose`, with the exact `text`
    /// they were shown, and commits it.
    public static func record(
        _ ws: Workspace, subject: String, purpose: ConsentRecord.Purpose, basis: ConsentRecord.LegalBasis,
        text: String, method: String = "cli", company: String? = nil, author: Author
    ) throws(WorkspaceError) -> ConsentRecord {
        guard let text = try checkedText(text, field: "text", max: maxText, multiline: true) else {
            throw .invalidInput(field: "text", message: "must be the exact text the subject was shown")
        }
        return try append(
            ws, subject: subject, purpose: purpose, basis: basis, state: .given, text: text, method: method,
            company: company, author: author)
    }

    /// Records that `subject` withdrew consent for `purpose` (a new event; the earlier ones stay),
    /// and commits it. Refused when the pair has no valid consent to withdraw.
    public static func withdraw(
        _ ws: Workspace, subject: String, purpose: ConsentRecord.Purpose, text: String? = nil, method: String = "cli",
        company: String? = nil, author: Author
    ) throws(WorkspaceError) -> ConsentRecord {
        let text = try checkedText(text, field: "text", max: maxText, multiline: true)
        return try append(
            ws, subject: subject, purpose: purpose, basis: nil, state: .withdrawn, text: text, method: method,
            company: company, author: author)
    }

    /// The latest event of (`subject`, `purpose`); damaged files are never trusted (they are
    /// returned as problems, and cannot give consent).
    public static func status(_ ws: Workspace, subject rawSubject: String, purpose: ConsentRecord.Purpose)
        throws(WorkspaceError) -> (status: ConsentStatus, problems: [Problem])
    {
        let subject = try checkedSubject(rawSubject)
        let (records, problems) = list(ws, subject: subject)
        let latest = Self.latest(records.filter { $0.purpose == purpose })
        return (ConsentStatus(subject: subject, purpose: purpose, latest: latest), problems)
    }

    /// Every event, oldest first (by time, then sequence, then id); with `subject` only that
    /// subject's (ignoring case), with `company` only those recorded for that company. Files that
    /// do not hold a valid event are returned as problems, never trusted.
    public static func list(_ ws: Workspace, subject: String? = nil, company: String? = nil) -> (
        records: [ConsentRecord], problems: [Problem]
    ) {
        let wanted = subject?.lowercased()
        var records: [ConsentRecord] = []
        var problems: [Problem] = []
        for name in FileSystem.list(ws.absolute(directory)).sorted() where name.hasSuffix(".yaml") {
            let file = "\(directory)/\(name)"
            switch read(ws, file: file) {
            case .success(let r):
                if let wanted, r.subject.lowercased() != wanted { continue }
                if let company, r.company != company { continue }
                records.append(r)
            case .failure(let p): problems.append(p.problem)
            }
        }
        records.sort { ($0.time, $0.sequence, $0.id) < ($1.time, $1.sequence, $1.id) }
        return (records, problems)
    }

    /// The latest of `records` (all of one pair).
    public static func latest(_ records: [ConsentRecord]) -> ConsentRecord? {
        records.reduce(nil) { best, r in best.map { r.isLater(than: $0) ? r : $0 } ?? r }
    }

    /// The current state of each (subject, purpose) pair among `records`, by subject then purpose.
    public static func current(_ records: [ConsentRecord]) -> [ConsentStatus] {
        var latest: [String: ConsentRecord] = [:]
        for r in records where latest[r.key].map({ r.isLater(than: $0) }) ?? true { latest[r.key] = r }
        return latest.values.sorted {
            ($0.subject.lowercased(), $0.purpose.rawValue) < ($1.subject.lowercased(), $1.purpose.rawValue)
        }
        .map { ConsentStatus(subject: $0.subject, purpose: $0.purpose, latest: $0) }
    }

    // MARK: - The AI's gate

    /// Whether the workspace requires `ai_analysis` consent before AI generation or analysis
    /// (`gdpr.require_consent`).
    public static func isRequired(_ ws: Workspace) -> Bool { ws.config.requireConsent }

    /// Refuses `activity` ("AI generation", "AI analysis") for `actor` (an email address) when the
    /// workspace requires consent and the actor's latest `ai_analysis` event does not give it.
    public static func requireAIConsent(_ ws: Workspace, actor: String?, activity: String) throws(WorkspaceError) {
        guard isRequired(ws) else { return }
        let purpose = ConsentRecord.Purpose.aiAnalysis
        guard let actor, !actor.isEmpty else {
            throw .refused(
                "\(activity) needs the acting user's \(purpose.rawValue) consent, and no acting user is known",
                remedy: .identifyAuthor)
        }
        let shown = printable(actor)
        let state: ConsentStatus
        do { state = try status(ws, subject: actor, purpose: purpose).status } catch {
            throw .refused("\(activity) refused: \(shown) has no valid \(purpose.rawValue) consent")
        }
        guard state.isValid else {
            let why = state.latest == nil ? "has no" : "withdrew their"
            throw .refused(
                "\(activity) refused: \(shown) \(why) \(purpose.rawValue) consent, which this workspace requires",
                remedy: .recordConsent(subject: shown, purpose: purpose.rawValue))
        }
    }

    // MARK: - Writing

    static func append(
        _ ws: Workspace, subject rawSubject: String, purpose: ConsentRecord.Purpose, basis: ConsentRecord.LegalBasis?,
        state: ConsentRecord.State, text: String?, method rawMethod: String, company: String?, author: Author
    ) throws(WorkspaceError) -> ConsentRecord {
        let subject = try checkedSubject(rawSubject)
        let method = try checkedMethod(rawMethod)
        if let company {
            guard ws.companySlugs().contains(company) else {
                throw .invalidInput(field: "company", message: "no company '\(printable(company))' in this workspace")
            }
        }
        let actor = author.description
        guard actor.count <= maxActor, !actor.unicodeScalars.contains(where: isRefusedScalar) else {
            throw .invalidInput(field: "author", message: "must be one line of at most \(maxActor) characters")
        }
        return try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> ConsentRecord in
            // Under the lock: the pair's latest event is the one this one follows.
            let (records, _) = list(ws, subject: subject)
            let previous = latest(records.filter { $0.purpose == purpose })
            if state == .withdrawn {
                guard let previous, previous.state == .given else {
                    throw .refused(
                        "\(printable(subject)) has no \(purpose.rawValue) consent to withdraw"
                            + (previous == nil ? "" : " (already withdrawn in \(previous!.id))"))
                }
            }
            let basis = basis ?? previous?.legalBasis ?? .consent
            let now = Timestamp.now()
            var id = ""
            repeat {
                guard let random = try? SecureRandom.bytes(4) else {
                    throw .io(path: directory, message: "cannot draw a random consent record id")
                }
                let day = now.date.description.replacingOccurrences(of: "-", with: "")
                id = "cns-\(day)-" + random.map { String(format: "%02x", $0) }.joined()
            } while FileSystem.exists(ws.absolute(path(id)))
            let sequence = (previous?.sequence ?? 0) + 1
            guard sequence <= maxSequence else {
                throw .refused("\(printable(subject)) has too many \(purpose.rawValue) events")
            }
            let r = ConsentRecord(
                id: id, subject: subject, purpose: purpose, legalBasis: basis, state: state, text: text,
                method: method, time: now, actor: actor, company: company, sequence: sequence,
                supersedes: previous?.id)
            try write(ws, r, author: author)
            return r
        }
    }

    static func render(_ r: ConsentRecord) -> String {
        func s(_ v: String?) -> YAMLNode { v.map { .scalar($0, .string) } ?? .scalar("", .null) }
        let node = YAMLNode.mapping([
            YAMLEntry(key: "id", value: s(r.id)),
            YAMLEntry(key: "subject", value: s(r.subject)),
            YAMLEntry(key: "purpose", value: s(r.purpose.rawValue)),
            YAMLEntry(key: "legal_basis", value: s(r.legalBasis.rawValue)),
            YAMLEntry(key: "state", value: s(r.state.rawValue)),
            YAMLEntry(key: "text", value: s(r.text)),
            YAMLEntry(key: "method", value: s(r.method)),
            YAMLEntry(key: "time", value: .scalar(r.time.description, .typed)),
            YAMLEntry(key: "actor", value: s(r.actor)),
            YAMLEntry(key: "company", value: s(r.company)),
            YAMLEntry(key: "sequence", value: .scalar(String(r.sequence), .typed)),
            YAMLEntry(key: "supersedes", value: s(r.supersedes)),
        ])
        return CanonicalYAML.render(node)
    }

    static func write(_ ws: Workspace, _ r: ConsentRecord, author: Author) throws(WorkspaceError) {
        let file = path(r.id)
        let event = r.state == .given ? "gdpr.consent_given" : "gdpr.consent_withdrawn"
        // The trailer names the record and the purpose, never the subject.
        let e = ContractEvent(
            id: r.id, ref: ContractRef(company: r.company ?? "", stem: ""), event: event, version: r.sequence,
            from: nil, to: r.state.rawValue, actor: author.description, reason: nil)
        try WriteTransaction.run(
            ws, operation: "gdpr consent \(r.id)", writes: [.init(path: file, bytes: Array(render(r).utf8))],
            finish: .commit(
                message: "GDPR: \(r.purpose.rawValue) consent \(r.state.rawValue) (\(r.id))", events: [e],
                author: author, allowEmpty: false))
    }

    // MARK: - Reading

    /// A problem found reading a consent file.
    typealias Bad = GDPRRecordFile.Bad

    static func read(_ ws: Workspace, file: String) -> Result<ConsentRecord, Bad> {
        guard FileSystem.kind(ws.absolute(file)) == .regular else {
            return .failure(Bad(problem: Problem(file: file, message: "is not a regular file")))
        }
        guard let bytes = try? ws.read(file, maxBytes: maxFileBytes) else {
            return .failure(
                Bad(
                    problem: Problem(
                        file: file, message: "cannot be read (or is larger than \(maxFileBytes / 1024) KiB)")))
        }
        return parse(bytes, file: file)
    }

    /// Reads and checks one consent file's bytes: a file written by anyone (a pull request) is
    /// checked field by field, and any doubt is a problem naming the file and field.
    static func parse(_ bytes: [UInt8], file: String) -> Result<ConsentRecord, Bad> {
        do throws(Bad) {
            return .success(try parseChecked(bytes, file: file))
        } catch {
            return .failure(error)
        }
    }

    /// The problem with `bytes` as the consent file `file`, else nil.
    public static func problem(_ bytes: [UInt8], file: String) -> Problem? {
        if case .failure(let bad) = parse(bytes, file: file) { return bad.problem }
        return nil
    }

    static func parseChecked(_ bytes: [UInt8], file: String) throws(Bad) -> ConsentRecord {
        func bad(_ field: String?, _ message: String, line: Int? = nil) -> Bad {
            Bad(problem: Problem(file: file, line: line, field: field, message: message))
        }
        guard bytes.count <= maxFileBytes else { throw bad(nil, "is larger than \(maxFileBytes / 1024) KiB") }
        let record = try GDPRRecordFile(bytes, file: file)
        let doc = record.doc
        func string(_ key: String) throws(Bad) -> String? { try record.string(key) }
        func required(_ key: String) throws(Bad) -> String { try record.required(key) }
        func checked<T>(_ key: String, _ body: (String) throws(WorkspaceError) -> T) throws(Bad) -> T {
            let raw = try required(key)
            do { return try body(raw) } catch {
                throw bad(key, Self.message(error), line: doc.line(of: key))
            }
        }
        func oneOf<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(Bad) -> T
        where T.RawValue == String {
            let raw = try required(key)
            guard let v = T(rawValue: raw) else {
                let all = T.allCases.map(\.rawValue).joined(separator: ", ")
                throw bad(key, "must be one of \(all), got '\(printable(raw))'", line: doc.line(of: key))
            }
            return v
        }
        let id = try required("id")
        let name = file.split(separator: "/").last.map(String.init) ?? file
        let expected = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
        guard isValidID(id), id == expected else {
            throw bad("id", "must be the file's name (\(printable(expected)))", line: doc.line(of: "id"))
        }
        let subject = try checked("subject", checkedSubject)
        let purpose = try oneOf("purpose", ConsentRecord.Purpose.self)
        let basis = try oneOf("legal_basis", ConsentRecord.LegalBasis.self)
        let state = try oneOf("state", ConsentRecord.State.self)
        let method = try checked("method", checkedMethod)
        let timeText = try required("time")
        guard timeText.utf8.count <= 40, let time = Timestamp(timeText) else {
            throw bad(
                "time", "must be a time YYYY-MM-DDTHH:MM:SSZ, got '\(printable(timeText))'", line: doc.line(of: "time"))
        }
        let actor = try required("actor")
        guard actor.count <= maxActor, !actor.unicodeScalars.contains(where: isRefusedScalar), Author(actor) != nil
        else {
            throw bad(
                "actor", "must be 'Name <email>' on one line, got '\(printable(actor))'", line: doc.line(of: "actor"))
        }
        let company = try string("company")
        if let company, !Validator.isSlug(company) {
            throw bad("company", "must be a company slug, got '\(printable(company))'", line: doc.line(of: "company"))
        }
        let seqText = try required("sequence")
        guard seqText.utf8.count <= 10, let sequence = Int(seqText), (1...maxSequence).contains(sequence) else {
            throw bad(
                "sequence", "must be a whole number from 1 to \(maxSequence), got '\(printable(seqText))'",
                line: doc.line(of: "sequence"))
        }
        let supersedes = try string("supersedes")
        if let supersedes, !isValidID(supersedes) {
            throw bad(
                "supersedes", "must be a consent record id, got '\(printable(supersedes))'",
                line: doc.line(of: "supersedes"))
        }
        let rawText = try string("text")
        let shown: String?
        do { shown = try checkedText(rawText, field: "text", max: maxText, multiline: true) } catch {
            throw bad("text", message(error), line: doc.line(of: "text"))
        }
        if state == .given, shown == nil { throw bad("text", "is required when consent is given") }
        return ConsentRecord(
            id: id, subject: subject, purpose: purpose, legalBasis: basis, state: state, text: shown, method: method,
            time: time, actor: actor, company: company, sequence: sequence, supersedes: supersedes)
    }

    // MARK: - Field rules

    /// A subject: an email address or another identifier of the person, 3 to 320 characters on
    /// one line.
    static func checkedSubject(_ raw: String) throws(WorkspaceError) -> String {
        guard raw.utf8.count <= DataSubject.maximumLength * 4 else {
            throw .invalidInput(field: "subject", message: "must be at most \(DataSubject.maximumLength) characters")
        }
        if raw.unicodeScalars.contains(where: isRefusedScalar) {
            throw .invalidInput(field: "subject", message: refusedMessage(raw, multiline: false))
        }
        return try DataSubject(raw).text
    }

    /// A method: a lower-case word (cli, api, web, paper, email…), at most 32 characters.
    static func checkedMethod(_ raw: String) throws(WorkspaceError) -> String {
        let m = raw.trimmingCharacters(in: .whitespaces)
        guard !m.isEmpty, m.utf8.count <= maxMethod,
            m.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D })
        else {
            throw .invalidInput(
                field: "method",
                message:
                    "must be a lower-case word of at most \(maxMethod) characters (cli, api, web, paper, email), got '\(printable(raw))'"
            )
        }
        return m
    }

    /// Free text: at most `max` characters; line feeds (when `multiline`) and tabs allowed, but no
    /// carriage return, NUL or other control character, no Unicode line or paragraph separator and
    /// no bidirectional control. Empty (after trimming) is nil.
    static func checkedText(_ text: String?, field: String, max: Int, multiline: Bool) throws(WorkspaceError)
        -> String?
    {
        guard let text else { return nil }
        // Bounded before anything walks it by characters.
        guard text.utf8.count <= max * 4 else {
            throw .invalidInput(field: field, message: "must be at most \(max) characters")
        }
        let refused: (Unicode.Scalar) -> Bool = { u in
            isRefusedScalar(u) && !(u == "\t" || (multiline && u == "\n"))
        }
        if text.unicodeScalars.contains(where: refused) {
            throw .invalidInput(field: field, message: refusedMessage(text, multiline: multiline))
        }
        let t = text.trimmingSpaces()
        guard t.count <= max else { throw .invalidInput(field: field, message: "must be at most \(max) characters") }
        return t.isEmpty ? nil : t
    }

    /// Control characters (line feeds and tabs included), Unicode line and paragraph separators,
    /// and bidirectional controls.
    static func isRefusedScalar(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// What is wrong with `text`'s first refused character, in words.
    static func refusedMessage(_ text: String, multiline: Bool) -> String {
        for u in text.unicodeScalars where isRefusedScalar(u) && !(u == "\t" || (multiline && u == "\n")) {
            switch u.value {
            case 0: return "must not contain NUL characters"
            case 0x0D: return "must not contain carriage returns (use line feeds)"
            case 0x0A: return "must be one line"
            case 0x2028, 0x2029: return "must not contain Unicode line or paragraph separators"
            case 0x202A...0x202E, 0x2066...0x2069: return "must not contain bidirectional control characters"
            default: return "must not contain control characters"
            }
        }
        return "must not contain control characters"
    }

    /// A field error's message without the field's name (the problem names it).
    static func message(_ e: WorkspaceError) -> String {
        if case .invalidInput(_, let m) = e { return m }
        return "\(e)"
    }

    /// `s` safe to quote in a message: controls escaped, at most 60 characters.
    static func printable(_ s: String) -> String {
        let head = String(s.unicodeScalars.prefix(64).map(Character.init))
        let cleaned = head.unicodeScalars.map { isRefusedScalar($0) ? "?" : String($0) }.joined()
        return cleaned.count > 60 || s.unicodeScalars.count > 64 ? String(cleaned.prefix(59)) + "…" : cleaned
    }
}
