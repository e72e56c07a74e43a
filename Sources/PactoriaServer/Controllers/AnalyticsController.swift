import Foundation
import Hummingbird
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

/// `/api/v1/analytics/…`: the business, time-series and compliance figures, computed by the same
/// library calls as the CLI's, for the caller's company (an operator: every company, or one with
/// `?company=`). Figures now come from the live index; `as_of=` reads the tree of the last commit
/// made on or before that date.
struct AnalyticsController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<PactoriaRequestContext>) {
        group.get("/analytics/business") { request, context in
            let (company, asOf) = try scope(request, context)
            let (live, memo) = (state.contracts, state.businessMetrics)
            let json = try await state.read { ws in
                // Now: from the live index, reused while it is unchanged; as of a date: that tree.
                if asOf == nil { return try memo.json(ws, company: company, live: live) }
                return BusinessMetrics(try AnalyticsSnapshot.load(ws, company: company, asOf: asOf, live: live)).json
            }
            return try JSONBody.response(json)
        }
        group.get("/analytics/compliance") { request, context in
            let (company, asOf) = try scope(request, context)
            let live = state.contracts
            let json = try await state.read { ws in
                let snap = try AnalyticsSnapshot.load(ws, company: company, asOf: asOf, live: live)
                let content =
                    snap.commit.map { ws.contentFacts(of: snap.contracts, at: $0) }
                    ?? ws.contentFacts(of: snap.contracts)
                return ComplianceMetrics(snap, content: content).json
            }
            return try JSONBody.response(json)
        }
        group.get("/analytics/time-series/:metric") { request, context in
            let (company, asOf) = try scope(request, context)
            let q = request.uri.queryParameters
            let metric = try wrap { () throws(WorkspaceError) in
                try TimeSeries.metric(context.parameters.get("metric") ?? "")
            }
            let period = try wrap { () throws(WorkspaceError) in try TimeSeries.period(q.get("period") ?? "daily") }
            let days = try Paging.int(q, "days", default: 30, range: TimeSeries.dayRange)
            let json = try await state.read { ws in
                try TimeSeries.compute(ws, metric: metric, period: period, days: days, company: company, asOf: asOf)
                    .json
            }
            return try JSONBody.response(json)
        }
    }

    /// The company the caller may see figures for and `as_of=`, checked.
    func scope(_ request: Request, _ context: PactoriaRequestContext) throws -> (String?, CalendarDate?) {
        let me = try context.caller()
        guard me.may(.read) else {
            state.securityEvent(
                "permission_denied", severity: "medium", context: context,
                detail: "role \(me.role.rawValue) may not read analytics")
            throw APIError.forbidden("your role (\(me.role.rawValue)) may not read analytics")
        }
        let q = request.uri.queryParameters
        var company: String? = me.isOperator ? nil : me.company
        if let asked = q.get("company") {
            guard me.sees(company: asked) else {
                state.securityEvent(
                    "cross_company_access", severity: "critical", context: context,
                    detail: "\(me.email) (\(me.company)) asked for the analytics of \(asked)")
                throw APIError.notFound("no such company")
            }
            company = asked
        }
        let asOf = try q.get("as_of").map { s in
            try wrap { () throws(WorkspaceError) in try AnalyticsSnapshot.parseDate(s) }
        }
        return (company, asOf)
    }

    func wrap<T>(_ body: () throws(WorkspaceError) -> T) throws -> T {
        do throws(WorkspaceError) { return try body() } catch { throw APIError.from(error) }
    }
}
