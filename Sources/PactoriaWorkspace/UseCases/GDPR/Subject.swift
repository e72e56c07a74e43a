import PactoriaCore

/// The person a data-subject request is about: an email address or a name, as typed.
///
/// An email matches exactly (ignoring case), bounded by characters that cannot be part of an
/// address; a name matches as whole words (ignoring case), so "Ann" does not match "Annex".
public struct DataSubject: Sendable, Equatable {
    public enum Kind: String, Sendable { case email, name }

    /// The subject as given, trimmed of surrounding spaces.
    public let text: String
    public let kind: Kind
    /// The lower-cased subject, as matched.
    let needle: [Unicode.Scalar]

    /// The shortest subject searched for: shorter ones match nearly everything.
    public static let minimumLength = 3
    /// The longest: an email address is at most 320 characters.
    public static let maximumLength = 320

    /// Checks and reads `raw`: at least 3 and at most 320 characters, no control characters.
    public init(_ raw: String) throws(WorkspaceError) {
        let text = raw.trimmingSpaces()
        if text.unicodeScalars.contains(where: {
            $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value)
        }) {
            throw .invalidInput(field: "subject", message: "must not contain control characters")
        }
        guard text.count >= Self.minimumLength else {
            throw .invalidInput(
                field: "subject",
                message: "must be at least \(Self.minimumLength) characters (an email or a name), got \(text.count)")
        }
        guard text.count <= Self.maximumLength else {
            throw .invalidInput(field: "subject", message: "must be at most \(Self.maximumLength) characters")
        }
        self.text = text
        self.kind = text.contains("@") ? .email : .name
        self.needle = Array(text.lowercased().unicodeScalars)
    }

    /// True when `haystack` mentions the subject.
    public func matches(_ haystack: String) -> Bool {
        guard !haystack.isEmpty else { return false }
        let h = Array(haystack.lowercased().unicodeScalars)
        let n = needle
        guard h.count >= n.count, let first = n.first else { return false }
        var i = 0
        while i + n.count <= h.count {
            if h[i] == first {
                var j = 1
                while j < n.count, h[i + j] == n[j] { j += 1 }
                if j == n.count, bounded(h, start: i, end: i + n.count) { return true }
            }
            i += 1
        }
        return false
    }

    /// Whether the occurrence `h[start..<end]` stands on its own.
    private func bounded(_ h: [Unicode.Scalar], start: Int, end: Int) -> Bool {
        switch kind {
        case .name:
            let before: Unicode.Scalar? = start > 0 ? h[start - 1] : nil
            let after: Unicode.Scalar? = end < h.count ? h[end] : nil
            return !(before.map(Self.isWordScalar) ?? false) && !(after.map(Self.isWordScalar) ?? false)
        case .email:
            if start > 0, Self.isAddressScalar(h[start - 1]) || h[start - 1] == "." { return false }
            guard end < h.count else { return true }
            let after = h[end]
            // A full stop ends a sentence unless an address character follows it.
            if after == "." { return end + 1 >= h.count || !Self.isAddressScalar(h[end + 1]) }
            return !Self.isAddressScalar(after)
        }
    }

    static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        u.properties.isAlphabetic || u.properties.numericType != nil || u == "_"
    }

    static func isAddressScalar(_ u: Unicode.Scalar) -> Bool {
        isWordScalar(u) || "%+-@".unicodeScalars.contains(u)
    }
}
