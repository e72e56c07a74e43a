import Foundation
import Hummingbird
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

/// `/api/v1/security/gdpr/consent…`: consent records. Any user records, withdraws and checks
/// their own consent; an admin may also do so for another subject of their own company (a user
/// of that company, or a person without an account) and lists their company's records. Another
/// company's user is answered 404, with a security event.
struct ConsentController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<PactoriaRequestContext>) {
        group.post("/security/gdpr/consent") { request, context in try await record(request, context, .given) }
        group.post("/security/gdpr/consent/withdraw") { request, context in
            try await record(request, context, .withdrawn)
        }
        group.get("/security/gdpr/consent") { request, context in try await list(request, context) }
        group.get("/security/gdpr/consent/check") { request, context in try await check(request, context) }
    }

    /// Who the caller may act for: themselves, or (an admin) a subject of a company they see.
    /// Returns the subject and the company its records belong to.
    func scope(_ me: Identity, subject: String?, company: String?, context: PactoriaRequestContext) async throws
        -> (subject: String, company: String)
    {
        let subject = subject ?? me.email
        let own = subject.lowercased() == me.email.lowercased()
        if !own, me.role != .admin {
            state.securityEvent(
                "permission_denied", severity: "medium", context: context,
                detail: "only admins record or read another subject's consent")
            throw APIError.forbidden("you may record and read only your own consent")
        }
        let users = try await state.read { ws in try state.files.users(ws) }
        let user = UserStore.find(users, email: subject)
        let target = company ?? user?.company ?? me.company
        // An admin acts for their own company's people; a user of another company is not theirs.
        if !me.sees(company: target) || (!own && user.map { !me.sees(company: $0.company) } == true) {
            state.securityEvent(
                "cross_company_access", severity: "critical", context: context,
                detail: "\(me.email) (\(me.company)) tried to reach the consent records of another company")
            throw APIError.notFound("no such subject")
        }
        return (subject, target)
    }

    func record(_ request: Request, _ context: PactoriaRequestContext, _ kind: ConsentRecord.State) async throws
        -> EditedResponse<ConsentRecordJSON>
    {
        let me = try context.caller()
        let body = try await request.decode(ConsentBody.self, context: context, limit: state.config.maxBodyBytes)
        guard let purpose = body.purpose.flatMap(ConsentRecord.Purpose.init(rawValue:)) else {
            throw APIError.validation(
                "purpose", "must be one of \(ConsentRecord.Purpose.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var basis: ConsentRecord.LegalBasis?
        if let b = body.legalBasis {
            guard let v = ConsentRecord.LegalBasis(rawValue: b) else {
                throw APIError.validation(
                    "legal_basis",
                    "must be one of \(ConsentRecord.LegalBasis.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            basis = v
        }
        if kind == .given, basis == nil { throw APIError.validation("legal_basis", "is required") }
        if kind == .given, body.text == nil {
            throw APIError.validation("text", "must be the exact text the subject was shown")
        }
        let (subject, company) = try await scope(me, subject: body.subject, company: body.company, context: context)
        let author = try await ContractsController(state: state).author(me)
        let method = body.method ?? "api"
        let chosen = basis ?? .consent
        let made = try await state.write { ws in
            switch kind {
            case .given:
                try ConsentRecords.record(
                    ws, subject: subject, purpose: purpose, basis: chosen, text: body.text ?? "",
                    method: method, company: company, author: author)
            case .withdrawn:
                try ConsentRecords.withdraw(
                    ws, subject: subject, purpose: purpose, text: body.text, method: method, company: company,
                    author: author)
            }
        }
        return EditedResponse(status: .created, response: ConsentRecordJSON(made, current: true))
    }

    func list(_ request: Request, _ context: PactoriaRequestContext) async throws -> ConsentListResponse {
        let me = try context.caller()
        let asked = request.uri.queryParameters.get("subject")
        let askedCompany = request.uri.queryParameters.get("company")
        // A user without the admin role sees only their own records, wherever they were recorded.
        if me.role != .admin {
            if let asked, asked.lowercased() != me.email.lowercased() {
                _ = try await scope(me, subject: asked, company: nil, context: context)
            }
            let (records, _) = try await state.read { ws in ConsentRecords.list(ws, subject: me.email) }
            return ConsentListResponse(records, problems: [])
        }
        if let askedCompany, !me.sees(company: askedCompany) {
            state.securityEvent(
                "cross_company_access", severity: "critical", context: context,
                detail: "\(me.email) (\(me.company)) asked for the consent records of another company")
            throw APIError.notFound("no such company")
        }
        if let asked { _ = try await scope(me, subject: asked, company: askedCompany, context: context) }
        let company = askedCompany ?? (me.isOperator ? nil : me.company)
        let (records, problems) = try await state.read { ws in
            let r = ConsentRecords.list(ws, subject: asked, company: company)
            return (r.records, r.problems.map(\.description))
        }
        return ConsentListResponse(records, problems: company == nil || me.isOperator ? problems : [])
    }

    func check(_ request: Request, _ context: PactoriaRequestContext) async throws -> ConsentCheckResponse {
        let me = try context.caller()
        guard let purpose = request.uri.queryParameters.get("purpose").flatMap({ ConsentRecord.Purpose(rawValue: $0) })
        else {
            throw APIError.validation(
                "purpose", "must be one of \(ConsentRecord.Purpose.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let asked = request.uri.queryParameters.get("subject")
        let (subject, company) = try await scope(me, subject: asked, company: nil, context: context)
        let own = subject.lowercased() == me.email.lowercased()
        // Your own consent is workspace-wide (as the AI's gate reads it); another subject's, within
        // the company the admin sees.
        let latest = try await state.read { ws in
            let records = ConsentRecords.list(ws, subject: subject, company: own || me.isOperator ? nil : company)
                .records
            return ConsentRecords.latest(records.filter { $0.purpose == purpose })
        }
        return ConsentCheckResponse(
            subject: subject, purpose: purpose.rawValue, valid: latest?.state == .given,
            latest: latest.map { ConsentRecordJSON($0, current: true) })
    }
}

/// The body of `POST /security/gdpr/consent` and `…/consent/withdraw`.
struct ConsentBody: Decodable {
    var subject: String?
    var purpose: String?
    var legalBasis: String?
    var text: String?
    var method: String?
    var company: String?

    enum CodingKeys: String, CodingKey {
        case subject, purpose, text, method, company
        case legalBasis = "legal_basis"
    }
}

/// A consent event as the API shows one.
struct ConsentRecordJSON: ResponseEncodable {
    var id: String
    var subject: String
    var purpose: String
    var legalBasis: String
    var state: String
    var text: String?
    var method: String
    var time: String
    var actor: String
    var company: String?
    var sequence: Int
    var supersedes: String?
    /// Whether it is its (subject, purpose) pair's latest event.
    var current: Bool

    init(_ r: ConsentRecord, current: Bool) {
        id = r.id
        subject = r.subject
        purpose = r.purpose.rawValue
        legalBasis = r.legalBasis.rawValue
        state = r.state.rawValue
        text = r.text
        method = r.method
        time = r.time.description
        actor = r.actor
        company = r.company
        sequence = r.sequence
        supersedes = r.supersedes
        self.current = current
    }

    enum CodingKeys: String, CodingKey {
        case id, subject, purpose, state, text, method, time, actor, company, sequence, supersedes, current
        case legalBasis = "legal_basis"
    }
}

/// Consent events the caller may see, oldest first.
struct ConsentListResponse: ResponseEncodable {
    var records: [ConsentRecordJSON]
    var total: Int
    var problems: [String]

    init(_ records: [ConsentRecord], problems: [String]) {
        let current = Set(ConsentRecords.current(records).compactMap { $0.latest?.id })
        self.records = records.map { ConsentRecordJSON($0, current: current.contains($0.id)) }
        total = records.count
        self.problems = problems
    }
}

/// Whether a subject's consent for a purpose is valid, and its latest event.
struct ConsentCheckResponse: ResponseEncodable {
    var subject: String
    var purpose: String
    var valid: Bool
    var latest: ConsentRecordJSON?
}
