import Foundation

/// The templates available to a workspace: the built-in directory (`templates/`) plus an
/// optional workspace directory (`.pactoria/templates/`) whose templates replace built-in
/// ones with the same id and add new ones.
///
/// Only `*.md` files directly inside each directory are read, in file-name order.
public struct TemplateCatalog: Sendable {
    /// All templates, sorted by id.
    public let templates: [Template]
    private let byID: [String: Int]

    /// A catalogue of already parsed templates; later ones replace earlier ones with the same id.
    public init(templates: [Template]) {
        var merged: [String: Template] = [:]
        for template in templates { merged[template.id] = template }
        self.templates = merged.values.sorted { $0.id < $1.id }
        var index: [String: Int] = [:]
        for (offset, template) in self.templates.enumerated() { index[template.id] = offset }
        byID = index
    }

    /// Loads `directory` and, when given and present, `overrideDirectory` (a missing override
    /// directory means no overrides). Throws the first problem found (see `scan`).
    public static func load(directory: String, overrideDirectory: String? = nil) throws(TemplateError)
        -> TemplateCatalog
    {
        let builtIn = try loadDirectory(directory, origin: .builtIn, mustExist: true)
        var overrides: [Template] = []
        if let overrideDirectory {
            overrides = try loadDirectory(overrideDirectory, origin: .workspace, mustExist: false)
        }
        return TemplateCatalog(templates: builtIn + overrides)
    }

    /// Every template in `directory` that parses, and every error, without stopping at the
    /// first one (for a "check templates" report).
    public static func scan(directory: String, origin: TemplateOrigin = .builtIn) -> (
        templates: [Template], errors: [TemplateError]
    ) {
        let files: [String]
        do throws(TemplateError) {
            files = try markdownFiles(in: directory, mustExist: true)
        } catch {
            return ([], [error])
        }
        var templates: [Template] = []
        var errors: [TemplateError] = []
        var paths: [String: String] = [:]
        for path in files {
            do throws(TemplateError) {
                let template = try readTemplate(path, origin: origin)
                if let other = paths[template.id] {
                    errors.append(.duplicateID(id: template.id, path: path, otherPath: other))
                } else {
                    paths[template.id] = path
                    templates.append(template)
                }
            } catch {
                errors.append(error)
            }
        }
        return (templates, errors)
    }

    /// The template with `id`.
    public func template(id: String) -> Template? {
        byID[id].map { templates[$0] }
    }

    /// The template with `id`, or `TemplateError.notFound`.
    public func require(id: String) throws(TemplateError) -> Template {
        guard let template = template(id: id) else { throw .notFound(id: id) }
        return template
    }

    /// Templates whose category matches `category`, ignoring case and punctuation
    /// ("service-agreements" matches "service agreements", "ndas" matches "NDAs").
    public func templates(inCategory category: String) -> [Template] {
        let wanted = Self.categoryKey(category)
        return templates.filter { Self.categoryKey($0.category) == wanted }
    }

    /// Distinct categories, sorted.
    public var categories: [String] {
        Array(Set(templates.map(\.category))).sorted { $0.lowercased() < $1.lowercased() }
    }

    static func categoryKey(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: " ")
    }

    // MARK: - Files

    static func loadDirectory(_ directory: String, origin: TemplateOrigin, mustExist: Bool) throws(TemplateError)
        -> [Template]
    {
        var templates: [Template] = []
        var paths: [String: String] = [:]
        for path in try markdownFiles(in: directory, mustExist: mustExist) {
            let template = try readTemplate(path, origin: origin)
            if let other = paths[template.id] {
                throw .duplicateID(id: template.id, path: path, otherPath: other)
            }
            paths[template.id] = path
            templates.append(template)
        }
        return templates
    }

    static func markdownFiles(in directory: String, mustExist: Bool) throws(TemplateError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            if mustExist { throw .unreadable(path: directory, reason: "no such directory") }
            return []
        }
        guard isDirectory.boolValue else { throw .unreadable(path: directory, reason: "not a directory") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadable(path: directory, reason: error.localizedDescription.firstLine)
        }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted().map { base + $0 }
    }

    static func readTemplate(_ path: String, origin: TemplateOrigin) throws(TemplateError) -> Template {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "cannot read file")
        }
        return try Template.parse(bytes: [UInt8](data), path: path, origin: origin)
    }
}
