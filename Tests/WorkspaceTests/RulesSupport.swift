import Foundation
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Helpers of the `Rules*` suites (issue #12: the rules on every path): a copy of `example-repo/`
/// adopted with `pactoria init`, the built binary with "today" pinned, real git, and one
/// assertion that runs an edit through every path a change can take.
enum RulesKit {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// No example contract has ended by then.
    static let today = "2026-12-01"

    // company/stem of example contracts (status as in example-repo).
    static let activeShop = "ancoats-bakehouse/online-shop-terms-and-conditions"  // active, no end_date
    static let activeLease = "ancoats-bakehouse/lease-of-unit-4-pollard-street-trading-estate"  // active
    static let pendingFlour = "ancoats-bakehouse/organic-flour-supply-agreement-2027"  // pending_review, end 2027-12-31
    static let draftCare = "brickline-digital/website-care-plan-agreement"  // draft
    static let terminatedLaser = "avon-gorge-engineering/laser-scanner-equipment-hire-agreement"  // terminated

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
    static var exampleRepo: String { packageRoot.appendingPathComponent("example-repo").path }

    static func yaml(_ ref: String) -> String {
        let p = ref.split(separator: "/")
        return "companies/\(p[0])/contracts/\(p[1]).yaml"
    }
    static func markdown(_ ref: String) -> String { String(yaml(ref).dropLast(5)) + ".md" }

    /// A fresh copy of example-repo, `prepare`d (before adoption), adopted by `pactoria init`
    /// (one commit). Returns the workspace root; the caller removes it with `cleanUp`.
    static func adopt(prepare: (String) throws -> Void = { _ in }) throws -> String {
        let parent = NSTemporaryDirectory() + "pactoria-rules-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let root = parent + "/demo"
        try FileManager.default.copyItem(atPath: exampleRepo, toPath: root)
        for leftover in [".pactoria/cache", ".git"] {
            try? FileManager.default.removeItem(atPath: root + "/" + leftover)
        }
        try prepare(root)
        let r = try runPactoria(parent, ["init", "demo"], environment: ["PACTORIA_TODAY": today])
        guard r.status == 0 else { throw Failure(description: "init failed: \(r)") }
        _ = try runGit(root, ["config", "user.name", "Grace Whitworth"])
        _ = try runGit(root, ["config", "user.email", "grace@ancoatsbakehouse.co.uk"])
        _ = try runGit(root, ["config", "commit.gpgsign", "false"])
        return root
    }

    static func cleanUp(_ root: String) {
        try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
    }

    @discardableResult
    static func pactoria(_ root: String, _ args: [String], today: String = today) throws -> CLIRun {
        try runPactoria(root, args, environment: ["PACTORIA_TODAY": today])
    }

    static func head(_ root: String) throws -> String {
        try runGit(root, ["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func read(_ root: String, _ path: String) throws -> String {
        try String(contentsOfFile: root + "/" + path, encoding: .utf8)
    }

    static func write(_ root: String, _ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + path))
    }

    /// Rewrites the top-level `name:` line of a contract's YAML (appends it when absent).
    static func setField(_ root: String, _ ref: String, _ name: String, _ value: String) throws {
        var lines = try read(root, yaml(ref)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let i = lines.firstIndex(where: { $0.hasPrefix("\(name): ") }) {
            lines[i] = "\(name): \(value)"
        } else {
            lines.insert("\(name): \(value)", at: max(0, lines.count - 1))
        }
        try write(root, yaml(ref), lines.joined(separator: "\n"))
    }

    static func replace(_ root: String, _ path: String, _ old: String, _ new: String) throws {
        let text = try read(root, path)
        guard text.contains(old) else { throw Failure(description: "\(old) not in \(path)") }
        try write(root, path, text.replacingOccurrences(of: old, with: new))
    }

    /// Removes the `lifecycle:` section of a contract's YAML (an old workspace's active contract).
    static func dropLifecycle(_ root: String, _ ref: String) throws {
        let text = try read(root, yaml(ref))
        guard let r = text.range(of: "\nlifecycle:\n") else { return }
        try write(root, yaml(ref), String(text[..<r.lowerBound]) + "\n")
    }

    /// Stages everything and commits with plain git, skipping hooks.
    static func plainCommit(_ root: String, _ message: String) throws {
        _ = try runGit(root, ["add", "-A"])
        _ = try runGit(root, ["commit", "-q", "--no-verify", "-m", message])
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// Runs the working-tree edit already made in `root` through every path, and expects each to
    /// refuse it with `rule` (its message containing `message`): `status --check`, `commit`, the
    /// pre-commit hook's check of the index (`check --staged` after `git add -A`), and `check
    /// --base` over the same edit committed with plain git. Leaves the edit committed.
    static func expectRefusedEverywhere(
        _ root: String, rule: String, message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let base = try head(root)
        let status = try pactoria(root, ["status", "--check", "--porcelain"])
        #expect(status.status == 1, "status --check: \(status)", sourceLocation: sourceLocation)
        #expect(status.stdout.contains(message), "status: \(status)", sourceLocation: sourceLocation)

        let commit = try pactoria(root, ["commit", "-m", "Hand edit"])
        #expect(commit.status == 1, "commit: \(commit)", sourceLocation: sourceLocation)
        #expect(commit.stderr.contains(message), "commit: \(commit)", sourceLocation: sourceLocation)
        #expect(!commit.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        #expect(try head(root) == base, "nothing committed", sourceLocation: sourceLocation)

        _ = try runGit(root, ["add", "-A"])
        let staged = try pactoria(root, ["check", "--staged", "--format", "json"])
        #expect(staged.status == 1, "check --staged (the hook): \(staged)", sourceLocation: sourceLocation)
        let stagedRules = (json(staged.stdout)["findings"] as? [[String: Any]] ?? []).compactMap {
            $0["rule"] as? String
        }
        #expect(stagedRules.contains(rule), "check --staged: \(staged)", sourceLocation: sourceLocation)
        _ = try runGit(root, ["reset", "-q"])

        try plainCommit(root, "Hand edit with plain git")
        let checked = try pactoria(root, ["check", "--base", base, "--format", "json"])
        #expect(checked.status == 1, "check --base: \(checked)", sourceLocation: sourceLocation)
        let findings = json(checked.stdout)["findings"] as? [[String: Any]] ?? []
        #expect(
            findings.contains {
                ($0["rule"] as? String) == rule && (($0["message"] as? String) ?? "").contains(message)
            },
            "check --base: \(checked)", sourceLocation: sourceLocation)
    }
}
