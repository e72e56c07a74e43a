import Foundation
import PactoriaWorkspace

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
