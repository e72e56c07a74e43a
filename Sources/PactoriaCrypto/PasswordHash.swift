internal import COpenSSL
import Foundation

/// Password hashing with PBKDF2-HMAC-SHA256 (`PKCS5_PBKDF2_HMAC`), stored as a
/// self-describing string:
///
///     pbkdf2-sha256$<iterations>$<salt, base64url>$<derived key, base64url>
///
/// Salt and key use unpadded base64url (no `$` can occur in them).
public enum PasswordHash {
    /// The scheme tag at the start of every encoded hash.
    public static let scheme = "pbkdf2-sha256"
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 600_000
    public static let saltByteCount = 16
    public static let keyByteCount = 32
    /// Encodings claiming more iterations than this are rejected by `verify`, so a forged
    /// record cannot make verification burn unbounded CPU.
    public static let maximumIterations = 10_000_000
    /// The least cost new hashes get: a committed config may only raise it.
    public static let minimumIterations = 600_000
    /// Test-only: an environment variable of the process (never a file in the tree) that may lower
    /// the cost of new hashes, so test suites can create users quickly. Never set it in production.
    public static let insecureTestIterationsVariable = "PACTORIA_INSECURE_TEST_PBKDF2_ITERATIONS"

    /// The iteration count for a new hash: at least `minimumIterations`; `configured` (from the
    /// workspace config) may only raise it. Only `insecureTestIterationsVariable` lowers it.
    public static func iterations(configured: Int?, environment: [String: String]? = nil) -> Int {
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let text = environment[insecureTestIterationsVariable], let n = Int(text),
            (1...maximumIterations).contains(n)
        {
            return n
        }
        return min(maximumIterations, max(minimumIterations, configured ?? defaultIterations))
    }

    /// Hashes `password` with a fresh random salt. Pass a lower `iterations` only in tests.
    public static func hash(password: String, iterations: Int = defaultIterations) throws -> String {
        guard (1...maximumIterations).contains(iterations) else {
            throw CryptoError.invalidArgument(
                "PBKDF2 iteration count \(iterations) is outside 1...\(maximumIterations)")
        }
        let salt = try SecureRandom.bytes(saltByteCount)
        let key = try pbkdf2SHA256(
            password: Array(password.utf8), salt: salt, iterations: iterations, keyByteCount: keyByteCount)
        return [scheme, String(iterations), Base64URL.encode(salt), Base64URL.encode(key)].joined(separator: "$")
    }

    /// Whether `password` matches `encoded`. Malformed or unsupported encodings verify false.
    /// The final comparison is constant time.
    public static func verify(password: String, encoded: String) -> Bool {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == scheme,
            fields[1].allSatisfy({ $0.isASCII && $0.isNumber }), fields[1].first != "0",
            let iterations = Int(fields[1]), (1...maximumIterations).contains(iterations),
            let salt = Base64URL.decode(String(fields[2])), !salt.isEmpty,
            let expected = Base64URL.decode(String(fields[3])), (16...64).contains(expected.count)
        else { return false }
        guard
            let actual = try? pbkdf2SHA256(
                password: Array(password.utf8), salt: salt, iterations: iterations, keyByteCount: expected.count)
        else { return false }
        return constantTimeEquals(actual, expected)
    }

    /// Raw PBKDF2-HMAC-SHA256 (RFC 8018) of `password` and `salt`.
    public static func pbkdf2SHA256(
        password: [UInt8], salt: [UInt8], iterations: Int, keyByteCount: Int
    ) throws -> [UInt8] {
        guard iterations >= 1 else { throw CryptoError.invalidArgument("PBKDF2 iteration count must be at least 1") }
        guard keyByteCount >= 1 else { throw CryptoError.invalidArgument("PBKDF2 key length must be at least 1") }
        let passwordLength = try cInt(password.count, "password")
        let saltLength = try cInt(salt.count, "salt")
        let iterationCount = try cInt(iterations, "iteration count")
        let keyLength = try cInt(keyByteCount, "derived key")
        ERR_clear_error()
        var output = [UInt8](repeating: 0, count: keyByteCount)
        try withNonNullBytes(password) { passwordPointer, _ in
            try withNonNullBytes(salt) { saltPointer, _ in
                try output.withUnsafeMutableBufferPointer { out in
                    try passwordPointer.withMemoryRebound(to: CChar.self, capacity: max(password.count, 1)) { pass in
                        try check(
                            PKCS5_PBKDF2_HMAC(
                                pass, passwordLength, saltPointer, saltLength, iterationCount, EVP_sha256(),
                                keyLength, out.baseAddress),
                            "PKCS5_PBKDF2_HMAC")
                    }
                }
            }
        }
        return output
    }
}
