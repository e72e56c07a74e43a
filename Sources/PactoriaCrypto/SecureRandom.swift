internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`).
public enum SecureRandom {
    /// `count` random bytes. Throws if `count` is negative or OpenSSL cannot seed its generator.
    public static func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0 else { throw CryptoError.invalidArgument("random byte count \(count) is negative") }
        guard count > 0 else { return [] }
        let length = try cInt(count, "random byte")
        ERR_clear_error()
        var output = [UInt8](repeating: 0, count: count)
        try output.withUnsafeMutableBufferPointer { buffer in
            try check(RAND_bytes(buffer.baseAddress, length), "RAND_bytes")
        }
        return output
    }

    /// A random token of `byteCount` bytes (default 32, i.e. 256 bits) encoded as unpadded
    /// base64url, suitable for URLs, file names and HTTP headers.
    ///
    /// Traps if the operating system cannot provide randomness (OpenSSL's generator failed to
    /// seed), since no safe token can be produced; use `bytes(_:)` to handle that as an error.
    public static func token(byteCount: Int = 32) -> String {
        precondition(byteCount > 0, "token byte count must be positive")
        do {
            return Base64URL.encode(try bytes(byteCount))
        } catch {
            fatalError("PactoriaCrypto: secure random generator unavailable: \(error)")
        }
    }
}
