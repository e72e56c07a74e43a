import PactoriaCore
import PactoriaCrypto
import Yams

extension Template {
    /// Parses and validates a template file's bytes.
    ///
    /// Checks: front matter between `---` lines; every field present and non-empty (`id`,
    /// `version`, `licence`, `name`, `category`, `contract_type`, `description`,
    /// `suitable_for`, `compliance_features`, `variables`); `id` a slug; `version` semver;
    /// `licence` an SPDX-style identifier; `contract_type` a known `ContractType`; each variable
    /// with `name`, a known `type` and a boolean `required` (and optional `default`), names
    /// unique; every `{{placeholder}}` in the body declared or built in
    /// (`BuiltInPlaceholders`). Errors name `path` and the line in the file.
    public static func parse(bytes: [UInt8], path: String, origin: TemplateOrigin = .builtIn) throws(TemplateError)
        -> Template
    {
        let sha = Digest.sha256Hex(bytes)
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.contains("\r\n") { text = text.replacingAll("\r\n", with: "\n") }

        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.trimmingSpaces() == "---",
            let closing = lines.indices.dropFirst().first(where: {
                let line = lines[$0].trimmingSpaces()
                return line == "---" || line == "..."
            })
        else { throw .missingFrontMatter(path: path) }

        let frontMatter = lines[1..<closing].joined(separator: "\n")
        let body = lines[(closing + 1)...].joined(separator: "\n")
        let bodyStartLine = closing + 2
        let fields = try FrontMatter(yaml: frontMatter, path: path, closingLine: closing + 1)

        let id = try fields.string("id")
        guard Validator.isSlug(id.value) else {
            throw .invalidField(
                path: path, line: id.line, field: "id",
                message: "must be lower-case letters, digits and single hyphens, got '\(id.value)'")
        }
        let version = try fields.string("version")
        guard isSemanticVersion(version.value) else {
            throw .invalidField(
                path: path, line: version.line, field: "version",
                message: "must be a semantic version such as 1.0.0, got '\(version.value)'")
        }
        let licence = try fields.string("licence")
        guard isSPDXExpression(licence.value) else {
            throw .invalidField(
                path: path, line: licence.line, field: "licence",
                message: "must be an SPDX licence identifier such as CC-BY-4.0, got '\(licence.value)'")
        }
        let name = try fields.string("name")
        let category = try fields.string("category")
        let typeField = try fields.string("contract_type")
        guard let contractType = ContractType(rawValue: typeField.value) else {
            throw .invalidField(
                path: path, line: typeField.line, field: "contract_type",
                message: "must be one of \(ContractType.allNames), got '\(typeField.value)'")
        }
        let description = try fields.string("description")
        let suitableFor = try fields.stringList("suitable_for")
        let complianceFeatures = try fields.stringList("compliance_features")
        let variables = try fields.variables()

        let template = Template(
            id: id.value, version: version.value, licence: licence.value, name: name.value,
            category: category.value, contractType: contractType, description: description.value,
            suitableFor: suitableFor, complianceFeatures: complianceFeatures, variables: variables, body: body,
            sourcePath: path, sha256: sha, bodyStartLine: bodyStartLine, origin: origin)
        try template.validatePlaceholders()
        return template
    }

    /// Parses a template from text (its SHA-256 is that of the UTF-8 bytes).
    public static func parse(text: String, path: String, origin: TemplateOrigin = .builtIn) throws(TemplateError)
        -> Template
    {
        try parse(bytes: Array(text.utf8), path: path, origin: origin)
    }

    /// Throws for the first malformed, or undeclared and not built-in, placeholder in the body.
    func validatePlaceholders() throws(TemplateError) {
        let declared = Set(variables.map(\.name))
        for occurrence in PlaceholderScanner.scan(body) {
            let line = bodyStartLine + occurrence.lineOffset
            guard let name = occurrence.name else {
                throw .malformedPlaceholder(path: sourcePath, line: line, text: occurrence.text)
            }
            if !declared.contains(name) && !BuiltInPlaceholders.contains(name) {
                throw .unknownPlaceholder(path: sourcePath, line: line, name: name)
            }
        }
    }

    /// `MAJOR.MINOR.PATCH` with optional `-prerelease` and `+build` (semver 2.0.0).
    static func isSemanticVersion(_ text: String) -> Bool {
        var core = Substring(text)
        if let plus = core.firstIndex(of: "+") {
            let build = core[core.index(after: plus)...]
            guard isDottedIdentifiers(build) else { return false }
            core = core[..<plus]
        }
        if let dash = core.firstIndex(of: "-") {
            let pre = core[core.index(after: dash)...]
            guard isDottedIdentifiers(pre) else { return false }
            core = core[..<dash]
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3
            && parts.allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } && (part == "0" || part.first != "0")
            }
    }

    private static func isDottedIdentifiers(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty
            && parts.allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }
    }

    /// An SPDX identifier (`CC-BY-4.0`, `MIT`, `LicenseRef-Acme`) or a simple expression of
    /// them joined by `AND`, `OR` or `WITH`.
    static func isSPDXExpression(_ text: String) -> Bool {
        let words = text.split(separator: " ")
        guard !words.isEmpty else { return false }
        for (index, word) in words.enumerated() {
            if index % 2 == 1 {
                guard ["AND", "OR", "WITH"].contains(word) else { return false }
            } else {
                guard word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.+".contains($0)) }),
                    word.first?.isLetter == true
                else { return false }
            }
        }
        return words.count % 2 == 1
    }
}

/// The parsed front-matter mapping, with the file line of every key.
private struct FrontMatter {
    let path: String
    /// Line reported for a missing field: the closing `---`.
    let closingLine: Int
    var entries: [String: (node: Node, line: Int)] = [:]

    /// Front matter starts on line 2 of the file, so a YAML line `n` is file line `n + 1`.
    static let lineOffset = 1

    init(yaml: String, path: String, closingLine: Int) throws(TemplateError) {
        self.path = path
        self.closingLine = closingLine
        let root: Node?
        do { try YAMLLimits.standard.prescan(yaml) } catch {
            throw .invalidYAML(path: path, line: (error.line ?? 1) + Self.lineOffset, message: error.message)
        }
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                throw .invalidYAML(path: path, line: mark.line + Self.lineOffset, message: problem)
            default:
                throw .invalidYAML(path: path, line: 2, message: "\(error)".firstLine)
            }
        } catch {
            throw .invalidYAML(path: path, line: 2, message: "\(error)".firstLine)
        }
        guard let mapping = root?.mapping else {
            throw .invalidYAML(path: path, line: 2, message: "front matter must be a mapping of fields")
        }
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let line = (key.mark?.line ?? 1) + Self.lineOffset
            entries[name] = (value, line)
        }
    }

    func string(_ field: String) throws(TemplateError) -> (value: String, line: Int) {
        guard let entry = entries[field] else { throw .missingField(path: path, line: closingLine, field: field) }
        guard let scalar = entry.node.scalar else {
            throw .invalidField(path: path, line: entry.line, field: field, message: "must be text")
        }
        let value = scalar.string.trimmingSpaces()
        guard !value.isEmpty else { throw .missingField(path: path, line: entry.line, field: field) }
        return (value, entry.line)
    }

    func stringList(_ field: String) throws(TemplateError) -> [String] {
        guard let entry = entries[field] else { throw .missingField(path: path, line: closingLine, field: field) }
        guard let sequence = entry.node.sequence else {
            throw .invalidField(path: path, line: entry.line, field: field, message: "must be a list of text items")
        }
        var result: [String] = []
        for item in sequence {
            let line = (item.mark?.line ?? entry.line - Self.lineOffset) + Self.lineOffset
            guard let value = item.scalar?.string.trimmingSpaces(), !value.isEmpty else {
                throw .invalidField(path: path, line: line, field: field, message: "items must be non-empty text")
            }
            result.append(value)
        }
        guard !result.isEmpty else { throw .missingField(path: path, line: entry.line, field: field) }
        return result
    }

    func variables() throws(TemplateError) -> [TemplateVariable] {
        let field = "variables"
        guard let entry = entries[field] else { throw .missingField(path: path, line: closingLine, field: field) }
        guard let sequence = entry.node.sequence, !sequence.isEmpty else {
            throw .invalidField(
                path: path, line: entry.line, field: field, message: "must be a non-empty list of variables")
        }
        var result: [TemplateVariable] = []
        var seen: [String: Int] = [:]
        for item in sequence {
            let itemLine = (item.mark?.line ?? entry.line - Self.lineOffset) + Self.lineOffset
            guard let mapping = item.mapping else {
                throw .invalidField(
                    path: path, line: itemLine, field: field, message: "items must have name, type and required")
            }
            var values: [String: (String, Int)] = [:]
            for (key, value) in mapping {
                guard let key = key.string else { continue }
                let line = (value.mark?.line ?? itemLine - Self.lineOffset) + Self.lineOffset
                guard let scalar = value.scalar else {
                    throw .invalidField(path: path, line: line, field: "\(field).\(key)", message: "must be text")
                }
                values[key] = (scalar.string.trimmingSpaces(), line)
            }
            guard let (name, nameLine) = values["name"], !name.isEmpty else {
                throw .missingField(path: path, line: itemLine, field: "\(field)[].name")
            }
            guard PlaceholderScanner.isValidName(name) else {
                throw .invalidField(
                    path: path, line: nameLine, field: "\(field).name",
                    message: "'\(name)' must be lower-case letters, digits, '_' and '.'")
            }
            if let previous = seen[name] {
                throw .invalidField(
                    path: path, line: nameLine, field: "\(field).name",
                    message: "'\(name)' is declared twice (first on line \(previous))")
            }
            seen[name] = nameLine
            guard let (typeText, typeLine) = values["type"], !typeText.isEmpty else {
                throw .missingField(path: path, line: nameLine, field: "\(field).\(name).type")
            }
            guard let type = TemplateVariableType(rawValue: typeText) else {
                throw .invalidField(
                    path: path, line: typeLine, field: "\(field).\(name).type",
                    message: "must be one of \(TemplateVariableType.allNames), got '\(typeText)'")
            }
            guard let (requiredText, requiredLine) = values["required"], !requiredText.isEmpty else {
                throw .missingField(path: path, line: nameLine, field: "\(field).\(name).required")
            }
            let required: Bool
            switch requiredText.lowercased() {
            case "true", "yes": required = true
            case "false", "no": required = false
            default:
                throw .invalidField(
                    path: path, line: requiredLine, field: "\(field).\(name).required",
                    message: "must be true or false, got '\(requiredText)'")
            }
            let defaultValue = values["default"].map(\.0).flatMap { $0.isEmpty ? nil : $0 }
            result.append(TemplateVariable(name: name, type: type, required: required, defaultValue: defaultValue))
        }
        return result
    }
}

extension String {
    /// The text up to the first line break.
    var firstLine: String { String(prefix { $0 != "\n" && $0 != "\r" }) }

    /// Replaces every occurrence of `target` (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
