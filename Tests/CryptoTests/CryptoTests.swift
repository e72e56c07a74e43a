import Foundation
import Testing

@testable import PactoriaCrypto

/// The bytes of a hex string (shared by the suites of this target).
func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

@Suite("Digest")
struct DigestTests {
    @Test func sha256OfEmptyInputMatchesFIPSVector() {
        #expect(Digest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256([UInt8]()).count == 32)
    }

    @Test func sha256OfABCMatchesFIPSVector() {
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Digest.sha256(Array("abc".utf8)) == hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }

    @Test func sha256OfTwoBlockMessageMatchesFIPSVector() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(Digest.sha256Hex(message) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func sha256AcceptsNonContiguousCollections() {
        let bytes = Array("abc".utf8)
        #expect(Digest.sha256Hex(bytes.reversed().reversed()) == Digest.sha256Hex("abc"))
        #expect(Digest.sha256Hex(bytes[...]) == Digest.sha256Hex("abc"))
    }
}

@Suite("HMAC")
struct HMACTests {
    @Test func rfc4231TestCase1() {
        let mac = HMAC.sha256(key: [UInt8](repeating: 0x0B, count: 20), message: Array("Hi There".utf8))
        #expect(mac == hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
    }

    @Test func rfc4231TestCase2() {
        let mac = HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(mac == hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
    }

    @Test func rfc4231TestCase6KeyLongerThanBlock() {
        let mac = HMAC.sha256(
            key: [UInt8](repeating: 0xAA, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(mac == hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"))
    }

    @Test func emptyKeyAndMessage() {
        #expect(
            HMAC.sha256(key: [], message: []) == hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        )
    }
}

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test(arguments: [0, 1, 16, 32, 1000])
    func bytesHaveRequestedLength(count: Int) throws {
        #expect(try SecureRandom.bytes(count).count == count)
    }

    @Test func twoCallsDiffer() throws {
        #expect(try SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test func negativeCountThrows() {
        #expect(throws: CryptoError.self) { try SecureRandom.bytes(-1) }
    }

    @Test func tokenIsUnpaddedBase64URL() {
        let token = SecureRandom.token(byteCount: 32)
        #expect(token.count == 43)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(Base64URL.decode(token)?.count == 32)
        #expect(SecureRandom.token() != SecureRandom.token())
    }
}

@Suite("PasswordHash")
struct PasswordHashTests {
    @Test func pbkdf2MatchesPublishedVectors() throws {
        let password = Array("password".utf8)
        let salt = Array("salt".utf8)
        #expect(
            try PasswordHash.pbkdf2SHA256(password: password, salt: salt, iterations: 1, keyByteCount: 32)
                == hex("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"))
        #expect(
            try PasswordHash.pbkdf2SHA256(password: password, salt: salt, iterations: 4096, keyByteCount: 32)
                == hex("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"))
    }

    @Test func pbkdf2MatchesRFC7914Vector() throws {
        let key = try PasswordHash.pbkdf2SHA256(
            password: Array("passwd".utf8), salt: Array("salt".utf8), iterations: 1, keyByteCount: 64)
        #expect(
            key
                == hex(
                    "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"))
    }

    @Test func hashThenVerifyRoundTrips() throws {
        let encoded = try PasswordHash.hash(password: "correct horse battery staple", iterations: 1_000)
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        #expect(fields.count == 4)
        #expect(fields[0] == "pbkdf2-sha256")
        #expect(fields[1] == "1000")
        #expect(Base64URL.decode(String(fields[2]))?.count == 16)
        #expect(Base64URL.decode(String(fields[3]))?.count == 32)
        #expect(PasswordHash.verify(password: "correct horse battery staple", encoded: encoded))
    }

    @Test func defaultIterationCountIsEncoded() throws {
        let encoded = try PasswordHash.hash(password: "pw")
        #expect(encoded.hasPrefix("pbkdf2-sha256$600000$"))
        #expect(PasswordHash.verify(password: "pw", encoded: encoded))
    }

    @Test func saltsAreRandom() throws {
        #expect(
            try PasswordHash.hash(password: "same", iterations: 1) != PasswordHash.hash(password: "same", iterations: 1)
        )
    }

    @Test func emptyAndUnicodePasswords() throws {
        let empty = try PasswordHash.hash(password: "", iterations: 10)
        #expect(PasswordHash.verify(password: "", encoded: empty))
        #expect(!PasswordHash.verify(password: " ", encoded: empty))
        let unicode = try PasswordHash.hash(password: "pässwörd 🔑", iterations: 10)
        #expect(PasswordHash.verify(password: "pässwörd 🔑", encoded: unicode))
    }

    @Test func wrongPasswordIsRejected() throws {
        let encoded = try PasswordHash.hash(password: "secret", iterations: 1_000)
        #expect(!PasswordHash.verify(password: "Secret", encoded: encoded))
        #expect(!PasswordHash.verify(password: "secret ", encoded: encoded))
    }

    @Test func tamperedOrMalformedEncodingsAreRejected() throws {
        let encoded = try PasswordHash.hash(password: "secret", iterations: 1_000)
        var fields = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)

        var flippedHash = fields
        let last = flippedHash[3]
        flippedHash[3] = (last.first == "A" ? "B" : "A") + last.dropFirst()
        var otherIterations = fields
        otherIterations[1] = "1001"
        var otherSalt = fields
        otherSalt[2] = Base64URL.encode([UInt8](repeating: 7, count: 16))

        let candidates = [
            flippedHash.joined(separator: "$"),
            otherIterations.joined(separator: "$"),
            otherSalt.joined(separator: "$"),
            encoded.replacingFirst("pbkdf2-sha256", with: "pbkdf2-sha512"),
            fields.prefix(3).joined(separator: "$"),
            encoded + "$extra",
            "",
            "garbage",
            "pbkdf2-sha256$0$\(fields[2])$\(fields[3])",
            "pbkdf2-sha256$-5$\(fields[2])$\(fields[3])",
            "pbkdf2-sha256$01000$\(fields[2])$\(fields[3])",
            "pbkdf2-sha256$99999999999$\(fields[2])$\(fields[3])",
            "pbkdf2-sha256$1000$$\(fields[3])",
            "pbkdf2-sha256$1000$\(fields[2])$",
            "pbkdf2-sha256$1000$!!!$\(fields[3])",
            "pbkdf2-sha256$1000$\(fields[2])$\(fields[3].prefix(10))",
        ]
        for candidate in candidates {
            #expect(!PasswordHash.verify(password: "secret", encoded: candidate), "accepted \(candidate)")
        }
        fields[0] = "pbkdf2-sha256"
        #expect(PasswordHash.verify(password: "secret", encoded: fields.joined(separator: "$")))
    }

    @Test func invalidIterationCountThrows() {
        #expect(throws: CryptoError.self) { try PasswordHash.hash(password: "x", iterations: 0) }
    }
}

@Suite("constantTimeEquals")
struct ConstantTimeTests {
    @Test func comparesContentAndLength() {
        #expect(constantTimeEquals([], []))
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([], [0]))
    }
}

@Suite("AESGCM")
struct AESGCMTests {
    @Test func roundTripsWithAndWithoutAAD() throws {
        let key = try AESGCM.generateKey()
        let plaintext = Array("the contract text".utf8)
        let box = try AESGCM.seal(plaintext: plaintext, key: key, aad: Array("header".utf8))
        #expect(box.nonce.count == 12)
        #expect(box.tag.count == 16)
        #expect(box.ciphertext.count == plaintext.count)
        #expect(box.ciphertext != plaintext)
        #expect(try AESGCM.open(box, key: key, aad: Array("header".utf8)) == plaintext)

        let plain = try AESGCM.seal(plaintext: plaintext, key: key)
        #expect(try AESGCM.open(plain, key: key) == plaintext)
        #expect(plain.nonce != box.nonce)
    }

    @Test(arguments: [0, 1, 15, 16, 17, 4096])
    func roundTripsVariousLengths(length: Int) throws {
        let key = try AESGCM.generateKey()
        let plaintext = try SecureRandom.bytes(length)
        let box = try AESGCM.seal(plaintext: plaintext, key: key)
        #expect(try AESGCM.open(box, key: key) == plaintext)
        #expect(try AESGCM.open(AESGCM.SealedBox(combined: box.combined), key: key) == plaintext)
    }

    @Test func opensKnownAnswerVectors() throws {
        // McGrew & Viega GCM test cases 13 and 14 (AES-256, zero key and IV).
        let key = [UInt8](repeating: 0, count: 32)
        let nonce = [UInt8](repeating: 0, count: 12)
        let empty = AESGCM.SealedBox(nonce: nonce, ciphertext: [], tag: hex("530f8afbc74536b9a963b4f1c4cb738b"))
        #expect(try AESGCM.open(empty, key: key) == [])
        let block = AESGCM.SealedBox(
            nonce: nonce, ciphertext: hex("cea7403d4d606b6e074ec5d3baf39d18"),
            tag: hex("d0d1c8a799996bf0265b98b5d48ab919"))
        #expect(try AESGCM.open(block, key: key) == [UInt8](repeating: 0, count: 16))
    }

    @Test func tamperingIsDetected() throws {
        let key = try AESGCM.generateKey()
        let aad = Array("aad".utf8)
        let box = try AESGCM.seal(plaintext: Array("attack at dawn".utf8), key: key, aad: aad)

        var badCiphertext = box
        badCiphertext.ciphertext[0] ^= 0x01
        var badTag = box
        badTag.tag[15] ^= 0x80
        var badNonce = box
        badNonce.nonce[0] ^= 0x01

        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(badCiphertext, key: key, aad: aad) }
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(badTag, key: key, aad: aad) }
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(badNonce, key: key, aad: aad) }
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(box, key: key, aad: Array("aae".utf8)) }
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(box, key: key) }
        #expect(throws: CryptoError.authenticationFailed) { try AESGCM.open(box, key: AESGCM.generateKey(), aad: aad) }
    }

    @Test func rejectsBadSizes() throws {
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 16)) {
            try AESGCM.seal(plaintext: [1], key: [UInt8](repeating: 0, count: 16))
        }
        let key = try AESGCM.generateKey()
        var box = try AESGCM.seal(plaintext: [1], key: key)
        box.tag.removeLast()
        #expect(throws: CryptoError.self) { try AESGCM.open(box, key: key) }
        #expect(throws: CryptoError.self) { try AESGCM.SealedBox(combined: [UInt8](repeating: 0, count: 27)) }
    }
}

@Suite("Base64URL")
struct Base64URLTests {
    @Test func rfc4648VectorsWithoutPadding() {
        let vectors = [
            "": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func usesURLSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
    }

    @Test(arguments: 0...5)
    func roundTripsLength(length: Int) throws {
        for _ in 0..<20 {
            let bytes = try SecureRandom.bytes(length)
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(encoded.count == (length * 4 + 2) / 3)
            #expect(Base64URL.decode(encoded) == bytes)
        }
    }

    @Test func acceptsCorrectPaddingOnly() {
        #expect(Base64URL.decode("Zg==") == Array("f".utf8))
        #expect(Base64URL.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64URL.decode("Zg=") == nil)
        #expect(Base64URL.decode("Zm9v====") == nil)
        #expect(Base64URL.decode("Z=g=") == nil)
    }

    @Test func rejectsInvalidInput() {
        #expect(Base64URL.decode("Z") == nil)
        #expect(Base64URL.decode("Zm9v!") == nil)
        #expect(Base64URL.decode("Zm+v") == nil)
        #expect(Base64URL.decode("Zh") == nil)  // non-zero unused bits
        #expect(Base64URL.decode("Zm 9v") == nil)
    }
}

@Suite("CryptoError")
struct CryptoErrorTests {
    @Test func libraryErrorsComeFromTheOpenSSLQueue() {
        do throws(CryptoError) {
            _ = try MACAlgorithm(name: "NO-SUCH-MAC")
            Issue.record("fetching an unknown MAC succeeded")
        } catch {
            guard case .library(let operation, let code, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(operation == "EVP_MAC_fetch(NO-SUCH-MAC)")
            #expect(code != 0)
            #expect(reason.contains("unsupported"))
            #expect(error.description.hasPrefix("OpenSSL EVP_MAC_fetch(NO-SUCH-MAC) failed: "))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func messagesAreHumanReadable() {
        #expect(CryptoError.authenticationFailed.localizedDescription.contains("tampered"))
        #expect(
            CryptoError.invalidKeyLength(expected: 32, actual: 5).description
                == "invalid key length: expected 32 bytes, got 5")
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
