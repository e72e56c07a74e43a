import Foundation
import PactoriaCore
import PactoriaGit

#if canImport(Glibc)
    import Glibc
#endif

/// The master key: where it comes from, what the keyring holds, and rotating it.
///
/// Rotation re-wraps every data key under a new master key and replaces the keyring (one
/// parentless commit, force-updated; the old wrapped copies are removed from the object store and
/// the store repacked). Contract history is untouched: no commit is written, every blob id stays,
/// because the data keys themselves do not change. See docs/SEALING.md.
public enum MasterKeys {
    public struct Status: Sendable {
        /// Where the key comes from: the environment variable, a key file, or nil (none configured).
        public var source: String?
        /// The key's check value (identifies it without revealing it); nil without a key.
        public var checkValue: String?
        /// Whether the workspace has a keyring (anything was ever sealed).
        public var hasKeyring: Bool
        /// Live data keys and erased ones (tombstones); nil when the keyring was not read.
        public var liveKeys: Int?
        public var erasedKeys: Int?
        /// Why the keyring could not be read (a wrong key, no key), if it could not.
        public var problem: String?
    }

    public struct Rotation: Sendable {
        public var rewrapped: Int
        public var oldCheckValue: String
        public var newCheckValue: String
        /// The key file that now holds the new key.
        public var keyFile: String
        /// Set when `PACTORIA_MASTER_KEY` still holds the old key (it is read before any file).
        public var environmentHoldsOldKey: Bool
        /// Set when this run finished a rotation an earlier run left half done.
        public var resumed: Bool
    }

    public static func status(_ ws: Workspace) throws(WorkspaceError) -> Status {
        let repo = try ws.repository()
        let gitDir = try gitDirectory(ws)
        let env = ProcessInfo.processInfo.environment
        let hasKeyring = ((try? repo.referenceTarget(Keyring.referenceName)) ?? nil) != nil
        var s = Status(source: source(env, gitDir), hasKeyring: hasKeyring)
        do {
            guard let key = try MasterKey.load(environment: env, gitDirectory: gitDir) else { return s }
            s.checkValue = key.checkValue
            if hasKeyring {
                let k = try Keyring.load(from: repo, masterKey: key)
                (s.liveKeys, s.erasedKeys) = k.counts
            }
        } catch {
            s.problem = "\(error)"
        }
        return s
    }

    /// Re-wraps every data key under a new master key: the one in `newKeyFile` (a 0600 key file,
    /// checked as any key file is), or a fresh random one. The new key is written to the key
    /// file in use (`PACTORIA_MASTER_KEY_FILE`, else the default one in the git directory) by
    /// way of `<file>.new`, made before the keyring is saved and renamed over the old file after,
    /// so an interruption leaves either the old state or a `.new` file that the next run
    /// recognises (the keyring opens with it) and finishes.
    public static func rotate(_ ws: Workspace, newKeyFile: String? = nil) throws(WorkspaceError) -> Rotation {
        try WriteLock.withLock(ws) { () throws(WorkspaceError) -> Rotation in
            let repo = try ws.repository()
            let gitDir = try gitDirectory(ws)
            let env = ProcessInfo.processInfo.environment
            guard ((try? repo.referenceTarget(Keyring.referenceName)) ?? nil) != nil, let sealer = ws.sealer else {
                throw .refused("nothing here is sealed, so there is no keyring to rotate")
            }
            let destination =
                env[MasterKey.fileEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 }
                ?? MasterKey.defaultFilePath(gitDirectory: gitDir)
            let pending = destination + ".new"
            let environmentHoldsOldKey = !(env[MasterKey.environmentVariable] ?? "").isEmpty
            do {
                // A rotation interrupted after saving the keyring: the keyring opens with the pending key.
                if FileSystem.kind(pending) != nil {
                    let waiting = try MasterKey.load(file: pending)
                    guard (try? Keyring.load(from: repo, masterKey: waiting)) != nil else {
                        throw WorkspaceError.refused(
                            "\(pending) is left from an interrupted rotation and does not open the keyring;"
                                + " remove it and rotate again")
                    }
                    try replace(destination, with: pending)
                    return Rotation(
                        rewrapped: (try Keyring.load(from: repo, masterKey: waiting)).counts.live,
                        oldCheckValue: "", newCheckValue: waiting.checkValue, keyFile: destination,
                        environmentHoldsOldKey: environmentHoldsOldKey, resumed: true)
                }
                guard let old = try sealer.loadMasterKey() else {
                    throw WorkspaceError.refused(
                        "rotating needs the current master key; set \(MasterKey.environmentVariable) or put it in "
                            + MasterKey.defaultFilePath(gitDirectory: gitDir))
                }
                // The current key must open the keyring before anything is written.
                _ = try Keyring.load(from: repo, masterKey: old)
                let given = try newKeyFile.map { (path) throws -> MasterKey in try MasterKey.load(file: path) }
                if let given, given.checkValue == old.checkValue {
                    throw WorkspaceError.refused("the new key is the current key; nothing to rotate")
                }
                let new = try MasterKey.createFile(at: pending, key: given)
                let rewrapped: Int
                do {
                    rewrapped = try sealer.rotate(to: new)
                } catch {
                    unlink(pending)
                    throw error
                }
                try replace(destination, with: pending)
                return Rotation(
                    rewrapped: rewrapped, oldCheckValue: old.checkValue, newCheckValue: new.checkValue,
                    keyFile: destination, environmentHoldsOldKey: environmentHoldsOldKey, resumed: false)
            } catch let e as WorkspaceError {
                throw e
            } catch {
                throw .refused("cannot rotate the master key: \(error)")
            }
        }
    }

    static func gitDirectory(_ ws: Workspace) throws(WorkspaceError) -> String {
        guard let gitDir = GitLocks.gitDirectory(root: ws.root) else {
            throw .repository("cannot find the git directory of \(ws.root)", detail: ws.root)
        }
        return gitDir
    }

    static func source(_ env: [String: String], _ gitDir: String) -> String? {
        if let v = env[MasterKey.environmentVariable], !v.isEmpty { return MasterKey.environmentVariable }
        if let p = env[MasterKey.fileEnvironmentVariable], !p.isEmpty { return p }
        let path = MasterKey.defaultFilePath(gitDirectory: gitDir)
        return FileSystem.kind(path) != nil ? path : nil
    }

    /// Renames `pending` over `destination` and makes the rename durable.
    static func replace(_ destination: String, with pending: String) throws {
        guard rename(pending, destination) == 0 else {
            throw SealingError.masterKey(
                "cannot move the new key into \(destination): \(String(cString: strerror(errno)));"
                    + " it is in \(pending)")
        }
        let dir = (destination as NSString).deletingLastPathComponent
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
