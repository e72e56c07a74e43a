import Foundation

/// `pactoria hooks install`: a git pre-commit hook that runs `pactoria check --staged`, so a plain
/// `git commit` is held to the same rules.
public enum InstallHooks {
    public static let marker = "# installed by `pactoria hooks install`"

    public struct Result: Sendable {
        public var installed: [String]
        public var skipped: [String]
    }

    /// - Parameters:
    ///   - executable: the absolute path of the running `pactoria`, written into the hook.
    ///   - force: replace a hook that pactoria did not write (it is kept as `<hook>.pre-pactoria`).
    public static func run(_ ws: Workspace, executable: String, force: Bool = false) throws(WorkspaceError) -> Result {
        let hooksDir = try gitDirectory(ws) + "/hooks"
        try FileSystem.makeDirectories(hooksDir)
        let path = hooksDir + "/pre-commit"
        let script = """
            #!/bin/sh
            \(marker)
            # Checks staged contract changes against Pactoria's lifecycle and field rules.
            # Bypass once with `git commit --no-verify`.
            PACTORIA=\(shellQuote(executable))
            [ -x "$PACTORIA" ] || PACTORIA=pactoria
            exec "$PACTORIA" check --staged

            """
        var result = Result(installed: [], skipped: [])
        if FileSystem.exists(path) {
            let existing = (try? FileSystem.readText(path)) ?? ""
            if !existing.contains(marker) {
                guard force else {
                    throw .refused(
                        "\(path) exists and was not written by pactoria; pass --force to replace it (it is kept as pre-commit.pre-pactoria)"
                    )
                }
                try? FileManager.default.removeItem(atPath: path + ".pre-pactoria")
                do { try FileManager.default.moveItem(atPath: path, toPath: path + ".pre-pactoria") } catch {
                    throw .io(path: path, message: "cannot keep the existing hook: \(error.localizedDescription)")
                }
            }
        }
        try FileSystem.writeAtomically(script, to: path)
        chmod(path, 0o755)
        result.installed.append(".git/hooks/pre-commit")
        return result
    }

    /// The repository's git directory (`.git`, or where a `.git` file points).
    package static func gitDirectory(_ ws: Workspace) throws(WorkspaceError) -> String {
        let dotGit = ws.absolute(".git")
        if FileSystem.isDirectory(dotGit) { return dotGit }
        if let text = try? FileSystem.readText(dotGit), text.hasPrefix("gitdir:") {
            let target = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            return target.hasPrefix("/") ? target : ws.absolute(target)
        }
        throw .repository("cannot find the git directory of \(ws.root)", detail: "no .git directory or file")
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
