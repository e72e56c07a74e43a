import Foundation
import PactoriaHTTPClient
import PactoriaTestSupport
import ServerTestSupport
import Testing

@testable import PactoriaServer

/// Issue #17's performance figures: the server's own request counts, latency percentiles and
/// success rates (`GET /api/v1/analytics/performance`), and the Prometheus metrics at `/metrics`,
/// measured on a real socket.
@Suite("Metrics: requests", .serialized)
struct MetricsRequestTests {
    /// The `requests` entry of a route and method in a performance answer.
    static func entry(_ r: HTTPResponse, _ route: String, _ method: String = "GET") -> [String: Any]? {
        (r.json["requests"] as? [[String: Any]])?.first {
            $0["route"] as? String == route && $0["method"] as? String == method
        }
    }

    static func number(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue }

    /// A request and how long the client waited for it, in milliseconds.
    static func timed(_ s: LiveServer, _ method: String, _ path: String, token: String? = nil) async throws -> (
        HTTPResponse, Double
    ) {
        let request = try s.httpRequest(method, path, token: token)
        let client = s.client
        return try await blocking {
            let clock = ContinuousClock()
            let start = clock.now
            let r = try client.send(request)
            let (sec, atto) = (clock.now - start).components
            return (r, Double(sec) * 1000 + Double(atto) / 1e15)
        }
    }

    @Test func countsSuccessRatesAndPercentilesPerRouteTemplate() async throws {
        let s = try await LiveServer(.live)
        let admin = try s.token("admin@example.co.uk")
        let manager = try s.token("manager@brickline.co.uk")
        var slowest: [String: Double] = [:]
        func note(_ route: String, _ ms: Double) { slowest[route] = max(slowest[route] ?? 0, ms) }

        for _ in 0..<12 {
            let (r, ms) = try await Self.timed(s, "GET", "/health")
            #expect(r.status == 200)
            note("/health", ms)
        }
        for _ in 0..<7 {
            let (r, ms) = try await Self.timed(s, "GET", "/api/v1/contracts", token: manager)
            #expect(r.status == 200)
            note("/api/v1/contracts", ms)
        }
        for _ in 0..<3 {
            let (r, ms) = try await Self.timed(s, "GET", "/api/v1/contracts")
            #expect(r.status == 401)
            note("/api/v1/contracts", ms)
        }
        for i in 0..<5 {
            let (r, ms) = try await Self.timed(s, "GET", "/api/v1/contracts/no-such-\(i)-\(UUID())", token: manager)
            #expect(r.status == 404)
            note("/api/v1/contracts/{id}", ms)
        }

        let first = try await s.call("GET", "/api/v1/analytics/performance", token: admin)
        #expect(first.status == 200, "\(first.text)")
        let health = try #require(Self.entry(first, "/health"))
        #expect(health["count"] as? Int == 12)
        #expect(Self.number(health["success_rate"]) == 1)
        #expect((health["status_classes"] as? [String: Int]) == ["2xx": 12])
        let list = try #require(Self.entry(first, "/api/v1/contracts"))
        #expect(list["count"] as? Int == 10)
        #expect(Self.number(list["success_rate"]) == 0.7)
        #expect((list["status_classes"] as? [String: Int]) == ["2xx": 7, "4xx": 3])
        let one = try #require(Self.entry(first, "/api/v1/contracts/{id}"))
        #expect(one["count"] as? Int == 5)
        #expect(Self.number(one["success_rate"]) == 0)
        // No raw path is a route, and the performance route has not counted itself yet.
        let routes = (first.json["requests"] as? [[String: Any]] ?? []).compactMap { $0["route"] as? String }
        #expect(!routes.contains { $0.contains("no-such") })
        #expect(!routes.contains("/api/v1/analytics/performance"))

        // Percentiles: ordered, not negative, and never more than the client itself waited (the
        // server's interval lies inside the client's; a bucket's middle is within 3.2% of it).
        for (route, ms) in slowest {
            let e = try #require(Self.entry(first, route))
            let p50 = try #require(Self.number(e["p50_ms"]))
            let p90 = try #require(Self.number(e["p90_ms"]))
            let p99 = try #require(Self.number(e["p99_ms"]))
            #expect(0 <= p50 && p50 <= p90 && p90 <= p99, "\(route): \(p50) \(p90) \(p99)")
            #expect(p99 <= ms * 1.04 + 0.002, "\(route): p99 \(p99) ms, the client waited at most \(ms) ms")
        }
        #expect(first.json["since"] as? String != nil)
        #expect((first.json["generation"] as? [String: Any])?["count"] as? Int == 0)
        #expect((first.json["analysis"] as? [String: Any])?["analysed"] as? Int == 0)
        #expect(first.json["company"] as? String == "brickline")

        // The next answer counts the first (a 200) and the requests since.
        let second = try await s.call("GET", "/api/v1/analytics/performance", token: admin)
        let perf = try #require(Self.entry(second, "/api/v1/analytics/performance"))
        #expect(perf["count"] as? Int == 1)
        #expect(Self.entry(second, "/health")?["count"] as? Int == 12)
    }

    @Test func randomPathsAndMethodsDoNotGrowTheTable() async throws {
        let s = try await LiveServer(.live)
        let admin = try s.token("admin@example.co.uk")
        let manager = try s.token("manager@brickline.co.uk")
        _ = try await s.call("GET", "/health")
        let before = try await s.call("GET", "/api/v1/analytics/performance", token: admin)
        let baseline = (before.json["requests"] as? [[String: Any]] ?? []).count

        // 1,000 distinct paths no route has, in batches on many connections at once.
        let paths = (0..<1000).map { "/probe-\($0)-\(UUID().uuidString.lowercased())/\($0 % 7)" }
        for batch in stride(from: 0, to: paths.count, by: 50) {
            let requests = try paths[batch..<min(paths.count, batch + 50)].map { try s.httpRequest("GET", $0) }
            for r in try await s.concurrently(requests) { #expect(try r.get().status == 404) }
        }
        // Methods no route has (that the HTTP parser knows), and ids under a real route.
        for m in ["PROPFIND", "MKCOL", "UNLOCK"] {
            let r = try await s.call(m, "/api/v1/\(UUID().uuidString)")
            #expect(r.status == 404 || r.status == 405, "\(m): \(r.status)")
        }
        for i in 0..<20 {
            let r = try await s.call("GET", "/api/v1/contracts/\(UUID().uuidString)-\(i)", token: manager)
            #expect(r.status == 404)
        }

        let after = try await s.call("GET", "/api/v1/analytics/performance", token: admin)
        let rows = after.json["requests"] as? [[String: Any]] ?? []
        // New: `unmatched` GET and OTHER, the contract-by-id route, and the performance route itself.
        #expect(rows.count <= baseline + 4, "\(rows.map { "\($0["method"] ?? "") \($0["route"] ?? "")" })")
        #expect(Self.entry(after, "unmatched")?["count"] as? Int == 1000)
        #expect(Self.entry(after, "unmatched", "OTHER")?["count"] as? Int == 3)
        #expect(Self.entry(after, "/api/v1/contracts/{id}")?["count"] as? Int == 20)
        for row in rows {
            let route = row["route"] as? String ?? ""
            #expect(route == "unmatched" || route.hasPrefix("/"), "\(route)")
            #expect(!route.contains("probe"))
        }
        // And /metrics has one series per (route, method, status class) whatever the paths were.
        let metrics = try await s.call("GET", "/metrics", token: admin)
        let counters = metrics.text.split(separator: "\n").filter { $0.hasPrefix("pactoria_http_requests_total{") }
        #expect(counters.count <= rows.count * 5)
        #expect(!metrics.text.contains("probe"))
    }

    @Test func concurrentRequestsAreAllCounted() async throws {
        let s = try await LiveServer(.live)
        let admin = try s.token("admin@example.co.uk")
        let requests = try (0..<64).map { _ in try s.httpRequest("GET", "/health") }
        for r in try await s.concurrently(requests) { #expect(try r.get().status == 200) }
        let perf = try await s.call("GET", "/api/v1/analytics/performance", token: admin)
        #expect(Self.entry(perf, "/health")?["count"] as? Int == 64)
    }
}

@Suite("Metrics: access", .serialized)
struct MetricsAccessTests {
    @Test func adminsOnlyWithATokenAndASecurityEventForOthers() async throws {
        let s = try await LiveServer(.live)
        for path in ["/api/v1/analytics/performance", "/metrics"] {
            let anonymous = try await s.call("GET", path)
            #expect(anonymous.status == 401, "\(path): \(anonymous.status)")
            #expect(anonymous.header("WWW-Authenticate") == "Bearer")
            let forged = try await s.call("GET", path, token: "not-a-token")
            #expect(forged.status == 401)
            for email in ["viewer@brickline.co.uk", "manager@brickline.co.uk", "legal@brickline.co.uk"] {
                let r = try await s.call("GET", path, token: try s.token(email))
                #expect(r.status == 403, "\(email) \(path): \(r.status)")
                #expect(r.json["error"] as? String == "forbidden")
            }
            for email in ["admin@example.co.uk", LiveServer.operatorEmail] {
                let r = try await s.call("GET", path, token: try s.token(email))
                #expect(r.status == 200, "\(email) \(path): \(r.status) \(r.text)")
            }
        }
        let denied = try await s.securityEvents().filter { $0["kind"] as? String == "permission_denied" }
        #expect(denied.count == 6)
        #expect(denied.contains { $0["actor"] as? String == "viewer@brickline.co.uk" })
        #expect(denied.allSatisfy { ($0["detail"] as? String)?.contains("are for admins") == true })
    }

    @Test func scopedToTheCallersCompanyUnlessOperator() async throws {
        let s = try await LiveServer(.live)
        let brickline = try s.token("manager@brickline.co.uk")
        try await s.createContract(brickline, title: "One")
        try await s.createContract(brickline, title: "Two")
        try await s.createContract(try s.token("manager@ancoats.co.uk"), title: "Three")

        let admin = try await s.call("GET", "/metrics", token: try s.token("admin@example.co.uk"))
        #expect(admin.text.contains(#"pactoria_contracts{company="brickline",status="draft"} 2"#), "\(admin.text)")
        #expect(!admin.text.contains(#"company="ancoats""#))
        let op = try await s.call("GET", "/metrics", token: try s.token(LiveServer.operatorEmail))
        #expect(op.text.contains(#"pactoria_contracts{company="brickline",status="draft"} 2"#))
        #expect(op.text.contains(#"pactoria_contracts{company="ancoats",status="draft"} 1"#))

        let perf = try await s.call("GET", "/api/v1/analytics/performance", token: try s.token("admin@example.co.uk"))
        #expect(perf.json["company"] as? String == "brickline")
        #expect(perf.json["total_contracts"] as? Int == 2)
        let all = try await s.call("GET", "/api/v1/analytics/performance", token: try s.token(LiveServer.operatorEmail))
        #expect(all.json["company"] is NSNull)
        #expect(all.json["total_contracts"] as? Int == 3)

        // As of today: the tree of the last commit, the same contracts.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let today = formatter.string(from: Date())
        let asOf = try await s.call(
            "GET", "/api/v1/analytics/performance?as_of=\(today)", token: try s.token("admin@example.co.uk"))
        #expect(asOf.status == 200, "\(asOf.text)")
        #expect(asOf.json["as_of"] as? String == today)
        #expect(asOf.json["commit"] as? String != nil)
        #expect(asOf.json["total_contracts"] as? Int == 2)

        let bad = try await s.call(
            "GET", "/api/v1/analytics/performance?as_of=yesterday", token: try s.token("admin@example.co.uk"))
        #expect(bad.status == 422)
        #expect(bad.json["field"] as? String == "as_of")
        #expect(!bad.text.contains("--"))
    }
}

/// A line-by-line reader of the text exposition format 0.0.4 (independent of the writer).
struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var help: [String: Int] = [:]
    var types: [String: String] = [:]
    var typeLines: [String: Int] = [:]
    var samples: [Sample] = []
    var problems: [String] = []

    init(_ text: String) {
        guard text.hasSuffix("\n") else {
            problems.append("no final newline")
            return
        }
        for raw in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("# HELP ") {
                let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1)
                guard let name = parts.first.map(String.init), Self.isMetricName(name), parts.count == 2 else {
                    problems.append("bad HELP: \(line)")
                    continue
                }
                help[name, default: 0] += 1
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, Self.isMetricName(parts[0]),
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1])
                else {
                    problems.append("bad TYPE: \(line)")
                    continue
                }
                typeLines[parts[0], default: 0] += 1
                if samples.contains(where: { Self.family($0.name, types) == parts[0] }) {
                    problems.append("TYPE after samples: \(line)")
                }
                types[parts[0]] = parts[1]
            } else if line.hasPrefix("#") || line.isEmpty {
                problems.append("unexpected line: \(line)")
            } else if let s = Self.sample(line) {
                if Self.family(s.name, types) == nil { problems.append("sample of no declared family: \(line)") }
                samples.append(s)
            } else {
                problems.append("not a sample: \(line)")
            }
        }
    }

    static func isMetricName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, !(f >= "0" && f <= "9") else { return false }
        return s.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == ":"
        }
    }

    static func isLabelName(_ s: Substring) -> Bool {
        guard let f = s.unicodeScalars.first, !(f >= "0" && f <= "9") else { return false }
        return s.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
        }
    }

    /// The declared family a sample name belongs to (a histogram's `_bucket`, `_sum`, `_count`).
    static func family(_ name: String, _ types: [String: String]) -> String? {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return nil
    }

    /// `name{label="value",…} value [timestamp]`; label values escape only `\\`, `\"`, `\n`.
    static func sample(_ line: String) -> Sample? {
        var chars = Substring(line)
        let nameEnd = chars.firstIndex { $0 == "{" || $0 == " " } ?? chars.endIndex
        let name = String(chars[..<nameEnd])
        guard isMetricName(name) else { return nil }
        chars = chars[nameEnd...]
        var labels: [String: String] = [:]
        if chars.first == "{" {
            chars = chars.dropFirst()
            while chars.first != "}" {
                guard let eq = chars.firstIndex(of: "="), isLabelName(chars[..<eq]) else { return nil }
                let key = String(chars[..<eq])
                chars = chars[chars.index(after: eq)...]
                guard chars.first == "\"" else { return nil }
                chars = chars.dropFirst()
                var value = ""
                while true {
                    guard let c = chars.first else { return nil }
                    chars = chars.dropFirst()
                    if c == "\"" { break }
                    if c == "\n" { return nil }
                    if c == "\\" {
                        switch chars.first {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: return nil
                        }
                        chars = chars.dropFirst()
                    } else {
                        value.append(c)
                    }
                }
                guard labels[key] == nil else { return nil }
                labels[key] = value
                if chars.first == "," { chars = chars.dropFirst() } else if chars.first != "}" { return nil }
            }
            chars = chars.dropFirst()
        }
        guard chars.first == " " else { return nil }
        let fields = chars.dropFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 1 || (fields.count == 2 && Int64(fields[1]) != nil) else { return nil }
        let v: Double
        switch fields[0] {
        case "+Inf": v = .infinity
        case "-Inf": v = -.infinity
        case "NaN": v = .nan
        default:
            guard let d = Double(fields[0]) else { return nil }
            v = d
        }
        return Sample(name: name, labels: labels, value: v)
    }
}

@Suite("Metrics: Prometheus", .serialized)
struct MetricsPrometheusTests {
    @Test func theExpositionParsesAndHistogramsAreCumulative() async throws {
        let s = try await LiveServer(.live)
        let admin = try s.token("admin@example.co.uk")
        let manager = try s.token("manager@brickline.co.uk")
        for _ in 0..<9 { #expect(try await s.call("GET", "/health").status == 200) }
        for _ in 0..<4 { #expect(try await s.call("GET", "/api/v1/contracts", token: manager).status == 200) }
        #expect(try await s.call("GET", "/api/v1/contracts").status == 401)
        #expect(try await s.call("GET", "/nowhere/\(UUID())").status == 404)
        try await s.createContract(manager)

        let r = try await s.call("GET", "/metrics", token: admin)
        #expect(r.status == 200)
        #expect(r.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let e = Exposition(r.text)
        #expect(e.problems.isEmpty, "\(e.problems)")
        // HELP and TYPE exactly once per family, and every family has both.
        #expect(e.help.values.allSatisfy { $0 == 1 }, "\(e.help)")
        #expect(e.typeLines.values.allSatisfy { $0 == 1 }, "\(e.typeLines)")
        #expect(Set(e.help.keys) == Set(e.types.keys))
        #expect(e.types["pactoria_http_requests_total"] == "counter")
        #expect(e.types["pactoria_http_request_duration_seconds"] == "histogram")
        #expect(e.types["pactoria_contracts"] == "gauge")

        func counter(_ route: String, _ method: String, _ status: String) -> Double? {
            e.samples.first {
                $0.name == "pactoria_http_requests_total" && $0.labels["route"] == route
                    && $0.labels["method"] == method && $0.labels["status"] == status
            }?.value
        }
        #expect(counter("/health", "GET", "2xx") == 9)
        #expect(counter("/api/v1/contracts", "GET", "2xx") == 4)
        #expect(counter("/api/v1/contracts", "GET", "4xx") == 1)
        #expect(counter("/api/v1/contracts", "POST", "2xx") == 1)
        #expect(counter("unmatched", "GET", "4xx") == 1)
        #expect(
            e.samples.first {
                $0.name == "pactoria_contracts" && $0.labels == ["company": "brickline", "status": "draft"]
            }?.value == 1)

        // Each histogram: buckets in rising `le`, cumulative, `+Inf` equal to `_count`, a sum ≥ 0,
        // and `_count` equal to the counter of the same labels.
        var series: [[String: String]: [(le: Double, value: Double)]] = [:]
        for b in e.samples where b.name == "pactoria_http_request_duration_seconds_bucket" {
            var key = b.labels
            guard let le = key.removeValue(forKey: "le"), let bound = le == "+Inf" ? Double.infinity : Double(le) else {
                Issue.record("a bucket without a numeric le: \(b.labels)")
                continue
            }
            series[key, default: []].append((bound, b.value))
        }
        #expect(!series.isEmpty)
        for (labels, buckets) in series {
            #expect(buckets.map(\.le) == buckets.map(\.le).sorted(), "\(labels)")
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value }, "\(labels): \(buckets)")
            #expect(buckets.last?.le == .infinity)
            let count = e.samples.first {
                $0.name == "pactoria_http_request_duration_seconds_count" && $0.labels == labels
            }
            let sum = e.samples.first { $0.name == "pactoria_http_request_duration_seconds_sum" && $0.labels == labels }
            #expect(buckets.last?.value == count?.value, "\(labels)")
            #expect((sum?.value ?? -1) >= 0)
            let total = e.samples.first { $0.name == "pactoria_http_requests_total" && $0.labels == labels }
            #expect(total?.value == count?.value, "\(labels)")
        }
    }

    @Test func labelValuesAreEscaped() {
        #expect(PrometheusText.escapeLabel(#"a\b"c"# + "\nd") == #"a\\b\"c\nd"#)
        var out = PrometheusText()
        out.family("x_total", .counter, help: "back\\slash\nnewline")
        out.sample("x_total", [("route", "/a\"}\n{b=\"c\\")], "1")
        let e = Exposition(out.text)
        #expect(e.problems.isEmpty, "\(e.problems) in \(out.text)")
        #expect(e.samples.first?.labels["route"] == "/a\"}\n{b=\"c\\")
        #expect(out.text.split(separator: "\n").count == 3)
    }

    @Test func latencyBucketsHoldTheirValuesAndQuantilesAreOrdered() {
        var values: [UInt64] = Array(0..<200) + [1000, 4095, 4096, 65_535, 1 << 20, 1 << 37, (1 << 38) - 1]
        values += [1 << 38, 1 << 50, UInt64.max]
        var last = 0
        for v in values.sorted() {
            let i = LatencyHistogram.index(v)
            #expect(i >= last && i < LatencyHistogram.size, "\(v)")
            last = i
            let r = LatencyHistogram.range(i)
            if v < 1 << 38 {
                #expect(r.low <= v && v <= r.high, "\(v) in \(r)")
                #expect(Double(r.high - r.low) <= Double(r.low) / 16 + 1, "\(v)")
            }
        }
        var h = LatencyHistogram()
        #expect(h.quantile(0.5) == nil)
        for v in values { h.record(v) }
        let q = [0.0, 0.5, 0.9, 0.99, 1].map { h.quantile($0)! }
        #expect(q == q.sorted())
        var small = LatencyHistogram()
        for v: UInt64 in [10, 20, 30] { small.record(v) }
        #expect(small.quantile(0.5) == 20)
        #expect(small.quantile(1) == 30)
    }

    @Test func theTableIsBoundedAndSafeAcrossThreads() {
        let m = RequestMetrics(since: 0)
        // Far more routes than the cap (a route is a template, but the cap holds anyway).
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            for i in 0..<2000 {
                m.record(
                    route: "/r/\(t)/\(i)", method: i % 2 == 0 ? "GET" : "TEAPOT", status: 200 + i % 400,
                    microseconds: UInt64(i))
            }
        }
        // Past the cap, new series go to `unmatched` (at most 8 methods × 5 classes of it).
        #expect(m.seriesCount <= RequestMetrics.maxSeries + 40)
        let all = m.routes()
        #expect(all.reduce(0) { $0 + $1.count } == 16_000)
        #expect(Set(all.map(\.method)).isSubset(of: ["GET", "OTHER"]))
    }
}
