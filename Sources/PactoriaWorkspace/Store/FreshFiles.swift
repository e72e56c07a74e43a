import Foundation

/// Parsed files kept in memory by a long-running process and re-read whenever the file's size,
/// mtime, ctime or inode change, so edits made by the CLI or by hand are seen at once.
public final class FreshFiles: @unchecked Sendable {
    private let root: String
    private let lock = NSLock()
    private var config: (FileSystem.Stamp?, WorkspaceConfig)?
    private var users: (FileSystem.Stamp?, [User])?

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

    /// The users, parsed once per change of `.pactoria/users.yaml`.
    public func users(_ ws: Workspace) throws(WorkspaceError) -> [User] {
        let stamp = FileSystem.stamp(ws.absolute(UserStore.path))
        lock.lock()
        let cached = users
        lock.unlock()
        if let cached, cached.0 == stamp { return cached.1 }
        let list = try UserStore.load(ws)
        lock.lock()
        users = (stamp, list)
        lock.unlock()
        return list
    }
}
