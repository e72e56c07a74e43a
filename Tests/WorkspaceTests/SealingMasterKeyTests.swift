import Foundation
import PactoriaCrypto
import PactoriaTestSupport
import PactoriaWorkspace
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh folder under the system temporary directory.
func sealingTempDir() throws -> String {
    Hermetic.setUp()
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("pactoria-sealing-\(UUID().uuidString.lowercased())").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func message(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "(no error)"
    } catch {
        return "\(error)"
    }
}

@Suite("Sealing: the master key")
struct SealingMasterKeyTests {
    let hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

    @Test("parses 64 hex characters or the base64 of 32 bytes, and nothing else")
    func parseForms() throws {
        let fromHex = try MasterKey.parse(hexKey, source: "test")
        let base64 = Data(fromHex.bytes).base64EncodedString()
        let fromBase64 = try MasterKey.parse(" " + base64 + "\n", source: "test")
        #expect(fromHex.bytes == fromBase64.bytes)
        #expect(try MasterKey.parse(hexKey.uppercased(), source: "test").bytes == fromHex.bytes)
        let secretish = "hunter2-is-not-a-key-but-a-secret-value-xyz"
        for bad in [
            "", "abc", String(hexKey.dropLast()), hexKey + "0", String(hexKey.dropLast()) + "g",
            Data([UInt8](repeating: 1, count: 31)).base64EncodedString(), secretish,
        ] {
            let text = message { _ = try MasterKey.parse(bad, source: MasterKey.environmentVariable) }
            #expect(text.contains("expected 64 hexadecimal characters or the base64 of 32 bytes"), "\(text)")
            #expect(bad.isEmpty || !text.contains(bad))
        }
    }

    @Test("description, debugDescription and dump never show the key")
    func neverPrinted() throws {
        let key = try MasterKey.parse(hexKey, source: "test")
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, key.debugDescription, "\(key)", String(reflecting: key), dumped] {
            #expect(!text.contains(hexKey))
            #expect(!text.contains("0x00"))
            #expect(!text.contains("[0, 17"))
            #expect(text.contains(key.checkValue) || text.contains("checkValue"))
        }
        #expect(key.checkValue.count == 16)
        #expect(key.checkValue != (try MasterKey.generate()).checkValue)
    }

    @Test("the environment wins, then the named file, then <git dir>/pactoria/master.key")
    func loadOrder() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try MasterKey.load(environment: [:], gitDirectory: dir) == nil)
        let created = try MasterKey.createFile(at: MasterKey.defaultFilePath(gitDirectory: dir))
        #expect(try MasterKey.load(environment: [:], gitDirectory: dir)?.bytes == created.bytes)
        let named = try MasterKey.createFile(at: dir + "/other.key")
        #expect(
            try MasterKey.load(environment: [MasterKey.fileEnvironmentVariable: dir + "/other.key"], gitDirectory: dir)?
                .bytes == named.bytes)
        let env = [MasterKey.environmentVariable: hexKey, MasterKey.fileEnvironmentVariable: dir + "/other.key"]
        #expect(
            try MasterKey.load(environment: env, gitDirectory: dir)?.bytes == MasterKey.parse(hexKey, source: "t").bytes
        )
        let missing = message {
            _ = try MasterKey.load(
                environment: [MasterKey.fileEnvironmentVariable: dir + "/nope.key"], gitDirectory: dir)
        }
        #expect(missing.contains("does not exist"))
    }

    @Test("the key file is created 0600 and is never overwritten")
    func createFile() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/pactoria/master.key"
        let key = try MasterKey.createFile(at: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8).count == 65)
        let again = message { _ = try MasterKey.createFile(at: path) }
        #expect(again.contains("already exists"))
        #expect(try MasterKey.load(file: path).bytes == key.bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/pactoria") == ["master.key"])
    }

    @Test("a symbolic link, a file others can read, or a non-key file is refused")
    func hostileFiles() throws {
        let dir = try sealingTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let real = dir + "/real.key"
        _ = try MasterKey.createFile(at: real)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.key", withDestinationPath: real)
        #expect(message { _ = try MasterKey.load(file: dir + "/link.key") }.contains("symbolic link"))

        let open = dir + "/open.key"
        try (hexKey + "\n").write(toFile: open, atomically: false, encoding: .utf8)
        chmod(open, 0o644)
        let loose = message { _ = try MasterKey.load(file: open) }
        #expect(loose.contains("0600"))
        #expect(!loose.contains(hexKey))
        chmod(open, 0o600)
        #expect(try MasterKey.load(file: open).bytes == MasterKey.parse(hexKey, source: "t").bytes)

        let garbage = dir + "/garbage.key"
        try "not a key at all\n".write(toFile: garbage, atomically: false, encoding: .utf8)
        chmod(garbage, 0o600)
        let text = message { _ = try MasterKey.load(file: garbage) }
        #expect(text.contains("expected 64 hexadecimal"))
        #expect(!text.contains("not a key at all"))

        let folder = dir + "/folder.key"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        chmod(folder, 0o700)
        #expect(message { _ = try MasterKey.load(file: folder) }.contains("not a regular file"))

        let huge = dir + "/huge.key"
        try String(repeating: "a", count: 5000).write(toFile: huge, atomically: false, encoding: .utf8)
        chmod(huge, 0o600)
        #expect(message { _ = try MasterKey.load(file: huge) }.contains("too large"))
    }
}
