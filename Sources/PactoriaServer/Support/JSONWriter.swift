// Plain Swift, no framework import: `bench/json.sh` compiles this very file beside a benchmark.

/// Writes any `Encodable` value as compact JSON: keys of every object in code-point order, `/`
/// unescaped, `nil` as `null`, whole doubles without a fraction — the text `JSONEncoder` gives with
/// `[.sortedKeys, .withoutEscapingSlashes]`, in about 60% of its time (`bench/json.sh`), since no
/// intermediate tree of boxed values is built. The API's typed responses go through it.
enum JSONWriter {
    static func bytes(_ value: some Encodable) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try write(value, into: &out, path: [])
        return out
    }

    /// `value` appended to `out`: scalars directly, anything else through its `encode(to:)`.
    static func write<T: Encodable>(
        _ value: T, into out: inout [UInt8], path: @autoclosure () -> [any CodingKey]
    ) throws {
        switch value {
        case let s as String: string(s, into: &out)
        case let b as Bool: out += b ? trueBytes : falseBytes
        case let i as Int: out += Array(String(i).utf8)
        case let d as Double: try double(d, into: &out, path: path())
        case let i as Int64: out += Array(String(i).utf8)
        case let i as Int32: out += Array(String(i).utf8)
        case let i as Int16: out += Array(String(i).utf8)
        case let i as Int8: out += Array(String(i).utf8)
        case let i as UInt: out += Array(String(i).utf8)
        case let i as UInt64: out += Array(String(i).utf8)
        case let i as UInt32: out += Array(String(i).utf8)
        case let i as UInt16: out += Array(String(i).utf8)
        case let i as UInt8: out += Array(String(i).utf8)
        case let f as Float where f.isFinite && f != f.rounded(): out += Array(String(f).utf8)
        case let f as Float: try double(Double(f), into: &out, path: path())
        default:
            let encoder = Node(path: path())
            try value.encode(to: encoder)
            encoder.render(into: &out)
        }
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let nullBytes = Array("null".utf8)

    static func double(_ x: Double, into out: inout [UInt8], path: [any CodingKey]) throws {
        guard x.isFinite else {
            throw EncodingError.invalidValue(x, .init(codingPath: path, debugDescription: "\(x) is not valid JSON"))
        }
        if x == x.rounded(), abs(x) < 1e15 {
            out += Array(String(Int64(x)).utf8)
        } else {
            out += Array(String(x).utf8)
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0..<0x20:
                out += Array("\\u00".utf8)
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0xF)])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// What one `encode(to:)` produced: a scalar's bytes, an object's fields or an array's items.
    /// A member is written to bytes as soon as it is encoded, unless it is a nested container
    /// still to be filled.
    final class Node: Encoder {
        enum Member {
            case bytes([UInt8])
            case node(Node)

            func render(into out: inout [UInt8]) {
                switch self {
                case .bytes(let b): out += b
                case .node(let n): n.render(into: &out)
                }
            }
        }

        enum Content {
            case none
            case scalar([UInt8])
            case object([(key: String, value: Member)])
            case array([Member])
        }

        var content = Content.none
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(path: [any CodingKey]) { codingPath = path }

        func render(into out: inout [UInt8]) {
            switch content {
            case .none: out += JSONWriter.nullBytes
            case .scalar(let bytes): out += bytes
            case .object(let fields):
                out.append(UInt8(ascii: "{"))
                // Code-point (UTF-8 byte) order, as JSONEncoder's `.sortedKeys`; a key given twice
                // keeps its last value.
                let order = fields.indices.sorted { i, j in
                    fields[i].key == fields[j].key
                        ? i < j : fields[i].key.utf8.lexicographicallyPrecedes(fields[j].key.utf8)
                }
                var first = true
                for (n, i) in order.enumerated() {
                    if n + 1 < order.count, fields[order[n + 1]].key == fields[i].key { continue }
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    JSONWriter.string(fields[i].key, into: &out)
                    out.append(UInt8(ascii: ":"))
                    fields[i].value.render(into: &out)
                }
                out.append(UInt8(ascii: "}"))
            case .array(let items):
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    item.render(into: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
        }

        func add(_ key: String, _ member: Member) {
            if case .object(var fields) = content {
                content = .none  // keep the array uniquely referenced while it grows
                fields.append((key, member))
                content = .object(fields)
            } else {
                content = .object([(key, member)])
            }
        }

        func append(_ member: Member) {
            if case .array(var items) = content {
                content = .none
                items.append(member)
                content = .array(items)
            } else {
                content = .array([member])
            }
        }

        var count: Int {
            if case .array(let items) = content { return items.count }
            return 0
        }

        func bytes<T: Encodable>(_ value: T, _ key: @autoclosure () -> any CodingKey) throws -> Member {
            var out: [UInt8] = []
            try JSONWriter.write(value, into: &out, path: codingPath + [key()])
            return .bytes(out)
        }

        func nested(_ key: any CodingKey) -> Node { Node(path: codingPath + [key]) }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .object = content {} else { content = .object([]) }
            return KeyedEncodingContainer(Keyed<Key>(node: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if case .array = content {} else { content = .array([]) }
            return Unkeyed(node: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: self) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] { node.codingPath }

        mutating func encodeNil(forKey key: Key) throws { node.add(key.stringValue, .bytes(JSONWriter.nullBytes)) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            node.add(key.stringValue, try node.bytes(value, key))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            let n = node.nested(key)
            node.add(key.stringValue, .node(n))
            return n.container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let n = node.nested(key)
            node.add(key.stringValue, .node(n))
            return n.unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let n = node.nested(key)
            node.add(key.stringValue, .node(n))
            return n
        }
    }

    struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { String(intValue ?? 0) }
        init(_ i: Int) { intValue = i }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { node.codingPath }
        var count: Int { node.count }

        mutating func encodeNil() throws { node.append(.bytes(JSONWriter.nullBytes)) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            node.append(try node.bytes(value, IndexKey(node.count)))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            let n = node.nested(IndexKey(count))
            node.append(.node(n))
            return n.container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let n = node.nested(IndexKey(count))
            node.append(.node(n))
            return n.unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            let n = node.nested(IndexKey(count))
            node.append(.node(n))
            return n
        }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { node.codingPath }

        mutating func encodeNil() throws { node.content = .scalar(JSONWriter.nullBytes) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            var bytes: [UInt8] = []
            try JSONWriter.write(value, into: &bytes, path: node.codingPath)
            node.content = .scalar(bytes)
        }
    }
}
