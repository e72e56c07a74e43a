/// The mode git records for a tree or index entry.
public enum FileMode: Sendable, Equatable {
    case regular, executable, symbolicLink, gitlink, directory, other

    init(raw: UInt32) {
        switch raw {
        case 0o100644, 0o100664: self = .regular
        case 0o100755: self = .executable
        case 0o120000: self = .symbolicLink
        case 0o160000: self = .gitlink
        case 0o040000: self = .directory
        default: self = .other
        }
    }

    /// A blob that is checked out as a plain file (regular or executable).
    public var isPlainFile: Bool { self == .regular || self == .executable }

    /// How a finding names it, with git's octal mode.
    public var description: String {
        switch self {
        case .regular: "regular file (100644)"
        case .executable: "executable file (100755)"
        case .symbolicLink: "symbolic link (mode 120000)"
        case .gitlink: "submodule link (mode 160000)"
        case .directory: "directory"
        case .other: "entry of an unknown mode"
        }
    }
}
