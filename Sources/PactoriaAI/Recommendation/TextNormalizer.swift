/// Turns text into search terms: lower-case words of letters and digits (hyphens and
/// apostrophes split words), English stop words dropped, and a light stemmer applied
/// ("services" → "servic", "hiring" → "hir", "companies" → "company").
public enum TextNormalizer {
    /// The terms of `text`, in order (with repeats).
    public static func terms(_ text: String) -> [String] {
        words(text).compactMap { word in stopWords.contains(word) ? nil : stem(word) }
    }

    /// The lower-case words of `text`, stop words included.
    public static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// A light suffix-stripping stemmer: plural and possessive endings, "-ing", "-ed",
    /// "-ies", a final "e", and one of a doubled final consonant left behind ("shipping" →
    /// "ship"). Words of three letters or fewer are kept.
    public static func stem(_ word: String) -> String {
        var w = word
        guard w.count > 3 else { return w }
        if let spelling = spellings[w] { w = spelling }
        if w.hasSuffix("ies"), w.count > 4 {
            w = String(w.dropLast(3)) + "y"
        } else if w.hasSuffix("sses") {
            w = String(w.dropLast(2))
        } else if w.hasSuffix("s"), !w.hasSuffix("ss"), !w.hasSuffix("us"), !w.hasSuffix("is") {
            w = String(w.dropLast())
        }
        if w.hasSuffix("ing"), w.count > 5 {
            w = String(w.dropLast(3))
            w = undouble(w)
        } else if w.hasSuffix("ed"), w.count > 4, !w.hasSuffix("eed") {
            w = String(w.dropLast(2))
            w = undouble(w)
        }
        if w.hasSuffix("e"), w.count > 4 { w = String(w.dropLast()) }
        return w
    }

    private static func undouble(_ w: String) -> String {
        let chars = Array(w)
        guard chars.count >= 3, chars[chars.count - 1] == chars[chars.count - 2],
            !"lsz".contains(chars[chars.count - 1]), chars[chars.count - 1].isLetter
        else { return w }
        return String(chars.dropLast())
    }

    /// US and variant spellings mapped to UK ones before stemming.
    static let spellings: [String: String] = [
        "license": "licence", "licenses": "licences", "licensing": "licencing", "organization": "organisation",
        "ecommerce": "ecommerce", "e-commerce": "ecommerce",
    ]

    static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does",
        "doing", "for", "from", "further", "get", "got", "had", "has", "have", "having", "he", "her", "here", "him",
        "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "like", "looking", "me", "more", "most",
        "my", "need", "needs", "needed", "no", "nor", "not", "now", "of", "on", "once", "only", "or", "other", "our",
        "ours", "out", "over", "own", "please", "same", "she", "should", "so", "some", "such", "than", "that", "the",
        "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
        "up", "us", "very", "want", "wants", "was", "we", "were", "what", "when", "where", "which", "while", "who",
        "whom", "why", "will", "with", "would", "you", "your", "yours", "im", "ive", "were", "re", "s", "ll", "d",
        "going", "help", "make", "making", "new", "something", "someone", "thing", "things", "use", "used", "using",
        "contract", "contracts", "agreement", "agreements", "template", "templates", "document", "documents",
    ]
}
