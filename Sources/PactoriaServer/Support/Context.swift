public import Hummingbird
import Logging
public import PactoriaAccess
import PactoriaCore

/// Who is calling: the user a verified token names, as the users store has them now (role,
/// company and operator grant come from the store on every request, never from the token).
public struct Identity: Sendable, Equatable {
    public var email: String
    public var company: String
    public var role: Role
    /// The operator grant (`pactoria user grant-operator`): sees every company.
    public var isOperator: Bool

    public init(email: String, company: String, role: Role, isOperator: Bool = false) {
        self.email = email
        self.company = company
        self.role = role
        self.isOperator = isOperator
    }

    /// Whether the caller's role allows `p` (within the companies the caller sees).
    public func may(_ p: Permission) -> Bool { AccessPolicy.allows(role, p) }
    /// Whether the caller may see `company`'s contracts, trail and security events.
    public func sees(company c: String) -> Bool {
        Tenancy.sees(company: c, ownCompany: company, isOperator: isOperator)
    }
}

/// The request context: Hummingbird's core storage (its request id, `id`, is in every log line
/// as `hb.request.id`) plus the caller and their address.
public struct PactoriaRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    public var remoteAddress: String?
    /// The largest body `request.decode(as:context:)` reads (the server sets its configured limit).
    public var maxUploadSize = 2 * 1024 * 1024

    /// Bodies decode to the route's `Codable` struct, failures answer in `APIError`'s shape.
    public var requestDecoder: APIRequestDecoder { APIRequestDecoder() }
    /// Typed responses encode as the API's JSON.
    public var responseEncoder: APIResponseEncoder { APIResponseEncoder() }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The caller, or 401.
    func caller() throws -> Identity {
        guard let identity else { throw APIError.invalidToken }
        return identity
    }
}
