import PactoriaCore

/// What kind of document the analyser is looking at; decides which checks apply.
enum DocumentKind: String, Sendable, CaseIterable {
    /// Service, supplier, consultancy and other commercial agreements with financial terms.
    case commercial
    /// An agreement of type `other` with no financial terms (a data processing agreement, …).
    case generalAgreement
    /// Business-to-business terms and conditions (with charges or invoices).
    case businessTerms
    /// Terms of sale to consumers (they mention consumers and refunds, cancellation or
    /// statutory rights, and do not exclude consumers).
    case consumerTerms
    /// Other terms and conditions, such as website terms of use.
    case websiteTerms
    /// A loan agreement (type `other`, with a lender and a borrower).
    case loan
    case employment
    case nda
    case lease
    case partnership

    static func classify(_ type: ContractType, _ text: ContractText) -> DocumentKind {
        let hasMoney = text.containsAny(["invoice", "charges", "the price", "licence fee", "loan", "salary", "rent "])
        switch type {
        case .serviceAgreement, .supplierAgreement, .consultancy: return .commercial
        case .other:
            if text.contains("loan"), text.containsAny(["borrower", "lender"]) { return .loan }
            return hasMoney ? .commercial : .generalAgreement
        case .employmentContract: return .employment
        case .nda: return .nda
        case .lease: return .lease
        case .partnership: return .partnership
        case .termsAndConditions:
            let excludesConsumers = text.containsAny([
                "not as a consumer", "not a consumer", "not for use with consumers",
            ])
            if text.contains("consumer"), !excludesConsumers,
                text.containsAny(["refund", "right to cancel", "cancellation", "right to reject", "statutory rights"])
            {
                return .consumerTerms
            }
            return text.containsAny(["invoice", "charges", "late payment"]) ? .businessTerms : .websiteTerms
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

/// One clause the local analyser looks for.
struct ClauseCheck: Sendable {
    typealias Evaluation = (status: ClauseStatus, detail: String?)

    let id: String
    let name: String
    let category: CheckCategory
    /// Share of the score: a check worth 3 counts three times as much as one worth 1.
    let weight: Double
    /// Risk points added when the clause is missing (half when partial).
    let riskPoints: Double
    let kinds: Set<DocumentKind>
    /// Says whether the clause is there; a partial result carries what is missing.
    let evaluate: @Sendable (ContractText) -> Evaluation
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
    static let allKinds = Set(DocumentKind.allCases)
    static let commercialKinds: Set<DocumentKind> = [.commercial, .businessTerms]

    static func present(_ found: Bool) -> ClauseCheck.Evaluation { (found ? .present : .missing, nil) }

    static let checks: [ClauseCheck] = general + commercial + employment + consumer + specialised

    static let general: [ClauseCheck] = [
        ClauseCheck(
            id: "governing_law", name: "Governing law and jurisdiction", category: .general, weight: 3,
            riskPoints: 1.5, kinds: allKinds,
            evaluate: { text in
                let law =
                    text.containsAny([
                        "law of england and wales", "laws of england and wales", "english law",
                    ]) || (text.contains("governing law") && text.contains("england and wales"))
                let courts = text.containsAny([
                    "courts of england and wales", "english courts", "tribunals of england and wales",
                ])
                switch (law, courts) {
                case (true, true): return (.present, nil)
                case (true, false):
                    return (.partial, "governing law is England and Wales but no courts are given jurisdiction")
                case (false, true):
                    return (.partial, "courts of England and Wales have jurisdiction but no governing law is stated")
                case (false, false):
                    if text.containsAny(["governed by the law", "governing law is", "governing law shall be"]) {
                        return (.partial, "a governing law is stated but it is not England and Wales")
                    }
                    return (.missing, nil)
                }
            },
            gap: "no governing law and jurisdiction clause (England and Wales)",
            recommendation:
                "Add a clause that the contract is governed by the law of England and Wales and that the courts of England and Wales have jurisdiction."
        ),
        ClauseCheck(
            id: "dispute_resolution", name: "Dispute resolution", category: .general, weight: 1, riskPoints: 0.5,
            kinds: allKinds.subtracting([.employment]),
            evaluate: { text in
                present(
                    text.containsAny([
                        "dispute resolution", "mediation", "arbitration", "resolve any dispute", "resolve the dispute",
                        "resolve a dispute", "disputes", "complaint",
                    ]))
            },
            gap: "no dispute resolution procedure (negotiation, mediation or arbitration before court)",
            recommendation:
                "Add a dispute resolution clause: senior-level negotiation, then mediation (for example CEDR) before litigation."
        ),
        ClauseCheck(
            id: "data_protection", name: "Data protection (UK GDPR and DPA 2018)", category: .gdpr, weight: 3,
            riskPoints: 1.5, kinds: allKinds.subtracting([.lease]),
            evaluate: { text in
                let gdpr = text.containsAny(["uk gdpr", "united kingdom general data protection regulation"])
                let dpa = text.contains("data protection act 2018")
                if gdpr && dpa { return (.present, nil) }
                if gdpr {
                    return (.partial, "data protection clause names the UK GDPR but not the Data Protection Act 2018")
                }
                if dpa {
                    return (.partial, "data protection clause names the Data Protection Act 2018 but not the UK GDPR")
                }
                if text.containsAny(["data protection", "gdpr", "personal data"]) {
                    return (
                        .partial, "data protection is mentioned without the UK GDPR or the Data Protection Act 2018"
                    )
                }
                return (.missing, nil)
            },
            gap: "no data protection clause referring to the UK GDPR and the Data Protection Act 2018",
            recommendation:
                "Add a data protection clause requiring compliance with the UK GDPR and the Data Protection Act 2018, with Article 28 processor terms where personal data is processed for the other party."
        ),
    ]

    static let commercial: [ClauseCheck] = [
        ClauseCheck(
            id: "confidentiality", name: "Confidentiality", category: .commercialTerms, weight: 2, riskPoints: 1,
            kinds: [.commercial, .generalAgreement, .businessTerms, .employment, .nda, .partnership, .loan],
            evaluate: { text in present(text.contains("confidential")) },
            gap: "no confidentiality clause",
            recommendation:
                "Add a confidentiality clause covering use, permitted disclosure and how long the duty lasts after the contract ends."
        ),
        ClauseCheck(
            id: "termination", name: "Termination and notice", category: .commercialTerms, weight: 2, riskPoints: 1,
            kinds: [.commercial, .generalAgreement, .businessTerms, .employment, .lease, .partnership, .loan],
            evaluate: { text in
                let ends = text.containsAny([
                    "terminat", "forfeit", "break clause", "end this lease", "dissol", "event of default",
                    "events of default",
                ])
                let notice = text.contains("notice")
                if ends && notice { return (.present, nil) }
                if ends { return (.partial, "termination is covered but no notice period is given") }
                return (.missing, nil)
            },
            gap: "no termination clause with notice periods",
            recommendation:
                "Add a termination clause with a notice period for convenience and immediate termination for material breach or insolvency."
        ),
        ClauseCheck(
            id: "limitation_of_liability", name: "Limitation of liability", category: .commercialTerms, weight: 2,
            riskPoints: 2, kinds: [.commercial, .businessTerms, .consumerTerms, .websiteTerms, .loan],
            evaluate: { text in
                present(
                    text.containsAny([
                        "limitation of liability", "limit of liability", "limits of liability", "liability is limited",
                        "liability shall be limited", "liability will be limited", "exclude or limit",
                        "total liability",
                        "aggregate liability", "not be liable", "is not liable", "are not liable", "no liability",
                        "limit our liability", "limit its liability",
                    ]))
            },
            gap: "no limitation of liability clause",
            recommendation:
                "Add a limitation of liability clause excluding indirect and consequential loss, with the carve-outs the law requires (death or personal injury from negligence, fraud)."
        ),
        ClauseCheck(
            id: "liability_cap", name: "Liability cap", category: .commercialTerms, weight: 2, riskPoints: 2,
            kinds: commercialKinds,
            evaluate: { text in
                let capped =
                    text.matches(
                        #"(total|aggregate|maximum|entire) liability(?:[^.]|\.\d){0,250}(limited to|shall not exceed|will not exceed|does not exceed|not exceed|capped at|no more than)"#
                    )
                    || text.matches(
                        #"liability[^.]{0,120}(is|shall be|will be) (limited|capped) (to|at) [^.]{0,120}(\d|%|charges|fees|price|sum|amount)"#
                    )
                return present(capped)
            },
            gap: "no cap on total liability",
            recommendation:
                "Cap each party's total liability, for example at 100% of the charges paid and payable under the contract."
        ),
        ClauseCheck(
            id: "payment_terms", name: "Payment terms", category: .commercialTerms, weight: 2, riskPoints: 1,
            kinds: [.commercial, .businessTerms, .consumerTerms, .lease, .loan],
            evaluate: { text in
                let when =
                    text.matches(
                        #"(pay|paid|payable|invoice|rent|repay|instalment)[^.]{0,160}(within \S+ days|days of|in advance|in arrears|on or before|quarter days?|on the date|at the time of (your )?order|when you (place|submit))"#
                    )
                    || text.matches(
                        #"(invoice|payment|instalment)[^.]{0,80}(monthly|quarterly|annually|on completion|on the date)"#
                    )
                if when { return (.present, nil) }
                if text.containsAny(["payment", "invoice", "price", "charges", "fees", "rent"]) {
                    return (.partial, "prices or charges are mentioned but not when they must be paid")
                }
                return (.missing, nil)
            },
            gap: "no payment terms (amount, invoicing and when payment is due)",
            recommendation: "State the charges, when invoices are issued and the number of days allowed for payment."),
        ClauseCheck(
            id: "late_payment", name: "Late payment interest", category: .commercialTerms, weight: 1.5,
            riskPoints: 0.5, kinds: commercialKinds,
            evaluate: { text in
                if text.contains("late payment of commercial debts") { return (.present, nil) }
                if text.contains("interest"),
                    text.containsAny(["late", "overdue", "not paid", "unpaid", "fails to pay"])
                {
                    return (
                        .partial,
                        "late payment interest is provided without reference to the Late Payment of Commercial Debts (Interest) Act 1998"
                    )
                }
                return (.missing, nil)
            },
            gap: "no late payment clause (Late Payment of Commercial Debts (Interest) Act 1998)",
            recommendation:
                "Add a late payment clause allowing interest and fixed-sum compensation under the Late Payment of Commercial Debts (Interest) Act 1998."
        ),
        ClauseCheck(
            id: "intellectual_property", name: "Intellectual property", category: .commercialTerms, weight: 1.5,
            riskPoints: 1, kinds: [.commercial, .businessTerms, .websiteTerms],
            evaluate: { text in present(text.containsAny(["intellectual property", "copyright"])) },
            gap: "no intellectual property clause (ownership and licences of work product)",
            recommendation: "Say who owns intellectual property in deliverables and what licence the other party has."),
        ClauseCheck(
            id: "force_majeure", name: "Force majeure", category: .commercialTerms, weight: 1, riskPoints: 0.5,
            kinds: [.commercial, .businessTerms, .consumerTerms, .loan],
            evaluate: { text in
                present(
                    text.containsAny([
                        "force majeure", "beyond its reasonable control", "beyond their reasonable control",
                        "beyond our reasonable control", "beyond the reasonable control", "outside our control",
                        "outside its control", "outside its reasonable control", "outside our reasonable control",
                    ]))
            },
            gap: "no force majeure clause",
            recommendation:
                "Add a force majeure clause excusing delay caused by events beyond a party's reasonable control, with a right to terminate if it lasts."
        ),
    ]

    /// Employment Rights Act 1996 section 1 written statement particulars.
    static let employment: [ClauseCheck] = [
        particular(
            "employment_job_title", "Job title and duties", ["job title", "employed as", "position of", "main duties"]),
        particular(
            "employment_start_date", "Start date",
            ["employment begins", "start date", "date of commencement", "commencement of employment"]),
        particular("employment_continuous", "Continuous employment date", ["continuous employment"]),
        ClauseCheck(
            id: "employment_pay", name: "Pay and pay intervals", category: .employmentLaw, weight: 1, riskPoints: 0.75,
            kinds: [.employment],
            evaluate: { text in
                let pay = text.containsAny(["salary", "wage", "rate of pay", "remuneration"])
                let interval = text.containsAny(["monthly", "weekly", "each month", "each week", "in arrears"])
                if pay && interval { return (.present, nil) }
                if pay { return (.partial, "pay is stated but not how often it is paid") }
                return (.missing, nil)
            },
            gap: "no statement of pay and pay intervals (Employment Rights Act 1996, s.1)",
            recommendation: "State the rate of pay and when it is paid (Employment Rights Act 1996, s.1)."),
        particular(
            "employment_hours", "Hours of work",
            ["hours of work", "normal hours", "working hours", "hours a week", "hours per week"]),
        particular(
            "employment_holiday", "Holiday entitlement",
            [
                "paid holiday", "holiday entitlement", "annual leave", "holiday year", "days' holiday",
                "weeks' holiday",
            ]),
        particular("employment_sickness", "Sickness absence and sick pay", ["sick"]),
        particular("employment_pension", "Pension", ["pension"]),
        ClauseCheck(
            id: "employment_notice", name: "Notice periods", category: .employmentLaw, weight: 1, riskPoints: 0.75,
            kinds: [.employment],
            evaluate: { text in
                if text.contains("notice"),
                    text.containsAny([
                        "weeks' notice", "week's notice", "months' notice", "month's notice", "statutory minimum",
                        "weeks' written notice", "months' written notice",
                    ])
                {
                    return (.present, nil)
                }
                if text.contains("notice") {
                    return (.partial, "notice is mentioned without the periods each side must give")
                }
                return (.missing, nil)
            },
            gap: "no notice periods for employer and employee (Employment Rights Act 1996, s.1 and s.86)",
            recommendation:
                "State the notice each party must give, at least the statutory minimum under section 86 of the Employment Rights Act 1996."
        ),
        particular(
            "employment_place_of_work", "Place of work", ["place of work", "workplace", "normal place", "work from"]),
        particular("employment_probation", "Probation", ["probation"]),
        ClauseCheck(
            id: "employment_discipline_grievance", name: "Disciplinary and grievance procedures",
            category: .employmentLaw, weight: 1, riskPoints: 0.75, kinds: [.employment],
            evaluate: { text in
                let discipline = text.contains("disciplinary")
                let grievance = text.contains("grievance")
                if discipline && grievance { return (.present, nil) }
                if discipline || grievance {
                    return (.partial, discipline ? "no grievance procedure" : "no disciplinary procedure")
                }
                return (.missing, nil)
            },
            gap: "no disciplinary and grievance procedures",
            recommendation: "Refer to disciplinary and grievance procedures that follow the ACAS Code of Practice."),
        particular("employment_training", "Training", ["training"]),
        particular(
            "employment_rights_act", "Employment Rights Act 1996 written statement", ["employment rights act 1996"]),
    ]

    static func particular(_ id: String, _ name: String, _ phrases: [String]) -> ClauseCheck {
        ClauseCheck(
            id: id, name: name, category: .employmentLaw, weight: 1, riskPoints: 0.75, kinds: [.employment],
            evaluate: { text in present(text.containsAny(phrases)) },
            gap: "no \(name.lowercased()) (a written statement particular under the Employment Rights Act 1996, s.1)",
            recommendation: "Add the \(name.lowercased()) to the written statement (Employment Rights Act 1996, s.1).")
    }

    static let consumer: [ClauseCheck] = [
        ClauseCheck(
            id: "consumer_cancellation", name: "14-day cancellation right", category: .consumerRights, weight: 3,
            riskPoints: 2, kinds: [.consumerTerms],
            evaluate: { text in
                let cancel = text.containsAny(["right to cancel", "cancel the contract", "cancellation"])
                let fourteen = text.containsAny(["14 days", "14-day", "fourteen days"])
                if cancel && fourteen { return (.present, nil) }
                if cancel { return (.partial, "cancellation is mentioned without the 14-day period") }
                return (.missing, nil)
            },
            gap: "no 14-day cancellation right (Consumer Contracts Regulations 2013)",
            recommendation:
                "Set out the consumer's right to cancel within 14 days, how to cancel and how refunds are made, with the model cancellation form."
        ),
        ClauseCheck(
            id: "consumer_statutory_remedies", name: "Statutory rights and remedies (Consumer Rights Act 2015)",
            category: .consumerRights, weight: 3, riskPoints: 2, kinds: [.consumerTerms],
            evaluate: { text in
                let act = text.contains("consumer rights act 2015")
                let remedies = text.containsAny([
                    "repair", "replacement", "right to reject", "price reduction", "refund",
                ])
                if act && remedies { return (.present, nil) }
                if act || text.contains("statutory rights") {
                    return (
                        .partial, "statutory rights are mentioned without the remedies (repair, replacement, refund)"
                    )
                }
                return (.missing, nil)
            },
            gap: "no statement of statutory rights and remedies under the Consumer Rights Act 2015",
            recommendation:
                "Explain the consumer's statutory rights under the Consumer Rights Act 2015: the right to reject, repair or replacement, price reduction and refund."
        ),
    ]

    static let specialised: [ClauseCheck] = [
        simple(
            "nda_permitted_disclosure", "Exceptions and permitted disclosure", [.nda],
            ["required by law", "public knowledge", "publicly available", "in the public domain", "becomes public"],
            "no exceptions for public information or disclosure required by law"),
        ClauseCheck(
            id: "nda_return_of_information", name: "Return or destruction of information", category: .commercialTerms,
            weight: 1, riskPoints: 0.5, kinds: [.nda],
            evaluate: { text in present(text.matches(#"return[^.]{0,160}(destr|delet)|(destr|delet)[^.]{0,60}return"#))
            },
            gap: "no obligation to return or destroy confidential information",
            recommendation: "Add a clause on return or destruction of information."),
        simple("lease_repair", "Repair and maintenance", [.lease], ["repair"], "no repairing obligations"),
        simple("lease_insurance", "Insurance", [.lease], ["insur"], "no insurance obligations"),
        simple(
            "lease_security_of_tenure", "Security of tenure (Landlord and Tenant Act 1954)", [.lease],
            ["landlord and tenant act 1954"],
            "no statement on security of tenure under the Landlord and Tenant Act 1954"),
        simple("partnership_capital", "Capital contributions", [.partnership], ["capital"], "no capital contributions"),
        simple(
            "partnership_profits", "Profit and loss sharing", [.partnership], ["profit"], "no profit and loss sharing"),
        simple(
            "partnership_decisions", "Decision making", [.partnership], ["decision", "unanimous", "majority"],
            "no decision-making rules"),
    ]

    static func simple(
        _ id: String, _ name: String, _ kinds: Set<DocumentKind>, _ phrases: [String], _ gap: String
    ) -> ClauseCheck {
        ClauseCheck(
            id: id, name: name, category: .commercialTerms, weight: 1, riskPoints: 0.5, kinds: kinds,
            evaluate: { text in present(text.containsAny(phrases)) },
            gap: gap, recommendation: "Add a clause on \(name.lowercased()).")
    }
}
