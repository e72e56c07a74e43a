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
            let (company, asOf) = try state.figuresScope(request, context, "the analytics")
            let (live, memo) = (state.contracts, state.businessMetrics)
            let json = try await state.read { ws in
                // Now: from the live index, reused while it is unchanged; as of a date: that tree.
                if asOf == nil { return try memo.json(ws, company: company, live: live) }
                return BusinessMetrics(try AnalyticsSnapshot.load(ws, company: company, asOf: asOf, live: live)).json
            }
            return try JSONBody.response(json)
        }
        group.get("/analytics/compliance") { request, context in
            let (company, asOf) = try state.figuresScope(request, context, "the analytics")
            let live = state.contracts
            let json = try await state.read { ws in
                let snap = try AnalyticsSnapshot.load(ws, company: company, asOf: asOf, live: live)
                let content =
                    snap.contentFacts(ws)
                return ComplianceMetrics(snap, content: content).json
            }
            return try JSONBody.response(json)
        }
        group.get("/analytics/time-series/:metric") { request, context in
            let (company, asOf) = try state.figuresScope(request, context, "the analytics")
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

    func wrap<T>(_ body: () throws(WorkspaceError) -> T) throws -> T {
        do throws(WorkspaceError) { return try body() } catch { throw APIError.from(error) }
    }
}
