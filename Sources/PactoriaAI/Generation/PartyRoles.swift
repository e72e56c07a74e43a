public import PactoriaCore

/// Which template slot (`client.*` or `supplier.*`) a party fills.
public enum PartySlot: String, Sendable, Hashable, Codable {
    case client, supplier

    public var other: PartySlot { self == .client ? .supplier : .client }
}

/// The role names a template gives its two party slots, read from its opening
/// ("**{{client.name}}** (company number: …) (the "**Employer**")"). Templates that name no role
/// get "Client" and "Supplier".
public struct TemplateParties: Sendable, Hashable {
    public var clientRole: String
    public var supplierRole: String

    public init(clientRole: String, supplierRole: String) {
        self.clientRole = clientRole
        self.supplierRole = supplierRole
    }

    public func role(of slot: PartySlot) -> String { slot == .client ? clientRole : supplierRole }

    public static func of(_ template: Template) -> TemplateParties {
        TemplateParties(
            clientRole: role(of: "client", in: template.body) ?? "Client",
            supplierRole: role(of: "supplier", in: template.body) ?? "Supplier")
    }

    /// The `(the "**Role**")` that follows the first `{{slot.name}}` within its paragraph.
    static func role(of slot: String, in body: String) -> String? {
        guard let start = body.firstRange(of: "{{\(slot).name}}") else { return nil }
        var rest = body[start.upperBound...]
        if let paragraphEnd = rest.firstRange(of: "\n\n") { rest = rest[..<paragraphEnd.lowerBound] }
        if let next = rest.firstRange(of: ".name}}") { rest = rest[..<next.lowerBound] }
        guard let match = rest.firstMatch(of: try! Regex(#"\(the "\*\*([A-Z][A-Za-z ]{1,30})\*\*"\)"#)),
            let role = match.output[1].substring
        else { return nil }
        return String(role)
    }
}

/// Who is who in a contract to be generated: the workspace's own company and the other party
/// placed in the template's slots by the contract type, the template's role names and the brief.
///
/// - Employment: the company is the Employer, the other party the Employee.
/// - Provider and customer roles (Supplier, Provider, Consultant, Contractor, Agency, Landlord,
///   Licensor, Lender, Processor, Discloser against Client, Customer, Buyer, Tenant, Licensee,
///   Borrower, Controller, Recipient): the brief decides ("we supply X to Acme" makes the company
///   the provider; "Acme supplies us", "we buy from", "we rent", "we borrow" the customer);
///   without a cue the company is the provider.
/// - Metadata that already names both parties is kept; when one of them is the company, it is
///   placed by the same rules.
public struct PartyAssignment: Sendable, Equatable {
    /// The company's slot.
    public var companySlot: PartySlot
    public var roles: TemplateParties
    public var company: Party?
    public var counterparty: Party?
    /// One line: "Ancoats Coffee Co Ltd is the Employer and Sam Taylor the Employee (employment: the company employs)".
    public var explanation: String

    public var companyRole: String { roles.role(of: companySlot) }
    public var counterpartyRole: String { roles.role(of: companySlot.other) }

    /// The party in `slot`, with its role.
    public func party(in slot: PartySlot) -> Party? {
        var party = slot == companySlot ? company : counterparty
        party?.role = roles.role(of: slot)
        return party
    }

    static let providerRoles: Set<String> = [
        "supplier", "provider", "consultant", "contractor", "agency", "agent", "landlord", "licensor", "lender",
        "processor", "discloser", "seller", "we",
    ]
    static let customerRoles: Set<String> = [
        "client", "customer", "buyer", "tenant", "licensee", "borrower", "controller", "recipient", "principal",
        "purchaser",
    ]

    /// Places `company` (the workspace's company) and the contract's other party.
    public static func resolve(contract: Contract, template: Template, company: Party?) -> PartyAssignment {
        let roles = TemplateParties.of(template)
        let type = contract.type ?? template.contractType
        func same(_ a: Party?, _ b: Party?) -> Bool {
            guard let a, let b else { return false }
            let names = [a.name, a.company].compactMap { $0?.lowercased().trimmingSpaces() }
            return [b.name, b.company].compactMap { $0?.lowercased().trimmingSpaces() }.contains { names.contains($0) }
        }
        // Both named in the metadata and neither is the company: keep them where they are.
        if let client = contract.client, let supplier = contract.supplier, !same(client, company),
            !same(supplier, company)
        {
            return PartyAssignment(
                companySlot: .supplier, roles: roles, company: supplier, counterparty: client,
                explanation:
                    "\(supplier.name) is the \(roles.supplierRole) and \(client.name) the \(roles.clientRole) (as the metadata names them)"
            )
        }
        var own = company
        var other: Party?
        if same(contract.supplier, company) {
            own = contract.supplier.map { merged($0, company) } ?? company
            other = contract.client
        } else if same(contract.client, company) {
            own = contract.client.map { merged($0, company) } ?? company
            other = contract.supplier
        } else {
            other = contract.client ?? contract.supplier
        }
        let (slot, why) = companySlot(type: type, roles: roles, brief: contract.plainEnglishInput ?? "")
        let ownName = own?.name ?? "the company"
        let otherName = other?.name ?? "the other party"
        return PartyAssignment(
            companySlot: slot, roles: roles, company: own, counterparty: other,
            explanation:
                "\(ownName) is the \(roles.role(of: slot)) and \(otherName) the \(roles.role(of: slot.other)) (\(why))")
    }

    static func merged(_ party: Party, _ company: Party?) -> Party {
        var p = party
        if p.company == nil { p.company = company?.company }
        if p.companyNumber == nil { p.companyNumber = company?.companyNumber }
        if p.email == nil { p.email = company?.email }
        return p
    }

    /// The company's slot and why.
    static func companySlot(type: ContractType, roles: TemplateParties, brief: String) -> (PartySlot, String) {
        let client = roles.clientRole.lowercased()
        let supplier = roles.supplierRole.lowercased()
        if client == "employer" || supplier == "employer" || type == .employmentContract {
            let slot: PartySlot = supplier == "employer" ? .supplier : .client
            return (slot, "employment: the company is the employer")
        }
        let providerSlot: PartySlot?
        if providerRoles.contains(supplier) || customerRoles.contains(client) {
            providerSlot = .supplier
        } else if providerRoles.contains(client) || customerRoles.contains(supplier) {
            providerSlot = .client
        } else {
            providerSlot = nil
        }
        let side = briefSide(brief)
        guard let providerSlot else {
            return (.client, "the company is the first party")
        }
        switch side {
        case (.customer?, let cue): return (providerSlot.other, "the brief says \"\(cue)\"")
        case (.provider?, let cue): return (providerSlot, "the brief says \"\(cue)\"")
        case (nil, _): return (providerSlot, "the company provides, as nothing in the brief says otherwise")
        }
    }

    enum Side { case provider, customer }

    /// Phrases that say the company gives (supplies, lets, lends, discloses) or receives.
    static let providerCues = [
        #"\bwe(?:'ll| will| would| are going to| shall)?\s+(?:supply|provide|sell|deliver|build|design|develop|install|maintain|host|manage|clean|cater|license|licence|let|lend|loan|offer|process|distribute|share|disclose|show)\b"#,
        #"\bwe(?:'re| are)\s+(?:supplying|providing|selling|delivering|building|designing|developing|installing|hosting|managing|letting|lending|licensing|offering|processing|the supplier|the provider|the consultant|the contractor|the landlord|the lender|the licensor|the processor|sharing|disclosing)\b"#,
        #"\b(?:our|my)\s+(?:client|customer|tenant|borrower|licensee)\b"#,
        #"\bwe\s+(?:share|disclose|show)\b"#, #"\bfor\s+(?:a|our|the)\s+client\b"#,
        #"\bour\s+(?:services|products|software|goods)\s+to\b"#,
    ]
    static let customerCues = [
        #"\b(?:supplies|supply|provides|provide|sells|sell|delivers|deliver|lends|lend|loans|lets|let|licenses|license|builds|build|designs|design)\s+(?:to\s+)?us\b"#,
        #"\bfor\s+us\b"#, #"\bwe\s+(?:need|want)\s+(?:to\s+)?(?:hire|engage|buy|rent|lease|borrow|appoint|order)\b"#,
        #"\b(?:share|shares|disclose|discloses|show|shows|give|gives)\b[^.;]{0,80}?\bwith\s+us\b"#,
        #"\bwe(?:'ll| will| would| shall)?\s+(?:buy|purchase|order|hire|engage|appoint|rent|lease|borrow)\b"#,
        #"\bwe(?:'re| are)\s+(?:buying|purchasing|ordering|hiring|engaging|appointing|renting|leasing|borrowing|taking|the customer|the client|the buyer|the tenant|the borrower|the licensee|the controller|receiving)\b"#,
        #"\b(?:our|my)\s+(?:supplier|provider|consultant|contractor|landlord|lender|licensor|processor|agency)\b"#,
        #"(?i:\b(?:buy|buys|buying|order|ordering|rent|renting|lease|leasing|borrow|borrowing|source|sourcing|license|licensing)\b)[^.;]{0,60}?\b(?i:from)\s+(?:them|[A-Z][A-Za-z&]+)"#,
        #"\bwe\s+(?:receive|will see|get)\b"#,
    ]

    static func briefSide(_ brief: String) -> (Side?, String) {
        let text = brief.replacingAll("’", with: "'")
        func first(_ patterns: [String]) -> (Range<String.Index>, String)? {
            var best: (Range<String.Index>, String)?
            for pattern in patterns {
                let regex = pattern.contains("[A-Z]") ? try! Regex(pattern) : try! Regex("(?i)" + pattern)
                if let match = text.firstMatch(of: regex),
                    best.map({ match.range.lowerBound < $0.0.lowerBound }) ?? true
                {
                    best = (match.range, String(text[match.range]))
                }
            }
            return best
        }
        let provider = first(providerCues)
        let customer = first(customerCues)
        switch (provider, customer) {
        case (let p?, let c?): return p.0.lowerBound <= c.0.lowerBound ? (.provider, p.1) : (.customer, c.1)
        case (let p?, nil): return (.provider, p.1)
        case (nil, let c?): return (.customer, c.1)
        case (nil, nil): return (nil, "")
        }
    }
}
