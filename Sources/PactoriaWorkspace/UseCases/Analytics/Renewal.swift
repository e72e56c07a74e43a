public import PactoriaCore

/// A period of a contract's `renewal:` terms: `N day(s)`, `N week(s)`, `N month(s)` or
/// `N year(s)`, N from 1 to 1200 (docs/FORMAT.md).
public struct RenewalPeriod: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: String, Sendable, CaseIterable { case day, week, month, year }
    public var count: Int
    public var unit: Unit

    public static let counts = 1...1200
    public static let allowed = "N days, N weeks, N months or N years, N from 1 to 1200 (for example '3 months')"

    public init?(count: Int, unit: Unit) {
        guard Self.counts.contains(count) else { return nil }
        self.count = count
        self.unit = unit
    }

    /// Parses `N unit` with one space, the unit singular or plural, lower case.
    public init?(_ text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...4).contains(parts[0].utf8.count),
            parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let n = Int(parts[0])
        else { return nil }
        var word = String(parts[1])
        if word.hasSuffix("s") { word.removeLast() }
        guard let unit = Unit(rawValue: word) else { return nil }
        self.init(count: n, unit: unit)
    }

    public var description: String { "\(count) \(unit.rawValue)\(count == 1 ? "" : "s")" }

    /// `date` moved by `times` periods (negative: back). Months and years keep the day of the
    /// month, clamped to the month's last day (31 January + 1 month = 28 or 29 February). nil
    /// when the result leaves the years 1…9999.
    public func step(_ date: CalendarDate, times: Int = 1) -> CalendarDate? {
        switch unit {
        case .day, .week:
            let d = date.adding(days: count * times * (unit == .week ? 7 : 1))
            return (1...9999).contains(d.year) ? d : nil
        case .month, .year:
            let months = count * times * (unit == .year ? 12 : 1)
            let total = date.year * 12 + (date.month - 1) + months
            guard total >= 12 else { return nil }
            let (y, m) = (total / 12, total % 12 + 1)
            for day in stride(from: min(date.day, 31), through: 28, by: -1) {
                if let d = CalendarDate(year: y, month: m, day: day) { return d }
            }
            return CalendarDate(year: y, month: m, day: min(date.day, 28))
        }
    }
}

/// What a contract's `renewal:` terms mean on a given day.
public struct RenewalDates: Sendable, Equatable {
    /// The contract's `end_date`.
    public var endDate: CalendarDate
    /// `auto_renew: true` with a renewal term that reads.
    public var autoRenews: Bool
    public var renewalTerm: RenewalPeriod?
    public var noticePeriod: RenewalPeriod?
    /// Auto-renewing only: `end_date` rolled forward by whole terms until it is on or after today.
    public var renewalDate: CalendarDate?
    /// How many terms `renewalDate` is after `end_date` (0: the first renewal is the end date).
    public var termsElapsed: Int
    /// The last day to give notice: the renewal date less the notice period (to stop the
    /// renewal), or, without auto-renewal, the end date less it (notice of non-continuation).
    public var noticeDeadline: CalendarDate?

    /// The day the current term ends: the next renewal, else the end date.
    public var termEnd: CalendarDate { renewalDate ?? endDate }
}

/// Renewal terms: the dates they give, and the problems of a malformed `renewal:` section.
public enum Renewal {
    public static let keys = ["auto_renew", "renewal_term", "notice_period"]

    /// The dates of `s` on `today`; nil when it has no `end_date` that reads. Terms that do not
    /// read (which `check` reports) count as absent.
    public static func dates(_ s: ContractSummary, today: CalendarDate) -> RenewalDates? {
        guard let end = s.endDate.flatMap(CalendarDate.init) else { return nil }
        return dates(end: end, terms: s.facts.renewal, today: today)
    }

    public static func dates(end: CalendarDate, terms: ContractFacts.RenewalTerms?, today: CalendarDate)
        -> RenewalDates
    {
        let term = terms?.renewalTerm.flatMap(RenewalPeriod.init)
        let notice = terms?.noticePeriod.flatMap(RenewalPeriod.init)
        var out = RenewalDates(
            endDate: end, autoRenews: false, renewalTerm: term, noticePeriod: notice, renewalDate: nil,
            termsElapsed: 0, noticeDeadline: nil)
        if terms?.autoRenew == true, let term, case let (date, k)? = nextRenewal(end: end, term: term, today: today) {
            out.autoRenews = true
            out.renewalDate = date
            out.termsElapsed = k
        }
        if let notice { out.noticeDeadline = notice.step(out.termEnd, times: -1) }
        return out
    }

    /// The first of `end`, `end + term`, `end + 2 × term`… on or after `today`, and its multiple.
    static func nextRenewal(end: CalendarDate, term: RenewalPeriod, today: CalendarDate) -> (CalendarDate, Int)? {
        if end >= today { return (end, 0) }
        // A first guess from the distance, then whole steps (each computed from `end`, so that a
        // clamped day of the month never drifts: 31 Jan, 28 Feb, 31 Mar).
        var k: Int
        switch term.unit {
        case .day, .week:
            let len = term.count * (term.unit == .week ? 7 : 1)
            k = (today.daysSinceEpoch - end.daysSinceEpoch + len - 1) / len
        case .month, .year:
            let len = term.count * (term.unit == .year ? 12 : 1)
            k = max(1, ((today.year * 12 + today.month) - (end.year * 12 + end.month)) / len)
        }
        k = max(1, k)
        while k > 1, let before = term.step(end, times: k - 1), before >= today { k -= 1 }
        while true {
            guard let d = term.step(end, times: k) else { return nil }
            if d >= today { return (d, k) }
            k += 1
        }
    }

    /// The problems of the `renewal:` section of a contract's metadata (none when it has none),
    /// each naming its field: `renewal.notice_period: …`.
    public static func problems(_ root: YAMLNode) -> [ValidationIssue] {
        guard let section = root["renewal"] else { return [] }
        func issue(_ field: String, _ message: String) -> ValidationIssue {
            ValidationIssue(field: field, message: message)
        }
        guard let entries = section.entries else {
            return [issue("renewal", "must be a mapping of \(keys.joined(separator: ", "))")]
        }
        var out: [ValidationIssue] = []
        for e in entries where !keys.contains(e.key) {
            out.append(
                issue("renewal.\(shown(e.key, 40))", "unknown key (expected one of: \(keys.joined(separator: ", ")))"))
        }
        var auto = false
        if let a = section["auto_renew"] {
            switch a {
            case .scalar("true", .typed): auto = true
            case .scalar("false", .typed): break
            default: out.append(issue("renewal.auto_renew", "must be true or false, got \(describe(a))"))
            }
        }
        var given: [String] = []
        for key in ["renewal_term", "notice_period"] {
            guard let node = section[key] else { continue }
            given.append(key)
            guard let text = node.string, RenewalPeriod(text) != nil else {
                out.append(issue("renewal.\(key)", "must be a period: \(RenewalPeriod.allowed), got \(describe(node))"))
                continue
            }
        }
        if auto && section["renewal_term"] == nil {
            out.append(issue("renewal.renewal_term", "is required when auto_renew is true"))
        }
        let end = root["end_date"]?.string.flatMap(CalendarDate.init)
        if end == nil, let first = given.first {
            out.append(issue("renewal.\(first)", "needs an end_date to count from"))
        }
        return out
    }

    static func describe(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let s, .quoted): "the text \"\(shown(s, 40))\""
        case .scalar(let s, .null): s.isEmpty ? "nothing" : "null"
        case .scalar(let s, _): "'\(shown(s, 40))'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    /// At most `n` characters, control characters (and U+2028/U+2029) as `?`.
    static func shown(_ s: String, _ n: Int) -> String {
        var out = ""
        for (i, c) in s.unicodeScalars.enumerated() {
            if i == n {
                out += "…"
                break
            }
            out.unicodeScalars.append(
                c.value < 0x20 || c.value == 0x7F || c.value == 0x2028 || c.value == 0x2029 ? "?" : c)
        }
        return out
    }
}
