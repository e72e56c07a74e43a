import Foundation
public import PactoriaCore
import PactoriaCrypto

/// A data-subject request (UK GDPR Articles 15 to 21) and what became of it.
///
/// Each is a tracked file `.pactoria/gdpr/requests/<id>.yaml`: a record of compliance, so it is
/// committed like a contract, with an audit trailer. It holds the subject's identifier (an email
/// or a name), which the record needs to show whose request it was; nothing else about them.
public struct DataSubjectRequest: Sendable, Equatable, Codable {
    /// The seed's request types.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case access, rectification, erasure, portability, restriction, objection
    }

    public enum Status: String, Sendable, CaseIterable, Codable {
        case open
        case inProgress = "in_progress"
        case completed, refused

        public var isClosed: Bool { self == .completed || self == .refused }
    }

    public var id: String
    public var kind: Kind
    public var subject: String
    public var received: CalendarDate
    /// The received date plus 30 days.
    public var due: CalendarDate
    public var status: Status
    public var outcome: String?
    /// The company the request concerns (nil: the whole workspace).
    public var company: String?
    public var details: String?
    public var closed: CalendarDate?

    /// Open (or in progress) after its due date.
    public func isOverdue(today: CalendarDate) -> Bool { !status.isClosed && due < today }

    enum CodingKeys: String, CodingKey {
        case id, subject, received, due, status, outcome, company, details, closed
        case kind = "type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(Kind.self, forKey: .kind)
        subject = try c.decode(String.self, forKey: .subject)
        guard let r = CalendarDate(try c.decode(String.self, forKey: .received)),
            let d = CalendarDate(try c.decode(String.self, forKey: .due))
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "dates must be YYYY-MM-DD"))
        }
        received = r
        due = d
        status = try c.decode(Status.self, forKey: .status)
        outcome = try c.decodeIfPresent(String.self, forKey: .outcome)
        company = try c.decodeIfPresent(String.self, forKey: .company)
        details = try c.decodeIfPresent(String.self, forKey: .details)
        closed = try c.decodeIfPresent(String.self, forKey: .closed).flatMap(CalendarDate.init)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(subject, forKey: .subject)
        try c.encode(received.description, forKey: .received)
        try c.encode(due.description, forKey: .due)
        try c.encode(status, forKey: .status)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(company, forKey: .company)
        try c.encode(details, forKey: .details)
        try c.encode(closed?.description, forKey: .closed)
    }

    init(
        id: String, kind: Kind, subject: String, received: CalendarDate, status: Status, outcome: String?,
        company: String?, details: String?, closed: CalendarDate?
    ) {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.received = received
        self.due = received.adding(days: DataSubjectRequests.responseDays)
        self.status = status
        self.outcome = outcome
        self.company = company
        self.details = details
        self.closed = closed
    }
}

/// Creating, closing and listing data-subject requests (`gdpr request new|close`, `gdpr requests`,
/// and the API's `/security/gdpr/data-request`).
public enum DataSubjectRequests {
    public static let directory = ".pactoria/gdpr/requests"
    /// A month to answer (Article 12(3)): counted as 30 days from receipt.
    public static let responseDays = 30
    static let maxOutcome = 2000
    static let maxDetails = 4000
    static let maxFileBytes = 64 << 10

    public static func path(_ id: String) -> String { "\(directory)/\(id).yaml" }

    /// True for an id this code writes: `dsr-YYYYMMDD-` and six lower-case hex digits (so an id
    /// can never name a path elsewhere).
    public static func isValidID(_ id: String) -> Bool { GDPRRecordID.isValid(id, prefix: "dsr", hexDigits: 6) }

    /// Records a new request (status `open`) and commits it. `received` defaults to today
    /// (`PACTORIA_TODAY` in tests); it cannot be in the future.
    public static func create(
        _ ws: Workspace, kind: DataSubjectRequest.Kind, subject rawSubject: String, received: CalendarDate? = nil,
        company: String? = nil, details: String? = nil, author: Author
    ) throws(WorkspaceError) -> DataSubjectRequest {
        let subject = try DataSubject(rawSubject)
        let today = CalendarDate.today()
        let received = received ?? today
        if received > today {
            throw .invalidInput(field: "received", message: "cannot be after today (\(today)), got \(received)")
        }
        if let company {
            guard ws.companySlugs().contains(company) else {
                throw .invalidInput(field: "company", message: "no company '\(company)' in this workspace")
            }
        }
        let details = try checkedText(details, field: "details", max: maxDetails)
        return try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> DataSubjectRequest in
            var id = ""
            repeat {
                guard let random = try? SecureRandom.bytes(3) else {
                    throw .io(path: directory, message: "cannot draw a random request id")
                }
                let day = received.description.replacingOccurrences(of: "-", with: "")
                id = "dsr-\(day)-" + random.map { String(format: "%02x", $0) }.joined()
            } while FileSystem.exists(ws.absolute(path(id)))
            let request = DataSubjectRequest(
                id: id, kind: kind, subject: subject.text, received: received, status: .open, outcome: nil,
                company: company, details: details, closed: nil)
            try write(ws, request, event: "gdpr.request_opened", version: 1, author: author)
            return request
        }
    }

    /// Closes request `id` as `completed` or `refused` with `outcome` (required) and commits.
    public static func close(
        _ ws: Workspace, id: String, status: DataSubjectRequest.Status, outcome: String, author: Author
    ) throws(WorkspaceError) -> DataSubjectRequest {
        guard status.isClosed else {
            throw .invalidInput(field: "status", message: "must be completed or refused, got \(status.rawValue)")
        }
        guard let outcome = try checkedText(outcome, field: "outcome", max: maxOutcome), !outcome.isEmpty else {
            throw .invalidInput(field: "outcome", message: "must say what was done (or why it was refused)")
        }
        return try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> DataSubjectRequest in
            var request = try load(ws, id: id)
            if request.status.isClosed {
                throw .refused("request \(id) is already \(request.status.rawValue)")
            }
            request.status = status
            request.outcome = outcome
            request.closed = CalendarDate.today()
            try write(ws, request, event: "gdpr.request_closed", version: 2, author: author)
            return request
        }
    }

    /// One request, checked as `list` checks it.
    public static func load(_ ws: Workspace, id: String) throws(WorkspaceError) -> DataSubjectRequest {
        guard isValidID(id) else {
            throw .invalidInput(field: "id", message: "must look like dsr-YYYYMMDD-xxxxxx, got '\(printable(id))'")
        }
        let file = path(id)
        guard FileSystem.kind(ws.absolute(file)) == .regular else {
            throw .notFound("no data-subject request \(id) (\(file))")
        }
        switch read(ws, file: file) {
        case .success(let r): return r
        case .failure(let p): throw .invalid([p.problem])
        }
    }

    /// Every request, overdue ones first (oldest due date first), then the rest by due date;
    /// files that do not hold a valid request are returned as problems, never trusted. With
    /// `company`, only that company's requests.
    public static func list(_ ws: Workspace, company: String? = nil, today: CalendarDate? = nil) -> (
        requests: [DataSubjectRequest], problems: [Problem]
    ) {
        let today = today ?? CalendarDate.today()
        var requests: [DataSubjectRequest] = []
        var problems: [Problem] = []
        for name in FileSystem.list(ws.absolute(directory)).sorted() where name.hasSuffix(".yaml") {
            let file = "\(directory)/\(name)"
            switch read(ws, file: file) {
            case .success(let r):
                if let company, r.company != company { continue }
                requests.append(r)
            case .failure(let p): problems.append(p.problem)
            }
        }
        requests.sort { a, b in
            let (ao, bo) = (a.isOverdue(today: today), b.isOverdue(today: today))
            if ao != bo { return ao }
            return (a.due, a.id) < (b.due, b.id)
        }
        return (requests, problems)
    }

    // MARK: - The file

    static func render(_ r: DataSubjectRequest) -> String {
        func s(_ v: String?) -> YAMLNode { v.map { .scalar($0, .string) } ?? .scalar("", .null) }
        let node = YAMLNode.mapping([
            YAMLEntry(key: "id", value: s(r.id)),
            YAMLEntry(key: "type", value: s(r.kind.rawValue)),
            YAMLEntry(key: "subject", value: s(r.subject)),
            YAMLEntry(key: "company", value: s(r.company)),
            YAMLEntry(key: "received", value: .scalar(r.received.description, .typed)),
            YAMLEntry(key: "due", value: .scalar(r.due.description, .typed)),
            YAMLEntry(key: "status", value: s(r.status.rawValue)),
            YAMLEntry(key: "details", value: s(r.details)),
            YAMLEntry(key: "outcome", value: s(r.outcome)),
            YAMLEntry(key: "closed", value: r.closed.map { .scalar($0.description, .typed) } ?? .scalar("", .null)),
        ])
        return CanonicalYAML.render(node)
    }

    static func write(_ ws: Workspace, _ r: DataSubjectRequest, event: String, version: Int, author: Author)
        throws(WorkspaceError)
    {
        let file = path(r.id)
        // The trailer names the request and its type, never the subject.
        let e = ContractEvent(
            id: r.id, ref: ContractRef(company: r.company ?? "", stem: ""), event: event, version: version,
            from: version == 1 ? nil : DataSubjectRequest.Status.open.rawValue,
            to: r.status.rawValue, actor: author.description, reason: nil)
        try WriteTransaction.run(
            ws, operation: "gdpr request \(r.id)", writes: [.init(path: file, bytes: Array(render(r).utf8))],
            finish: .commit(
                message: version == 1
                    ? "GDPR: \(r.kind.rawValue) request \(r.id) received"
                    : "GDPR: request \(r.id) \(r.status.rawValue)",
                events: [e], author: author, allowEmpty: false))
    }

    /// A problem found reading a request file.
    typealias Bad = GDPRRecordFile.Bad

    /// Reads and checks one request file: a file written by anyone (a pull request) is checked
    /// field by field, and any doubt is a problem naming the file and field.
    static func read(_ ws: Workspace, file: String) -> Result<DataSubjectRequest, Bad> {
        do throws(Bad) {
            return .success(try readChecked(ws, file: file))
        } catch {
            return .failure(error)
        }
    }

    static func readChecked(_ ws: Workspace, file: String) throws(Bad) -> DataSubjectRequest {
        func bad(_ field: String?, _ message: String, line: Int? = nil) -> Bad {
            Bad(problem: Problem(file: file, line: line, field: field, message: message))
        }
        guard FileSystem.kind(ws.absolute(file)) == .regular else { throw bad(nil, "is not a regular file") }
        guard let bytes = try? ws.read(file, maxBytes: maxFileBytes) else {
            throw bad(nil, "cannot be read (or is larger than \(maxFileBytes / 1024) KiB)")
        }
        let record = try GDPRRecordFile(bytes, file: file)
        let doc = record.doc
        func string(_ key: String) throws(Bad) -> String? { try record.string(key) }
        func required(_ key: String) throws(Bad) -> String { try record.required(key) }
        let id = try required("id")
        let expected = String(file.split(separator: "/").last!.dropLast(5))
        guard isValidID(id), id == expected else {
            throw bad("id", "must be the file's name (\(printable(expected)))", line: doc.line(of: "id"))
        }
        let typeText = try required("type")
        guard let kind = DataSubjectRequest.Kind(rawValue: typeText) else {
            let all = DataSubjectRequest.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw bad("type", "must be one of \(all), got '\(printable(typeText))'", line: doc.line(of: "type"))
        }
        let subject: DataSubject
        do { subject = try DataSubject(try required("subject")) } catch let e as Bad {
            throw e
        } catch {
            throw bad("subject", "\(error)", line: doc.line(of: "subject"))
        }
        let statusText = try required("status")
        guard let status = DataSubjectRequest.Status(rawValue: statusText) else {
            throw bad(
                "status", "must be open, in_progress, completed or refused, got '\(printable(statusText))'",
                line: doc.line(of: "status"))
        }
        func date(_ key: String) throws(Bad) -> CalendarDate? {
            guard let t = try string(key) else { return nil }
            guard let d = CalendarDate(t) else {
                throw bad(key, "must be a date YYYY-MM-DD, got '\(printable(t))'", line: doc.line(of: key))
            }
            return d
        }
        guard let received = try date("received") else { throw bad("received", "is missing") }
        guard let due = try date("due") else { throw bad("due", "is missing") }
        let closed = try date("closed")
        guard due == received.adding(days: responseDays) else {
            throw bad(
                "due", "must be \(responseDays) days after received (\(received.adding(days: responseDays)))",
                line: doc.line(of: "due"))
        }
        let company = try string("company")
        if let company, !Validator.isSlug(company) {
            throw bad("company", "must be a company slug, got '\(printable(company))'", line: doc.line(of: "company"))
        }
        func freeText(_ key: String, max: Int) throws(Bad) -> String? {
            let raw = try string(key)
            do { return try checkedText(raw, field: key, max: max) } catch {
                throw bad(key, "\(error)", line: doc.line(of: key))
            }
        }
        let details = try freeText("details", max: maxDetails)
        let outcome = try freeText("outcome", max: maxOutcome)
        if status.isClosed, outcome == nil {
            throw bad("outcome", "is required once the request is \(status.rawValue)")
        }
        return DataSubjectRequest(
            id: id, kind: kind, subject: subject.text, received: received, status: status, outcome: outcome,
            company: company, details: details, closed: closed)
    }

    /// Free text: at most `max` characters, no control characters but line feeds and tabs.
    static func checkedText(_ text: String?, field: String, max: Int) throws(WorkspaceError) -> String? {
        guard let text else { return nil }
        let t = text.trimmingSpaces()
        if t.unicodeScalars.contains(where: {
            ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F || (0x80...0x9F).contains($0.value)
        }) {
            throw .invalidInput(field: field, message: "must not contain control characters")
        }
        guard t.count <= max else { throw .invalidInput(field: field, message: "must be at most \(max) characters") }
        return t.isEmpty ? nil : t
    }

    /// `s` safe to quote in a message: controls escaped, at most 60 characters.
    static func printable(_ s: String) -> String {
        let cleaned = s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
        return cleaned.count > 60 ? String(cleaned.prefix(59)) + "…" : cleaned
    }
}
