import Foundation
import Hummingbird
import PactoriaCore
import PactoriaWorkspace

/// `/api/v1/audit` (the trail, filtered and paged, limited to the caller's company) and
/// `/api/v1/security/events` (admins only).
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
            let entries = try await state.read { ws in try Audit.run(ws, filter: filter) }
            let visible = entries.filter { e in e.ref.map { me.sees(company: $0.company) } ?? (me.role == .admin) }
            let slice = paging.slice(visible)
            let iso = ISO8601DateFormatter()
            return JSONBody.response([
                "events": slice.map { e in
                    [
                        "commit": e.commit.hex, "time": iso.string(from: e.time), "contract_id": e.contractID,
                        "company": JSONBody.opt(e.ref?.company), "event": e.event, "from": JSONBody.opt(e.from),
                        "to": JSONBody.opt(e.to), "actor": e.actor, "reason": JSONBody.opt(e.reason),
                        "version": JSONBody.opt(e.version), "inferred": e.inferred, "details": e.details,
                    ] as [String: Any]
                },
                "total": visible.count, "page": paging.page, "size": paging.size, "pages": paging.pages(visible.count),
            ])
        }
        group.get("/security/events") { request, context in
            let me = try context.caller()
            guard me.may(.viewSecurityEvents) else {
                state.securityEvent("permission_denied", severity: "medium", context: context, detail: "security events are for admins")
                throw APIError.forbidden("security events are for admins")
            }
            let q = request.uri.queryParameters
            let paging = try Paging(q)
            let r = state.securityLog.read(limit: paging.size, offset: paging.offset)
            return JSONBody.response(["events": r.events, "total": r.total, "page": paging.page, "size": paging.size])
        }
    }
}
