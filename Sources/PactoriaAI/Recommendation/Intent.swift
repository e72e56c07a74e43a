import PactoriaCore

/// What a description says about the need beyond its single words: the contract type it
/// implies, the party relationship (consumer or business customers, employing or engaging a
/// contractor or being one, part-time or full-time work) and negative evidence ("website" in
/// "we build websites for clients" is the deliverable, not the subject of website terms).
///
/// Each `Cue` found in the description names the words that triggered it and adjusts the
/// score of the templates it applies to by a share of the best word-match score, so a cue
/// moves templates within the range the words already set. Every adjustment becomes a reason
/// on the recommendation ("+ implied type: Employment contract (“barista”)").
struct Intent {
    struct Adjustment {
        /// Share of the best word-match score added (or, negative, taken away).
        var weight: Double
        var reason: String
    }

    /// The adjustments that apply to each template id.
    var adjustments: [String: [Adjustment]] = [:]
    /// One line per cue found, for logs and tests.
    var cues: [String] = []
    /// Words the description uses in another sense, so their synonyms are not searched
    /// ("taking on" a client does not mean staff or employees).
    var literalOnly: Set<String> = []

    /// Shares of the best word-match score a cue adds or takes away.
    static let typeWeight = 0.35
    static let relationshipWeight = 0.3
    static let penaltyWeight = -0.6

    init() {}

    /// The cues in `query` and their effect on `templates`.
    init(query: String, templates: [Template]) {
        let text = QueryText(query)
        let facets = templates.map(TemplateFacets.init)

        func add(_ weight: Double, _ reason: String, where applies: (TemplateFacets) -> Bool) {
            for facet in facets where applies(facet) {
                adjustments[facet.id, default: []].append(Adjustment(weight: weight, reason: reason))
            }
        }

        // Who the user is and whom they engage.
        let engageWord = text.first(of: Self.engagingVerbs)
        let contractorWord = text.first(of: Self.contractorWords)
        let providerWord = text.first(of: Self.providerPhrases)
        let clientWord = text.first(of: ["client", "clients", "customer", "customers"])
        let agentWord = text.first(of: Self.agentWords)
        let distributorWord = text.first(of: Self.distributorWords)
        let negatedEmployment = text.first(of: Self.negatedEmployment)

        // Implied contract types.
        var employment = text.first(of: Self.employmentWords)
        if employment == nil, let weak = text.first(of: Self.weakEmploymentWords) {
            if contractorWord == nil, clientWord == nil, agentWord == nil, distributorWord == nil {
                employment = weak
            } else if let other = clientWord ?? agentWord ?? distributorWord {
                // "taking on a new client" is not hiring staff.
                cues.append("not employment (\(weak) … \(other))")
                literalOnly.insert(weak)
                add(Self.penaltyWeight, "− \(Self.quote(weak)) a \(Self.quote(other)) is not hiring an employee") {
                    $0.type == .employmentContract
                }
            }
        }
        if contractorWord != nil, employment != nil, text.first(of: ["part time", "full time"]) == nil {
            // "hire a self-employed contractor … rather than take on an employee"
            employment = nil
        }
        if let said = negatedEmployment {
            employment = nil
            cues.append("not employment (\(said))")
            add(Self.penaltyWeight, "− \(Self.quote(said)): not an employment relationship") {
                $0.type == .employmentContract
            }
        }
        if let said = employment {
            cues.append("employment (\(said))")
            add(Self.typeWeight, "+ implied type: \(ContractType.employmentContract.displayName) (\(Self.quote(said)))")
            {
                $0.type == .employmentContract
            }
            if let part = text.partTime {
                cues.append("part time (\(part))")
                add(Self.relationshipWeight, "+ part-time work (\(Self.quote(part)))") { $0.partTime }
                add(Self.penaltyWeight, "− part-time work (\(Self.quote(part))), but this template is full-time") {
                    $0.fullTime
                }
            } else if let full = text.first(of: ["full time", "permanent", "salaried", "salary"]) {
                cues.append("full time (\(full))")
                add(Self.relationshipWeight, "+ full-time work (\(Self.quote(full)))") { $0.fullTime }
                add(Self.penaltyWeight, "− full-time work (\(Self.quote(full))), but this template is part-time") {
                    $0.partTime
                }
            }
        }
        if let said = text.first(of: Self.ndaWords) {
            cues.append("nda (\(said))")
            add(Self.typeWeight, "+ implied type: \(ContractType.nda.displayName) (\(Self.quote(said)))") {
                $0.type == .nda
            }
        }
        if let said = text.first(of: Self.leaseWords) {
            cues.append("lease (\(said))")
            add(Self.typeWeight, "+ implied type: \(ContractType.lease.displayName) (\(Self.quote(said)))") {
                $0.type == .lease
            }
        } else if let office = text.first(of: ["office", "offices", "premises", "unit", "shop", "studio"]) {
            // Offices named without renting words are where the work happens, not a letting.
            cues.append("no letting (\(office))")
            add(Self.penaltyWeight, "− \(Self.quote(office)) is named but nothing is rented or let") {
                $0.type == .lease
            }
        }
        if let said = text.first(of: Self.partnershipWords) {
            cues.append("partnership (\(said))")
            add(Self.typeWeight, "+ implied type: \(ContractType.partnership.displayName) (\(Self.quote(said)))") {
                $0.type == .partnership
            }
            if let venture = text.first(of: Self.jointVentureWords) {
                cues.append("joint venture (\(venture))")
                add(Self.relationshipWeight, "+ two businesses on a joint project (\(Self.quote(venture)))") {
                    $0.jointVenture
                }
            } else if let people = text.first(of: Self.generalPartnershipWords) {
                cues.append("general partnership (\(people))")
                add(Self.relationshipWeight, "+ people going into business together (\(Self.quote(people)))") {
                    $0.type == .partnership && !$0.jointVenture
                }
            }
        }
        if let said = agentWord {
            cues.append("commercial agent (\(said))")
            add(Self.typeWeight, "+ a commercial agent selling on commission (\(Self.quote(said)))") {
                $0.commercialAgent
            }
        }
        if let said = distributorWord {
            cues.append("distribution (\(said))")
            add(Self.typeWeight, "+ a distributor buying to resell (\(Self.quote(said)))") { $0.distribution }
        }

        // Engaging a contractor, or being the one who supplies the services.
        if let contractor = contractorWord, let verb = engageWord, providerWord == nil {
            cues.append("engaging a contractor (\(verb) … \(contractor))")
            add(Self.relationshipWeight, "+ engaging a self-employed contractor (\(Self.quote(contractor)))") {
                $0.contractor
            }
        } else if let provider = providerWord {
            cues.append("supplier of services (\(provider))")
            add(Self.penaltyWeight, "− you supply the services (\(Self.quote(provider))); this template engages one") {
                $0.contractor
            }
        }
        if let project = text.first(of: Self.clientProjectPhrases) {
            cues.append("client projects (\(project))")
            add(Self.relationshipWeight, "+ project work for business clients (\(Self.quote(project)))") {
                $0.projectWork
            }
        }

        // Negative evidence: a website (or online shop, or app) built for someone else is the
        // deliverable, not the subject of website terms or of the terms its shop will sell on.
        let builtThing = text.first(of: Self.websiteTermsPhrases) == nil ? text.deliverable : nil
        if let built = builtThing {
            cues.append("\(built.thing) is the deliverable (\(built.said))")
            add(
                Self.penaltyWeight,
                "− \(Self.quote(built.said)): the \(built.thing) is what is built, not the subject of these terms"
            ) { $0.subjects.contains(built.stems) }
        }

        // Consumers or businesses.
        var consumer = text.first(of: Self.consumerWords)
        if let said = consumer, let built = builtThing, built.said.contains(said) {
            // "building our online shop": the shop is the deliverable, not a sale to consumers.
            consumer = nil
        }
        let business = text.first(of: Self.businessWords)
        if let said = consumer, business == nil {
            cues.append("consumers (\(said))")
            add(Self.relationshipWeight, "+ for consumers (\(Self.quote(said)))") { $0.consumers }
            add(
                Self.penaltyWeight, "− for consumers (\(Self.quote(said))), but this template is for business customers"
            ) {
                $0.businessOnly
            }
            if let sub = text.first(of: Self.subscriptionWords) {
                cues.append("consumer subscription (\(sub))")
                add(Self.relationshipWeight, "+ a subscription (\(Self.quote(sub)))") {
                    $0.consumers && $0.subscription
                }
            }
        } else if let said = business, consumer == nil {
            cues.append("business customers (\(said))")
            add(
                Self.penaltyWeight, "− for business customers (\(Self.quote(said))), but this template is for consumers"
            ) {
                $0.consumers && !$0.businessOnly
            }
        }

    }

    static func quote(_ text: String) -> String { "“\(text)”" }

    // MARK: - Cue vocabularies (phrases are matched on stemmed words, stop words included)

    static let employmentWords = [
        "employee", "employees", "employ", "employing", "employment", "job", "staff", "barista", "receptionist",
        "shop assistant", "waiter", "waitress", "cleaner", "care worker", "salary", "wage", "wages", "hours a week",
        "days a week", "part time", "full time", "school hours", "new starter", "payroll", "apprentice",
        "apprenticeship", "trainee", "chef", "cook", "sales assistant", "care assistant", "admin assistant",
        "warehouse operative", "kitchen porter",
    ]
    static let weakEmploymentWords = ["hire", "hiring", "taking on", "take on", "recruit", "recruiting"]
    static let negatedEmployment = [
        "rather than take on an employee", "rather than employ", "instead of employing", "not an employee",
        "rather than hire an employee", "instead of an employee", "rather than an employee",
    ]
    static let engagingVerbs = [
        "engage", "engaging", "hire", "hiring", "taking on", "take on", "bring in", "bringing in", "use a", "using a",
        "appoint", "appointing",
    ]
    static let contractorWords = [
        "freelance", "freelancer", "contractor", "self employed", "ir35", "sole trader", "limited company",
        "off payroll",
    ]
    static let providerPhrases = [
        "i m a", "i am a", "i run a", "we are a", "we re a", "our agency", "our firm", "our consultancy", "we build",
        "we provide", "we design", "we develop", "i build", "i provide", "i design",
    ]
    static let clientProjectPhrases = [
        "client projects", "client project", "projects for clients", "project for a client", "for clients",
        "for a client", "client s project", "each project", "for each project", "for client",
    ]
    static let ndaWords = [
        "nda", "non disclosure", "confidential", "confidentiality", "secret", "secrets", "protect my idea",
        "protect my business idea", "business idea",
    ]
    static let leaseWords = [
        "lease", "landlord", "tenant", "rent", "renting", "rented", "letting", "let a", "let our", "let the",
    ]
    static let partnershipWords = [
        "partner", "partners", "partnership", "joint venture", "co founder", "cofounder", "teaming up",
        "working together", "pooling", "business together",
    ]
    static let jointVentureWords = [
        "joint venture", "two businesses", "two companies", "our company and", "teaming up", "pooling",
        "splitting the returns", "one off", "joint project",
    ]
    static let generalPartnershipWords = [
        "my friend and i", "friend and i", "as partners", "business partners", "business together", "co founder",
        "cofounder",
    ]
    static let agentWords = [
        "commission", "commercial agent", "sales agent", "sales agents", "sales rep", "sales representative",
        "on our behalf",
    ]
    static let distributorWords = [
        "distributor", "distributors", "distribution", "resell", "reseller", "resellers", "exclusive rights",
        "territory",
    ]
    static let consumerWords = [
        "consumer", "consumers", "the public", "members of the public", "b2c", "at home", "households",
        "individuals", "shoppers", "members", "membership", "online shop",
    ]
    static let businessWords = [
        "businesses", "business customers", "business customer", "b2b", "trade customers", "other businesses",
        "companies", "business clients", "salons",
    ]
    static let subscriptionWords = [
        "subscription", "subscriptions", "subscribe", "membership", "monthly", "renews", "renew", "recurring",
    ]
    static let websiteDeliverablePhrases = [
        "web development", "website development", "web design", "web designer", "web agency", "web developer",
        "websites for clients", "website for a client", "website for clients", "new website for",
    ]
    static let buildVerbs: Set<String> = [
        "build", "builds", "building", "built", "develop", "develops", "developing", "design", "designs",
        "designing", "create", "creating", "make", "makes", "making", "rebuild", "rebuilding",
    ]
    static let webThings = ["website", "websites", "online shop", "online shops", "web shop", "web app", "app", "apps"]
    static let webWork: Set<String> = ["development", "maintenance", "agency", "developer", "designer", "hosting"]
    /// Words that say the building is done for someone else (a client, by a developer or agency).
    static let buildForOthers = [
        "client", "clients", "customer", "customers", "developer", "agency", "designer", "freelancer",
        "websites", "sites", "apps", "online shops",
    ]
    static let websiteTermsPhrases = [
        "terms of use", "website terms", "visitors", "our website", "our site", "our blog", "site users",
    ]
}

/// A description's words for cue matching: lower-case, stemmed, stop words kept, so "terms of
/// use" and "I'm a" can be matched as phrases.
struct QueryText {
    let words: [String]
    let stems: [String]

    init(_ query: String) {
        words = TextNormalizer.words(query)
        stems = words.map(TextNormalizer.stem)
    }

    /// The first phrase of `phrases` found, as the description spelled it.
    func first(of phrases: [String]) -> String? {
        var best: (start: Int, length: Int)?
        for phrase in phrases {
            let needle = TextNormalizer.words(phrase).map(TextNormalizer.stem)
            guard let start = Self.find(needle, in: stems) else { continue }
            if best == nil || start < best!.start || (start == best!.start && needle.count > best!.length) {
                best = (start, needle.count)
            }
        }
        guard let best else { return nil }
        return words[best.start..<(best.start + best.length)].joined(separator: " ")
    }

    /// Part-time evidence: "part time", "reduced hours", "job share", "school hours", or fewer
    /// than 35 hours or 5 days a week ("20 hours a week", "three days a week").
    var partTime: String? {
        if let said = first(of: ["part time", "reduced hours", "job share", "school hours"]) { return said }
        for (index, word) in words.enumerated() where index + 1 < words.count {
            guard let number = Self.number(word) else { continue }
            let unit = words[index + 1]
            if (unit == "hours" || unit == "hrs") && number < 35 { return "\(word) \(unit)" }
            if unit == "days" && number < 5 { return "\(word) \(unit)" }
        }
        return nil
    }

    /// A website, online shop or app built for someone else: a named kind of web work ("web
    /// development"), or a build verb within three words before a web thing ("building our
    /// online shop") when the description says it is done for others (clients, a developer, an
    /// agency, or websites in the plural).
    var deliverable: (said: String, thing: String, stems: [String])? {
        guard first(of: Intent.buildForOthers) != nil || first(of: Intent.websiteDeliverablePhrases) != nil else {
            return nil
        }
        for (index, word) in words.enumerated() where Intent.buildVerbs.contains(word) {
            let window = Array(stems[(index + 1)..<min(stems.count, index + 5)])
            for thing in Intent.webThings {
                let needle = TextNormalizer.words(thing).map(TextNormalizer.stem)
                guard let offset = Self.find(needle, in: window) else { continue }
                let said = words[index...(index + 1 + offset + needle.count - 1)].joined(separator: " ")
                return (said, thing, needle)
            }
        }
        if let said = first(of: Intent.websiteDeliverablePhrases) {
            return (said, "website", [TextNormalizer.stem("website")])
        }
        return nil
    }

    static func number(_ word: String) -> Double? {
        if let value = Double(word) { return value }
        let names = ["one": 1.0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6]
        return names[word]
    }

    static func find(_ needle: [String], in haystack: [String]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle
        {
            return start
        }
        return nil
    }
}

/// What a template is for, read from its own metadata (name, description and suitable_for;
/// a description sentence starting "Not for" says whom it is not for).
struct TemplateFacets {
    let id: String
    let type: ContractType
    let partTime: Bool
    let fullTime: Bool
    let consumers: Bool
    let businessOnly: Bool
    let subscription: Bool
    let contractor: Bool
    let projectWork: Bool
    /// The web things the template is about (its name or a suitable_for entry names them:
    /// "Website Terms of Use", "online shop"), as stemmed words.
    let subjects: [[String]]
    let jointVenture: Bool
    let commercialAgent: Bool
    let distribution: Bool

    init(_ template: Template) {
        id = template.id
        type = template.contractType
        let name = QueryText(template.name)
        let sentences = template.description.split(separator: ".").map(String.init)
        let notFor = sentences.filter { $0.trimmingSpaces().lowercased().hasPrefix("not for") }.joined(separator: " ")
        let positive = sentences.filter { !$0.trimmingSpaces().lowercased().hasPrefix("not for") }
            .joined(separator: " . ")
        let about = QueryText(template.name + " . " + positive + " . " + template.suitableFor.joined(separator: " . "))
        let excluded = QueryText(notFor)
        partTime = name.first(of: ["part time"]) != nil
        fullTime = name.first(of: ["full time"]) != nil
        let consumerWords = ["consumer", "consumers", "b2c"]
        let businessWords = ["business customer", "business customers", "b2b", "another business", "business client"]
        consumers = about.first(of: consumerWords) != nil && excluded.first(of: consumerWords) == nil
        businessOnly =
            (about.first(of: businessWords) != nil || excluded.first(of: consumerWords) != nil) && !consumers
        subscription = name.first(of: ["subscription"]) != nil
        contractor = name.first(of: ["contractor"]) != nil
        projectWork = about.first(of: ["project work", "client projects"]) != nil
        subjects = Intent.webThings.map { TextNormalizer.words($0).map(TextNormalizer.stem) }.filter { thing in
            QueryText.find(thing, in: name.stems) != nil
                || template.suitableFor.contains { entry in
                    // "website build", "web design agency": web work, not a website's own terms.
                    let words = QueryText(entry)
                    return QueryText.find(thing, in: words.stems) != nil
                        && !words.words.contains { Intent.buildVerbs.contains($0) || Intent.webWork.contains($0) }
                }
        }
        jointVenture = name.first(of: ["joint venture"]) != nil
        commercialAgent = name.first(of: ["commercial agency", "commercial agent"]) != nil
        distribution = name.first(of: ["distribution", "distributor"]) != nil
    }
}
