internal import CLibGit2
public import Foundation

/// Who made a commit and when.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    public var time: Date
    /// Offset from UTC in minutes.
    public var timeZoneOffsetMinutes: Int

    public init(name: String, email: String, time: Date = Date(), timeZoneOffsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.timeZoneOffsetMinutes = timeZoneOffsetMinutes
    }

    init(_ sig: UnsafePointer<git_signature>) {
        name = String(cString: sig.pointee.name)
        email = String(cString: sig.pointee.email)
        time = Date(timeIntervalSince1970: TimeInterval(sig.pointee.when.time))
        timeZoneOffsetMinutes = Int(sig.pointee.when.offset)
    }

    /// `Name <email>`
    public var formatted: String { "\(name) <\(email)>" }

    /// Calls `body` with a libgit2 signature that lives for the duration of the call.
    func withRaw<T>(_ body: (UnsafeMutablePointer<git_signature>) throws -> T) throws -> T {
        var sig: UnsafeMutablePointer<git_signature>?
        try check(
            git_signature_new(
                &sig, name, email, git_time_t(time.timeIntervalSince1970.rounded(.down)),
                Int32(timeZoneOffsetMinutes)),
            "make signature for \(formatted)")
        defer { git_signature_free(sig) }
        return try body(sig!)
    }
}
