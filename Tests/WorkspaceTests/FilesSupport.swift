import Foundation
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Helpers shared by the hostile-file suites: a contract's files on disk, the built binary,
/// git as an independent reader.
enum FilesKit {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static let author = Author(name: "Admin", email: "admin@example.co.uk")

    /// The stem of the contract with `id` in `company`'s folder.
    static func stem(_ s: LiveServer, company: String, id: String) throws -> String {
        let dir = s.root + "/companies/\(company)/contracts"
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where name.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            if text.contains(id) { return String(name.dropLast(5)) }
        }
        throw FilesKit.Failure(description: "no file for \(id) in \(dir)")
    }

    /// Replaces `path` (relative to the workspace) with a symbolic link to `target`.
    static func plantLink(_ root: String, _ path: String, to target: String) throws {
        try? FileManager.default.removeItem(atPath: root + "/" + path)
        try FileManager.default.createSymbolicLink(atPath: root + "/" + path, withDestinationPath: target)
    }

    /// `git ls-tree -r` of `rev`: mode and path per line.
    static func tree(_ root: String, _ rev: String = "HEAD") throws -> [(mode: String, path: String)] {
        try runGit(root, ["ls-tree", "-r", "--full-tree", rev]).split(separator: "\n").map { line in
            let tab = line.firstIndex(of: "\t")!
            return (String(line.prefix(6)), String(line[line.index(after: tab)...]))
        }
    }

    /// The built `pactoria` (`$PACTORIA_BIN`, else beside this test bundle).
    static func binary() throws -> String { try pactoriaBinary() }

    /// Runs the built binary in `directory` with a pinned environment plus `extra`.
    static func pactoria(_ args: [String], in directory: String, env extra: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let home = NSTemporaryDirectory() + "pactoria-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        var env = Hermetic.environment(home: home)
        env["PACTORIA_AUTHOR"] = "Test User <test@example.co.uk>"
        for (k, v) in extra { env[k] = v }
        let r = try Spawn.capture(try binary(), args, directory: directory, environment: env, timeout: .seconds(60))
        return (r.status, String(decoding: r.stdout, as: UTF8.self), r.stderr)
    }
}
