import Foundation
import PactoriaCrypto

/// The id of a data key: 16 random bytes, written as 32 lower-case hex characters. It names a
/// key in the keyring and in every envelope sealed under it; it reveals nothing about the key.
public struct DataKeyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let hex: String

    /// Parses 32 lower-case hex characters.
    public init?(hex: String) {
        guard Hex.isLowerHex(hex, count: 32) else { return nil }
        self.hex = hex
    }

    /// A fresh random id.
    public static func random() throws -> DataKeyID {
        DataKeyID(unchecked: Hex.encode(try SecureRandom.bytes(16)))
    }

    init(unchecked hex: String) { self.hex = hex }

    public var description: String { hex }
    public static func < (a: DataKeyID, b: DataKeyID) -> Bool { a.hex < b.hex }
}

/// A contract's data key: 32 random bytes and their id. Printing it shows only the id.
public struct DataKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let id: DataKeyID
    package let bytes: [UInt8]

    public init(id: DataKeyID, bytes: [UInt8]) throws(SealingError) {
        guard bytes.count == AESGCM.keyByteCount else {
            throw .envelope("a data key is 32 bytes, got \(bytes.count)")
        }
        self.id = id
        self.bytes = bytes
    }

    /// A fresh random key with a fresh random id.
    public static func generate() throws -> DataKey {
        try DataKey(id: DataKeyID.random(), bytes: SecureRandom.bytes(AESGCM.keyByteCount))
    }

    public static func == (a: DataKey, b: DataKey) -> Bool { a.id == b.id && constantTimeEquals(a.bytes, b.bytes) }
    public var description: String { "DataKey(\(id.hex))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["id": id.hex]) }
}

/// What a sealed blob holds: the contract's metadata (YAML) or its text (Markdown). Bound into
/// the envelope, so a sealed Markdown blob cannot be passed off as the metadata or back.
public enum SealKind: String, Sendable, CaseIterable {
    case yaml
    case md
}

/// Deterministic AES-256-GCM envelopes in an ASCII armour, and the sealed YAML form.
///
/// ```
/// -----BEGIN PACTORIA SEALED v1-----
/// key: <32 hex key id>
/// <base64 of nonce ‖ ciphertext ‖ tag, lines of 76>
/// -----END PACTORIA SEALED v1-----
/// ```
///
/// The nonce is the first 12 bytes of HMAC-SHA256(data key, kind ‖ 0x00 ‖ plaintext), and the
/// additional data is "pactoria-sealed-v1" ‖ 0x00 ‖ kind ‖ 0x00 ‖ key id, fixed for a (key,
/// kind), so one nonce never meets two different additional data. The same plaintext under the
/// same key and kind always gives the same bytes (git's blob ids stay stable); see
/// docs/SEALING.md for what that reveals.
public enum SealEnvelope {
    public static let beginLine = "-----BEGIN PACTORIA SEALED v1-----"
    public static let endLine = "-----END PACTORIA SEALED v1-----"
    /// The largest plaintext sealed or accepted (the armour of it is about 4/3 larger).
    public static let maximumPlaintextBytes = 32 << 20
    static let lineLength = 76

    // MARK: - Armour

    /// Seals `plaintext` as `kind` under `key`: the armoured text, ending in a line feed.
    public static func seal(_ plaintext: [UInt8], kind: SealKind, key: DataKey) throws -> [UInt8] {
        guard plaintext.count <= maximumPlaintextBytes else {
            throw SealingError.envelope(
                "\(plaintext.count) bytes is larger than the \(maximumPlaintextBytes) bytes that can be sealed")
        }
        let kindBytes = Array(kind.rawValue.utf8)
        let box = try AESGCM.sealDeterministic(
            plaintext: plaintext, key: key.bytes, nonceContext: kindBytes + [0], aad: aad(kind: kind, keyID: key.id))
        let body = Data(box.combined).base64EncodedString()
        var out = ""
        out.reserveCapacity(body.utf8.count + body.utf8.count / lineLength + 128)
        out += beginLine + "\n" + "key: " + key.id.hex + "\n"
        var index = body.startIndex
        while index < body.endIndex {
            let next = body.index(index, offsetBy: lineLength, limitedBy: body.endIndex) ?? body.endIndex
            out += body[index..<next]
            out += "\n"
            index = next
        }
        out += endLine + "\n"
        return Array(out.utf8)
    }

    /// Opens an armoured envelope sealed as `kind` under `key`. Throws `.envelope` when the armour
    /// is malformed or names another key, `.unsealFailed` when the tag does not verify (wrong
    /// key, altered bytes, or sealed as the other kind). Never returns unauthenticated bytes.
    public static func unseal(_ armour: [UInt8], kind: SealKind, key: DataKey) throws -> [UInt8] {
        let parsed = try parse(armour)
        guard parsed.keyID == key.id else {
            throw SealingError.envelope("sealed under data key \(parsed.keyID.hex), not \(key.id.hex)")
        }
        do {
            return try AESGCM.open(
                AESGCM.SealedBox(combined: parsed.combined), key: key.bytes, aad: aad(kind: kind, keyID: key.id))
        } catch {
            throw SealingError.unsealFailed(keyID: key.id.hex, kind: kind.rawValue)
        }
    }

    /// True when `bytes` start with the armour's first line (a cheap test; no parsing).
    public static func isSealed(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: Array((beginLine + "\n").utf8))
    }

    /// The data key id an armoured envelope names, read without decrypting (the whole armour is
    /// checked, so a malformed one is an error here too).
    public static func keyID(of armour: [UInt8]) throws(SealingError) -> DataKeyID {
        try parse(armour).keyID
    }

    static func aad(kind: SealKind, keyID: DataKeyID) -> [UInt8] {
        Array("pactoria-sealed-v1".utf8) + [0] + Array(kind.rawValue.utf8) + [0] + Array(keyID.hex.utf8)
    }

    /// Strict parse: the exact lines written by `seal`, line feeds only, full-length base64 lines
    /// except the last, the end line then one line feed and nothing after.
    static func parse(_ armour: [UInt8]) throws(SealingError) -> (keyID: DataKeyID, combined: [UInt8]) {
        let maximumArmour = (maximumPlaintextBytes + 64) / 3 * 4 + (maximumPlaintextBytes / 40) + 256
        guard armour.count <= maximumArmour else { throw .envelope("the armour is larger than any sealed data") }
        guard isSealed(armour) else { throw .envelope("the first line is not \(beginLine)") }
        guard armour.last == 0x0A else {
            throw .envelope("the armour does not end with a line feed after its end line")
        }
        var lines = armour.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count >= 4 else { throw .envelope("the armour is truncated") }
        guard lines.removeLast().elementsEqual(endLine.utf8) else {
            throw .envelope("the last line is not \(endLine)")
        }
        lines.removeFirst()
        let keyLine = lines.removeFirst()
        let keyPrefix = Array("key: ".utf8)
        guard keyLine.starts(with: keyPrefix),
            let keyText = String(validating: keyLine.dropFirst(keyPrefix.count), as: UTF8.self),
            let keyID = DataKeyID(hex: keyText)
        else { throw .envelope("line 2 is not 'key: ' and a 32-character lower-case hex key id") }
        var body: [UInt8] = []
        body.reserveCapacity(lines.count * lineLength)
        for (offset, line) in lines.enumerated() {
            let number = offset + 3
            let isLast = offset == lines.count - 1
            guard line.count == lineLength || (isLast && !line.isEmpty && line.count <= lineLength) else {
                throw .envelope("line \(number) is not a base64 line of \(lineLength) characters")
            }
            guard line.allSatisfy(isBase64Symbol) else {
                throw .envelope("line \(number) has a character that is not base64")
            }
            body.append(contentsOf: line)
        }
        guard body.count % 4 == 0, let data = Data(base64Encoded: Data(body)) else {
            throw .envelope("the base64 body is truncated or malformed")
        }
        guard data.count >= AESGCM.nonceByteCount + AESGCM.tagByteCount else {
            throw .envelope("the sealed body is shorter than a nonce and a tag")
        }
        return (keyID, Array(data))
    }

    private static func isBase64Symbol(_ c: UInt8) -> Bool {
        (65...90).contains(c) || (97...122).contains(c) || (48...57).contains(c) || c == 43 || c == 47 || c == 61
    }

    // MARK: - Sealed YAML

    /// The top-level key that holds the armoured metadata in a sealed YAML document.
    public static let sealedFieldName = "sealed"

    /// Seals a contract's plaintext YAML into a YAML document: the clear fields first, one per
    /// line as `key: "value"` (always double-quoted, with every control character, DEL, U+0085,
    /// U+2028, U+2029 and U+FEFF escaped, so no title can break the document), then
    /// `sealed: |` and the armour of the whole plaintext YAML indented by two spaces.
    ///
    /// Keys must be lower-case identifiers (`[a-z][a-z0-9_]*`), distinct and not `sealed`.
    /// The clear fields are a copy for reading without the key; they are not authenticated (the
    /// sealed plaintext is the truth: compare after unsealing when it matters).
    public static func sealYAML(
        plaintextYAML: [UInt8], clearFields: [(key: String, value: String)], key: DataKey
    ) throws -> [UInt8] {
        var seen = Set<String>()
        var out = ""
        for field in clearFields {
            guard isFieldName(field.key) else {
                throw SealingError.sealedYAML("clear field name '\(escape(field.key))' is not a lower-case identifier")
            }
            guard field.key != sealedFieldName else {
                throw SealingError.sealedYAML("'\(sealedFieldName)' cannot be a clear field")
            }
            guard seen.insert(field.key).inserted else {
                throw SealingError.sealedYAML("clear field '\(field.key)' is given twice")
            }
            out += field.key + ": \"" + escape(field.value) + "\"\n"
        }
        out += sealedFieldName + ": |\n"
        let armour = try seal(plaintextYAML, kind: .yaml, key: key)
        var bytes = Array(out.utf8)
        bytes.reserveCapacity(bytes.count + armour.count + armour.count / 38 + 8)
        for line in armour.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false) {
            bytes.append(contentsOf: [0x20, 0x20])
            bytes.append(contentsOf: line)
            bytes.append(0x0A)
        }
        return bytes
    }

    /// True when `bytes` look like a sealed YAML document (a cheap test: a line that is exactly
    /// `sealed: |` followed by the indented armour's first line).
    public static func isSealedYAML(_ bytes: [UInt8]) -> Bool {
        let marker = Array(("\n" + sealedFieldName + ": |\n  " + beginLine + "\n").utf8)
        let first = Array((sealedFieldName + ": |\n  " + beginLine + "\n").utf8)
        if bytes.starts(with: first) { return true }
        guard bytes.count >= marker.count else { return false }
        // The armour follows the (short) clear fields; search only a bounded head.
        let head = bytes.prefix(64 << 10)
        var i = head.startIndex
        while i + marker.count <= head.endIndex {
            if head[i] == 0x0A && head[i..<(i + marker.count)].elementsEqual(marker) { return true }
            i += 1
        }
        return false
    }

    /// The plaintext YAML of a sealed YAML document.
    public static func unsealYAML(_ blob: [UInt8], key: DataKey) throws -> [UInt8] {
        try unseal(parseSealedYAML(blob).armour, kind: .yaml, key: key)
    }

    /// The clear fields of a sealed YAML document, in order, read without a key.
    public static func clearFields(of blob: [UInt8]) throws(SealingError) -> [(key: String, value: String)] {
        try parseSealedYAML(blob).fields
    }

    /// The data key id a sealed YAML document names, read without a key.
    public static func keyID(ofSealedYAML blob: [UInt8]) throws(SealingError) -> DataKeyID {
        try parse(parseSealedYAML(blob).armour).keyID
    }

    /// Strict parse of exactly what `sealYAML` writes.
    static func parseSealedYAML(_ blob: [UInt8]) throws(SealingError) -> (
        fields: [(key: String, value: String)], armour: [UInt8]
    ) {
        guard blob.count <= maximumPlaintextBytes / 3 * 5 else {
            throw .sealedYAML("the document is larger than any sealed metadata")
        }
        guard blob.last == 0x0A else { throw .sealedYAML("the document does not end with a line feed") }
        let lines = blob.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        var fields: [(key: String, value: String)] = []
        var seen = Set<String>()
        var index = 0
        let sealedLine = Array((sealedFieldName + ": |").utf8)
        while true {
            guard index < lines.count else { throw .sealedYAML("there is no '\(sealedFieldName): |' line") }
            let line = lines[index]
            let number = index + 1
            index += 1
            if line.elementsEqual(sealedLine) { break }
            guard let text = String(validating: line, as: UTF8.self) else {
                throw .sealedYAML("line \(number) is not UTF-8")
            }
            guard let colon = text.range(of: ": \""), text[colon.upperBound...].hasSuffix("\"") else {
                throw .sealedYAML("line \(number) is not a clear field (key: \"value\")")
            }
            let name = String(text[..<colon.lowerBound])
            guard isFieldName(name), name != sealedFieldName else {
                throw .sealedYAML("line \(number) has a field name that is not a lower-case identifier")
            }
            guard seen.insert(name).inserted else { throw .sealedYAML("line \(number) repeats the field '\(name)'") }
            let quoted = text[colon.upperBound...].dropLast()
            guard let value = unescape(quoted) else {
                throw .sealedYAML("line \(number): the value of '\(name)' is not a valid quoted string")
            }
            fields.append((name, value))
        }
        var armour: [UInt8] = []
        armour.reserveCapacity(blob.count)
        guard index < lines.count else { throw .sealedYAML("the '\(sealedFieldName)' field is empty") }
        while index < lines.count {
            let line = lines[index]
            guard line.starts(with: [0x20, 0x20]) else {
                throw .sealedYAML("line \(index + 1) is not part of the indented sealed block")
            }
            armour.append(contentsOf: line.dropFirst(2))
            armour.append(0x0A)
            index += 1
        }
        do {
            _ = try parse(armour)
        } catch {
            if case .envelope(let detail) = error { throw .sealedYAML("the '\(sealedFieldName)' block: \(detail)") }
            throw error
        }
        return (fields, armour)
    }

    static func isFieldName(_ name: String) -> Bool {
        guard let first = name.utf8.first, (97...122).contains(first), name.utf8.count <= 64 else { return false }
        return name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }

    /// YAML double-quoted escaping: backslash and quote, and every character that could end or
    /// confuse a line, as `\xNN`, `\uNNNN`.
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0x22: out += "\\\""
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                out += "\\x" + hex2(scalar.value)
            case 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF:
                out += "\\u" + hex2(scalar.value >> 8) + hex2(scalar.value & 0xFF)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The reverse of `escape` (only the escapes it writes; an unescaped quote, backslash or
    /// control character is refused).
    static func unescape(_ quoted: Substring) -> String? {
        var out = String.UnicodeScalarView()
        var scalars = quoted.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x22, 0x00..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029, 0xFEFF: return nil
            case 0x5C:
                guard let escaped = scalars.next() else { return nil }
                switch escaped {
                case "\\": out.append("\\")
                case "\"": out.append("\"")
                case "x", "u":
                    var value: UInt32 = 0
                    for _ in 0..<(escaped == "x" ? 2 : 4) {
                        guard let digit = scalars.next(), digit.isASCII, let v = UInt32(String(digit), radix: 16)
                        else { return nil }
                        value = value << 4 | v
                    }
                    guard let decoded = Unicode.Scalar(value) else { return nil }
                    out.append(decoded)
                default: return nil
                }
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func hex2(_ value: UInt32) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(digits[Int(value >> 4 & 0xF)]) + String(digits[Int(value & 0xF)])
    }
}
