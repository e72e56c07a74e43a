import PactoriaCore
import PactoriaGit

/// How long generation and analysis took, and the tokens generation used, from the records in a
/// snapshot's contracts (`generation:` and `compliance:`, docs/FORMAT.md). The CLI prints `json`
/// or `table` of one of these; the API's performance route adds the server's request figures.
///
/// The records are text anyone with write access can edit, so nothing here trusts them: a
/// provider other than `local` or `ai` counts as `other`, a time or token count that is missing,
/// negative or not a whole number is left out (and counted as unparsed), and sums saturate at
/// `Int.max` (flagged) rather than overflow.
public struct PerformanceMetrics: Sendable {
    /// The generation figures of one provider.
    public struct Generation: Sendable, Equatable {
        /// `local`, `ai` or `other`.
        public var provider: String
        public var count: Int
        /// Sorted, the `processing_time_ms` of those that recorded one.
        public var times: [Int]
        /// Records whose `processing_time_ms` was missing or not a whole number ≥ 0.
        public var untimed: Int
        public var totalMs: Int
        /// Token usage summed over the records that have it.
        public var withTokens: Int
        /// Records with some token counts but not all three readable (the rest count as 0).
        public var incompleteTokens: Int
        public var promptTokens: Int
        public var completionTokens: Int
        public var totalTokens: Int
        /// A sum reached `Int.max` and stopped there.
        public var saturated: Bool

        init(provider: String) {
            self.provider = provider
            count = 0
            times = []
            untimed = 0
            totalMs = 0
            withTokens = 0
            incompleteTokens = 0
            promptTokens = 0
            completionTokens = 0
            totalTokens = 0
            saturated = false
        }

        public var meanMs: Double? { PerformanceMetrics.mean(times) }
        public var p50Ms: Int? { PerformanceMetrics.percentile(times, 0.5) }
        public var p90Ms: Int? { PerformanceMetrics.percentile(times, 0.9) }

        mutating func add(_ g: ContractFacts.Generation) {
            var saturated = self.saturated
            count += 1
            if let ms = g.processingMs {
                times.append(ms)
                PerformanceMetrics.add(ms, to: &totalMs, saturated: &saturated)
            } else {
                untimed += 1
            }
            let tokens = [g.promptTokens, g.completionTokens, g.totalTokens]
            if tokens.contains(where: { $0 != nil }) {
                withTokens += 1
                if tokens.contains(where: { $0 == nil }) { incompleteTokens += 1 }
                PerformanceMetrics.add(g.promptTokens ?? 0, to: &promptTokens, saturated: &saturated)
                PerformanceMetrics.add(g.completionTokens ?? 0, to: &completionTokens, saturated: &saturated)
                PerformanceMetrics.add(g.totalTokens ?? 0, to: &totalTokens, saturated: &saturated)
            }
            self.saturated = saturated
        }
    }

    /// The analysis figures: how many contracts carry a `compliance:` record and how long the
    /// analyser ran for those that recorded it (older records have no time).
    public struct Analysis: Sendable, Equatable {
        public var analysed: Int
        /// Sorted `processing_time_ms` values.
        public var times: [Int]
        public var meanMs: Double? { PerformanceMetrics.mean(times) }
        public var p50Ms: Int? { PerformanceMetrics.percentile(times, 0.5) }
        public var p90Ms: Int? { PerformanceMetrics.percentile(times, 0.9) }
        public var maxMs: Int? { times.last }
    }

    public static let providers = ["local", "ai", "other"]

    /// By provider (`local`, `ai`, `other`), only those with at least one record.
    public var generations: [Generation]
    public var analysis: Analysis
    public var total: Int
    public var snapshot: BusinessMetrics.Info

    public init(_ snap: AnalyticsSnapshot) {
        var byProvider = Self.providers.map { Generation(provider: $0) }
        var analysed = 0
        var analysisTimes: [Int] = []
        for s in snap.contracts {
            if let c = s.facts.compliance {
                analysed += 1
                if let ms = c.processingMs { analysisTimes.append(ms) }
            }
            guard let g = s.facts.generation else { continue }
            let i = Self.providers.firstIndex(of: g.provider ?? "") ?? Self.providers.count - 1
            byProvider[i].add(g)
        }
        for i in byProvider.indices { byProvider[i].times.sort() }
        generations = byProvider.filter { $0.count > 0 }
        analysisTimes.sort()
        analysis = Analysis(analysed: analysed, times: analysisTimes)
        total = snap.contracts.count
        snapshot = BusinessMetrics.Info(
            company: snap.company, today: snap.today, asOf: snap.asOf, commit: snap.commit?.id.hex,
            unreadable: snap.unreadable)
    }

    /// Adds `n` (≥ 0) to `sum`, stopping at `Int.max`.
    public static func add(_ n: Int, to sum: inout Int, saturated: inout Bool) {
        let (r, overflow) = sum.addingReportingOverflow(max(0, n))
        if overflow {
            sum = .max
            saturated = true
        } else {
            sum = r
        }
    }

    /// The mean of non-negative values (as a `Double`, so no sum overflows), to 0.1.
    public static func mean(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        var sum = 0.0
        for v in values { sum += Double(v) }
        return ((sum / Double(values.count)) * 10).rounded() / 10
    }

    /// The nearest-rank percentile of sorted values: the smallest value with at least `p` of them
    /// at or below it.
    public static func percentile(_ sorted: [Int], _ p: Double) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    public var generationCount: Int { generations.reduce(0) { $0 + $1.count } }

    /// `{provider, count, timed, untimed, total_processing_ms, mean/p50/p90_processing_ms,
    /// with_token_usage, incomplete_token_usage, prompt_tokens, completion_tokens, total_tokens, saturated}` per provider.
    public var generationJSON: JSONValue {
        [
            "count": .int(generationCount),
            "by_provider": .array(
                generations.map { g in
                    [
                        "provider": .string(g.provider), "count": .int(g.count), "timed": .int(g.times.count),
                        "untimed": .int(g.untimed), "total_processing_ms": .int(g.totalMs),
                        "mean_processing_ms": g.meanMs.map(JSONValue.double) ?? .null,
                        "p50_processing_ms": g.p50Ms.map(JSONValue.int) ?? .null,
                        "p90_processing_ms": g.p90Ms.map(JSONValue.int) ?? .null,
                        "with_token_usage": .int(g.withTokens),
                        "incomplete_token_usage": .int(g.incompleteTokens), "prompt_tokens": .int(g.promptTokens),
                        "completion_tokens": .int(g.completionTokens), "total_tokens": .int(g.totalTokens),
                        "saturated": .bool(g.saturated),
                    ]
                }),
        ]
    }

    public var analysisJSON: JSONValue {
        [
            "analysed": .int(analysis.analysed), "timed": .int(analysis.times.count),
            "mean_processing_ms": analysis.meanMs.map(JSONValue.double) ?? .null,
            "p50_processing_ms": analysis.p50Ms.map(JSONValue.int) ?? .null,
            "p90_processing_ms": analysis.p90Ms.map(JSONValue.int) ?? .null,
            "max_processing_ms": analysis.maxMs.map(JSONValue.int) ?? .null,
        ]
    }

    /// The JSON both front ends print (docs/JSON.md); the API adds `requests` and `since`.
    public var json: JSONValue {
        [
            "company": snapshot.company.map(JSONValue.string) ?? .null,
            "as_of": snapshot.asOf.map { .string($0.description) } ?? .null,
            "commit": snapshot.commit.map(JSONValue.string) ?? .null,
            "today": .string(snapshot.today.description),
            "total_contracts": .int(total),
            "unreadable_contracts": .int(snapshot.unreadable),
            "generation": generationJSON,
            "analysis": analysisJSON,
        ]
    }

    /// One row per figure: `metric`, `provider` (empty for analysis), `value` (empty when none).
    public var table: AnalyticsTable {
        func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "" }
        var rows: [[String]] = [["generations", "", "\(generationCount)"]]
        for g in generations {
            let p = g.provider
            rows.append(["generations", p, "\(g.count)"])
            rows.append(["generation_total_ms", p, "\(g.totalMs)"])
            rows.append(["generation_mean_ms", p, opt(g.meanMs)])
            rows.append(["generation_p50_ms", p, opt(g.p50Ms)])
            rows.append(["generation_p90_ms", p, opt(g.p90Ms)])
            if g.untimed > 0 { rows.append(["generation_untimed", p, "\(g.untimed)"]) }
            rows.append(["generations_with_token_usage", p, "\(g.withTokens)"])
            if g.incompleteTokens > 0 { rows.append(["incomplete_token_usage", p, "\(g.incompleteTokens)"]) }
            rows.append(["prompt_tokens", p, "\(g.promptTokens)"])
            rows.append(["completion_tokens", p, "\(g.completionTokens)"])
            rows.append(["total_tokens", p, "\(g.totalTokens)"])
            if g.saturated { rows.append(["saturated", p, "true"]) }
        }
        rows.append(["analysed_contracts", "", "\(analysis.analysed)"])
        rows.append(["analyses_timed", "", "\(analysis.times.count)"])
        rows.append(["analysis_mean_ms", "", opt(analysis.meanMs)])
        rows.append(["analysis_p50_ms", "", opt(analysis.p50Ms)])
        rows.append(["analysis_p90_ms", "", opt(analysis.p90Ms)])
        rows.append(["analysis_max_ms", "", opt(analysis.maxMs)])
        if snapshot.unreadable > 0 { rows.append(["unreadable_contracts", "", "\(snapshot.unreadable)"]) }
        return AnalyticsTable(columns: ["metric", "provider", "value"], rows: rows)
    }
}
