import Foundation
import PactoriaTestSupport
import ServerTestSupport
import Testing

/// Workspaces sharing a local bare remote, for the git-state tests (#12.3, 12, 17–20): `a` and `b`
/// are clones of `origin.git`, made from example-repo with `pactoria init`.
final class GitSandbox: @unchecked Sendable {
    let root: String
    static let today = "2026-12-01"

    init() throws {
        root = NSTemporaryDirectory() + "pactoria-gitstate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ rel: String) -> String { root + "/" + rel }

    static var exampleRepo: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("example-repo").path
    }

    /// `a` (example-repo, committed), `origin.git` (bare, `a` pushed), and `b` a copy of `a`.
    static func shared() throws -> GitSandbox {
        let sb = try GitSandbox()
        try FileManager.default.copyItem(atPath: exampleRepo, toPath: sb.path("a"))
        for leftover in [".pactoria/cache", ".git"] {
            try? FileManager.default.removeItem(atPath: sb.path("a/" + leftover))
        }
        try sb.ok(sb.pactoria(["init", "a"], in: ""))
        _ = try runGit(sb.root, ["init", "-q", "--bare", "-b", "main", "origin.git"])
        try sb.ok(sb.pactoria(["remote", "add", "origin", sb.path("origin.git")], in: "a"))
        try sb.ok(sb.pactoria(["push"], in: "a"))
        try FileManager.default.copyItem(atPath: sb.path("a"), toPath: sb.path("b"))
        return sb
    }

    @discardableResult
    func pactoria(_ args: [String], in dir: String, env: [String: String?] = [:]) throws -> CLIRun {
        var e = env
        e["PACTORIA_TODAY"] = Self.today
        return try runPactoria(dir.isEmpty ? root : path(dir), args, environment: e)
    }

    func ok(_ r: CLIRun, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(r.status == 0, "\(r)", sourceLocation: sourceLocation)
    }

    @discardableResult
    func git(_ args: [String], in dir: String) throws -> String { try runGit(path(dir), args) }

    /// git, whatever its exit status.
    func gitRun(_ args: [String], in dir: String, env: [String: String] = [:]) throws -> (
        status: Int32, out: String, err: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        for k in ["GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"] { environment[k] = "Git User" }
        for k in ["GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"] { environment[k] = "git@example.co.uk" }
        environment["PACTORIA_TODAY"] = Self.today
        for (k, v) in env { environment[k] = v }
        let r = try Spawn.capture("/usr/bin/git", args, directory: path(dir), environment: environment)
        return (r.status, String(decoding: r.stdout, as: UTF8.self), r.stderr)
    }

    func head(_ dir: String, _ rev: String = "HEAD") throws -> String {
        try git(["rev-parse", rev], in: dir).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func read(_ rel: String) throws -> String { try String(contentsOfFile: path(rel), encoding: .utf8) }
    func write(_ text: String, _ rel: String) throws {
        try text.write(toFile: path(rel), atomically: true, encoding: .utf8)
    }
    func exists(_ rel: String) -> Bool { FileManager.default.fileExists(atPath: path(rel)) }

    /// Contract paths (company/contracts/stem) by status, from the example repository.
    func contracts(status: String, in dir: String) throws -> [String] {
        let companies = path(dir + "/companies")
        var out: [String] = []
        for company in try FileManager.default.contentsOfDirectory(atPath: companies).sorted() {
            let dirPath = "\(companies)/\(company)/contracts"
            for f in ((try? FileManager.default.contentsOfDirectory(atPath: dirPath)) ?? []).sorted()
            where f.hasSuffix(".yaml") {
                let text = try String(contentsOfFile: "\(dirPath)/\(f)", encoding: .utf8)
                if text.contains("\nstatus: \(status)\n") {
                    out.append("companies/\(company)/contracts/\(f.dropLast(5))")
                }
            }
        }
        return out
    }

    /// Replaces the first line starting with `prefix` in a file.
    func setLine(_ rel: String, prefix: String, to line: String) throws {
        var lines = try read(rel).components(separatedBy: "\n")
        let i = try #require(lines.firstIndex { $0.hasPrefix(prefix) }, "\(prefix) in \(rel)")
        lines[i] = line
        try write(lines.joined(separator: "\n"), rel)
    }

    /// `count` new draft contracts in `dir` (copies of a draft with new ids), committed with Pactoria.
    func addDrafts(_ count: Int, in dir: String, tag: String) throws {
        let template = try #require(try contracts(status: "draft", in: dir).first)
        let yaml = try read("\(dir)/\(template).yaml")
        let md = try read("\(dir)/\(template).md")
        let folder = (template as NSString).deletingLastPathComponent
        for i in 0..<count {
            var y = yaml.components(separatedBy: "\n")
            y[0] = "id: \(UUID().uuidString.lowercased())"
            if let t = y.firstIndex(where: { $0.hasPrefix("title: ") }) { y[t] = "title: Generated \(tag) \(i)" }
            try write(y.joined(separator: "\n"), "\(dir)/\(folder)/gen-\(tag)-\(i).yaml")
            try write(md + "\nGenerated \(tag) \(i).\n", "\(dir)/\(folder)/gen-\(tag)-\(i).md")
        }
        try ok(pactoria(["commit", "-m", "\(count) generated drafts"], in: dir))
    }
}
