import Foundation
import Hummingbird
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

/// `/api/v1/security/gdpr/data-request`: data-subject requests, for admins, within their own
/// company (an operator sees every company's, or one with `?company=`).
struct GDPRController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<PactoriaRequestContext>) {
        group.post("/security/gdpr/data-request") { request, context in try await create(request, context) }
        group.get("/security/gdpr/data-request") { request, context in try await list(request, context) }
    }

    /// The caller, when an admin; otherwise a 403 and a security event.
    func admin(_ context: PactoriaRequestContext) throws -> Identity {
        let me = try context.caller()
        guard me.role == .admin else {
            state.securityEvent(
                "permission_denied", severity: "medium", context: context,
                detail: "data-subject requests are for admins")
            throw APIError.forbidden("data-subject requests are for admins")
        }
        return me
    }

    func create(_ request: Request, _ context: PactoriaRequestContext) async throws -> EditedResponse<
        DataRequestJSON
    > {
        let me = try admin(context)
        let body = try await request.decode(DataRequestBody.self, context: context, limit: state.config.maxBodyBytes)
        guard let kind = DataSubjectRequest.Kind(rawValue: body.requestType) else {
            throw APIError.validation(
                "request_type",
                "must be one of \(DataSubjectRequest.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var date: CalendarDate?
        if let r = body.receivedDate {
            guard let d = CalendarDate(r) else {
                throw APIError.validation("received_date", "must be a date YYYY-MM-DD")
            }
            date = d
        }
        let received = date
        let company = body.company ?? me.company
        guard me.sees(company: company) else {
            state.securityEvent(
                "cross_company_access", severity: "critical", context: context,
                detail: "\(me.email) (\(me.company)) tried to record a data-subject request for another company")
            throw APIError.notFound("no such company")
        }
        let users = try await state.read { ws in try state.files.users(ws) }
        let author = Author(name: UserStore.find(users, email: me.email)?.fullName ?? me.email, email: me.email)
        let made = try await state.write { ws in
            try DataSubjectRequests.create(
                ws, kind: kind, subject: body.subject, received: received, company: company, details: body.details,
                author: author)
        }
        return EditedResponse(status: .created, response: DataRequestJSON(made, today: CalendarDate.today()))
    }

    func list(_ request: Request, _ context: PactoriaRequestContext) async throws -> DataRequestsResponse {
        let me = try admin(context)
        let asked = request.uri.queryParameters.get("company")
        if let asked, !me.sees(company: asked) {
            state.securityEvent(
                "cross_company_access", severity: "critical", context: context,
                detail: "\(me.email) (\(me.company)) asked for the data-subject requests of another company")
            throw APIError.notFound("no such company")
        }
        let scope = asked ?? (me.isOperator ? nil : me.company)
        let today = CalendarDate.today()
        let (requests, problems) = try await state.read { ws in
            let r = DataSubjectRequests.list(ws, company: scope, today: today)
            return (r.requests, r.problems.map(\.description))
        }
        return DataRequestsResponse(
            requests: requests.map { DataRequestJSON($0, today: today) }, total: requests.count,
            problems: scope == nil || me.isOperator ? problems : [])
    }
}

/// The body of `POST /security/gdpr/data-request`.
struct DataRequestBody: Decodable {
    var requestType: String
    var subject: String
    var details: String?
    var receivedDate: String?
    var company: String?

    enum CodingKeys: String, CodingKey {
        case subject, details, company
        case requestType = "request_type"
        case receivedDate = "received_date"
    }
}

/// A data-subject request as the API shows one.
struct DataRequestJSON: ResponseEncodable {
    var id: String
    var requestType: String
    var subject: String
    var company: String?
    var receivedDate: String
    var dueDate: String
    var status: String
    var outcome: String?
    var details: String?
    var overdue: Bool

    init(_ r: DataSubjectRequest, today: CalendarDate) {
        id = r.id
        requestType = r.kind.rawValue
        subject = r.subject
        company = r.company
        receivedDate = r.received.description
        dueDate = r.due.description
        status = r.status.rawValue
        outcome = r.outcome
        details = r.details
        overdue = r.isOverdue(today: today)
    }

    enum CodingKeys: String, CodingKey {
        case id, subject, company, status, outcome, details, overdue
        case requestType = "request_type"
        case receivedDate = "received_date"
        case dueDate = "due_date"
    }
}

/// Every request the caller may see, overdue ones first; damaged request files are named (for
/// operators) rather than listed.
struct DataRequestsResponse: ResponseEncodable {
    var requests: [DataRequestJSON]
    var total: Int
    var problems: [String]
}
