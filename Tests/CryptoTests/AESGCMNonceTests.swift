import Testing

@testable import PactoriaCrypto

@Suite("AES-GCM with a caller's nonce")
struct AESGCMNonceTests {
    @Test("matches the GCM specification's AES-256 test cases 13 and 14")
    func gcmSpecificationVectors() throws {
        let key = [UInt8](repeating: 0, count: 32)
        let nonce = [UInt8](repeating: 0, count: 12)
        let empty = try AESGCM.seal(plaintext: [], key: key, nonce: nonce)
        #expect(empty.ciphertext.isEmpty)
        #expect(empty.tag == hex("530f8afbc74536b9a963b4f1c4cb738b"))
        let zeros = try AESGCM.seal(plaintext: [UInt8](repeating: 0, count: 16), key: key, nonce: nonce)
        #expect(zeros.ciphertext == hex("cea7403d4d606b6e074ec5d3baf39d18"))
        #expect(zeros.tag == hex("d0d1c8a799996bf0265b98b5d48ab919"))
        #expect(try AESGCM.open(zeros, key: key) == [UInt8](repeating: 0, count: 16))
    }

    @Test("a nonce that is not 12 bytes is refused")
    func nonceLength() throws {
        let key = try AESGCM.generateKey()
        #expect(throws: CryptoError.self) { try AESGCM.seal(plaintext: [1], key: key, nonce: [0, 1, 2]) }
        #expect(throws: CryptoError.self) {
            try AESGCM.seal(plaintext: [1], key: [1, 2], nonce: [UInt8](repeating: 0, count: 12))
        }
    }

    @Test("deterministic sealing: equal input gives equal output, any change a different nonce")
    func deterministic() throws {
        let key = try AESGCM.generateKey()
        let text = Array("Party A pays Party B".utf8)
        let a = try AESGCM.sealDeterministic(plaintext: text, key: key, nonceContext: Array("md\0".utf8), aad: [7])
        let b = try AESGCM.sealDeterministic(plaintext: text, key: key, nonceContext: Array("md\0".utf8), aad: [7])
        #expect(a == b)
        #expect(a.nonce == Array(HMAC.sha256(key: key, message: Array("md\0".utf8) + text).prefix(12)))
        let c = try AESGCM.sealDeterministic(
            plaintext: text + [0x2E], key: key, nonceContext: Array("md\0".utf8), aad: [7])
        #expect(c.nonce != a.nonce)
        let d = try AESGCM.sealDeterministic(plaintext: text, key: key, nonceContext: Array("yaml\0".utf8), aad: [7])
        #expect(d.nonce != a.nonce)
        let other = try AESGCM.sealDeterministic(
            plaintext: text, key: try AESGCM.generateKey(), nonceContext: Array("md\0".utf8), aad: [7])
        #expect(other.nonce != a.nonce)
        #expect(try AESGCM.open(a, key: key, aad: [7]) == text)
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(a, key: key, aad: [8]) }
    }
}
