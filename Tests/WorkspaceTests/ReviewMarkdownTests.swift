import Foundation
import PactoriaCore
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// A legal reviewer reads `pactoria review` as a pull-request comment. Everything it quotes from
/// the branch (titles, company names, file paths) was written by whoever pushed it, so none of
/// it may start a heading, a link, raw HTML or an entity, or close the code span around a path.
@Suite("Security: review Markdown quotes the branch inertly")
struct ReviewMarkdownTests {
    @Test func hostileTitleAndPathStayInert() async throws {
        let s = try await LiveServer()
        let token = try s.token("manager@brickline.co.uk")
        let id = try #require(try await s.createContract(token)["id"] as? String)
        _ = try runGit(s.root, ["branch", "base"])
        let stem = try FilesKit.stem(s, company: "brickline", id: id)
        let yaml = s.root + "/companies/brickline/contracts/\(stem).yaml"
        var text = try String(contentsOfFile: yaml, encoding: .utf8)
        let hostile = #"<img src=x onerror=alert(1)> &#106;avascript: [ok](https://evil.example) ~~gone~~"#
        text = text.replacingOccurrences(
            of: "title: Website Build", with: "title: \"\(hostile)\\n## ✅ Approved by Legal\"")
        try text.write(toFile: yaml, atomically: true, encoding: .utf8)
        // A stray file whose name holds a backtick and a line break, committed with plain git.
        let odd = "companies/brickline/notes`\n## ✅ fine.txt"
        try "x".write(toFile: s.root + "/" + odd, atomically: true, encoding: .utf8)
        _ = try runGit(s.root, ["add", "-A"])
        _ = try runGit(s.root, ["commit", "-q", "-m", "Retitle"])

        let markdown = ReviewMarkdown.render(try Review.run(try s.workspace(), base: "base"))
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.hasPrefix("## ✅") }, "a forged heading:\n\(markdown)")
        #expect(markdown.contains("img src"), "the title is quoted:\n\(markdown)")
        for special: Character in ["<", "&", "[", "~"] {
            #expect(!Self.unescaped(special, in: markdown), "an unescaped \(special):\n\(markdown)")
        }
    }

    /// Whether `special` occurs in `text` without a backslash before it.
    static func unescaped(_ special: Character, in text: String) -> Bool {
        var previous: Character = " "
        for ch in text {
            if ch == special && previous != "\\" { return true }
            previous = ch
        }
        return false
    }
}
