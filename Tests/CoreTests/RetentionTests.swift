import PactoriaCore
import Testing

/// Issue #16, retention: which contracts a legal obligation still keeps, and until when.
@Suite("Data protection: retention obligations")
struct RetentionTests {
    static func contract(
        status: String, type: String = "service_agreement", end: String? = nil, stamps: [String: String] = [:],
        updated: String? = nil
    ) -> Contract {
        var c = Contract(id: "c1", title: "T", contractType: type, status: status, version: 1)
        c.endDate = end
        c.updatedAt = updated
        if !stamps.isEmpty {
            c.lifecycle = LifecycleRecord(events: stamps.mapValues { LifecycleStamp(by: "A <a@b.co>", at: $0) })
        }
        return c
    }

    static let today = CalendarDate("2026-12-02")!
    let policy = RetentionPolicy()

    @Test func draftsAndPendingReviewNeverTookEffect() {
        #expect(policy.obligation(for: Self.contract(status: "draft"), today: Self.today) == nil)
        #expect(
            policy.obligation(for: Self.contract(status: "pending_review", end: "2030-01-01"), today: Self.today) == nil
        )
    }

    @Test func anActiveContractIsKeptUntilSevenYearsAfterItsEnd() throws {
        let o = try #require(
            policy.obligation(for: Self.contract(status: "active", end: "2028-02-29"), today: Self.today))
        #expect(o.until == CalendarDate("2035-02-28"))
        #expect(o.description.contains("active until 2028-02-29"))
        #expect(o.description.contains("ends on 2035-02-28"))
        let open = try #require(policy.obligation(for: Self.contract(status: "active"), today: Self.today))
        #expect(open.until == nil)
    }

    @Test func anEndedContractIsKeptFromTheEarlierOfItsEndAndItsStamp() throws {
        let terminated = Self.contract(
            status: "terminated", end: "2030-01-01", stamps: ["terminated": "2020-06-30T10:00:00Z"])
        let o = try #require(policy.obligation(for: terminated, today: Self.today))
        #expect(o.until == CalendarDate("2027-06-30"))
        #expect(policy.obligation(for: terminated, today: CalendarDate("2027-06-30")!) == nil)
        #expect(policy.obligation(for: Self.contract(status: "expired", end: "2015-03-31"), today: Self.today) == nil)
        let noDates = try #require(policy.obligation(for: Self.contract(status: "completed"), today: Self.today))
        #expect(noDates.until == nil)
        let updated = Self.contract(status: "completed", updated: "2010-01-01T00:00:00Z")
        #expect(policy.obligation(for: updated, today: Self.today) == nil)
    }

    @Test func perTypePeriodsAndUnknownStatuses() throws {
        let p = RetentionPolicy(contractYearsByType: ["employment": 6])
        let employment = Self.contract(status: "expired", type: "employment", end: "2020-12-01")
        #expect(p.obligation(for: employment, today: Self.today) == nil)
        #expect(policy.obligation(for: employment, today: Self.today)?.until == CalendarDate("2027-12-01"))
        let hostile = try #require(policy.obligation(for: Self.contract(status: "erased\n"), today: Self.today))
        #expect(hostile.until == nil)
        // 2^63 years cannot overflow the date.
        let huge = RetentionPolicy(contractYears: Int.max)
        #expect(
            huge.obligation(for: Self.contract(status: "active", end: "2030-01-01"), today: Self.today)?.until?.year
                == 9999)
    }
}
