import Foundation
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

/// The server's search goes through a trigram index (`SearchText`); the CLI's scans every summary.
/// Both must return the same contracts, in the same order, for every needle: whole words, pieces
/// of words, short needles the index cannot serve, mixed case, non-ASCII, needles spanning two
/// fields, and needles that appear nowhere.
@Suite struct SearchIndexTests {
    @Test func trigramSearchAgreesWithAFullScan() throws {
        let root = NSTemporaryDirectory() + "pactoria-search-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Ada <ada@example.co.uk>")
        let ws = try Workspace.open(root: root)
        var rng = SplitMix64(seed: 15)
        let words = [
            "Pinewood", "Harbour", "Oakfield", "Kestrel", "Ltd", "LLP", "Services", "Agreement", "Supply", "Café",
            "Łódź", "naïve", "O'Brien", "Smith-Jones", "data", "ABC", "abc", "x",
        ]
        func phrase() -> String {
            (0..<Int.random(in: 1...4, using: &rng)).map { _ in words.randomElement(using: &rng)! }
                .joined(separator: Bool.random(using: &rng) ? " " : "")
        }
        var texts: [String] = []
        for slug in ["alpha", "beta", "gamma"] {
            _ = try Companies.add(ws, name: "\(slug.capitalized) Ltd", slug: slug, companyNumber: nil)
            for _ in 0..<14 {
                let title = phrase()
                let client = phrase()
                let supplier = phrase()
                texts += [title, client, supplier]
                _ = try NewContract.run(
                    ws,
                    .init(
                        company: slug, title: title, type: "nda", client: Party(name: client),
                        supplier: Party(name: supplier, company: phrase()), author: "Ada <ada@example.co.uk>"))
            }
        }
        // Needles: every word, pieces of the texts (including ones spanning a space), case changes,
        // short and absent ones.
        var needles = words + words.map { $0.uppercased() } + ["pi", "x", "", "ood", "zzz", "Ltd Pine", "é", "ł"]
        for _ in 0..<150 {
            let t = Array(texts.randomElement(using: &rng)!)
            guard t.count > 1 else { continue }
            let a = Int.random(in: 0..<(t.count - 1), using: &rng)
            let b = Int.random(in: (a + 1)...t.count, using: &rng)
            needles.append(String(t[a..<b]))
        }
        let live = LiveContractIndex()
        for needle in needles {
            for status: String? in [nil, "draft"] {
                let q = ListContracts.Query(status: status, search: needle, size: 100)
                let scanned = try ListContracts.run(ws, q)
                let indexed = try ListContracts.run(ws, q, live: live)
                #expect(
                    indexed.contracts.map(\.ref) == scanned.contracts.map(\.ref), "needle \(needle.debugDescription)")
                #expect(indexed.total == scanned.total, "needle \(needle.debugDescription)")
            }
        }
        // An edit to one company's contract is seen by the index on the next search.
        let page = try ListContracts.run(ws, .init(company: "beta", size: 1), live: live)
        let ref = try #require(page.contracts.first?.ref)
        let path = root + "/" + ref.yamlPath
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let edited = lines.map { $0.hasPrefix("title: ") ? "title: Quokka deal" : String($0) }
        try edited.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let after = try ListContracts.run(ws, .init(search: "quokka"), live: live)
        #expect(after.contracts.map(\.ref) == [ref])
    }
}
