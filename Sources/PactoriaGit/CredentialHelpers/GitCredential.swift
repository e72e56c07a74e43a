import Foundation

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
