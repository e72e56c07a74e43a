import Foundation
import Hummingbird
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

/// `GET /api/v1/queue` (what needs attention) and `GET /api/v1/calendar.ics` (end dates,
/// renewals and notice deadlines as iCalendar), each for the caller's company; an operator sees
/// every company's, or one with `?company=`. Another company's `?company=` is a 404 and a
/// critical security event, as for its contracts.
struct QueueController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<PactoriaRequestContext>) {
        group.get("/queue") { request, context in
            let (company, asOf) = try state.figuresScope(request, context, "the review queue")
            let days = try Paging.int(
                request.uri.queryParameters, "days", default: ReviewQueue.defaultDays, range: ReviewQueue.dayRange)
            let live = state.contracts
            let today = CalendarDate.today()
            let q = try await state.read { ws in
                try ReviewQueue.load(ws, company: company, asOf: asOf, live: live, today: today, days: days)
            }
            return try JSONBody.response(q.json)
        }
        group.get("/calendar.ics") { request, context in
            let (company, asOf) = try state.figuresScope(request, context, "the calendar")
            let live = state.contracts
            let today = CalendarDate.today()
            let cal = try await state.read { ws in
                try ContractCalendar.load(ws, company: company, asOf: asOf, live: live, today: today)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: cal.ics)))
        }
    }
}
