public import PactoriaCore

/// What a user may be within their company: the product's roles. No role reaches beyond the
/// user's own company; seeing every company is the separate operator grant (`Grant.operator`).
public enum Role: String, CaseIterable, Sendable, Codable {
    case admin
    case contractManager = "contract_manager"
    case legalReviewer = "legal_reviewer"
    case viewer

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Something a user does, checked against the permission matrix.
public enum Permission: String, CaseIterable, Sendable {
    case read, create, update, generate, analyze
    case submit, requestChanges = "request_changes", finalize, activate, complete, terminate, expire
    case manageUsers = "manage_users"
    case viewSecurityEvents = "view_security_events"
    /// The server's performance figures and its Prometheus metrics (admins).
    case viewServerMetrics = "view_server_metrics"

    public init(_ action: LifecycleAction) {
        switch action {
        case .submit: self = .submit
        case .requestChanges: self = .requestChanges
        case .finalize: self = .finalize
        case .activate: self = .activate
        case .complete: self = .complete
        case .terminate: self = .terminate
        case .expire: self = .expire
        }
    }
}

/// The permission matrix, always within the user's own company: admin may do everything there
/// (users and security events of that company included); a contract manager drafts
/// and runs contracts; a legal reviewer reviews (request changes, activate, complete) and runs
/// compliance analysis; a viewer reads.
public enum AccessPolicy {
    /// Whether `role` may do `permission` in the user's own company.
    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        switch role {
        case .admin:
            return true
        case .contractManager:
            return [.read, .create, .update, .generate, .analyze, .submit, .finalize, .terminate, .expire].contains(
                permission)
        case .legalReviewer:
            return [.read, .analyze, .requestChanges, .activate, .complete, .expire].contains(permission)
        case .viewer:
            return permission == .read
        }
    }
}

/// Rights beyond a role that only someone with access to the workspace's machine can give
/// (`pactoria user grant-operator`): never through registration or the API.
public enum Grant: String, CaseIterable, Sendable, Codable {
    /// Sees and acts on every company (within the user's role), and reads every security event.
    case `operator`
}

/// Who may see what: a user sees their own company; an operator sees every company.
public enum Tenancy {
    public static func sees(company: String, ownCompany: String, isOperator: Bool) -> Bool {
        isOperator || company == ownCompany
    }
}
