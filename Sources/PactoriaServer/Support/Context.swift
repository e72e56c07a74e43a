public import Hummingbird
import Logging
public import PactoriaCore

/// Who is calling, from a verified token.
public struct Identity: Sendable, Equatable {
    public var email: String
    public var company: String
    public var role: Role

    public func may(_ p: Permission) -> Bool { AccessPolicy.allows(role, p) }
    /// Whether the caller may see `company`'s contracts.
    public func sees(company c: String) -> Bool { role == .admin || c == company }
}

/// The request context: Hummingbird's core storage plus our request id, caller and address.
public struct PactoriaRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String
    public var identity: Identity?
    public var remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = RequestID.make()
        identity = nil
        remoteAddress = source.channel.remoteAddress?.ipAddress
        logger[metadataKey: "request_id"] = .string(requestID)
    }

    /// The caller, or 401.
    func caller() throws -> Identity {
        guard let identity else { throw APIError.invalidToken }
        return identity
    }
}

enum RequestID {
    static func make() -> String {
        var g = SystemRandomNumberGenerator()
        return String(g.next(), radix: 16, uppercase: false).leftPadded(16)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
