import Foundation
import Synchronization

/// Parsed files kept in memory by a long-running process and re-read whenever the file's size,
/// mtime, ctime or inode change, so edits made by the CLI or by hand are seen at once.
public final class FreshFiles: Sendable {
    private let root: String
    private let config = Mutex<(FileSystem.Stamp?, WorkspaceConfig)?>(nil)
    private let parsed = Mutex<[String: (stamp: FileSystem.Stamp?, value: any Sendable)]>([:])

    public init(root: String) { self.root = root }

    /// The workspace, its config parsed once per change of `.pactoria/config.yaml`.
    public func workspace() throws(WorkspaceError) -> Workspace {
        let ws = try opened()
        // A write a killed process left half-done is finished before anyone reads (one stat).
        for note in Recovery.onOpen(ws) { FileHandle.standardError.write(Data("pactoria: \(note)\n".utf8)) }
        return ws
    }

    private func opened() throws(WorkspaceError) -> Workspace {
        let stamp = FileSystem.stamp(root + "/" + Workspace.configPath)
        if let cached = config.withLock({ $0 }), let stamp, cached.0 == stamp {
            return Workspace(root: root, config: cached.1)
        }
        let ws = try Workspace.open(root: root)
        config.withLock { $0 = (stamp, ws.config) }
        return ws
    }

    /// What `load` makes of the file at `path`, made again only when the file's stamp changes
    /// (PactoriaAccess keeps its users this way).
    package func fresh<Value: Sendable>(_ path: String, _ load: () throws(WorkspaceError) -> Value)
        throws(WorkspaceError) -> Value
    {
        let stamp = FileSystem.stamp(path)
        let cached = parsed.withLock { $0[path] }
        if let cached, cached.stamp == stamp, let value = cached.value as? Value { return value }
        let value = try load()
        parsed.withLock { $0[path] = (stamp, value) }
        return value
    }
}
