import Foundation
import PactoriaWorkspace
import PactoriaGit

enum NSNullish {
    static let null = NSNull()
}

enum FileSystemPath {
    static var cwd: String { FileManager.default.currentDirectoryPath }

    static func absolute(_ p: String, relativeTo base: String? = nil) -> String {
        let full = p.hasPrefix("/") ? p : (base ?? cwd) + "/" + p
        return (full as NSString).standardizingPath
    }
}

/// Metadata as JSON: mappings to objects, sequences to arrays, scalars to strings (integers as
/// numbers), so scripts see exactly what the file says.
enum YAMLJSON {
    static func object(_ node: YAMLNode) -> Any {
        switch node {
        case .scalar(let s, let style):
            if style == .null { return NSNull() }
            if style == .typed, let i = Int(s) { return i }
            return s
        case .mapping(let entries):
            var out: [String: Any] = [:]
            for e in entries { out[e.key] = object(e.value) }
            return out
        case .sequence(let items): return items.map(object)
        }
    }
}

enum ObjectIDParse {
    /// The subject line of a commit given by its hex id.
    static func summary(_ repo: PactoriaGit.Repository?, _ hex: String) -> String {
        guard let repo, let id = PactoriaGit.ObjectID(hex: hex), let c = try? repo.commit(id) else { return "" }
        return c.summary
    }
}
