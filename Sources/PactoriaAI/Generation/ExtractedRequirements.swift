public import PactoriaCore

/// A length of time written in a brief ("three months", "a 12-month contract").
public struct ContractDuration: Sendable, Hashable {
    public enum Unit: String, Sendable, Hashable, Codable {
        case day, week, month, year
    }

    public var count: Int
    public var unit: Unit
    /// The words as written ("three months").
    public var text: String

    public init(count: Int, unit: Unit, text: String) {
        self.count = count
        self.unit = unit
        self.text = text
    }

    /// "3 months", "1 year".
    public var normalized: String { "\(count) \(unit.rawValue)\(count == 1 ? "" : "s")" }

    /// "three months", "one year", "18 months" (numbers up to twelve in words).
    public var spelled: String {
        let words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
        let number = (1...12).contains(count) ? words[count - 1] : "\(count)"
        return "\(number) \(unit.rawValue)\(count == 1 ? "" : "s")"
    }

    /// The length in whole months, when it is given in months or years.
    public var months: Int? {
        switch unit {
        case .month: count
        case .year: count * 12
        case .day, .week: nil
        }
    }

    /// The last day of a period of this length starting on `start` (a three-month term from
    /// 1 February ends on 30 April).
    public func endDate(from start: CalendarDate) -> CalendarDate {
        switch unit {
        case .day: start.adding(days: count - 1)
        case .week: start.adding(days: count * 7 - 1)
        case .month: start.adding(months: count).adding(days: -1)
        case .year: start.adding(months: count * 12).adding(days: -1)
        }
    }
}

/// How often an amount is paid.
public enum BillingPeriod: String, Sendable, Hashable, Codable {
    case hour, day, week, month, year

    /// "a month".
    public var phrase: String { "a\(self == .hour ? "n" : "") \(rawValue)" }
}

/// An amount of money in a brief ("£5,000 a month").
public struct MoneyMention: Sendable, Hashable {
    public var amount: DecimalAmount
    public var currency: Currency
    public var period: BillingPeriod?
    /// The words as written.
    public var text: String

    public init(amount: DecimalAmount, currency: Currency, period: BillingPeriod?, text: String) {
        self.amount = amount
        self.currency = currency
        self.period = period
        self.text = text
    }

    /// "£5,000.00 a month".
    public var formatted: String {
        currency.symbol + amount.grouped + (period.map { " " + $0.phrase } ?? "")
    }
}

/// What the local generator understood from `plain_english_input`.
public struct ExtractedRequirements: Sendable, Hashable {
    /// The contract's length, if the brief states one.
    public var duration: ContractDuration?
    /// Amounts of money, in order.
    public var amounts: [MoneyMention]
    /// A notice period ("30 days' notice").
    public var noticePeriod: ContractDuration?
    /// Days allowed for payment ("paid within 14 days", "net 30").
    public var paymentTermsDays: Int?
    /// Sentences describing the work, cleaned up, one requirement each.
    public var scopeItems: [String]
    /// Probation, hours, job title, place of work, dates, deliverables, milestones, payment stages.
    public var facts: BriefFacts

    public init(
        duration: ContractDuration? = nil, amounts: [MoneyMention] = [], noticePeriod: ContractDuration? = nil,
        paymentTermsDays: Int? = nil, scopeItems: [String] = [], facts: BriefFacts = BriefFacts()
    ) {
        self.facts = facts
        self.duration = duration
        self.amounts = amounts
        self.noticePeriod = noticePeriod
        self.paymentTermsDays = paymentTermsDays
        self.scopeItems = scopeItems
    }

    public var isEmpty: Bool {
        duration == nil && amounts.isEmpty && noticePeriod == nil && paymentTermsDays == nil && scopeItems.isEmpty
            && facts.isEmpty
    }
}
