import Foundation
import PactoriaCore
import PactoriaCrypto
import PactoriaWorkspace
import Testing

private func failure(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "(no error)"
    } catch {
        return "\(error)"
    }
}

private func lines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
}

@Suite("Sealing: the envelope and the sealed YAML form")
struct SealingEnvelopeTests {
    let key = try! DataKey.generate()
    let plaintext = Array("# Website build\n\nParty A pays Party B £12,000.\n".utf8)

    @Test("seal then unseal gives the plaintext back; the armour has the documented shape")
    func roundTrip() throws {
        let armour = try SealEnvelope.seal(plaintext, kind: .md, key: key)
        let text = lines(armour)
        #expect(text.first == "-----BEGIN PACTORIA SEALED v1-----")
        #expect(text[1] == "key: \(key.id.hex)")
        #expect(text.suffix(2) == ["-----END PACTORIA SEALED v1-----", ""])
        #expect(text.dropFirst(2).dropLast(2).allSatisfy { $0.count <= 76 && !$0.isEmpty })
        #expect(SealEnvelope.isSealed(armour))
        #expect(!SealEnvelope.isSealed(plaintext))
        #expect(try SealEnvelope.keyID(of: armour) == key.id)
        #expect(try SealEnvelope.unseal(armour, kind: .md, key: key) == plaintext)
        #expect(!String(decoding: armour, as: UTF8.self).contains("Party"))
        let empty = try SealEnvelope.seal([], kind: .md, key: key)
        #expect(try SealEnvelope.unseal(empty, kind: .md, key: key) == [])
    }

    @Test("deterministic: the same plaintext gives the same blob; another kind or key does not")
    func deterministic() throws {
        let a = try SealEnvelope.seal(plaintext, kind: .md, key: key)
        #expect(a == (try SealEnvelope.seal(plaintext, kind: .md, key: key)))
        #expect(a != (try SealEnvelope.seal(plaintext + [0x0A], kind: .md, key: key)))
        #expect(a != (try SealEnvelope.seal(plaintext, kind: .yaml, key: key)))
        #expect(a != (try SealEnvelope.seal(plaintext, kind: .md, key: try DataKey.generate())))
    }

    @Test("a wrong key, the other kind, a flipped byte or a swapped key id is detected")
    func tamperDetected() throws {
        let armour = try SealEnvelope.seal(plaintext, kind: .md, key: key)
        let other = try DataKey(id: key.id, bytes: try SecureRandom.bytes(32))
        #expect(
            failure { _ = try SealEnvelope.unseal(armour, kind: .md, key: other) }.contains(
                "altered or the key is wrong"))
        #expect(failure { _ = try SealEnvelope.unseal(armour, kind: .yaml, key: key) }.contains(key.id.hex))
        let stranger = try DataKey.generate()
        #expect(
            failure { _ = try SealEnvelope.unseal(armour, kind: .md, key: stranger) }.contains("not \(stranger.id.hex)")
        )
        // Every base64 character of the body, changed, is caught by the tag (or the parser).
        var text = lines(armour)
        let body = Array(text[2])
        for position in stride(from: 0, to: body.count, by: 7) {
            var changed = body
            changed[position] = changed[position] == "A" ? "B" : "A"
            text[2] = String(changed)
            let altered = Array(text.joined(separator: "\n").utf8)
            #expect(throws: SealingError.self) { try SealEnvelope.unseal(altered, kind: .md, key: key) }
        }
        let errorText = failure { _ = try SealEnvelope.unseal(armour, kind: .md, key: other) }
        #expect(!errorText.contains("Party"))
        #expect(!errorText.contains(Digest.hex(other.bytes)))
    }

    @Test("hostile armour is refused with a message naming what is wrong")
    func hostileArmour() throws {
        let armour = String(decoding: try SealEnvelope.seal(plaintext, kind: .md, key: key), as: UTF8.self)
        let cases: [(String, String)] = [
            ("", "first line"),
            ("-----BEGIN PACTORIA SEALED v1-----\n", "truncated"),
            (armour.replacingOccurrences(of: "\n", with: "\r\n"), "first line"),
            (String(armour.dropLast()), "line feed"),
            (armour + "trailing\n", "last line"),
            (armour.replacingOccurrences(of: "key: ", with: "key:  "), "line 2"),
            (armour.replacingOccurrences(of: "key: \(key.id.hex)", with: "key: \(key.id.hex.uppercased())"), "line 2"),
            (armour.replacingOccurrences(of: "-----END", with: "\u{0}----END"), "last line"),
            (armour.replacingOccurrences(of: "key: \(key.id.hex)\n", with: "key: \(key.id.hex)\n!!!!\n"), "line 3"),
            (
                "-----BEGIN PACTORIA SEALED v1-----\nkey: \(key.id.hex)\nAAAA\n-----END PACTORIA SEALED v1-----\n",
                "shorter than a nonce"
            ),
            (
                "-----BEGIN PACTORIA SEALED v1-----\nkey: \(key.id.hex)\nAAAAA\n-----END PACTORIA SEALED v1-----\n",
                "truncated or malformed"
            ),
            (
                "-----BEGIN PACTORIA SEALED v1-----\nkey: \(key.id.hex)\n\n-----END PACTORIA SEALED v1-----\n",
                "line 3"
            ),
        ]
        for (hostile, expected) in cases {
            let text = failure { _ = try SealEnvelope.unseal(Array(hostile.utf8), kind: .md, key: key) }
            #expect(text.contains(expected), "\(expected): \(text)")
            #expect(throws: SealingError.self) { try SealEnvelope.keyID(of: Array(hostile.utf8)) }
        }
        // A short line in the middle (a truncated copy) is refused.
        var split = lines(Array(armour.utf8))
        if split.count > 5 {
            split[2] = String(split[2].dropLast(4))
            let text = failure {
                _ = try SealEnvelope.unseal(Array(split.joined(separator: "\n").utf8), kind: .md, key: key)
            }
            #expect(text.contains("line 3"), "\(text)")
        }
    }

    @Test("a 1 MB plaintext seals and unseals")
    func large() throws {
        var big = [UInt8](repeating: 0, count: 1 << 20)
        for i in big.indices { big[i] = UInt8(truncatingIfNeeded: i &* 31 &+ i >> 8) }
        let armour = try SealEnvelope.seal(big, kind: .md, key: key)
        #expect(armour.count > big.count * 4 / 3)
        #expect(try SealEnvelope.unseal(armour, kind: .md, key: key) == big)
        let yaml = try SealEnvelope.sealYAML(plaintextYAML: big, clearFields: [("id", "x")], key: key)
        #expect(try SealEnvelope.unsealYAML(yaml, key: key) == big)
    }

    @Test("without the key, a sealed contract reads as its clear fields, the value in clear included")
    func clearFieldsWithoutTheKey() throws {
        let clear: [(key: String, value: String)] = [
            ("id", "7d1c2a9e-4b3f-4c8d-9e2a-5f6b7c8d9e0a"), ("title", "Illustration"),
            ("contract_type", "service_agreement"), ("status", "draft"), ("contract_value_amount", "1200.00"),
            ("contract_value_currency", "GBP"), ("version", "2"),
        ]
        let blob = try SealEnvelope.sealYAML(plaintextYAML: Array("id: x\n".utf8), clearFields: clear, key: key)
        let ref = ContractRef(company: "brickline-digital", stem: "illustration")
        let loaded = try Workspace.decodeContract(ref: ref, text: String(decoding: blob, as: UTF8.self))
        #expect(loaded.contract.title == "Illustration" && loaded.contract.status == "draft")
        #expect(loaded.contract.value == ContractValue(amount: "1200.00", currency: "GBP"))
        // Only beside `sealed:`: in an ordinary contract those names are nothing.
        let plain =
            "id: a\ntitle: T\ncontract_type: nda\nstatus: draft\ncontract_value_amount: \"5\"\ncontract_value_currency: GBP\n"
        #expect(try Workspace.decodeContract(ref: ref, text: plain).contract.value == nil)
    }

    @Test("sealed YAML: clear fields quoted safely, the armour indented, read back with and without the key")
    func sealedYAML() throws {
        let yaml = Array("id: c1\ntitle: Secret deal\ncounterparty: Jane Roe\n".utf8)
        let hostileTitle = "Deal: \"one\"\r\nsealed: |\u{0}\u{2028}x\u{85}\u{FEFF} \\ é £ 😀 # not a comment"
        let clear: [(key: String, value: String)] = [
            ("id", "c1"), ("title", hostileTitle), ("contract_value", "1200.00"), ("currency", "GBP"),
        ]
        let blob = try SealEnvelope.sealYAML(plaintextYAML: yaml, clearFields: clear, key: key)
        let text = lines(blob)
        #expect(text[0] == "id: \"c1\"")
        #expect(text[1].hasPrefix("title: \"Deal: \\\"one\\\"\\x0D\\x0Asealed: |\\x00\\u2028x\\x85\\uFEFF \\\\ é £ 😀"))
        #expect(text[4] == "sealed: |")
        #expect(text[5] == "  -----BEGIN PACTORIA SEALED v1-----")
        #expect(text.dropFirst(5).dropLast().allSatisfy { $0.hasPrefix("  ") })
        #expect(!String(decoding: blob, as: UTF8.self).contains("Jane"))
        #expect(SealEnvelope.isSealedYAML(blob))
        #expect(!SealEnvelope.isSealedYAML(yaml))
        #expect(!SealEnvelope.isSealed(blob))
        let fields = try SealEnvelope.clearFields(of: blob)
        #expect(fields.map(\.key) == clear.map(\.key))
        #expect(fields.map(\.value) == clear.map(\.value))
        #expect(try SealEnvelope.keyID(ofSealedYAML: blob) == key.id)
        #expect(try SealEnvelope.unsealYAML(blob, key: key) == yaml)
        #expect(blob == (try SealEnvelope.sealYAML(plaintextYAML: yaml, clearFields: clear, key: key)))
        // Sealed as metadata, it does not open as text.
        let armour = Array(text[5...].dropLast().map { String($0.dropFirst(2)) }.joined(separator: "\n").utf8) + [0x0A]
        #expect(try SealEnvelope.keyID(of: armour) == key.id)
        #expect(throws: SealingError.self) { try SealEnvelope.unseal(armour, kind: .md, key: key) }
    }

    @Test("bad clear field names are refused; malformed sealed YAML names the line")
    func hostileSealedYAML() throws {
        for name in ["Title", "sealed", "a b", "", "x:y", "ü"] {
            #expect(throws: SealingError.self) {
                try SealEnvelope.sealYAML(plaintextYAML: [], clearFields: [(name, "v")], key: key)
            }
        }
        #expect(throws: SealingError.self) {
            try SealEnvelope.sealYAML(plaintextYAML: [], clearFields: [("a", "1"), ("a", "2")], key: key)
        }
        let good = String(
            decoding: try SealEnvelope.sealYAML(plaintextYAML: [1, 2], clearFields: [("id", "c1")], key: key),
            as: UTF8.self)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "id: \"c1\"", with: "id: c1"), "line 1"),
            (good.replacingOccurrences(of: "id: \"c1\"", with: "id: \"c\"1\""), "line 1"),
            (good.replacingOccurrences(of: "id: \"c1\"", with: "id: \"c\\q\""), "line 1"),
            (good.replacingOccurrences(of: "id: \"c1\"", with: "id: \"c\\x4\""), "line 1"),
            (good.replacingOccurrences(of: "id: \"c1\"", with: "id: \"c1\"\nid: \"c2\""), "line 2"),
            (good.replacingOccurrences(of: "sealed: |", with: "sealed: >"), "line 2"),
            (good.replacingOccurrences(of: "  -----END", with: " -----END"), "indented"),
            (good.replacingOccurrences(of: "  key: ", with: "  key: 0"), "line 2"),
            (String(good.dropLast()), "line feed"),
            ("id: \"c1\"\nsealed: |\n", "empty"),
        ]
        for (hostile, expected) in cases {
            let text = failure { _ = try SealEnvelope.clearFields(of: Array(hostile.utf8)) }
            #expect(text.contains(expected), "\(expected): \(text)")
            #expect(throws: SealingError.self) { try SealEnvelope.unsealYAML(Array(hostile.utf8), key: key) }
        }
    }

    @Test("a data key prints only its id")
    func dataKeyNotPrinted() throws {
        var dumped = ""
        dump(key, to: &dumped)
        let secret = Digest.hex(key.bytes)
        for text in [key.description, key.debugDescription, String(reflecting: key), dumped] {
            #expect(!text.contains(secret))
            #expect(text.contains(key.id.hex))
        }
    }
}
