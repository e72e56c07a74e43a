import PactoriaCore

/// Exact sums of money, one per currency: amounts in minor units (pence, cents) added as 128-bit
/// integers, so ten thousand of the largest amounts a file can hold never overflow, and never a
/// floating-point sum, nor one across currencies.
public struct MoneyTotals: Sendable, Equatable {
    public struct Total: Sendable, Equatable {
        public var minorUnits: Int128 = 0
        public var count = 0

        /// The sum as a decimal string with two decimals ("15000.00").
        public var amount: String { MoneyTotals.decimal(minorUnits) }
        /// The mean, rounded half away from zero to the penny; "0.00" when nothing was added.
        public var average: String {
            guard count > 0 else { return "0.00" }
            let n = Int128(count)
            let q = minorUnits / n
            let r = minorUnits % n
            let rounded = (r.magnitude * 2 >= n.magnitude) ? q + (minorUnits < 0 ? -1 : 1) : q
            return MoneyTotals.decimal(rounded)
        }
    }

    /// Totals by currency code.
    public private(set) var totals: [String: Total] = [:]
    /// Values left out because their amount is not a decimal with at most two places, or their
    /// currency is not a known one.
    public private(set) var unparsed = 0

    public init() {}

    public mutating func add(amount: String?, currency: String?) {
        guard let amount, let currency else { return }
        guard Currency(rawValue: currency) != nil, let m = DecimalAmount(amount)?.minorUnits else {
            unparsed += 1
            return
        }
        totals[currency, default: Total()].minorUnits += Int128(m)
        totals[currency, default: Total()].count += 1
    }

    public mutating func add(_ s: ContractSummary) { add(amount: s.amount, currency: s.currency) }

    /// The currencies present, in a fixed order (GBP, EUR, USD, then any other).
    public var currencies: [String] {
        Self.currencies(of: [self])
    }

    public subscript(currency: String) -> Total { totals[currency] ?? Total() }

    /// Every currency any of `totals` holds, once each, in the same fixed order.
    public static func currencies(of totals: some Sequence<MoneyTotals>) -> [String] {
        var all = Set<String>()
        for t in totals { all.formUnion(t.totals.keys) }
        return all.sorted { (rank($0), $0) < (rank($1), $1) }
    }

    static func rank(_ c: String) -> Int { ["GBP": 0, "EUR": 1, "USD": 2][c] ?? 3 }

    /// Minor units as "-123.45".
    public static func decimal(_ minor: Int128) -> String {
        let m = minor.magnitude
        let cents = m % 100
        return (minor < 0 ? "-" : "") + "\(m / 100)." + (cents < 10 ? "0\(cents)" : "\(cents)")
    }
}
