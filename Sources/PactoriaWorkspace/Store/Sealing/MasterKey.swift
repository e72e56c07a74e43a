import Foundation
import PactoriaCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// The workspace key-encryption key (KEK): 32 random bytes that wrap every contract's data key
/// in the keyring. It never enters git: it comes from `PACTORIA_MASTER_KEY`, from the file
/// `PACTORIA_MASTER_KEY_FILE` names, or from `<git dir>/pactoria/master.key`.
///
/// Its `description`, `debugDescription` and mirror show only the check value, never the key.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public static let environmentVariable = "PACTORIA_MASTER_KEY"
    public static let fileEnvironmentVariable = "PACTORIA_MASTER_KEY_FILE"
    /// What a key must look like, for messages.
    public static let expectedForm = "64 hexadecimal characters or the base64 of 32 bytes"

    package let bytes: [UInt8]

    /// Wraps 32 key bytes.
    public init(bytes: [UInt8]) throws(SealingError) {
        guard bytes.count == AESGCM.keyByteCount else {
            throw .masterKey("a master key is 32 bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// A fresh random key.
    public static func generate() throws -> MasterKey {
        try MasterKey(bytes: SecureRandom.bytes(AESGCM.keyByteCount))
    }

    /// Parses the text form: 64 hex characters, or standard base64 of exactly 32 bytes
    /// (surrounding white space ignored). The error never repeats the text.
    public static func parse(_ text: String, source: String) throws(SealingError) -> MasterKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.utf8.count == 64, let bytes = Hex.decode(trimmed) {
            return try MasterKey(bytes: bytes)
        }
        if trimmed.utf8.count == 44, let data = Data(base64Encoded: trimmed), data.count == 32 {
            return try MasterKey(bytes: Array(data))
        }
        throw .masterKey("\(source) is not a master key: expected \(expectedForm)")
    }

    /// The hex text form written to a key file (64 characters and a line feed).
    public var fileText: String { Hex.encode(bytes) + "\n" }

    /// A check value that identifies the key without revealing it: the first 8 bytes of
    /// HMAC-SHA256(key, "pactoria-kek-check"), as 16 hex characters. The keyring records it, so
    /// a wrong master key is reported once, as a mismatch, instead of as failures per contract.
    public var checkValue: String {
        Hex.encode(HMAC.sha256(key: bytes, message: Array("pactoria-kek-check".utf8)).prefix(8))
    }

    public var description: String { "MasterKey(check \(checkValue))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["checkValue": checkValue]) }

    // MARK: - Loading

    /// The default key file: `<git dir>/pactoria/master.key` (never tracked, cloned or pushed).
    public static func defaultFilePath(gitDirectory: String) -> String {
        gitDirectory + "/pactoria/master.key"
    }

    /// The workspace's master key: `PACTORIA_MASTER_KEY` if set; else the file
    /// `PACTORIA_MASTER_KEY_FILE` names (which must exist); else the default key file, or nil
    /// when that does not exist (no master key is configured).
    public static func load(environment: [String: String], gitDirectory: String) throws(SealingError) -> MasterKey? {
        if let value = environment[environmentVariable], !value.isEmpty {
            return try parse(value, source: environmentVariable)
        }
        if let path = environment[fileEnvironmentVariable], !path.isEmpty {
            return try load(file: path)
        }
        let path = defaultFilePath(gitDirectory: gitDirectory)
        var info = stat()
        if lstat(path, &info) != 0 && errno == ENOENT { return nil }
        return try load(file: path)
    }

    /// Reads a key file. It must be a regular file (a symbolic link is refused: opened with
    /// O_NOFOLLOW), owned by this user, readable and writable by no one else (mode 0600 or
    /// stricter), and hold one key in text form.
    public static func load(file path: String) throws(SealingError) -> MasterKey {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        if fd < 0 {
            let code = errno
            switch code {
            case ELOOP: throw .masterKey("key file \(path) is a symbolic link; it must be a regular file")
            case ENOENT: throw .masterKey("key file \(path) does not exist")
            case EACCES: throw .masterKey("key file \(path) cannot be read (permission denied)")
            default: throw .masterKey("key file \(path) cannot be opened: \(String(cString: strerror(code)))")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw .masterKey("key file \(path) cannot be examined: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & 0o170000 == 0o100000 else {
            throw .masterKey("key file \(path) is not a regular file")
        }
        guard info.st_uid == geteuid() else {
            throw .masterKey("key file \(path) is owned by another user; it must be owned by you")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw .masterKey(
                "key file \(path) can be read or written by others (mode \(String(info.st_mode & 0o777, radix: 8)));"
                    + " it must be 0600 or stricter")
        }
        guard info.st_size <= 1024 else { throw .masterKey("key file \(path) is too large to be a master key") }
        var buffer = [UInt8](repeating: 0, count: 1025)
        var total = 0
        while total < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + total, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .masterKey("key file \(path) cannot be read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            total += n
        }
        defer { for i in buffer.indices { buffer[i] = 0 } }
        guard total <= 1024 else { throw .masterKey("key file \(path) is too large to be a master key") }
        guard let text = String(validating: buffer[..<total], as: UTF8.self) else {
            throw .masterKey("key file \(path) is not a master key: expected \(expectedForm)")
        }
        return try parse(text, source: "key file \(path)")
    }

    /// Creates a new random master key and writes it to `path` (mode 0600), atomically: the key
    /// is written to a temporary file in the same folder, flushed, then linked into place, which
    /// fails if `path` exists (an existing key is never overwritten). Missing parent folders are
    /// made with mode 0700.
    public static func createFile(at path: String, key given: MasterKey? = nil) throws -> MasterKey {
        let key = try given ?? generate()
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw SealingError.masterKey("cannot create folder \(directory) for key file \(path)")
            }
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            throw SealingError.masterKey("key file \(path) already exists; it is never overwritten")
        }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SealingError.masterKey(
                "cannot create key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        var text = Array(key.fileText.utf8)
        defer { for i in text.indices { text[i] = 0 } }
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == text.count, synced else {
            throw SealingError.masterKey("cannot write key file \(path)")
        }
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST {
                throw SealingError.masterKey("key file \(path) already exists; it is never overwritten")
            }
            throw SealingError.masterKey("cannot create key file \(path): \(String(cString: strerror(code)))")
        }
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
        return key
    }
}

/// Lower-case hex encoding and strict decoding (even length, hex digits only).
enum Hex {
    static func encode(_ bytes: some Sequence<UInt8>) -> String { Digest.hex(bytes) }

    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// True for `count` lower-case hex digits exactly.
    static func isLowerHex(_ text: some StringProtocol, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}
