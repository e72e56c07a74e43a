import Hummingbird

/// Page and size from a query string, checked: a value that is not a whole number, or is out of
/// range, is a 422 naming the parameter; the offset of a page far past the end is clamped rather
/// than overflowing (`page=9223372036854775807` used to kill the server).
struct Paging: Equatable {
    var page: Int
    var size: Int

    static let maxPage = 1_000_000_000

    /// Reads `page` and `size` (defaults 1 and `defaultSize`, size at most `maxSize`).
    init(_ query: Parameters, defaultSize: Int = 50, maxSize: Int = 100) throws {
        page = try Self.int(query, "page", default: 1, range: 1...Self.maxPage)
        size = try Self.int(query, "size", default: defaultSize, range: 1...maxSize)
    }

    init(page: Int, size: Int) {
        self.page = page
        self.size = size
    }

    /// The index of the page's first item, or `Int.max` when that does not fit.
    var offset: Int {
        let (o, overflow) = (page - 1).multipliedReportingOverflow(by: size)
        return overflow ? Int.max : o
    }

    /// The number of pages for `total` items (at least 1).
    func pages(_ total: Int) -> Int { max(1, total / size + (total % size == 0 ? 0 : 1)) }

    /// One page of `items`, empty past the end.
    func slice<C: Collection>(_ items: C) -> [C.Element] {
        let start = offset
        guard start < items.count else { return [] }
        return Array(items.dropFirst(start).prefix(size))
    }

    /// A whole-number query parameter in `range`, or its default when absent.
    static func int(_ query: Parameters, _ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query.get(key) else { return value }
        guard let n = Int(text) else {
            throw APIError.validation(key, "must be a whole number between \(range.lowerBound) and \(range.upperBound)")
        }
        guard range.contains(n) else {
            throw APIError.validation(key, "must be between \(range.lowerBound) and \(range.upperBound), got \(n)")
        }
        return n
    }
}
