import Foundation

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
