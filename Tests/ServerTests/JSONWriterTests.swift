import Foundation
import Testing

@testable import PactoriaServer

/// The server's JSON writer must write what Foundation's JSONSerialization writes (sorted keys,
/// slashes unescaped) for every shape the API sends.
@Suite struct JSONWriterTests {
    static var samples: [Any] {
        [
            ["b": 1, "a": "x", "contract_type": "nda", "contracts": [1, 2], "_z": NSNull()] as [String: Any],
            ["text": "quote \" backslash \\ slash / newline \n tab \t bell \u{07} pound £ emoji 🙂"],
            ["flags": [true, false], "score": 0.85, "whole": 3.0, "big": Int64(9_000_000_000), "neg": -12],
            [
                "nested": [["id": "a", "value": ["amount": "15000.00", "currency": "GBP"]] as [String: Any]],
                "empty": [Any](), "none": [String: Any](),
            ],
            try! JSONSerialization.jsonObject(with: Data(#"{"n": 1, "t": true, "d": 2.5, "s": "x/y"}"#.utf8)),
        ]
    }

    @Test(arguments: 0..<samples.count)
    func matchesFoundation(_ i: Int) throws {
        let value = Self.samples[i]
        let mine = JSONWriter.bytes(value)
        let foundation = Array(
            try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
        #expect(String(decoding: mine, as: UTF8.self) == String(decoding: foundation, as: UTF8.self))
        // And it parses back to the same value.
        let back = try JSONSerialization.jsonObject(with: Data(mine))
        #expect(
            NSDictionary(dictionary: back as? [String: Any] ?? [:])
                == NSDictionary(dictionary: value as? [String: Any] ?? [:]))
    }
}
