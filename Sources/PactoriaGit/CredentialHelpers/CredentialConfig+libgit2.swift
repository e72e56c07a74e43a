internal import CLibGit2

extension CredentialConfig {
    /// The `credential.*` entries of git's configuration outside any repository (system, XDG and
    /// global levels, as `git_config_open_default` finds them), for when there is no repository
    /// yet, such as before a clone.
    public static func global() throws -> CredentialConfig {
        Libgit2.ensure()
        var cfg: OpaquePointer?
        try check(git_config_open_default(&cfg), "read global config")
        defer { git_config_free(cfg) }
        var snapshot: OpaquePointer?
        try check(git_config_snapshot(&snapshot, cfg), "read global config")
        defer { git_config_free(snapshot) }
        return try CredentialConfig(reading: snapshot!)
    }

    /// The `credential.*` entries of an open `git_config`, in the order git reads them.
    init(reading cfg: OpaquePointer) throws {
        var iterator: OpaquePointer?
        try check(git_config_iterator_glob_new(&iterator, cfg, "^credential\\."), "read credential config")
        defer { git_config_iterator_free(iterator) }
        var found: [(level: Int32, order: Int, entry: CredentialConfig.Entry)] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0 {
            guard let e = entry?.pointee, let name = e.name else { continue }
            let value = e.value.map { String(cString: $0) } ?? ""
            guard let parsed = CredentialConfig.Entry(name: String(cString: name), value: value) else { continue }
            found.append((e.level.rawValue, found.count, parsed))
        }
        // libgit2 lists the most specific level first; git reads the least specific first.
        found.sort { ($0.level, $0.order) < ($1.level, $1.order) }
        self.init(entries: found.map(\.entry))
    }
}
