import Foundation
import PactoriaGit
import PactoriaWorkspace

/// Absolute paths for the paths users type (`-C DIR`, `clone ... DIR`).
enum AbsolutePath {
    static var currentDirectory: String { FileManager.default.currentDirectoryPath }

    /// `p` made absolute against `base` (else the current directory), with `.` and `..` resolved.
    static func resolve(_ p: String, relativeTo base: String? = nil) -> String {
        let full = p.hasPrefix("/") ? p : (base ?? currentDirectory) + "/" + p
        return (full as NSString).standardizingPath
    }
}

enum CommitSummary {
    /// The subject line of a commit given by its hex id ("" when there is none).
    static func subject(_ repo: PactoriaGit.Repository?, _ hex: String) -> String {
        guard let repo, let id = PactoriaGit.ObjectID(hex: hex), let c = try? repo.commit(id) else { return "" }
        return c.summary
    }
}
