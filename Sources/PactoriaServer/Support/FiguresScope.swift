import Hummingbird
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

extension ServerState {
    /// What a read of figures (analytics, the queue, the calendar) is for: `?company=` (the
    /// caller's own, or any for an operator; none: the caller's, or every company for an
    /// operator; another company's is a 404 and a critical security event, as for its contracts)
    /// and `?as_of=` (checked: a 422 naming `as_of`). `what` names the figures in the event.
    func figuresScope(_ request: Request, _ context: PactoriaRequestContext, _ what: String) throws -> (
        company: String?, asOf: CalendarDate?
    ) {
        let me = try context.caller()
        guard me.may(.read) else {
            securityEvent(
                "permission_denied", severity: "medium", context: context,
                detail: "role \(me.role.rawValue) may not read \(what)")
            throw APIError.forbidden("your role (\(me.role.rawValue)) may not read \(what)")
        }
        let q = request.uri.queryParameters
        var company: String? = me.isOperator ? nil : me.company
        if let asked = q.get("company") {
            guard me.sees(company: asked) else {
                securityEvent(
                    "cross_company_access", severity: "critical", context: context,
                    detail: "\(me.email) (\(me.company)) asked for \(what) of \(asked)")
                throw APIError.notFound("no such company")
            }
            company = asked
        }
        return (company, try Self.asOf(q.get("as_of")))
    }

    /// `?as_of=`, checked as every date to answer as of is (`AnalyticsSnapshot.parseDate`): a
    /// 422 naming `as_of`; nil when absent.
    static func asOf(_ text: String?) throws -> CalendarDate? {
        guard let text else { return nil }
        do throws(WorkspaceError) { return try AnalyticsSnapshot.parseDate(text) } catch { throw APIError.from(error) }
    }
}
