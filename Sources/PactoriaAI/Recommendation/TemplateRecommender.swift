import Foundation
public import PactoriaCore

/// Ranks templates for a plain-English description of a business need.
///
/// **Relevance** is BM25F (k1 = 1.2, b = 0.75) over four fields with weights: name 3,
/// suitable_for 2.5, description 1, category 0.5. Text is normalised by `TextNormalizer`
/// (lower case, stop words removed, light stemming). The query is expanded with `Synonyms`:
/// when a query word or phrase belongs to a group ("staff", "employee", "hire", …), the other
/// members are searched too at weight 0.5. A template also gets a phrase bonus of 0.75 × idf
/// summed over the terms of each multi-word `suitable_for` entry that appears whole in the
/// query ("online shop", "part time employee").
///
/// **Intent** (`Intent`): cues in the description beyond single words (the contract type it
/// implies, the party relationship, negative evidence) add or take away a share of the best
/// word-match score from the templates they concern (type +0.35, relationship +0.3, contrary
/// evidence −0.6); each adjustment is a reason on the recommendation. A known contract type
/// (`recommend(description:contractType:top:)`) adds the whole best score to every template of
/// that type, so they rank first.
///
/// **Confidence** of the result with score `s`, where `s_max` is the best score:
/// `strength × (0.6 × s / s_max + 0.4 × softmax(s))`, with
/// `strength = 1 − e^(−s_max / 8)` (how well the best template matches at all) and
/// `softmax(s) = e^(4s/s_max) / Σ e^(4s_j/s_max)` over all templates with a score (how clearly it
/// stands out). Both factors are in 0...1, so confidence is too; it is rounded to 3 decimals.
public struct TemplateRecommender: Sendable {
    public static let fieldWeights = (name: 3.0, suitableFor: 2.5, description: 1.0, category: 0.5)
    public static let synonymWeight = 0.5
    static let k1 = 1.2
    static let b = 0.75

    struct Document: Sendable {
        var template: Template
        /// Term frequencies per field: name, suitable_for, description, category.
        var fields: [[String: Int]]
        var lengths: [Int]
        /// Stemmed multi-word suitable_for entries with their text.
        var phrases: [(terms: [String], text: String)]
    }

    let documents: [Document]
    let averageLengths: [Double]
    let documentFrequency: [String: Int]

    public init(templates: [Template]) {
        var documents: [Document] = []
        var frequency: [String: Int] = [:]
        for template in templates {
            let texts = [
                template.name, template.suitableFor.joined(separator: " . "), template.description, template.category,
            ]
            var fields: [[String: Int]] = []
            var lengths: [Int] = []
            var all = Set<String>()
            for text in texts {
                let terms = TextNormalizer.terms(text)
                var counts: [String: Int] = [:]
                for term in terms { counts[term, default: 0] += 1 }
                fields.append(counts)
                lengths.append(terms.count)
                all.formUnion(terms)
            }
            for term in all { frequency[term, default: 0] += 1 }
            let phrases = template.suitableFor.compactMap { entry -> (terms: [String], text: String)? in
                let terms = TextNormalizer.terms(entry)
                return terms.count >= 2 ? (terms, entry) : nil
            }
            documents.append(Document(template: template, fields: fields, lengths: lengths, phrases: phrases))
        }
        self.documents = documents
        documentFrequency = frequency
        let count = Double(max(1, documents.count))
        averageLengths = (0..<4).map { field in
            max(1, Double(documents.reduce(0) { $0 + $1.lengths[field] }) / count)
        }
    }

    public init(catalog: TemplateCatalog) {
        self.init(templates: catalog.templates)
    }

    /// Up to `top` templates for `query`, best first. Templates that match nothing are left
    /// out, so a query with no recognisable words gives an empty list.
    public func recommend(_ query: String, top: Int = 3) -> [Recommendation] {
        recommend(description: query, contractType: nil, top: top)
    }

    /// Up to `top` templates for `description`, best first, with `contractType` (when known, as
    /// for a contract that has a type but no template) as a strong hint: every template of that
    /// type ranks above every other, ordered among themselves by the description. With an empty
    /// or unrecognised description the type's templates are still returned, ranked by the
    /// type's name.
    public func recommend(description: String, contractType: ContractType?, top: Int = 3) -> [Recommendation] {
        guard top > 0 else { return [] }
        let intent = Intent(query: description, templates: documents.map(\.template))
        var scored = relevance(description, literalOnly: intent.literalOnly)
        let bestWords = scored.map(\.score).max() ?? 0
        if bestWords <= 0, let contractType {
            // Nothing in the description matched: rank the type's templates by its name.
            scored = relevance(contractType.displayName)
        }
        let scale = max(scored.map(\.score).max() ?? 0, 4)
        for index in scored.indices {
            let template = scored[index].document.template
            for adjustment in intent.adjustments[template.id] ?? [] where bestWords > 0 {
                let amount = adjustment.weight * scale
                scored[index].score += amount
                scored[index].adjustments.append((amount, adjustment.reason))
            }
            if let contractType, template.contractType == contractType {
                scored[index].score += scale
                scored[index].adjustments.append((scale, "+ the contract's type is \(contractType.displayName)"))
            }
        }
        scored.removeAll { $0.score <= 0 }
        guard let best = scored.map(\.score).max(), best > 0 else { return [] }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.document.template.id < $1.document.template.id }

        let strength = 1 - exp(-best / 8)
        let exponentials = scored.map { exp(4 * $0.score / best) }
        let sum = exponentials.reduce(0, +)
        return scored.prefix(top).enumerated().map { index, entry in
            let relative = entry.score / best
            let share = exponentials[index] / sum
            let confidence = min(1, max(0, strength * (0.6 * relative + 0.4 * share)))
            let adjustments = entry.adjustments.sorted { abs($0.0) > abs($1.0) }.map(\.1)
            let words = entry.reasons.sorted { $0.0 > $1.0 }.map(\.1)
            let reasons = Array(adjustments.prefix(3)) + Array(words.prefix(max(2, 5 - min(3, adjustments.count))))
            return Recommendation(
                templateID: entry.document.template.id, name: entry.document.template.name,
                category: entry.document.template.category, contractType: entry.document.template.contractType,
                confidence: (confidence * 1000).rounded() / 1000, score: (entry.score * 1000).rounded() / 1000,
                reasons: reasons)
        }
    }

    /// A template's word-match score for a description, with the reasons behind it.
    struct Scored {
        var document: Document
        var score: Double
        var reasons: [(Double, String)]
        var adjustments: [(Double, String)] = []
    }

    /// BM25F plus phrase bonus for every template (zero when nothing matches, and for all of
    /// them when the query has no searchable word).
    func relevance(_ query: String, literalOnly: Set<String> = []) -> [Scored] {
        let expanded = expand(query, literalOnly: literalOnly)
        var scored: [Scored] = []
        for document in documents {
            var score = 0.0
            var reasons: [(Double, String)] = []
            for (term, weight) in expanded.weights {
                var tf = 0.0
                var matchedFields: [String] = []
                for (field, counts) in document.fields.enumerated() {
                    guard let count = counts[term], count > 0 else { continue }
                    let normaliser = 1 - Self.b + Self.b * Double(document.lengths[field]) / averageLengths[field]
                    tf += Self.weight(field) * Double(count) / normaliser
                    matchedFields.append(Self.fieldName(field))
                }
                guard tf > 0 else { continue }
                let contribution = weight * idf(term) * tf * (Self.k1 + 1) / (Self.k1 + tf)
                score += contribution
                let surface = expanded.surface[term] ?? term
                reasons.append((contribution, "\(surface) matches \(matchedFields.joined(separator: ", "))"))
            }
            let queryTerms = expanded.sequence
            for phrase in document.phrases where Self.contains(queryTerms, phrase.terms) {
                let bonus = 0.75 * phrase.terms.reduce(0) { $0 + idf($1) }
                score += bonus
                reasons.append((bonus, "need “\(phrase.text)” is listed in suitable for"))
            }
            scored.append(Scored(document: document, score: score, reasons: reasons))
        }
        return scored
    }

    // MARK: - Query

    struct ExpandedQuery {
        /// Term → weight (1 for the query's own terms, `synonymWeight` for synonyms).
        var weights: [String: Double] = [:]
        /// Term → how to name it in a reason ("“staff” (synonym: employee)").
        var surface: [String: String] = [:]
        /// The query's own terms in order, for phrase matching.
        var sequence: [String] = []
    }

    /// The query's terms with their synonyms, except for the synonyms of phrases in
    /// `literalOnly` (said in another sense: "taking on" a client).
    func expand(_ query: String, literalOnly: Set<String> = []) -> ExpandedQuery {
        var result = ExpandedQuery()
        let words = TextNormalizer.words(query)
        let allStems = words.map(TextNormalizer.stem)
        for word in words where !TextNormalizer.stopWords.contains(word) {
            let term = TextNormalizer.stem(word)
            result.sequence.append(term)
            result.weights[term] = 1
            if result.surface[term] == nil { result.surface[term] = "“\(word)”" }
        }
        for (groupIndex, group) in Synonyms.stemmedGroups.enumerated() {
            guard let hit = group.firstIndex(where: { Self.contains(allStems, $0) }) else { continue }
            let said = Synonyms.groups[groupIndex][hit]
            if literalOnly.contains(said) { continue }
            for (memberIndex, member) in group.enumerated() where memberIndex != hit {
                let memberText = Synonyms.groups[groupIndex][memberIndex]
                for term in member where !TextNormalizer.stopWords.contains(term) && term.count > 1 {
                    guard (result.weights[term] ?? 0) < Self.synonymWeight else { continue }
                    result.weights[term] = Self.synonymWeight
                    result.surface[term] = "“\(said)” (synonym: \(memberText))"
                }
            }
        }
        return result
    }

    func idf(_ term: String) -> Double {
        let n = Double(documentFrequency[term] ?? 0)
        let total = Double(documents.count)
        return log(1 + (total - n + 0.5) / (n + 0.5))
    }

    static func weight(_ field: Int) -> Double {
        switch field {
        case 0: fieldWeights.name
        case 1: fieldWeights.suitableFor
        case 2: fieldWeights.description
        default: fieldWeights.category
        }
    }

    static func fieldName(_ field: Int) -> String {
        switch field {
        case 0: "name"
        case 1: "suitable for"
        case 2: "description"
        default: "category"
        }
    }

    /// Whether `needle` occurs contiguously in `haystack`.
    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle
        {
            return true
        }
        return false
    }
}
