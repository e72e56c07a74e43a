import Foundation
import PactoriaCore

/// What kind of document the analyser is looking at; decides which checks apply
/// (`Tests/Fixtures/corpus/README.md`, "Document kinds and the checks that apply").
public enum DocumentKind: String, Sendable, CaseIterable, Codable {
    /// Service, supplier, consultancy and other commercial agreements with financial terms.
    case commercial
    /// A commercial agency (Commercial Agents (Council Directive) Regulations 1993).
    case agency
    /// A distribution agreement.
    case distribution
    /// Business-to-business terms and conditions (with charges or invoices).
    case businessTerms = "business_terms"
    /// Terms of sale or subscription to consumers.
    case consumerTerms = "consumer_terms"
    /// Other terms and conditions, such as website terms of use.
    case websiteTerms = "website_terms"
    case employment
    case nda
    /// A data processing agreement or schedule (UK GDPR Article 28).
    case dataProcessing = "data_processing"
    case lease
    /// A partnership or joint venture.
    case partnership
    /// A loan agreement (type `other`, with a lender and a borrower).
    case loan
    /// An agreement of type `other` with no financial terms and no more specific kind.
    case generalAgreement = "general"

    static func classify(_ type: ContractType, _ text: ContractText) -> DocumentKind {
        let hasMoney = text.containsAny([
            "invoice", "charges", "the price", "licence fee", "fees", "loan", "salary", "rent ", "commission", "£",
        ])
        let agency =
            text.containsAny([
                "commercial agent", "commercial agents (council directive) regulations", "appoints the agent",
            ])
        let distribution = text.containsAny([
            "appoints the distributor", "distribution agreement", "as its distributor", "appointed as distributor",
            "appoints the distributor",
        ])
        let dataProcessing = text.containsAny([
            "data processing agreement", "data processing addendum", "data processing schedule",
            "article 28", "processor shall",
        ])
        switch type {
        case .serviceAgreement, .consultancy:
            return agency ? .agency : distribution ? .distribution : .commercial
        case .supplierAgreement:
            return distribution ? .distribution : agency ? .agency : .commercial
        case .other:
            if text.contains("loan"), text.containsAny(["borrower", "lender"]) { return .loan }
            if agency { return .agency }
            if distribution { return .distribution }
            if dataProcessing || (text.contains("controller") && text.contains("processor")),
                text.contains("personal data")
            {
                return .dataProcessing
            }
            return hasMoney ? .commercial : .generalAgreement
        case .employmentContract: return .employment
        case .nda: return .nda
        case .lease: return .lease
        case .partnership: return .partnership
        case .termsAndConditions:
            let excludesConsumers = text.containsAny([
                "not as a consumer", "not a consumer", "not for use with consumers", "are not consumers",
                "only to businesses", "business customers only",
            ])
            let consumerWords = text.containsAny([
                "refund", "right to cancel", "cancellation", "right to reject", "statutory rights",
                "consumer rights act",
            ])
            if !excludesConsumers, consumerWords,
                text.contains("consumer") || text.containsAny(["statutory rights", "consumer rights act"])
            {
                return .consumerTerms
            }
            if text.containsAny([
                "website terms", "terms of use", "terms of website use", "use of our site",
                "use of this website", "use our site", "use of the website",
            ])
                && !text.containsAny(["invoice", "late payment"])
            {
                return .websiteTerms
            }
            return text.containsAny(["invoice", "charges", "late payment", "the price", "fees"])
                ? .businessTerms : .websiteTerms
        }
    }
}

/// Which score a check counts towards.
enum CheckCategory: String, Sendable {
    /// Only the overall score.
    case general
    case gdpr
    case employmentLaw = "employment_law"
    case consumerRights = "consumer_rights"
    case commercialTerms = "commercial_terms"
}

/// The outcome of one check: status, what is wrong (for a gap) and where.
struct Evaluation: Sendable {
    var status: ClauseStatus
    var detail: String?
    var location: String?

    static let present = Evaluation(status: .present)
    static let missing = Evaluation(status: .missing)

    init(status: ClauseStatus, detail: String? = nil, location: String? = nil) {
        self.status = status
        self.detail = detail
        self.location = location
    }
}

/// One clause the local analyser looks for.
struct ClauseCheck: Sendable {
    let id: String
    let name: String
    let category: CheckCategory
    /// Share of the score: a check worth 3 counts three times as much as one worth 1.
    let weight: Double
    /// Risk points added when the clause is missing (half when partial, twice when negated or
    /// unfair).
    let riskPoints: Double
    /// A key protection (liability, governing law, data protection, termination, pay, …): a gap
    /// makes the contract at best Fair.
    let key: Bool
    /// The law or practice the check applies ("UCTA 1977 s.2(1)").
    let rule: String
    /// Says whether the clause is there, and where.
    let evaluate: @Sendable (ContractText, AnalysisContext) -> Evaluation
    /// What a missing clause means, in one line.
    let gap: String
    let recommendation: String

    /// The category this check counts towards for `kind`: for employment contracts, commercial
    /// clauses (confidentiality, termination) count towards employment law.
    func category(for kind: DocumentKind) -> CheckCategory {
        kind == .employment && category == .commercialTerms ? .employmentLaw : category
    }
}

/// The checks of `LocalContractAnalyzer`, in report order.
enum ClauseCatalog {
    // MARK: - Which checks apply

    static let commercialChecks = [
        "parties", "term", "governing_law", "dispute_resolution", "execution", "placeholders", "data_protection",
        "confidentiality", "termination", "limitation_of_liability", "liability_cap", "liability_death_injury",
        "payment_terms", "late_payment", "intellectual_property", "force_majeure",
    ]

    static let kindChecks: [DocumentKind: [String]] = [
        .commercial: commercialChecks,
        .agency: commercialChecks + ["agency_commission", "agency_notice", "agency_indemnity"],
        .distribution: commercialChecks + ["distribution_territory", "distribution_resale_prices"],
        .businessTerms: commercialChecks.filter { $0 != "term" && $0 != "execution" },
        .consumerTerms: [
            "parties", "governing_law", "dispute_resolution", "placeholders", "data_protection",
            "limitation_of_liability", "liability_death_injury", "payment_terms", "consumer_cancellation",
            "consumer_statutory_remedies", "consumer_unfair_terms",
        ],
        .websiteTerms: [
            "parties", "governing_law", "placeholders", "data_protection", "limitation_of_liability",
            "intellectual_property",
        ],
        .employment: [
            "parties", "governing_law", "execution", "placeholders", "data_protection", "confidentiality",
            "termination", "employment_job_title", "employment_start_date", "employment_pay", "employment_hours",
            "employment_holiday", "employment_sickness", "employment_pension", "employment_notice",
            "employment_place_of_work", "employment_probation", "employment_discipline_grievance",
            "employment_training",
        ],
        .nda: [
            "parties", "term", "governing_law", "dispute_resolution", "execution", "placeholders", "data_protection",
            "nda_definition", "nda_permitted_disclosure", "nda_return_of_information",
        ],
        .dataProcessing: [
            "parties", "term", "governing_law", "execution", "placeholders", "data_protection",
            "dpa_processing_details", "dpa_instructions", "dpa_personnel_confidentiality", "dpa_security",
            "dpa_subprocessors", "dpa_assistance", "dpa_deletion_return", "dpa_audit",
        ],
        .lease: [
            "parties", "term", "governing_law", "dispute_resolution", "execution", "placeholders", "termination",
            "payment_terms", "lease_repair", "lease_insurance", "lease_security_of_tenure",
        ],
        .partnership: [
            "parties", "term", "governing_law", "dispute_resolution", "execution", "placeholders", "data_protection",
            "confidentiality", "termination", "partnership_capital", "partnership_profits", "partnership_decisions",
            "partnership_exit",
        ],
        .loan: [
            "parties", "term", "governing_law", "dispute_resolution", "execution", "placeholders", "data_protection",
            "termination", "payment_terms", "loan_repayment", "loan_interest",
        ],
        .generalAgreement: [
            "parties", "term", "governing_law", "dispute_resolution", "execution", "placeholders", "data_protection",
            "confidentiality", "termination",
        ],
    ]

    static let byID: [String: ClauseCheck] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// The checks for `kind`, in report order.
    static func checks(for kind: DocumentKind) -> [ClauseCheck] {
        (kindChecks[kind] ?? []).compactMap { byID[$0] }
    }

    /// Every check id and its name (for validating an AI provider's findings).
    static var ids: Set<String> { Set(byID.keys) }

    static let all: [ClauseCheck] = structural + general + commercial + employment + consumer + specialised

    // MARK: - Helpers

    /// The scope of a check: the clauses headed with one of `headings`; failing that, in
    /// unstructured text the whole text, and in structured text the sentences `fallback`
    /// accepts (when given).
    static func find(
        _ text: ContractText, _ headings: [String], excluding: [String] = [],
        fallback: ((String) -> Bool)? = nil
    ) -> Scope? {
        if let scope = text.section(headings, excluding: excluding) { return scope }
        if !text.structured { return text.whole }
        if let fallback { return text.sentences(where: fallback) }
        return nil
    }

    static func any(_ phrases: [String]) -> (String) -> Bool { { s in phrases.contains { s.contains($0) } } }

    static func excerpt(_ sentence: String) -> String {
        let limit = 110
        if sentence.count <= limit { return "\"\(sentence)\"" }
        return "\"\(sentence.prefix(limit))…\""
    }

    /// The first sentence anywhere that one of `patterns` matches, as a negated evaluation.
    static func negation(_ text: ContractText, _ patterns: [Pattern], _ what: String) -> Evaluation? {
        guard let hit = text.locate(where: { s in patterns.contains { $0.matches(s) } }) else { return nil }
        return Evaluation(status: .negated, detail: "\(what): \(excerpt(hit.sentence))", location: hit.location)
    }

    /// A check that finds its clause by heading (or a fallback) and then looks for `required`
    /// phrases in it; negation patterns anywhere turn it into a negated gap.
    static func topic(
        _ id: String, _ name: String, _ category: CheckCategory = .commercialTerms, weight: Double = 1,
        risk: Double = 1, key: Bool = false, rule: String, headings: [String], excluding: [String] = [],
        fallback: [String]? = nil, required: [String], negations: [Pattern] = [], gap: String, fix: String
    ) -> ClauseCheck {
        ClauseCheck(
            id: id, name: name, category: category, weight: weight, riskPoints: risk, key: key, rule: rule,
            evaluate: { text, _ in
                if let negated = negation(text, negations, "\(name.lowercased()) is negated") { return negated }
                guard
                    let scope = find(
                        text, headings, excluding: excluding, fallback: fallback.map { any($0) })
                else { return .missing }
                if scope.hasPlaceholder {
                    return Evaluation(
                        status: .partial, detail: "\(scope.location) holds an unfilled placeholder",
                        location: scope.location)
                }
                if required.contains(where: { scope.text.contains($0) }) {
                    return Evaluation(status: .present, location: scope.location)
                }
                if scope.hasPlaceholder {
                    return Evaluation(
                        status: .partial, detail: "\(scope.location) holds an unfilled placeholder",
                        location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            }, gap: gap, recommendation: fix)
    }

    // MARK: - Structural checks

    static let companyIdentity = Pattern(
        #"(company (number|no|registration)|registered (number|no|in england|in scotland|office)|registration number|\bcrn\b|\bsc\d{6}\b|\b\d{8}\b|\bni\d{6}\b|whose registered|of \d+|residing at|living at|whose address is|address:|\b[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b)"#
    )
    /// A defined name in the opening: ("Supplier"), (the "Client"), ("we", "us").
    static let roleDefinition = Pattern(
        #"\(\s*(?:the |each a |each an |together |individually )?"(?:the )?([^"()]{1,40})""#, anchors: ["\""])

    static let structural: [ClauseCheck] = [
        ClauseCheck(
            id: "parties", name: "Parties named and identified", category: .general, weight: 3, riskPoints: 3,
            key: true, rule: "contract formation: who is bound (Companies Act 2006 s.82 for company details)",
            evaluate: evaluateParties,
            gap: "the parties are not both named, identified (company number or address) and given their roles",
            recommendation:
                "Name both parties with their full legal names, company numbers or registered addresses, and the role each plays (for example (the \"Supplier\"))."
        ),
        ClauseCheck(
            id: "term", name: "Term or duration", category: .general, weight: 2, riskPoints: 2, key: true,
            rule: "certainty of term: a start and an end, a fixed period, or until terminated",
            evaluate: { text, _ in
                let fallback = any([
                    "commence", "starts on", "start on", "begins on", "continue", "until", "period of", "expire",
                    "effective date", "years from", "months from", "duration", "beginning on", "term of",
                ])
                if let definition = text.sentences(where: { $0.contains("\"term\"") }), definition.hasPlaceholder {
                    return Evaluation(
                        status: .partial, detail: "the term holds an unfilled placeholder",
                        location: definition.location)
                }
                // "Term and Termination" is a term clause, although "terminat" alone marks a
                // termination heading.
                let scope =
                    text.section(["term and terminat", "duration and terminat", "commencement and terminat"])
                    ?? text.section(
                        ["term", "duration", "commencement", "period of", "effective date"],
                        excluding: ["terminat", "terms and", "payment terms", "terms of", "determin"])
                    ?? (text.structured ? text.sentences(where: fallback) : text.whole)
                guard let scope else { return .missing }
                let start = termStart.matches(scope.text)
                let end = termEnd.matches(scope.text)
                if scope.hasPlaceholder {
                    return Evaluation(
                        status: .partial, detail: "the term holds an unfilled placeholder", location: scope.location)
                }
                if end || fixedPeriod.matches(scope.text) {
                    return Evaluation(status: .present, location: scope.location)
                }
                if start || end {
                    return Evaluation(
                        status: .partial, detail: start ? "a start is given but no end or period" : "no start date",
                        location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no term: neither a start and end, a fixed period, nor a start and 'until terminated'",
            recommendation:
                "State when the contract starts and when it ends (a date, a fixed period, or until terminated by notice)."
        ),
        ClauseCheck(
            id: "governing_law", name: "Governing law and jurisdiction", category: .general, weight: 3,
            riskPoints: 3, key: true,
            rule: "choice of law and jurisdiction of a UK nation (England and Wales, Scotland, Northern Ireland)",
            evaluate: { text, _ in
                if let hit = text.locate(where: { foreignLaw.matches($0) }) {
                    return Evaluation(
                        status: .negated, detail: "the contract is governed by a foreign law: \(excerpt(hit.sentence))",
                        location: hit.location)
                }
                let lawHit = text.locate(where: { ukLaw.matches($0) })
                let courtsHit = text.locate(where: { ukCourts.matches($0) })
                let location = lawHit?.location ?? courtsHit?.location
                switch (lawHit != nil, courtsHit != nil) {
                case (true, true): return Evaluation(status: .present, location: location)
                case (true, false):
                    return Evaluation(
                        status: .partial, detail: "a UK governing law is stated but no courts are given jurisdiction",
                        location: location)
                case (false, true):
                    return Evaluation(
                        status: .partial, detail: "UK courts have jurisdiction but no governing law is stated",
                        location: location)
                case (false, false):
                    if let scope = text.section(["governing law", "jurisdiction", "applicable law"]),
                        scope.hasPlaceholder
                    {
                        return Evaluation(
                            status: .partial, detail: "the governing law holds an unfilled placeholder",
                            location: scope.location)
                    }
                    return .missing
                }
            },
            gap: "no governing law and jurisdiction of a UK nation",
            recommendation:
                "Add a clause that the contract is governed by the law of England and Wales (or Scotland or Northern Ireland) and that its courts have exclusive jurisdiction."
        ),
        ClauseCheck(
            id: "execution", name: "Execution (signatures)", category: .general, weight: 1, riskPoints: 1, key: true,
            rule: "execution by both parties (Companies Act 2006 s.44 for companies)",
            evaluate: { text, _ in
                let tail = String(text.lower.suffix(3000))
                let count = max(
                    Pattern.occurrences(of: "signed", in: tail),
                    Pattern.occurrences(of: "for and on behalf of", in: tail),
                    Pattern.occurrences(of: "signature", in: tail),
                    Pattern.occurrences(of: "executed", in: tail),
                    text.clauses.suffix(3).map(\.raw).joined(separator: "\n").split(separator: "\n")
                        .filter { $0.contains("___") || $0.contains(".....") }.count)
                let scope = text.section(["signature", "signed", "execution", "executed", "in witness"])
                if count >= 2 || (scope.map { signedLine.count(in: $0.text) >= 2 } ?? false) {
                    return Evaluation(status: .present, location: scope?.location)
                }
                if count == 1 {
                    return Evaluation(
                        status: .partial, detail: "only one party has a signature block", location: scope?.location)
                }
                return .missing
            },
            gap: "no signature or execution block for the parties",
            recommendation:
                "Add a signature block for each party (signed by an authorised signatory for and on behalf of each company, with name, title and date)."
        ),
        ClauseCheck(
            id: "placeholders", name: "No unfilled placeholders", category: .general, weight: 2, riskPoints: 1.5,
            key: false, rule: "a contract must be complete before it is signed",
            evaluate: { text, _ in
                guard let first = text.placeholders.first else { return .present }
                let shown = text.placeholders.prefix(4).map { "\($0.text) in \($0.location)" }.joined(separator: "; ")
                let more = text.placeholders.count > 4 ? " and \(text.placeholders.count - 4) more" : ""
                return Evaluation(
                    status: .partial, detail: "\(text.placeholders.count) unfilled placeholder(s): \(shown)\(more)",
                    location: first.location)
            },
            gap: "unfilled placeholders remain",
            recommendation: "Fill in or delete every placeholder before the contract is sent or signed."),
    ]

    static let termStart = Pattern(
        #"(commenc|start|begin|effective|from|dated|with effect)[^.]{0,80}(\d{1,2}(st|nd|rd|th)? [a-z]+ \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|the date of|signature|the commencement date|the effective date|the start date)"#
    )
    static let termEnd = Pattern(
        #"(for (so|as) long as|until|ends? on|expires?|expiry|continue|period of|terminat|for a (fixed )?(term|period)|years?|months?|ends? when|last)"#
    )
    static let fixedPeriod = Pattern(
        #"(for a (fixed )?(term|period) of|for (a period of )?(\d+|one|two|three|four|five|six|twelve|eighteen|twenty-four) (\(\d+\) )?(years?|months?|weeks?)|continues? until|until (terminated|either party|the earlier|\d)|ends? on|expires? on|unless (and until )?terminated)"#
    )

    static let ukLaw = Pattern(
        #"(laws? of (england and wales|england|scotland|northern ireland)|english law|scots law|scottish law|law of england|northern irish law|governing law[^.]{0,40}(england|scotland|northern ireland))"#,
        anchors: ["england", "scot", "northern ireland", "english"])
    static let ukCourts = Pattern(
        #"(courts?|tribunals?|jurisdiction)[^.]{0,60}(england and wales|england|scotland|scottish|northern ireland|english)|(english|scottish) courts|court of session|sheriff court|sheriffdom"#,
        anchors: ["england", "scot", "northern ireland", "english", "court of session", "sheriff"])
    static let foreignLaw = Pattern(
        #"(governed by|construed in accordance with|subject to) (the )?(laws?|law) of (?!england|scotland|northern ireland|the united kingdom|wales)(the state of |the )?(france|germany|spain|italy|ireland|the republic of ireland|new york|delaware|california|texas|the united states|usa|the netherlands|switzerland|singapore|hong kong|india|china|japan|jersey|guernsey|the isle of man|luxembourg|belgium|sweden|denmark|norway|poland|portugal|dubai|the uae|australia|canada|ontario|new south wales)"#,
        anchors: ["governed by", "construed in accordance", "subject to the law"])
    static let signedLine = Pattern(#"(sign|name:|title:|date:|director|authorised signatory)"#)

    /// Both parties named and identified in their roles, matching the metadata.
    @Sendable static func evaluateParties(_ text: ContractText, _ context: AnalysisContext) -> Evaluation {
        guard let first = text.clauses.first else { return .missing }
        let region = String(text.lower.prefix(3500))
        let location = text.section(["parties", "between", "who we are", "about us"])?.location ?? first.location
        var roles = roleNames(in: region)
        for role in roleWords
        where region.contains("\"\(role)\"") || region.contains("\(role):") || region.contains("| \(role) |") {
            roles.insert(role)
        }
        let identified =
            [
                "company number", "company no", "registered number", "registered in", "registered office", "crn",
                "registration number", "whose address", "residing at", "living at", "address:", "of ",
            ].contains { region.contains($0) } && companyIdentity.matches(region)
        let consumerFacing = region.contains("\"you\"") || region.contains("\"we\"") || region.contains(" we are ")
        var problems: [String] = []
        let anchor =
            ["between", "who we are", "about us", "information about us", "partners:", "parties"]
            .compactMap { region.range(of: $0)?.lowerBound }.min() ?? region.startIndex
        let partyLines = String(region[anchor...].prefix(600))
        if ContractText.placeholders(in: partyLines).contains(where: { $0.hasPrefix("[") || $0.hasPrefix("{") }) {
            problems.append("the parties hold unfilled placeholders")
        }
        let identifications =
            Pattern.occurrences(of: "company number", in: region)
            + Pattern.occurrences(of: "registered office", in: region)
            + postcode.count(in: String(region.prefix(1500)))
        if roles.count < 2 && !consumerFacing && identifications < 2 {
            problems.append(roles.isEmpty ? "the parties are not named with their roles" : "only one party is defined")
        }
        if !identified { problems.append("no company number or address identifies the parties") }
        let metadata = [context.client, context.supplier].compactMap { $0 }
        let plainText = metadata.isEmpty ? "" : plainName(text.lower)
        for party in metadata where !consumerFacing {
            let names = [party.company, party.name].compactMap { $0 }.map(plainName).filter { $0.count >= 3 }
            if !names.isEmpty, !names.contains(where: { plainText.contains($0) }) {
                problems.append(
                    "\(party.company ?? party.name) (from the contract's metadata) is not named in the text")
            }
        }
        if metadata.count == 2, let client = context.client, let supplier = context.supplier,
            let clientRole = client.role?.lowercased(), let supplierRole = supplier.role?.lowercased(),
            clientRole != supplierRole,
            let clientAssigned = roleAfter(plainName(client.company ?? client.name), in: plainName(region)),
            clientAssigned == supplierRole
        {
            problems.append(
                "\(client.company ?? client.name) is the \(clientRole) in the metadata but is named as the \(clientAssigned) in the text"
            )
        }
        if problems.isEmpty { return Evaluation(status: .present, location: location) }
        let severe = problems.contains { $0.contains("named as the") || $0.contains("not named") }
        return Evaluation(
            status: severe || problems.count > 1 ? .missing : .partial, detail: problems.joined(separator: "; "),
            location: location)
    }

    static let postcode = Pattern(#"\b[a-z]{1,2}\d[a-z\d]? \d[a-z]{2}\b"#)

    static let roleWords = [
        "client", "supplier", "customer", "employer", "employee", "landlord", "tenant", "lender", "borrower",
        "discloser", "recipient", "controller", "processor", "agent", "principal", "distributor", "partner",
        "contractor", "consultant", "company", "licensor", "licensee", "provider", "buyer", "seller", "guarantor",
    ]

    /// Lower-cased, with "limited" as "ltd" and punctuation dropped, to compare names.
    static func plainName(_ name: String) -> String {
        name.lowercased().replacing("limited", with: "ltd").replacing(".", with: "").replacing(",", with: "")
    }

    static func roleNames(in region: String) -> Set<String> {
        var found: Set<String> = []
        for match in region.matches(of: roleDefinition.regex) {
            if let value = match.output[1].substring { found.insert(value.trimmingSpaces()) }
        }
        return found
    }

    /// The role defined next after `name` in `region` ("acme ltd … (the "supplier")").
    static func roleAfter(_ name: String, in region: String) -> String? {
        guard let range = region.range(of: name) else { return nil }
        let after = region[range.upperBound...].prefix(300)
        guard let match = after.firstMatch(of: roleDefinition.regex), let value = match.output[1].substring else {
            return nil
        }
        return value.trimmingSpaces()
    }

    // MARK: - Data protection

    static let dataProtectionNegations: [Pattern] = [
        Pattern(
            #"(neither party|no party|the (supplier|processor|company|analyst|client|employer)) (need|needs to|is required to|shall be required to|will be required to|must) comply[^.]{0,60}(gdpr|data protection)"#,
            anchors: ["comply"]),
        Pattern(
            #"(need not|needs? not|does not need to|do not need to|is not required to|are not required to|shall not be required to|will not be required to|has no obligation to|have no obligation to|is under no obligation to)[^.]{0,30} comply[^.]{0,60}(gdpr|data protection)"#,
            anchors: ["comply"]),
        Pattern(
            #"(gdpr|data protection act|data protection (law|legislation)|data protection obligations)[^.]{0,60}(shall|does|will|do) not apply"#,
            anchors: ["not apply"]),
        Pattern(
            #"(use|process|share|sell|disclose)[^.]{0,40}personal data[^.]{0,200}(for any purpose|for anything|for whatever|as (it|we|they) (sees?|think) fit|as (it|we|they) (wish|wishes|choose|chooses)|without (any )?restriction|in any (way|manner)|without (your )?consent)"#,
            anchors: ["personal data"]),
        Pattern(
            #"(we|the supplier|the company|it) (may|will|can) sell (your|the|any) personal data"#, anchors: ["sell"]),
        Pattern(
            #"no (obligations?|responsibility|liability) (in relation to|regarding|concerning|for|under) (personal data|data protection|the uk gdpr)"#,
            anchors: ["no obligation", "no responsibility", "no liability"]),
        Pattern(
            #"(exclude|disclaim)s?[^.]{0,30}(all )?(obligations|responsibility) under (the )?(uk gdpr|data protection)"#,
            anchors: ["exclude", "disclaim"]),
    ]

    static let general: [ClauseCheck] = [
        ClauseCheck(
            id: "dispute_resolution", name: "Dispute resolution", category: .general, weight: 1, riskPoints: 1,
            key: false, rule: "Civil Procedure Rules pre-action conduct: a procedure before court",
            evaluate: { text, _ in
                let phrases = [
                    "mediation", "mediator", "arbitration", "arbitrator", "adjudication", "escalat", "negotiat",
                    "senior representatives", "complaint", "alternative dispute resolution", "ombudsman",
                    "resolve any dispute", "resolve the dispute", "resolve a dispute", "cedr", "expert determination",
                    "meet in good faith", "try to resolve", "attempt to resolve", "expert", "surveyor", "rics",
                    "independent",
                ]
                let scope = find(
                    text, ["dispute", "complaint", "mediation", "arbitration", "escalation"],
                    fallback: any(["mediation", "arbitration", "adjudication", "escalat", "complaints", "ombudsman"]))
                guard let scope else { return .missing }
                if phrases.contains(where: { scope.text.contains($0) }) {
                    return Evaluation(status: .present, location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no dispute resolution procedure (negotiation, mediation or arbitration before court)",
            recommendation:
                "Add a dispute resolution clause: senior-level negotiation, then mediation (for example CEDR) before litigation."
        ),
        ClauseCheck(
            id: "data_protection", name: "Data protection (UK GDPR and DPA 2018)", category: .gdpr, weight: 3,
            riskPoints: 3, key: true, rule: "UK GDPR Articles 5, 28 and 32; Data Protection Act 2018",
            evaluate: { text, _ in
                if let negated = negation(text, dataProtectionNegations, "data protection is negated") {
                    return negated
                }
                let scope = find(
                    text, ["data protection", "privacy", "personal data", "gdpr", "data processing", "your data"],
                    fallback: any(["uk gdpr", "data protection act 2018"]))
                guard let scope else { return .missing }
                let gdpr = text.lower.contains("gdpr") || text.lower.contains("general data protection regulation")
                let dpa = text.lower.contains("data protection act 2018")
                if gdpr && dpa { return Evaluation(status: .present, location: scope.location) }
                let detail =
                    gdpr
                    ? "names the UK GDPR but not the Data Protection Act 2018"
                    : dpa
                        ? "names the Data Protection Act 2018 but not the UK GDPR"
                        : "mentions data protection without the UK GDPR or the Data Protection Act 2018"
                return Evaluation(status: .partial, detail: detail, location: scope.location)
            },
            gap: "no data protection clause referring to the UK GDPR and the Data Protection Act 2018",
            recommendation:
                "Add a data protection clause requiring compliance with the UK GDPR and the Data Protection Act 2018, with Article 28 processor terms where personal data is processed for the other party."
        ),
    ]

    // MARK: - Commercial

    static let confidentialityNegations: [Pattern] = [
        Pattern(
            #"notwithstanding[^.]{0,160}(may|is free to|are free to|shall be free to|can) (disclose|share|publish|use)"#,
            anchors: ["notwithstanding"]),
        Pattern(
            #"(may|can|is free to|are free to) (disclose|share|publish)[^.]{0,30}(anything|any information|all information|any confidential information|any of the other party's|the other party's confidential information)[^.]{0,80}(to anyone|any person|any third party|for any purpose|without restriction|at any time|as it (sees|thinks) fit|whatsoever)"#,
            anchors: ["disclose", "share", "publish"]),
        Pattern(#"may disclose anything"#, anchors: ["anything"]),
        Pattern(
            #"(no|not under any) (obligations?|duty|duties) of confidentiality|confidentiality obligations?[^.]{0,40}(shall|do|does|will) not apply|nothing[^.]{0,30}is confidential"#,
            anchors: ["confidential"]),
    ]

    static let liabilityBlanket = Pattern(
        #"((no liability|not (be )?liable|not responsible)[^.]{0,80}(whatsoever|of any kind|at all|howsoever|in any circumstances|under any circumstances|however (caused|arising)|for any loss or damage|for any losses)|accepts? no (liability|responsibility)|(shall|will) (have|bear) no liability|excludes? all liability|all liability[^.]{0,40}(is|are) (hereby )?excluded)"#,
        anchors: ["liab", "responsib"])
    static let deathInjuryCarveOut = Pattern(
        #"((nothing|no provision|none of)[^.]{0,200}(limits?|excludes?|restricts?|affects?)[^.]{0,200}(death|personal injury))|((death|personal injury)[^.]{0,160}(is|are|shall be|will be) not (limited|excluded)|(does|do|shall|will) not (limit|exclude)[^.]{0,120}(death|personal injury))"#,
        anchors: ["death", "personal injury"])
    static let deathInjuryExclusion = Pattern(
        #"((not (be )?liable|no liability|not responsible|excludes?|excluded|exclusion of)[^.]{0,160}(death|personal injury))|((death|personal injury)[^.]{0,120}(is|are) (hereby )?excluded)"#,
        anchors: ["death", "personal injury"])
    static let oneSidedUnlimited = Pattern(
        #"(client|customer|distributor|agent|tenant|you|licensee|buyer|borrower|recipient|contractor|consultant|supplier|company|principal)('s|s')? (total |entire |aggregate )?liability[^.]{0,60}(is |shall be |will be |remains )?unlimited|unlimited liability|liable[^.]{0,60}without limit"#,
        anchors: ["unlimited", "without limit"])
    static let capPattern = Pattern(
        #"(liability|liable)[^.]{0,250}(limited to|shall not exceed|will not exceed|does not exceed|not exceed|capped at|no more than|up to a maximum|in excess of|more than)[^.]{0,160}(\d|%|charges|fees|price|sum|amount|paid|payable)"#,
        anchors: ["liab"])
    static let lateInterest = Pattern(
        #"(late payment of commercial debts|interest[^.]{0,120}(\d+(\.\d+)? ?(%|per cent)|base rate|statutory)|(\d+(\.\d+)? ?(%|per cent))[^.]{0,80}interest)"#,
        anchors: ["interest", "late payment"])
    static let noInterest = Pattern(
        #"(no interest (shall|will|is|may) (be )?(payable|charged|due|accrue)|not (be )?entitled to (charge |claim )?(any )?interest|waives?[^.]{0,40}(right to )?(any |statutory )?interest|interest[^.]{0,40}(shall|will) not (be payable|accrue|be charged)|late payment of commercial debts[^.]{0,60}(shall|does|will) not apply)"#,
        anchors: ["interest", "late payment"])
    static let paymentDays = Pattern(#"within (\d{2,3}) (calendar |business |working )?days"#, anchors: ["within"])
    static let paymentWhen = Pattern(
        #"(within \S+ (calendar |business |working )?days|days (of|after|from)|in advance|in arrears|on or before|quarter days?|on the date|at the time of (your )?order|when you (place|submit|order)|on signature|on completion|monthly|quarterly|annually|each month|per month|a month|every month|on demand|upfront|up front|before (delivery|dispatch)|on the \d+(st|nd|rd|th)?|on the first|by direct debit|when you order|at checkout|on ordering)"#
    )

    static let commercial: [ClauseCheck] = [
        topic(
            "confidentiality", "Confidentiality", weight: 2, risk: 2, key: true,
            rule: "common-law duty of confidence; a contractual obligation not hollowed by exceptions",
            headings: ["confidential", "non-disclosure"], fallback: ["keep confidential", "confidential information"],
            required: ["confidential"], negations: confidentialityNegations,
            gap: "no confidentiality clause",
            fix:
                "Add a confidentiality clause covering use, permitted disclosure only to advisers and where required by law, and how long the duty lasts."
        ),
        ClauseCheck(
            id: "termination", name: "Termination and notice", category: .commercialTerms, weight: 3, riskPoints: 3,
            key: true, rule: "termination rights with notice, for breach and for insolvency",
            evaluate: { text, _ in
                if let negated = negation(text, terminationNegations, "termination is removed") { return negated }
                let scope = find(
                    text,
                    [
                        "terminat", "ending", "end of", "notice period", "notice", "forfeiture", "break", "dissolution",
                        "demand",
                        "default", "cancellation", "expiry", "duration and", "term and", "leaving", "ending your",
                        "re-entry", "re-enter",
                        "retirement", "expulsion", "cancel",
                    ],
                    excluding: ["notices"])
                guard let scope else { return .missing }
                let ends =
                    [
                        "terminat", "forfeit", "break clause", "end this", "dissol", "event of default",
                        "events of default", "cancel", "bring this", "re-enter", "re-entry", "demand repayment",
                        "end your", "end the", "end these", "dismiss", "repayable immediately", "expel", "retire",
                    ].contains { scope.text.contains($0) }
                    || (scope.text.contains("end") && scope.text.contains("notice"))
                    // "The Employee must give one month's written notice": notice each side gives to end it.
                    || (scope.text.contains("notice")
                        && ["must give", "shall give", "will give", "may give", "in lieu of notice"].contains {
                            scope.text.contains($0)
                        })
                if ends { return Evaluation(status: .present, location: scope.location) }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no termination clause (notice, breach, insolvency)",
            recommendation:
                "Add a termination clause with a notice period for convenience and immediate termination for material breach or insolvency."
        ),
        ClauseCheck(
            id: "limitation_of_liability", name: "Limitation of liability", category: .commercialTerms, weight: 3,
            riskPoints: 3, key: true,
            rule:
                "Unfair Contract Terms Act 1977 s.2 and s.11 (reasonableness); Consumer Rights Act 2015 s.31 and s.65",
            evaluate: { text, _ in
                let scope = find(
                    text,
                    ["liabil", "limitation", "exclusion", "indemnit", "our responsibility", "responsibility for loss"],
                    fallback: any(["liab"]))
                guard let scope else { return .missing }
                for sentence in scope.sentences where liabilityBlanket.matches(sentence) {
                    let carved =
                        sentence.contains("indirect") || sentence.contains("consequential")
                        || sentence.contains("loss of profit") || sentence.contains("delay")
                        || sentence.contains("caused by the client") || sentence.contains("caused by you")
                        || sentence.contains("beyond") || sentence.contains("business losses")
                    if !carved {
                        return Evaluation(
                            status: .unfair,
                            detail:
                                "a blanket exclusion of liability fails the UCTA 1977 reasonableness test: \(excerpt(sentence))",
                            location: scope.location)
                    }
                }
                for sentence in scope.sentences where oneSidedUnlimited.matches(sentence) {
                    if sentence.contains("death") || sentence.contains("fraud") || sentence.contains("each party")
                        || sentence.contains("either party") || sentence.contains("neither party")
                        || sentence.contains("personal injury") || sentence.contains("confidential")
                        || sentence.contains("indemnit")
                    {
                        continue
                    }
                    return Evaluation(
                        status: .unfair, detail: "one party's liability is unlimited: \(excerpt(sentence))",
                        location: scope.location)
                }
                let limits = [
                    "limit", "liab", "exclud", "not be liable", "not responsible", "cap",
                ].contains { scope.text.contains($0) }
                return limits ? Evaluation(status: .present, location: scope.location) : .missing
            },
            gap: "no limitation of liability clause",
            recommendation:
                "Add a limitation of liability clause excluding indirect and consequential loss and capping direct loss, with the carve-outs the law requires (death or personal injury from negligence, fraud)."
        ),
        ClauseCheck(
            id: "liability_cap", name: "Liability cap", category: .commercialTerms, weight: 2, riskPoints: 2, key: true,
            rule: "Unfair Contract Terms Act 1977 s.11(4): a cap must be reasonable given the resources and insurance",
            evaluate: { text, _ in
                let scope = find(
                    text, ["liabil", "limitation", "exclusion"], fallback: any(["liab"]))
                guard let scope else { return .missing }
                for sentence in scope.sentences where capPattern.matches(sentence) {
                    if sentence.contains("unlimited") { continue }
                    return Evaluation(status: .present, location: scope.location)
                }
                if scope.hasPlaceholder {
                    return Evaluation(
                        status: .partial, detail: "the cap holds an unfilled placeholder", location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no cap on total liability",
            recommendation:
                "Cap each party's total liability, for example at 100% of the charges paid and payable under the contract."
        ),
        ClauseCheck(
            id: "liability_death_injury", name: "Liability for death, personal injury and fraud",
            category: .commercialTerms, weight: 3, riskPoints: 3, key: true,
            rule: "Unfair Contract Terms Act 1977 s.2(1); Consumer Rights Act 2015 s.65",
            evaluate: { text, _ in
                if let hit = text.locate(where: { s in
                    deathInjuryExclusion.matches(s) && !deathInjuryCarveOut.matches(s)
                }) {
                    return Evaluation(
                        status: .unfair,
                        detail:
                            "excludes liability for death or personal injury, void under UCTA 1977 s.2(1): \(excerpt(hit.sentence))",
                        location: hit.location)
                }
                if let hit = text.locate(where: { deathInjuryCarveOut.matches($0) }) {
                    return Evaluation(status: .present, location: hit.location)
                }
                let scope = find(text, ["liabil", "limitation", "exclusion"], fallback: any(["liab"]))
                // With no liability clause nothing is excluded; text with no clauses at all is not
                // a contract to rely on.
                guard let scope, scope.text.contains("liab") else { return text.structured ? .present : .missing }
                if scope.sentences.contains(where: { liabilityBlanket.matches($0) || capPattern.matches($0) }) {
                    return Evaluation(
                        status: .missing,
                        detail:
                            "liability is excluded or capped without a carve-out for death, personal injury and fraud",
                        location: scope.location)
                }
                return Evaluation(status: .present, location: scope.location)
            },
            gap:
                "liability is limited without keeping liability for death or personal injury from negligence and fraud",
            recommendation:
                "Add: \"Nothing in this agreement limits or excludes liability for death or personal injury caused by negligence, for fraud or fraudulent misrepresentation, or any liability that cannot be limited by law.\""
        ),
        ClauseCheck(
            id: "payment_terms", name: "Payment terms", category: .commercialTerms, weight: 3, riskPoints: 3, key: true,
            rule: "certainty of price and time for payment",
            evaluate: { text, _ in
                let scope = find(
                    text,
                    [
                        "payment", "charges", "fees", "price", "rent", "remuneration", "subscription", "invoic", "cost",
                        "consideration", "repayment", "commission",
                    ],
                    fallback: any(["invoice", "pay ", "payable"]))
                guard let scope else { return .missing }
                if let definition = text.sentences(where: { s in
                    ["\"rent\"", "\"charges\"", "\"fees\"", "\"price\"", "\"fee\""].contains { s.contains($0) }
                }), definition.hasPlaceholder {
                    return Evaluation(
                        status: .partial, detail: "the price holds an unfilled placeholder",
                        location: definition.location)
                }
                let amount =
                    scope.text.contains("£") || scope.text.contains("gbp") || scope.text.contains("price")
                    || scope.text.contains("charges") || scope.text.contains("fees") || scope.text.contains("rent")
                    || scope.text.contains("%")
                let when = scope.sentences.contains { paymentWhen.matches($0) }
                if amount && when && !scope.hasPlaceholder {
                    return Evaluation(status: .present, location: scope.location)
                }
                if scope.hasPlaceholder {
                    return Evaluation(
                        status: .partial, detail: "the payment terms hold an unfilled placeholder",
                        location: scope.location)
                }
                return Evaluation(
                    status: .partial,
                    detail: amount ? "charges are stated but not when they must be paid" : "no price or charges",
                    location: scope.location)
            },
            gap: "no payment terms (amount, invoicing and when payment is due)",
            recommendation: "State the charges, when invoices are issued and the number of days allowed for payment."),
        ClauseCheck(
            id: "late_payment", name: "Late payment interest", category: .commercialTerms, weight: 1.5,
            riskPoints: 1, key: false,
            rule:
                "Late Payment of Commercial Debts (Interest) Act 1998 (and the 60-day limit of the Late Payment of Commercial Debts Regulations 2013)",
            evaluate: { text, _ in
                if let negated = negation(text, [noInterest], "interest on late payment is excluded") {
                    return Evaluation(status: .unfair, detail: negated.detail, location: negated.location)
                }
                if let hit = text.locate(where: { s in
                    guard s.contains("pay") || s.contains("invoice"),
                        let match = s.firstMatch(of: paymentDays.regex), let days = match.output[1].substring,
                        let value = Int(days)
                    else { return false }
                    return value > 60
                }) {
                    return Evaluation(
                        status: .unfair,
                        detail: "payment is due more than 60 days after invoice: \(excerpt(hit.sentence))",
                        location: hit.location)
                }
                if let hit = text.locate(where: { lateInterest.matches($0) }) {
                    return Evaluation(status: .present, location: hit.location)
                }
                return .missing
            },
            gap: "no interest on late payment (Late Payment of Commercial Debts (Interest) Act 1998)",
            recommendation:
                "Add a late payment clause allowing interest and fixed-sum compensation under the Late Payment of Commercial Debts (Interest) Act 1998, with payment due within 30 (at most 60) days."
        ),
        topic(
            "intellectual_property", "Intellectual property", weight: 1.5, risk: 1,
            rule:
                "Copyright, Designs and Patents Act 1988 (ownership and licences, s.90 and s.91 assignment in writing)",
            headings: [
                "intellectual property", "ownership", "copyright", "licence", "ip rights", "content", "trade mark",
                "brand", "marks",
            ],
            fallback: ["intellectual property", "trade mark"],
            required: [
                "intellectual property", "copyright", "owns", "ownership", "licence", "license", "belong",
                "trade mark",
            ],
            gap: "no intellectual property clause (ownership and licences of work product)",
            fix: "Say who owns intellectual property in deliverables and what licence the other party has."),
        topic(
            "force_majeure", "Force majeure", weight: 1, risk: 1,
            rule: "contractual relief for events beyond a party's control (no general doctrine in English law)",
            headings: ["force majeure", "beyond", "events outside", "circumstances outside"],
            fallback: [
                "force majeure", "beyond its reasonable control", "beyond their reasonable control",
                "beyond our reasonable control", "beyond the reasonable control", "outside our control",
                "outside its control", "outside its reasonable control", "outside our reasonable control",
            ],
            required: ["force majeure", "beyond", "outside", "control"],
            gap: "no force majeure clause",
            fix:
                "Add a force majeure clause excusing delay caused by events beyond a party's reasonable control, with a right to terminate if it lasts."
        ),
    ]

    // MARK: - Employment

    static let employment: [ClauseCheck] = [
        particular(
            "employment_job_title", "Job title or description", headings: ["job title", "role", "position", "duties"],
            phrases: ["job title", "employed as", "position of", "main duties", "role of", "your role", "duties"],
            detail: Pattern(
                #"(job title|employed as|position of|role of|role is|title)[\s:]*(a |an |the )?[a-z]"#)),
        particular(
            "employment_start_date", "Start date and continuous employment",
            headings: ["start", "commencement", "continuous employment", "date of employment"],
            phrases: [
                "employment begins", "employment will begin", "start date", "date of commencement",
                "commencement of employment", "employment commences", "employment started", "continuous employment",
                "will start on", "starts on", "commence on", "begin on",
            ], detail: nil),
        ClauseCheck(
            id: "employment_pay", name: "Pay and pay intervals", category: .employmentLaw, weight: 2, riskPoints: 3,
            key: true, rule: "Employment Rights Act 1996 s.1(4)(a)-(b); National Minimum Wage Act 1998",
            evaluate: { text, _ in
                let scope = find(
                    text, ["pay", "salary", "remuneration", "wage"],
                    excluding: ["sick pay", "holiday pay"],
                    fallback: any(["salary", "wage", "rate of pay", "per hour", "an hour", "per annum"]))
                guard let scope else { return .missing }
                let pay = ["salary", "wage", "rate of pay", "remuneration", "£", "per hour", "per annum", "pay"]
                    .contains { scope.text.contains($0) }
                let interval = [
                    "monthly", "weekly", "each month", "each week", "in arrears", "every four weeks", "fortnightly",
                    "every two weeks", "per month", "a month", "calendar month",
                ].contains { scope.text.contains($0) }
                if scope.hasPlaceholder {
                    return Evaluation(
                        status: .partial, detail: "the pay holds an unfilled placeholder", location: scope.location)
                }
                if pay && interval { return Evaluation(status: .present, location: scope.location) }
                if pay {
                    return Evaluation(
                        status: .partial, detail: "pay is stated but not how often it is paid", location: scope.location
                    )
                }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no statement of pay and pay intervals (Employment Rights Act 1996, s.1)",
            recommendation: "State the rate of pay and when it is paid (Employment Rights Act 1996, s.1)."),
        particular(
            "employment_hours", "Hours of work", headings: ["hours", "working time"],
            phrases: [
                "hours of work", "normal hours", "working hours", "hours a week", "hours per week", "hours each week",
                "hours",
            ], detail: nil),
        particular(
            "employment_holiday", "Holiday entitlement", headings: ["holiday", "annual leave", "leave"],
            phrases: ["holiday", "annual leave", "days' leave", "weeks' leave"], detail: nil),
        particular(
            "employment_sickness", "Sickness absence and sick pay",
            headings: ["sick", "absence", "incapacity", "illness"],
            phrases: ["sick", "incapacity", "illness"], detail: nil),
        particular(
            "employment_pension", "Pension (auto-enrolment)", headings: ["pension"],
            phrases: ["pension", "auto-enrol", "automatic enrolment"], detail: nil),
        ClauseCheck(
            id: "employment_notice", name: "Notice periods", category: .employmentLaw, weight: 1, riskPoints: 1,
            key: false, rule: "Employment Rights Act 1996 s.1(4)(e) and s.86 (statutory minimum notice)",
            evaluate: { text, _ in
                let scope = find(
                    text, ["notice", "termination", "ending", "leaving"], excluding: ["notices"],
                    fallback: any(["notice"]))
                guard let scope else { return .missing }
                if noticePeriods.matches(scope.text) { return Evaluation(status: .present, location: scope.location) }
                if scope.text.contains("notice") {
                    return Evaluation(
                        status: .partial, detail: "notice is mentioned without the periods each side must give",
                        location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no notice periods for employer and employee (Employment Rights Act 1996, s.1 and s.86)",
            recommendation:
                "State the notice each party must give, at least the statutory minimum under section 86 of the Employment Rights Act 1996."
        ),
        particular(
            "employment_place_of_work", "Place of work", headings: ["place of work", "location", "workplace", "place"],
            phrases: [
                "place of work", "workplace", "normal place", "work from", "based at", "work at", "located at",
                "place of employment", "your place",
            ], detail: nil),
        particular(
            "employment_probation", "Probation", headings: ["probation", "trial period"],
            phrases: ["probation", "trial period"], detail: nil),
        ClauseCheck(
            id: "employment_discipline_grievance", name: "Disciplinary and grievance procedures",
            category: .employmentLaw, weight: 1, riskPoints: 1, key: false,
            rule: "Employment Rights Act 1996 s.3; ACAS Code of Practice on disciplinary and grievance procedures",
            evaluate: { text, _ in
                let scope = find(
                    text, ["disciplin", "grievance", "conduct"], fallback: any(["disciplinary", "grievance"]))
                guard let scope else { return .missing }
                let discipline = scope.text.contains("disciplin")
                let grievance = scope.text.contains("grievance")
                if discipline && grievance { return Evaluation(status: .present, location: scope.location) }
                if discipline || grievance {
                    return Evaluation(
                        status: .partial, detail: discipline ? "no grievance procedure" : "no disciplinary procedure",
                        location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no disciplinary and grievance procedures",
            recommendation: "Refer to disciplinary and grievance procedures that follow the ACAS Code of Practice."),
        particular(
            "employment_training", "Training", headings: ["training", "development"],
            phrases: ["training"], detail: nil),
    ]

    /// A written-statement particular (Employment Rights Act 1996 s.1) found in its clause or,
    /// where particulars are listed together, anywhere in the text.
    static func particular(
        _ id: String, _ name: String, headings: [String], phrases: [String], detail: Pattern?
    ) -> ClauseCheck {
        ClauseCheck(
            id: id, name: name, category: .employmentLaw, weight: 1, riskPoints: 1, key: false,
            rule: "Employment Rights Act 1996 s.1 written statement of particulars",
            evaluate: { text, _ in
                let scope = find(text, headings, excluding: ["notices"], fallback: any(phrases))
                guard let scope else { return .missing }
                if phrases.contains(where: { scope.text.contains($0) }) {
                    if scope.hasPlaceholder {
                        return Evaluation(
                            status: .partial, detail: "\(name.lowercased()) holds an unfilled placeholder",
                            location: scope.location)
                    }
                    return Evaluation(status: .present, location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no \(name.lowercased()) (a written statement particular under the Employment Rights Act 1996, s.1)",
            recommendation: "Add the \(name.lowercased()) to the written statement (Employment Rights Act 1996, s.1).")
    }

    // MARK: - Consumer

    static let statutoryExclusions: [Pattern] = [
        Pattern(
            #"(statutory rights|consumer rights act 2015|your rights under)[^.]{0,60}(are|is) (hereby )?(excluded|waived|removed|not available|do not apply)|(exclude|excludes|waive|waives)[^.]{0,30}(all |any |your )?statutory rights|no refunds? (will|shall|can) be (given|made|issued|offered)|no refunds?( or (returns|exchanges))? (under|in) any circumstances|not (be )?entitled to (a |any )?(refund|repair|replacement)|all sales are final|(we|the seller) (do|does|will) not (offer|give|provide) (any )?refunds|goods are sold as seen"#,
            anchors: ["statutory", "refund", "sales are final", "consumer rights act", "sold as seen", "repair"])
    ]

    static let greyList: [Pattern] = [
        Pattern(
            #"may (change|increase|vary|amend|alter|raise) (the |our |these |any |your )?(membership |subscription )?(price|prices|fee|fees|charges|subscription|terms)[^.]{0,120}(at any time|without (prior )?notice|without (giving )?(you )?(any )?notice|at our (sole )?discretion|as we see fit|for any reason)"#,
            anchors: ["may "]),
        Pattern(
            #"not (obliged|required) to (send|give)[^.]{0,40}(reminder|notice)[^.]{0,60}renewal"#, anchors: ["renewal"]),
        Pattern(
            #"cancellation (charge|fee)[^.]{0,80}([5-9]\d ?%|100 ?%|full price|whole price|entire price)"#,
            anchors: ["cancellation"]),
        Pattern(
            #"(renews? automatically|automatically renews?|auto-renew|automatic renewal)[^.]{0,160}(cannot|may not|can not|no right|not be able to|without (notice|reminder))"#,
            anchors: ["renew"]),
        Pattern(
            #"(cancellation (fee|charge)|cancel[^.]{0,60}(pay|forfeit|charged))[^.]{0,120}(100%|full (price|amount|subscription|fee)|entire|all (remaining|outstanding)|remaining (months|term|subscription|balance)|the rest of)"#,
            anchors: ["cancel"]),
        Pattern(
            #"(deemed to (have )?(accepted|agreed)|bound by)[^.]{0,100}(terms|conditions)[^.]{0,100}(not (been )?(shown|provided|available|seen)|available on request|whether or not|we may publish|from time to time without)"#,
            anchors: ["deemed", "bound by"]),
        Pattern(#"(cannot|can not|may not|will not be able to) cancel"#, anchors: ["cancel"]),
        Pattern(
            #"deposits? (is|are|will be) (non-refundable|forfeited) (in all|under any|whatever)"#, anchors: ["deposit"]),
    ]

    static let consumer: [ClauseCheck] = [
        ClauseCheck(
            id: "consumer_cancellation", name: "14-day cancellation right", category: .consumerRights, weight: 3,
            riskPoints: 3, key: true,
            rule: "Consumer Contracts (Information, Cancellation and Additional Charges) Regulations 2013, regs 29-38",
            evaluate: { text, _ in
                if let negated = negation(text, cancellationNegations, "the cancellation right is taken away") {
                    return negated
                }
                let scope = find(
                    text, ["cancel", "cooling", "change your mind", "returns", "right to withdraw"],
                    fallback: any(["right to cancel", "cancel"]))
                guard let scope else { return .missing }
                let fourteen = ["14 days", "14-day", "fourteen days", "14 calendar days"].contains {
                    scope.text.contains($0)
                }
                if fourteen { return Evaluation(status: .present, location: scope.location) }
                return Evaluation(
                    status: .partial, detail: "cancellation is mentioned without the 14-day period",
                    location: scope.location)
            },
            gap: "no 14-day cancellation right (Consumer Contracts Regulations 2013)",
            recommendation:
                "Set out the consumer's right to cancel within 14 days, how to cancel and how refunds are made, with the model cancellation form."
        ),
        ClauseCheck(
            id: "consumer_statutory_remedies", name: "Statutory rights and remedies (Consumer Rights Act 2015)",
            category: .consumerRights, weight: 3, riskPoints: 3, key: true,
            rule: "Consumer Rights Act 2015 ss.9-24 and 49-57 (remedies), s.31 and s.57 (no exclusion)",
            evaluate: { text, _ in
                if let negated = negation(text, statutoryExclusions, "statutory rights are excluded") {
                    return Evaluation(status: .unfair, detail: negated.detail, location: negated.location)
                }
                let scope = find(
                    text,
                    [
                        "problem", "faulty", "statutory rights", "your rights", "consumer rights", "remedies", "refund",
                        "returns", "guarantee", "warrant", "quality",
                    ],
                    fallback: any(["consumer rights act", "statutory rights", "repair", "replacement", "refund"]))
                guard let scope else { return .missing }
                let act = scope.text.contains("consumer rights act") || text.contains("consumer rights act 2015")
                let remedies = ["repair", "replacement", "right to reject", "price reduction", "refund"].contains {
                    scope.text.contains($0)
                }
                if act && remedies { return Evaluation(status: .present, location: scope.location) }
                if act || remedies || scope.text.contains("statutory rights") {
                    return Evaluation(
                        status: .partial,
                        detail: act
                            ? "statutory rights are mentioned without the remedies (repair, replacement, refund)"
                            : "remedies are given without the Consumer Rights Act 2015",
                        location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            },
            gap: "no statement of statutory rights and remedies under the Consumer Rights Act 2015",
            recommendation:
                "Explain the consumer's statutory rights under the Consumer Rights Act 2015: the right to reject, repair or replacement, price reduction and refund."
        ),
        ClauseCheck(
            id: "consumer_unfair_terms", name: "No unfair terms (CRA 2015 Schedule 2)", category: .consumerRights,
            weight: 3, riskPoints: 3, key: true,
            rule: "Consumer Rights Act 2015 Part 2, s.62 and Schedule 2 (grey list)",
            evaluate: { text, _ in
                for pattern in greyList + statutoryExclusions {
                    if let hit = text.locate(where: { s in
                        guard pattern.matches(s) else { return false }
                        // A change of price with a right to cancel is fair.
                        return
                            !(s.contains("you may cancel") || s.contains("right to cancel")
                            || s.contains("you can cancel") || s.contains("free of charge")
                            || s.contains("without charge"))
                    }) {
                        return Evaluation(
                            status: .unfair, detail: "a grey-list term: \(excerpt(hit.sentence))",
                            location: hit.location)
                    }
                }
                return .present
            },
            gap: "an unfair consumer term (CRA 2015 Schedule 2)",
            recommendation:
                "Remove the term or give the consumer a right to cancel without charge, notice of changes and a fair, proportionate charge."
        ),
    ]

    static let terminationNegations = [
        Pattern(
            #"(may not|cannot|can not|shall not be entitled to|is not entitled to|has no right to|have no right to|no right to) (be )?terminat"#,
            anchors: ["terminat"]),
        Pattern(
            #"(may not|cannot|can not) (be )?(terminated|ended|cancelled) (by|for any reason|under any)"#,
            anchors: ["terminated", "ended", "cancelled"]),
    ]
    static let noticePeriods = Pattern(
        #"(weeks?'? ?(written )?notice|months?'? ?(written )?notice|statutory minimum|notice of (at least )?(\d+|one|two|three|four|six|twelve)|(\d+|one|two|three|four|six|twelve) (calendar )?(weeks?|months?)('s|s')? (written )?notice|notice period)"#,
        anchors: ["notice"])
    static let interestRate = Pattern(
        #"(\d+(\.\d+)? ?(%|per cent)|base rate|interest-free|interest free)"#)
    static let percentage = Pattern(#"(\d+(\.\d+)? ?(%|per cent))"#)
    static let agencyStatutoryNotice = Pattern(
        #"one month[^.]{0,80}first year[^.]{0,120}two months[^.]{0,80}second year[^.]{0,120}three months"#,
        anchors: ["first year"])
    static let agencyLongNotice = Pattern(
        #"(three|3|four|4|six|6) months'? ?(\(\d+\) )?(written )?notice"#, anchors: ["notice"])
    static let agencyShortNotice = Pattern(
        #"(\d+|one|two|seven|fourteen|thirty) (days?|weeks?)'? ?(written )?notice|without notice|immediately"#)
    static let resalePriceFixing = Pattern(
        #"(shall|must|will) (not )?(resell|sell|re-sell|offer)[^.]{0,80}(at (a price )?(no )?(less|lower) than|below|at the (recommended|minimum|list) (retail )?price|at prices? (set|fixed|determined) by)|minimum (resale|retail) price[^.]{0,60}(shall|must|will)|(supplier|company|principal) (shall|will) (set|fix|determine) the (resale|retail) price"#,
        anchors: ["price"])
    static let cancellationNegations = [
        Pattern(
            #"(no|not have a|do not have a|you have no|there is no) right to cancel|cancellation rights?[^.]{0,40}(do not apply|are excluded|is excluded)|(cannot|can not|may not) cancel"#,
            anchors: ["cancel"])
    ]

    static let leaseRepairPhrases = [
        "good repair", "in repair", "substantial repair", "repairing", "good condition", "tenant shall repair",
        "landlord shall repair", "tenant must repair", "landlord must repair", "repair and decorat",
        "keep the premises",
        "responsible for repair", "repair the", "maintain the",
    ]
    static let leaseInsurancePhrases = [
        "shall insure", "will insure", "must insure", "insure the", "insured against", "insurance rent", "reinstate",
        "keep the building insured", "keep the premises insured", "insurance premium", "policy of insurance",
    ]

    // MARK: - Specialised

    static let specialised: [ClauseCheck] = [
        topic(
            "nda_definition", "Definition of confidential information", weight: 2, risk: 2, key: true,
            rule: "certainty of the information protected (common-law duty of confidence)",
            headings: ["definition", "confidential information", "interpretation", "meaning"],
            fallback: [
                "confidential information means", "confidential information\" means", "\"confidential information\"",
                "information\" means",
            ],
            required: [
                "confidential information\" means", "confidential information means",
                "confidential information includes",
                "\"confidential information\"", "confidential information is", "confidential information shall mean",
                "confidential information: ",
                // The protected information under another defined name ("Information" means …).
                "information\" means", "information\" includes",
            ],
            gap: "no definition of confidential information",
            fix: "Define Confidential Information: what is covered, in what form, and what is excluded."),
        topic(
            "nda_permitted_disclosure", "Exceptions and permitted disclosure", weight: 1, risk: 1, key: true,
            rule: "exceptions to confidence: public domain, prior knowledge, legal compulsion",
            headings: [
                "exception", "permitted disclosure", "exclusion", "does not apply", "excluded information",
                "required by law",
            ],
            fallback: ["required by law", "public knowledge", "publicly available", "public domain", "becomes public"],
            required: [
                "required by law", "public knowledge", "publicly available", "public domain", "becomes public",
                "already known", "independently developed", "required by a court", "order of a court", "regulator",
            ],
            negations: confidentialityNegations,
            gap: "no exceptions for public information or disclosure required by law",
            fix:
                "Add the usual exceptions: public information, information already known or independently developed, and disclosure required by law."
        ),
        topic(
            "nda_return_of_information", "Return or destruction of information", weight: 1, risk: 1,
            rule: "return or destruction of confidential information at the end",
            headings: ["return", "destruction", "destroy"],
            fallback: ["return", "destroy", "destruction", "delete"],
            required: ["destroy", "destruction", "delete", "return"],
            gap: "no obligation to return or destroy confidential information",
            fix: "Add a clause on return or destruction of information on request or at the end."),
        dpa(
            "dpa_processing_details", "Processing details (Art 28(3))",
            headings: [
                "details of processing", "processing details", "subject matter", "scope", "description",
                "particulars", "annex", "schedule",
            ],
            all: [
                ["subject matter", "subject-matter"], ["duration"], ["nature", "purpose"],
                [
                    "types of personal data",
                    "categories of personal data", "personal data concerned", "type of personal data",
                ],
                ["data subjects"],
            ],
            rule: "UK GDPR Article 28(3), first sentence",
            fix:
                "Describe the subject matter, duration, nature and purpose of processing, the types of personal data and the categories of data subjects."
        ),
        dpa(
            "dpa_instructions", "Documented instructions (Art 28(3)(a))",
            headings: ["instruction", "processor obligations", "obligations of the processor"],
            all: [
                [
                    "documented instructions", "written instructions", "on the instructions", "only on the",
                    "controller's instructions", "customer's instructions", "client's instructions", "instructions of",
                ]
            ],
            rule: "UK GDPR Article 28(3)(a)",
            negations: [
                Pattern(
                    #"(processor|supplier|provider) may (process|use)[^.]{0,80}(for (its|their) own purposes|for any purpose|as it sees fit|without instructions)"#,
                    anchors: ["may"])
            ],
            fix: "Require the processor to process personal data only on the controller's documented instructions."),
        dpa(
            "dpa_personnel_confidentiality", "Confidentiality of personnel (Art 28(3)(b))",
            headings: ["personnel", "staff", "confidentiality"],
            all: [["confidential", "duty of confidence"]], rule: "UK GDPR Article 28(3)(b)",
            sentence: ["person", "personnel", "staff", "employees", "individuals"],
            fix: "Require everyone authorised to process the personal data to be bound by confidentiality."),
        dpa(
            "dpa_security", "Security measures (Art 32)", headings: ["security"],
            all: [
                [
                    "article 32", "technical and organisational measures", "appropriate technical", "security measures",
                    "appropriate security",
                ]
            ], rule: "UK GDPR Article 28(3)(c) and Article 32",
            fix: "Require appropriate technical and organisational security measures under Article 32."),
        dpa(
            "dpa_subprocessors", "Sub-processors (Art 28(2), (4))",
            headings: [
                "sub-processor", "subprocessor",
                "sub processor", "subcontract", "sub-contract",
            ],
            all: [
                ["sub-processor", "subprocessor", "sub processor", "subcontract", "sub-contract", "another processor"],
                [
                    "prior written", "prior specific", "prior general", "written authorisation", "written consent",
                    "prior authorisation", "prior consent",
                ],
            ],
            rule: "UK GDPR Article 28(2), 28(3)(d) and 28(4)",
            negations: [
                Pattern(
                    #"(may|is free to|can) (appoint|engage|use) (any )?(sub-?processors?|subcontractors?|sub-contractors?)[^.]{0,80}(without|at its (sole )?discretion|as it sees fit)"#,
                    anchors: ["processor", "contractor"])
            ],
            fix:
                "Forbid sub-processors without the controller's prior written authorisation and flow down the same terms."
        ),
        dpa(
            "dpa_assistance", "Assistance (Art 28(3)(e), (f))",
            headings: [
                "assist", "data subject", "breach",
                "co-operation", "cooperation",
            ],
            all: [
                ["assist"], ["data subject", "breach", "impact assessment", "articles 32", "article 33", "article 36"],
            ],
            rule: "UK GDPR Article 28(3)(e) and (f); Articles 32-36",
            fix:
                "Require the processor to assist with data subject requests, security, breach notification and DPIAs (Articles 32-36)."
        ),
        dpa(
            "dpa_deletion_return", "Deletion or return at the end (Art 28(3)(g))",
            headings: ["deletion", "return", "end of processing", "termination", "expiry"],
            all: [["delete", "deletion", "return", "destroy"]], rule: "UK GDPR Article 28(3)(g)",
            sentence: ["personal data", "data"],
            fix:
                "Require deletion or return of all personal data at the end of the services, at the controller's choice."
        ),
        dpa(
            "dpa_audit", "Audits and information (Art 28(3)(h))", headings: ["audit", "inspection", "information"],
            all: [
                ["audit", "inspection", "inspect"],
                [
                    "allow", "permit", "contribute", "right to", "entitled", "may audit", "may inspect",
                    "make available",
                ],
            ], rule: "UK GDPR Article 28(3)(h)",
            sentence: [
                "allow", "permit", "contribute", "right to", "entitled", "may audit", "may inspect", "make available",
            ],
            fix:
                "Require the processor to make available the information needed to show compliance and to allow audits and inspections."
        ),
        topic(
            "lease_repair", "Repair and maintenance", weight: 2, risk: 2, key: true,
            rule: "Landlord and Tenant Act 1985 s.11 (residential); covenants to repair",
            headings: ["repair", "maintenance", "condition", "dilapidation"], fallback: leaseRepairPhrases,
            required: leaseRepairPhrases, gap: "no repairing obligations",
            fix: "State who repairs and maintains the structure, exterior and interior."),
        topic(
            "lease_insurance", "Insurance", weight: 1, risk: 1, key: true,
            rule: "insurance of the property and reinstatement",
            headings: ["insurance", "insure"], fallback: leaseInsurancePhrases, required: leaseInsurancePhrases,
            gap: "no insurance obligations", fix: "State who insures the property, against what, and reinstatement."),
        topic(
            "lease_security_of_tenure", "Security of tenure (Landlord and Tenant Act 1954)", weight: 2, risk: 2,
            key: true, rule: "Landlord and Tenant Act 1954 ss.24-28 and s.38A (contracting out)",
            headings: ["security of tenure", "1954", "contracting out", "renewal"],
            fallback: ["landlord and tenant act 1954", "security of tenure"],
            required: ["landlord and tenant act 1954", "security of tenure"],
            gap: "no statement on security of tenure under the Landlord and Tenant Act 1954",
            fix: "State whether the 1954 Act protection applies or is excluded, following the s.38A notice procedure."),
        topic(
            "partnership_capital", "Capital contributions", weight: 2, risk: 2, key: true,
            rule: "Partnership Act 1890 s.24 (default rules apply when silent)",
            headings: ["capital", "contribution", "funding"], fallback: ["capital", "contribut"],
            required: ["capital", "contribut"], gap: "no capital contributions",
            fix: "State each partner's capital contribution and whether it earns interest."),
        topic(
            "partnership_profits", "Profit and loss sharing", weight: 2, risk: 2, key: true,
            rule: "Partnership Act 1890 s.24(1) (equal shares when silent)",
            headings: ["profit", "loss", "distribution", "drawings"], fallback: ["profit"],
            required: ["profit", "losses"], gap: "no profit and loss sharing",
            fix: "State how profits and losses are shared and when drawings are made."),
        topic(
            "partnership_decisions", "Decision making and deadlock", weight: 1.5, risk: 1.5,
            rule: "Partnership Act 1890 s.24(8); reserved matters and deadlock",
            headings: ["decision", "management", "voting", "meetings", "deadlock", "governance", "board"],
            fallback: ["unanimous", "majority", "deadlock"],
            required: ["decision", "unanimous", "majority", "vote", "deadlock", "agree"],
            gap: "no decision-making rules", fix: "Set out how decisions are made, reserved matters and deadlock."),
        topic(
            "partnership_exit", "Withdrawal, exit and dissolution", weight: 2, risk: 2, key: true,
            rule: "Partnership Act 1890 ss.26, 32-44 (dissolution); exit and transfer",
            headings: [
                "exit", "withdraw", "retire", "dissol", "leaving", "termination", "transfer", "departure",
                "expulsion",
            ],
            fallback: ["withdraw", "retire", "dissol"],
            required: ["withdraw", "retire", "dissol", "exit", "leave", "buy out", "buy-out", "terminat"],
            gap: "no withdrawal, exit or dissolution terms",
            fix: "Set out how a partner withdraws or is bought out and how the partnership or venture is dissolved."),
        topic(
            "loan_repayment", "Repayment schedule", weight: 2, risk: 2, key: true,
            rule: "certainty of repayment: dates and instalments",
            headings: ["repayment", "repay", "instalment"], fallback: ["repay", "instalment"],
            required: [
                "instalment", "repayment date", "on or before", "in full on", "no later than", "monthly", "quarterly",
                "annually", "schedule", "final repayment", "each month", "months after", "years after", "by the end of",
            ], gap: "no repayment schedule",
            fix: "State when and in what instalments the loan is repaid."),
        ClauseCheck(
            id: "loan_interest", name: "Interest", category: .commercialTerms, weight: 2, riskPoints: 2, key: true,
            rule: "certainty of interest: the rate and how it accrues",
            evaluate: { text, _ in
                let scope = find(
                    text, ["interest"],
                    fallback: any([
                        "interest at", "rate of interest", "interest rate", "interest-free", "interest free",
                        "interest will accrue", "interest shall accrue", "bears interest", "carry interest",
                        "interest accrues",
                    ]))
                guard let scope else { return .missing }
                if interestRate.matches(scope.text) {
                    return Evaluation(status: .present, location: scope.location)
                }
                return Evaluation(
                    status: .partial, detail: "interest is mentioned without a rate", location: scope.location)
            }, gap: "no interest rate", recommendation: "State the interest rate, how it accrues and when it is paid."),
        ClauseCheck(
            id: "agency_commission", name: "Agent's commission", category: .commercialTerms, weight: 2, riskPoints: 2,
            key: true, rule: "Commercial Agents (Council Directive) Regulations 1993, regs 6-12",
            evaluate: { text, _ in
                let scope = find(text, ["commission", "remuneration"], fallback: any(["commission"]))
                guard let scope else { return .missing }
                let rate = percentage.matches(scope.text)
                let when = ["paid", "payable", "earned", "due", "statement", "month", "quarter"].contains {
                    scope.text.contains($0)
                }
                if rate && when { return Evaluation(status: .present, location: scope.location) }
                if scope.hasPlaceholder || !rate {
                    return Evaluation(
                        status: .partial, detail: "the commission has no rate", location: scope.location)
                }
                return Evaluation(
                    status: .partial, detail: "the commission does not say when it is earned or paid",
                    location: scope.location)
            }, gap: "no agent's commission terms",
            recommendation:
                "State the commission rate, when it is earned (reg 10) and when it is paid (at the latest on the last day of the month after the quarter)."
        ),
        ClauseCheck(
            id: "agency_notice", name: "Notice to end the agency (reg 15)", category: .commercialTerms, weight: 2,
            riskPoints: 2, key: true, rule: "Commercial Agents (Council Directive) Regulations 1993, reg 15",
            evaluate: { text, _ in
                let scope = find(
                    text, ["terminat", "notice", "duration", "term"], excluding: ["notices"],
                    fallback: any(["notice"]))
                guard let scope else { return .missing }
                if scope.text.contains("regulation 15") || scope.text.contains("reg 15")
                    || agencyStatutoryNotice.matches(scope.text) || agencyLongNotice.matches(scope.text)
                {
                    return Evaluation(status: .present, location: scope.location)
                }
                if agencyShortNotice.matches(scope.text) {
                    return Evaluation(
                        status: .unfair, detail: "the notice to end the agency is below the reg 15 minimum",
                        location: scope.location)
                }
                return Evaluation(status: .missing, location: scope.location)
            }, gap: "no notice period to end the agency meeting reg 15",
            recommendation:
                "Give at least one month's notice in the first year, two in the second and three thereafter (reg 15)."),
        topic(
            "agency_indemnity", "Indemnity or compensation on termination (reg 17)", weight: 2, risk: 2, key: true,
            rule: "Commercial Agents (Council Directive) Regulations 1993, regs 17-18",
            headings: [
                "indemnity", "compensation", "regulation 17", "after termination", "consequences of termination",
                "termination",
            ],
            fallback: ["regulation 17", "reg 17", "indemnity", "compensation"],
            required: ["regulation 17", "reg 17", "indemnity", "compensation"],
            negations: [
                Pattern(
                    #"(no|not be entitled to any|not entitled to any|waives?[^.]{0,30}) (indemnity|compensation)[^.]{0,120}(termination|regulation 17|reg 17|on the end|expiry)"#,
                    anchors: ["indemnity", "compensation"])
            ],
            gap: "no indemnity or compensation on termination",
            fix:
                "State whether the agent gets an indemnity or compensation on termination (reg 17); it cannot be excluded before the agency ends (reg 19)."
        ),
        topic(
            "distribution_territory", "Territory and exclusivity", weight: 2, risk: 2, key: true,
            rule: "Competition Act 1998 Chapter I; Vertical Agreements Block Exemption Order 2022",
            headings: ["territory", "appointment", "exclusiv"], fallback: ["territory"],
            required: ["territory"],
            gap: "no territory or statement of exclusivity",
            fix: "Define the territory and say whether the appointment is exclusive."),
        ClauseCheck(
            id: "distribution_resale_prices", name: "Freedom to set resale prices", category: .commercialTerms,
            weight: 2, riskPoints: 3, key: true,
            rule: "Competition Act 1998 Chapter I; resale price maintenance is a hardcore restriction (VABEO 2022)",
            evaluate: { text, _ in
                if let hit = text.locate(where: { s in
                    resalePriceFixing.matches(s) && !s.contains("free to")
                        && !s.contains("recommended resale prices are")
                        && !s.contains("may not fix") && !s.contains("not bound")
                }) {
                    return Evaluation(
                        status: .unfair, detail: "the supplier fixes minimum resale prices: \(excerpt(hit.sentence))",
                        location: hit.location)
                }
                let scope = find(
                    text, ["price", "resale"], fallback: any(["resale price", "free to set", "own prices"]))
                if let scope,
                    ["free to", "own resale", "own prices", "its own price", "sole discretion", "determine its"]
                        .contains(where: { scope.text.contains($0) })
                {
                    return Evaluation(status: .present, location: scope.location)
                }
                return Evaluation(
                    status: .missing, detail: "the distributor's freedom to set its resale prices is not stated",
                    location: scope?.location)
            }, gap: "the distributor's freedom to set resale prices is not stated",
            recommendation:
                "State that the distributor is free to set its own resale prices; recommended prices may be given but not imposed."
        ),
    ]

    /// An Article 28(3) term: every group of `all` must be present (some → partial), within
    /// the clause headed `headings` or, failing that, within sentences that mention one of
    /// `sentence` (or the first group).
    static func dpa(
        _ id: String, _ name: String, headings: [String], all groups: [[String]], rule: String,
        sentence: [String]? = nil, negations: [Pattern] = [], fix: String
    ) -> ClauseCheck {
        ClauseCheck(
            id: id, name: name, category: .gdpr, weight: 2, riskPoints: 2, key: true, rule: rule,
            evaluate: { text, _ in
                if let negated = negation(text, negations, "\(name) is negated") { return negated }
                let first = groups[0]
                let inSection = text.section(headings, excluding: ["definition"]).flatMap { scope in
                    groups.contains(where: { group in group.contains { scope.text.contains($0) } }) ? scope : nil
                }
                let scope =
                    inSection
                    ?? text.sentences(where: { s in
                        first.contains { s.contains($0) } && (sentence.map { $0.contains { s.contains($0) } } ?? true)
                    })
                guard let scope else { return .missing }
                let met = groups.filter { group in group.contains { scope.text.contains($0) } }.count
                if scope.hasPlaceholder, inSection != nil {
                    return Evaluation(
                        status: .partial, detail: "\(scope.location) holds an unfilled placeholder",
                        location: scope.location)
                }
                if met == groups.count || (groups.count >= 4 && met >= groups.count - 1) {
                    return Evaluation(status: .present, location: scope.location)
                }
                if met == 0 { return Evaluation(status: .missing, location: scope.location) }
                return Evaluation(
                    status: .partial, detail: "\(met) of the \(groups.count) elements the article requires",
                    location: scope.location)
            }, gap: "no \(name)", recommendation: fix)
    }
}

extension String {
    /// This file's `contains` is the byte search (`containsBytes`), not Foundation's bridged one.
    fileprivate func contains(_ other: String) -> Bool { containsBytes(other) }
}
