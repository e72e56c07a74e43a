internal import COpenSSL

/// Message digests through OpenSSL's EVP interface.
public enum Digest {
    /// The SHA-256 digest (32 bytes) of `bytes`.
    ///
    /// SHA-256 is always available in OpenSSL's default provider; this traps only if OpenSSL
    /// cannot allocate a digest context (out of memory) or the provider is unavailable.
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        do {
            if let digest = try bytes.withContiguousStorageIfAvailable({ try sha256(UnsafeRawBufferPointer($0)) }) {
                return digest
            }
            return try Array(bytes).withUnsafeBytes { try sha256($0) }
        } catch {
            fatalError("PactoriaCrypto: SHA-256 unavailable: \(error)")
        }
    }

    /// The SHA-256 digest of the UTF-8 encoding of `string`.
    public static func sha256(_ string: String) -> [UInt8] {
        sha256(Array(string.utf8))
    }

    /// The SHA-256 digest of `data` as 64 lower-case hexadecimal characters.
    public static func sha256Hex(_ data: some Collection<UInt8>) -> String {
        hex(sha256(data))
    }

    /// The SHA-256 digest of the UTF-8 encoding of `string` as lower-case hexadecimal.
    public static func sha256Hex(_ string: String) -> String {
        hex(sha256(Array(string.utf8)))
    }

    /// Lower-case hexadecimal encoding of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func sha256(_ buffer: UnsafeRawBufferPointer) throws -> [UInt8] {
        let context = try DigestContext()
        try check(EVP_DigestInit_ex(context.pointer, EVP_sha256(), nil), "EVP_DigestInit_ex")
        if buffer.count > 0 {
            try check(EVP_DigestUpdate(context.pointer, buffer.baseAddress, buffer.count), "EVP_DigestUpdate")
        }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        try output.withUnsafeMutableBufferPointer { out in
            try check(EVP_DigestFinal_ex(context.pointer, out.baseAddress, &length), "EVP_DigestFinal_ex")
        }
        return Array(output.prefix(Int(length)))
    }
}
