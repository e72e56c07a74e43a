import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// git's credential helpers for the remotes of one repository: asks them for a user name and
/// password (`get`), and tells them whether the server took it (`store`) or refused it (`erase`).
///
/// Helpers run with `environment` (which also gives `HOME`, `XDG_CONFIG_HOME` and `PATH` for the
/// native `store` helper and the lookup of named helpers), and are killed after `timeout`.
/// Nothing here prints or logs a password.
public struct CredentialHelpers: Sendable, Equatable, CustomStringConvertible {
    public var config: CredentialConfig
    public var environment: [String: String]
    public var timeout: Duration

    /// The helper entries only: the environment may hold secrets.
    public var description: String {
        "CredentialHelpers(" + config.entries.filter { $0.key == "helper" }.map(\.value).joined(separator: ", ") + ")"
    }

    public init(config: CredentialConfig, environment: [String: String], timeout: Duration = .seconds(120)) {
        self.config = config
        self.environment = environment
        self.timeout = timeout
    }

    /// What the helpers are asked for `url`: protocol, host, the path only with
    /// `credential.useHttpPath` (as git), and the user name from the URL, `username`, or
    /// `credential.username`. Nil for a URL without scheme.
    public func request(for url: String, username: String? = nil) -> GitCredential? {
        guard var c = GitCredential(url: url) else { return nil }
        let settings = config.settings(for: url)
        c.password = nil
        c.username = c.username ?? username ?? settings.username
        if ["http", "https"].contains(c.scheme?.lowercased() ?? ""), !settings.useHttpPath { c.path = nil }
        return c
    }

    /// Asks the helpers configured for `url` in turn (`get`) until one gives both a user name and a
    /// password; a helper's user name is passed on to the next. Nil when none does, when one says
    /// `quit`, or for a URL that is not HTTP(S).
    public func fill(url: String, username: String? = nil) -> GitCredential? {
        guard var c = request(for: url, username: username),
            ["http", "https"].contains(c.scheme?.lowercased() ?? "")
        else { return nil }
        for helper in config.settings(for: url).helpers {
            c = run(CredentialHelper(helper), action: "get", c)
            if c.username != nil, c.password != nil { return c }
            if c.quit { return nil }
        }
        return nil
    }

    /// Tells every helper for `url` that `credential` worked (`store`).
    public func approve(_ credential: GitCredential, url: String) {
        guard credential.username != nil, credential.password != nil else { return }
        for helper in config.settings(for: url).helpers {
            _ = run(CredentialHelper(helper), action: "store", credential)
        }
    }

    /// Tells every helper for `url` that the server refused `credential` (`erase`).
    public func reject(_ credential: GitCredential, url: String) {
        for helper in config.settings(for: url).helpers {
            _ = run(CredentialHelper(helper), action: "erase", credential)
        }
    }

    /// Runs one helper; for `get`, returns `c` completed with its answer (unchanged on any failure).
    func run(_ helper: CredentialHelper, action: String, _ c: GitCredential) -> GitCredential {
        let command: String
        switch helper {
        case .cache:
            return c
        case let .store(file):
            let store = CredentialStoreFile(files: CredentialStoreFile.paths(file: file, environment: environment))
            switch action {
            case "get":
                guard let found = store.get(c) else { return c }
                var out = c
                out.username = found.username
                out.password = found.password
                return out
            case "store": store.store(c)
            case "erase": store.erase(c)
            default: break
            }
            return c
        case let .shell(cmd):
            command = cmd
        case let .named(name, arguments):
            guard let path = findExecutable("git-credential-" + name) else { return c }
            command = shellQuoted(path) + (arguments.isEmpty ? "" : " " + arguments)
        }
        guard let input = c.helperInput,
            let result = HelperProcess.run(
                shell: command + " " + action, input: Array(input.utf8), environment: environment, timeout: timeout)
        else { return c }
        var out = c
        if action == "get", result.status == 0 {
            out.merge(helperOutput: String(decoding: result.output, as: UTF8.self))
        }
        return out
    }

    /// `name` in a directory of `PATH` (from `environment`), if executable there.
    func findExecutable(_ name: String) -> String? {
        for dir in (environment["PATH"] ?? "").split(separator: ":") where dir.hasPrefix("/") {
            let path = dir + "/" + name
            var st = stat()
            if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 { return path }
        }
        return nil
    }
}
