public import PactoriaCore

/// The template chosen for a contract that names none, and why, in one line.
public struct TemplateChoice: Sendable, Equatable {
    public var template: Template
    /// "chose template-employment-002 (Employment Contract (Part Time)), the best of 2
    /// employment_contract templates for the brief: “part-time” matches name, suitable for".
    public var reason: String

    /// The template of the contract's type that `TemplateRecommender` ranks best for its brief
    /// and title; the first template of the type when none matches a word; nil when the
    /// catalogue has no template of that type.
    public static func pick(for contract: Contract, in catalog: TemplateCatalog) -> TemplateChoice? {
        let type = contract.type ?? .other
        let candidates = catalog.templates.filter { $0.contractType == type }
        guard let fallback = candidates.first else { return nil }
        let query = [contract.title, contract.plainEnglishInput ?? ""].filter { !$0.isEmpty }.joined(separator: ". ")
        let ranked = TemplateRecommender(catalog: catalog).recommend(query, top: 20)
        let count = "\(candidates.count) \(type.rawValue) template\(candidates.count == 1 ? "" : "s")"
        if let best = ranked.first(where: { $0.contractType == type }),
            let template = catalog.template(id: best.templateID)
        {
            let why = best.reasons.prefix(2).joined(separator: "; ")
            return TemplateChoice(
                template: template,
                reason: "chose \(template.id) (\(template.name)), the best of \(count) for the brief"
                    + (why.isEmpty ? "" : ": \(why)"))
        }
        return TemplateChoice(
            template: fallback,
            reason: "chose \(fallback.id) (\(fallback.name)), the first of \(count); the brief matched none of them")
    }
}

/// What is settled before the text is written: the parties in the template's slots with their
/// roles, and dates the brief states that the metadata lacks. The contract it holds is what
/// generation fills the template from and what is written back to the metadata, so the
/// metadata's parties agree with the text.
public struct GenerationPlan: Sendable {
    public var contract: Contract
    public var parties: PartyAssignment

    /// - Parameter company: the workspace's own company (name, company number), nil if unknown.
    public static func make(contract: Contract, template: Template, company: Party?) -> GenerationPlan {
        let parties = PartyAssignment.resolve(contract: contract, template: template, company: company)
        var planned = contract
        planned.client = parties.party(in: .client)
        planned.supplier = parties.party(in: .supplier)
        let facts = RequirementsExtractor.extract(contract.plainEnglishInput ?? "").facts
        if planned.start == nil, let date = facts.startDate { planned.startDate = date.description }
        if planned.end == nil, let date = facts.endDate, planned.start.map({ $0 <= date }) ?? true {
            planned.endDate = date.description
        }
        if planned.templateID == nil { planned.templateID = template.id }
        return GenerationPlan(contract: planned, parties: parties)
    }
}
