/// What went wrong while sealing, unsealing, loading the master key or the keyring. Each case
/// renders as one line that names what failed (a file, a key id, a keyring line) and never
/// carries key material or sealed plaintext.
public enum SealingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The master key could not be read or is unusable (`detail` says why and what is expected).
    case masterKey(String)
    /// The master key is well formed but is not the one this workspace's keyring was made with.
    case masterKeyMismatch
    /// An armoured envelope is malformed (`detail` names what).
    case envelope(String)
    /// A sealed YAML document is malformed (`detail` names what).
    case sealedYAML(String)
    /// Decryption failed: wrong key, or the envelope was altered.
    case unsealFailed(keyID: String, kind: String)
    /// The keyring blob is malformed; `line` is 1-based (nil for the blob as a whole).
    case keyring(line: Int?, String)
    /// The keyring ref or its objects could not be read or written.
    case keyringStore(String)
    /// The data key was erased (crypto-shredded) on `date`: the data it sealed is gone for good.
    case keyErased(keyID: String, date: String)
    /// No data key with this id is in the keyring.
    case unknownKey(keyID: String)

    public var description: String {
        switch self {
        case .masterKey(let detail):
            return "master key: \(detail)"
        case .masterKeyMismatch:
            return "the master key does not match this workspace's keyring"
        case .envelope(let detail):
            return "sealed data: \(detail)"
        case .sealedYAML(let detail):
            return "sealed contract metadata: \(detail)"
        case .unsealFailed(let keyID, let kind):
            return "cannot unseal \(kind == "md" ? "contract text" : "contract metadata") under data key \(keyID):"
                + " the data was altered or the key is wrong"
        case .keyring(let line, let detail):
            return "keyring" + (line.map { " line \($0)" } ?? "") + ": \(detail)"
        case .keyringStore(let detail):
            return "keyring: \(detail)"
        case .keyErased(let keyID, let date):
            return "data key \(keyID) was erased on \(date): the data it sealed cannot be read"
        case .unknownKey(let keyID):
            return "data key \(keyID) is not in this workspace's keyring"
        }
    }
}
