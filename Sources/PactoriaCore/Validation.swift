/// One broken rule, naming the field it concerns (dotted for nested fields: `client.email`).
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// The domain's rules for contracts, companies and names. Pure functions: no I/O.
public enum Validator {
    public static let maxTitleLength = 200
    public static let forbiddenTitleCharacters: Set<Character> = ["<", ">", "{", "}", "`"]
    public static let maxAmount = DecimalAmount("999999999")!
    public static let plainEnglishRange = 10...10_000
    /// Markup or script that must never appear in free text a person typed.
    public static let dangerousPatterns = [
        "<script", "</script", "javascript:", "vbscript:", "data:text/html", "<iframe", "<object", "<embed",
        "<form", "srcdoc=",
    ]

    /// Every problem with `contract`, in field order.
    public static func validate(_ contract: Contract) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        func add(_ field: String, _ message: String) { issues.append(ValidationIssue(field: field, message: message)) }

        if !isUUID(contract.id) {
            add("id", "must be a UUID (for example 3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b), got '\(contract.id)'")
        }
        issues += validateTitle(contract.title)
        if contract.type == nil {
            add(
                "contract_type",
                "unknown contract type '\(contract.contractType)' (expected one of: \(ContractType.allNames))")
        }
        if contract.statusValue == nil {
            add("status", "unknown status '\(contract.status)' (expected one of: \(ContractStatus.allNames))")
        }
        if let input = contract.plainEnglishInput {
            issues += validatePlainEnglish(input, field: "plain_english_input")
        }
        for (field, party) in [("client", contract.client), ("supplier", contract.supplier)] {
            guard let party else { continue }
            issues += validateParty(party, field: field)
        }
        if let value = contract.value {
            issues += validateAmount(value.amount, field: "contract_value.amount")
            if value.currencyValue == nil {
                add(
                    "contract_value.currency",
                    "unknown currency '\(value.currency)' (expected one of: \(Currency.allNames))")
            }
        }
        var start: CalendarDate?
        var end: CalendarDate?
        if let s = contract.startDate {
            start = CalendarDate(s)
            if start == nil { add("start_date", "must be an ISO 8601 date (YYYY-MM-DD), got '\(s)'") }
        }
        if let e = contract.endDate {
            end = CalendarDate(e)
            if end == nil { add("end_date", "must be an ISO 8601 date (YYYY-MM-DD), got '\(e)'") }
        }
        if let start, let end, end < start {
            add("end_date", "\(end) is before start_date \(start)")
        }
        if contract.version < 1 { add("version", "must be 1 or more, got \(contract.version)") }
        if let by = contract.createdBy, Author(by) == nil {
            add("created_by", "must be 'Name <email>', got '\(by)'")
        }
        for (field, value) in [("created_at", contract.createdAt), ("updated_at", contract.updatedAt)] {
            if let value, Timestamp(value) == nil {
                add(field, "must be an ISO 8601 timestamp (YYYY-MM-DDTHH:MM:SSZ), got '\(value)'")
            }
        }
        if let c = contract.createdAt.flatMap(Timestamp.init), let u = contract.updatedAt.flatMap(Timestamp.init),
            u < c
        {
            add("updated_at", "\(u) is before created_at \(c)")
        }
        issues += validateLifecycleText(contract.lifecycle)
        // No control character in any other field, whatever its own rule says about it.
        let others: [(String, String?)] = [
            ("id", contract.id), ("contract_type", contract.contractType), ("status", contract.status),
            ("contract_value.amount", contract.value?.amount), ("contract_value.currency", contract.value?.currency),
            ("start_date", contract.startDate), ("end_date", contract.endDate), ("template_id", contract.templateID),
            ("created_by", contract.createdBy), ("created_at", contract.createdAt), ("updated_at", contract.updatedAt),
        ]
        for (field, value) in others {
            guard let value, let bad = forbiddenCharacter(in: value, multiline: false) else { continue }
            issues.removeAll { $0.field == field }
            add(field, bad)
        }
        return issues
    }

    /// The lifecycle stamps' text: `by` a single line, `reason` free text of at most 2,000 characters.
    public static func validateLifecycleText(_ record: LifecycleRecord?) -> [ValidationIssue] {
        guard let record else { return [] }
        var issues: [ValidationIssue] = []
        if let f = record.finalContent {
            for (key, value) in [("sha256", f.sha256), ("by", f.by), ("at", f.at)] {
                issues += validateText(
                    value, field: "lifecycle.final_content.\(key)", maxLength: maxAuthorLength, markup: false)
            }
        }
        for (key, stamp) in record.events.sorted(by: { $0.key < $1.key }) {
            issues += validateText(stamp.by, field: "lifecycle.\(key).by", maxLength: maxAuthorLength, markup: false)
            issues += validateText(stamp.at, field: "lifecycle.\(key).at", maxLength: maxAuthorLength, markup: false)
            if let reason = stamp.reason { issues += validateReason(reason, field: "lifecycle.\(key).reason") }
        }
        return issues
    }

    /// A lifecycle reason: several lines allowed, at most 2,000 characters, no markup.
    public static func validateReason(_ reason: String, field: String = "reason") -> [ValidationIssue] {
        validateText(reason, field: field, maxLength: maxReasonLength, multiline: true)
    }

    public static func validateTitle(_ title: String, field: String = "title") -> [ValidationIssue] {
        let trimmed = title.trimmingSpaces()
        if trimmed.isEmpty { return [ValidationIssue(field: field, message: "must not be empty")] }
        var issues: [ValidationIssue] = []
        if title.count > maxTitleLength {
            issues.append(
                ValidationIssue(
                    field: field, message: "must be at most \(maxTitleLength) characters (has \(title.count))"))
        }
        let bad = Set(title.filter { forbiddenTitleCharacters.contains($0) })
        if !bad.isEmpty {
            let list = bad.sorted().map { "'\($0)'" }.joined(separator: " ")
            issues.append(ValidationIssue(field: field, message: "must not contain \(list)"))
        }
        if title.contains(where: { $0.isNewline }) {
            issues.append(ValidationIssue(field: field, message: "must be a single line"))
        } else if let bad = forbiddenCharacter(in: title, multiline: false) {
            issues.append(ValidationIssue(field: field, message: bad))
        }
        if bad.isEmpty, let hit = markupOrScript(in: title) {
            issues.append(ValidationIssue(field: field, message: "must not contain markup or script ('\(hit)')"))
        }
        return issues
    }

    public static func validatePlainEnglish(_ text: String, field: String) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        let count = text.trimmingSpaces().count
        if !plainEnglishRange.contains(count) {
            issues.append(
                ValidationIssue(
                    field: field,
                    message:
                        "must be \(plainEnglishRange.lowerBound) to \(plainEnglishRange.upperBound) characters (has \(count))"
                ))
        }
        // The length rule above counts trimmed text; the shared rules add characters and markup.
        issues += validateText(text, field: field, maxLength: Int.max, multiline: true)
        return issues
    }

    /// An HTML event-handler attribute (`onload=`, `onfocus =`…): "on" starting a word, letters, `=`.
    static func eventHandler(in lower: String) -> String? {
        let c = Array(lower.unicodeScalars)
        var i = 0
        while i + 2 < c.count {
            let boundary = i == 0 || !(c[i - 1].properties.isAlphabetic || ("0"..."9").contains(c[i - 1]))
            if boundary && c[i] == "o" && c[i + 1] == "n" {
                var j = i + 2
                while j < c.count && ("a"..."z").contains(c[j]) { j += 1 }
                let letters = j - (i + 2)
                var k = j
                while k < c.count && (c[k].properties.isWhitespace || c[k].value < 0x20 || isIgnorable(c[k])) { k += 1 }
                if letters >= 3 && k < c.count && c[k] == "=" {
                    var s = ""
                    s.unicodeScalars.append(contentsOf: c[i...k])
                    return s.filter { !$0.isWhitespace }
                }
            }
            i += 1
        }
        return nil
    }

    public static func validateParty(_ party: Party, field: String) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if party.name.trimmingSpaces().isEmpty {
            issues.append(ValidationIssue(field: "\(field).name", message: "must not be empty"))
        } else {
            issues += validateText(party.name, field: "\(field).name", maxLength: maxNameLength)
        }
        if let email = party.email {
            if let bad = forbiddenCharacter(in: email, multiline: false) {
                issues.append(ValidationIssue(field: "\(field).email", message: bad))
            } else if !isEmail(email) {
                let shown = email.count > 80 ? String(email.prefix(80)) + "…" : email
                issues.append(
                    ValidationIssue(field: "\(field).email", message: "'\(shown)' is not a valid email address"))
            }
        }
        if let company = party.company {
            issues += validateText(company, field: "\(field).company", maxLength: maxCompanyLength)
        }
        if let role = party.role {
            issues += validateText(role, field: "\(field).role", maxLength: maxRoleLength)
        }
        if let number = party.companyNumber, let bad = forbiddenCharacter(in: number, multiline: false) {
            issues.append(ValidationIssue(field: "\(field).company_number", message: bad))
        } else if let number = party.companyNumber, !isCompanyNumber(number) {
            issues.append(
                ValidationIssue(
                    field: "\(field).company_number",
                    message:
                        "'\(number)' is not a Companies House number (8 characters: digits, or two letters and six digits)"
                ))
        }
        return issues
    }

    public static func validateAmount(_ text: String, field: String) -> [ValidationIssue] {
        guard let amount = DecimalAmount(text) else {
            return [ValidationIssue(field: field, message: "must be a decimal number such as 15000.00, got '\(text)'")]
        }
        var issues: [ValidationIssue] = []
        if amount.isNegative { issues.append(ValidationIssue(field: field, message: "must not be negative")) }
        if amount.scale > 2 {
            issues.append(ValidationIssue(field: field, message: "must have at most two decimal places, got '\(text)'"))
        }
        if maxAmount < amount {
            issues.append(ValidationIssue(field: field, message: "must be at most 999,999,999, got '\(text)'"))
        }
        return issues
    }

    // MARK: - Names

    /// Slugs and stems: `[a-z0-9]` words joined by single hyphens, at most 64 characters.
    public static func isSlug(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 64, !s.hasPrefix("-"), !s.hasSuffix("-"), !s.contains("--") else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    public static func validateSlug(_ s: String, field: String) -> [ValidationIssue] {
        isSlug(s)
            ? []
            : [
                ValidationIssue(
                    field: field,
                    message: "'\(s)' must be lower-case letters, digits and single hyphens (at most 64 characters)")
            ]
    }

    /// Makes a slug from free text: "Website Redesign (Phase 2)" → "website-redesign-phase-2".
    public static func slugify(_ text: String, maxLength: Int = 48) -> String {
        var out = ""
        var pendingHyphen = false
        for ch in text.lowercased().decomposedASCII() {
            if ch.isLetter || ch.isNumber {
                if pendingHyphen && !out.isEmpty { out.append("-") }
                pendingHyphen = false
                out.append(ch)
            } else if ch == "&" {
                if !out.isEmpty { out += "-and" }
                pendingHyphen = true
            } else {
                pendingHyphen = true
            }
        }
        if out.count > maxLength {
            var cut = String(out.prefix(maxLength))
            if let last = cut.lastIndex(of: "-"), cut.distance(from: cut.startIndex, to: last) > maxLength / 2 {
                cut = String(cut[..<last])
            }
            while cut.hasSuffix("-") { cut.removeLast() }
            out = cut
        }
        return out.isEmpty ? "contract" : out
    }

    public static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                if c != UInt8(ascii: "-") { return false }
            } else if !((48...57).contains(c) || (97...102).contains(c) || (65...70).contains(c)) {
                return false
            }
        }
        return true
    }

    /// A pragmatic address check: one `@`, a non-empty local part, a dotted domain, no spaces.
    public static func isEmail(_ s: String) -> Bool {
        if let answer = asciiIsEmail(s) { return answer }
        guard s.count <= 254, !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," }) else {
            return false
        }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let local = parts[0]
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" })
            else { return false }
        }
        return labels.last!.count >= 2 && labels.last!.allSatisfy(\.isLetter)
    }

    /// Companies House numbers: eight digits, or two letters (SC, NI, OC, …) and six digits.
    public static func isCompanyNumber(_ s: String) -> Bool {
        let c = Array(s)
        guard c.count == 8 else { return false }
        let tailDigits = c[2...].allSatisfy(\.isASCIIDigit)
        let head = c[0..<2]
        return tailDigits && (head.allSatisfy(\.isASCIIDigit) || head.allSatisfy({ $0.isASCII && $0.isUppercase }))
    }
}

/// `Name <email>`, as git writes authors.
public struct Author: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    public init?(_ text: String) {
        let t = text.trimmingSpaces()
        guard t.hasSuffix(">"), let open = t.lastIndex(of: "<") else { return nil }
        let name = t[..<open].trimmingSpaces()
        let email = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
        guard !name.isEmpty, Validator.isEmail(email) else { return nil }
        self.name = name
        self.email = email
    }

    public var description: String { "\(name) <\(email)>" }
}

extension StringProtocol {
    public func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension String {
    /// Letters with their accents removed where a plain ASCII letter exists ("Café" → "Cafe").
    func decomposedASCII() -> String {
        var out = ""
        for scalar in self.decomposedStringWithCanonicalMappingCompat.unicodeScalars where scalar.isASCII {
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    private var decomposedStringWithCanonicalMappingCompat: String {
        // NFD without Foundation: decompose common Latin-1 accented letters by table.
        var out = ""
        for ch in self {
            if ch.isASCII {
                out.append(ch)
                continue
            }
            let map: [Character: String] = [
                "à": "a", "á": "a", "â": "a", "ä": "a", "ã": "a", "å": "a", "æ": "ae", "ç": "c", "è": "e",
                "é": "e", "ê": "e", "ë": "e", "ì": "i", "í": "i", "î": "i", "ï": "i", "ñ": "n", "ò": "o",
                "ó": "o", "ô": "o", "ö": "o", "õ": "o", "ø": "o", "ù": "u", "ú": "u", "û": "u", "ü": "u",
                "ý": "y", "ÿ": "y", "ß": "ss", "œ": "oe", "£": " ", "€": " ",
            ]
            out += map[ch] ?? " "
        }
        return out
    }
}
