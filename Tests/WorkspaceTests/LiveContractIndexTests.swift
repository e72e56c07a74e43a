import Foundation
import PactoriaCore
import PactoriaWorkspace
import Testing

/// The server's in-memory contract index must see every change made behind its back (in-place
/// edits, new and removed files, new companies, whole directories replaced) on the next read, and
/// must always agree with a fresh `ContractIndex.load` of the working tree.
@Suite struct LiveContractIndexTests {
    let root: String
    let ws: Workspace

    init() throws {
        root = NSTemporaryDirectory() + "pactoria-live-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Ada <ada@example.co.uk>")
        ws = try Workspace.open(root: root)
        for slug in ["alpha", "beta"] {
            _ = try Companies.add(ws, name: "\(slug.capitalized) Ltd", slug: slug, companyNumber: nil)
            for i in 0..<3 {
                _ = try NewContract.run(
                    ws,
                    .init(
                        company: slug, title: "\(slug) contract \(i)", type: "nda",
                        client: Party(name: "Client \(i) Ltd"),
                        author: "Ada <ada@example.co.uk>"))
            }
        }
    }

    func path(_ rel: String) -> String { root + "/" + rel }

    /// Overwrites a file in place (same inode, no rename), as some editors and `>` do.
    func writeInPlace(_ rel: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path(rel)))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    func yamlFiles(_ slug: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path("companies/\(slug)/contracts")).filter {
            $0.hasSuffix(".yaml")
        }.sorted()
    }

    func expectAgrees(_ live: LiveContractIndex, sourceLocation: SourceLocation = #_sourceLocation) {
        let fresh = ContractIndex.load(ws)
        let mine = live.index(ws)
        #expect(mine.summaries == fresh.summaries, sourceLocation: sourceLocation)
        #expect(mine.unreadable.map(\.ref) == fresh.unreadable.map(\.ref), sourceLocation: sourceLocation)
        #expect(mine.orphans == fresh.orphans, sourceLocation: sourceLocation)
    }

    @Test func seesInPlaceEditsNewAndRemovedFilesAndCompanies() throws {
        let live = LiveContractIndex()
        #expect(live.index(ws).summaries.count == 6)
        expectAgrees(live)

        // An in-place edit of a title, with no directory change at all.
        let file = "companies/alpha/contracts/\(try yamlFiles("alpha")[0])"
        let text = try String(contentsOfFile: path(file), encoding: .utf8)
        let title = try #require(text.split(separator: "\n").first { $0.hasPrefix("title:") })
        try writeInPlace(file, text.replacingOccurrences(of: String(title), with: "title: Renamed In Place"))
        #expect(live.index(ws).summaries.contains { $0.title == "Renamed In Place" })
        expectAgrees(live)

        // A broken file becomes unreadable, then readable again.
        try writeInPlace(file, "title: [unclosed\n")
        #expect(live.index(ws).unreadable.map(\.ref.yamlPath) == [file])
        expectAgrees(live)
        try writeInPlace(file, text)
        #expect(live.index(ws).unreadable.isEmpty)

        // A contract removed by hand, and one copied in under a new stem.
        let second = "companies/beta/contracts/\(try yamlFiles("beta")[1])"
        try FileManager.default.removeItem(atPath: path(second))
        #expect(live.index(ws).summaries.count == 5)
        expectAgrees(live)
        try FileManager.default.copyItem(atPath: path(file), toPath: path("companies/beta/contracts/copied.yaml"))
        #expect(live.index(ws).summaries.contains { $0.ref == ContractRef(company: "beta", stem: "copied") })
        expectAgrees(live)

        // A new company made by the use case, and one whose directories appear by hand.
        _ = try Companies.add(ws, name: "Gamma Ltd", slug: "gamma", companyNumber: nil)
        _ = try NewContract.run(
            ws,
            .init(
                company: "gamma", title: "Gamma NDA", type: "nda", client: Party(name: "Acme Ltd"),
                author: "Ada <ada@example.co.uk>"))
        #expect(live.index(ws).summaries.contains { $0.title == "Gamma NDA" })
        #expect(live.index(ws, company: "gamma").summaries.map(\.title) == ["Gamma NDA"])
        expectAgrees(live)
    }

    @Test func seesDirectoriesReplacedAndRemoved() throws {
        let live = LiveContractIndex()
        _ = live.index(ws)
        // The contracts directory replaced wholesale (as a checkout of another branch may do).
        let dir = path("companies/alpha/contracts")
        let moved = path("companies/alpha/old-contracts")
        try FileManager.default.moveItem(atPath: dir, toPath: moved)
        #expect(live.index(ws, company: "alpha").summaries.isEmpty)
        expectAgrees(live)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        let first = try FileManager.default.contentsOfDirectory(atPath: moved).first { $0.hasSuffix(".yaml") }!
        try FileManager.default.copyItem(atPath: moved + "/" + first, toPath: dir + "/" + first)
        #expect(live.index(ws, company: "alpha").summaries.count == 1)
        expectAgrees(live)
        // Edits inside the new directory are still seen (it is watched again).
        let text = try String(contentsOfFile: dir + "/" + first, encoding: .utf8)
        try writeInPlace(
            "companies/alpha/contracts/\(first)",
            text.replacingOccurrences(of: "status: draft", with: "status: pending_review"))
        #expect(live.index(ws, company: "alpha").summaries.first?.status == "pending_review")
        expectAgrees(live)
        // A whole company removed.
        try FileManager.default.removeItem(atPath: path("companies/beta"))
        #expect(live.index(ws, company: "beta").summaries.isEmpty)
        #expect(!live.index(ws).summaries.contains { $0.ref.company == "beta" })
        expectAgrees(live)
    }

    @Test func listUsesTheLiveIndexWithTheSameAnswers() throws {
        let live = LiveContractIndex()
        for query in [
            ListContracts.Query(), ListContracts.Query(company: "beta"), ListContracts.Query(search: "contract 1"),
            ListContracts.Query(search: "CLIENT 2 LTD"), ListContracts.Query(search: "ltdclient"),
            ListContracts.Query(search: "Ünïcode"), ListContracts.Query(company: "alpha", search: "Alpha"),
            ListContracts.Query(status: "draft", size: 2), ListContracts.Query(page: 2, size: 4),
        ] {
            let a = try ListContracts.run(ws, query, live: live)
            let b = try ListContracts.run(ws, query)
            #expect(a.contracts == b.contracts)
            #expect((a.total, a.pages) == (b.total, b.pages))
        }
        // Case-insensitive, within one field (never across two).
        #expect(try ListContracts.run(ws, .init(search: "CLIENT 2 LTD"), live: live).total == 2)
        #expect(try ListContracts.run(ws, .init(search: "ltdclient"), live: live).total == 0)
    }
}
