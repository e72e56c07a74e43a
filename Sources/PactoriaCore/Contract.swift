/// A party to a contract (client or supplier).
public struct Party: Sendable, Equatable {
    public var name: String
    public var email: String?
    public var company: String?
    /// Companies House registration number.
    public var companyNumber: String?
    public var role: String?

    public init(
        name: String, email: String? = nil, company: String? = nil, companyNumber: String? = nil,
        role: String? = nil
    ) {
        self.name = name
        self.email = email
        self.company = company
        self.companyNumber = companyNumber
        self.role = role
    }
}

/// What a contract is worth: an exact decimal amount and its currency, both as written.
public struct ContractValue: Sendable, Equatable {
    public var amount: String
    public var currency: String

    public init(amount: String, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    public var decimal: DecimalAmount? { DecimalAmount(amount) }
    public var currencyValue: Currency? { Currency(rawValue: currency) }

    /// "£15,000.00", or the raw text when it does not parse.
    public var formatted: String {
        guard let d = decimal else { return "\(amount) \(currency)" }
        if let c = currencyValue { return (d.isNegative ? "-" : "") + c.symbol + d.grouped.drop(while: { $0 == "-" }) }
        return "\(d.grouped) \(currency)"
    }
}

/// A contract's metadata, as read from its YAML file.
///
/// Fields hold what the file says, even when it breaks a rule, so that validation can report
/// every problem at once; typed views (`type`, `statusValue`, `start`, …) give the checked values.
public struct Contract: Sendable, Equatable {
    public var id: String
    public var title: String
    public var contractType: String
    public var status: String
    public var plainEnglishInput: String?
    public var client: Party?
    public var supplier: Party?
    public var value: ContractValue?
    public var startDate: String?
    public var endDate: String?
    public var templateID: String?
    public var version: Int
    public var createdBy: String?
    public var createdAt: String?
    public var updatedAt: String?
    /// The `lifecycle` section: final content and who moved the contract, when and why.
    public var lifecycle: LifecycleRecord?

    public init(
        id: String, title: String, contractType: String, status: String = ContractStatus.draft.rawValue,
        plainEnglishInput: String? = nil, client: Party? = nil, supplier: Party? = nil,
        value: ContractValue? = nil, startDate: String? = nil, endDate: String? = nil,
        templateID: String? = nil, version: Int = 1, createdBy: String? = nil, createdAt: String? = nil,
        updatedAt: String? = nil, lifecycle: LifecycleRecord? = nil
    ) {
        self.id = id
        self.title = title
        self.contractType = contractType
        self.status = status
        self.plainEnglishInput = plainEnglishInput
        self.client = client
        self.supplier = supplier
        self.value = value
        self.startDate = startDate
        self.endDate = endDate
        self.templateID = templateID
        self.version = version
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lifecycle = lifecycle
    }

    public var type: ContractType? { ContractType(rawValue: contractType) }
    public var statusValue: ContractStatus? { ContractStatus(rawValue: status) }
    public var start: CalendarDate? { startDate.flatMap(CalendarDate.init) }
    public var end: CalendarDate? { endDate.flatMap(CalendarDate.init) }
}
