/// Prometheus text exposition format 0.0.4: one `# HELP` and one `# TYPE` line per family, then
/// its samples. Label values are escaped as the format asks (`\\`, `\"`, `\n`).
struct PrometheusText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private(set) var text = ""

    enum Kind: String {
        case counter, gauge, histogram
    }

    mutating func family(_ name: String, _ kind: Kind, help: String) {
        text += "# HELP \(name) \(Self.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " \(value)\n"
    }

    /// `\` → `\\`, `"` → `\"`, LF → `\n`.
    static func escapeLabel(_ s: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count)
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// HELP text: `\` → `\\`, LF → `\n`.
    static func escapeHelp(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A sample value: integers as such, others in Swift's shortest round-trip form (which Go's
    /// `ParseFloat` reads), non-finite as `NaN`, `+Inf`, `-Inf`.
    static func number(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "+Inf" : "-Inf" }
        return "\(d)"
    }
}

extension RequestMetrics {
    /// The request families: `pactoria_http_requests_total` (counter) and
    /// `pactoria_http_request_duration_seconds` (histogram), by route, method and status class.
    func write(to out: inout PrometheusText) {
        let series = snapshot().sorted {
            ($0.key.route, $0.key.method, $0.key.statusClass) < ($1.key.route, $1.key.method, $1.key.statusClass)
        }
        func labels(_ k: Key) -> [(String, String)] {
            [("route", k.route), ("method", k.method), ("status", "\(k.statusClass)xx")]
        }
        out.family(
            "pactoria_http_requests_total", .counter,
            help: "Requests answered since the server started, by route template, method and status class.")
        for (k, s) in series { out.sample("pactoria_http_requests_total", labels(k), "\(s.count)") }
        out.family(
            "pactoria_http_request_duration_seconds", .histogram,
            help: "Time from the router to the response, by route template, method and status class.")
        for (k, s) in series {
            var cumulative: UInt64 = 0
            for (i, b) in Self.bounds.enumerated() {
                cumulative &+= s.buckets[i]
                out.sample(
                    "pactoria_http_request_duration_seconds_bucket", labels(k) + [("le", b.label)], "\(cumulative)")
            }
            out.sample("pactoria_http_request_duration_seconds_bucket", labels(k) + [("le", "+Inf")], "\(s.count)")
            out.sample("pactoria_http_request_duration_seconds_sum", labels(k), PrometheusText.number(s.seconds))
            out.sample("pactoria_http_request_duration_seconds_count", labels(k), "\(s.count)")
        }
        out.family(
            "pactoria_server_start_time_seconds", .gauge, help: "When the server started, in seconds since the epoch.")
        out.sample("pactoria_server_start_time_seconds", [], "\(since)")
    }
}
