internal import COpenSSL

extension AESGCM {
    /// Encrypts and authenticates `plaintext` under `key` with the caller's `nonce` (12 bytes),
    /// also authenticating (not encrypting) `aad`.
    ///
    /// The caller guarantees a nonce is never used twice with one key for different
    /// (plaintext, aad) pairs: deterministic sealing derives it from the key, the additional data
    /// and the plaintext (SIV style), so a repeat only happens for identical input, where it
    /// reveals that the two inputs are equal and nothing else.
    public static func seal(plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []) throws -> SealedBox {
        guard key.count == keyByteCount else {
            throw CryptoError.invalidKeyLength(expected: keyByteCount, actual: key.count)
        }
        guard nonce.count == nonceByteCount else {
            throw CryptoError.invalidArgument("nonce must be \(nonceByteCount) bytes, got \(nonce.count)")
        }
        let plaintextLength = try cInt(plaintext.count, "plaintext")
        let aadLength = try cInt(aad.count, "additional data")
        ERR_clear_error()
        let context = try CipherContext()
        let ctx = context.pointer
        try check(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil), "EVP_EncryptInit_ex")
        try check(
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceByteCount), nil), "EVP_CTRL_GCM_SET_IVLEN")
        try check(EVP_EncryptInit_ex(ctx, nil, nil, key, nonce), "EVP_EncryptInit_ex(key)")

        var outLength: Int32 = 0
        if aadLength > 0 {
            try check(EVP_EncryptUpdate(ctx, nil, &outLength, aad, aadLength), "EVP_EncryptUpdate(aad)")
        }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        var written = 0
        try ciphertext.withUnsafeMutableBufferPointer { out in
            if plaintextLength > 0 {
                try check(
                    EVP_EncryptUpdate(ctx, out.baseAddress, &outLength, plaintext, plaintextLength), "EVP_EncryptUpdate"
                )
                written = Int(outLength)
            }
            try check(EVP_EncryptFinal_ex(ctx, out.baseAddress! + written, &outLength), "EVP_EncryptFinal_ex")
            written += Int(outLength)
        }
        ciphertext.removeLast(ciphertext.count - written)

        var tag = [UInt8](repeating: 0, count: tagByteCount)
        try tag.withUnsafeMutableBytes { buffer in
            try check(
                EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), buffer.baseAddress),
                "EVP_CTRL_GCM_GET_TAG")
        }
        return SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Seals deterministically: the nonce is the first 12 bytes of HMAC-SHA256(`key`,
    /// `nonceContext` ‖ `plaintext`), so equal inputs give equal output and different inputs
    /// (with overwhelming probability) different nonces. `nonceContext` must determine `aad`
    /// (pass the same bytes, or a prefix that fixes it), so one nonce never meets two AADs.
    public static func sealDeterministic(
        plaintext: [UInt8], key: [UInt8], nonceContext: [UInt8], aad: [UInt8] = []
    ) throws -> SealedBox {
        guard key.count == keyByteCount else {
            throw CryptoError.invalidKeyLength(expected: keyByteCount, actual: key.count)
        }
        let nonce = Array(
            try HMAC.authenticationCode(key: key, message: nonceContext + plaintext).prefix(nonceByteCount))
        return try seal(plaintext: plaintext, key: key, nonce: nonce, aad: aad)
    }
}
