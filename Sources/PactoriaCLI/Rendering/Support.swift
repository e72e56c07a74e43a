import Foundation
import PactoriaGit
import PactoriaWorkspace

enum FileSystemPath {
    static var cwd: String { FileManager.default.currentDirectoryPath }

    static func absolute(_ p: String, relativeTo base: String? = nil) -> String {
        let full = p.hasPrefix("/") ? p : (base ?? cwd) + "/" + p
        return (full as NSString).standardizingPath
    }
}

enum ObjectIDParse {
    /// The subject line of a commit given by its hex id.
    static func summary(_ repo: PactoriaGit.Repository?, _ hex: String) -> String {
        guard let repo, let id = PactoriaGit.ObjectID(hex: hex), let c = try? repo.commit(id) else { return "" }
        return c.summary
    }
}
