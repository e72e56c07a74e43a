import Foundation

#if canImport(Glibc)
    import Glibc
#endif

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
