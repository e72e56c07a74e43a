public import PactoriaCore

/// The result of local generation.
public struct LocalGeneration: Sendable, Equatable {
    /// The contract Markdown: every placeholder filled or marked `[TO COMPLETE: …]`.
    public var markdown: String
    /// Which placeholders were filled, defaulted or left.
    public var rendered: RenderedContract
    /// What was understood from `plain_english_input`.
    public var requirements: ExtractedRequirements
    /// Placeholder values derived from the brief (an end date from start date and duration, …).
    public var derivedValues: [String: String]
    /// Values that were guessed rather than stated (a template default for a fact the brief
    /// should give, duties inferred from the job title), each "name: why"; to be checked by hand.
    public var guessed: [String]
    public var confidence: ConfidenceAssessment
}

/// Generates a contract offline: fills the template from the contract's metadata and weaves
/// the plain-English brief into the relevant clauses.
///
/// - **Scope**: the brief's sentences become a "Specific requirements" list in the
///   `{{requirements}}` slot (which templates put under the services, scope or duties clause);
///   without that slot the list is added at the end of the scope section.
/// - **Term**: a duration ("three months", "a 12-month contract") gives the end date when the
///   contract has none (start date + duration − 1 day, or "the end of a period of three months
///   from the Commencement Date" without a start date), fills `*_term_months`,
///   `*_term_years`, `licence_period` and `repayment_instalments`, and adds an "Agreed term"
///   paragraph to the term section.
/// - **Fees**: amounts ("£5,000 a month") give the contract value when the contract has none
///   (a periodic amount times the term), `invoice_frequency`, `fee_basis` and
///   `payment_schedule`, and an "Agreed fees" paragraph in the charges or payment section.
/// - Notice periods and payment days from the brief fill `notice_period_*` and
///   `payment_terms_days`.
///
/// Values precedence: `extraValues`, then contract metadata, then values derived from the
/// brief, then template defaults, else `[TO COMPLETE: …]`.
public struct LocalContractGenerator: Sendable {
    public static let name = "pactoria-local-generator"
    public static let version = "1.0.0"

    public init() {}

    /// - Parameter companyRole: the role of the workspace's company in this contract
    ///   ("Employer"), so "our Ancoats café" becomes "the Employer's Ancoats café".
    public func generate(
        contract: Contract, template: Template, extraValues: [String: String] = [:], companyRole: String? = nil
    ) -> LocalGeneration {
        let brief = contract.plainEnglishInput?.trimmingSpaces() ?? ""
        let requirements = RequirementsExtractor.extract(brief)
        let metadata = PlaceholderValues.from(contract: contract)
        let derivation = derive(
            contract: contract, template: template, requirements: requirements, brief: brief,
            companyRole: companyRole)
        let derived = derivation.values

        var values = derived
        for (name, value) in metadata where name != "requirements" { values[name] = value }
        for (name, value) in extraValues where !value.trimmingSpaces().isEmpty { values[name] = value }

        // Term and fees go into their own sections; without one, into the requirements list.
        let start = contract.start ?? requirements.facts.startDate
        let term = Self.termSentence(start: start, end: contract.end, requirements: requirements)
        let employment = Self.isEmployment(template)
        let fees =
            employment
            ? Self.paySentence(requirements: requirements, annual: derivation.annualPay)
            : Self.feesSentence(requirements: requirements)
        let termInSection = term != nil && Self.section(in: template.body, matching: Self.termWords) != nil
        let feesInSection = fees != nil && Self.section(in: template.body, matching: Self.feeWords) != nil
        var items = requirements.scopeItems
        if let term, !termInSection { items.append(term) }
        if let fees, !feesInSection { items.append(fees) }
        var blocks: [String] = []
        if !items.isEmpty {
            // Duties guessed from the job title stay first when the list holds only a term or pay.
            if let duties = derived["requirements"],
                derivation.guessed.contains(where: { $0.hasPrefix("requirements:") })
            {
                blocks.append(duties)
            }
            blocks.append(Self.requirementsList(items))
        }
        if !requirements.facts.deliverables.isEmpty {
            blocks.append(Self.list("Deliverables", requirements.facts.deliverables))
        }
        if !requirements.facts.milestones.isEmpty {
            blocks.append(Self.list("Milestones", requirements.facts.milestones.map(\.line)))
        }
        if extraValues["requirements"] == nil, !blocks.isEmpty {
            values["requirements"] = blocks.joined(separator: "\n\n")
        }

        let rendered = TemplateRenderer.render(template, values: values, withoutDefaults: derivation.noDefault)
        var markdown = rendered.markdown
        let usesRequirementsSlot = template.placeholders.contains("requirements")

        if !usesRequirementsSlot, !blocks.isEmpty, extraValues["requirements"] == nil {
            markdown = Self.appendToSection(
                markdown, matching: Self.scopeWords, paragraph: blocks.joined(separator: "\n\n"))
        }
        if let term, termInSection {
            markdown = Self.appendToSection(markdown, matching: Self.termWords, paragraph: "**Agreed term.** " + term)
        }
        if let fees, feesInSection {
            let label = employment ? "**Agreed pay.** " : "**Agreed fees.** "
            markdown = Self.appendToSection(markdown, matching: Self.feeWords, paragraph: label + fees)
        }
        if !markdown.hasSuffix("\n") { markdown += "\n" }

        // Template defaults standing in for a fact the brief or metadata should give are guesses.
        var guessed = derivation.guessed.filter { entry in
            let name = String(entry.prefix { $0 != ":" })
            return rendered.filled.contains(name) || rendered.defaulted.contains(name)
        }
        for name in rendered.defaulted where ConfidenceAssessment.isFact(name, in: template) {
            let value = template.variable(named: name)?.defaultValue ?? ""
            guessed.append("\(name): the template's default (\(value)) was used; the brief does not say")
        }
        let confidence = ConfidenceAssessment.assess(
            markdown: markdown, template: template, contract: contract, rendered: rendered,
            guessed: guessed.map { String($0.prefix { $0 != ":" }) })
        return LocalGeneration(
            markdown: markdown, rendered: rendered, requirements: requirements, derivedValues: derived,
            guessed: guessed, confidence: confidence)
    }

    /// The template states `contract_value` as a yearly amount (a salary, a rent).
    static func valueIsAnnual(_ template: Template) -> Bool {
        ["{{contract_value}} a year", "{{contract_value}} per annum", "{{contract_value}} a year"].contains {
            template.body.contains($0)
        }
    }

    /// An employment template: it has a job title and hours.
    static func isEmployment(_ template: Template) -> Bool {
        let names = Set(template.placeholders)
        return template.contractType == .employmentContract || names.contains("hours_per_week")
    }

    // MARK: - Deriving values from the brief

    /// What the brief gives: values, defaults that would contradict it, guesses.
    struct Derivation {
        var values: [String: String] = [:]
        /// Variables whose template default contradicts the brief (22.5 hours when it says 20):
        /// left to complete rather than defaulted.
        var noDefault: Set<String> = []
        /// "name: why" for values inferred rather than stated.
        var guessed: [String] = []
        /// Yearly pay worked out from an hourly, weekly or monthly rate.
        var annualPay: MoneyMention?
    }

    func derive(
        contract: Contract, template: Template, requirements: ExtractedRequirements, brief: String,
        companyRole: String? = nil
    ) -> Derivation {
        var result = Derivation()
        var values: [String: String] = [:]
        let names = Set(template.placeholders)
        let facts = requirements.facts
        let employment = Self.isEmployment(template)

        if !brief.isEmpty { values["requirements"] = brief }

        // Dates from the brief when the metadata has none.
        let start = contract.start ?? facts.startDate
        if contract.start == nil, let date = facts.startDate { values["start_date"] = UKDate.long(date) }
        if contract.end == nil, let date = facts.endDate { values["end_date"] = UKDate.long(date) }

        if let duration = requirements.duration {
            if contract.end == nil, facts.endDate == nil {
                if let start {
                    values["end_date"] = UKDate.long(duration.endDate(from: start))
                } else {
                    values["end_date"] = "the end of a period of \(duration.spelled) from the Commencement Date"
                }
            }
            for name in names {
                if name.hasSuffix("term_months"), let months = duration.months { values[name] = "\(months)" }
                if name.hasSuffix("term_years"), duration.unit == .year { values[name] = "\(duration.count)" }
            }
            if names.contains("licence_period") { values["licence_period"] = duration.spelled }
            if names.contains("repayment_instalments"), let months = duration.months {
                values["repayment_instalments"] = "\(months)"
            }
        }

        // Employment particulars.
        if let title = facts.jobTitle { values["job_title"] = title }
        if let place = facts.placeOfWork {
            var text = place
            if text.lowercased().hasPrefix("our "), let companyRole {
                text = "the \(companyRole)'s " + text.dropFirst(4)
            }
            values["place_of_work"] = text
        }
        if let probation = facts.probation {
            if probation.unit == .month {
                values["probation_months"] = "\(probation.count)"
            } else if names.contains("probation_months") {
                result.noDefault.insert("probation_months")
            }
        }
        if let hours = facts.hoursPerWeek {
            values["hours_per_week"] = hours
            if facts.daysPerWeek == nil {
                // The template's pattern and holiday assume its own hours.
                result.noDefault.formUnion(["working_pattern", "holiday_days"])
            }
        }
        if let days = facts.daysPerWeek {
            let spelled = ContractDuration(count: days, unit: .day, text: "").spelled
            values["working_pattern"] =
                "over \(spelled) a week, on the days agreed between the parties in writing"
            // 5.6 weeks' statutory holiday, pro rata: 5.6 x days worked a week, at most 28.
            let tenths = min(280, 56 * days)
            values["holiday_days"] = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
        }
        if employment, names.contains("requirements"), requirements.scopeItems.isEmpty {
            let role = facts.jobTitle.map { "a \($0)" } ?? "the role"
            values["requirements"] =
                "- The duties usually carried out by \(role), as reasonably directed by the Employer."
            result.guessed.append("requirements: the duties are not in the brief; a general duty was written")
        }

        if let rate = facts.interestRate { values["interest_rate"] = rate }
        if let n = facts.instalments, names.contains("repayment_instalments") {
            values["repayment_instalments"] = "\(n)"
        }
        if let address = facts.propertyAddress {
            if names.contains("property_address") { values["property_address"] = address }
            if names.contains("delivery_location") { values["delivery_location"] = address }
        }

        let periodic = requirements.amounts.first { $0.period != nil }
        let total = requirements.amounts.first { $0.period == nil }
        if employment || Self.valueIsAnnual(template) {
            // Pay: a salary a year, or a rate worked out to a year.
            if let pay = periodic ?? total {
                if let annual = Self.annual(pay, hoursPerWeek: facts.hoursPerWeek) {
                    result.annualPay = annual
                    if contract.value == nil {
                        values["contract_value"] = annual.amount.grouped
                        values["currency"] = annual.currency.rawValue
                    }
                } else if contract.value == nil {
                    result.noDefault.insert("contract_value")
                }
            }
        } else if contract.value == nil {
            if let total {
                values["contract_value"] = total.amount.grouped
                values["currency"] = total.currency.rawValue
            } else if let periodic, let amountTotal = Self.total(of: periodic, over: requirements.duration) {
                values["contract_value"] = amountTotal.grouped
                values["currency"] = periodic.currency.rawValue
            }
        }
        if let periodic, !employment {
            switch periodic.period {
            case .month?: values["invoice_frequency"] = "monthly in arrears"
            case .week?: values["invoice_frequency"] = "weekly in arrears"
            default: break
            }
            values["fee_basis"] = "the Services performed in the month, at \(periodic.formatted)"
            values["payment_schedule"] = "\(periodic.formatted), invoiced in arrears"
        }
        if !facts.paymentSchedule.isEmpty { values["payment_schedule"] = Self.joined(facts.paymentSchedule) }
        if let days = requirements.paymentTermsDays { values["payment_terms_days"] = "\(days)" }
        if let notice = requirements.noticePeriod {
            switch notice.unit {
            case .day: values["notice_period_days"] = "\(notice.count)"
            case .week:
                values["notice_period_weeks"] = "\(notice.count)"
                values["notice_period_days"] = "\(notice.count * 7)"
            case .month:
                values["notice_period_months"] = "\(notice.count)"
                values["break_notice_months"] = "\(notice.count)"
                // A month is not a whole number of weeks: leave a weeks-only slot to complete.
                if names.contains("notice_period_weeks") { result.noDefault.insert("notice_period_weeks") }
            case .year: break
            }
        }
        result.values = values
        return result
    }

    /// Pay worked out to a year: hourly x hours a week x 52, weekly x 52, monthly x 12.
    static func annual(_ pay: MoneyMention, hoursPerWeek: String?) -> MoneyMention? {
        guard let minor = pay.amount.minorUnits else { return nil }
        let yearly: Int64
        switch pay.period {
        case .year?, nil: yearly = minor
        case .month?: yearly = minor * 12
        case .week?: yearly = minor * 52
        case .hour?:
            guard let hours = hoursPerWeek.flatMap(Double.init) else { return nil }
            yearly = Int64((Double(minor) * hours * 52).rounded())
        case .day?: return nil
        }
        let amount = DecimalAmount(minorUnits: yearly)
        return MoneyMention(
            amount: amount, currency: pay.currency, period: .year,
            text: pay.currency.symbol + amount.grouped + " a year")
    }

    /// "a, b and c".
    static func joined(_ parts: [String]) -> String {
        parts.count <= 1 ? parts.joined() : parts.dropLast().joined(separator: ", ") + " and " + parts.last!
    }

    /// A periodic amount over a duration ("£5,000 a month" over three months = £15,000).
    static func total(of mention: MoneyMention, over duration: ContractDuration?) -> DecimalAmount? {
        guard let duration, let period = mention.period, let minor = mention.amount.minorUnits else { return nil }
        let periods: Int?
        switch (period, duration.unit) {
        case (.month, .month): periods = duration.count
        case (.month, .year): periods = duration.count * 12
        case (.year, .year): periods = duration.count
        case (.week, .week): periods = duration.count
        case (.day, .day): periods = duration.count
        case (.week, .month): periods = nil
        default: periods = nil
        }
        guard let periods else { return nil }
        return DecimalAmount(minorUnits: minor * Int64(periods))
    }

    // MARK: - Paragraphs

    static func requirementsList(_ items: [String]) -> String { list("Specific requirements", items) }

    static func list(_ heading: String, _ items: [String]) -> String {
        "**\(heading)**\n\n" + items.map { "- \($0)" }.joined(separator: "\n")
    }

    /// "The parties have agreed a term of three months, from 1 February 2026 to 30 April 2026."
    static func termSentence(start: CalendarDate?, end: CalendarDate?, requirements: ExtractedRequirements)
        -> String?
    {
        guard let duration = requirements.duration else { return nil }
        let agreed = "The parties have agreed a term of \(duration.spelled)"
        if let start {
            let last = end ?? requirements.facts.endDate ?? duration.endDate(from: start)
            return agreed + ", from \(UKDate.long(start)) to \(UKDate.long(last))."
        }
        return agreed + " from the Commencement Date."
    }

    /// "The Employee is paid £11.44 an hour for 20 hours a week, which is £11,897.60 a year."
    static func paySentence(requirements: ExtractedRequirements, annual: MoneyMention?) -> String? {
        guard let pay = requirements.amounts.first(where: { $0.period != nil }) ?? requirements.amounts.first
        else { return nil }
        var text = "The Employee is paid \(pay.formatted)"
        if pay.period == nil { text += " a year" }
        if pay.period == .hour, let hours = requirements.facts.hoursPerWeek { text += " for \(hours) hours a week" }
        if let annual, pay.period != .year, pay.period != nil {
            text += ", which is \(annual.currency.symbol)\(annual.amount.grouped) a year gross"
        }
        return text + "."
    }

    /// "The fees agreed for this engagement are £5,000.00 a month (£15,000.00 in total …), exclusive of VAT."
    static func feesSentence(requirements: ExtractedRequirements) -> String? {
        let schedule = requirements.facts.paymentSchedule
        guard !requirements.amounts.isEmpty else {
            return schedule.isEmpty ? nil : "The fees are payable \(joined(schedule))."
        }
        var parts = requirements.amounts.map(\.formatted)
        if let index = requirements.amounts.firstIndex(where: { $0.period != nil }),
            let duration = requirements.duration,
            let total = total(of: requirements.amounts[index], over: duration)
        {
            let mention = requirements.amounts[index]
            parts[index] =
                "\(mention.formatted) (\(mention.currency.symbol)\(total.grouped) in total over the agreed "
                + "term of \(duration.spelled))"
        }
        let list = parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " and " + parts.last!
        var text = "The fees agreed for this engagement are \(list), exclusive of VAT"
        if !schedule.isEmpty { text += ", payable \(joined(schedule))" }
        if let days = requirements.paymentTermsDays {
            text += schedule.isEmpty ? ", payable within \(days) days of invoice" : ", each invoice within \(days) days"
        }
        return text + "."
    }

    // MARK: - Sections

    static let scopeWords: Set<String> = [
        "services", "service", "scope", "duties", "purpose", "products", "goods", "work", "project", "deliverables",
        "software", "licence", "premises", "business",
    ]
    static let termWords: Set<String> = ["term", "duration", "commencement"]
    static let feeWords: Set<String> = [
        "charges", "charge", "fees", "fee", "payment", "payments", "price", "prices", "pricing", "pay", "remuneration",
        "rent", "repayment", "subscription", "salary",
    ]

    /// Appends `paragraph` at the end of the first `##`/`###` section whose heading has one of
    /// `words`, or at the end of the document when there is none.
    static func appendToSection(_ markdown: String, matching words: Set<String>, paragraph: String) -> String {
        var lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let target = section(in: lines, matching: words) else {
            while lines.last?.trimmingSpaces().isEmpty == true { lines.removeLast() }
            return lines.joined(separator: "\n") + "\n\n" + paragraph + "\n"
        }
        var end = lines.count
        for index in (target.index + 1)..<lines.count {
            if let level = headingLevel(lines[index]), level <= target.level {
                end = index
                break
            }
        }
        var insertAt = end
        while insertAt > target.index + 1, lines[insertAt - 1].trimmingSpaces().isEmpty { insertAt -= 1 }
        lines.insert(contentsOf: ["", paragraph], at: insertAt)
        return lines.joined(separator: "\n")
    }

    /// The first `##`/`###` heading line (index and level) with one of `words`.
    static func section(in lines: [String], matching words: Set<String>) -> (index: Int, level: Int)? {
        for (index, line) in lines.enumerated() {
            guard let level = headingLevel(line), level >= 2 else { continue }
            let headingWords = Set(line.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
            if !headingWords.isDisjoint(with: words) { return (index, level) }
        }
        return nil
    }

    static func section(in markdown: String, matching words: Set<String>) -> (index: Int, level: Int)? {
        section(in: markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), matching: words)
    }

    static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard hashes > 0, line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }
}
