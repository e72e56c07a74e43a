public import PactoriaCore

/// Listing: filter, search and page the workspace's contracts.
public enum ListContracts {
    public struct Query: Sendable {
        public var company: String?
        public var status: String?
        public var type: String?
        public var search: String?
        public var page: Int
        public var size: Int
        /// Every match on one page, whatever `size` says.
        public var all: Bool
        /// Answer from the tree of the last commit made on or before this date.
        public var asOf: CalendarDate?

        public init(
            company: String? = nil, status: String? = nil, type: String? = nil, search: String? = nil, page: Int = 1,
            size: Int = 20, all: Bool = false, asOf: CalendarDate? = nil
        ) {
            self.all = all
            self.asOf = asOf
            self.company = company
            self.status = status
            self.type = type
            self.search = search
            self.page = page
            self.size = size
        }
    }

    public struct Page: Sendable {
        public var contracts: [ContractSummary]
        public var total: Int
        public var page: Int
        public var size: Int
        public var pages: Int
        public var unreadable: [UnreadableContract]
    }

    public static let sizeRange = 1...100

    /// Runs the query over `live` when given (a long-running process), else over the working tree
    /// through the on-disk cache.
    public static func run(_ ws: Workspace, _ q: Query, live: LiveContractIndex? = nil) throws(WorkspaceError) -> Page {
        guard sizeRange.contains(q.size) else {
            throw .invalidInput(field: "size", message: "must be between 1 and 100, got \(q.size)")
        }
        guard q.page >= 1 else { throw .invalidInput(field: "page", message: "must be 1 or more, got \(q.page)") }
        if let s = q.status, ContractStatus(rawValue: s) == nil {
            throw .invalidInput(
                field: "status", message: "unknown status '\(s)' (expected one of: \(ContractStatus.allNames))")
        }
        if let t = q.type, ContractType(rawValue: t) == nil {
            throw .invalidInput(
                field: "contract_type",
                message: "unknown contract type '\(t)' (expected one of: \(ContractType.allNames))")
        }
        if let c = q.company, q.asOf == nil, !ws.companySlugs().contains(c) {
            throw .notFound("no company '\(c)'")
        }
        let index =
            if let asOf = q.asOf {
                ContractIndex(
                    summaries: try AnalyticsSnapshot.load(ws, company: q.company, asOf: asOf).contracts, unreadable: [],
                    orphans: [])
            } else if let live { q.company.map { live.index(ws, company: $0) } ?? live.index(ws) } else {
                ContractIndex.load(ws, company: q.company)
            }
        // Match by position and copy only the page: copying every match would retain each of its
        // strings, which costs more than the matching on a large workspace.
        let search = q.search.map { Array($0.lowercased().utf8) }
        let text = search.flatMap { $0.allSatisfy { $0 < 0x80 } ? index.searchText : nil }
        // With a trigram index, only the summaries holding every trigram of the needle are looked at.
        let candidates = search.flatMap { text?.candidates(folded: $0) }
        var matching: [Int] = []
        index.summaries.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            func consider(_ i: Int) {
                let s = base + i  // through the pointer, so no summary is copied
                if let status = q.status, s.pointee.status != status { return }
                if let type = q.type, s.pointee.contractType != type { return }
                if let needle = q.search, let search {
                    let hit =
                        text?.matches(i, folded: search)
                        ?? ContractSummary.matches(s, search: needle, folded: search)
                    if !hit { return }
                }
                matching.append(i)
            }
            if let candidates {
                for i in candidates { consider(i) }
            } else {
                for i in all.indices { consider(i) }
            }
        }
        let total = matching.count
        var q = q
        if q.all {
            q.page = 1
            q.size = max(1, total)
        }
        let pages = max(1, (total + q.size - 1) / q.size)
        // A page past the end is empty; `page × size` must not overflow on the way (page can be Int.max).
        let (offset, overflow) = (q.page - 1).multipliedReportingOverflow(by: q.size)
        let start = overflow ? total : min(total, offset)
        let end = min(total, start + q.size)
        return Page(
            contracts: matching[start..<end].map { index.summaries[$0] }, total: total, page: q.page, size: q.size,
            pages: pages,
            unreadable: index.unreadable)
    }

    /// Every listed field, one row per contract: what a spreadsheet gets.
    public static func table(_ contracts: [ContractSummary]) -> AnalyticsTable {
        AnalyticsTable(
            columns: [
                "id", "company", "stem", "title", "contract_type", "status", "amount", "currency", "start_date",
                "end_date", "version", "client", "supplier", "updated_at",
            ],
            rows: contracts.map { s in
                [
                    s.id, s.ref.company, s.ref.stem, s.title, s.contractType, s.status, s.amount ?? "",
                    s.currency ?? "",
                    s.startDate ?? "", s.endDate ?? "", "\(s.version)", s.clientCompany ?? s.clientName ?? "",
                    s.supplierCompany ?? s.supplierName ?? "", s.updatedAt ?? "",
                ]
            })
    }

    /// One line naming the file and what is wrong with it.
    public static func problem(_ u: UnreadableContract) -> String {
        switch u.error {
        case .invalid(let problems) where problems.count == 1: return problems[0].description
        case .invalid(let problems):
            return "\(u.ref.yamlPath): "
                + problems.map { p in
                    (p.field.map { "\($0): " } ?? "") + p.message
                }.joined(separator: "; ")
        case .yaml(let e):
            return e.description.hasPrefix(u.ref.yamlPath) ? e.description : "\(u.ref.yamlPath): \(e.description)"
        default:
            let text = u.error.description
            return text.hasPrefix(u.ref.yamlPath) ? text : "\(u.ref.yamlPath): \(text)"
        }
    }
}
