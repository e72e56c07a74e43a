/// A decimal number kept exactly as written ("15000.00"): never a floating-point value.
///
/// Amounts are compared and formatted from their digits, so "0.10" is ten pence, always.
public struct DecimalAmount: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    public let isNegative: Bool
    /// Digits before the point, without leading zeros ("0" for zero).
    public let integerDigits: String
    /// Digits after the point, as written.
    public let fractionDigits: String

    /// Parses `-?[0-9]+(\.[0-9]+)?`; nil for anything else (exponents, commas, spaces).
    public init?(_ text: String) {
        var chars = Substring(text)
        var negative = false
        if chars.first == "-" {
            negative = true
            chars.removeFirst()
        } else if chars.first == "+" {
            chars.removeFirst()
        }
        let parts = chars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let intPart = parts.first, !intPart.isEmpty, intPart.allSatisfy(\.isASCIIDigit) else { return nil }
        var frac = Substring("")
        if parts.count == 2 {
            frac = parts[1]
            guard !frac.isEmpty, frac.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        let trimmed = intPart.drop(while: { $0 == "0" })
        self.text = text
        self.integerDigits = trimmed.isEmpty ? "0" : String(trimmed)
        self.fractionDigits = String(frac)
        let isZero = self.integerDigits == "0" && frac.allSatisfy { $0 == "0" }
        self.isNegative = negative && !isZero
    }

    /// Makes an amount from pence (or cents): 1500000 → "15000.00".
    public init(minorUnits: Int64) {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        let whole = magnitude / 100
        let cents = magnitude % 100
        let text = (negative ? "-" : "") + "\(whole)." + (cents < 10 ? "0\(cents)" : "\(cents)")
        self.init(text)!
    }

    public var scale: Int { fractionDigits.count }

    /// The value in hundredths, when it has at most two decimals and fits.
    public var minorUnits: Int64? {
        guard scale <= 2, integerDigits.count <= 15 else { return nil }
        let frac = fractionDigits.zeroPadded(to: 2)
        guard let whole = Int64(integerDigits), let cents = Int64(frac) else { return nil }
        let v = whole * 100 + cents
        return isNegative ? -v : v
    }

    /// Canonical text with exactly two decimals when the scale allows ("15000" → "15000.00").
    public var normalized: String {
        guard let m = minorUnits else { return text }
        return DecimalAmount(minorUnits: m).text
    }

    /// Grouped for people: "15,000.00".
    public var grouped: String {
        var groups: [Substring] = []
        var digits = Substring(integerDigits)
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits = digits.dropLast(3)
        }
        groups.insert(digits, at: 0)
        let frac = scale <= 2 ? fractionDigits.zeroPadded(to: 2) : fractionDigits
        return (isNegative ? "-" : "") + groups.joined(separator: ",") + "." + frac
    }

    public var description: String { text }

    public static func < (a: DecimalAmount, b: DecimalAmount) -> Bool {
        if a.isNegative != b.isNegative { return a.isNegative }
        let magnitudeLess = DecimalAmount.magnitudeLess(a, b)
        let equal = !magnitudeLess && !DecimalAmount.magnitudeLess(b, a)
        if equal { return false }
        return a.isNegative ? !magnitudeLess : magnitudeLess
    }

    public static func == (a: DecimalAmount, b: DecimalAmount) -> Bool {
        a.isNegative == b.isNegative && !magnitudeLess(a, b) && !magnitudeLess(b, a)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isNegative)
        hasher.combine(integerDigits)
        hasher.combine(String(fractionDigits.reversed().drop(while: { $0 == "0" }).reversed()))
    }

    private static func magnitudeLess(_ a: DecimalAmount, _ b: DecimalAmount) -> Bool {
        if a.integerDigits.count != b.integerDigits.count { return a.integerDigits.count < b.integerDigits.count }
        if a.integerDigits != b.integerDigits { return a.integerDigits < b.integerDigits }
        let n = max(a.fractionDigits.count, b.fractionDigits.count)
        return a.fractionDigits.zeroPadded(to: n)
            < b.fractionDigits.zeroPadded(to: n)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// Right-pads with "0" to `n` characters.
    func zeroPadded(to n: Int) -> String {
        count >= n ? self : self + String(repeating: "0", count: n - count)
    }
}
