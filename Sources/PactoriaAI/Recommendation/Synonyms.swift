/// Groups of business words and phrases that mean the same need. A query matching any
/// member also searches for the others, at `TemplateRecommender.synonymWeight`.
enum Synonyms {
    static let groups: [[String]] = [
        // Technology and web work.
        [
            "web developer", "web development", "website development", "software development", "developer",
            "website maintenance", "web design", "app development", "programmer", "it consultancy",
            "technology project",
        ],
        ["it support", "managed services", "helpdesk", "tech support", "network support", "it services", "msp"],
        // Advice and freelancing.
        ["consultancy", "consultant", "consulting", "advisory", "adviser", "advisor", "business advice"],
        ["freelancer", "freelance", "contractor", "self-employed", "sole trader", "independent contractor"],
        ["agency", "marketing agency", "creative agency", "digital agency", "pr agency"],
        ["marketing", "advertising", "campaign", "social media", "branding", "seo"],
        ["client", "customer"],
        ["project", "engagement", "assignment"],
        // Employment.
        [
            "staff", "employee", "employ", "hire", "hiring", "recruit", "worker", "new starter", "job", "employment",
            "new hire", "taking on", "apprentice", "trainee",
        ],
        ["full time", "full-time", "permanent", "salaried"],
        ["part time", "part-time", "reduced hours", "job share"],
        // Supply and procurement.
        ["supplier", "vendor", "seller", "provider"],
        ["buy", "buying", "purchase", "purchasing", "procurement", "procure", "purchase order", "sourcing"],
        ["goods", "products", "stock", "merchandise"],
        ["wholesale", "trade customer", "distributor", "reseller", "stockist"],
        ["manufacture", "manufacturer", "factory", "make products"],
        // Confidentiality.
        [
            "secret", "confidential", "confidentiality", "nda", "non-disclosure", "trade secrets",
            "sensitive information",
        ],
        ["mutual", "two-way", "both ways", "each other"],
        ["one-way", "unilateral", "one way"],
        // Consumers and websites.
        ["shop", "store", "consumer", "shopper", "b2c", "retail", "ecommerce", "online shop", "sell online"],
        ["website", "site", "blog", "web app", "online presence"],
        ["visitor", "user", "users"],
        ["cancel", "cancellation", "returns", "refund"],
        // Property, money, partners, software, data.
        [
            "office", "premises", "lease", "rent", "renting", "landlord", "tenant", "unit", "shop premises", "workshop",
            "studio", "let",
        ],
        ["loan", "lend", "lending", "borrow", "borrowing", "lender", "borrower", "investor loan"],
        ["partner", "partnership", "co-founder", "cofounder", "business partners"],
        ["profit", "profits", "profit sharing"],
        [
            "saas", "software as a service", "cloud software", "subscription", "platform", "hosted software",
            "online platform",
        ],
        ["licence", "license", "licensing", "eula", "end user licence"],
        ["software", "application", "app", "program"],
        ["gdpr", "personal data", "data protection", "processor", "data processing", "dpa"],
        ["terms and conditions", "terms of business", "standard terms", "t&cs"],
        ["statement of work", "sow", "work order", "milestones", "deliverables"],
        [
            "ir35", "off-payroll", "off payroll", "outside ir35", "personal service company",
            "limited company contractor",
        ],
    ]

    /// Each group as lists of stemmed terms (a phrase is a list of several terms).
    static let stemmedGroups: [[[String]]] = groups.map { group in
        group.map { TextNormalizer.words($0).map(TextNormalizer.stem) }.filter { !$0.isEmpty }
    }
}
