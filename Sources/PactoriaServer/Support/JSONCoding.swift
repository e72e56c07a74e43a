import Foundation
public import Hummingbird

/// The API's request decoder: a body is read only when it is `application/json` (else 415), no
/// larger than the context's `maxUploadSize` (else 413), and of a sane shape (no deep nesting,
/// repeated keys or huge numbers: else 400). A decoding failure becomes a 422 naming the field
/// by its JSON path (`client.name`), or a 400 when the body is not a JSON object at all.
public struct APIRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext)
        async throws -> T
    {
        let limit = context.maxUploadSize
        guard Self.isJSON(request.headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "send the body as application/json")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "payload_too_large", "the body is larger than \(limit) bytes")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw APIError(.contentTooLarge, "payload_too_large", "the body is larger than \(limit) bytes")
        }
        // An empty body is an empty object: every field absent.
        let data = buffer.readableBytes > 0 ? Data(buffer.readableBytesView) : Data("{}".utf8)
        if let problem = JSONShape.problem(data) {
            throw APIError(.badRequest, "bad_request", "the body is not acceptable JSON: \(problem)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError(decoding: error)
        }
    }

    /// `application/json`, any case, optionally followed by parameters (`; charset=utf-8`); nothing
    /// else (`application/jsonp`, `application/json-seq`, `text/json` are refused).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

extension APIError {
    /// A `DecodingError` in our shape: the field is the coding path joined with dots.
    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        func join(_ keys: [any CodingKey], _ key: any CodingKey) -> String { path(keys + [key]) }
        switch error {
        case .keyNotFound(let key, let c):
            self = .validation(join(c.codingPath, key), "is required")
        case .valueNotFound(_, let c) where !c.codingPath.isEmpty:
            self = .validation(path(c.codingPath), "is required")
        case .typeMismatch(let type, let c) where !c.codingPath.isEmpty:
            self = .validation(path(c.codingPath), Self.expected(type))
        case .dataCorrupted(let c) where !c.codingPath.isEmpty:
            self = .validation(path(c.codingPath), "is not a valid value")
        case .typeMismatch, .valueNotFound:
            self = APIError(.badRequest, "bad_request", "the body is not a JSON object")
        default:
            self = APIError(.badRequest, "bad_request", "the body is not valid JSON")
        }
    }

    static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "must be a string"
        case is Bool.Type: return "must be true or false"
        case is Int.Type, is Int64.Type: return "must be a whole number"
        case is Double.Type: return "must be a number"
        default: return "must be an object"
        }
    }
}

/// The API's response encoder: compact JSON with keys in code-point order and `/` unescaped.
public struct APIResponseEncoder: ResponseEncoder {
    public init() {}

    /// The bytes of `value` as the API writes them (`JSONWriter`: the text of `JSONEncoder` with
    /// sorted keys and unescaped slashes, faster).
    static func bytes(_ value: some Encodable) throws -> [UInt8] {
        try JSONWriter.bytes(value)
    }

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws
        -> Response
    {
        JSONBody.response(bytes: try Self.bytes(value))
    }
}

/// JSON responses from encoded bytes.
enum JSONBody {
    static func response(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `value` as a response with `status` (201 for a creation, 503 for not ready).
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        response(bytes: try APIResponseEncoder.bytes(value), status: status)
    }
}

extension Request {
    /// The body decoded as `T` through the context's decoder, at most `limit` bytes.
    func decode<T: Decodable>(_ type: T.Type, context: PactoriaRequestContext, limit: Int) async throws -> T {
        var c = context
        c.maxUploadSize = limit
        return try await decode(as: type, context: c)
    }
}
