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
        guard let sealer = ws.sealer ?? { try? ws.installSealer(repo, force: true); return ws.sealer }() else {
            return nil
        }
        do {
            try sealer.mergeKeyring(from: theirs)
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
