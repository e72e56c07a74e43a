import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaWorkspace
import Testing

/// Issue #11, hostile YAML: alias bombs, huge files and deep nesting are refused quickly with an
/// error naming the file, and the rest of the workspace keeps working.
@Suite("Security: YAML limits")
struct TextYAMLLimitsTests {
    /// The classic billion laughs: nine levels of nine aliases, 751 bytes.
    static let aliasBomb: String = {
        var s = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for i in 1..<names.count {
            let p = names[i - 1]
            s += "\(names[i]): &\(names[i]) [" + Array(repeating: "*\(p)", count: 9).joined(separator: ",") + "]\n"
        }
        return s
    }()

    func elapsed(_ body: () throws -> Void) rethrows -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return clock.now - start
    }

    @Test func aliasBombIsRefusedQuicklyNamingTheFile() throws {
        var caught: YAMLError?
        let took = elapsed {
            do { _ = try YAMLDocument.parse(Self.aliasBomb, file: "companies/x/contracts/bomb.yaml") } catch let e
                as YAMLError
            { caught = e } catch {}
        }
        let error = try #require(caught)
        #expect(error.description.hasPrefix("companies/x/contracts/bomb.yaml"))
        #expect(error.description.contains("alias"))
        #expect(took < .seconds(30), "a hang guard, not a speed target")
    }

    /// Fewer aliases than the limit, each expanding a big scalar: the walk budget stops it.
    @Test func anchoredBigScalarIsRefusedByTheExpansionBudget() throws {
        let big = String(repeating: "x", count: 600_000)
        let text = "a: &a \"\(big)\"\nb: [" + Array(repeating: "*a", count: 12).joined(separator: ", ") + "]\n"
        #expect(text.utf8.count < YAMLLimits.standard.maxBytes)
        var caught: YAMLError?
        let took = elapsed {
            do { _ = try YAMLDocument.parse(text, file: "big.yaml") } catch let e as YAMLError { caught = e } catch {}
        }
        let error = try #require(caught)
        #expect(error.description.contains("bytes of text"), "\(error)")
        #expect(took < .seconds(30), "a hang guard, not a speed target")
    }

    @Test func hugeFileIsRefusedBeforeParsing() throws {
        var text = ""
        text.reserveCapacity(6_000_000)
        for i in 0..<400_000 { text += "k\(i): v\n" }
        var caught: YAMLError?
        let took = elapsed {
            do { _ = try YAMLDocument.parse(text, file: "keys.yaml") } catch let e as YAMLError { caught = e } catch {}
        }
        let error = try #require(caught)
        #expect(error.description.contains("keys.yaml"))
        #expect(error.description.contains("limit"))
        #expect(took < .seconds(30), "a hang guard, not a speed target")
    }

    @Test func manyKeysWithinTheSizeLimitAreRefusedByTheNodeCount() throws {
        var text = ""
        for i in 0..<120_000 { text += "\(i % 10):\n" }
        // Not valid either way (duplicates), but the count must stop it before libyaml is asked.
        #expect(text.utf8.count < YAMLLimits.standard.maxBytes)
        #expect(throws: YAMLError.self) { try YAMLDocument.parse(text, file: "many.yaml") }
        do { _ = try YAMLDocument.parse(text, file: "many.yaml") } catch {
            #expect(error.message.contains("values"), "\(error)")
        }
    }

    @Test(arguments: [
        String(repeating: "[", count: 50_000),
        String(repeating: "{a: ", count: 5_000),
        String(repeating: "- ", count: 50_000) + "x",
        (0..<200).map { String(repeating: " ", count: $0) + "k:\n" }.joined(),
    ])
    func deepNestingIsRefused(_ text: String) throws {
        var caught: YAMLError?
        do { _ = try YAMLDocument.parse(text, file: "deep.yaml") } catch { caught = error }
        let error = try #require(caught)
        #expect(error.description.hasPrefix("deep.yaml"))
        #expect(error.message.contains("nesting"), "\(error)")
    }

    @Test func ordinaryFilesStillParse() throws {
        let text = """
            id: 3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b
            title: "Terms *draft* & more"
            plain_english_input: |
              - *bold* point
              - &amp; another [one]
              * star line
            client:
              name: Finchley Pay Ltd
            tags: [a, b, {c: d}]
            """
        let doc = try YAMLDocument.parse(text, file: "ok.yaml")
        #expect(doc.root["title"]?.string == "Terms *draft* & more")
        #expect(doc.root["plain_english_input"]?.string?.contains("* star line") == true)
    }

    @Test func aFewAliasesStillWork() throws {
        let doc = try YAMLDocument.parse("base: &b {x: 1}\ncopy: *b\n", file: "alias.yaml")
        #expect(doc.root["copy"]?["x"]?.string == "1")
    }

    /// A bomb in one contract: `status` reports that file, `list` skips it with a problem, and
    /// the other contracts are still read.
    @Test func bombInAContractLeavesTheWorkspaceWorking() throws {
        let sb = try TextSandbox()
        try sb.write("companies/brickline/contracts/bomb.yaml", Self.aliasBomb)
        let clock = ContinuousClock()
        let start = clock.now
        let status = try WorkspaceStatus.compute(sb.ws)
        let page = try ListContracts.run(sb.ws, ListContracts.Query())
        #expect(clock.now - start < .seconds(30), "a hang guard, not a speed target")
        #expect(status.problems.contains { "\($0)".contains("bomb.yaml") })
        #expect(page.contracts.map(\.ref) == [sb.ref])
        #expect(page.unreadable.contains { "\($0)".contains("bomb.yaml") })
    }

    @Test func bombInConfigIsRefusedNamingTheFile() throws {
        let sb = try TextSandbox()
        try sb.write(".pactoria/config.yaml", Self.aliasBomb)
        #expect {
            _ = try Workspace.open(root: sb.root)
        } throws: { error in
            "\(error)".contains(".pactoria/config.yaml") && "\(error)".contains("alias")
        }
    }

    @Test func bombInTemplateFrontMatterIsRefused() throws {
        let text = "---\n" + Self.aliasBomb + "---\nBody\n"
        #expect {
            _ = try Template.parse(text: text, path: "templates/bomb.md")
        } throws: { error in
            "\(error)".contains("templates/bomb.md") && "\(error)".contains("alias")
        }
    }
}
