import Foundation
public import PactoriaCore

/// A long-running process's business figures, kept per company until the live index changes (its
/// summaries are then new storage) or the date moves on: under load, most requests reuse the last
/// answer instead of walking every summary again.
public final class BusinessMetricsMemo: @unchecked Sendable {
    private let lock = NSLock()
    /// Per company ("" for every company): the index the figures were made from (held, so its
    /// storage cannot be reused by another array while it is compared), the date, the JSON.
    private var entries: [String: (index: ContractIndex, today: CalendarDate, json: JSONValue)] = [:]

    public init() {}

    /// `BusinessMetrics(AnalyticsSnapshot.load(ws, company:, live:, today:)).json`, reused while
    /// nothing changed.
    public func json(_ ws: Workspace, company: String?, live: LiveContractIndex, today: CalendarDate = .today())
        throws(WorkspaceError) -> JSONValue
    {
        if let company, !ws.companySlugs().contains(company) { throw .notFound("no company '\(company)'") }
        let index = company.map { live.index(ws, company: $0) } ?? live.index(ws)
        let key = company ?? ""
        lock.lock()
        if let hit = entries[key], hit.today == today, ContractLocator.sameStorage(hit.index, index) {
            lock.unlock()
            return hit.json
        }
        lock.unlock()
        let json = BusinessMetrics(
            AnalyticsSnapshot(
                contracts: index.summaries, unreadable: index.unreadable.count, company: company, today: today)
        ).json
        lock.lock()
        entries[key] = (index, today, json)
        lock.unlock()
        return json
    }
}
