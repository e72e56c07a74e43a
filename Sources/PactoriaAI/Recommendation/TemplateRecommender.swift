import Foundation
import PactoriaCore

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
        let expanded = expand(query)
        guard !expanded.weights.isEmpty, top > 0 else { return [] }

        var scored: [(document: Document, score: Double, reasons: [(Double, String)])] = []
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
            if score > 0 { scored.append((document, score, reasons)) }
        }
        guard let best = scored.map(\.score).max(), best > 0 else { return [] }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.document.template.id < $1.document.template.id }

        let strength = 1 - exp(-best / 8)
        let exponentials = scored.map { exp(4 * $0.score / best) }
        let sum = exponentials.reduce(0, +)
        return scored.prefix(top).enumerated().map { index, entry in
            let relative = entry.score / best
            let share = exponentials[index] / sum
            let confidence = min(1, max(0, strength * (0.6 * relative + 0.4 * share)))
            let reasons = entry.reasons.sorted { $0.0 > $1.0 }.prefix(4).map(\.1)
            return Recommendation(
                templateID: entry.document.template.id, name: entry.document.template.name,
                category: entry.document.template.category, contractType: entry.document.template.contractType,
                confidence: (confidence * 1000).rounded() / 1000, score: (entry.score * 1000).rounded() / 1000,
                reasons: Array(reasons))
        }
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

    func expand(_ query: String) -> ExpandedQuery {
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
