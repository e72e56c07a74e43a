import Foundation
import PactoriaCore
import PactoriaGit

extension TimeSeries {
    /// How many `contract.created` and `contract.activated` events each day of the whole history
    /// holds, cached in `.pactoria/cache/series-v1` under the tip (and how sealed contracts read,
    /// as the audit's rows are): a few kilobytes that answer any period and range for every
    /// company, instead of the audit's rows. Made from those rows (`Audit.rows`, itself cached and
    /// extended as HEAD moves on), so the counts are the audit's by construction.
    enum EventDays {
        static let cacheName = "series-v1"
        static let formatVersion: UInt32 = 1
        static let events = ["contract.created", "contract.activated"]

        /// Event → day (days since 1970-01-01) → count.
        typealias Counts = [String: [Int: Int]]

        static func counts(_ ws: Workspace) throws(WorkspaceError) -> Counts {
            let repo = try ws.repository()
            guard let head = try Committer.head(repo) else { return [:] }
            let reading = ws.readingTag()
            let path = ws.absolute("\(Workspace.cacheDirectory)/\(cacheName)")
            if CacheFile.usable(ws), let cached = load(path), cached.tip == head, cached.reading == reading {
                return cached.counts
            }
            var counts: Counts = [:]
            for row in try Audit.rows(ws) {
                switch row {
                case .entry(let e) where events.contains(e.event):
                    counts[e.event, default: [:]][TimeSeries.day(e.time).daysSinceEpoch, default: 0] += 1
                case .summary(let s) where events.contains(s.event):
                    counts[s.event, default: [:]][TimeSeries.day(s.time).daysSinceEpoch, default: 0] += s.count
                default: continue
                }
            }
            if CacheFile.usable(ws) {
                CacheFile.write(
                    encode(counts, tip: head, reading: reading), to: path, name: cacheName, version: formatVersion)
            }
            return counts
        }

        /// Text: the tip's hex, the reading state's hex, then `event TAB day TAB count` lines.
        static func encode(_ counts: Counts, tip: ObjectID, reading: [UInt8]) -> [UInt8] {
            var out = tip.hex + "\n" + reading.map { String(format: "%02x", $0) }.joined() + "\n"
            for event in counts.keys.sorted() {
                for (day, n) in counts[event]!.sorted(by: { $0.key < $1.key }) { out += "\(event)\t\(day)\t\(n)\n" }
            }
            return Array(out.utf8)
        }

        static func load(_ path: String) -> (tip: ObjectID, reading: [UInt8], counts: Counts)? {
            guard let bytes = CacheFile.read(path, name: cacheName, version: formatVersion) else { return nil }
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            guard lines.count >= 2, let tip = ObjectID(hex: String(decoding: lines[0], as: UTF8.self)) else {
                return nil
            }
            let hex = Array(lines[1])
            guard hex.count % 2 == 0 else { return nil }
            var reading: [UInt8] = []
            reading.reserveCapacity(hex.count / 2)
            var i = 0
            while i < hex.count {
                guard let b = UInt8(String(decoding: hex[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
                reading.append(b)
                i += 2
            }
            var counts: Counts = [:]
            for line in lines.dropFirst(2) where !line.isEmpty {
                let f = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                guard f.count == 3, let day = Int(String(decoding: f[1], as: UTF8.self)),
                    let n = Int(String(decoding: f[2], as: UTF8.self)), n >= 0
                else { return nil }
                let event = String(decoding: f[0], as: UTF8.self)
                guard events.contains(event) else { return nil }
                counts[event, default: [:]][day, default: 0] += n
            }
            return (tip, reading, counts)
        }
    }
}
