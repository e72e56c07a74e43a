import Foundation
import Hummingbird

extension Request {
    /// The body as a JSON object: 415 unless it is `application/json` (parameters allowed), 413
    /// over the size limit, 400 if it nests too deep, repeats a key, holds an oversized number or
    /// does not parse as an object.
    func jsonObject(limit: Int) async throws -> [String: Any] {
        guard Self.isJSON(headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the body as application/json")
        }
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "payload_too_large", "the body is larger than \(limit) bytes")
        }
        let buffer: ByteBuffer
        do { buffer = try await body.collect(upTo: limit) } catch {
            throw APIError(.contentTooLarge, "payload_too_large", "the body is larger than \(limit) bytes")
        }
        guard buffer.readableBytes > 0 else { return [:] }
        if let problem = JSONShape.problem(buffer.readableBytesView) {
            throw APIError(.badRequest, "bad_request", "the body is not acceptable JSON: \(problem)")
        }
        let data = Data(buffer.readableBytesView)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw APIError(.badRequest, "bad_request", "the body is not a JSON object")
        }
        return object
    }
}

extension Request {
    /// `application/json`, any case, optionally followed by parameters (`; charset=utf-8`); nothing
    /// else (`application/jsonp`, `application/json-seq`, `text/json` are refused).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

/// Typed reads of JSON fields, each failing as a 422 that names the field.
struct Fields {
    let object: [String: Any]

    func string(_ key: String, required: Bool = false) throws -> String? {
        guard let v = object[key], !(v is NSNull) else {
            if required { throw APIError.validation(key, "is required") }
            return nil
        }
        guard let s = v as? String else { throw APIError.validation(key, "must be a string") }
        return s
    }

    /// JSON true/false, told apart from the numbers 0 and 1 (which bridge to Bool on Linux).
    static func isBool(_ v: Any) -> Bool {
        if type(of: v) == Bool.self { return true }
        if let n = v as? NSNumber {
            let t = String(cString: n.objCType)
            return t == "c" || t == "B"
        }
        return false
    }

    func bool(_ key: String) throws -> Bool? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard Self.isBool(v), let b = v as? Bool else { throw APIError.validation(key, "must be true or false") }
        return b
    }

    func int(_ key: String) throws -> Int? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard !Self.isBool(v), let n = v as? NSNumber else { throw APIError.validation(key, "must be a whole number") }
        // Integers as parsed; anything else must be a whole double that fits (no trapping conversion).
        let type = String(cString: n.objCType)
        if ["q", "l", "i", "s", "c"].contains(type) { return Int(n.int64Value) }
        guard let i = Int(exactly: n.doubleValue) else { throw APIError.validation(key, "must be a whole number") }
        return i
    }

    func object(_ key: String) throws -> [String: Any]? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        guard let o = v as? [String: Any] else { throw APIError.validation(key, "must be an object") }
        return o
    }

    func has(_ key: String) -> Bool { object[key] != nil }
    func isNull(_ key: String) -> Bool { object[key] is NSNull }
}
