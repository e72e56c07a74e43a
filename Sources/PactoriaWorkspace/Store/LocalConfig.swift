import Foundation

extension Workspace {
    /// How sealed contracts read in this process ([0] when nothing is sealed): caches of what was
    /// read from history are kept per reading (see `Sealer.readingTag`).
    package func readingTag() -> [UInt8] {
        _ = try? repository()  // the seal is set when the repository is opened
        return sealer?.readingTag() ?? [0]
    }

    /// The file name a cache of what was read from history has under the current reading.
    package func readingCacheName(_ name: String) -> String {
        let tag = readingTag()
        return tag == [0] ? name : name + "-" + tag.map { String(format: "%02x", $0) }.joined()
    }

    /// This machine's own settings, `<git dir>/pactoria/config.yaml`: never cloned or pushed.
    package static let localConfigName = "pactoria/config.yaml"

    /// This machine's own settings (nil when there are none or they do not parse).
    package func localConfig() -> WorkspaceConfig? {
        guard let dir = try? InstallHooks.gitDirectory(self),
            let text = try? FileSystem.readText(dir + "/" + Self.localConfigName),
            let doc = try? YAMLDocument.parse(text, file: ".git/" + Self.localConfigName)
        else { return nil }
        var c = WorkspaceConfig()
        c.tree = doc.root
        return c
    }

    /// Whether personal data is replaced by placeholders before a prompt goes to the AI provider:
    /// on unless this machine's own config says `ai.redact_personal_data: false` (or no, off, 0).
    /// The committed config cannot turn it off: anyone who can open a pull request writes it.
    package var redactsPersonalData: Bool {
        guard let value = localConfig()?.setting("ai.redact_personal_data") else { return true }
        let v = value.trimmingCharacters(in: .whitespaces).lowercased()
        return !["false", "no", "off", "0"].contains(v)
    }
}
