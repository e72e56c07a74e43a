internal import COpenSSL

/// Keyed-hash message authentication codes (OpenSSL 3 `EVP_MAC` "HMAC").
public enum HMAC {
    /// HMAC-SHA256 (32 bytes) of `message` under `key`. Keys of any length are accepted.
    ///
    /// Traps only if OpenSSL cannot provide HMAC/SHA-256 at all (out of memory or a broken
    /// provider configuration); use `authenticationCode(key:message:)` to get an error instead.
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        do {
            return try authenticationCode(key: key, message: message)
        } catch {
            fatalError("PactoriaCrypto: HMAC-SHA256 unavailable: \(error)")
        }
    }

    /// HMAC-SHA256 (32 bytes) of `message` under `key`, throwing `CryptoError` on failure.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) throws -> [UInt8] {
        ERR_clear_error()
        let algorithm = try MACAlgorithm(name: "HMAC")
        let context = try MACContext(algorithm)
        try withNonNullBytes(key) { keyPointer, keyCount in
            try check(pactoria_mac_init_hmac_sha256(context.pointer, keyPointer, keyCount), "EVP_MAC_init(HMAC-SHA256)")
        }
        if !message.isEmpty {
            try message.withUnsafeBufferPointer { buffer in
                try check(EVP_MAC_update(context.pointer, buffer.baseAddress, buffer.count), "EVP_MAC_update")
            }
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length = 0
        try output.withUnsafeMutableBufferPointer { out in
            try check(EVP_MAC_final(context.pointer, out.baseAddress, &length, out.count), "EVP_MAC_final")
        }
        return Array(output.prefix(length))
    }
}
