public import PactoriaCore

/// A contract template: YAML front matter describing it and a Markdown body with
/// `{{placeholder}}` slots. Parse one with `Template.parse(bytes:path:)` or load a directory
/// with `TemplateCatalog`.
public struct Template: Sendable, Equatable, Identifiable {
    /// Stable identifier, such as `template-service-001`.
    public var id: String
    /// Semantic version (`MAJOR.MINOR.PATCH`).
    public var version: String
    /// SPDX licence identifier of the template text.
    public var licence: String
    /// Human name ("Professional Services Agreement").
    public var name: String
    /// Catalogue category ("service agreements", "employment", "supplier", "NDAs", …).
    public var category: String
    /// The contract type a contract made from this template has.
    public var contractType: ContractType
    public var description: String
    /// Keywords and phrases describing who the template suits (used by recommendation).
    public var suitableFor: [String]
    /// Statutes and protections the template carries, in words.
    public var complianceFeatures: [String]
    /// Declared variables, in front-matter order.
    public var variables: [TemplateVariable]
    /// The Markdown after the front matter.
    public var body: String
    /// The path the template was read from (as given to the loader).
    public var sourcePath: String
    /// Lower-case hex SHA-256 of the file's bytes, exactly as read.
    public var sha256: String
    /// 1-based line of the file on which `body` starts.
    public var bodyStartLine: Int
    /// Where the template came from.
    public var origin: TemplateOrigin

    public init(
        id: String, version: String, licence: String, name: String, category: String,
        contractType: ContractType, description: String, suitableFor: [String], complianceFeatures: [String],
        variables: [TemplateVariable], body: String, sourcePath: String, sha256: String, bodyStartLine: Int = 1,
        origin: TemplateOrigin = .builtIn
    ) {
        self.id = id
        self.version = version
        self.licence = licence
        self.name = name
        self.category = category
        self.contractType = contractType
        self.description = description
        self.suitableFor = suitableFor
        self.complianceFeatures = complianceFeatures
        self.variables = variables
        self.body = body
        self.sourcePath = sourcePath
        self.sha256 = sha256
        self.bodyStartLine = bodyStartLine
        self.origin = origin
    }

    /// The declared variable called `name`.
    public func variable(named name: String) -> TemplateVariable? {
        variables.first { $0.name == name }
    }

    /// Placeholder names used in the body, each once, in order of first use.
    public var placeholders: [String] {
        var seen = Set<String>()
        return PlaceholderScanner.scan(body).compactMap { occurrence in
            guard let name = occurrence.name, seen.insert(name).inserted else { return nil }
            return name
        }
    }
}

/// Where a template was loaded from.
public enum TemplateOrigin: String, Sendable, Hashable, Codable {
    /// The built-in `templates/` directory.
    case builtIn = "built-in"
    /// A workspace's `.pactoria/templates/` directory (overrides built-ins by id).
    case workspace
}
