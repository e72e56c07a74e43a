import Foundation

extension String {
    /// Whether `other` occurs in the string, byte for byte (C `strstr`): Foundation's
    /// `contains` bridges to NSString and is many times slower. An empty `other` is not contained.
    func containsBytes(_ other: String) -> Bool {
        guard !other.isEmpty else { return false }
        var string = self
        var needle = other
        return string.withUTF8 { haystack in
            needle.withUTF8 { pattern in
                guard pattern.count <= haystack.count, let first = pattern.first else { return false }
                let end = haystack.count - pattern.count
                var index = 0
                while index <= end {
                    guard let found = memchr(haystack.baseAddress! + index, Int32(first), end - index + 1) else {
                        return false
                    }
                    let offset = haystack.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(haystack.baseAddress! + offset, pattern.baseAddress!, pattern.count) == 0 { return true }
                    index = offset + 1
                }
                return false
            }
        }
    }
}
