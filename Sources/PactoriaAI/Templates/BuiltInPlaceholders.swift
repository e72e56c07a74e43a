/// Placeholders every template may use without declaring them, because their values come
/// from the contract's own metadata (see `PlaceholderValues.from(contract:extra:)`):
///
/// | Placeholder | Filled from |
/// |---|---|
/// | `title` | `title` |
/// | `contract_id` | `id` |
/// | `contract_type` | the contract type's display name ("Service agreement") |
/// | `requirements` | `plain_english_input` (the local generator turns it into a "Specific requirements" list) |
/// | `client.name`, `client.email`, `client.company`, `client.company_number`, `client.role` | the client party |
/// | `supplier.name`, `supplier.email`, `supplier.company`, `supplier.company_number`, `supplier.role` | the supplier party |
/// | `contract_value` | `contract_value.amount`, grouped ("15,000.00") |
/// | `currency` | `contract_value.currency` ("GBP") |
/// | `contract_value_formatted` | amount with its symbol ("£15,000.00") |
/// | `start_date`, `end_date` | the dates written the UK way ("1 February 2026") |
///
/// Anything else a body uses must be declared under `variables`.
public enum BuiltInPlaceholders {
    /// The built-in names, in the order above.
    public static let names: [String] = descriptions.map(\.name)

    /// Whether `name` is a built-in placeholder.
    public static func contains(_ name: String) -> Bool { lookup[name] != nil }

    /// What a built-in stands for, in words ("client's name").
    public static func description(of name: String) -> String? { lookup[name] }

    static let descriptions: [(name: String, text: String)] = [
        ("title", "contract title"),
        ("contract_id", "contract reference"),
        ("contract_type", "type of contract"),
        ("requirements", "description of the services or requirements"),
        ("client.name", "client's name"),
        ("client.email", "client's email address for notices"),
        ("client.company", "client's company name"),
        ("client.company_number", "client's Companies House number"),
        ("client.role", "client's role"),
        ("supplier.name", "supplier's name"),
        ("supplier.email", "supplier's email address for notices"),
        ("supplier.company", "supplier's company name"),
        ("supplier.company_number", "supplier's Companies House number"),
        ("supplier.role", "supplier's role"),
        ("contract_value", "contract value"),
        ("currency", "currency of the contract value"),
        ("contract_value_formatted", "contract value with currency"),
        ("start_date", "start date"),
        ("end_date", "end date"),
    ]

    private static let lookup: [String: String] = Dictionary(
        descriptions.map { ($0.name, $0.text) }, uniquingKeysWith: { first, _ in first })

    /// A human description of any placeholder, for `[TO COMPLETE: …]` markers: the built-in
    /// description, or the name in words ("notice_period_days" → "notice period (days)").
    public static func humanDescription(of name: String) -> String {
        if let known = lookup[name] { return known }
        var words = name.replacingDotsAndUnderscores()
        for (suffix, unit) in [
            (" days", "days"), (" weeks", "weeks"), (" months", "months"), (" years", "years"),
            (" hours", "hours"), (" percent", "%"),
        ] where words.hasSuffix(suffix) {
            words = String(words.dropLast(suffix.count)) + " (\(unit))"
            break
        }
        return words
    }
}

extension String {
    /// "client.company_number" → "client company number".
    func replacingDotsAndUnderscores() -> String {
        String(map { $0 == "_" || $0 == "." ? " " : $0 })
    }
}
