import Foundation

/// An iCalendar feed read by an independent parser: the `icalendar` package from PyPI (installed
/// with pip when missing; `scripts/setup.sh` installs it for CI), plus the octet-level rules of
/// RFC 5545 checked here (CRLF line ends, lines of at most 75 octets, folds that never split a
/// UTF-8 sequence).
public enum ICalendarOracle {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Alarm: Sendable, Equatable {
        public var action: String
        public var trigger: String
        public var description: String

        public init(action: String, trigger: String, description: String) {
            self.action = action
            self.trigger = trigger
            self.description = description
        }
    }

    public struct Event: Sendable {
        public var uid: String
        /// `YYYY-MM-DD`, and whether it is a date (not a date-time).
        public var start: String
        public var startIsDate: Bool
        public var end: String?
        public var stamp: String
        public var summary: String
        public var description: String
        public var alarms: [Alarm]
    }

    public struct Feed: Sendable {
        public var events: [Event]
        public var properties: [String: String]
    }

    static let script = #"""
        import json, sys
        from icalendar import Calendar
        data = open(sys.argv[1], "rb").read()
        cal = Calendar.from_ical(data)
        if cal.name != "VCALENDAR":
            raise SystemExit("not a VCALENDAR: " + cal.name)
        events = []
        for ev in cal.walk("VEVENT"):
            start = ev.get("dtstart").dt
            end = ev.get("dtend")
            alarms = []
            for a in ev.walk("VALARM"):
                trig = a.get("trigger")
                alarms.append({"action": str(a.get("action")), "trigger": trig.to_ical().decode(),
                               "description": str(a.get("description", ""))})
            events.append({
                "uid": str(ev.get("uid")),
                "start": start.isoformat()[:10],
                "start_is_date": type(start).__name__ == "date",
                "end": end.dt.isoformat()[:10] if end is not None else None,
                "stamp": ev.get("dtstamp").to_ical().decode(),
                "summary": str(ev.get("summary")),
                "description": str(ev.get("description", "")),
                "alarms": alarms,
            })
        props = {k: str(v) for k, v in cal.items()}
        json.dump({"events": events, "properties": props}, sys.stdout)
        """#

    static func python(_ args: [String], input: [UInt8]? = nil) throws -> (Int32, [UInt8], String) {
        try Spawn.capture(
            "python3", args, directory: NSTemporaryDirectory(), environment: ProcessInfo.processInfo.environment,
            input: input, timeout: .seconds(300))
    }

    /// Installs `icalendar` with pip when python3 cannot import it.
    static let installed: Result<Void, Failure> = {
        do {
            if try python(["-c", "import icalendar"]).0 == 0 { return .success(()) }
            let pip = try python(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "icalendar"])
            guard pip.0 == 0, try python(["-c", "import icalendar"]).0 == 0 else {
                return .failure(Failure(description: "cannot install icalendar with pip: \(pip.2)"))
            }
            return .success(())
        } catch {
            return .failure(Failure(description: "python3: \(error)"))
        }
    }()

    /// The octet-level problems of a feed (empty when it keeps the rules).
    public static func lineProblems(_ bytes: [UInt8]) -> [String] {
        var problems: [String] = []
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                lines.append(bytes[start..<i])
                i += 2
                start = i
                continue
            }
            if bytes[i] == 0x0D || bytes[i] == 0x0A { problems.append("a bare CR or LF at byte \(i)") }
            i += 1
        }
        if start != bytes.count { problems.append("the feed does not end with CRLF") }
        for (n, line) in lines.enumerated() {
            if line.count > 75 { problems.append("line \(n + 1) has \(line.count) octets") }
            if String(validating: line, as: UTF8.self) == nil {
                problems.append("line \(n + 1) is not UTF-8 on its own (a fold split a sequence)")
            }
            if line.contains(where: { $0 < 0x20 && $0 != 0x09 }) {
                problems.append("line \(n + 1) holds a control byte")
            }
        }
        return problems
    }

    /// Parses `bytes` with the `icalendar` package.
    public static func parse(_ bytes: [UInt8]) throws -> Feed {
        try installed.get()
        let path = NSTemporaryDirectory() + "pactoria-ics-\(UUID().uuidString).ics"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (status, out, err) = try python(["-c", script, path])
        guard status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any],
            let events = json["events"] as? [[String: Any]]
        else { throw Failure(description: "icalendar could not read the feed (exit \(status)): \(err)") }
        return Feed(
            events: events.map { e in
                Event(
                    uid: e["uid"] as? String ?? "", start: e["start"] as? String ?? "",
                    startIsDate: e["start_is_date"] as? Bool ?? false, end: e["end"] as? String,
                    stamp: e["stamp"] as? String ?? "", summary: e["summary"] as? String ?? "",
                    description: e["description"] as? String ?? "",
                    alarms: (e["alarms"] as? [[String: Any]] ?? []).map {
                        Alarm(
                            action: $0["action"] as? String ?? "", trigger: $0["trigger"] as? String ?? "",
                            description: $0["description"] as? String ?? "")
                    })
            }, properties: json["properties"] as? [String: String] ?? [:])
    }
}
