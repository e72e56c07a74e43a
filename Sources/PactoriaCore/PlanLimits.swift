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
