internal import COpenSSL

// Each OpenSSL handle is owned by exactly one non-copyable value that frees it in `deinit`.
// They are created through `init() throws(CryptoError)`, which checks the allocation.

/// Owns an `EVP_MD_CTX`.
struct DigestContext: ~Copyable {
    let pointer: OpaquePointer

    init() throws(CryptoError) {
        guard let pointer = EVP_MD_CTX_new() else { throw CryptoError.fromErrorQueue("EVP_MD_CTX_new") }
        self.pointer = pointer
    }

    deinit { EVP_MD_CTX_free(pointer) }
}

/// Owns an `EVP_MAC` algorithm fetched from the default provider.
struct MACAlgorithm: ~Copyable {
    let pointer: OpaquePointer

    init(name: String) throws(CryptoError) {
        guard let pointer = EVP_MAC_fetch(nil, name, nil) else {
            throw CryptoError.fromErrorQueue("EVP_MAC_fetch(\(name))")
        }
        self.pointer = pointer
    }

    deinit { EVP_MAC_free(pointer) }
}

/// Owns an `EVP_MAC_CTX`. The context holds its own reference to the algorithm.
struct MACContext: ~Copyable {
    let pointer: OpaquePointer

    init(_ algorithm: borrowing MACAlgorithm) throws(CryptoError) {
        guard let pointer = EVP_MAC_CTX_new(algorithm.pointer) else {
            throw CryptoError.fromErrorQueue("EVP_MAC_CTX_new")
        }
        self.pointer = pointer
    }

    deinit { EVP_MAC_CTX_free(pointer) }
}

/// Owns an `EVP_CIPHER_CTX`. `EVP_CIPHER_CTX_free` also wipes the key schedule.
struct CipherContext: ~Copyable {
    let pointer: OpaquePointer

    init() throws(CryptoError) {
        guard let pointer = EVP_CIPHER_CTX_new() else { throw CryptoError.fromErrorQueue("EVP_CIPHER_CTX_new") }
        self.pointer = pointer
    }

    deinit { EVP_CIPHER_CTX_free(pointer) }
}

/// Calls `body` with a pointer to the bytes that is never nil, even for an empty array
/// (some OpenSSL entry points treat a NULL key differently from an empty one).
@inline(__always)
func withNonNullBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    if bytes.isEmpty {
        var placeholder: UInt8 = 0
        return try withUnsafePointer(to: &placeholder) { try body($0, 0) }
    }
    return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!, $0.count) }
}
