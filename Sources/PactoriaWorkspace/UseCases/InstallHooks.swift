import Foundation

/// A git pre-commit hook that checks the staged changes, so a plain `git commit` is held to the
/// same rules. The script is the caller's: it knows how to invoke its own check.
public enum InstallHooks {
    public struct Result: Sendable {
        public var installed: [String]
        public var skipped: [String]
    }

    /// - Parameters:
    ///   - script: the pre-commit hook to write (it runs the caller's check of the staged changes).
    ///   - marker: a line of `script` that marks a hook as written by Pactoria; a hook without it
    ///     is someone else's.
    ///   - force: replace a hook Pactoria did not write (it is kept as `<hook>.pre-pactoria`).
    public static func run(
        _ ws: Workspace, script: String, marker: String, force: Bool = false
    ) throws(WorkspaceError) -> Result {
        let hooksDir = try gitDirectory(ws) + "/hooks"
        try FileSystem.makeDirectories(hooksDir)
        let path = hooksDir + "/pre-commit"
        var result = Result(installed: [], skipped: [])
        if FileSystem.exists(path) {
            let existing = (try? FileSystem.readText(path)) ?? ""
            if !existing.contains(marker) {
                guard force else {
                    throw .refused(
                        "\(path) exists and was not written by pactoria",
                        remedy: .confirm(field: "force", purpose: "replace it (it is kept as pre-commit.pre-pactoria)"))
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

    /// `s` as one word for the shell.
    public static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
