import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaGit
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

/// Issue #17's performance figures from the records: generation time and tokens by provider,
/// analysis time (which `analyze` now records), and hostile records that must neither trap nor
/// lie.
@Suite("Performance", .serialized)
struct AnalyticsPerformanceTests {
    let root: String
    let ws: Workspace
    /// The contracts: three of alpha's, one of beta's.
    let ids: [String]
    static let author = Author(name: "Ada", email: "ada@example.co.uk")

    init() throws {
        Hermetic.setUp()
        root = NSTemporaryDirectory() + "pactoria-performance-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Ada <ada@example.co.uk>")
        ws = try Workspace.open(root: root)
        var ids: [String] = []
        for (slug, n) in [("alpha", 3), ("beta", 1)] {
            _ = try Companies.add(ws, name: "\(slug.capitalized) Ltd", slug: slug, companyNumber: nil)
            for i in 0..<n {
                let made = try NewContract.run(
                    ws,
                    .init(
                        company: slug, title: "\(slug) agreement \(i)", type: "nda",
                        client: Party(name: "Client \(i) Ltd"), plainEnglishInput: "A mutual NDA for a pilot.",
                        author: "Ada <ada@example.co.uk>"))
                ids.append(made.contract.id)
            }
        }
        _ = try CommitChanges.run(ws, message: "Contracts", author: Self.author, stageEverything: true)
        self.ids = ids
    }

    func yamlPath(_ id: String) throws -> String {
        root + "/" + (try ContractViews.resolve(ws, id).ref.yamlPath)
    }

    /// A section of a contract's metadata as the file has it.
    func section(_ id: String, _ name: String) throws -> YAMLNode? {
        try ws.loadContract(try ContractViews.resolve(ws, id).ref).document.root[name]
    }

    func snapshot(_ company: String? = nil) throws -> AnalyticsSnapshot {
        try AnalyticsSnapshot.load(ws, company: company, today: CalendarDate("2026-12-01")!)
    }

    @Test func generationAndAnalysisTimesComeFromTheRecords() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        for id in ids {
            _ = try Drafting.generate(
                ws, spec: id, regenerate: true, provider: .local, allowFallback: false, author: Self.author)
        }
        for id in ids.prefix(2) {
            let (_, outcome) = try Drafting.analyze(ws, spec: id, force: true, provider: .local, author: Self.author)
            guard case .recorded = outcome else {
                Issue.record("not recorded: \(outcome)")
                return
            }
        }
        // `analyze` wrote the time it took, a whole number of milliseconds.
        var analysisTimes: [Int] = []
        for id in ids.prefix(2) {
            let text = try #require(try section(id, "compliance")?["processing_time_ms"]?.string)
            analysisTimes.append(try #require(Int(text)))
        }
        #expect(analysisTimes.allSatisfy { $0 >= 0 && $0 < 60_000 })
        #expect(try section(ids[2], "compliance") == nil)
        var generationTimes: [Int] = []
        for id in ids.prefix(3) {
            let text = try #require(try section(id, "generation")?["processing_time_ms"]?.string)
            generationTimes.append(try #require(Int(text)))
        }

        let alpha = PerformanceMetrics(try snapshot("alpha"))
        #expect(alpha.total == 3)
        #expect(alpha.generations.map(\.provider) == ["local"])
        let local = try #require(alpha.generations.first)
        #expect(local.count == 3)
        #expect(local.times == generationTimes.sorted())
        #expect(local.totalMs == generationTimes.reduce(0, +))
        #expect(local.untimed == 0)
        #expect(local.withTokens == 0 && local.totalTokens == 0)
        #expect(!local.saturated)
        #expect(try #require(local.p50Ms) <= (try #require(local.p90Ms)))
        let mean = try #require(local.meanMs)
        #expect(Double(generationTimes.min()!) - 0.05 <= mean && mean <= Double(generationTimes.max()!) + 0.05)
        #expect(alpha.analysis.analysed == 2)
        #expect(alpha.analysis.times == analysisTimes.sorted())
        #expect(alpha.analysis.maxMs == analysisTimes.max())

        // The whole workspace has beta's generation too; beta alone has no analysis.
        let all = PerformanceMetrics(try snapshot())
        #expect(all.generationCount == 4)
        #expect(all.snapshot.company == nil)
        let beta = PerformanceMetrics(try snapshot("beta"))
        #expect(beta.generationCount == 1)
        #expect(beta.analysis.analysed == 0 && beta.analysis.meanMs == nil && beta.analysis.p90Ms == nil)

        // The JSON and the table say the same.
        guard case .object(let json) = alpha.json, case .object(let generation)? = json["generation"],
            case .object(let analysis)? = json["analysis"]
        else {
            Issue.record("shape: \(alpha.json)")
            return
        }
        #expect(generation["count"] == .int(3))
        #expect(analysis["analysed"] == .int(2))
        #expect(analysis["timed"] == .int(2))
        #expect(json["company"] == .string("alpha"))
        let rows = alpha.table.rows
        #expect(rows.contains(["generations", "local", "3"]))
        #expect(rows.contains(["analysed_contracts", "", "2"]))
        #expect(alpha.table.csv.hasPrefix("metric,provider,value\r\n"))
    }

    @Test func analysingEverythingRecordsEachTime() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        for id in ids {
            _ = try Drafting.generate(
                ws, spec: id, regenerate: true, provider: .local, allowFallback: false, author: Self.author)
        }
        let outcome = try Drafting.analyzeAll(ws, force: true, provider: .local, author: Self.author)
        #expect(outcome.recorded == 4)
        for (row, id) in zip(outcome.rows.sorted { $0.ref.yamlPath < $1.ref.yamlPath }, ids) {
            _ = id
            let recorded = try ws.loadContract(row.ref).document.root["compliance"]?["processing_time_ms"]?.string
            #expect(recorded == String(row.processingMs), "\(row.ref)")
        }
        #expect(PerformanceMetrics(try snapshot()).analysis.times.count == 4)
    }

    /// Appends a `generation:` section to a contract's metadata, as a hand edit would.
    func appendGeneration(_ id: String, _ lines: [String]) throws {
        let path = try yamlPath(id)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        text += "generation:\n" + lines.map { "  " + $0 + "\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func hostileRecordsNeitherTrapNorLie() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let max = "9223372036854775807"
        try appendGeneration(
            ids[0],
            [
                "provider: ai", "processing_time_ms: \(max)",
                "token_usage: {prompt: \(max), completion: 1, total: \(max)}",
            ])
        try appendGeneration(
            ids[1],
            [
                "provider: ai", "processing_time_ms: \(max)",
                "token_usage: {prompt: -1, completion: lots, total: \(max)}",
            ])
        try appendGeneration(
            ids[2],
            [
                #"provider: "<script>alert(1)</script>\r\n\u2028""#, "processing_time_ms: -5",
                "model: \"" + String(repeating: "m", count: 200_000) + "\"",
                "token_usage: {prompt: 10, completion: 20, total: 30}",
            ])
        try appendGeneration(
            ids[3],
            [
                "provider: local", "processing_time_ms: 92233720368547758070",
                "token_usage: {prompt: 1.5e3, completion: \"12\", total: [1, 2]}",
            ])

        let p = PerformanceMetrics(try snapshot())
        #expect(p.total == 4 && p.snapshot.unreadable == 0)
        #expect(p.generations.map(\.provider) == ["local", "ai", "other"])
        let ai = try #require(p.generations.first { $0.provider == "ai" })
        #expect(ai.count == 2)
        #expect(ai.times == [Int.max, Int.max])
        #expect(ai.totalMs == Int.max && ai.saturated)
        #expect(ai.promptTokens == Int.max)
        #expect(ai.completionTokens == 1)
        #expect(ai.totalTokens == Int.max)
        #expect(ai.withTokens == 2 && ai.incompleteTokens == 1)
        #expect(ai.p50Ms == Int.max && ai.p90Ms == Int.max)
        #expect(ai.meanMs.map { $0.isFinite && $0 > 9e18 } == true)

        let other = try #require(p.generations.first { $0.provider == "other" })
        #expect(other.count == 1 && other.untimed == 1 && other.times.isEmpty && other.meanMs == nil)
        #expect(other.totalTokens == 30 && other.promptTokens == 10 && other.completionTokens == 20)
        #expect(!other.saturated)

        // Beyond an Int, a float and a list are not counts (a quoted whole number is one).
        let local = try #require(p.generations.first { $0.provider == "local" })
        #expect(local.count == 1 && local.untimed == 1)
        #expect(local.withTokens == 1 && local.incompleteTokens == 1)
        #expect(local.promptTokens == 0 && local.totalTokens == 0)
        #expect(local.completionTokens == 12)

        // Nothing of the hostile text reaches the figures, and they encode.
        let json = String(decoding: try JSONEncoder().encode(p.json), as: UTF8.self)
        #expect(!json.contains("script") && !json.contains("mmmm"))
        #expect(json.contains("\(Int.max)"))
        let csv = p.table.csv
        #expect(!csv.contains("script"))
        #expect(csv.contains("total_tokens,ai,\(Int.max)\r\n"))
        #expect(csv.contains("saturated,ai,true\r\n"))
    }

    @Test func sumsSaturateAndPercentilesAreNearestRank() {
        var sum = Int.max - 1
        var saturated = false
        PerformanceMetrics.add(1, to: &sum, saturated: &saturated)
        #expect(sum == Int.max && !saturated)
        PerformanceMetrics.add(1, to: &sum, saturated: &saturated)
        #expect(sum == Int.max && saturated)
        PerformanceMetrics.add(-5, to: &sum, saturated: &saturated)
        #expect(sum == Int.max)
        let values = Array(1...10)
        #expect(PerformanceMetrics.percentile(values, 0.5) == 5)
        #expect(PerformanceMetrics.percentile(values, 0.9) == 9)
        #expect(PerformanceMetrics.percentile(values, 0.91) == 10)
        #expect(PerformanceMetrics.percentile([7], 0.9) == 7)
        #expect(PerformanceMetrics.percentile([], 0.5) == nil)
        #expect(PerformanceMetrics.mean([Int.max, Int.max]).map { $0 > 9e18 } == true)
    }
}
