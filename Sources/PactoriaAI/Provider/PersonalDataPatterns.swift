/// Byte classes for the redactor's scanners (UTF-8; any byte of a multi-byte character counts
/// as a letter, so "Zoë" is one word).
enum ByteClass {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) || b >= 0x80 }
    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) }

    /// No letter or digit right before `index` (a character outside ASCII counts when it is
    /// alphabetic or numeric, so U+2028 or an em dash is a boundary and "ë" is not).
    static func isBoundary(_ bytes: [UInt8], before index: Int) -> Bool {
        guard index > 0 else { return true }
        let b = bytes[index - 1]
        if b < 0x80 { return !isWordByte(b) }
        var start = index - 1
        while start > 0, index - start < 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return !isWordScalar(bytes, start, index)
    }

    /// No letter or digit at `index`.
    static func isBoundary(_ bytes: [UInt8], after index: Int) -> Bool {
        guard index < bytes.count else { return true }
        let b = bytes[index]
        if b < 0x80 { return !isWordByte(b) }
        var end = index + 1
        while end < bytes.count, end - index < 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return !isWordScalar(bytes, index, end)
    }

    static func isWordScalar(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var iterator = bytes[start..<end].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

/// Emails, UK phone numbers, NI numbers, postcodes and street lines.
enum PatternFinder {
    static func spans(in bytes: [UInt8]) -> [Span] {
        var spans: [Span] = []
        var i = 0
        let count = bytes.count
        while i < count {
            let b = bytes[i]
            if b == UInt8(ascii: "@") {
                if let span = email(bytes, at: i) { spans.append(span) }
                i += 1
                continue
            }
            guard ByteClass.isBoundary(bytes, before: i) || b == UInt8(ascii: "+") || b == UInt8(ascii: "(") else {
                i += 1
                continue
            }
            if b == UInt8(ascii: "+") || b == UInt8(ascii: "(") || b == UInt8(ascii: "0") {
                if ByteClass.isBoundary(bytes, before: i), let end = phone(bytes, at: i) {
                    spans.append(Span(start: i, end: end, category: .phones))
                    i = end
                    continue
                }
            }
            if ByteClass.isUpper(b) {
                if let end = niNumber(bytes, at: i) {
                    spans.append(Span(start: i, end: end, category: .niNumbers))
                    i = end
                    continue
                }
                if let end = postcode(bytes, at: i) {
                    spans.append(Span(start: i, end: end, category: .addresses))
                    i = end
                    continue
                }
            }
            if ByteClass.isDigit(b), let end = streetAddress(bytes, at: i) {
                spans.append(Span(start: i, end: end, category: .addresses))
                i = end
                continue
            }
            i += 1
        }
        return spans
    }

    // MARK: Email

    static func isLocalByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "%"),
            UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    static func isDomainByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "."), UInt8(ascii: "-"): true
        default: false
        }
    }

    /// An email whose `@` is at `at`.
    static func email(_ bytes: [UInt8], at: Int) -> Span? {
        var start = at
        while start > 0, isLocalByte(bytes[start - 1]), at - start < 128 { start -= 1 }
        while start < at, bytes[start] == UInt8(ascii: ".") { start += 1 }
        guard start < at else { return nil }
        var end = at + 1
        while end < bytes.count, isDomainByte(bytes[end]), end - at < 256 { end += 1 }
        while end > at + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
        let domain = bytes[(at + 1)..<end]
        guard let dot = domain.lastIndex(of: UInt8(ascii: ".")), dot > at + 1, end - dot > 2,
            bytes[(dot + 1)..<end].allSatisfy({ ByteClass.isUpper($0) || ByteClass.isLower($0) })
        else { return nil }
        return Span(start: start, end: end, category: .emails)
    }

    // MARK: Phone

    /// The end of a UK phone number starting at `at` (`+44…`, `0…` or `(0…`).
    static func phone(_ bytes: [UInt8], at: Int) -> Int? {
        var i = at
        let n = bytes.count
        var international = false
        if bytes[i] == UInt8(ascii: "+") {
            guard i + 2 < n, bytes[i + 1] == UInt8(ascii: "4"), bytes[i + 2] == UInt8(ascii: "4") else { return nil }
            international = true
            i += 3
            if i < n, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            // "+44 (0)20 …"
            if i + 2 < n, bytes[i] == UInt8(ascii: "("), bytes[i + 1] == UInt8(ascii: "0"),
                bytes[i + 2] == UInt8(ascii: ")")
            {
                i += 3
                if i < n, bytes[i] == UInt8(ascii: " ") { i += 1 }
            }
            guard i < n, ByteClass.isDigit(bytes[i]), bytes[i] != UInt8(ascii: "0") else { return nil }
        }
        var digits: [UInt8] = []
        var open = false
        var end = i
        let limit = international ? 10 : 11
        while i < n {
            let b = bytes[i]
            if ByteClass.isDigit(b) {
                var j = i
                var group: [UInt8] = []
                while j < n, ByteClass.isDigit(bytes[j]), group.count <= limit {
                    group.append(bytes[j])
                    j += 1
                }
                if digits.count + group.count > limit { break }
                digits += group
                i = j
                end = j
                if open {
                    guard i < n, bytes[i] == UInt8(ascii: ")") else { return nil }
                    open = false
                    i += 1
                    end = i
                }
                // A single separator may follow, then more digits.
                if i + 1 < n, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "-"),
                    ByteClass.isDigit(bytes[i + 1])
                {
                    i += 1
                    continue
                }
                break
            } else if b == UInt8(ascii: "("), digits.isEmpty, !international, !open {
                open = true
                i += 1
            } else {
                break
            }
        }
        guard !open else { return nil }
        if international {
            guard digits.count == 9 || digits.count == 10 else { return nil }
        } else {
            guard digits.count == 10 || digits.count == 11, digits.first == UInt8(ascii: "0"),
                digits[1] != UInt8(ascii: "0")
            else { return nil }
        }
        // Not the start of a longer number.
        guard ByteClass.isBoundary(bytes, after: end) else { return nil }
        return end
    }

    // MARK: National Insurance number

    static let invalidNIPrefixes: Set<String> = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]
    static let invalidNIFirst = Set("DFIQUV".utf8)
    static let invalidNISecond = Set("DFIOQUV".utf8)

    /// The end of an NI number (`AB 12 34 56 C`, `AB123456C`) starting at `at`.
    static func niNumber(_ bytes: [UInt8], at: Int) -> Int? {
        let n = bytes.count
        guard at + 8 <= n, ByteClass.isUpper(bytes[at]), ByteClass.isUpper(bytes[at + 1]) else { return nil }
        let first = bytes[at]
        let second = bytes[at + 1]
        guard ByteClass.isDigit(bytes[at + 2]) || bytes[at + 2] == UInt8(ascii: " ") else { return nil }
        if invalidNIFirst.contains(first) || invalidNISecond.contains(second) { return nil }
        if invalidNIPrefixes.contains(String(decoding: [first, second], as: UTF8.self)) { return nil }
        var i = at + 2
        var spaced: Bool?
        for _ in 0..<3 {
            if i < n, bytes[i] == UInt8(ascii: " ") {
                if spaced == false { return nil }
                spaced = true
                i += 1
            } else {
                if spaced == true { return nil }
                spaced = false
            }
            guard i + 1 < n, ByteClass.isDigit(bytes[i]), ByteClass.isDigit(bytes[i + 1]) else { return nil }
            i += 2
        }
        // Optional suffix A–D, after an optional space when the pairs are spaced.
        var end = i
        var j = i
        if spaced == true, j < n, bytes[j] == UInt8(ascii: " ") { j += 1 }
        if j < n, bytes[j] >= UInt8(ascii: "A"), bytes[j] <= UInt8(ascii: "D"),
            ByteClass.isBoundary(bytes, after: j + 1)
        {
            end = j + 1
        }
        guard ByteClass.isBoundary(bytes, after: end) else { return nil }
        return end
    }

    // MARK: Postcode

    static let inwardLetters = Array("ABDEFGHJLNPQRSTUWXYZ".utf8)

    /// The end of a UK postcode (`M4 5AB`, `SW1A 1AA`, `EC1A1BB`) starting at `at`.
    static func postcode(_ bytes: [UInt8], at: Int) -> Int? {
        let n = bytes.count
        // Outward code: A9, A99, A9A, AA9, AA99, AA9A.
        var candidates: [Int] = []
        func isU(_ k: Int) -> Bool { k < n && ByteClass.isUpper(bytes[k]) }
        func isD(_ k: Int) -> Bool { k < n && ByteClass.isDigit(bytes[k]) }
        guard isU(at) else { return nil }
        if isD(at + 1) {
            candidates.append(at + 2)
            if isD(at + 2) || isU(at + 2) { candidates.append(at + 3) }
        } else if isU(at + 1), isD(at + 2) {
            candidates.append(at + 3)
            if isD(at + 3) || isU(at + 3) { candidates.append(at + 4) }
        }
        for outwardEnd in candidates.reversed() {
            var i = outwardEnd
            if i < n, bytes[i] == UInt8(ascii: " ") { i += 1 }
            if isD(i), i + 2 < n, inwardLetters.contains(bytes[i + 1]), inwardLetters.contains(bytes[i + 2]),
                ByteClass.isBoundary(bytes, after: i + 3)
            {
                return i + 3
            }
        }
        return nil
    }

    // MARK: Street line

    static let streetWords: Set<String> = [
        "Street", "St", "Road", "Rd", "Lane", "Ln", "Avenue", "Ave", "Close", "Drive", "Dr", "Way", "Place", "Pl",
        "Court", "Ct", "Crescent", "Cres", "Terrace", "Gardens", "Gdns", "Square", "Sq", "Hill", "Row", "Grove",
        "Park", "Walk", "Mews", "Parade", "Yard", "Wharf", "Green", "Rise", "View", "Vale", "Boulevard", "Quay",
        "Approach", "Gate", "Circus", "Embankment", "Broadway", "Passage", "Wynd", "Brow", "Croft", "Meadow",
        "Meadows", "Chase", "Fold",
    ]

    /// A capitalised word at `at`: its end.
    static func capitalisedWord(_ bytes: [UInt8], at: Int) -> Int? {
        guard at < bytes.count, ByteClass.isUpper(bytes[at]) else { return nil }
        var i = at + 1
        while i < bytes.count, i - at <= 40,
            ByteClass.isLetter(bytes[i]) || bytes[i] == UInt8(ascii: "'") || bytes[i] == UInt8(ascii: "-")
        {
            i += 1
        }
        return i - at <= 40 ? i : nil
    }

    /// The end of a street line ("12 High Street", "4B Mill Lane", "10-12 Market Place"),
    /// extended over ", Town" segments to a postcode on the same line.
    static func streetAddress(_ bytes: [UInt8], at: Int) -> Int? {
        let n = bytes.count
        var i = at
        while i < n, ByteClass.isDigit(bytes[i]), i - at < 5 { i += 1 }
        if i < n, bytes[i] == UInt8(ascii: "-"), i + 1 < n, ByteClass.isDigit(bytes[i + 1]) {
            i += 1
            while i < n, ByteClass.isDigit(bytes[i]), i - at < 10 { i += 1 }
        }
        if i < n, ByteClass.isUpper(bytes[i]), ByteClass.isBoundary(bytes, after: i + 1) { i += 1 }
        guard i < n, ByteClass.isBoundary(bytes, after: i), bytes[i] == UInt8(ascii: " ") else { return nil }
        var words = 0
        var streetEnd: Int?
        var k = i
        while words < 5, k < n, bytes[k] == UInt8(ascii: " "), let end = capitalisedWord(bytes, at: k + 1) {
            words += 1
            let word = String(decoding: bytes[(k + 1)..<end], as: UTF8.self)
            k = end
            if streetWords.contains(word), words >= 2 { streetEnd = end }
        }
        guard var end = streetEnd else { return nil }
        // ", Ancoats, Manchester, M4 5AB" or " Manchester M4 5AB": town segments up to a postcode.
        var j = end
        for _ in 0..<4 {
            var s = j
            if s < n, bytes[s] == UInt8(ascii: ",") { s += 1 }
            guard s < n, bytes[s] == UInt8(ascii: " ") else { break }
            s += 1
            if let pc = postcode(bytes, at: s) {
                end = pc
                break
            }
            var e = s
            var count = 0
            while count < 3, let w = capitalisedWord(bytes, at: e) {
                count += 1
                e = w
                guard count < 3, e + 1 < n, bytes[e] == UInt8(ascii: " "), postcode(bytes, at: e + 1) == nil,
                    capitalisedWord(bytes, at: e + 1) != nil
                else { break }
                e += 1
            }
            guard count > 0 else { break }
            j = e
        }
        return end
    }
}

/// Names of people the text itself reveals: after a title, on labelled lines, and in a
/// "between X and Y" clause.
enum NameFinder {
    static let titles: Set<String> = ["Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame"]

    /// Capitalised words that are not names (roles, contract words, months, days).
    static let stopWords: Set<String> = [
        "The", "This", "That", "These", "Agreement", "Contract", "Client", "Supplier", "Employer", "Employee",
        "Company", "Party", "Parties", "Landlord", "Tenant", "Consultant", "Contractor", "Customer", "Partner",
        "Partners", "Discloser", "Recipient", "Disclosing", "Receiving", "Services", "Service", "Schedule", "Clause",
        "Date", "Signed", "Signature", "Director", "Name", "Buyer", "Seller", "Licensor", "Licensee", "Provider",
        "Purchaser", "Vendor", "Guarantor", "Lender", "Borrower", "Worker", "Freelancer", "Agency", "Business",
        "Terms", "Conditions", "Deed", "Witness", "Secretary", "Authorised", "Signatory", "Each", "Both", "All",
        "Any", "Us", "We", "You", "Our", "Your", "They", "Their", "His", "Her", "England", "Wales", "Scotland",
        "United", "Kingdom", "UK", "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
        "Saturday", "Sunday", "Limited", "Ltd", "LLP", "PLC", "Plc", "And", "Of", "For", "On", "Behalf",
        "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "TO", "COMPLETE", "Northern", "Ireland",
        "British", "Law", "Act", "Court", "Courts", "Notice", "Notices", "Term", "Termination", "Payment", "Fees",
        "Charges", "Data", "Protection", "Rights", "General", "Confidentiality", "Liability", "Force", "Majeure",
        "Intellectual", "Property", "Dispute", "Resolution", "Governing", "Definitions", "Work", "Pay", "Holiday",
        "Christmas", "Easter", "New", "Year", "Day", "Bank", "Holidays", "Lease", "Licence", "License", "Commercial",
        "Consumer", "Software", "Mutual", "Joint", "Venture", "Subscription", "Non-Disclosure", "One-Way", "Short",
        "Form", "Supply", "Distribution", "Employment", "Consultancy", "Partnership", "Shareholders", "Loan", "Hire",
        "Equipment", "Processing", "Sale", "Goods", "Standard", "Online", "Website", "Privacy", "Policy", "Care",
        "Plan", "Support", "Maintenance", "Master", "Framework", "Statement", "Order", "Letter", "Offer",
    ]

    static let labels: [String] = [
        "name:", "full name:", "print name:", "printed name:", "signed by:", "signed by", "signatory:",
        "witness:", "witness name:", "contact:", "contact name:", "attention:", "for the attention of",
        "fao:", "employee name:", "employee:",
    ]

    static let labelInitials = Set(labels.compactMap(\.utf8.first))

    static func names(in bytes: [UInt8]) -> [String] {
        var found: [String] = []
        let n = bytes.count
        var i = 0
        while i < n {
            guard ByteClass.isLetter(bytes[i]), ByteClass.isBoundary(bytes, before: i) else {
                i += 1
                continue
            }
            // "between Sam Taylor and Ancoats Coffee Co Ltd"
            if matches(bytes, at: i, "between ") {
                let k = i + 8
                if let x = party(bytes, at: k) {
                    if let name = x.name { found.append(name) }
                    var j = x.end
                    while j < n, j - x.end < 60, bytes[j] != UInt8(ascii: "\n") {
                        if matches(bytes, at: j, " and ") {
                            if let y = party(bytes, at: j + 5), let name = y.name { found.append(name) }
                            break
                        }
                        j += 1
                    }
                }
                i = k
                continue
            }
            // Labelled lines: "Name: Sam Taylor", "Signed by Sam Taylor".
            if labelInitials.contains(bytes[i] | 0x20), let label = labels.first(where: { matches(bytes, at: i, $0) }) {
                var k = i + label.utf8.count
                while k < n, bytes[k] == UInt8(ascii: " ") || bytes[k] == UInt8(ascii: "\t") { k += 1 }
                if let name = run(bytes, at: k, minimum: 2) {
                    found.append(name.text)
                    i = name.end
                    continue
                }
            }
            // After a title: "Mr Sam Taylor", "Dr. Okafor".
            if let end = PatternFinder.capitalisedWord(bytes, at: i), end - i <= 4,
                titles.contains(String(decoding: bytes[i..<end], as: UTF8.self))
            {
                var k = end
                if k < n, bytes[k] == UInt8(ascii: ".") { k += 1 }
                if k < n, bytes[k] == UInt8(ascii: " "), let name = run(bytes, at: k + 1, minimum: 1) {
                    found.append(name.text)
                    i = name.end
                    continue
                }
            }
            while i < n, ByteClass.isWordByte(bytes[i]) { i += 1 }
        }
        return found
    }

    /// A party in a "between" clause: a run of capitalised words; a name when it is two to four
    /// words, none of them a contract word, and not a company.
    static func party(_ bytes: [UInt8], at: Int) -> (name: String?, end: Int)? {
        var i = at
        var words: [String] = []
        while words.count < 8, let end = PatternFinder.capitalisedWord(bytes, at: i) {
            words.append(String(decoding: bytes[i..<end], as: UTF8.self))
            i = end
            if i < bytes.count, bytes[i] == UInt8(ascii: "."),
                words.last.map({ ["Ltd", "Co", "Inc"].contains($0) }) == true
            {
                i += 1
            }
            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: " "), ByteClass.isUpper(bytes[i + 1]) else { break }
            i += 1
        }
        guard !words.isEmpty else { return nil }
        let text = words.joined(separator: " ")
        if (2...4).contains(words.count), !words.contains(where: stopWords.contains),
            !PersonalDataRedactor.isCompanyName(text), !words.contains("Co")
        {
            return (text, i)
        }
        return (nil, i)
    }

    /// One to four capitalised words at `at` (at least `minimum`), none of them a contract word.
    /// With two or more required (after a label), a run that more capitalised words follow
    /// ("Name: Joint Venture Agreement") is a title, not a name.
    static func run(_ bytes: [UInt8], at: Int, minimum: Int) -> (text: String, end: Int)? {
        var i = at
        var words: [String] = []
        var end = at
        while words.count < 4, let wordEnd = PatternFinder.capitalisedWord(bytes, at: i) {
            let word = String(decoding: bytes[i..<wordEnd], as: UTF8.self)
            guard !stopWords.contains(word), word.utf8.contains(where: ByteClass.isLower) || word.utf8.count <= 2
            else { break }
            words.append(word)
            end = wordEnd
            guard wordEnd + 1 < bytes.count, bytes[wordEnd] == UInt8(ascii: " ") else { break }
            i = wordEnd + 1
        }
        guard words.count >= minimum, ByteClass.isBoundary(bytes, after: end) else { return nil }
        if minimum >= 2, end + 1 < bytes.count, bytes[end] == UInt8(ascii: " "),
            PatternFinder.capitalisedWord(bytes, at: end + 1) != nil
        {
            return nil
        }
        let text = words.joined(separator: " ")
        // A company after the label is not a person; "Signed by Acme Ltd" stays.
        if let next = PatternFinder.capitalisedWord(bytes, at: end + 1), end < bytes.count,
            bytes[end] == UInt8(ascii: " ")
        {
            let following = String(decoding: bytes[(end + 1)..<next], as: UTF8.self)
            if PersonalDataRedactor.companyForms.contains(following.lowercased()) { return nil }
        }
        return (text, end)
    }

    /// Whether `bytes` at `at` start with `text` (ASCII, case-insensitive).
    static func matches(_ bytes: [UInt8], at: Int, _ text: String) -> Bool {
        var k = at
        for p in text.utf8 {
            guard k < bytes.count else { return false }
            var c = bytes[k]
            if ByteClass.isUpper(c) { c += 32 }
            if c != p { return false }
            k += 1
        }
        return true
    }
}
