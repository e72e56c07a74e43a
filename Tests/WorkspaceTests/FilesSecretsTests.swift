import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #11: the signing key, security log and caches never enter a commit, whatever a pull
/// request did to `.gitignore`.
@Suite("Security: local secrets are never staged")
struct FilesSecretsTests {
    @Test("with the ignore lines removed, commit still leaves .pactoria/secrets and .pactoria/cache out")
    func secretsNeverStaged() async throws {
        let s = try await LiveServer()
        _ = try s.signingKey()
        #expect(FileManager.default.fileExists(atPath: s.root + "/" + UserStore.keyPath))
        try "# a hostile pull request emptied this file\n".write(
            toFile: s.root + "/.gitignore", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: s.root + "/.pactoria/cache", withIntermediateDirectories: true)
        try "cached".write(toFile: s.root + "/.pactoria/cache/planted", atomically: true, encoding: .utf8)
        let ws = try s.workspace()
        _ = try CommitChanges.run(ws, message: "Ignore rules", author: FilesKit.author)
        // A contract staged with git first makes the index differ from HEAD: commit then asks
        // libgit2 for every change in the workspace paths, untracked files included.
        let manager = try s.token("manager@brickline.co.uk")
        _ = try await s.createContract(manager)
        try "title: planted\n".write(
            toFile: s.root + "/companies/brickline/contracts/extra.yaml", atomically: true, encoding: .utf8)
        _ = try runGit(s.root, ["add", "companies/brickline/contracts/extra.yaml"])
        try FileManager.default.removeItem(atPath: s.root + "/companies/brickline/contracts/extra.yaml")
        _ = try? CommitChanges.run(ws, message: "Everything", author: FilesKit.author)
        _ = try? CommitChanges.run(ws, message: "Everything", author: FilesKit.author, stageEverything: true)
        let cli = try FilesKit.pactoria(["commit", "-m", "Everything"], in: s.root)
        _ = cli
        for rev in ["HEAD"] {
            let paths = try FilesKit.tree(s.root, rev).map(\.path)
            #expect(!paths.contains { $0.hasPrefix(".pactoria/secrets/") }, "secrets committed: \(paths)")
            #expect(!paths.contains { $0.hasPrefix(".pactoria/cache/") }, "cache committed: \(paths)")
        }
        let staged = try runGit(s.root, ["ls-files", "--stage"])
        #expect(!staged.contains(".pactoria/secrets/") && !staged.contains(".pactoria/cache/"), "\(staged)")
    }
}
