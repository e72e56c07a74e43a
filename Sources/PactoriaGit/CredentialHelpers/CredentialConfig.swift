import Foundation

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
