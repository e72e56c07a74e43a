import Foundation
import PactoriaCore
import PactoriaTestSupport
import Testing

@testable import PactoriaWorkspace

/// Issue #15 (review): the review splits Markdown into lines on its UTF-8 bytes; on seeded random
/// hostile text (CR, LF, CR LF, NUL, U+2028, combining marks after `#` and after LF, invalid
/// UTF-8) the lines and the section maps are exactly those of the character-by-character split.
@Suite("Review: Markdown lines found on bytes")
struct ReviewLinesTests {
    /// The section map as it was (the reference).
    static func referenceSectionMap(_ bytes: [UInt8]?) -> [(String, String)] {
        guard let bytes else { return [] }
        var out: [(String, String)] = []
        var heading = "(preamble)"
        var body: [Substring] = []
        func flush() {
            let text = body.joined(separator: "\n").trimmingSpaces()
            if heading != "(preamble)" || !text.isEmpty { out.append((heading, text)) }
        }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") {
                flush()
                heading = String(line.drop { $0 == "#" }).trimmingSpaces()
                body = []
            } else {
                body.append(line)
            }
        }
        flush()
        return out
    }

    @Test("seeded random hostile Markdown: the same lines and sections as the character split")
    func randomText() {
        let pieces: [[UInt8]] = [
            [0x0A], [0x0D], [0x0D, 0x0A], [0x0A, 0x0D], [0x00], Array("\u{2028}".utf8), Array("\u{0301}".utf8),
            Array("# ".utf8), Array("## Term".utf8), Array("#".utf8), [0xC3], [0xFF], [0xE2, 0x80], Array(" ".utf8),
            Array("text".utf8), Array("é".utf8), Array("\u{1F600}".utf8), Array("\t".utf8), Array("\u{200D}".utf8),
        ]
        var rng = SplitMix64(seed: 0x15_2EE7)
        func next() -> Int { Int(truncatingIfNeeded: rng.next() >> 1) }
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<(next() % 40) { bytes += pieces[next() % pieces.count] }
            let text = String(decoding: bytes, as: UTF8.self)
            let reference = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(Review.lines(text) == reference, "round \(round): \(bytes)")
            let a = Review.sectionMap(bytes)
            let b = Self.referenceSectionMap(bytes)
            #expect(a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1), "round \(round): \(bytes)")
        }
        #expect(Review.sectionMap(nil).isEmpty)
    }
}
