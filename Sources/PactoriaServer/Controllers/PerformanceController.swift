import Foundation
import Hummingbird
import NIOCore
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

/// `GET /api/v1/analytics/performance` and `GET /metrics`, for admins (`view_server_metrics`):
/// generation and analysis times and token usage from the caller's company's records (every
/// company's for an operator), and the requests this server has answered since it started.
/// Anyone else gets a 403 and a `permission_denied` security event; no token, a 401.
struct PerformanceController {
    let state: ServerState

    /// The caller, if they may see the server's figures.
    func admin(_ context: PactoriaRequestContext, _ what: String) throws -> Identity {
        let me = try context.caller()
        guard me.may(.viewServerMetrics) else {
            state.securityEvent(
                "permission_denied", severity: "medium", context: context, detail: "\(what) are for admins")
            throw APIError.forbidden("\(what) are for admins")
        }
        return me
    }

    /// On the signed-in `/api/v1` group.
    func addRoutes(to group: RouterGroup<PactoriaRequestContext>) {
        group.get("/analytics/performance") { request, context in
            let me = try admin(context, "performance figures")
            let asOf = try ServerState.asOf(request.uri.queryParameters.get("as_of"))
            let company = me.isOperator ? nil : me.company
            let live = state.contracts
            let figures = try await state.read { ws in
                PerformanceMetrics(try AnalyticsSnapshot.load(ws, company: company, asOf: asOf, live: live))
            }
            guard case .object(var body) = figures.json else { throw APIError.notFound() }
            body["requests"] = .array(
                state.requests.routes().map { r in
                    [
                        "route": .string(r.route), "method": .string(r.method), "count": .int(Int(clamping: r.count)),
                        "success_rate": .double(r.successRate),
                        "status_classes": .object(
                            Dictionary(
                                uniqueKeysWithValues: r.classes.map { ("\($0.key)xx", .int(Int(clamping: $0.value))) })
                        ),
                        "p50_ms": r.latency.quantileMs(0.5).map(JSONValue.double) ?? .null,
                        "p90_ms": r.latency.quantileMs(0.9).map(JSONValue.double) ?? .null,
                        "p99_ms": r.latency.quantileMs(0.99).map(JSONValue.double) ?? .null,
                    ]
                })
            body["since"] = .string(Timestamp(secondsSinceEpoch: state.requests.since).description)
            body["uptime_seconds"] = .int(Int(max(0, state.now - state.requests.since)))
            return try JSONBody.response(JSONValue.object(body))
        }
    }

    /// `GET /metrics`, beside `/health` (behind the same token and limits as `/api/v1`).
    func addMetricsRoute(to group: RouterGroup<PactoriaRequestContext>) {
        group.get("/metrics") { _, context in
            let me = try admin(context, "server metrics")
            let company = me.isOperator ? nil : me.company
            let live = state.contracts
            let index = try await state.read { ws in
                company.map { live.index(ws, company: $0) } ?? live.index(ws)
            }
            var out = PrometheusText()
            state.requests.write(to: &out)
            Self.writeContracts(index, company: company, to: &out)
            return Response(
                status: .ok, headers: [.contentType: PrometheusText.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: out.text)))
        }
    }

    /// `pactoria_contracts{company, status}` (every status of each company, zeros included; a
    /// status the lifecycle does not know is `other`) and `pactoria_contracts_unreadable`.
    static func writeContracts(_ index: ContractIndex, company: String?, to out: inout PrometheusText) {
        var counts: [String: [String: Int]] = [:]
        if let company { counts[company] = [:] }
        for s in index.summaries {
            let status = ContractStatus(rawValue: s.status)?.rawValue ?? "other"
            counts[s.ref.company, default: [:]][status, default: 0] += 1
        }
        let statuses = ContractStatus.allCases.map(\.rawValue) + ["other"]
        out.family("pactoria_contracts", .gauge, help: "Contracts in the working tree, by company and status.")
        for c in counts.keys.sorted() {
            for st in statuses {
                out.sample("pactoria_contracts", [("company", c), ("status", st)], "\(counts[c]?[st] ?? 0)")
            }
        }
        out.family(
            "pactoria_contracts_unreadable", .gauge, help: "Contract metadata files that could not be read.")
        out.sample("pactoria_contracts_unreadable", [], "\(index.unreadable.count)")
    }
}
