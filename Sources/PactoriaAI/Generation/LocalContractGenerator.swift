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

    public func generate(contract: Contract, template: Template, extraValues: [String: String] = [:])
        -> LocalGeneration
    {
        let brief = contract.plainEnglishInput?.trimmingSpaces() ?? ""
        let requirements = RequirementsExtractor.extract(brief)
        let metadata = PlaceholderValues.from(contract: contract)
        let derived = derive(contract: contract, template: template, requirements: requirements, brief: brief)

        var values = derived
        for (name, value) in metadata where name != "requirements" { values[name] = value }
        for (name, value) in extraValues where !value.trimmingSpaces().isEmpty { values[name] = value }

        // Term and fees go into their own sections; without one, into the requirements list.
        let term = Self.termSentence(contract: contract, requirements: requirements)
        let fees = Self.feesSentence(requirements: requirements)
        let termInSection = term != nil && Self.section(in: template.body, matching: Self.termWords) != nil
        let feesInSection = fees != nil && Self.section(in: template.body, matching: Self.feeWords) != nil
        var items = requirements.scopeItems
        if let term, !termInSection { items.append(term) }
        if let fees, !feesInSection { items.append(fees) }
        if extraValues["requirements"] == nil, !items.isEmpty { values["requirements"] = Self.requirementsList(items) }

        let rendered = TemplateRenderer.render(template, values: values)
        var markdown = rendered.markdown
        let usesRequirementsSlot = template.placeholders.contains("requirements")

        if !usesRequirementsSlot, !items.isEmpty, extraValues["requirements"] == nil {
            markdown = Self.appendToSection(
                markdown, matching: Self.scopeWords, paragraph: Self.requirementsList(items))
        }
        if let term, termInSection {
            markdown = Self.appendToSection(markdown, matching: Self.termWords, paragraph: "**Agreed term.** " + term)
        }
        if let fees, feesInSection {
            markdown = Self.appendToSection(markdown, matching: Self.feeWords, paragraph: "**Agreed fees.** " + fees)
        }
        if !markdown.hasSuffix("\n") { markdown += "\n" }

        let confidence = ConfidenceAssessment.assess(markdown: markdown, template: template, type: contract.type)
        return LocalGeneration(
            markdown: markdown, rendered: rendered, requirements: requirements, derivedValues: derived,
            confidence: confidence)
    }

    // MARK: - Deriving values from the brief

    func derive(contract: Contract, template: Template, requirements: ExtractedRequirements, brief: String)
        -> [String: String]
    {
        var values: [String: String] = [:]
        let names = Set(template.placeholders)

        if !brief.isEmpty { values["requirements"] = brief }

        if let duration = requirements.duration {
            if contract.end == nil {
                if let start = contract.start {
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

        let periodic = requirements.amounts.first { $0.period != nil }
        let total = requirements.amounts.first { $0.period == nil }
        if contract.value == nil {
            if let total {
                values["contract_value"] = total.amount.grouped
                values["currency"] = total.currency.rawValue
            } else if let periodic, let amountTotal = Self.total(of: periodic, over: requirements.duration) {
                values["contract_value"] = amountTotal.grouped
                values["currency"] = periodic.currency.rawValue
            }
        }
        if let periodic {
            switch periodic.period {
            case .month?: values["invoice_frequency"] = "monthly in arrears"
            case .week?: values["invoice_frequency"] = "weekly in arrears"
            default: break
            }
            values["fee_basis"] = "the Services performed in the month, at \(periodic.formatted)"
            values["payment_schedule"] = "\(periodic.formatted), invoiced in arrears"
        }
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
            case .year: break
            }
        }
        return values
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

    static func requirementsList(_ items: [String]) -> String {
        "**Specific requirements**\n\n" + items.map { "- \($0)" }.joined(separator: "\n")
    }

    /// "The parties have agreed a term of 3 months ("three months" in the brief), from … to …."
    static func termSentence(contract: Contract, requirements: ExtractedRequirements) -> String? {
        guard let duration = requirements.duration else { return nil }
        let agreed = "The parties have agreed a term of \(duration.spelled)"
        if let start = contract.start {
            let end = contract.end ?? duration.endDate(from: start)
            return agreed + ", from \(UKDate.long(start)) to \(UKDate.long(end))."
        }
        return agreed + " from the Commencement Date."
    }

    /// "The fees agreed for this engagement are £5,000.00 a month (£15,000.00 in total …), exclusive of VAT."
    static func feesSentence(requirements: ExtractedRequirements) -> String? {
        guard !requirements.amounts.isEmpty else { return nil }
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
        if let days = requirements.paymentTermsDays { text += ", payable within \(days) days of invoice" }
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
        "rent", "repayment", "subscription",
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
