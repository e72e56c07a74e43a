internal import CLibGit2

/// A configured remote: its name and fetch URL.
public struct RemoteInfo: Sendable, Equatable {
    public var name: String
    public var url: String

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }
}

/// Owns one `git_remote` handle; the repository it was looked up in is kept alive with it.
final class RemoteHandle {
    let pointer: OpaquePointer
    let repository: Repository

    init(pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_remote_free(pointer) }

    var name: String { git_remote_name(pointer).map { String(cString: $0) } ?? "" }
    var url: String { git_remote_url(pointer).map { String(cString: $0) } ?? "" }
}

extension Repository {
    // MARK: - Remotes

    /// Adds a remote with the default fetch refspec (`+refs/heads/*:refs/remotes/NAME/*`).
    ///
    /// Throws `GitError` `.exists` when a remote of that name is configured, `.invalidSpec` for a
    /// name git does not accept.
    public func addRemote(name: String, url: String) throws {
        Libgit2.ensure()
        var valid: Int32 = 0
        try check(git_remote_name_is_valid(&valid, name), "check remote name")
        guard valid == 1 else {
            throw GitError(code: .invalidSpec, operation: "add remote", message: "'\(name)' is not a valid remote name")
        }
        if try lookupRemoteIfPresent(name) != nil {
            throw GitError(code: .exists, operation: "add remote", message: "remote '\(name)' already exists")
        }
        var remote: OpaquePointer?
        try check(git_remote_create(&remote, pointer, name, url), "add remote \(name)")
        git_remote_free(remote)
    }

    /// The configured remotes, sorted by name.
    public func remotes() throws -> [RemoteInfo] {
        var names = git_strarray()
        try check(git_remote_list(&names, pointer), "list remotes")
        defer { git_strarray_dispose(&names) }
        var out: [RemoteInfo] = []
        for i in 0..<names.count {
            guard let cName = names.strings[i] else { continue }
            let name = String(cString: cName)
            if let remote = try lookupRemoteIfPresent(name) { out.append(RemoteInfo(name: name, url: remote.url)) }
        }
        return out.sorted { $0.name < $1.name }
    }

    /// Removes a remote, its remote-tracking branches and the upstream settings that pointed at it.
    /// Throws `GitError` `.notFound` when there is no such remote.
    public func removeRemote(name: String) throws {
        guard try lookupRemoteIfPresent(name) != nil else { throw Self.noSuchRemote(name, "remove remote") }
        try check(git_remote_delete(pointer, name), "remove remote \(name)")
    }

    /// The fetch URL of a remote. Throws `GitError` `.notFound` when there is no such remote.
    public func remoteURL(name: String) throws -> String {
        guard let remote = try lookupRemoteIfPresent(name) else { throw Self.noSuchRemote(name, "read remote") }
        return remote.url
    }

    /// Changes the URL of an existing remote. Throws `GitError` `.notFound` when there is no such remote.
    public func setRemoteURL(name: String, url: String) throws {
        guard try lookupRemoteIfPresent(name) != nil else { throw Self.noSuchRemote(name, "set remote URL") }
        try check(git_remote_set_url(pointer, name, url), "set URL of remote \(name)")
    }

    func lookupRemoteIfPresent(_ name: String) throws -> RemoteHandle? {
        var remote: OpaquePointer?
        let rc = git_remote_lookup(&remote, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EINVALIDSPEC.rawValue { return nil }
        try check(rc, "look up remote \(name)")
        return RemoteHandle(pointer: remote!, repository: self)
    }

    static func noSuchRemote(_ name: String, _ operation: String) -> GitError {
        GitError(code: .notFound, operation: operation, message: "no remote named '\(name)'")
    }
}
