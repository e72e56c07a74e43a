public import PactoriaCore

/// Builds placeholder values (`[String: String]`, keyed by placeholder name) from a contract's
/// metadata: the built-ins listed in `BuiltInPlaceholders`. Empty fields are left out, so the
/// renderer falls back to the template's default or a `[TO COMPLETE: …]` marker.
public enum PlaceholderValues {
    /// The built-in values of `contract`, then `extra` on top (non-empty values only).
    ///
    /// Dates are written the UK way ("1 February 2026"), amounts grouped ("15,000.00"), the
    /// contract type by its display name. `requirements` is `plain_english_input` as written.
    public static func from(contract: Contract, extra: [String: String] = [:]) -> [String: String] {
        var values: [String: String] = [:]
        func set(_ name: String, _ value: String?) {
            guard let value = value?.trimmingSpaces(), !value.isEmpty else { return }
            values[name] = value
        }
        set("title", contract.title)
        set("contract_id", contract.id)
        set("contract_type", contract.type?.displayName ?? contract.contractType)
        set("requirements", contract.plainEnglishInput)
        for (role, party) in [("client", contract.client), ("supplier", contract.supplier)] {
            guard let party else { continue }
            set("\(role).name", party.name)
            set("\(role).email", party.email)
            set("\(role).company", party.company)
            set("\(role).company_number", party.companyNumber)
            set("\(role).role", party.role)
        }
        if let value = contract.value {
            set("contract_value", value.decimal?.grouped ?? value.amount)
            set("currency", value.currency)
            set("contract_value_formatted", value.formatted)
        }
        set("start_date", contract.start.map(UKDate.long) ?? contract.startDate)
        set("end_date", contract.end.map(UKDate.long) ?? contract.endDate)
        for (name, value) in extra { set(name, value) }
        return values
    }
}

/// Dates as written in UK contracts.
public enum UKDate {
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// "1 February 2026".
    public static func long(_ date: CalendarDate) -> String {
        "\(date.day) \(monthNames[date.month - 1]) \(date.year)"
    }
}

extension CalendarDate {
    /// The same day `months` later, clamped to the month's last day (31 January + 1 month =
    /// 28 or 29 February).
    func adding(months: Int) -> CalendarDate {
        let total = (year * 12 + (month - 1)) + months
        let newYear = total / 12
        let newMonth = total % 12 + 1
        var newDay = day
        while CalendarDate(year: newYear, month: newMonth, day: newDay) == nil, newDay > 28 { newDay -= 1 }
        return CalendarDate(year: newYear, month: newMonth, day: newDay) ?? self
    }
}
