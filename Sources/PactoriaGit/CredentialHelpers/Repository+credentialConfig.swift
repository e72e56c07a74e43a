internal import CLibGit2

extension Repository {
    // MARK: - Credential configuration

    /// The `credential.*` entries of this repository's configuration and the levels it includes
    /// (system, XDG, global), in the order git reads them.
    public func credentialConfig() throws -> CredentialConfig {
        var cfg: OpaquePointer?
        try check(git_repository_config_snapshot(&cfg, pointer), "read config")
        defer { git_config_free(cfg) }
        return try CredentialConfig(reading: cfg!)
    }

    /// The credential helpers git would ask for `url`, in order (empty when none, or when the
    /// configuration cannot be read).
    public func credentialHelpers(for url: String) -> [String] {
        ((try? credentialConfig())?.settings(for: url).helpers) ?? []
    }
}
