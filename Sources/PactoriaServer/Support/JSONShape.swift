// Plain Swift, no framework import: `Fuzz/` compiles this very file into its `fuzz-json` target.

/// A single pass over a JSON body before it is parsed: the parser is never handed a body that
/// nests deeper than `maxDepth`, repeats a key in one object, or has a number longer than
/// `maxNumberLength` characters.
enum JSONShape {
    static let maxDepth = 32
    static let maxNumberLength = 40

    /// What is wrong with the body, or nil. Malformed JSON is left for the parser to refuse.
    static func problem<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        // One entry per open container: the keys seen (objects) or nil (arrays).
        var stack: [Set<[UInt8]>?] = []
        var i = bytes.startIndex
        var number = 0
        while i != bytes.endIndex {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                number = 0
                if stack.count >= maxDepth { return "it nests deeper than \(maxDepth) levels" }
                stack.append(c == UInt8(ascii: "{") ? Set() : nil)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                number = 0
                if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: "\""):
                number = 0
                var text: [UInt8] = []
                i = bytes.index(after: i)
                while i != bytes.endIndex, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") {
                        text.append(bytes[i])
                        i = bytes.index(after: i)
                        if i == bytes.endIndex { break }
                    }
                    text.append(bytes[i])
                    i = bytes.index(after: i)
                }
                if i == bytes.endIndex { return nil }
                // A string followed by `:` is a key of the innermost object.
                var j = bytes.index(after: i)
                while j != bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[j]) { j = bytes.index(after: j) }
                if j != bytes.endIndex, bytes[j] == UInt8(ascii: ":"), let top = stack.last, var keys = top {
                    if keys.contains(text) {
                        return
                            "the key \"\(String(decoding: text.prefix(64), as: UTF8.self))\" appears twice in one object"
                    }
                    keys.insert(text)
                    stack[stack.count - 1] = keys
                }
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                number += 1
                if number > maxNumberLength { return "a number is longer than \(maxNumberLength) characters" }
            default:
                number = 0
            }
            i = bytes.index(after: i)
        }
        return nil
    }
}
