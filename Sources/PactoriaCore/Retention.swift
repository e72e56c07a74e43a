/// How long records must be kept (the `retention:` section of `.pactoria/config.yaml`), and
/// the obligation that stops a contract's personal data from being erased before then.
///
/// The defaults are the seed's: contracts 7 years after their end, audit records 7 years, user
/// data 6 years after the account is closed, AI generation records 2 years. A contract type may
/// have its own period (`retention: {contracts: {employment: 6}}`).
public struct RetentionPolicy: Sendable, Equatable {
    /// Years a contract is kept after its end, unless its type has its own period.
    public var contractYears: Int
    /// Per contract type (`employment`, `nda`, …): years after the end.
    public var contractYearsByType: [String: Int]
    public var auditYears: Int
    public var userDataYears: Int
    public var aiRecordYears: Int

    public init(
        contractYears: Int = 7, contractYearsByType: [String: Int] = [:], auditYears: Int = 7, userDataYears: Int = 6,
        aiRecordYears: Int = 2
    ) {
        self.contractYears = contractYears
        self.contractYearsByType = contractYearsByType
        self.auditYears = auditYears
        self.userDataYears = userDataYears
        self.aiRecordYears = aiRecordYears
    }

    /// The longest period anyone may configure: beyond it a number is a mistake, not a policy.
    public static let maxYears = 100

    /// Years a contract of `type` is kept after its end.
    public func years(forType type: String) -> Int { contractYearsByType[type] ?? contractYears }

    /// Why `contract` must still be kept on `today`, or nil when nothing obliges keeping it.
    ///
    /// - A contract in force (active) is kept while it runs and for the period after its end
    ///   date (open-ended when it has none).
    /// - A contract that ended (completed, expired, terminated) is kept for the period after it
    ///   ended: its end date, or the day it was completed, expired or terminated if that came
    ///   first (a contract with neither is kept from its last update; one with no date at all is
    ///   kept open-ended).
    /// - A draft or one pending review never took effect: nothing obliges keeping it.
    public func obligation(for contract: Contract, today: CalendarDate) -> RetentionObligation? {
        let years = years(forType: contract.contractType)
        let status = contract.statusValue
        switch status {
        case nil:
            return RetentionObligation(
                reason:
                    "the contract's status '\(contract.status)' is not one Pactoria knows, so its retention cannot be worked out",
                until: nil)
        case .draft?, .pendingReview?:
            return nil
        case .active?:
            guard let end = contract.end else {
                return RetentionObligation(reason: "the contract is active and has no end date", until: nil)
            }
            return RetentionObligation(
                reason: "the contract is active until \(end), then kept \(years) years after its end",
                until: end.adding(years: years))
        default:
            let stamp = ["completed", "expired", "terminated"].compactMap { contract.lifecycle?.events[$0]?.at }
                .compactMap { CalendarDate(String($0.prefix(10))) }.min()
            let ended =
                [contract.end, stamp].compactMap { $0 }.min()
                ?? contract.updatedAt.flatMap { CalendarDate(String($0.prefix(10))) }
            guard let ended else {
                return RetentionObligation(
                    reason: "the contract (\(contract.status)) has no end date to count \(years) years from", until: nil
                )
            }
            let until = ended.adding(years: years)
            guard today < until else { return nil }
            return RetentionObligation(
                reason: "contracts are kept \(years) years after their end (this one ended \(ended))", until: until)
        }
    }
}

/// A legal obligation to keep a record: what it is, and the day it ends (nil: open-ended).
public struct RetentionObligation: Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var until: CalendarDate?

    public init(reason: String, until: CalendarDate?) {
        self.reason = reason
        self.until = until
    }

    public var description: String {
        until.map { "\(reason); the obligation ends on \($0)" } ?? "\(reason); the obligation has no end date yet"
    }
}

extension CalendarDate {
    /// The same day `years` years later (29 February becomes 28 February in a common year);
    /// clamped to the years a `CalendarDate` can hold.
    public func adding(years: Int) -> CalendarDate {
        let (sum, overflow) = year.addingReportingOverflow(years)
        let y = overflow ? (years > 0 ? 9999 : 1) : min(max(sum, 1), 9999)
        let d = min(day, CalendarDate.daysIn(month: month, year: y))
        return CalendarDate(year: y, month: month, day: d) ?? self
    }
}
