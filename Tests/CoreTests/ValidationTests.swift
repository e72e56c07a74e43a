import Foundation
import PactoriaCore
import PactoriaTestSupport
import Testing

// Unit tests for the domain rules in PactoriaCore: Validation.swift, Company.swift,
// DecimalAmount.swift and CalendarDate.swift. Expected values come from docs/FORMAT.md and from
// independent arithmetic (Foundation's calendar, hand-worked examples), never from the code under test.

/// A contract that breaks no rule: the example from docs/FORMAT.md.
private func validContract() -> Contract { fixtureContract() }

/// The issues of the valid contract after `change`.
private func issues(_ change: (inout Contract) -> Void) -> [ValidationIssue] {
    var c = validContract()
    change(&c)
    return Validator.validate(c)
}

/// Expects exactly one issue, on `field`, whose message contains every one of `words`.
private func expectSingleIssue(
    _ found: [ValidationIssue], field: String, containing words: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(found.count == 1, "expected one issue, got \(found)", sourceLocation: sourceLocation)
    guard let issue = found.first else { return }
    #expect(issue.field == field, sourceLocation: sourceLocation)
    for word in words {
        #expect(
            issue.message.contains(word), "'\(issue.message)' should mention \(word)", sourceLocation: sourceLocation)
    }
}

// The allowed values, as docs/FORMAT.md lists them.
private let documentedContractTypes = [
    "service_agreement", "employment_contract", "supplier_agreement", "nda", "terms_and_conditions", "consultancy",
    "partnership", "lease", "other",
]
private let documentedStatuses = ["draft", "pending_review", "active", "completed", "expired", "terminated"]
private let documentedCurrencies = ["GBP", "EUR", "USD"]
private let documentedTiers = ["starter", "professional", "business"]

@Suite("Validation")
struct ValidationTests {

    // MARK: - Whole contract

    @Test func theDocumentedExampleIsValid() {
        #expect(Validator.validate(validContract()).isEmpty)
    }

    @Test func aMinimalContractIsValid() {
        let c = Contract(id: "00000000-0000-4000-8000-000000000000", title: "T", contractType: "nda")
        #expect(Validator.validate(c).isEmpty)
    }

    @Test func issuesComeInFieldOrderAndDescribeThemselves() {
        let found = issues {
            $0.id = "nope"
            $0.title = ""
            $0.contractType = "bogus"
            $0.status = "bogus"
            $0.value = ContractValue(amount: "abc", currency: "JPY")
            $0.version = 0
        }
        #expect(
            found.map(\.field) == [
                "id", "title", "contract_type", "status", "contract_value.amount", "contract_value.currency", "version",
            ])
        let first = found[0]
        #expect(first.description == "id: \(first.message)")
    }

    // MARK: - Title

    @Test(arguments: ["", " ", "   \t  ", "\n"])
    func emptyTitleIsRejected(_ title: String) {
        expectSingleIssue(issues { $0.title = title }, field: "title", containing: ["must not be empty"])
    }

    @Test func titleOf200CharactersIsAcceptedAnd201Rejected() {
        let t200 = String(repeating: "a", count: 200)
        #expect(Validator.validateTitle(t200).isEmpty)
        #expect(issues { $0.title = t200 }.isEmpty)
        expectSingleIssue(
            issues { $0.title = t200 + "b" }, field: "title", containing: ["at most 200 characters", "201"])
    }

    @Test func titleLengthCountsCharactersNotBytes() {
        // "é" is two UTF-8 bytes; 200 of them is still 200 characters.
        let accented = String(repeating: "é", count: 200)
        #expect(Validator.validateTitle(accented).isEmpty)
        expectSingleIssue(
            Validator.validateTitle(accented + "é"), field: "title", containing: ["at most 200", "201"])
    }

    @Test(arguments: ["<", ">", "{", "}", "`"])
    func forbiddenTitleCharacterIsRejected(_ ch: String) {
        expectSingleIssue(
            issues { $0.title = "Services \(ch) Agreement" }, field: "title",
            containing: ["must not contain", "'\(ch)'"])
        // At the edges too.
        #expect(Validator.validateTitle(ch + "Title").count == 1)
        #expect(Validator.validateTitle("Title" + ch).count == 1)
    }

    @Test func everyForbiddenCharacterIsNamedOnceInOneIssue() {
        let found = Validator.validateTitle("<b>{x}`y` <<")
        #expect(found.count == 1)
        for ch in ["'<'", "'>'", "'{'", "'}'", "'`'"] {
            #expect(found.first?.message.components(separatedBy: ch).count == 2, "\(ch) once in \(found)")
        }
    }

    @Test(arguments: ["Line one\nLine two", "Line one\r\nLine two", "Ends with newline\n", "CR\rinside"])
    func multiLineTitleIsRejected(_ title: String) {
        expectSingleIssue(issues { $0.title = title }, field: "title", containing: ["single line"])
    }

    @Test(arguments: [
        "A", "Lease of Unit 4, Pollard Street", "Café & Co — Terms (2026)", "50% deposit: £1,000", "it's \"fine\"",
    ])
    func ordinaryTitlesAreAccepted(_ title: String) {
        #expect(Validator.validateTitle(title).isEmpty)
    }

    @Test func titleValidationUsesTheGivenFieldName() {
        let found = Validator.validateTitle("", field: "--title")
        #expect(found.map(\.field) == ["--title"])
    }

    @Test func aTitleCanBreakSeveralRulesAtOnce() {
        let found = Validator.validateTitle(String(repeating: "x", count: 201) + "<\n")
        #expect(found.count == 3)
        #expect(found.allSatisfy { $0.field == "title" })
    }

    // MARK: - Contract type and status

    @Test(arguments: documentedContractTypes)
    func everyDocumentedContractTypeIsAccepted(_ type: String) {
        #expect(issues { $0.contractType = type }.isEmpty)
    }

    @Test(arguments: ["", "NDA", "Service_Agreement", "service agreement", "contract", "nda "])
    func unknownContractTypeListsTheAllowedValues(_ type: String) {
        expectSingleIssue(
            issues { $0.contractType = type }, field: "contract_type",
            containing: ["unknown contract type", "'\(type)'"] + documentedContractTypes)
    }

    @Test(arguments: documentedStatuses)
    func everyDocumentedStatusIsAccepted(_ status: String) {
        #expect(issues { $0.status = status }.isEmpty)
    }

    @Test(arguments: ["", "Active", "pending review", "cancelled", "signed"])
    func unknownStatusListsTheAllowedValues(_ status: String) {
        expectSingleIssue(
            issues { $0.status = status }, field: "status",
            containing: ["unknown status", "'\(status)'"] + documentedStatuses)
    }

    // MARK: - Amount and currency

    @Test(arguments: [
        "0", "0.00", "0.5", "1", "15000.00", "15000", "999999998.99", "999999999", "999999999.00", "999999999.0",
        "-0.00", "000123.40",
    ])
    func acceptableAmounts(_ amount: String) {
        #expect(Validator.validateAmount(amount, field: "contract_value.amount").isEmpty)
        #expect(issues { $0.value = ContractValue(amount: amount, currency: "GBP") }.isEmpty)
    }

    @Test(arguments: ["-1", "-0.01", "-15000.00"])
    func negativeAmountIsRejected(_ amount: String) {
        expectSingleIssue(
            issues { $0.value = ContractValue(amount: amount, currency: "GBP") }, field: "contract_value.amount",
            containing: ["must not be negative"])
    }

    @Test(arguments: ["999999999.01", "1000000000", "1000000000.00", "99999999999999999999"])
    func amountAboveTheMaximumIsRejected(_ amount: String) {
        expectSingleIssue(
            issues { $0.value = ContractValue(amount: amount, currency: "GBP") }, field: "contract_value.amount",
            containing: ["at most 999,999,999", "'\(amount)'"])
    }

    @Test(arguments: ["1.234", "15000.001", "0.000"])
    func amountWithMoreThanTwoDecimalsIsRejected(_ amount: String) {
        expectSingleIssue(
            issues { $0.value = ContractValue(amount: amount, currency: "GBP") }, field: "contract_value.amount",
            containing: ["two decimal places", "'\(amount)'"])
    }

    @Test func anAmountCanBreakSeveralRules() {
        let tooBig = Validator.validateAmount("1000000000.001", field: "amount")
        #expect(tooBig.count == 2)
        #expect(tooBig.allSatisfy { $0.field == "amount" })
        #expect(tooBig.contains { $0.message.contains("two decimal places") })
        #expect(tooBig.contains { $0.message.contains("999,999,999") })
        let negative = Validator.validateAmount("-1.001", field: "amount")
        #expect(negative.count == 2)
        #expect(negative.contains { $0.message.contains("negative") })
        #expect(negative.contains { $0.message.contains("two decimal places") })
        // A negative amount is below the maximum, however large its magnitude.
        #expect(Validator.validateAmount("-1000000000", field: "amount").map(\.message) == ["must not be negative"])
    }

    @Test(arguments: [
        "12,000", "1e5", "1E5", "abc", "", " 12", "12 ", "12.", ".5", "1.2.3", "0x10", "£100", "15000.00 GBP", "--1",
        "-", "١٢٣", "NaN", "inf",
    ])
    func amountThatIsNotADecimalNumberIsRejected(_ amount: String) {
        expectSingleIssue(
            issues { $0.value = ContractValue(amount: amount, currency: "GBP") }, field: "contract_value.amount",
            containing: ["must be a decimal number", "15000.00", "'\(amount)'"])
    }

    @Test(arguments: documentedCurrencies)
    func documentedCurrenciesAreAccepted(_ currency: String) {
        #expect(issues { $0.value = ContractValue(amount: "1.00", currency: currency) }.isEmpty)
    }

    @Test(arguments: ["gbp", "JPY", "", "£", "GBP "])
    func otherCurrenciesAreRejected(_ currency: String) {
        expectSingleIssue(
            issues { $0.value = ContractValue(amount: "1.00", currency: currency) }, field: "contract_value.currency",
            containing: ["unknown currency", "'\(currency)'"] + documentedCurrencies)
    }

    @Test func formattedValueUsesTheCurrencySymbolAndGrouping() {
        #expect(ContractValue(amount: "15000", currency: "GBP").formatted == "£15,000.00")
        #expect(ContractValue(amount: "1234567.5", currency: "EUR").formatted == "€1,234,567.50")
        #expect(ContractValue(amount: "-12.3", currency: "USD").formatted == "-$12.30")
        #expect(ContractValue(amount: "12.3", currency: "JPY").formatted == "12.30 JPY")
        #expect(ContractValue(amount: "abc", currency: "GBP").formatted == "abc GBP")
    }

    // MARK: - Dates

    @Test func endDateBeforeStartDateIsRejected() {
        expectSingleIssue(
            issues {
                $0.startDate = "2026-04-30"
                $0.endDate = "2026-02-01"
            }, field: "end_date", containing: ["2026-02-01", "before start_date", "2026-04-30"])
    }

    @Test func endDateOnStartDateOrAfterIsAccepted() {
        #expect(
            issues {
                $0.startDate = "2026-02-01"; $0.endDate = "2026-02-01"
            }.isEmpty)
        #expect(
            issues {
                $0.startDate = "2025-12-31"; $0.endDate = "2026-01-01"
            }.isEmpty)
        #expect(
            issues {
                $0.startDate = nil; $0.endDate = "2026-01-01"
            }.isEmpty)
        #expect(
            issues {
                $0.startDate = "2026-01-01"; $0.endDate = nil
            }.isEmpty)
    }

    @Test(arguments: [
        "2026-02-30", "2026-13-01", "01/02/2026", "2026-00-10", "2026-01-00", "2026-1-1", "2026-01-32", "2023-02-29",
        "26-01-01", "2026/01/01", "2026-01-01T00:00:00Z", "", "tomorrow", "0000-01-01",
    ])
    func invalidDatesAreRejected(_ text: String) {
        #expect(CalendarDate(text) == nil)
        expectSingleIssue(
            issues { $0.startDate = text }, field: "start_date",
            containing: ["ISO 8601 date", "YYYY-MM-DD", "'\(text)'"])
        expectSingleIssue(
            issues { $0.endDate = text }, field: "end_date", containing: ["ISO 8601 date", "'\(text)'"])
    }

    // MARK: - Parties and emails

    @Test(arguments: [
        "jane@x.co.uk", "first.last+tag@example.com", "a@b.io", "o'brien@example.ie",
        "user_name@sub-domain.example.org",
        "x@123.example.com", String(repeating: "a", count: 64) + "@example.com",
    ])
    func wellFormedEmailsAreAccepted(_ email: String) {
        #expect(Validator.isEmail(email))
        let found = issues { $0.client?.email = email }
        #expect(found.isEmpty)
    }

    @Test(arguments: [
        "", "plainaddress", "@example.com", "jane@", "jane@example", "jane@@example.com", "jane@x@example.com",
        "jane smith@example.com", "jane@exa mple.com", " jane@example.com", ".jane@example.com", "jane.@example.com",
        "ja..ne@example.com", "jane@-example.com", "jane@example-.com", "jane@example..com", "jane@.example.com",
        "jane@example.c", "jane@example.c0m", "<jane@example.com>", "jane@example.com,bob@example.com",
        "jane@exam_ple.com", String(repeating: "a", count: 65) + "@example.com",
    ])
    func malformedEmailsAreRejected(_ email: String) {
        #expect(!Validator.isEmail(email))
        expectSingleIssue(
            issues { $0.client?.email = email }, field: "client.email",
            containing: ["'\(email)'", "not a valid email address"])
        expectSingleIssue(
            issues { $0.supplier?.email = email }, field: "supplier.email", containing: ["not a valid email address"])
    }

    @Test func emptyPartyNameIsRejected() {
        expectSingleIssue(issues { $0.client?.name = "  " }, field: "client.name", containing: ["must not be empty"])
        expectSingleIssue(issues { $0.supplier?.name = "" }, field: "supplier.name", containing: ["must not be empty"])
    }

    @Test func partyNameOf201CharactersIsRejected() {
        let ok = issues { $0.client?.name = String(repeating: "n", count: 200) }
        #expect(ok.isEmpty)
        expectSingleIssue(
            issues { $0.client?.name = String(repeating: "n", count: 201) }, field: "client.name",
            containing: ["at most 200"])
    }

    @Test func absentPartiesAndValueAreFine() {
        #expect(
            issues {
                $0.client = nil; $0.supplier = nil; $0.value = nil
            }.isEmpty)
        #expect(issues { $0.client = Party(name: "Only A Name") }.isEmpty)
    }

    // MARK: - Plain-English input

    @Test func plainEnglishLengthBoundaries() {
        expectSingleIssue(
            issues { $0.plainEnglishInput = "123456789" }, field: "plain_english_input", containing: ["10", "(has 9)"])
        #expect(issues { $0.plainEnglishInput = "1234567890" }.isEmpty)
        #expect(issues { $0.plainEnglishInput = String(repeating: "w", count: 10_000) }.isEmpty)
        expectSingleIssue(
            issues { $0.plainEnglishInput = String(repeating: "w", count: 10_001) }, field: "plain_english_input",
            containing: ["(has 10001)"])
    }

    @Test func plainEnglishLengthIgnoresSurroundingSpace() {
        expectSingleIssue(
            issues { $0.plainEnglishInput = "   123456789 \n\n" }, field: "plain_english_input", containing: ["(has 9)"]
        )
        expectSingleIssue(
            issues { $0.plainEnglishInput = "" }, field: "plain_english_input", containing: ["(has 0)"])
    }

    @Test(arguments: [
        ("Please add <script>alert(1)</script> to the terms", "<script"),
        ("Please add <SCRIPT src=x> to the terms please", "<script"),
        ("A link: javascript:alert(document.cookie) here", "javascript:"),
        ("A link: JavaScript :alert(1) in mixed case", "javascript:"),
        ("A link: java script : alert(1) spaced out", "javascript:"),
        ("An image <img src=x onerror=alert(1)> here", "onerror="),
        ("An image <img src=x OnError = alert(1)> here", "onerror="),
        ("Old school vbscript:msgbox(1) in the text", "vbscript:"),
        ("A frame data:text/html;base64,PHNjcmlwdD4= here", "data:text/html"),
        ("Embedded <iframe src=evil> in the request", "<iframe"),
        ("A body onload=steal() handler in the input", "onload="),
    ])
    func plainEnglishWithMarkupOrScriptIsRejected(_ text: String, _ pattern: String) {
        expectSingleIssue(
            issues { $0.plainEnglishInput = text }, field: "plain_english_input",
            containing: ["markup or script", "'\(pattern)'"])
    }

    @Test(arguments: [
        "Payment on completion, with javascript developers on site.",
        "Data: the supplier keeps text/html templates for us.",
        "Scripts for the video shoot are written by the client.",
    ])
    func ordinaryTextMentioningSimilarWordsIsAccepted(_ text: String) {
        #expect(issues { $0.plainEnglishInput = text }.isEmpty)
    }

    @Test func plainEnglishTooShortAndDangerousReportsBoth() {
        let found = Validator.validatePlainEnglish("<script", field: "input")
        #expect(found.count == 2)
        #expect(found.allSatisfy { $0.field == "input" })
    }

    @Test("FORMAT.md forbids every on…= event handler, not only four of them")
    func plainEnglishWithOtherEventHandlersIsRejected() {
        for handler in ["onfocus=", "onmouseenter=", "onanimationstart="] {
            let found = Validator.validatePlainEnglish(
                "Please add <input autofocus \(handler)alert(1)> to the page", field: "plain_english_input")
            #expect(found.count == 1, "\(handler) should be rejected")
        }
    }

    // MARK: - Slugs and stems

    @Test(arguments: ["a", "0", "thames-digital", "abc123", "a-b-c", "2026-lease", String(repeating: "a", count: 64)])
    func validSlugs(_ slug: String) {
        #expect(Validator.isSlug(slug))
        #expect(Validator.validateSlug(slug, field: "slug").isEmpty)
    }

    @Test(arguments: [
        "", "../etc", "..", ".", "a/b", "/abs", "a\\b", "A", "Thames", "-x", "x-", "x--y", "a b", "a_b", "a.b", "café",
        "ａ", "a\n", "a\0b", String(repeating: "a", count: 65),
    ])
    func invalidSlugs(_ slug: String) {
        #expect(!Validator.isSlug(slug))
        expectSingleIssue(
            Validator.validateSlug(slug, field: "slug"), field: "slug",
            containing: ["'\(slug)'", "lower-case letters, digits and single hyphens", "64"])
    }

    @Test(arguments: [
        ("Website Redesign (Phase 2)", "website-redesign-phase-2"),
        ("Website Redesign Services Agreement", "website-redesign-services-agreement"),
        ("Tom & Jerry's Café", "tom-and-jerry-s-cafe"),
        ("  --Hello--World--  ", "hello-world"),
        ("Crème Brûlée Supply", "creme-brulee-supply"),
        ("Straße", "strasse"),
        ("£5,000 Loan", "5-000-loan"),
        ("2026 Lease", "2026-lease"),
        ("NDA", "nda"),
        ("& Co", "co"),
        ("", "contract"),
        ("!!!", "contract"),
        ("日本語", "contract"),
    ])
    func slugifyExamples(_ text: String, _ expected: String) {
        #expect(Validator.slugify(text) == expected)
        #expect(Validator.isSlug(Validator.slugify(text)))
    }

    @Test func slugifyTruncatesAtAWordBoundary() {
        let text = String(repeating: "abcdefghij ", count: 10)
        let full = Validator.slugify(text, maxLength: 1000)
        let cut = Validator.slugify(text)
        #expect(cut.count <= 48)
        #expect(Validator.isSlug(cut))
        #expect(full.hasPrefix(cut))
        // The cut falls between words, not inside one.
        #expect(full[full.index(full.startIndex, offsetBy: cut.count)] == "-")
        #expect(cut.count > 24)
    }

    @Test func slugifyCutsALongSingleWordAtTheLimit() {
        let cut = Validator.slugify(String(repeating: "x", count: 100), maxLength: 10)
        #expect(cut == String(repeating: "x", count: 10))
    }

    @Test(arguments: [
        "Contract", "A  B", "---", "a-", "Über -- Straße & Söhne (GmbH)", String(repeating: "word- ", count: 30),
        "x" + String(repeating: " y", count: 40),
    ])
    func slugifyAlwaysMakesAValidSlug(_ text: String) {
        for max in [5, 10, 48, 64] {
            let s = Validator.slugify(text, maxLength: max)
            #expect(Validator.isSlug(s), "'\(s)' from '\(text)'")
            #expect(s.count <= max || s == "contract")
        }
    }

    // MARK: - UUIDs

    @Test(arguments: [
        "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b", "00000000-0000-0000-0000-000000000000", UUID().uuidString.lowercased(),
    ])
    func validUUIDs(_ id: String) {
        #expect(Validator.isUUID(id))
        #expect(issues { $0.id = id }.isEmpty)
    }

    @Test(arguments: [
        "", "3f2b8c1e5d4a4e8f9b7c1a2d3e4f5a6b", "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6",
        "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b0",
        "3f2b8c1g-5d4a-4e8f-9b7c-1a2d3e4f5a6b", "{3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b}",
        "3f2b8c1e-5d4a4-e8f-9b7c-1a2d3e4f5a6b",
        "3f2b8c1e_5d4a_4e8f_9b7c_1a2d3e4f5a6b", "not-a-uuid",
    ])
    func invalidUUIDs(_ id: String) {
        #expect(!Validator.isUUID(id))
        expectSingleIssue(issues { $0.id = id }, field: "id", containing: ["must be a UUID", "'\(id)'"])
    }

    // MARK: - Companies House numbers

    @Test(arguments: ["09876543", "00000001", "SC123456", "NI012345", "OC301234"])
    func validCompanyNumbers(_ n: String) {
        #expect(Validator.isCompanyNumber(n))
        let found = issues { $0.client?.companyNumber = n }
        #expect(found.isEmpty)
    }

    @Test(arguments: [
        "", "1234567", "123456789", "sc123456", "S1234567", "SC12345A", "SC 12345", "12 34567", "ABC12345", "9876543X",
        "ＳＣ123456", "١٢٣٤٥٦٧٨", "SC1234567",
    ])
    func invalidCompanyNumbers(_ n: String) {
        #expect(!Validator.isCompanyNumber(n))
        expectSingleIssue(
            issues { $0.supplier?.companyNumber = n }, field: "supplier.company_number",
            containing: ["'\(n)'", "Companies House", "8 characters"])
    }

    // MARK: - Authors

    @Test func authorIsParsedFromNameAndEmail() throws {
        let a = try #require(Author("Jane Smith <jane@x.co.uk>"))
        #expect(a.name == "Jane Smith")
        #expect(a.email == "jane@x.co.uk")
        #expect(a.description == "Jane Smith <jane@x.co.uk>")
        #expect(a == Author(name: "Jane Smith", email: "jane@x.co.uk"))
    }

    @Test func authorTrimsSurroundingSpace() throws {
        let a = try #require(Author("   Jane Smith    <jane@x.co.uk>  "))
        #expect(a.name == "Jane Smith")
        #expect(a.email == "jane@x.co.uk")
        let single = try #require(Author("Jane<jane@x.co.uk>"))
        #expect(single.name == "Jane")
    }

    @Test(arguments: [
        "", "Jane Smith", "jane@x.co.uk", "<jane@x.co.uk>", "   <jane@x.co.uk>", "Jane Smith <not-an-email>",
        "Jane Smith jane@x.co.uk", "Jane Smith <jane@x.co.uk", "Jane Smith <jane@x.co.uk> extra", "Jane Smith <>",
    ])
    func malformedAuthorsAreRejected(_ text: String) {
        #expect(Author(text) == nil)
    }

    @Test func createdByMustBeAnAuthor() {
        expectSingleIssue(
            issues { $0.createdBy = "jane@x.co.uk" }, field: "created_by",
            containing: ["Name <email>", "'jane@x.co.uk'"])
    }

    // MARK: - Version and timestamps

    @Test(arguments: [0, -1])
    func versionBelowOneIsRejected(_ v: Int) {
        expectSingleIssue(issues { $0.version = v }, field: "version", containing: ["1 or more", "\(v)"])
    }

    @Test func createdAndUpdatedMustBeTimestamps() {
        expectSingleIssue(
            issues { $0.createdAt = "2026-01-20" }, field: "created_at",
            containing: ["ISO 8601 timestamp", "'2026-01-20'"])
        expectSingleIssue(
            issues { $0.updatedAt = "yesterday" }, field: "updated_at",
            containing: ["ISO 8601 timestamp", "'yesterday'"])
    }

    @Test func updatedBeforeCreatedIsRejected() {
        expectSingleIssue(
            issues {
                $0.createdAt = "2026-02-03T16:40:00Z"
                $0.updatedAt = "2026-01-20T10:15:00Z"
            }, field: "updated_at", containing: ["before created_at"])
        // Same instant written with different offsets is not "before".
        #expect(
            issues {
                $0.createdAt = "2026-01-20T10:15:00Z"; $0.updatedAt = "2026-01-20T11:15:00+01:00"
            }.isEmpty)
    }

    // MARK: - Companies

    private static let validCompany = Company(
        name: "Thames Digital Ltd", slug: "thames-digital", companyNumber: "09876543", subscriptionTier: "professional",
        createdAt: "2026-01-05T09:00:00Z")

    @Test func documentedCompanyIsValid() {
        #expect(Company.validate(Self.validCompany).isEmpty)
        #expect(Company.validate(Self.validCompany, directorySlug: "thames-digital").isEmpty)
        #expect(Company.validate(Company(name: "X", slug: "x")).isEmpty)
        #expect(Company(name: "X", slug: "x").tier == .starter)
    }

    @Test func companyRules() {
        func check(_ change: (inout Company) -> Void, dir: String? = nil, field: String, words: [String]) {
            var c = Self.validCompany
            change(&c)
            expectSingleIssue(Company.validate(c, directorySlug: dir), field: field, containing: words)
        }
        check({ $0.name = " " }, field: "name", words: ["must not be empty"])
        check({ $0.name = String(repeating: "n", count: 201) }, field: "name", words: ["at most 200"])
        check({ $0.slug = "../etc" }, field: "slug", words: ["'../etc'", "lower-case"])
        check({ $0.slug = "Thames" }, field: "slug", words: ["'Thames'"])
        check({ _ in }, dir: "other-dir", field: "slug", words: ["'thames-digital'", "does not match", "'other-dir'"])
        check({ $0.companyNumber = "1234" }, field: "company_number", words: ["'1234'", "Companies House"])
        check(
            { $0.subscriptionTier = "enterprise" }, field: "subscription_tier",
            words: ["'enterprise'"] + documentedTiers)
        check({ $0.createdAt = "5 Jan 2026" }, field: "created_at", words: ["ISO 8601", "'5 Jan 2026'"])
    }

    @Test(arguments: documentedTiers)
    func documentedTiersAreAccepted(_ tier: String) {
        var c = Self.validCompany
        c.subscriptionTier = tier
        #expect(Company.validate(c).isEmpty)
    }
}

// MARK: - DecimalAmount

extension ValidationTests {
    @Suite("DecimalAmount")
    struct DecimalAmountTests {
        @Test func partsOfAParsedAmount() throws {
            let a = try #require(DecimalAmount("0015000.50"))
            #expect(a.text == "0015000.50")
            #expect(a.integerDigits == "15000")
            #expect(a.fractionDigits == "50")
            #expect(a.scale == 2)
            #expect(!a.isNegative)
            #expect(a.description == "0015000.50")
            let z = try #require(DecimalAmount("000"))
            #expect(z.integerDigits == "0")
            #expect(z.scale == 0)
        }

        @Test func negativeZeroIsNotNegative() throws {
            #expect(try #require(DecimalAmount("-0.00")).isNegative == false)
            #expect(try #require(DecimalAmount("-5")).isNegative)
            #expect(DecimalAmount("-0.00") == DecimalAmount("0"))
        }

        @Test(arguments: [
            "", "-", ".", "1.", ".5", "1e5", "12,000", " 1", "1 ", "abc", "1.2.3", "--1", "0x1F", "١٢", "1_000", "∞",
        ])
        func textThatIsNotADecimalIsRejected(_ text: String) {
            #expect(DecimalAmount(text) == nil)
        }

        @Test(arguments: [
            ("0.10", "0.1"), ("1.50", "1.5"), ("0015", "15.00"), ("0", "0.000"), ("-0", "0"),
            ("999999999", "999999999.00"),
        ])
        func equalValuesWrittenDifferently(_ a: String, _ b: String) throws {
            let x = try #require(DecimalAmount(a))
            let y = try #require(DecimalAmount(b))
            #expect(x == y)
            #expect(!(x < y) && !(y < x))
            #expect(Set([x, y]).count == 1, "equal values must hash alike")
        }

        @Test(arguments: [
            ("9", "10"), ("9.99", "10.00"), ("0.09", "0.1"), ("0.1", "0.11"), ("-1", "0"), ("-2", "-1"),
            ("-1.5", "-1.49"),
            ("-1000", "1"), ("999999999.00", "999999999.01"), ("123456788.99", "123456789"),
        ])
        func ordering(_ smaller: String, _ larger: String) throws {
            let a = try #require(DecimalAmount(smaller))
            let b = try #require(DecimalAmount(larger))
            #expect(a < b)
            #expect(!(b < a))
            #expect(a != b)
            #expect(max(a, b) == b)
        }

        @Test func sortingMatchesExactArithmeticOnMinorUnits() throws {
            let texts = ["10", "-3.5", "0.01", "2.1", "2.09", "-3.49", "100", "0", "99.99", "-0.01"]
            let amounts = try texts.map { try #require(DecimalAmount($0)) }
            let sorted = amounts.sorted()
            let byMinor = amounts.sorted { $0.minorUnits! < $1.minorUnits! }
            #expect(sorted.map(\.text) == byMinor.map(\.text))
        }

        @Test(arguments: [
            ("15000.00", "15,000.00"), ("15000", "15,000.00"), ("1234567.5", "1,234,567.50"), ("0.5", "0.50"),
            ("999", "999.00"), ("1000", "1,000.00"), ("-1234.5", "-1,234.50"), ("999999999.99", "999,999,999.99"),
            ("1.234", "1.234"), ("0001000", "1,000.00"),
        ])
        func grouped(_ text: String, _ expected: String) throws {
            #expect(try #require(DecimalAmount(text)).grouped == expected)
        }

        @Test(arguments: [
            ("15000", "15000.00"), ("0015.5", "15.50"), ("15000.00", "15000.00"), ("-3", "-3.00"), ("0.1", "0.10"),
            ("1.234", "1.234"), ("-0", "0.00"),
        ])
        func normalized(_ text: String, _ expected: String) throws {
            #expect(try #require(DecimalAmount(text)).normalized == expected)
        }

        @Test(arguments: [
            ("15000.00", Int64(1_500_000)), ("0.1", 10), ("0.01", 1), ("-1.05", -105), ("0", 0),
            ("999999999.99", 99_999_999_999),
        ])
        func minorUnits(_ text: String, _ expected: Int64) throws {
            #expect(try #require(DecimalAmount(text)).minorUnits == expected)
        }

        @Test func minorUnitsIsNilWhenItCannotBeExact() throws {
            #expect(try #require(DecimalAmount("1.234")).minorUnits == nil)
            #expect(try #require(DecimalAmount(String(repeating: "9", count: 30))).minorUnits == nil)
        }

        @Test(arguments: [Int64(0), 1, 5, 99, 100, 1_500_000, -1, -105, 123_456_789_012, Int64.max, Int64.min])
        func initFromMinorUnits(_ m: Int64) throws {
            let a = DecimalAmount(minorUnits: m)
            #expect(a.scale == 2)
            #expect(a.isNegative == (m < 0))
            // The text is the exact value: whole units, a point, two digits of hundredths.
            let magnitude = m.magnitude
            let expected =
                (m < 0 ? "-" : "") + "\(magnitude / 100)." + (magnitude % 100 < 10 ? "0" : "") + "\(magnitude % 100)"
            #expect(a.text == expected)
            if a.integerDigits.count <= 15 { #expect(a.minorUnits == m) }
        }

        @Test func maximumIsNineHundredNinetyNineMillion() {
            #expect(Validator.maxAmount == DecimalAmount("999999999.00"))
        }
    }

}

// MARK: - CalendarDate and Timestamp

extension ValidationTests {
    @Suite("Dates and times")
    struct DateTests {
        /// Days since 1970-01-01 worked out by Foundation's Gregorian calendar in UTC.
        static func foundationDays(_ y: Int, _ m: Int, _ d: Int) -> Int {
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone(identifier: "UTC")!
            let date = cal.date(from: DateComponents(year: y, month: m, day: d))!
            return Int((date.timeIntervalSince1970 / 86400).rounded(.down))
        }

        @Test(arguments: [
            (1970, 1, 1), (1969, 12, 31), (2000, 1, 1), (2000, 2, 29), (2000, 3, 1), (1900, 3, 1), (2026, 1, 20),
            (2026, 12, 31), (2100, 2, 28), (2400, 2, 29), (1601, 1, 1), (9999, 12, 31),
        ])
        func daysSinceEpochMatchesFoundation(_ y: Int, _ m: Int, _ d: Int) throws {
            let date = try #require(CalendarDate(year: y, month: m, day: d))
            #expect(date.daysSinceEpoch == Self.foundationDays(y, m, d))
            #expect(CalendarDate(daysSinceEpoch: date.daysSinceEpoch) == date)
        }

        @Test func wellKnownDayNumbers() {
            #expect(CalendarDate("1970-01-01")?.daysSinceEpoch == 0)
            #expect(CalendarDate("1970-01-02")?.daysSinceEpoch == 1)
            #expect(CalendarDate("1969-12-31")?.daysSinceEpoch == -1)
            #expect(CalendarDate("2000-01-01")?.daysSinceEpoch == 10_957)
        }

        @Test func everyDayOfFourHundredYearsRoundTrips() {
            // One full Gregorian cycle (146,097 days) starting in 1900, plus each step is one day.
            let start = CalendarDate(year: 1900, month: 1, day: 1)!.daysSinceEpoch
            var previous = CalendarDate(daysSinceEpoch: start - 1)
            var failures = 0
            for z in start..<(start + 146_097) {
                let d = CalendarDate(daysSinceEpoch: z)
                if d.daysSinceEpoch != z || !(previous < d) || CalendarDate(d.description) != d { failures += 1 }
                previous = d
            }
            #expect(failures == 0)
            #expect(CalendarDate(daysSinceEpoch: start + 146_097) == CalendarDate(year: 2300, month: 1, day: 1))
        }

        @Test(arguments: [
            (2024, true), (2023, false), (2000, true), (1900, false), (2100, false), (2400, true), (1996, true),
            (2026, false),
        ])
        func leapYears(_ year: Int, _ leap: Bool) throws {
            #expect((CalendarDate(year: year, month: 2, day: 29) != nil) == leap)
            let feb28 = try #require(CalendarDate(year: year, month: 2, day: 28))
            let next = feb28.adding(days: 1)
            #expect(next.description == (leap ? "\(year)-02-29" : "\(year)-03-01"))
            let yearLength =
                CalendarDate(year: year + 1, month: 1, day: 1)!.daysSinceEpoch
                - CalendarDate(year: year, month: 1, day: 1)!.daysSinceEpoch
            #expect(yearLength == (leap ? 366 : 365))
        }

        @Test func monthLengths() {
            let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            for (i, n) in lengths.enumerated() {
                #expect(CalendarDate(year: 2026, month: i + 1, day: n) != nil)
                #expect(CalendarDate(year: 2026, month: i + 1, day: n + 1) == nil)
            }
            #expect(CalendarDate(year: 2026, month: 0, day: 1) == nil)
            #expect(CalendarDate(year: 0, month: 1, day: 1) == nil)
            #expect(CalendarDate(year: 10_000, month: 1, day: 1) == nil)
        }

        @Test func parsingAndDescription() throws {
            let d = try #require(CalendarDate("2026-02-01"))
            #expect((d.year, d.month, d.day) == (2026, 2, 1))
            #expect(d.description == "2026-02-01")
            #expect(CalendarDate(year: 5, month: 1, day: 9)?.description == "0005-01-09")
            #expect(CalendarDate("2026-02-01")! < CalendarDate("2026-02-02")!)
            #expect(CalendarDate("2025-12-31")! < CalendarDate("2026-01-01")!)
            #expect(d.adding(days: -1).description == "2026-01-31")
            #expect(d.adding(days: 365).description == "2027-02-01")
        }

        // MARK: Timestamps

        @Test(arguments: [
            ("1970-01-01T00:00:00Z", Int64(0)),
            ("2000-01-01T00:00:00Z", 946_684_800),
            ("2026-01-20T10:15:00Z", 1_768_904_100),
            ("1969-12-31T23:59:59Z", -1),
        ])
        func timestampsInUTC(_ text: String, _ seconds: Int64) throws {
            let t = try #require(Timestamp(text))
            #expect(t.secondsSinceEpoch == seconds)
            #expect(t.description == text)
            // Cross-check with Foundation's ISO 8601 parser.
            let f = ISO8601DateFormatter()
            #expect(Int64(f.date(from: text)!.timeIntervalSince1970) == seconds)
        }

        @Test(arguments: [
            ("2026-01-20T11:15:00+01:00", "2026-01-20T10:15:00Z"),
            ("2026-01-20T04:45:00-05:30", "2026-01-20T10:15:00Z"),
            ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z"),
            ("2025-12-31T23:30:00-01:00", "2026-01-01T00:30:00Z"),
            ("2026-01-20T10:15:00+00:00", "2026-01-20T10:15:00Z"),
            ("2026-01-20T10:15:00-00:00", "2026-01-20T10:15:00Z"),
            ("2026-01-20T10:15:00.123Z", "2026-01-20T10:15:00Z"),
            ("2026-01-20T10:15:00.999999+01:00", "2026-01-20T09:15:00Z"),
            ("2026-01-20 10:15:00Z", "2026-01-20T10:15:00Z"),
        ])
        func offsetsAndFractionsAreNormalisedToUTC(_ text: String, _ utc: String) throws {
            let t = try #require(Timestamp(text))
            #expect(t.description == utc)
            #expect(t == Timestamp(utc))
        }

        @Test(arguments: [
            "", "2026-01-20", "2026-01-20T10:15:00", "2026-01-20T10:15Z", "2026-01-20T24:00:00Z",
            "2026-01-20T10:60:00Z",
            "2026-02-30T10:00:00Z", "2026-01-20T10:15:00+0100", "2026-01-20T10:15:00+01", "2026-01-20T10:15:00.Z",
            "2026-01-20T10:15:00Zjunk", "2026-01-20T10:15:00+01:00:00", "2026-01-20X10:15:00Z", "2026-01-20T1a:15:00Z",
            "20260120T101500Z", "2026-01-20T10:15:00 Z", "2026-01-20T10:15:00.5",
        ])
        func malformedTimestampsAreRejected(_ text: String) {
            #expect(Timestamp(text) == nil)
        }

        @Test func timestampOrderingAndDate() throws {
            let a = try #require(Timestamp("2026-01-20T23:59:59Z"))
            let b = try #require(Timestamp("2026-01-21T00:00:00Z"))
            #expect(a < b)
            #expect(a.date.description == "2026-01-20")
            #expect(b.date.description == "2026-01-21")
            #expect(Timestamp(secondsSinceEpoch: -1).date.description == "1969-12-31")
            #expect(Timestamp(secondsSinceEpoch: -86_400).date.description == "1969-12-31")
            #expect(Timestamp(secondsSinceEpoch: -86_401).date.description == "1969-12-30")
        }

        @Test("Offsets outside ±23:59 are not ISO 8601")
        func outOfRangeOffsetsAreRejected() {
            #expect(Timestamp("2026-01-20T10:15:00+24:00") == nil)
            #expect(Timestamp("2026-01-20T10:15:00+01:99") == nil)
        }
    }
}
