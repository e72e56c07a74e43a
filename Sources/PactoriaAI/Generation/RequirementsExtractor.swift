import PactoriaCore

/// Pulls durations, amounts, notice and payment periods and scope sentences out of a plain
/// English brief. Deliberately conservative: it recognises common phrasings ("three months",
/// "a 12-month contract", "£5,000 a month", "£450 per day", "30 days' notice", "paid within
/// 14 days", "net 30") and leaves anything else to the scope list.
public enum RequirementsExtractor {
    public static func extract(_ text: String) -> ExtractedRequirements {
        let normalized = text.replacingAll("’", with: "'").replacingAll("\u{00A0}", with: " ")
        var result = ExtractedRequirements()
        // Probation, hours, job title, place, dates, deliverables, milestones, payment stages first.
        let (facts, factRanges) = BriefFactsReader.read(normalized)
        result.facts = facts
        var consumed: [Range<String.Index>] = factRanges

        // Notice periods first, so "30 days' notice" is not read as the term.
        let noticePattern = try! Regex(
            #"(?i)\b(\#(countPattern))[\s-]+(day|week|month)(?:s'|'s|s)?\s+(?:prior\s+)?(?:written\s+)?notice\b"#)
        let noticeOfPattern = try! Regex(
            #"(?i)\bnotice(?:\s+period)?\s+of\s+(\#(countPattern))[\s-]+(day|week|month)s?\b"#)
        for pattern in [noticePattern, noticeOfPattern] {
            if result.noticePeriod == nil, let match = normalized.firstMatch(of: pattern),
                let duration = duration(
                    count: match.output[1].substring, unit: match.output[2].substring,
                    text: normalized[match.range])
            {
                result.noticePeriod = duration
                consumed.append(match.range)
            }
        }

        let paymentPatterns = [
            try! Regex(#"(?i)\b(?:within|net)\s+(\d{1,3})\s+days\b"#),
            try! Regex(#"(?i)\b(?:net|payment terms of)\s+(\d{1,3})\b"#),
            try! Regex(#"(?i)\b(\d{1,3})[\s-]+days?\s+payment\s+terms\b"#),
        ]
        for pattern in paymentPatterns where result.paymentTermsDays == nil {
            if let match = normalized.firstMatch(of: pattern),
                let days = match.output[1].substring.flatMap({ Int($0) }),
                days > 0
            {
                result.paymentTermsDays = days
                consumed.append(match.range)
            }
        }

        let moneyPattern = try! Regex(
            #"(?i)(£|\$|€|\bGBP\s?|\bEUR\s?|\bUSD\s?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(\s?(?:k|m|million|thousand)\b)?"#
        )
        let periodPattern = try! Regex(
            #"(?i)^\s*(?:\(?(?:\+|plus|excluding|ex\.?|exclusive of)\s*VAT\)?\s*)?(?:(?:a|an|per|each|every)\s+(hour|day|week|month|year|annum|calendar month)\b|/\s?(hour|hr|day|week|month|mo|year|yr)\b|(hourly|daily|weekly|monthly|annually|yearly|pa\b|p\.a\.))"#
        )
        for match in normalized.matches(of: moneyPattern) {
            guard let symbol = match.output[1].substring, let digits = match.output[2].substring else { continue }
            let currency: Currency
            switch symbol.trimmingSpaces().uppercased() {
            case "$", "USD": currency = .usd
            case "€", "EUR": currency = .eur
            default: currency = .gbp
            }
            var amountText = digits.filter { $0 != "," }
            if let pence = match.output[3].substring { amountText += "." + pence }
            guard var amount = DecimalAmount(String(amountText)) else { continue }
            if let multiplier = match.output[4].substring?.trimmingSpaces().lowercased(),
                let minor = amount.minorUnits
            {
                let factor: Int64 = multiplier.hasPrefix("m") ? 1_000_000 : 1_000
                amount = DecimalAmount(minorUnits: minor * factor)
            }
            var end = match.range.upperBound
            var period: BillingPeriod?
            if let periodMatch = normalized[end...].firstMatch(of: periodPattern) {
                let word =
                    (periodMatch.output[1].substring ?? periodMatch.output[2].substring
                    ?? periodMatch.output[3].substring).map { $0.lowercased() } ?? ""
                period = billingPeriod(word)
                end = periodMatch.range.upperBound
            }
            let range = match.range.lowerBound..<end
            consumed.append(range)
            result.amounts.append(
                MoneyMention(
                    amount: amount, currency: currency, period: period,
                    text: String(normalized[range]).trimmingSpaces()))
        }

        let durationPattern = try! Regex(#"(?i)\b(\#(countPattern))[\s-]+(day|week|month|year)s?\b"#)
        for match in normalized.matches(of: durationPattern) {
            if consumed.contains(where: { $0.overlaps(match.range) }) { continue }
            guard let countText = match.output[1].substring, let unitText = match.output[2].substring else { continue }
            let before = normalized[..<match.range.lowerBound].suffix(14).lowercased()
            let after = normalized[match.range.upperBound...].prefix(12).lowercased()
            // "within 30 days", "every two weeks", "after 6 months" are not the contract's length.
            if ["within", "after", "every", "each", "per", "net", "than", "first", "last"].contains(where: {
                before.hasSuffix($0 + " ")
            }) {
                continue
            }
            if after.hasPrefix("'") || after.hasPrefix(" notice") || after.hasPrefix(" old") { continue }
            // "a month" needs a lead-in ("for a month"), or it is usually a rate ("twice a month").
            let lower = countText.lowercased()
            if lower == "a" || lower == "an" {
                guard
                    ["for ", "of ", "over ", "lasting ", "term of ", "period of "].contains(where: {
                        before.hasSuffix($0)
                    })
                else { continue }
            }
            if let found = duration(count: countText, unit: unitText, text: normalized[match.range]) {
                result.duration = found
                consumed.append(match.range)
                break
            }
        }

        result.scopeItems = scopeItems(normalized, consumed: consumed)
        return result
    }

    // MARK: - Helpers

    static let numberWords: [String: Int] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
        "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "twenty-four": 24,
        "twenty four": 24, "thirty": 30, "thirty-six": 36, "thirty six": 36, "forty-eight": 48,
        "forty eight": 48, "sixty": 60, "ninety": 90,
    ]

    /// Longest alternatives first so "twenty-four" wins over "twenty".
    static let countPattern: String = {
        let words = numberWords.keys.sorted { $0.count > $1.count }.map { $0.replacingAll(" ", with: #"\s"#) }
        return words.joined(separator: "|") + #"|\d{1,3}"#
    }()

    static func duration(count: Substring?, unit: Substring?, text: Substring) -> ContractDuration? {
        guard let count, let unit else { return nil }
        let key = count.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        guard let number = Int(key) ?? numberWords[key] ?? numberWords[key.replacingAll(" ", with: "-")],
            number > 0, let unitValue = ContractDuration.Unit(rawValue: unit.lowercased())
        else { return nil }
        return ContractDuration(count: number, unit: unitValue, text: String(text).trimmingSpaces())
    }

    static func billingPeriod(_ word: String) -> BillingPeriod? {
        switch word {
        case "hour", "hr", "hourly": .hour
        case "day", "daily": .day
        case "week", "weekly": .week
        case "month", "mo", "monthly", "calendar month": .month
        case "year", "yr", "annum", "annually", "yearly", "pa", "p.a.": .year
        default: nil
        }
    }

    /// Sentences (and bullet lines) of the brief, each made a tidy requirement. Sentences that
    /// say nothing beyond a duration, amount or notice period are left to the term and fees.
    /// Words that carry no scope on their own ("Fees of £5,000 a month, paid within 14 days").
    static let fillerWords: Set<String> = [
        "a", "an", "the", "of", "for", "and", "or", "at", "in", "on", "to", "with", "per", "plus", "by", "is", "are",
        "be", "will", "fee", "fees", "paid", "pay", "payable", "payment", "invoice", "invoiced", "vat", "rate",
        "charge", "charges", "charged", "total", "budget", "cost", "costs", "price", "month", "monthly", "term",
        "contract", "notice", "days", "lasting", "over", "about", "around", "approximately", "each", "every",
    ]

    static func scopeItems(_ text: String, consumed: [Range<String.Index>]) -> [String] {
        var items: [String] = []
        var current = ""
        var index = text.startIndex
        func flush() {
            var item = current.trimmingSpaces()
            current = ""
            while let first = item.first, "-*•".contains(first) { item = String(item.dropFirst()).trimmingSpaces() }
            guard item.count >= 3 else { return }
            item = item.prefix(1).uppercased() + item.dropFirst()
            if let last = item.last, !".!?".contains(last) { item += "." }
            items.append(item)
        }
        var sentenceStart = text.startIndex
        var substantive = 0
        func wordsOutsideConsumed(_ range: Range<String.Index>) -> Int {
            var count = 0
            var inWord = false
            var i = range.lowerBound
            while i < range.upperBound {
                let inside = consumed.contains { $0.contains(i) }
                let isLetter = text[i].isLetter
                if isLetter && !inside && !inWord {
                    var end = i
                    while end < range.upperBound, text[end].isLetter { end = text.index(after: end) }
                    if !fillerWords.contains(text[i..<end].lowercased()) { count += 1 }
                }
                inWord = isLetter && !inside
                i = text.index(after: i)
            }
            return count
        }
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            let atBreak: Bool
            switch character {
            case "\n", ";": atBreak = true
            case ".", "!", "?": atBreak = next == text.endIndex || text[next].isWhitespace
            default: atBreak = false
            }
            if atBreak {
                if character != "\n" && character != ";" { current.append(character) }
                substantive = wordsOutsideConsumed(sentenceStart..<index)
                if substantive >= 3 { flush() } else { current = "" }
                sentenceStart = next
            } else {
                current.append(character)
            }
            index = next
        }
        if wordsOutsideConsumed(sentenceStart..<text.endIndex) >= 3 { flush() }
        return items
    }
}
