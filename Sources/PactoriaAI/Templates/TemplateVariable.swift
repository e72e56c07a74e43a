/// One variable a template declares in its front matter (`variables:`).
public struct TemplateVariable: Sendable, Hashable, Codable {
    /// The placeholder name, such as `client.name` or `notice_period_days`.
    public var name: String
    /// The kind of value expected.
    public var type: TemplateVariableType
    /// Whether the contract is incomplete without a value (a required variable with no value
    /// and no default is rendered as `[TO COMPLETE: …]`, like any other unfilled one).
    public var required: Bool
    /// The value used when the contract gives none.
    public var defaultValue: String?

    public init(name: String, type: TemplateVariableType, required: Bool, defaultValue: String? = nil) {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
    }
}

/// The value kinds a template variable may declare.
public enum TemplateVariableType: String, Sendable, Hashable, Codable, CaseIterable {
    case string, text, email, date, decimal, integer, boolean, url

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
