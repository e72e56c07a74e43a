import Foundation

/// The fields a list's search looks in, for every summary of an index, in one contiguous buffer with
/// ASCII letters lower-cased, plus a trigram index over it: a search looks up the needle's
/// trigrams, intersects their postings and confirms only those candidates with a byte search,
/// so its cost follows the number of candidates rather than the size of the workspace. Nothing
/// here touches (or retains) a summary's strings, which matters when many requests search the
/// same index at once.
struct SearchText: Sendable {
    /// One index's text and trigrams; a concatenation keeps its parts, each with its first summary.
    struct Part: Sendable {
        var bytes: [UInt8] = []
        /// `ends[i]` is where summary `i`'s text ends (and `ends[i - 1]` where it starts).
        var ends: [Int] = []
        var grams = Trigrams()
    }

    private var parts: [Part]
    /// `firsts[k]` is the index (in the whole) of part `k`'s first summary.
    private var firsts: [Int]
    /// Which part each summary is in, and where in it.
    private var locations: [(part: Int32, local: Int32)]

    init(_ summaries: [ContractSummary]) {
        var part = Part()
        part.bytes.reserveCapacity(summaries.count * 256)
        part.ends.reserveCapacity(summaries.count)
        for s in summaries {
            for field in [
                s.title, s.clientName, s.clientCompany, s.supplierName, s.supplierCompany, s.plainEnglishInput,
            ] {
                guard let field else { continue }
                for c in field.utf8 { part.bytes.append(c >= 65 && c <= 90 ? c | 0x20 : c) }
                part.bytes.append(0)  // no needle holds a NUL, so no match spans two fields
            }
            part.ends.append(part.bytes.count)
        }
        part.grams = Trigrams(bytes: part.bytes, ends: part.ends)
        self.init(parts: [part])
    }

    /// The texts of several indexes, one after the other (as their summaries are concatenated).
    /// The parts' trigram indexes are kept as they are, so a change to one company re-indexes
    /// only that company.
    init(concatenating texts: [SearchText]) {
        self.init(parts: texts.flatMap(\.parts))
    }

    private init(parts: [Part]) {
        self.parts = parts
        firsts = []
        locations = []
        var first = 0
        for (k, p) in parts.enumerated() {
            firsts.append(first)
            for local in p.ends.indices { locations.append((Int32(k), Int32(local))) }
            first += p.ends.count
        }
    }

    /// The summaries that may contain `needle` (lower-cased ASCII bytes), in ascending order, or
    /// nil when the trigram index cannot narrow it (a needle shorter than three bytes): then every
    /// summary is a candidate. Each candidate must still be confirmed with `matches`.
    func candidates(folded needle: [UInt8]) -> [Int]? {
        guard let keys = Trigrams.keys(of: needle) else { return nil }
        var out: [Int] = []
        for (k, p) in parts.enumerated() {
            let first = firsts[k]
            for local in p.grams.intersection(keys) { out.append(first + Int(local)) }
        }
        return out
    }

    /// Whether summary `i` contains `needle`: lower-cased ASCII bytes (the caller checks).
    func matches(_ i: Int, folded needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        let (k, local) = locations[i]
        let part = parts[Int(k)]
        let start = local == 0 ? 0 : part.ends[Int(local) - 1]
        let end = part.ends[Int(local)]
        return part.bytes.withUnsafeBufferPointer { all in
            needle.withUnsafeBufferPointer { n in
                // The text is already folded, so a plain byte search will do: memchr to the next
                // candidate first byte, memcmp to confirm.
                guard let base = all.baseAddress, let n0 = n.baseAddress else { return false }
                var p = base + start
                let stop = base + end
                while stop - p >= n.count {
                    guard let hit = memchr(p, Int32(n0[0]), stop - p - n.count + 1) else { return false }
                    let h = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(h, n0, n.count) == 0 { return true }
                    p = h + 1
                }
                return false
            }
        }
    }
}

/// Which summaries of a text hold each ASCII trigram (three consecutive bytes, none of them NUL or
/// beyond ASCII: a needle the index serves is ASCII and holds no NUL, so other trigrams never
/// matter). Stored flat: sorted trigram keys, and for each its run of ascending summary numbers.
struct Trigrams: Sendable {
    private var keys: [UInt32] = []
    /// Postings of `keys[i]` are `docs[starts[i]..<starts[i + 1]]`.
    private var starts: [Int32] = [0]
    private var docs: [Int32] = []

    init() {}

    init(bytes: [UInt8], ends: [Int]) {
        var pairs: [UInt64] = []
        pairs.reserveCapacity(bytes.count)
        bytes.withUnsafeBufferPointer { b in
            var start = 0
            for (doc, end) in ends.enumerated() {
                var i = start
                while i + 2 < end {
                    if let key = Self.key(b[i], b[i + 1], b[i + 2]) {
                        pairs.append(UInt64(key) << 32 | UInt64(doc))
                    }
                    i += 1
                }
                start = end
            }
        }
        pairs.sort()
        var last = UInt64.max
        for p in pairs where p != last {
            last = p
            let key = UInt32(truncatingIfNeeded: p >> 32)
            if keys.last != key {
                if !keys.isEmpty { starts.append(Int32(docs.count)) }
                keys.append(key)
            }
            docs.append(Int32(truncatingIfNeeded: p))
        }
        if !keys.isEmpty { starts.append(Int32(docs.count)) }
    }

    static func key(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32? {
        guard a != 0, b != 0, c != 0, a < 0x80, b < 0x80, c < 0x80 else { return nil }
        return UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
    }

    /// The distinct trigram keys of a needle, or nil when it has none (shorter than three bytes).
    /// A needle byte that no key can hold (NUL, non-ASCII) leaves it unindexable too.
    static func keys(of needle: [UInt8]) -> [UInt32]? {
        guard needle.count >= 3 else { return nil }
        var out = Set<UInt32>()
        for i in 0..<(needle.count - 2) {
            guard let k = key(needle[i], needle[i + 1], needle[i + 2]) else { return nil }
            out.insert(k)
        }
        return Array(out)
    }

    /// The postings of `key` (empty when no summary holds it).
    private func postings(_ key: UInt32) -> ArraySlice<Int32> {
        var lo = 0
        var hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        guard lo < keys.count, keys[lo] == key else { return [] }
        return docs[Int(starts[lo])..<Int(starts[lo + 1])]
    }

    /// The summaries holding every one of `keys`, ascending.
    func intersection(_ keys: [UInt32]) -> [Int32] {
        let lists = keys.map(postings).sorted { $0.count < $1.count }
        guard var result = lists.first.map(Array.init), !result.isEmpty else { return [] }
        for list in lists.dropFirst() {
            var kept: [Int32] = []
            kept.reserveCapacity(result.count)
            var j = list.startIndex
            for d in result {
                while j < list.endIndex && list[j] < d { j += 1 }
                if j == list.endIndex { break }
                if list[j] == d { kept.append(d) }
            }
            result = kept
            if result.isEmpty { break }
        }
        return result
    }
}
