import Foundation

/// Parsed files kept in memory by a long-running process and re-read whenever the file's size,
/// mtime, ctime or inode change, so edits made by the CLI or by hand are seen at once.
public final class FreshFiles: @unchecked Sendable {
    private let root: String
    private let lock = NSLock()
    private var config: (FileSystem.Stamp?, WorkspaceConfig)?
    private var parsed: [String: (stamp: FileSystem.Stamp?, value: any Sendable)] = [:]

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
        lock.lock()
        let cached = config
        lock.unlock()
        if let cached, let stamp, cached.0 == stamp { return Workspace(root: root, config: cached.1) }
        let ws = try Workspace.open(root: root)
        lock.lock()
        config = (stamp, ws.config)
        lock.unlock()
        return ws
    }

    /// What `load` makes of the file at `path`, made again only when the file's stamp changes
    /// (PactoriaAccess keeps its users this way).
    package func fresh<Value: Sendable>(_ path: String, _ load: () throws(WorkspaceError) -> Value)
        throws(WorkspaceError) -> Value
    {
        let stamp = FileSystem.stamp(path)
        lock.lock()
        let cached = parsed[path]
        lock.unlock()
        if let cached, cached.stamp == stamp, let value = cached.value as? Value { return value }
        let value = try load()
        lock.lock()
        parsed[path] = (stamp, value)
        lock.unlock()
        return value
    }
}
