public import PactoriaCore

/// An iCalendar feed (RFC 5545) of the dates that matter for active contracts and those pending
/// review: end dates, the next renewal of an auto-renewing contract, and the last day to give
/// notice (with a reminder a week before). All-day events with stable UIDs
/// (`<contract id>-<kind>@pactoria`), so importing the feed again updates events rather than
/// duplicating them; `DTSTAMP` is the snapshot's date, so one day's (or one commit's) feed is the
/// same bytes each time.
public struct ContractCalendar: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case end, renewal, notice
    }

    public struct Event: Sendable, Equatable {
        public var kind: Kind
        public var date: CalendarDate
        public var summary: ContractSummary

        public static func == (a: Self, b: Self) -> Bool {
            a.kind == b.kind && a.date == b.date && a.summary.ref == b.summary.ref
        }
    }

    public static let statuses: [ContractStatus] = [.active, .pendingReview]
    /// How long before a notice deadline its reminder goes off.
    public static let alarmTrigger = "-P7D"
    /// Titles longer than this are cut (with an ellipsis) in summaries.
    public static let maxTitle = Validator.maxTitleLength

    public var events: [Event]
    public var company: String?
    public var today: CalendarDate

    public init(_ snap: AnalyticsSnapshot) {
        var events: [Event] = []
        for s in snap.contracts {
            guard let status = ContractStatus(rawValue: s.status), Self.statuses.contains(status),
                Self.uidStem(s.id) != nil, let r = Renewal.dates(s, today: snap.today)
            else { continue }
            if let renewal = r.renewalDate {
                events.append(Event(kind: .renewal, date: renewal, summary: s))
            } else {
                events.append(Event(kind: .end, date: r.endDate, summary: s))
            }
            if let d = r.noticeDeadline { events.append(Event(kind: .notice, date: d, summary: s)) }
        }
        self.events = events.sorted {
            ($0.date, $0.summary.ref, $0.kind.rawValue) < ($1.date, $1.summary.ref, $1.kind.rawValue)
        }
        company = snap.company
        today = snap.today
    }

    /// The feed of `company` (nil: every company) now, or as of a date.
    public static func load(
        _ ws: Workspace, company: String? = nil, asOf: CalendarDate? = nil, live: LiveContractIndex? = nil,
        today: CalendarDate = .today()
    ) throws(WorkspaceError) -> ContractCalendar {
        ContractCalendar(try AnalyticsSnapshot.load(ws, company: company, asOf: asOf, live: live, today: today))
    }

    /// Writes the feed to `path` atomically (a temporary file renamed into place).
    public func write(to path: String) throws(WorkspaceError) {
        try FileSystem.writeAtomically(ics, to: path)
    }

    /// A contract id as a UID's stem: its letters, digits and hyphens (nil when none are left).
    static func uidStem(_ id: String) -> String? {
        let kept = id.unicodeScalars.prefix(128).filter {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        guard !kept.isEmpty else { return nil }
        var s = ""
        s.unicodeScalars.append(contentsOf: kept)
        return s
    }

    public static func uid(_ e: Event) -> String {
        "\(uidStem(e.summary.id) ?? "contract")-\(e.kind.rawValue)@pactoria"
    }

    static func title(_ e: Event) -> String {
        let t = e.summary.title
        return t.count > maxTitle ? String(t.prefix(maxTitle - 1)) + "…" : t
    }

    public static func summaryText(_ e: Event) -> String {
        switch e.kind {
        case .end: "Contract ends: \(title(e))"
        case .renewal: "Contract renews: \(title(e))"
        case .notice: "Last day for notice: \(title(e))"
        }
    }

    static func descriptionText(_ e: Event, today: CalendarDate) -> String {
        let s = e.summary
        var lines = ["\(title(e))", "\(s.ref.yamlPath) (\(s.status))"]
        let r = Renewal.dates(s, today: today)
        switch e.kind {
        case .end: lines.append("Ends on \(e.date).")
        case .renewal:
            lines.append(
                "Renews on \(e.date)" + (r?.renewalTerm.map { " for \($0)" } ?? "") + " unless notice is given.")
        case .notice:
            if let renewal = r?.renewalDate {
                lines.append("Last day to give notice to stop the renewal on \(renewal).")
            } else {
                lines.append("Last day to give notice before it ends on \(r?.endDate.description ?? "its end date").")
            }
        }
        if let v = s.value { lines.append("Value: \(v.formatted)") }
        return lines.joined(separator: "\n")
    }

    static func stamp(_ d: CalendarDate) -> String { d.description.split(separator: "-").joined() }

    /// The feed: CRLF line ends, lines folded at 75 octets.
    public var ics: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512 + events.count * 512)
        func line(_ s: String) { Self.fold(Array(s.utf8), into: &out) }
        line("BEGIN:VCALENDAR")
        line("VERSION:2.0")
        line("PRODID:-//Pactoria//Contracts//EN")
        line("CALSCALE:GREGORIAN")
        line("METHOD:PUBLISH")
        line("X-WR-CALNAME:" + Self.escape("Pactoria contracts" + (company.map { " (\($0))" } ?? "")))
        let dtstamp = Self.stamp(today) + "T000000Z"
        for e in events {
            let summary = Self.escape(Self.summaryText(e))
            line("BEGIN:VEVENT")
            line("UID:" + Self.uid(e))
            line("DTSTAMP:" + dtstamp)
            line("DTSTART;VALUE=DATE:" + Self.stamp(e.date))
            line("DTEND;VALUE=DATE:" + Self.stamp(e.date.adding(days: 1)))
            line("SUMMARY:" + summary)
            line("DESCRIPTION:" + Self.escape(Self.descriptionText(e, today: today)))
            line("CATEGORIES:" + e.kind.rawValue.uppercased())
            line("TRANSP:TRANSPARENT")
            if e.kind == .notice {
                line("BEGIN:VALARM")
                line("ACTION:DISPLAY")
                line("TRIGGER:" + Self.alarmTrigger)
                line("DESCRIPTION:" + summary)
                line("END:VALARM")
            }
            line("END:VEVENT")
        }
        line("END:VCALENDAR")
        return out
    }

    /// TEXT as RFC 5545 §3.3.11 writes it: `\` `;` `,` escaped, line breaks (CRLF, CR, LF,
    /// U+2028, U+2029, NEL) as `\n`, other control characters dropped.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        var lastCR = false
        for c in s.unicodeScalars {
            defer { lastCR = c == "\r" }
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": if !lastCR { out += "\\n" }
            case "\r", "\u{2028}", "\u{2029}", "\u{85}": out += "\\n"
            default:
                if c.value < 0x20 || (0x7F...0x9F).contains(c.value) { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Appends `line` with CRLF, folded so that no line exceeds 75 octets (a continuation line
    /// starts with a space), never inside a UTF-8 sequence.
    public static func fold(_ line: [UInt8], into out: inout [UInt8]) {
        var start = 0
        var limit = 75
        while line.count - start > limit {
            var end = start + limit
            while end > start, (line[end] & 0xC0) == 0x80 { end -= 1 }
            out += line[start..<end]
            out += [0x0D, 0x0A, 0x20]
            start = end
            limit = 74
        }
        out += line[start...]
        out += [0x0D, 0x0A]
    }
}
