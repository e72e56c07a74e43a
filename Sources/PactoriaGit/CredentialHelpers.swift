internal import CLibGit2
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// git's credential helpers (gitcredentials(7), git-credential(1)), without the git binary: the
// helpers configured for a URL are read from git's configuration through libgit2, external helpers
// are run with the helper protocol on their standard input, and git's built-in `store` helper is
// implemented here over the same files (`~/.git-credentials`, `$XDG_CONFIG_HOME/git/credentials`).

/// One credential in git's helper protocol: the `protocol`, `host`, `path`, `username` and
/// `password` attributes. Its description never shows the password.
public struct GitCredential: Sendable, Equatable, CustomStringConvertible {
    /// The `protocol=` attribute (`https`, `http`, ...).
    public var scheme: String?
    /// The `host=` attribute, with the port when the URL names one (`example.com:8443`).
    public var host: String?
    /// The `path=` attribute, without leading slash (sent for HTTP only with `credential.useHttpPath`).
    public var path: String?
    public var username: String?
    public var password: String?
    /// A helper answered `quit=true`: no further helper is asked.
    public var quit = false

    public init(
        scheme: String? = nil, host: String? = nil, path: String? = nil, username: String? = nil,
        password: String? = nil
    ) {
        self.scheme = scheme
        self.host = host
        self.path = path
        self.username = username
        self.password = password
    }

    /// Parses `scheme://[user[:password]@][host[:port]][/path]` the way git does (`credential_from_url`):
    /// the first `@` ends the user information, components are percent-decoded and trailing slashes
    /// of the path dropped. Nil without `scheme://`.
    public init?(url: String) {
        guard let sep = url.range(of: "://"), sep.lowerBound != url.startIndex else { return nil }
        self.init()
        scheme = String(url[..<sep.lowerBound])
        parseAuthorityAndPath(url[sep.upperBound...])
    }

    /// Parses a URL that may lack its scheme (`example.com`, `alice@example.com/org`), as git does
    /// for the `credential.<url>.*` keys it cannot match as URLs. Nil when there is nothing to match.
    init?(partialURL url: String) {
        self.init()
        if let sep = url.range(of: "://"), sep.lowerBound != url.startIndex {
            scheme = String(url[..<sep.lowerBound])
            parseAuthorityAndPath(url[sep.upperBound...])
        } else {
            parseAuthorityAndPath(Substring(url))
        }
        if scheme == nil && host == nil && path == nil && username == nil { return nil }
    }

    private mutating func parseAuthorityAndPath(_ rest: Substring) {
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let at = rest.firstIndex(of: "@")
        let colon = rest.firstIndex(of: ":")
        var hostStart = rest.startIndex
        if let at, at < slash {
            if let colon, colon < at {
                username = percentDecoded(rest[..<colon])
                password = percentDecoded(rest[rest.index(after: colon)..<at])
            } else {
                username = percentDecoded(rest[..<at])
            }
            hostStart = rest.index(after: at)
        }
        if hostStart < slash { host = percentDecoded(rest[hostStart..<slash]) }
        if slash < rest.endIndex {
            var p = Substring(percentDecoded(rest[rest.index(after: slash)...]))
            while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
            path = String(p)
        }
    }

    /// The attributes as a helper reads them: `key=value` lines and a blank line. Nil when a value
    /// holds a newline or NUL (git refuses to send those).
    public var helperInput: String? {
        var out = ""
        for (key, value) in [
            ("protocol", scheme), ("host", host), ("path", path), ("username", username), ("password", password),
        ] {
            guard let value else { continue }
            if value.contains("\n") || value.contains("\0") { return nil }
            out += "\(key)=\(value)\n"
        }
        return out + "\n"
    }

    /// Takes `username=`, `password=` and `quit=` from a helper's answer (other attributes are
    /// ignored; reading stops at the first blank line).
    public mutating func merge(helperOutput: String) {
        for line in helperOutput.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        {
            if line.isEmpty { break }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq]
            let value = String(line[line.index(after: eq)...])
            switch key {
            case "username": username = value
            case "password": password = value
            case "quit": quit = ["1", "true", "yes", "on"].contains(value.lowercased())
            default: break
            }
        }
    }

    /// git's `credential_match`: every attribute set here (the password only with `matchPassword`)
    /// is set to the same value in `other`.
    public func matches(_ other: GitCredential, matchPassword: Bool = false) -> Bool {
        func same(_ a: String?, _ b: String?) -> Bool { a == nil || a == b }
        return same(scheme, other.scheme) && same(host, other.host) && same(path, other.path)
            && same(username, other.username) && (!matchPassword || same(password, other.password))
    }

    /// The line git's `store` helper writes: `scheme://user:password@host[/path]`, percent-encoded.
    /// Nil without scheme, host or path, user name and password.
    public var storeLine: String? {
        guard let scheme, host != nil || path != nil, let username, let password else { return nil }
        var line =
            "\(scheme)://" + percentEncoded(username, keeping: Self.unreserved) + ":"
            + percentEncoded(password, keeping: Self.unreserved) + "@"
        if let host { line += percentEncoded(host, keeping: Self.reservedOrUnreserved) }
        if let path { line += "/" + percentEncoded(path, keeping: Self.reservedOrUnreserved) }
        return line
    }

    public var description: String {
        var parts: [String] = []
        if let scheme { parts.append("protocol=\(scheme)") }
        if let host { parts.append("host=\(host)") }
        if let path { parts.append("path=\(path)") }
        if let username { parts.append("username=\(username)") }
        if password != nil { parts.append("password=<redacted>") }
        return "GitCredential(" + parts.joined(separator: ", ") + ")"
    }

    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    static let reservedOrUnreserved = unreserved.union("!*'();:@&=+$,/?#[]".utf8)
}

func percentDecoded(_ s: Substring) -> String {
    guard s.contains("%") else { return String(s) }
    var bytes: [UInt8] = []
    let utf8 = Array(s.utf8)
    var i = 0
    func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    while i < utf8.count {
        if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count, let hi = hex(utf8[i + 1]), let lo = hex(utf8[i + 2]) {
            bytes.append(hi << 4 | lo)
            i += 3
        } else {
            bytes.append(utf8[i])
            i += 1
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

func percentEncoded(_ s: String, keeping keep: Set<UInt8>) -> String {
    var out = ""
    for b in s.utf8 {
        if keep.contains(b) {
            out.unicodeScalars.append(Unicode.Scalar(b))
        } else {
            out += String(format: "%%%02X", b)
        }
    }
    return out
}

// MARK: - Configuration

/// The `credential.*` entries of git's configuration, in the order git reads them (system, XDG,
/// global, then the repository's own; file order within each), and what they say for one URL.
public struct CredentialConfig: Sendable, Equatable {
    /// One `credential.<key>` or `credential.<url>.<key>` entry.
    public struct Entry: Sendable, Equatable {
        /// The `<url>` of a URL-scoped entry; nil for `credential.<key>`.
        public var url: String?
        /// The variable, lower-cased (`helper`, `username`, `usehttppath`).
        public var key: String
        public var value: String

        public init(url: String? = nil, key: String, value: String) {
            self.url = url
            self.key = key.lowercased()
            self.value = value
        }

        /// Splits a configuration name: `credential.helper`, `credential.https://example.com.helper`.
        /// Nil for names outside the `credential` section.
        public init?(name: String, value: String) {
            guard name.lowercased().hasPrefix("credential.") else { return nil }
            let rest = name.dropFirst("credential.".count)
            guard let lastDot = rest.lastIndex(of: ".") else {
                self.init(key: String(rest), value: value)
                return
            }
            self.init(url: String(rest[..<lastDot]), key: String(rest[rest.index(after: lastDot)...]), value: value)
        }
    }

    /// What the configuration says for one URL.
    public struct Settings: Sendable, Equatable {
        /// The helpers to ask, in order (an empty `helper` value clears those before it).
        public var helpers: [String]
        /// `credential.username`, the last that applies.
        public var username: String?
        /// `credential.useHttpPath`: send the URL's path to the helpers for HTTP(S).
        public var useHttpPath: Bool

        public init(helpers: [String] = [], username: String? = nil, useHttpPath: Bool = false) {
            self.helpers = helpers
            self.username = username
            self.useHttpPath = useHttpPath
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// From configuration names and values in git's order, keeping the `credential` section only.
    public init(_ pairs: [(name: String, value: String)]) {
        self.entries = pairs.compactMap { Entry(name: $0.name, value: $0.value) }
    }

    /// True when some entry names a helper.
    public var hasHelpers: Bool { entries.contains { $0.key == "helper" && !$0.value.isEmpty } }

    /// The settings for `url`, as git collects them: every entry that applies, in order, whether
    /// unscoped or scoped to a URL matching this one (same scheme, host and port, the entry's path a
    /// prefix of the URL's; a user name in the entry must be the URL's).
    public func settings(for url: String) -> Settings {
        var out = Settings()
        let target = CredentialURL(url)
        for entry in entries {
            if let scope = entry.url {
                guard let target, target.isMatched(by: scope) else { continue }
            }
            switch entry.key {
            case "helper":
                if entry.value.isEmpty { out.helpers.removeAll() } else { out.helpers.append(entry.value) }
            case "username":
                out.username = entry.value
            case "usehttppath":
                out.useHttpPath = ["1", "true", "yes", "on", ""].contains(entry.value.lowercased())
            default:
                break
            }
        }
        return out
    }
}

/// A URL split for matching against `credential.<url>` scopes (git's urlmatch, simplified).
struct CredentialURL {
    var scheme: String
    var user: String?
    var hostname: String
    var port: String?
    /// The host as git's credential code has it (`host[:port]`, port only when given).
    var host: String
    var path: String

    init?(_ url: String) {
        guard let c = GitCredential(url: url) else { return nil }
        self.init(c)
    }

    init?(_ c: GitCredential) {
        guard let scheme = c.scheme else { return nil }
        self.scheme = scheme.lowercased()
        user = c.username
        host = c.host ?? ""
        path = c.path ?? ""
        (hostname, port) = Self.splitPort(host)
    }

    static func splitPort(_ host: String) -> (String, String?) {
        guard let colon = host.lastIndex(of: ":") else { return (host, nil) }
        let port = host[host.index(after: colon)...]
        // An IPv6 literal's own colons are inside the brackets.
        if let bracket = host.lastIndex(of: "]"), bracket > colon { return (host, nil) }
        guard port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber) else { return (host, nil) }
        return (String(host[..<colon]), port.isEmpty ? nil : String(port))
    }

    static func defaultPort(_ scheme: String) -> String? {
        switch scheme {
        case "http": return "80"
        case "https": return "443"
        case "ssh": return "22"
        case "git": return "9418"
        default: return nil
        }
    }

    /// Whether the scope of a `credential.<scope>.*` entry covers this URL.
    func isMatched(by scope: String) -> Bool {
        if scope.contains("://") {
            guard let want = GitCredential(url: scope), let s = CredentialURL(want) else { return false }
            guard s.scheme == scheme else { return false }
            if let u = s.user, u != user { return false }
            guard Self.hostMatches(pattern: s.hostname.lowercased(), hostname.lowercased()) else { return false }
            guard (s.port ?? Self.defaultPort(s.scheme)) == (port ?? Self.defaultPort(scheme)) else { return false }
            let prefix = s.path.hasSuffix("/") ? String(s.path.dropLast()) : s.path
            return prefix.isEmpty || path == prefix || path.hasPrefix(prefix + "/")
        }
        // Not a URL: git compares the attributes it names (host, path, user) as they are.
        guard let want = GitCredential(partialURL: scope) else { return false }
        return want.matches(GitCredential(scheme: scheme, host: host, path: path, username: user))
    }

    /// Host names compared label by label; `*` in a pattern's label matches any characters of one label.
    static func hostMatches(pattern: String, _ host: String) -> Bool {
        let p = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let h = host.split(separator: ".", omittingEmptySubsequences: false)
        guard p.count == h.count else { return false }
        return zip(p, h).allSatisfy { glob(Array($0.utf8), Array($1.utf8)) }
    }

    private static func glob(_ p: [UInt8], _ s: [UInt8]) -> Bool {
        guard let star = p.firstIndex(of: UInt8(ascii: "*")) else { return p == s }
        let head = p[..<star]
        guard s.count >= head.count, Array(s[..<head.count]) == Array(head) else { return false }
        let rest = Array(p[(star + 1)...])
        for i in head.count...s.count where glob(rest, Array(s[i...])) { return true }
        return false
    }
}

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

// MARK: - Helpers

/// How one `credential.helper` value is run.
public enum CredentialHelper: Sendable, Equatable {
    /// `!command` or an absolute path (with arguments): run by `/bin/sh -c "<command> <action>"`.
    case shell(String)
    /// git's built-in `store`, done natively; `file` is its `--file` option.
    case store(file: String?)
    /// git's built-in `cache` needs git's daemon: skipped.
    case cache
    /// Any other name: `git-credential-<name>` looked up on `PATH`, with the given arguments.
    case named(String, arguments: String)

    public init(_ helper: String) {
        if helper.hasPrefix("!") {
            self = .shell(String(helper.dropFirst()))
            return
        }
        if helper.hasPrefix("/") {
            self = .shell(helper)
            return
        }
        let trimmed = helper.trimmingWhitespace()
        let nameEnd = trimmed.firstIndex(where: \.isWhitespace) ?? trimmed.endIndex
        let name = String(trimmed[..<nameEnd])
        let arguments = String(trimmed[nameEnd...]).trimmingWhitespace()
        switch name {
        case "store":
            var file: String?
            let words = shellWords(arguments)
            for (i, word) in words.enumerated() {
                if word.hasPrefix("--file=") {
                    file = String(word.dropFirst("--file=".count))
                } else if word == "--file", i + 1 < words.count {
                    file = words[i + 1]
                }
            }
            self = .store(file: file)
        case "cache":
            self = .cache
        default:
            self = .named(name, arguments: arguments)
        }
    }
}

/// Splits arguments as a shell would for the simple cases (spaces, single and double quotes, backslash).
func shellWords(_ s: String) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    for c in s {
        if escaped {
            current.append(c)
            escaped = false
        } else if let q = quote {
            if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { current.append(c) }
        } else if c == "'" || c == "\"" {
            quote = c
            inWord = true
        } else if c == "\\" {
            escaped = true
            inWord = true
        } else if c.isWhitespace {
            if inWord { words.append(current) }
            current = ""
            inWord = false
        } else {
            current.append(c)
            inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}

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

func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

// MARK: - The store helper

/// git's `store` helper over its plain-text files: one URL with user name and password a line
/// (`https://alice:s3cret@example.com`), read in order, the first line that matches winning.
/// Writes go to the first file that exists (else the first), through a lock file, mode 0600.
public struct CredentialStoreFile: Sendable, Equatable {
    public var files: [String]

    public init(files: [String]) {
        self.files = files
    }

    /// The files the helper uses: `--file`, else `~/.git-credentials` and
    /// `$XDG_CONFIG_HOME/git/credentials` (`~/.config/git/credentials` by default).
    public static func paths(file: String?, environment: [String: String]) -> [String] {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
        if var file {
            if file.hasPrefix("~/"), let home { file = home + file.dropFirst() }
            return [file]
        }
        var out: [String] = []
        if let home { out.append(home + "/.git-credentials") }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            out.append(xdg + "/git/credentials")
        } else if let home {
            out.append(home + "/.config/git/credentials")
        }
        return out
    }

    /// A stored credential from one line; nil unless it has a scheme, a user name and a password.
    public static func parse(line: String) -> GitCredential? {
        guard let c = GitCredential(url: line), c.username != nil, c.password != nil else { return nil }
        return c
    }

    /// The first stored credential that `request` matches.
    public func get(_ request: GitCredential) -> GitCredential? {
        for file in files {
            for line in Self.lines(file) {
                if let c = Self.parse(line: line), request.matches(c) { return c }
            }
        }
        return nil
    }

    /// Records `credential` as the first line of the first existing file (else the first file),
    /// dropping the lines it replaces (same protocol, host, path and user name).
    public func store(_ credential: GitCredential) {
        guard let line = credential.storeLine, credential.scheme != nil else { return }
        guard let file = files.first(where: { FileManager.default.fileExists(atPath: $0) }) ?? files.first else {
            return
        }
        var key = credential
        key.password = nil
        let existing = Self.lines(file)
        let kept = existing.filter { l in Self.parse(line: l).map { !key.matches($0) } ?? true }
        let updated = [line] + kept
        if updated == existing { return }
        Self.rewrite(file, updated)
    }

    /// Removes the stored lines matching `credential` (its password too, when it has one).
    public func erase(_ credential: GitCredential) {
        guard credential.scheme != nil, credential.host != nil || credential.path != nil else { return }
        for file in files where FileManager.default.fileExists(atPath: file) {
            let existing = Self.lines(file)
            let kept = existing.filter { l in
                Self.parse(line: l).map { !credential.matches($0, matchPassword: true) } ?? true
            }
            if kept.count != existing.count { Self.rewrite(file, kept) }
        }
    }

    static func lines(_ file: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: file) else { return [] }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
    }

    /// Replaces `file` through `file.lock` (created 0600, renamed over it), as git's lock files do.
    /// Gives up quietly when another writer holds the lock.
    static func rewrite(_ file: String, _ lines: [String]) {
        let lock = file + ".lock"
        let fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let bytes = Array(lines.map { $0 + "\n" }.joined().utf8)
        var written = 0
        var ok = true
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                ok = false
                break
            }
            written += n
        }
        ok = fchmod(fd, 0o600) == 0 && ok
        close(fd)
        if !ok || rename(lock, file) != 0 { unlink(lock) }
    }
}
