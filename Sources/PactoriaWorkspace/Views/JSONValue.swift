/// Any JSON value, for the sections of a contract file that Pactoria keeps as written
/// (`generation`, `compliance`) and for pass-through data such as security events.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// Literals, so a document such as the OpenAPI description is written as typed JSON.
extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByStringInterpolation,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    /// A YAML tree as JSON: mappings to objects, sequences to arrays, and plain scalars resolved as
    /// YAML's core schema reads them (`true`/`false` to booleans, integers and decimals to numbers,
    /// `null` to null); anything quoted, and dates, stay strings.
    public init(yaml node: YAMLNode) {
        switch node {
        case .scalar(_, .null): self = .null
        case .scalar(let s, .typed):
            switch s {
            case "true", "True", "TRUE": self = .bool(true)
            case "false", "False", "FALSE": self = .bool(false)
            default:
                if let i = Int(s) {
                    self = .int(i)
                } else if s.contains("."), s.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }),
                    let d = Double(s), d.isFinite
                {
                    self = .double(d)
                } else {
                    self = .string(s)
                }
            }
        case .scalar(let s, _): self = .string(s)
        case .mapping(let entries):
            var o: [String: JSONValue] = [:]
            for e in entries { o[e.key] = JSONValue(yaml: e.value) }
            self = .object(o)
        case .sequence(let items): self = .array(items.map(JSONValue.init(yaml:)))
        }
    }
}
