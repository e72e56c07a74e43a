internal import CLibGit2

/// How to authenticate to a remote, as values the caller supplies (Pactoria never prompts).
///
/// libgit2 asks for a credential through a callback whenever the server demands one; the provider
/// answers with the first method the transport allows, and gives up after `maxAttempts` requests so
/// wrong credentials end in `SyncError.authenticationFailed` instead of an endless retry loop.
public struct CredentialProvider: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        /// HTTPS user name and password.
        case userPassword(username: String, password: String)
        /// An HTTPS access token, sent as the password. The user name is the one in the URL, else
        /// `username`, else `x-access-token` (accepted by the common hosts).
        case token(String, username: String? = nil)
        /// git's credential helpers (`credential.helper` in git's configuration) for HTTP(S): asked
        /// with `get` for the URL being fetched or pushed, told `store` when the server accepts the
        /// answer and `erase` when it refuses it.
        case credentialHelpers(CredentialHelpers)
        /// SSH through the running ssh-agent (`SSH_AUTH_SOCK`). The user name defaults to the URL's.
        case sshAgent(username: String? = nil)
        /// SSH with a key file; `publicKeyPath` may be nil when libgit2 can derive it.
        case sshKey(
            username: String? = nil, privateKeyPath: String, publicKeyPath: String? = nil, passphrase: String? = nil)
    }

    /// Methods to offer, in order of preference.
    public var methods: [Method]
    /// How many times the server may ask before the provider gives up.
    public var maxAttempts: Int

    public init(_ methods: [Method], maxAttempts: Int = 3) {
        self.methods = methods
        self.maxAttempts = maxAttempts
    }

    /// No credentials: a server that asks for some gets `authenticationFailed`.
    public static let none = CredentialProvider([])

    /// The usual set for a caller's environment: a token from `PACTORIA_GIT_TOKEN` for HTTPS, then
    /// git's credential helpers when `credentialConfig` (see `Repository.credentialConfig()`) names
    /// any, then the ssh-agent, then an SSH key named by `sshKeyPath` (for example from the
    /// repository config). Helpers run with `environment`.
    public static func standard(
        environment: [String: String], sshKeyPath: String? = nil, credentialConfig: CredentialConfig? = nil
    ) -> CredentialProvider {
        var methods: [Method] = []
        if let token = environment["PACTORIA_GIT_TOKEN"], !token.isEmpty {
            if let colon = token.firstIndex(of: ":") {
                // `user:password` in the variable is taken as such.
                methods.append(
                    .userPassword(
                        username: String(token[..<colon]), password: String(token[token.index(after: colon)...])))
            } else {
                methods.append(.token(token))
            }
        }
        if let credentialConfig, credentialConfig.hasHelpers {
            methods.append(.credentialHelpers(CredentialHelpers(config: credentialConfig, environment: environment)))
        }
        if let sock = environment["SSH_AUTH_SOCK"], !sock.isEmpty { methods.append(.sshAgent()) }
        if let sshKeyPath { methods.append(.sshKey(privateKeyPath: sshKeyPath)) }
        return CredentialProvider(methods)
    }

    /// Builds the libgit2 credential for one request: the first method that fits `allowed` and is
    /// not in `tried` (methods the server already refused). Returns the credential and the index of
    /// the method used, or nil when no method is left. A bare user-name answer (SSH asks for it before
    /// the key) does not count as trying the method. `fill` asks credential helpers for the URL; a
    /// helper method without an answer is passed over.
    func credential(
        usernameFromURL: String?, allowed: UInt32, skipping tried: Set<Int>,
        fill: (CredentialHelpers) -> GitCredential? = { _ in nil }
    ) -> (credential: UnsafeMutablePointer<git_credential>, method: Int, isUsernameOnly: Bool)? {
        for (i, method) in methods.enumerated() where !tried.contains(i) {
            var out: UnsafeMutablePointer<git_credential>?
            var usernameOnly = false
            switch method {
            case let .userPassword(user, password):
                guard allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else { continue }
                guard git_credential_userpass_plaintext_new(&out, user, password) == 0 else { continue }
            case let .token(token, user):
                guard allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else { continue }
                let name = usernameFromURL ?? user ?? "x-access-token"
                guard git_credential_userpass_plaintext_new(&out, name, token) == 0 else { continue }
            case let .credentialHelpers(helpers):
                guard allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let found = fill(helpers),
                    let user = found.username, let password = found.password
                else { continue }
                guard git_credential_userpass_plaintext_new(&out, user, password) == 0 else { continue }
            case let .sshAgent(user):
                let name = usernameFromURL ?? user ?? "git"
                if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
                    guard git_credential_ssh_key_from_agent(&out, name) == 0 else { continue }
                } else if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
                    guard git_credential_username_new(&out, name) == 0 else { continue }
                    usernameOnly = true
                } else {
                    continue
                }
            case let .sshKey(user, privateKey, publicKey, passphrase):
                let name = usernameFromURL ?? user ?? "git"
                if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
                    guard git_credential_ssh_key_new(&out, name, publicKey, privateKey, passphrase) == 0 else {
                        continue
                    }
                } else if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
                    guard git_credential_username_new(&out, name) == 0 else { continue }
                    usernameOnly = true
                } else {
                    continue
                }
            }
            if let out { return (out, i, usernameOnly) }
        }
        return nil
    }
}
