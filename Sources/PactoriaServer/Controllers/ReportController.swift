import HTTPTypes
import Hummingbird
import NIOCore
import PactoriaCore
import PactoriaWorkspace

/// `GET /report` (`?as_of=YYYY-MM-DD`, `?company=` for operators): the HTML report of the
/// caller's company, the page the CLI writes. Signed in as `/api/v1` is (a bearer token:
/// the server sets no cookie, so a browser needs a tool or extension that sends the header), with
/// the same rate limits. Another company's report is a 404 and a critical security event. Its
/// Content-Security-Policy header (the page's own, and framed by nobody) is set by
/// `ResponseHeadersMiddleware` for every HTML response.
struct ReportController {
    let state: ServerState

    /// Adds `/report` in a group of its own: the address limit, `AuthMiddleware`, the user limit.
    func addRoutes(to router: Router<PactoriaRequestContext>) {
        let group = router.group("/report")
            .add(middleware: RateLimitMiddleware(state: state, stage: .address))
            .add(middleware: AuthMiddleware(state: state))
            .add(middleware: RateLimitMiddleware(state: state, stage: .user(.default)))
        group.get { request, context in
            let me = try context.caller()
            let q = request.uri.queryParameters
            let company = try Self.company(q.get("company"), me, state: state, context: context)
            let asOf = try ServerState.asOf(q.get("as_of"))
            let live = state.contracts
            let page = try await state.read { ws in
                try ContractReport.html(ReportData.load(ws, company: company, asOf: asOf, live: live))
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                ], body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
    }

    /// The company asked for (`?company=`): the caller's own by default; another only for a
    /// caller who sees it (an operator), else 404 and a critical security event.
    static func company(_ asked: String?, _ me: Identity, state: ServerState, context: PactoriaRequestContext) throws
        -> String
    {
        guard let asked, asked != me.company else { return me.company }
        guard me.sees(company: asked) else {
            state.securityEvent(
                "cross_company_access", severity: "critical", context: context,
                detail: "\(me.email) (\(me.company)) asked for the report of \(asked)")
            throw APIError.notFound("no such company")
        }
        return asked
    }
}
