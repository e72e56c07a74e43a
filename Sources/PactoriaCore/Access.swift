/// What a user may be: the product's roles.
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
    /// Acting on contracts of any company.
    case allCompanies = "all_companies"

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

/// The permission matrix: admin may do everything, in every company; a contract manager drafts
/// and runs contracts; a legal reviewer reviews (request changes, activate, complete) and runs
/// compliance analysis; a viewer reads.
public enum AccessPolicy {
    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        switch role {
        case .admin:
            return true
        case .contractManager:
            return [.read, .create, .update, .generate, .analyze, .submit, .finalize, .terminate, .expire].contains(permission)
        case .legalReviewer:
            return [.read, .analyze, .requestChanges, .activate, .complete, .expire].contains(permission)
        case .viewer:
            return permission == .read
        }
    }
}

/// Per-tier limits, overridable in the workspace config.
public struct PlanLimits: Sendable, Equatable {
    public var users: Int
    public var contractsPerMonth: Int
    public var generationsPerDay: Int

    public init(users: Int, contractsPerMonth: Int, generationsPerDay: Int) {
        self.users = users
        self.contractsPerMonth = contractsPerMonth
        self.generationsPerDay = generationsPerDay
    }

    public static func defaults(for tier: SubscriptionTier) -> PlanLimits {
        switch tier {
        case .starter: return PlanLimits(users: 5, contractsPerMonth: 50, generationsPerDay: 10)
        case .professional: return PlanLimits(users: 20, contractsPerMonth: 200, generationsPerDay: 50)
        case .business: return PlanLimits(users: 100, contractsPerMonth: 1000, generationsPerDay: 200)
        }
    }
}
