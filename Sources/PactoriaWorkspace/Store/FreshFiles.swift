import Foundation
import Synchronization

/// Parsed files kept in memory by a long-running process and re-read whenever the file's size,
/// mtime, ctime or inode change, so edits made by the CLI or by hand are seen at once.
public final class FreshFiles: Sendable {
    private let root: String
    private let config = Mutex<(FileSystem.Stamp?, WorkspaceConfig)?>(nil)
    private let users = Mutex<(FileSystem.Stamp?, [User])?>(nil)

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

    /// The users, parsed once per change of `.pactoria/users.yaml`.
    public func users(_ ws: Workspace) throws(WorkspaceError) -> [User] {
        let stamp = FileSystem.stamp(ws.absolute(UserStore.path))
        if let cached = users.withLock({ $0 }), cached.0 == stamp { return cached.1 }
        let list = try UserStore.load(ws)
        users.withLock { $0 = (stamp, list) }
        return list
    }
}
