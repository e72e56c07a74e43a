public import PactoriaCore

/// A kind of personal data the redactor replaces.
public enum PersonalDataCategory: String, Sendable, Hashable, Codable, CaseIterable {
    case names
    case emails
    case phones
    case addresses
    case niNumbers = "ni_numbers"

    /// The label of its placeholders: `[PERSON_1]`, `[EMAIL_1]`, `[PHONE_1]`, `[ADDRESS_1]`,
    /// `[NI_NUMBER_1]`.
    public var label: String {
        switch self {
        case .names: "PERSON"
        case .emails: "EMAIL"
        case .phones: "PHONE"
        case .addresses: "ADDRESS"
        case .niNumbers: "NI_NUMBER"
        }
    }

    static let byLabel: [String: PersonalDataCategory] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0.label, $0) })
}

/// How many distinct items of each category were replaced in one request (never the values).
/// A person counts once however many times, and in however many forms ("Sam Taylor", "Sam"),
/// they appear.
public struct RedactionCounts: Sendable, Equatable, Codable {
    public var names: Int
    public var emails: Int
    public var phones: Int
    public var addresses: Int
    public var niNumbers: Int

    public init(names: Int = 0, emails: Int = 0, phones: Int = 0, addresses: Int = 0, niNumbers: Int = 0) {
        self.names = names
        self.emails = emails
        self.phones = phones
        self.addresses = addresses
        self.niNumbers = niNumbers
    }

    public subscript(category: PersonalDataCategory) -> Int {
        get {
            switch category {
            case .names: names
            case .emails: emails
            case .phones: phones
            case .addresses: addresses
            case .niNumbers: niNumbers
            }
        }
        set {
            switch category {
            case .names: names = newValue
            case .emails: emails = newValue
            case .phones: phones = newValue
            case .addresses: addresses = newValue
            case .niNumbers: niNumbers = newValue
            }
        }
    }

    public var total: Int { names + emails + phones + addresses + niNumbers }

    /// `(category key, count)` in a fixed order: names, emails, phones, addresses, ni_numbers.
    public var named: [(key: String, count: Int)] { PersonalDataCategory.allCases.map { ($0.rawValue, self[$0]) } }

    enum CodingKeys: String, CodingKey {
        case names, emails, phones, addresses
        case niNumbers = "ni_numbers"
    }
}

/// The placeholders of one request and what they stand for. Lives only in memory for the
/// request: it holds the personal data, so it is never logged, printed or stored.
public struct RedactionMap: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    struct Entry: Sendable {
        var category: PersonalDataCategory
        var value: String
        /// The person (full name) a name entry belongs to, for counting.
        var group: String
    }

    /// Placeholder (`[PERSON_1]`) → entry.
    var entries: [String: Entry] = [:]

    public init() {}

    /// Whether nothing was replaced.
    public var isEmpty: Bool { entries.isEmpty }

    /// Distinct items replaced, by category.
    public var counts: RedactionCounts {
        var counts = RedactionCounts()
        var groups = Set<String>()
        for entry in entries.values where groups.insert("\(entry.category.rawValue)\u{0}\(entry.group)").inserted {
            counts[entry.category] += 1
        }
        return counts
    }

    /// The placeholders issued, sorted.
    public var placeholders: [String] { entries.keys.sorted() }

    /// `text` with every placeholder this map issued replaced by its value. Anything else in
    /// brackets, unknown placeholders included, is left as it is.
    public func restore(_ text: String) -> String { replacePlaceholders(in: text, json: false) }

    /// Like `restore`, for JSON text: values are escaped as inside a JSON string (placeholders
    /// can only stand inside strings in valid JSON), so the answer stays valid JSON.
    public func restoreJSON(_ text: String) -> String { replacePlaceholders(in: text, json: true) }

    func replacePlaceholders(in text: String, json: Bool) -> String {
        guard !entries.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "["), let (_, _, end) = PlaceholderSyntax.parse(bytes, at: i) else {
                i += 1
                continue
            }
            let token = String(decoding: bytes[i..<end], as: UTF8.self)
            if let entry = entries[token] {
                out.append(contentsOf: bytes[copied..<i])
                out.append(contentsOf: json ? Self.jsonEscaped(entry.value) : Array(entry.value.utf8))
                copied = end
            }
            i = end
        }
        guard copied > 0 else { return text }
        out.append(contentsOf: bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    static func jsonEscaped(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        let hex = Array("0123456789abcdef".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        return out
    }

    // Never show the values.
    public var description: String {
        let counts = self.counts.named.filter { $0.count > 0 }.map { "\($0.key): \($0.count)" }
        return "RedactionMap(\(counts.joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["counts": counts], displayStyle: .struct) }
}

/// The placeholder grammar: `[` LABEL `_` digits `]`, LABEL one of the category labels, digits
/// a positive decimal number without leading zero, at most 9 digits.
enum PlaceholderSyntax {
    /// The label, the number and the end index of a placeholder starting at `start` (a `[`).
    static func parse(_ bytes: [UInt8], at start: Int) -> (PersonalDataCategory, Int, Int)? {
        var i = start + 1
        let labelStart = i
        while i < bytes.count, bytes[i] == UInt8(ascii: "_") || (bytes[i] >= 0x41 && bytes[i] <= 0x5A) {
            i += 1
            if i - labelStart > 12 { return nil }
        }
        // The label ends at the last underscore before the digits.
        guard i > labelStart + 1, bytes[i - 1] == UInt8(ascii: "_") else { return nil }
        let label = String(decoding: bytes[labelStart..<(i - 1)], as: UTF8.self)
        guard let category = PersonalDataCategory.byLabel[label] else { return nil }
        let digitsStart = i
        var number = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, i - digitsStart < 9 {
            number = number * 10 + Int(bytes[i] - 0x30)
            i += 1
        }
        guard i > digitsStart, bytes[digitsStart] != 0x30, i < bytes.count, bytes[i] == UInt8(ascii: "]") else {
            return nil
        }
        return (category, number, i + 1)
    }

    /// Numbers already used by placeholder-shaped text in `bytes`, by category.
    static func used(in bytes: [UInt8], into used: inout [PersonalDataCategory: Set<Int>]) {
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "["), let (category, number, end) = parse(bytes, at: i) {
                used[category, default: []].insert(number)
                i = end
            } else {
                i += 1
            }
        }
    }
}

/// Texts with their personal data replaced by placeholders, and the map to restore them.
public struct RedactedTexts: Sendable {
    public var texts: [String]
    public var map: RedactionMap
}

/// Replaces personal data in text sent to the AI provider by stable placeholders, and puts
/// it back in the answer.
///
/// What it finds:
/// - **Emails**: `local@domain.tld`.
/// - **UK phone numbers**: `+44` forms (with an optional `(0)`) and national `0` forms of 10 or
///   11 digits, with single spaces or hyphens between groups and brackets round the area code.
/// - **National Insurance numbers**: the HMRC format, two letters, six digits (in pairs, spaces
///   allowed) and an optional `A`–`D` suffix, upper case; prefixes HMRC never issues (first
///   letter D, F, I, Q, U or V; second letter D, F, I, O, Q, U or V; BG, GB, KN, NK, NT, TN, ZZ)
///   are not numbers and are left alone.
/// - **Addresses**: UK postcodes (upper case), street lines ("12 High Street", "4B Mill Lane"),
///   the street line joined with the town segments that lead to a postcode on the same line
///   ("12 High Street, Ancoats, Manchester, M4 5AB"), and addresses known from the metadata.
/// - **Names of people**: what is known rather than every capitalised word: the names of the
///   parties and of other `…name` values the caller gives, names after a title ("Mr", "Mrs",
///   "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame"), names on labelled lines ("Name:",
///   "Signed by", "Signatory:", "Witness:", "Contact:", "Attention:"), and both sides of a
///   "between X and Y" clause. Every occurrence of a found name is replaced, and so is each of
///   its words on its own ("Sam", "Taylor").
///
/// The rule for names: a name whose last word is a company form (Ltd, Limited, LLP, plc, CIC,
/// Inc, LLC, LP) is a company and not personal data; any other party name is taken to be a
/// person's (a sole trader's name, or a trading name that may be one, is personal data).
///
/// Placeholders are `[PERSON_1]`, `[EMAIL_1]`, `[PHONE_1]`, `[ADDRESS_1]`, `[NI_NUMBER_1]`: the
/// same value always gets the same placeholder within one request, and numbers already used
/// by placeholder-shaped text in the input are skipped, so an issued placeholder never occurs in
/// the original text and `restore(redact(x)) == x` exactly.
public struct PersonalDataRedactor: Sendable {
    /// Names of people known from the metadata.
    public var knownNames: [String]
    /// Addresses known from the metadata.
    public var knownAddresses: [String]

    public init(knownNames: [String] = [], knownAddresses: [String] = []) {
        self.knownNames = knownNames
        self.knownAddresses = knownAddresses
    }

    /// Known names from the contract's parties (people only: see `isCompanyName`) and from
    /// `values` whose key ends in `name` (not company, business or trading names); known
    /// addresses from `values` whose key contains `address`.
    public init(contract: Contract?, values: [String: String] = [:]) {
        var names: [String] = []
        for party in [contract?.client, contract?.supplier].compactMap(\.self) {
            names.append(party.name)
        }
        var addresses: [String] = []
        for key in values.keys.sorted() {
            guard let value = values[key] else { continue }
            let lower = key.lowercased()
            if lower.hasSuffix("name"),
                !["company", "business", "trading", "template", "file"].contains(where: { lower.contains($0) })
            {
                names.append(value)
            } else if lower.contains("address") && !lower.contains("email") {
                addresses.append(value)
            }
        }
        self.init(
            knownNames: names.filter { !Self.isCompanyName($0) }, knownAddresses: addresses)
    }

    /// Whether `name` is a company's (its last word is a company form), not a person's.
    public static func isCompanyName(_ name: String) -> Bool {
        let words = name.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
        guard let last = words.last else { return false }
        let form = last.lowercased().filter { $0 != "." && $0 != "(" && $0 != ")" }
        return companyForms.contains(form)
    }

    static let companyForms: Set<String> = ["ltd", "limited", "llp", "plc", "cic", "inc", "llc", "lp", "cyf", "ccc"]

    /// Redacts one text.
    public func redact(_ text: String) -> (text: String, map: RedactionMap) {
        let result = redact([text])
        return (result.texts[0], result.map)
    }

    /// Redacts several texts (the messages of one request) with one map, so a value has the same
    /// placeholder in all of them.
    public func redact(_ texts: [String]) -> RedactedTexts {
        let buffers = texts.map { Array($0.utf8) }
        var used: [PersonalDataCategory: Set<Int>] = [:]
        for bytes in buffers { PlaceholderSyntax.used(in: bytes, into: &used) }

        // Names: the known ones, then those the texts reveal.
        var people: [String] = []
        var seenPeople = Set<String>()
        func addPerson(_ raw: String) {
            let name = Self.collapsedSpaces(raw)
            guard name.utf8.count >= 2, name.utf8.count <= 200, !Self.isCompanyName(name),
                name.contains(where: \.isLetter), seenPeople.insert(name).inserted
            else { return }
            people.append(name)
        }
        for name in knownNames { addPerson(name) }
        for bytes in buffers { for name in NameFinder.names(in: bytes) { addPerson(name) } }
        // Whole names, and each word of a name of two words or more, longest first.
        var nameForms: [(form: [UInt8], person: String)] = []
        var seenForms = Set<[UInt8]>()
        for person in people {
            let whole = Array(person.utf8)
            if seenForms.insert(whole).inserted { nameForms.append((whole, person)) }
        }
        for person in people {
            let words = person.split(separator: " ").map(String.init)
            guard words.count >= 2 else { continue }
            for word in words {
                let trimmed = word.trimmingCharacters(in: ".,")
                guard trimmed.count >= 2, !NameFinder.titles.contains(trimmed),
                    !NameFinder.stopWords.contains(trimmed), trimmed.first?.isUppercase == true
                else { continue }
                let form = Array(trimmed.utf8)
                if seenForms.insert(form).inserted { nameForms.append((form, person)) }
            }
        }
        let names = NameIndex(nameForms)
        let addresses = knownAddresses.map(Self.collapsedSpaces).filter { $0.utf8.count >= 4 }
            .map { Array($0.utf8) }.sorted { $0.count > $1.count }

        var map = RedactionMap()
        var byValue: [PersonalDataCategory: [String: String]] = [:]
        var next: [PersonalDataCategory: Int] = [:]
        func placeholder(_ category: PersonalDataCategory, _ value: String, group: String) -> String {
            if let existing = byValue[category]?[value] { return existing }
            var number = next[category, default: 1]
            while used[category]?.contains(number) == true { number += 1 }
            next[category] = number + 1
            let token = "[\(category.label)_\(number)]"
            byValue[category, default: [:]][value] = token
            map.entries[token] = RedactionMap.Entry(category: category, value: value, group: group)
            return token
        }

        var output: [String] = []
        for bytes in buffers {
            var spans = PatternFinder.spans(in: bytes)
            for address in addresses { spans += Self.occurrences(of: address, in: bytes, category: .addresses) }
            spans += names.occurrences(in: bytes)
            let chosen = Self.nonOverlapping(spans)
            guard !chosen.isEmpty else {
                output.append(String(decoding: bytes, as: UTF8.self))
                continue
            }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var copied = 0
            for span in chosen {
                out.append(contentsOf: bytes[copied..<span.start])
                let value = String(decoding: bytes[span.start..<span.end], as: UTF8.self)
                let token = placeholder(span.category, value, group: span.group ?? value)
                out.append(contentsOf: token.utf8)
                copied = span.end
            }
            out.append(contentsOf: bytes[copied...])
            output.append(String(decoding: out, as: UTF8.self))
        }
        return RedactedTexts(texts: output, map: map)
    }

    /// Redacts the contents of chat messages with one map. When anything was replaced, the
    /// first system message is told to copy the placeholders exactly (`placeholderInstruction`).
    public func redact(_ messages: [ChatMessage]) -> (messages: [ChatMessage], map: RedactionMap) {
        let result = redact(messages.map(\.content))
        var redacted = zip(messages, result.texts).map { ChatMessage(role: $0.role, content: $1) }
        if !result.map.isEmpty, let system = redacted.firstIndex(where: { $0.role == .system }) {
            redacted[system].content += "\n\n" + Self.placeholderInstruction
        }
        return (redacted, result.map)
    }

    /// Added to the system message of a redacted prompt.
    public static let placeholderInstruction =
        "Personal data in this request is replaced by placeholders such as [PERSON_1], [EMAIL_1], [PHONE_1], "
        + "[ADDRESS_1] and [NI_NUMBER_1]; wherever you refer to that data, copy its placeholder exactly as written."

    // MARK: - Helpers

    static func collapsedSpaces(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    /// Whole-word occurrences of `form` in `bytes`.
    static func occurrences(of form: [UInt8], in bytes: [UInt8], category: PersonalDataCategory) -> [Span] {
        guard let first = form.first, form.count <= bytes.count else { return [] }
        var spans: [Span] = []
        var i = 0
        let last = bytes.count - form.count
        while i <= last {
            if bytes[i] == first, ByteClass.isBoundary(bytes, before: i),
                bytes[i..<(i + form.count)].elementsEqual(form), ByteClass.isBoundary(bytes, after: i + form.count)
            {
                spans.append(Span(start: i, end: i + form.count, category: category))
                i += form.count
            } else {
                i += 1
            }
        }
        return spans
    }

    /// The spans to replace: by start, the longest first, skipping any that overlaps one taken.
    static func nonOverlapping(_ spans: [Span]) -> [Span] {
        let sorted = spans.sorted { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var chosen: [Span] = []
        var end = 0
        for span in sorted where span.start >= end && span.end > span.start {
            chosen.append(span)
            end = span.end
        }
        return chosen
    }
}

/// Names to look for, indexed by their first word so that one pass over a text finds them all
/// (however many names a hostile text reveals).
struct NameIndex {
    /// First word → (form, person), longest form first.
    var byFirstWord: [[UInt8]: [(form: [UInt8], person: String)]] = [:]
    /// Forms that do not start with a word character, searched one by one.
    var others: [(form: [UInt8], person: String)] = []

    init(_ forms: [(form: [UInt8], person: String)]) {
        for entry in forms {
            let first = Self.word(entry.form, at: 0)
            if first.isEmpty {
                others.append(entry)
            } else {
                byFirstWord[first, default: []].append(entry)
            }
        }
        for key in byFirstWord.keys { byFirstWord[key]?.sort { $0.form.count > $1.form.count } }
    }

    /// The end of the run of word characters (letters, digits, `'`, `-`) at `start`.
    static func wordEnd(_ bytes: [UInt8], at start: Int) -> Int {
        var end = start
        while end < bytes.count {
            let b = bytes[end]
            if b < 0x80 {
                guard ByteClass.isWordByte(b) || b == UInt8(ascii: "'") || b == UInt8(ascii: "-") else { break }
                end += 1
            } else {
                var next = end + 1
                while next < bytes.count, next - end < 4, bytes[next] & 0xC0 == 0x80 { next += 1 }
                guard ByteClass.isWordScalar(bytes, end, next) else { break }
                end = next
            }
        }
        return end
    }

    static func word(_ bytes: [UInt8], at start: Int) -> [UInt8] {
        Array(bytes[start..<wordEnd(bytes, at: start)])
    }

    func occurrences(in bytes: [UInt8]) -> [Span] {
        var spans: [Span] = []
        if !byFirstWord.isEmpty {
            var i = 0
            while i < bytes.count {
                guard bytes[i] & 0xC0 != 0x80, ByteClass.isBoundary(bytes, before: i) else {
                    i += 1
                    continue
                }
                let end = Self.wordEnd(bytes, at: i)
                guard end > i else {
                    i += 1
                    continue
                }
                // A name's first word may stop before a `'` or `-` the text goes on with ("Sam's").
                var cut = end
                var candidates: [(form: [UInt8], person: String)] = []
                while cut > i {
                    if let found = byFirstWord[Array(bytes[i..<cut])] { candidates += found }
                    guard
                        let back = bytes[i..<cut].lastIndex(where: {
                            $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "-")
                        })
                    else { break }
                    cut = back
                }
                for (form, person) in candidates.sorted(by: { $0.form.count > $1.form.count })
                where i + form.count <= bytes.count && bytes[i..<(i + form.count)].elementsEqual(form)
                    && ByteClass.isBoundary(bytes, after: i + form.count)
                {
                    spans.append(Span(start: i, end: i + form.count, category: .names, group: person))
                    break
                }
                i = max(end, i + 1)
            }
        }
        for (form, person) in others {
            spans += PersonalDataRedactor.occurrences(of: form, in: bytes, category: .names).map {
                var span = $0
                span.group = person
                return span
            }
        }
        return spans
    }
}

/// A run of bytes to replace.
struct Span: Sendable {
    var start: Int
    var end: Int
    var category: PersonalDataCategory
    var group: String? = nil
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
