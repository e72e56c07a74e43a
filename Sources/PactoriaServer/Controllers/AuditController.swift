import Foundation
import Hummingbird
import PactoriaAccess
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

/// `/api/v1/audit` (the trail, filtered and paged, limited to the caller's company) and
/// `/api/v1/security/events` (admins, their own company's; operators, every company's).
struct AuditController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<PactoriaRequestContext>) {
        group.get("/audit") { request, context in
            let me = try context.caller()
            let q = request.uri.queryParameters
            let paging = try Paging(q)
            func date(_ key: String) throws -> CalendarDate? {
                guard let v = q.get(key) else { return nil }
                guard let d = CalendarDate(v) else { throw APIError.validation(key, "must be a date YYYY-MM-DD") }
                return d
            }
            let filter = Audit.Filter(
                contract: q.get("contract"), event: q.get("event"), actor: q.get("actor"), since: try date("since"),
                until: try date("until"))
            // `?contract=` of another company: 404 and a critical event, as for the contract itself.
            let (entries, askedCompany) = try await state.read { ws in
                let asked = filter.contract.flatMap { try? ContractViews.resolve(ws, $0) }?.ref.company
                return (try Audit.run(ws, filter: filter), asked)
            }
            let visible = entries.filter { e in e.ref.map { me.sees(company: $0.company) } ?? me.isOperator }
            if let spec = filter.contract,
                askedCompany.map({ !me.sees(company: $0) }) ?? (visible.count < entries.count)
            {
                state.securityEvent(
                    "cross_company_access", severity: "critical", context: context,
                    detail:
                        "\(me.email) (\(me.company)) asked for the audit trail of contract \(spec) of another company")
                throw APIError.notFound("no contract matches '\(spec)'")
            }
            let slice = paging.slice(visible)
            let iso = ISO8601DateFormatter()
            return AuditResponse(
                events: slice.map { AuditResponse.Event($0, iso: iso) }, total: visible.count, page: paging.page,
                size: paging.size, pages: paging.pages(visible.count))
        }
        group.get("/security/events") { request, context in
            let me = try context.caller()
            guard me.may(.viewSecurityEvents) else {
                state.securityEvent(
                    "permission_denied", severity: "medium", context: context, detail: "security events are for admins")
                throw APIError.forbidden("security events are for admins")
            }
            let q = request.uri.queryParameters
            let paging = try Paging(q)
            // A company admin sees their own company's events; only an operator sees all (or asks
            // for one company with `?company=`).
            let asked = q.get("company")
            if let asked, !me.sees(company: asked) {
                state.securityEvent(
                    "cross_company_access", severity: "critical", context: context,
                    detail: "\(me.email) (\(me.company)) asked for the security events of \(asked)")
                throw APIError.notFound("no such company")
            }
            let scope = asked ?? (me.isOperator ? nil : me.company)
            let r = state.securityLog.read(limit: Int.max, offset: 0)
            let mine = scope.map { c in r.events.filter { $0["company"] as? String == c } } ?? r.events
            return SecurityEventsResponse(
                events: paging.slice(mine).map(JSONValue.init(foundation:)), total: mine.count, page: paging.page,
                size: paging.size)
        }
    }
}
