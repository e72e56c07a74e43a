import Foundation
import PactoriaCore
import PactoriaGit

/// The keyring travels with the contracts: `push` sends `refs/pactoria/keyring`, `pull` and
/// `clone` fetch it. It is never simply overwritten: the remote's keyring is fetched into a
/// temporary reference and merged into the local one (keys from both; a key erased on either side
/// is erased), and only the merged keyring is pushed, so an erasure made in one clone reaches
/// every clone that pulls, and keys made in two clones are both kept.
enum KeyringSync {
    static let incoming = "refs/pactoria/incoming-keyring"
    static var fetchSpec: String { "+\(Keyring.referenceName):\(incoming)" }
    static var pushSpec: String { "+\(Keyring.referenceName):\(Keyring.referenceName)" }

    /// Fetches the remote's keyring and merges it into the local one (nothing when the remote has
    /// none). Without the master key the local keyring is taken as it is when there is none yet,
    /// and otherwise left alone (the merge needs the key), with a notice.
    static func pull(_ ws: Workspace, _ repo: Repository, remote: String, credentials: CredentialProvider)
        -> String?
    {
        defer { try? repo.deleteReference(incoming) }
        guard (try? repo.fetch(remote: remote, refspecs: [fetchSpec], credentials: credentials)) != nil,
            let theirs = (try? repo.referenceTarget(incoming)) ?? nil
        else { return nil }
        let ours = (try? repo.referenceTarget(Keyring.referenceName)) ?? nil
        if ours == theirs { return nil }
        if ours == nil {
            do { try repo.setReference(Keyring.referenceName, to: theirs, message: "keyring: from \(remote)") } catch {
                return "could not take the keyring from '\(remote)': \(error)"
            }
            try? ws.installSealer(repo)
            return nil
        }
        guard
            let sealer = ws.sealer
                ?? {
                    try? ws.installSealer(repo, force: true); return ws.sealer
                }()
        else {
            return nil
        }
        do {
            try sealer.mergeKeyring(from: theirs, fetchedAs: incoming)
        } catch {
            return "the keyring from '\(remote)' was not merged: \(error)"
        }
        return nil
    }

    /// The refspecs a push sends besides the branch: the keyring, once merged with the remote's.
    static func pushSpecs(_ ws: Workspace, _ repo: Repository, remote: String, credentials: CredentialProvider)
        -> [String]
    {
        guard ((try? repo.referenceTarget(Keyring.referenceName)) ?? nil) != nil else { return [] }
        _ = pull(ws, repo, remote: remote, credentials: credentials)
        return [pushSpec]
    }

    /// After a clone: fetches the keyring and, when the master key is at hand, rewrites the sealed
    /// contracts of the working tree as plaintext (the clone's own checkout wrote them as stored).
    /// Returns how many contract files stay sealed in the working tree (no master key).
    static func afterClone(_ ws: Workspace, _ repo: Repository, credentials: CredentialProvider) -> Int {
        guard (try? repo.fetch(remote: "origin", refspecs: [fetchSpec], credentials: credentials)) != nil,
            let theirs = (try? repo.referenceTarget(incoming)) ?? nil
        else { return 0 }
        try? repo.setReference(Keyring.referenceName, to: theirs, message: "keyring: from origin")
        try? repo.deleteReference(incoming)
        try? ws.installSealer(repo)
        guard let sealer = ws.sealer, let head = (try? repo.headCommitID()) ?? nil else { return 0 }
        var sealed: [String] = []
        for ref in ws.contractRefs() {
            for path in [ref.yamlPath, ref.markdownPath] {
                guard let bytes = try? FileSystem.read(ws.absolute(path)) else { continue }
                if SealEnvelope.isSealed(bytes) || SealEnvelope.isSealedYAML(bytes) { sealed.append(path) }
            }
        }
        guard !sealed.isEmpty else { return 0 }
        guard (try? sealer.loadMasterKey()) != nil else { return sealed.count }
        for path in sealed { unlink(ws.absolute(path)) }
        do { try repo.restore(paths: sealed, from: head) } catch {
            // Put back what the clone wrote (still sealed) rather than leave files missing.
            try? repo.setBlobFilter(nil)
            try? repo.restore(paths: sealed, from: head)
            try? ws.installSealer(repo)
            return sealed.count
        }
        return 0
    }
}

extension InstallHooks {
    /// The attributes line (in `.git/info/attributes`, which no pull request can change) that
    /// sends contract files through the textconv driver in `git diff` and `git log -p`.
    public static let textconvAttributes = "companies/*/contracts/* diff=pactoria-seal"

    /// Registers `command` (which prints a file's plaintext) as git's textconv for contract files,
    /// so plain git shows sealed contracts as plaintext to those who hold the master key.
    public static func installTextconv(_ ws: Workspace, command: String) throws(WorkspaceError) -> [String] {
        let repo = try ws.repository()
        do {
            try repo.setConfig("diff.pactoria-seal.textconv", command)
            try repo.setConfig("diff.pactoria-seal.cachetextconv", "false")
        } catch { throw .repository("cannot write the git config", detail: "\(error)") }
        guard let gitDir = GitLocks.gitDirectory(root: ws.root) else { return ["diff.pactoria-seal (git config)"] }
        let path = gitDir + "/info/attributes"
        var text = FileSystem.exists(path) ? try FileSystem.readText(path) : ""
        if !text.split(separator: "\n").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == textconvAttributes
        }) {
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            text += "# Pactoria: show sealed contracts as plaintext in diffs (git config diff.pactoria-seal)\n"
            text += textconvAttributes + "\n"
            try FileSystem.makeDirectories(gitDir + "/info")
            try FileSystem.writeAtomically(text, to: path)
        }
        return ["info/attributes (diff=pactoria-seal)", "diff.pactoria-seal.textconv (git config)"]
    }
}

/// The plaintext of a file git hands to the textconv driver: a sealed contract unsealed with the
/// workspace's keys, anything else as it is.
public enum Textconv {
    public static func plaintext(_ ws: Workspace, file: String) throws(WorkspaceError) -> [UInt8] {
        let bytes = try FileSystem.read(FileSystem.absolute(file))
        guard SealEnvelope.isSealed(bytes) || SealEnvelope.isSealedYAML(bytes) else { return bytes }
        let repo = try ws.repository()
        if ws.sealer == nil { try? ws.installSealer(repo, force: true) }
        guard let sealer = ws.sealer else { return bytes }
        do { return try sealer.unseal(bytes, what: file) ?? bytes } catch {
            throw .refused("\(error)")
        }
    }
}
