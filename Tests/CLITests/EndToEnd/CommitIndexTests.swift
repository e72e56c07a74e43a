import Foundation
import Testing

/// `pactoria commit` trusts a record of what it left in the index (the index file's checksum and
/// tree) to skip rebuilding the index's tree: the record must match the real index file, and
/// anything git does to the index in between must void it, so the commit and the index always
/// agree with the working tree.
@Suite struct CommitIndexTests {
    static func contracts(_ sb: E2E.Sandbox) throws -> [String] {
        let dir = "ws/companies/acme/contracts"
        return try FileManager.default.contentsOfDirectory(atPath: sb.path(dir)).filter { $0.hasSuffix(".md") }.sorted()
            .map { "\(dir)/\($0)" }
    }

    @Test func theRecordMatchesTheIndexAndGitStagingVoidsIt() throws {
        try E2E.withSandbox { sb in
            try sb.pactoria(["init", "ws"])
            try sb.pactoria(["company", "add", "Acme Ltd", "--slug", "acme"], in: "ws")
            for title in ["Cleaning Services Agreement", "Catering Services Agreement"] {
                let made = try sb.pactoria(
                    [
                        "new", "--company", "acme", "--title", title, "--type", "service_agreement", "--client",
                        "Harbour Foods Ltd",
                    ],
                    in: "ws")
                #expect(made.exitCode == 0, "\(made)")
            }
            #expect(try sb.pactoria(["commit", "-m", "Two drafts"], in: "ws").exitCode == 0)

            // The record names the index file's own checksum (its last 20 bytes) and HEAD's tree.
            let index = try Data(contentsOf: URL(fileURLWithPath: sb.path("ws/.git/index")))
            let trailer = index.suffix(20).map { String(format: "%02x", $0) }.joined()
            let tree = try sb.git(["rev-parse", "HEAD^{tree}"], in: "ws").stdout.trimmingCharacters(
                in: .whitespacesAndNewlines)
            // (Framed as every cache file is since #12.8: a header, then the record itself.)
            let record = try Data(contentsOf: URL(fileURLWithPath: sb.path("ws/.pactoria/cache/index-tree")))
            #expect(record.starts(with: Data("PACTCACH".utf8)))
            #expect(record.suffix(82) == Data("\(trailer) \(tree)\n".utf8))

            // Stage a change with git, then undo it in the working tree: the index now differs
            // from HEAD where no scan of the working tree can see it.
            let files = try Self.contracts(sb)
            let original = try sb.read(files[0])
            try sb.write(original + "\nStaged with git, then undone.\n", to: files[0])
            #expect(try sb.git(["add", "-A"], in: "ws").exitCode == 0)
            try sb.write(original, to: files[0])
            // An ordinary edit elsewhere, committed by pactoria.
            try sb.write(try sb.read(files[1]) + "\nA real change.\n", to: files[1])
            let commit = try sb.pactoria(["commit", "-m", "Edit"], in: "ws")
            #expect(commit.exitCode == 0, "\(commit)")
            // Index, HEAD and working tree agree: nothing staged, nothing modified.
            #expect(try sb.git(["status", "--porcelain", "--untracked-files=no"], in: "ws").stdout == "")
            #expect(try sb.git(["diff", "--cached", "--name-only"], in: "ws").stdout == "")
            #expect(
                try sb.git(["show", "--name-only", "--format=", "HEAD"], in: "ws").stdout.contains(
                    files[1].dropFirst(3)))
            #expect(try sb.git(["fsck", "--no-dangling"], in: "ws").exitCode == 0)
        }
    }
}
