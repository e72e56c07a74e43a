import Foundation

/// Writes the server's JSON: objects with keys in code-point order, `/` unescaped, the same text
/// `JSONSerialization` gives with `.sortedKeys` and `.withoutEscapingSlashes`, without its
/// locale-aware key sorting (which dominated the time of a list response).
enum JSONWriter {
    static func bytes(_ value: Any) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout [UInt8]) {
        switch value {
        case let s as String:
            string(s, into: &out)
        case let d as [String: Any]:
            out.append(UInt8(ascii: "{"))
            var first = true
            for key in d.keys.sorted() {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(d[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let a as [Any]:
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let b as Bool where type(of: value) == Bool.self:
            out += Array((b ? "true" : "false").utf8)
        case let i as Int where type(of: value) == Int.self:
            out += Array(String(i).utf8)
        case let i as Int64 where type(of: value) == Int64.self:
            out += Array(String(i).utf8)
        case let x as Double where type(of: value) == Double.self && x.isFinite:
            out += Array((x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)).utf8)
        case is NSNull:
            out += Array("null".utf8)
        case Optional<Any>.none:
            out += Array("null".utf8)
        default:
            // Anything else (NSNumber from a parsed body, say): as Foundation writes it.
            let data = try? JSONSerialization.data(
                withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])
            out += data.map(Array.init) ?? Array("null".utf8)
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func string(_ s: String, into out: inout [UInt8]) {
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
}
