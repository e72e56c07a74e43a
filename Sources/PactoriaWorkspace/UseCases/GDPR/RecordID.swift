/// The ids of tracked GDPR records (requests `dsr-…`, consent events `cns-…`): a three-letter
/// kind, the day as `YYYYMMDD`, and lower-case hex digits. Only ids of exactly that shape are
/// accepted, so an id can never name a path elsewhere.
enum GDPRRecordID {
    /// Whether `id` is `<prefix>-YYYYMMDD-` followed by `hexDigits` lower-case hex digits.
    static func isValid(_ id: String, prefix: String, hexDigits: Int) -> Bool {
        let u = Array(id.utf8)
        let p = Array(prefix.utf8)
        guard p.count == 3, u.count == 4 + 8 + 1 + hexDigits, u.starts(with: p), u[3] == UInt8(ascii: "-"),
            u[12] == UInt8(ascii: "-")
        else { return false }
        let digits = u[4..<12].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        let hex = u[13...].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        return digits && hex
    }
}

/// A tracked GDPR record file (a request, a consent event) read as untrusted input: a pull
/// request may have written it, so every doubt is a problem naming the file and the field.
struct GDPRRecordFile {
    /// A problem found reading a record file.
    struct Bad: Error {
        var problem: Problem
    }

    let file: String
    let doc: YAMLDocument
    var root: YAMLNode { doc.root }

    /// The problem `message` about `field` (nil: the whole file) of `file`.
    static func bad(_ file: String, _ field: String?, _ message: String, line: Int? = nil) -> Bad {
        Bad(problem: Problem(file: file, line: line, field: field, message: message))
    }

    func bad(_ field: String?, _ message: String, line: Int? = nil) -> Bad {
        Self.bad(file, field, message, line: line)
    }

    /// Parses `bytes` as a UTF-8 YAML mapping of fields.
    init(_ bytes: [UInt8], file: String) throws(Bad) {
        self.file = file
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Self.bad(file, nil, "is not UTF-8 text")
        }
        do { doc = try YAMLDocument.parse(text, file: file) } catch { throw Self.bad(file, nil, "\(error)") }
        guard doc.root.entries != nil else { throw Self.bad(file, nil, "must be a mapping of fields") }
    }

    /// A text field; nil when absent or null.
    func string(_ key: String) throws(Bad) -> String? {
        guard let node = root[key] else { return nil }
        if case .scalar(_, .null) = node { return nil }
        guard let s = node.string else { throw bad(key, "must be text", line: doc.line(of: key)) }
        return s
    }

    func required(_ key: String) throws(Bad) -> String {
        guard let s = try string(key) else { throw bad(key, "is missing") }
        return s
    }
}
