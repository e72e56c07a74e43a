internal import COpenSSL

/// AES-256-GCM authenticated encryption (`EVP_aes_256_gcm`) with random 96-bit nonces.
public enum AESGCM {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    /// The output of `seal`: nonce, ciphertext (same length as the plaintext) and tag.
    public struct SealedBox: Sendable, Hashable {
        public var nonce: [UInt8]
        public var ciphertext: [UInt8]
        public var tag: [UInt8]

        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }

        /// `nonce ‖ ciphertext ‖ tag`, a convenient single blob to store.
        public var combined: [UInt8] { nonce + ciphertext + tag }

        /// Splits a `combined` blob; throws if it is shorter than nonce + tag.
        public init(combined: [UInt8]) throws {
            guard combined.count >= AESGCM.nonceByteCount + AESGCM.tagByteCount else {
                throw CryptoError.invalidArgument("sealed box of \(combined.count) bytes is too short")
            }
            nonce = Array(combined.prefix(AESGCM.nonceByteCount))
            ciphertext = Array(combined.dropFirst(AESGCM.nonceByteCount).dropLast(AESGCM.tagByteCount))
            tag = Array(combined.suffix(AESGCM.tagByteCount))
        }
    }

    /// A fresh random 32-byte key.
    public static func generateKey() throws -> [UInt8] {
        try SecureRandom.bytes(keyByteCount)
    }

    /// Encrypts and authenticates `plaintext`, also authenticating (not encrypting) `aad`.
    /// A fresh random nonce is used for every call.
    public static func seal(plaintext: [UInt8], key: [UInt8], aad: [UInt8] = []) throws -> SealedBox {
        try checkKey(key)
        return try seal(plaintext: plaintext, key: key, nonce: try SecureRandom.bytes(nonceByteCount), aad: aad)
    }

    /// Verifies and decrypts `box`. Throws `CryptoError.authenticationFailed` if the
    /// ciphertext, tag, nonce or `aad` were altered or `key` is wrong.
    public static func open(_ box: SealedBox, key: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        try checkKey(key)
        guard box.nonce.count == nonceByteCount else {
            throw CryptoError.invalidArgument("nonce must be \(nonceByteCount) bytes, got \(box.nonce.count)")
        }
        guard box.tag.count == tagByteCount else {
            throw CryptoError.invalidArgument("tag must be \(tagByteCount) bytes, got \(box.tag.count)")
        }
        let ciphertextLength = try cInt(box.ciphertext.count, "ciphertext")
        let aadLength = try cInt(aad.count, "additional data")
        ERR_clear_error()
        let context = try CipherContext()
        let ctx = context.pointer
        try check(EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil), "EVP_DecryptInit_ex")
        try check(
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceByteCount), nil), "EVP_CTRL_GCM_SET_IVLEN")
        try check(EVP_DecryptInit_ex(ctx, nil, nil, key, box.nonce), "EVP_DecryptInit_ex(key)")

        var outLength: Int32 = 0
        if aadLength > 0 {
            try check(EVP_DecryptUpdate(ctx, nil, &outLength, aad, aadLength), "EVP_DecryptUpdate(aad)")
        }
        var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count + tagByteCount)
        var written = 0
        var tag = box.tag
        let authenticated: Bool = try plaintext.withUnsafeMutableBufferPointer { out in
            if ciphertextLength > 0 {
                try check(
                    EVP_DecryptUpdate(ctx, out.baseAddress, &outLength, box.ciphertext, ciphertextLength),
                    "EVP_DecryptUpdate")
                written = Int(outLength)
            }
            try tag.withUnsafeMutableBytes { buffer in
                try check(
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), buffer.baseAddress),
                    "EVP_CTRL_GCM_SET_TAG")
            }
            // A failed tag check returns <= 0 without queueing an error.
            guard EVP_DecryptFinal_ex(ctx, out.baseAddress! + written, &outLength) > 0 else { return false }
            written += Int(outLength)
            return true
        }
        guard authenticated else {
            ERR_clear_error()
            // Do not hand back unauthenticated plaintext, not even in memory we drop.
            for index in plaintext.indices { plaintext[index] = 0 }
            throw CryptoError.authenticationFailed
        }
        plaintext.removeLast(plaintext.count - written)
        return plaintext
    }

    private static func checkKey(_ key: [UInt8]) throws {
        guard key.count == keyByteCount else {
            throw CryptoError.invalidKeyLength(expected: keyByteCount, actual: key.count)
        }
    }
}
