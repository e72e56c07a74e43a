import Foundation

/// A regular expression compiled once, tried only when one of its literal anchors (lower-case)
/// occurs in the text, which keeps the analyser fast.
struct Pattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    let anchors: [String]

    /// `pattern` is matched against lower-cased text; a bad pattern is a programming error.
    init(_ pattern: String, anchors: [String] = []) {
        // swift-format-ignore: NeverUseForceTry
        regex = try! Regex(pattern)
        self.anchors = anchors
    }

    func matches(_ text: String) -> Bool { firstMatch(in: text) != nil }

    /// How many times `phrase` occurs in `text`.
    static func occurrences(of phrase: String, in text: String) -> Int {
        var count = 0
        var rest = text[...]
        while let range = rest.range(of: phrase) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }

    /// How many times the pattern matches `text`.
    func count(in text: String) -> Int {
        if !anchors.isEmpty, !anchors.contains(where: { text.contains($0) }) { return 0 }
        return text.matches(of: regex).count
    }

    func firstMatch(in text: String) -> Substring? {
        if !anchors.isEmpty, !anchors.contains(where: { text.contains($0) }) { return nil }
        return text.firstMatch(of: regex).map { text[$0.range] }
    }
}

/// One clause of a contract: a heading (Markdown `#`, a bold line, a numbered heading or
/// paragraph, a schedule) and the text up to the next heading.
struct Clause: Sendable {
    /// "7", "7.1", "Schedule 1"; nil for the opening before the first heading.
    let number: String?
    /// The heading as written, emphasis removed ("Limitation of liability"); "" when none.
    let heading: String
    /// Lower-cased heading, and for an untitled numbered paragraph its first words.
    let headingLower: String
    /// 1 for a title or schedule, 2 for a clause, 3+ for sub-clauses.
    let level: Int
    /// Lower-cased, normalised text of the clause (heading included).
    let lower: String
    /// The clause's Markdown, as written.
    let raw: String
    let sentences: [String]

    /// How a report names the clause: "clause 7 (Limitation of liability)".
    var location: String {
        if let number {
            if number.lowercased().hasPrefix("schedule") || number.lowercased().hasPrefix("annex")
                || number.lowercased().hasPrefix("appendix")
            {
                return heading.isEmpty || heading.lowercased() == number.lowercased()
                    ? number : "\(number) (\(heading))"
            }
            return heading.isEmpty ? "clause \(number)" : "clause \(number) (\(heading))"
        }
        if heading.isEmpty { return "the opening" }
        return "the clause headed \"\(heading)\""
    }
}

/// Text found for a check: the clause(s) whose heading is about its topic, or sentences found
/// elsewhere, with where they are.
struct Scope: Sendable {
    let text: String
    let sentences: [String]
    let location: String
    /// Placeholders inside the scope.
    let hasPlaceholder: Bool
}

/// An unfilled placeholder and the clause that holds it.
public struct PlaceholderFinding: Sendable, Equatable, Codable {
    /// The placeholder as written ("[TO COMPLETE]", "{{start_date}}", "____").
    public var text: String
    /// The clause that holds it ("clause 4 (Charges and payment)").
    public var location: String

    public init(text: String, location: String) {
        self.text = text
        self.location = location
    }
}

/// Contract Markdown prepared for clause detection: split into clauses and sentences,
/// lower-cased, Markdown emphasis removed, curly quotes straightened and whitespace collapsed.
struct ContractText: Sendable {
    /// The whole text, normalised.
    let lower: String
    let clauses: [Clause]
    let placeholders: [PlaceholderFinding]
    /// Indices of clauses holding a placeholder.
    let placeholderClauses: Set<Int>

    /// Whether the text has enough headings for checks to look in clauses (otherwise the whole
    /// text is one scope).
    var structured: Bool { clauses.filter { $0.number != nil || !$0.heading.isEmpty }.count >= 3 }

    init(_ markdown: String) {
        lower = Self.normalise(markdown)
        clauses = Self.segment(markdown)
        var found: [PlaceholderFinding] = []
        var holding: Set<Int> = []
        for (index, clause) in clauses.enumerated() {
            for text in Self.placeholders(in: clause.raw) {
                found.append(PlaceholderFinding(text: text, location: clause.location))
                holding.insert(index)
            }
        }
        placeholders = found
        placeholderClauses = holding
    }

    func contains(_ phrase: String) -> Bool { lower.contains(phrase) }

    func containsAny(_ phrases: [String]) -> Bool { phrases.contains { lower.contains($0) } }

    // MARK: - Scopes

    /// The clauses whose heading (or, for an untitled numbered paragraph, opening) contains
    /// one of `keywords`, each with its sub-clauses; nil when none. Clauses whose heading
    /// contains one of `excluding` are left out.
    func section(_ keywords: [String], excluding: [String] = []) -> Scope? {
        var picked: [Int] = []
        var index = 0
        while index < clauses.count {
            let clause = clauses[index]
            let isTitle = index == 0 && clause.level == 1 && clause.number == nil
            if !isTitle, keywords.contains(where: { clause.headingLower.contains($0) }),
                !excluding.contains(where: { clause.headingLower.contains($0) })
            {
                picked.append(index)
                var next = index + 1
                while next < clauses.count, isDescendant(clauses[next], of: clause) {
                    picked.append(next)
                    next += 1
                }
                index = next
            } else {
                index += 1
            }
        }
        guard !picked.isEmpty else { return nil }
        return scope(picked)
    }

    func isDescendant(_ candidate: Clause, of parent: Clause) -> Bool {
        if let number = parent.number, let child = candidate.number, child.hasPrefix(number + ".") { return true }
        return candidate.level > parent.level
    }

    func scope(_ indices: [Int]) -> Scope {
        let chosen = indices.map { clauses[$0] }
        let first = chosen[0]
        return Scope(
            text: chosen.map(\.lower).joined(separator: " "), sentences: chosen.flatMap(\.sentences),
            location: first.location, hasPlaceholder: indices.contains { placeholderClauses.contains($0) })
    }

    /// Whether one of `sentences` holds a placeholder.
    static func anyPlaceholder(_ sentences: [String]) -> Bool {
        sentences.contains { !placeholders(in: $0).isEmpty }
    }

    /// The whole text as one scope (for unstructured text).
    var whole: Scope {
        scope(Array(clauses.indices))
    }

    /// The sentences, anywhere, for which `accept` holds, located at the first one's clause.
    func sentences(where accept: (String) -> Bool) -> Scope? {
        var found: [String] = []
        var location: String?
        var placeholder = false
        for (index, clause) in clauses.enumerated() {
            for sentence in clause.sentences where accept(sentence) {
                found.append(sentence)
                if location == nil { location = clause.location }
                if placeholderClauses.contains(index), Self.anyPlaceholder([sentence]) { placeholder = true }
            }
        }
        guard let location else { return nil }
        return Scope(
            text: found.joined(separator: " "), sentences: found, location: location, hasPlaceholder: placeholder)
    }

    /// The clause holding the first sentence for which `accept` holds.
    func locate(where accept: (String) -> Bool) -> (location: String, sentence: String)? {
        for clause in clauses {
            if let sentence = clause.sentences.first(where: accept) { return (clause.location, sentence) }
        }
        return nil
    }

    // MARK: - Normalising and segmenting

    static func normalise(_ markdown: String) -> String {
        var out = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in markdown.lowercased().unicodeScalars {
            switch scalar {
            case "*", "`", "#":
                continue
            case "\u{2019}", "\u{2018}":
                out.append("'")
                lastWasSpace = false
            case "\u{201C}", "\u{201D}":
                out.append("\"")
                lastWasSpace = false
            case "\u{2013}", "\u{2014}":
                out.append("-")
                lastWasSpace = false
            default:
                let space =
                    scalar.value < 128
                    ? scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" || scalar.value == 11
                        || scalar.value == 12
                    : scalar.properties.isWhitespace
                if space {
                    if !lastWasSpace { out.append(" ") }
                    lastWasSpace = true
                } else {
                    out.append(scalar)
                    lastWasSpace = false
                }
            }
        }
        return String(out)
    }

    static let markdownHeading = Pattern(#"^(#{1,6})\s+(.+)$"#)
    static let boldLine = Pattern(#"^\*\*([^*]{1,100})\*\*\s*:?\s*$"#)
    static let numberedLine = Pattern(#"^(\d{1,2})\.?\s+(.+)$"#)
    static let subNumbered = Pattern(#"^(\d{1,2}(?:\.\d{1,2})+)\.?\s"#)
    static let leadingNumber = Pattern(#"^((?:clause\s+)?\d{1,2}(?:\.\d{1,2})*)\.?\s*[:.\-]?\s*"#)
    static let schedule = Pattern(#"^(schedule|annex|appendix|annexure)\s+([0-9a-z]{1,4})\b[\s:.\-]*"#)

    /// Splits Markdown into clauses at headings.
    static func segment(_ markdown: String) -> [Clause] {
        struct Open {
            var number: String?
            var heading: String
            var opening: String?
            var level: Int
            var lines: [Substring] = []
        }
        var result: [Clause] = []
        var current = Open(number: nil, heading: "", level: 0)
        var sawHeading = false

        func close() {
            let raw = current.lines.joined(separator: "\n")
            if current.number == nil, current.heading.isEmpty,
                raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            {
                return
            }
            let lowerText = normalise(raw)
            var headingLower = current.heading.lowercased()
            if let opening = current.opening { headingLower = opening }
            result.append(
                Clause(
                    number: current.number, heading: current.heading, headingLower: headingLower,
                    level: current.level, lower: lowerText, raw: raw, sentences: splitSentences(lowerText)))
        }

        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let heading = headingOf(trimmed, sawHeading: sawHeading) {
                close()
                current = Open(
                    number: heading.number, heading: heading.title, opening: heading.opening, level: heading.level)
                sawHeading = true
            }
            current.lines.append(line)
        }
        close()
        return result
    }

    /// The heading a line starts, if any: number, title, level and (for an untitled numbered
    /// paragraph) the opening words used to match topics.
    static func headingOf(_ line: String, sawHeading: Bool) -> (
        number: String?, title: String, opening: String?, level: Int
    )? {
        guard !line.isEmpty else { return nil }
        let unstarred = line.hasPrefix("**") ? line.replacing("**", with: "") : line
        var level = 0
        var text: String
        let first = line.first ?? " "
        let unstarredFirst = unstarred.first ?? " "
        if first != "#", first != "*", !unstarredFirst.isNumber, !"SsAa".contains(unstarredFirst) { return nil }
        if first == "#", let match = line.firstMatch(of: markdownHeading.regex), let hashes = match.output[1].substring,
            let rest = match.output[2].substring
        {
            level = hashes.count
            text = String(rest)
        } else if line.hasPrefix("**"), line.hasSuffix("**") || line.hasSuffix(":") || line.hasSuffix("**:"),
            let match = line.firstMatch(of: boldLine.regex), let inner = match.output[1].substring
        {
            level = 2
            text = String(inner)
        } else if line.hasPrefix("**"), let close = line.dropFirst(2).firstRange(of: "**") {
            // A run-in heading: "**Confidentiality.** The Employee shall not…", or with an ordinal
            // as its number, "**Eleventh: Confidentiality.** …".
            let inner = String(line.dropFirst(2)[..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
            guard let end = inner.last, ".:".contains(end), inner.split(separator: " ").count <= 8 else { return nil }
            var title = String(inner.dropLast()).trimmingCharacters(in: .whitespaces)
            var number: String?
            if let colon = title.firstIndex(of: ":") {
                number = String(title[..<colon]).trimmingCharacters(in: .whitespaces)
                title = String(title[title.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            guard !title.isEmpty else { return nil }
            return (number, title, nil, 2)
        } else if unstarredFirst.isNumber, unstarred.firstMatch(of: subNumbered.regex) != nil {
            return nil
        } else if unstarredFirst.isNumber, let match = unstarred.firstMatch(of: numberedLine.regex),
            let number = match.output[1].substring,
            let rest = match.output[2].substring
        {
            // "7. Liability" (a heading line) or "7. Liability. The Supplier…" / "7. The Supplier…"
            let body = rest.replacing("*", with: "").trimmingCharacters(in: .whitespaces)
            let words = body.split(separator: " ")
            let last = body.last ?? " "
            if words.count <= 8, !".;:,".contains(last), body.first?.isUppercase == true {
                return (String(number), body, nil, 2)
            }
            if let dot = body.firstIndex(of: "."), body[..<dot].split(separator: " ").count <= 6 {
                let title = String(body[..<dot]).trimmingCharacters(in: .whitespaces)
                return (String(number), title, nil, 2)
            }
            let opening = words.prefix(14).joined(separator: " ").lowercased()
            return (String(number), "", opening, 2)
        } else {
            let lowerLine = line.lowercased().replacing("*", with: "")
            guard lowerLine.hasPrefix("schedule") || lowerLine.hasPrefix("annex") || lowerLine.hasPrefix("appendix")
            else { return nil }
            if let match = lowerLine.firstMatch(of: schedule.regex) {
                let title = String(line.replacing("*", with: "")[match.range.upperBound...])
                    .trimmingCharacters(in: .whitespaces)
                let number = String(line.replacing("*", with: "")[match.range]).trimmingCharacters(
                    in: CharacterSet(charactersIn: " :.-"))
                return (number, title.count <= 80 ? title : "", nil, 1)
            }
            return nil
        }
        text = text.replacing("*", with: "").replacing("_", with: "").trimmingCharacters(in: .whitespaces)
        let lowerText = text.lowercased()
        let isSchedule =
            lowerText.hasPrefix("schedule") || lowerText.hasPrefix("annex") || lowerText.hasPrefix("appendix")
        if isSchedule, let match = lowerText.firstMatch(of: schedule.regex) {
            let title = String(text[match.range.upperBound...]).trimmingCharacters(in: .whitespaces)
            let number = String(text[match.range]).trimmingCharacters(in: CharacterSet(charactersIn: " :.-"))
            return (number, title, nil, 1)
        }
        if lowerText.first?.isNumber == true || lowerText.hasPrefix("clause"),
            let match = lowerText.firstMatch(of: leadingNumber.regex), let number = match.output[1].substring
        {
            let title = String(text[match.range.upperBound...]).trimmingCharacters(in: .whitespaces)
            let plain = number.replacing("clause", with: "").trimmingCharacters(in: .whitespaces)
            let depth = plain.split(separator: ".").count
            return (plain, title, nil, max(level, depth + 1))
        }
        return (nil, text, nil, level == 1 && sawHeading ? 2 : level)
    }

    static let abbreviations: Set<String> = [
        "e.g", "i.e", "no", "ltd", "co", "etc", "cl", "s", "reg", "art", "para", "plc", "inc", "st", "mr", "mrs", "ms",
        "dr", "sch", "p.a", "approx", "vs", "v",
    ]

    /// Splits normalised text into sentences at ". ", "; ", "? ", "! " (not after a common
    /// abbreviation or inside a number like 7.1).
    static func splitSentences(_ text: String) -> [String] {
        var sentences: [String] = []
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var index = 0
        func flush(_ end: Int) {
            var lower = start
            var upper = end
            while lower < upper, scalars[lower] == " " { lower += 1 }
            while upper > lower, scalars[upper - 1] == " " { upper -= 1 }
            if lower < upper {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[lower..<upper])
                sentences.append(String(view))
            }
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "." || scalar == ";" || scalar == "?" || scalar == "!", index + 1 < scalars.count,
                scalars[index + 1] == " "
            {
                var isBreak = true
                if scalar == "." {
                    var wordStart = index
                    while wordStart > start, scalars[wordStart - 1] != " " { wordStart -= 1 }
                    var view = String.UnicodeScalarView()
                    view.append(contentsOf: scalars[wordStart..<index])
                    let word = String(view).trimmingCharacters(in: CharacterSet(charactersIn: "(\""))
                    if abbreviations.contains(word) { isBreak = false }
                    if word.count <= 5, word.allSatisfy({ $0.isNumber || $0 == "." }) { isBreak = false }
                }
                if isBreak {
                    flush(index + 1)
                    start = index + 1
                }
            }
            index += 1
        }
        flush(scalars.count)
        return sentences
    }

    // MARK: - Placeholders

    static let bracketPlaceholder = Pattern(#"\[([^\[\]\n]{0,80})\](?!\()"#)
    static let bracesPlaceholder = Pattern(#"\{\{[^{}\n]{0,80}\}\}"#)
    static let blankPlaceholder = Pattern(#"_{4,}|\.{5,}"#)
    static let tbcPlaceholder = Pattern(#"\b(?:TBC|TBA|TBD|to be confirmed|to be agreed)\b"#)

    /// Unfilled placeholders in `raw` Markdown: `[TO COMPLETE]`, `[●]`, `[insert …]`,
    /// `[Client name]`, `{{x}}`, `£[ ]`, `____`, `TBC`. Markdown links and checkboxes are not
    /// placeholders.
    static func placeholders(in raw: String) -> [String] {
        guard
            raw.contains("[") || raw.contains("{{") || raw.contains("___") || raw.contains("....")
                || raw.contains("TB") || raw.lowercased().contains("to be ")
        else { return [] }
        var found: [String] = []
        for match in raw.contains("[") ? raw.matches(of: bracketPlaceholder.regex) : [] {
            let inner = (match.output[1].substring ?? "").trimmingCharacters(in: .whitespaces)
            if inner.lowercased() == "x" && raw[..<match.range.lowerBound].hasSuffix("- ") { continue }
            if !inner.isEmpty, inner.allSatisfy(\.isNumber) { continue }
            found.append(String(raw[match.range]))
        }
        if raw.contains("{{") {
            for match in raw.matches(of: bracesPlaceholder.regex) { found.append(String(raw[match.range])) }
        }
        if raw.contains("___") || raw.contains(".....") {
            // Blank lines for signatures, names and dates in an execution block are not placeholders.
            var previous = ""
            for line in raw.split(separator: "\n") {
                // A line (or table row) that is nothing but blanks is a line to write on, such as a
                // signature line under a party's name; a placeholder sits inside words ("£____").
                let ink = line.filter { $0 != "|" && $0 != "_" && $0 != "." && !$0.isWhitespace }
                if ink.isEmpty { continue }
                let lowerLine = line.lowercased()
                let context = lowerLine + " " + previous
                let signing = [
                    "sign", "behalf", "execut", "witness", "for ", "name", "date", "director", "by ", "sincerely",
                    "faithfully", "accept", "agreed", "by:", "title:", "position:", "print",
                ]
                .contains { context.contains($0) }
                if !signing {
                    for match in line.matches(of: blankPlaceholder.regex) { found.append(String(line[match.range])) }
                }
                // A table's separator row (`|---|---|`) is not context.
                if line.contains(where: { !"|-: \t".contains($0) }) { previous = lowerLine }
            }
        }
        if raw.contains("TB") || raw.lowercased().contains("to be ") {
            for match in raw.matches(of: tbcPlaceholder.regex) { found.append(String(raw[match.range])) }
        }
        return found
    }
}

extension String {
    /// This file's `contains` is the byte search (`containsBytes`), not Foundation's bridged one.
    fileprivate func contains(_ other: String) -> Bool { containsBytes(other) }
}
