public import PactoriaCore

/// A milestone stated in a brief ("design signed off by 1 March 2027").
public struct Milestone: Sendable, Hashable {
    public var description: String
    public var date: CalendarDate

    public init(description: String, date: CalendarDate) {
        self.description = description
        self.date = date
    }

    /// "Design signed off: by 1 March 2027".
    public var line: String { "\(description): by \(UKDate.long(date))" }
}

/// The facts of a brief that land in named template variables or clauses: the probation
/// period (never the term), working hours and days, the job title, the place of work, start
/// and end dates, deliverables, milestones and the payment schedule.
public struct BriefFacts: Sendable, Hashable {
    /// "one month probation", "a probationary period of three months".
    public var probation: ContractDuration?
    /// Hours a week, as written in digits ("20", "37.5").
    public var hoursPerWeek: String?
    /// Working days a week.
    public var daysPerWeek: Int?
    /// "Barista", "Assistant Manager".
    public var jobTitle: String?
    /// "our Ancoats café", "12 High Street, Leeds".
    public var placeOfWork: String?
    public var startDate: CalendarDate?
    public var endDate: CalendarDate?
    /// One item each ("a new five-page website", "a content management system").
    public var deliverables: [String]
    public var milestones: [Milestone]
    /// Stages of payment ("50% on signing", "50% on delivery"), or "in 12 monthly instalments".
    public var paymentSchedule: [String]
    /// "in 24 monthly instalments".
    public var instalments: Int?
    /// An interest rate a year, as written in digits ("8", "6.5").
    public var interestRate: String?
    /// "14 Mill Lane, Leeds LS1 4AB" (premises let, or a delivery address).
    public var propertyAddress: String?

    public init(
        probation: ContractDuration? = nil, hoursPerWeek: String? = nil, daysPerWeek: Int? = nil,
        jobTitle: String? = nil, placeOfWork: String? = nil, startDate: CalendarDate? = nil,
        endDate: CalendarDate? = nil, deliverables: [String] = [], milestones: [Milestone] = [],
        paymentSchedule: [String] = [], instalments: Int? = nil, interestRate: String? = nil,
        propertyAddress: String? = nil
    ) {
        self.instalments = instalments
        self.interestRate = interestRate
        self.propertyAddress = propertyAddress
        self.probation = probation
        self.hoursPerWeek = hoursPerWeek
        self.daysPerWeek = daysPerWeek
        self.jobTitle = jobTitle
        self.placeOfWork = placeOfWork
        self.startDate = startDate
        self.endDate = endDate
        self.deliverables = deliverables
        self.milestones = milestones
        self.paymentSchedule = paymentSchedule
    }

    public var isEmpty: Bool { self == BriefFacts() }
}

/// Reads `BriefFacts` from a brief; the ranges it used are returned so durations and scope
/// sentences do not read them again ("one month probation" is not a one-month term).
enum BriefFactsReader {
    static let count = RequirementsExtractor.countPattern
    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]
    /// "6 January 2027", "6th Jan 2027", "January 6, 2027", "2027-01-06".
    static let datePattern =
        #"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d{2}-\d{2})"#
    /// Words after which a phrase (job title, place) ends.
    static let stopWords =
        #"(?=\s*[,.;:()]|\s*$|\s+(?:at|in|for|from|on|working|starting|start|based|to|with|who|paid|earning|and|on|reporting|,)\b)"#

    static func read(_ text: String) -> (facts: BriefFacts, consumed: [Range<String.Index>]) {
        var facts = BriefFacts()
        var consumed: [Range<String.Index>] = []

        // Probation before anything reads "one month" as the term.
        let probationPatterns = [
            #"(?i)\b(\#(count))[\s-]+(week|month)(?:s'|'s|s)?\s+(?:of\s+)?(?:probation(?:ary)?(?:\s+period)?|trial\s+period)\b"#,
            #"(?i)\b(?:probation(?:ary)?(?:\s+period)?|trial\s+period)\s+(?:of|is|lasting|lasts|for)\s+(\#(count))[\s-]+(week|month)s?\b"#,
        ]
        for pattern in probationPatterns where facts.probation == nil {
            if let match = text.firstMatch(of: try! Regex(pattern)),
                let duration = RequirementsExtractor.duration(
                    count: match.output[1].substring, unit: match.output[2].substring, text: text[match.range])
            {
                facts.probation = duration
                consumed.append(match.range)
            }
        }

        let hoursPatterns = [
            #"(?i)\b(\d{1,2}(?:\.\d{1,2})?|\#(count))\s*(?:hours?|hrs?)\s*(?:a|per|each|every|/)\s*week\b"#,
            #"(?i)\b(\d{1,2}(?:\.\d{1,2})?)[\s-]+hour\s+(?:working\s+)?week\b"#,
        ]
        for pattern in hoursPatterns where facts.hoursPerWeek == nil {
            if let match = text.firstMatch(of: try! Regex(pattern)), let raw = match.output[1].substring {
                let key = raw.lowercased()
                if let number = Double(key) ?? RequirementsExtractor.numberWords[key].map(Double.init), number > 0,
                    number <= 60
                {
                    facts.hoursPerWeek = number == number.rounded() ? "\(Int(number))" : String(raw)
                    consumed.append(match.range)
                }
            }
        }
        if let match = text.firstMatch(
            of: try! Regex(#"(?i)\b(\#(count))\s+(?:working\s+)?days?\s+(?:a|per|each|every)\s+week\b"#)),
            let raw = match.output[1].substring
        {
            let key = raw.lowercased()
            if let days = Int(key) ?? RequirementsExtractor.numberWords[key], (1...7).contains(days) {
                facts.daysPerWeek = days
                consumed.append(match.range)
            }
        }

        facts.jobTitle = jobTitle(text, &consumed)
        facts.placeOfWork = placeOfWork(text, &consumed)

        // Start and end dates.
        let startPattern = try! Regex(
            #"(?i)\b(?:start(?:ing|s)?|begin(?:ning|s)?|commenc(?:ing|es|e)|effective|with\s+effect)\s+(?:on\s+|from\s+)?(?:date\s+)?(?:of\s+)?(\#(datePattern))"#
        )
        let fromPattern = try! Regex(#"(?i)\bfrom\s+(\#(datePattern))"#)
        for pattern in [startPattern, fromPattern] where facts.startDate == nil {
            if let match = text.firstMatch(of: pattern), let raw = match.output[1].substring,
                let date = parseDate(String(raw))
            {
                facts.startDate = date
                consumed.append(match.range)
            }
        }
        let endPattern = try! Regex(
            #"(?i)\b(?:until|till|ending(?:\s+on)?|ends\s+on|end\s+date\s+(?:of\s+)?|to|through)\s+(\#(datePattern))"#)
        if let match = text.firstMatch(of: endPattern), let raw = match.output[1].substring,
            !consumed.contains(where: { $0.overlaps(match.range) }), let date = parseDate(String(raw)),
            facts.startDate.map({ $0 < date }) ?? true
        {
            facts.endDate = date
            consumed.append(match.range)
        }

        // Milestones: "<something> by <date>".
        let milestonePattern = try! Regex(#"(?i)([A-Za-z][^,.;:]{2,80}?)\s+by\s+(\#(datePattern))"#)
        for match in text.matches(of: milestonePattern) {
            guard let what = match.output[1].substring, let raw = match.output[2].substring,
                let date = parseDate(String(raw))
            else { continue }
            var description = String(what).trimmingSpaces()
            for lead in ["milestones are", "milestones", "milestone", "and then", "then", "and", "with", "the"] {
                if description.lowercased().hasPrefix(lead + " ") {
                    description = String(description.dropFirst(lead.count + 1)).trimmingSpaces()
                }
            }
            guard description.count >= 3 else { continue }
            facts.milestones.append(Milestone(description: capitalised(description), date: date))
            consumed.append(match.range)
        }

        // Deliverables: "deliverables are X, Y and Z", "to deliver X".
        let deliverablePatterns = [
            #"(?i)\bdeliverables?\s*(?:are|is|include|will\s+be|:)\s*([^.;]+)"#,
            #"(?i)\b(?:will|shall|to|must)\s+deliver\s+([^.;]+)"#,
        ]
        for pattern in deliverablePatterns where facts.deliverables.isEmpty {
            if let match = text.firstMatch(of: try! Regex(pattern)), let list = match.output[1].substring {
                var clause = String(list)
                if let by = clause.firstRange(of: try! Regex(#"(?i)\s+by\s+\#(datePattern)"#)) {
                    clause = String(clause[..<by.lowerBound])
                }
                facts.deliverables = splitList(clause).map(capitalised)
                consumed.append(match.range)
            }
        }

        // Payment schedule: "50% on signing and 50% on delivery", "in 12 monthly instalments".
        let stagePattern = try! Regex(
            #"(?i)\b(\d{1,3})\s?%\s+(?:is\s+)?(?:payable\s+|paid\s+|due\s+)?(on|upon|at|after|when|before)\s+([a-z][a-z -]{1,40}?)(?=\s*[,.;]|\s+and\b|\s*$)"#
        )
        for match in text.matches(of: stagePattern) {
            guard let percent = match.output[1].substring, let word = match.output[2].substring,
                let stage = match.output[3].substring
            else { continue }
            facts.paymentSchedule.append("\(percent)% \(word.lowercased()) \(stage.trimmingSpaces())")
            consumed.append(match.range)
        }
        if facts.paymentSchedule.isEmpty,
            let match = text.firstMatch(
                of: try! Regex(
                    #"(?i)\bin\s+(\#(count))\s+(?:equal\s+)?(monthly|quarterly|weekly|annual)?\s*instal(?:l)?ments\b"#)
            ), let raw = match.output[1].substring
        {
            let key = raw.lowercased()
            if let n = Int(key) ?? RequirementsExtractor.numberWords[key] {
                let kind = match.output[2].substring.map { " \($0.lowercased())" } ?? ""
                facts.paymentSchedule.append("in \(n) equal\(kind) instalments")
                facts.instalments = n
                consumed.append(match.range)
            }
        }

        // Interest: "8% interest", "interest at 6.5% a year", "interest rate of 7%".
        let interestPatterns = [
            #"(?i)\binterest(?:\s+rate)?\s+(?:at|of)\s+(\d{1,2}(?:\.\d{1,2})?)\s?%"#,
            #"(?i)\b(\d{1,2}(?:\.\d{1,2})?)\s?%\s+(?:a\s+year\s+|per\s+annum\s+|p\.a\.\s+|annual\s+)?interest\b"#,
        ]
        for pattern in interestPatterns where facts.interestRate == nil {
            if let match = text.firstMatch(of: try! Regex(pattern)), let rate = match.output[1].substring {
                facts.interestRate = String(rate)
                consumed.append(match.range)
            }
        }

        // Premises: "the unit at 14 Mill Lane, Leeds LS1 4AB".
        if let match = text.firstMatch(
            of: try! Regex(
                #"(?i)\b(?:premises|property|unit|office|shop|warehouse|building|site|delivered\s+to|deliver\s+to|delivery\s+to)\s+(?:at\s+)?(\d[^.;]*?)(?=\s+(?:to|for|from|on|at|with)\s|[.;]|$)"#
            )), let address = match.output[1].substring
        {
            var trimmed = String(address).trimmingSpaces()
            while let last = trimmed.last, ",;:".contains(last) { trimmed = String(trimmed.dropLast()) }
            facts.propertyAddress = trimmed
            consumed.append(match.range)
        }
        return (facts, consumed)
    }

    // MARK: - Phrases

    static func jobTitle(_ text: String, _ consumed: inout [Range<String.Index>]) -> String? {
        let titleWords = #"([A-Za-z][A-Za-z&'/-]*(?:\s+[A-Za-z][A-Za-z&'/-]*){0,3}?)"#
        let kinds =
            #"(?:full[\s-]time|part[\s-]time|permanent|temporary|fixed[\s-]term|casual|seasonal|weekend|evening)"#
        let patterns = [
            #"(?i)\bjob\s+title\s*(?:is|of|will\s+be|:)?\s*(?:an?\s+|the\s+)?\#(titleWords)\#(stopWords)"#,
            #"(?i)\b(?:role|position|post)\s+of\s+(?:an?\s+|the\s+)?\#(titleWords)\#(stopWords)"#,
            #"(?i)(?:^|[.;]\s+)(?:an?\s+)?(?:new\s+)?\#(kinds)\s+\#(titleWords)\#(stopWords)"#,
            #"(?i)\b(?:hire|hiring|employ|employing|recruit|recruiting|take\s+on|taking\s+on|appoint|appointing)\s+(?:an?|our|one|new|another)\s+(?:new\s+)?(?:\#(kinds)\s+)?\#(titleWords)\#(stopWords)"#,
            #"(?i)\b(?:employed|work|working|join(?:ing)?\s+us)\s+as\s+(?:an?\s+|our\s+)(?:new\s+)?(?:\#(kinds)\s+)?\#(titleWords)\#(stopWords)"#,
        ]
        for pattern in patterns {
            guard let match = text.firstMatch(of: try! Regex(pattern)),
                let raw = match.output[1].substring
            else { continue }
            var words = raw.split(separator: " ").map(String.init)
            while let last = words.last?.lowercased(), ["role", "position", "post", "job", "vacancy"].contains(last) {
                words.removeLast()
            }
            let generic: Set<String> = ["employee", "person", "member", "staff", "worker", "contract", "someone"]
            guard !words.isEmpty, !(words.count == 1 && generic.contains(words[0].lowercased())) else { continue }
            consumed.append(match.range)
            return words.map(titleCased).joined(separator: " ")
        }
        return nil
    }

    static let workplaceNouns =
        "café|cafe|coffee shop|shop|office|offices|store|restaurant|warehouse|site|premises|branch|studio|salon|bakery|kitchen|bar|pub|hotel|factory|depot|clinic|surgery|gym|workshop|yard|nursery|showroom|unit|lab|laboratory|head office|garden centre|garage"

    static func placeOfWork(_ text: String, _ consumed: inout [Range<String.Index>]) -> String? {
        let patterns = [
            #"(?i)\bplace\s+of\s+work\s*(?:is|will\s+be|:)\s*([^,.;]+)"#,
            #"(?i)\b(?:based|working|work)\s+(?:at|in|from)\s+((?:our|the|their)\s+[^,.;]*?\b(?:\#(workplaceNouns)))(?=[\s,.;]|$)"#,
            #"(?i)\b(?:at|in|from|for)\s+(our\s+[^,.;]*?\b(?:\#(workplaceNouns)))(?=[\s,.;]|$)"#,
        ]
        for pattern in patterns {
            guard let match = text.firstMatch(of: try! Regex(pattern)), let raw = match.output[1].substring
            else { continue }
            let place = String(raw).trimmingSpaces()
            guard place.count >= 3 else { continue }
            consumed.append(match.range)
            return place
        }
        return nil
    }

    // MARK: - Helpers

    static func parseDate(_ raw: String) -> CalendarDate? {
        if let iso = CalendarDate(raw) { return iso }
        let lower = raw.lowercased().replacingAll(",", with: " ").replacingAll(".", with: " ")
        let words = lower.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
            .filter { $0 != "of" }
        var day: Int?
        var month: Int?
        var year: Int?
        for word in words {
            let digits = word.prefix { $0.isNumber }
            if !digits.isEmpty, let n = Int(digits) {
                if digits.count == 4 { year = n } else { day = n }
            } else if let index = monthNames.firstIndex(where: { $0.hasPrefix(String(word.prefix(3))) }),
                word.count >= 3
            {
                month = index + 1
            }
        }
        guard let day, let month, let year else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// "a website, a logo and brand guidelines" → three items.
    static func splitList(_ text: String) -> [String] {
        text.replacingAll(", and ", with: ", ").replacingAll(" and ", with: ", ").split(separator: ",")
            .map { String($0).trimmingSpaces() }.filter { $0.count >= 3 }
    }

    static func capitalised(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    static func titleCased(_ word: String) -> String {
        let small: Set<String> = ["and", "of", "the", "&"]
        if small.contains(word.lowercased()) { return word.lowercased() }
        return word.split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: "-")
    }
}
