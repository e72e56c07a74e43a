import PactoriaCore

/// What analytics, the review queue and the calendar read from a contract's metadata beyond the
/// listing fields: lifecycle times, the `compliance:` and `generation:` records and the
/// `renewal:` terms. Held in each `ContractSummary` (and so in the summaries cache and the live
/// index), read once when the file is parsed.
///
/// Every field is what the file says, or nil when it is absent or not of its type: a hostile or
/// hand-edited record makes a figure missing, never a wrong one (a score outside 0…1, a risk
/// outside 1…10, a count that does not fit an `Int` are all nil).
public struct ContractFacts: Sendable, Equatable {
    public var createdAt: String?
    /// `lifecycle.submitted.at`, `lifecycle.activated.at`.
    public var submittedAt: String?
    public var activatedAt: String?
    public var compliance: Compliance?
    public var generation: Generation?
    public var renewal: RenewalTerms?

    public init(
        createdAt: String? = nil, submittedAt: String? = nil, activatedAt: String? = nil,
        compliance: Compliance? = nil, generation: Generation? = nil, renewal: RenewalTerms? = nil
    ) {
        self.createdAt = createdAt
        self.submittedAt = submittedAt
        self.activatedAt = activatedAt
        self.compliance = compliance
        self.generation = generation
        self.renewal = renewal
    }

    /// The `compliance:` record `analyze` wrote.
    public struct Compliance: Sendable, Equatable {
        /// `overall_score`, 0…1.
        public var overall: Double?
        /// `scores`: area → score (0…1), areas named `[a-z_]+` only, in the file's order.
        public var scores: [(area: String, score: Double)]
        /// `risk_score`, 1…10.
        public var risk: Int?
        /// `content_sha256`: the Markdown that was analysed.
        public var contentSHA256: String?
        public var analyzedAt: String?
        /// How many `recommendations` it lists.
        public var recommendations: Int
        /// `processing_time_ms`, when the analyser recorded it.
        public var processingMs: Int?

        public init(
            overall: Double? = nil, scores: [(area: String, score: Double)] = [], risk: Int? = nil,
            contentSHA256: String? = nil, analyzedAt: String? = nil, recommendations: Int = 0, processingMs: Int? = nil
        ) {
            self.overall = overall
            self.scores = scores
            self.risk = risk
            self.contentSHA256 = contentSHA256
            self.analyzedAt = analyzedAt
            self.recommendations = recommendations
            self.processingMs = processingMs
        }

        public static func == (a: Self, b: Self) -> Bool {
            a.overall == b.overall && a.scores.elementsEqual(b.scores, by: { $0 == $1 }) && a.risk == b.risk
                && a.contentSHA256 == b.contentSHA256 && a.analyzedAt == b.analyzedAt
                && a.recommendations == b.recommendations && a.processingMs == b.processingMs
        }

        public func score(_ area: String) -> Double? {
            area == "overall"
                ? (overall ?? scores.first(where: { $0.area == area })?.score)
                : scores.first(where: { $0.area == area })?.score
        }
    }

    /// The `generation:` record `generate` wrote.
    public struct Generation: Sendable, Equatable {
        /// `local` or `ai`.
        public var provider: String?
        public var model: String?
        public var processingMs: Int?
        public var promptTokens: Int?
        public var completionTokens: Int?
        public var totalTokens: Int?
        public var createdAt: String?

        public init(
            provider: String? = nil, model: String? = nil, processingMs: Int? = nil, promptTokens: Int? = nil,
            completionTokens: Int? = nil, totalTokens: Int? = nil, createdAt: String? = nil
        ) {
            self.provider = provider
            self.model = model
            self.processingMs = processingMs
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.totalTokens = totalTokens
            self.createdAt = createdAt
        }
    }

    /// The `renewal:` section as written (see docs/FORMAT.md); `Renewal` gives its dates.
    public struct RenewalTerms: Sendable, Equatable {
        public var autoRenew: Bool?
        /// For example `12 months`, `1 year`, `30 days`.
        public var renewalTerm: String?
        /// For example `3 months`, `30 days`, `2 weeks`.
        public var noticePeriod: String?

        public init(autoRenew: Bool? = nil, renewalTerm: String? = nil, noticePeriod: String? = nil) {
            self.autoRenew = autoRenew
            self.renewalTerm = renewalTerm
            self.noticePeriod = noticePeriod
        }
    }
}

extension ContractFacts {
    /// The facts of a contract's metadata tree.
    init(_ root: YAMLNode) {
        createdAt = root["created_at"]?.string
        let lifecycle = root["lifecycle"]
        submittedAt = lifecycle?["submitted"]?["at"]?.string
        activatedAt = lifecycle?["activated"]?["at"]?.string
        if let c = root["compliance"], c.entries != nil {
            var scores: [(area: String, score: Double)] = []
            for e in c["scores"]?.entries ?? [] where Self.isArea(e.key) {
                if let s = e.value.string.flatMap(Self.score) { scores.append((e.key, s)) }
            }
            var recommendations = 0
            if case .sequence(let items) = c["recommendations"] { recommendations = items.count }
            compliance = Compliance(
                overall: c["overall_score"]?.string.flatMap(Self.score), scores: scores,
                risk: c["risk_score"]?.string.flatMap { Int($0) }.flatMap { (1...10).contains($0) ? $0 : nil },
                contentSHA256: c["content_sha256"]?.string, analyzedAt: c["analyzed_at"]?.string,
                recommendations: recommendations, processingMs: Self.count(c["processing_time_ms"]))
        }
        if let g = root["generation"], g.entries != nil {
            let usage = g["token_usage"]
            generation = Generation(
                provider: g["provider"]?.string, model: g["model"]?.string,
                processingMs: Self.count(g["processing_time_ms"]),
                promptTokens: Self.count(usage?["prompt"]), completionTokens: Self.count(usage?["completion"]),
                totalTokens: Self.count(usage?["total"]), createdAt: g["created_at"]?.string)
        }
        if let r = root["renewal"], r.entries != nil {
            // As the renewal rules read it: a plain `true` or `false`, never a quoted string.
            let auto: Bool? =
                switch r["auto_renew"] {
                case .scalar("true", .typed): true
                case .scalar("false", .typed): false
                default: nil
                }
            renewal = RenewalTerms(
                autoRenew: auto, renewalTerm: r["renewal_term"]?.string, noticePeriod: r["notice_period"]?.string)
        }
    }

    static func isArea(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 64 && s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
    }

    /// A score: a finite decimal in 0…1.
    static func score(_ s: String) -> Double? {
        guard s.utf8.count <= 32, let d = Double(s), d.isFinite, d >= 0, d <= 1 else { return nil }
        return d
    }

    /// A non-negative integer that fits an `Int`.
    static func count(_ node: YAMLNode?) -> Int? {
        guard let s = node?.string, let n = Int(s), n >= 0 else { return nil }
        return n
    }

    // MARK: cache encoding (after the summary's own fields; "\0" is nil)

    static let fieldCount = 22

    var fields: [String] {
        let c = compliance
        let g = generation
        func opt(_ s: String?) -> String { s ?? "\u{0}" }
        func num<N: LosslessStringConvertible>(_ n: N?) -> String { n.map { String($0) } ?? "\u{0}" }
        return [
            opt(createdAt), opt(submittedAt), opt(activatedAt),
            c == nil ? "0" : "1", num(c?.overall),
            c.map { $0.scores.map { "\($0.area)=\($0.score)" }.joined(separator: ";") } ?? "",
            num(c?.risk), opt(c?.contentSHA256), opt(c?.analyzedAt), num(c?.recommendations), num(c?.processingMs),
            g == nil ? "0" : "1", opt(g?.provider), opt(g?.model), num(g?.processingMs), num(g?.promptTokens),
            num(g?.completionTokens), num(g?.totalTokens), opt(g?.createdAt),
            renewal == nil ? "\u{0}" : renewal?.autoRenew.map { $0 ? "true" : "false" } ?? "",
            opt(renewal?.renewalTerm), opt(renewal?.noticePeriod),
        ]
    }

    init?(fields slice: ArraySlice<String>) {
        guard slice.count == Self.fieldCount else { return nil }
        let o = slice.startIndex
        let f = { (i: Int) in slice[o + i] }
        func opt(_ s: String) -> String? { s == "\u{0}" ? nil : s }
        createdAt = opt(f(0))
        submittedAt = opt(f(1))
        activatedAt = opt(f(2))
        if f(3) == "1" {
            var scores: [(area: String, score: Double)] = []
            for pair in f(5).split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, let d = Double(kv[1]) else { return nil }
                scores.append((String(kv[0]), d))
            }
            compliance = Compliance(
                overall: opt(f(4)).flatMap(Double.init), scores: scores, risk: opt(f(6)).flatMap { Int($0) },
                contentSHA256: opt(f(7)), analyzedAt: opt(f(8)), recommendations: Int(f(9)) ?? 0,
                processingMs: opt(f(10)).flatMap { Int($0) })
        }
        if f(11) == "1" {
            generation = Generation(
                provider: opt(f(12)), model: opt(f(13)), processingMs: opt(f(14)).flatMap { Int($0) },
                promptTokens: opt(f(15)).flatMap { Int($0) }, completionTokens: opt(f(16)).flatMap { Int($0) },
                totalTokens: opt(f(17)).flatMap { Int($0) }, createdAt: opt(f(18)))
        }
        if f(19) != "\u{0}" {
            renewal = RenewalTerms(
                autoRenew: f(19) == "true" ? true : f(19) == "false" ? false : nil, renewalTerm: opt(f(20)),
                noticePeriod: opt(f(21)))
        }
    }
}
