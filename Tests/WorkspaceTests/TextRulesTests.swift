import Foundation
import PactoriaCore
import PactoriaWorkspace
import Testing

/// Issue #11, free-text rules: encoded markup is caught, every free-text field has the same
/// rules and a length limit, and control characters are refused with the field's name.
@Suite("Security: free-text rules")
struct TextRulesTests {
    static let markup = [
        "javascript&colon;alert(1)", "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "&#106avascript:alert(1)",
        "java&#x09;script:alert(1)", "java&Tab;script:alert(1)", "<img src=x onerror\n=alert(1)>",
        "x onerror\n=alert(1)", "x onload\u{0C}=alert(1)", "see data:text/html;base64,PHNjcmlwdD4=",
        "go to data:image/svg+xml,<svg/onload=alert(1)>", "<form action=//evil>", "&lt;script&gt;alert(1)",
        "&amp;#106;avascript:x", "ｊａｖａｓｃｒｉｐｔ：alert(1)", "java\u{200B}script:alert(1)", "</textarea><b>",
    ]

    @Test(arguments: markup)
    func encodedMarkupIsCaughtInPlainEnglish(_ text: String) {
        let padded = "Please draft a contract. " + text
        let issues = Validator.validatePlainEnglish(padded, field: "plain_english_input")
        #expect(issues.contains { $0.field == "plain_english_input" && $0.message.contains("markup") }, "\(issues)")
    }

    @Test(arguments: ["title", "client.name", "client.company", "client.role", "supplier.name"])
    func everyFreeTextFieldRefusesMarkup(_ field: String) {
        var c = Contract(
            id: "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b", title: "Care plan", contractType: "service_agreement",
            status: "draft", client: Party(name: "Finchley"), supplier: Party(name: "Brickline"), version: 1)
        let evil = "&#106;avascript:alert(1)"
        switch field {
        case "title": c.title = evil
        case "client.name": c.client?.name = evil
        case "client.company": c.client?.company = evil
        case "client.role": c.client?.role = evil
        default: c.supplier?.name = evil
        }
        #expect(Validator.validate(c).contains { $0.field == field && $0.message.contains("markup") })
    }

    @Test func ordinaryProseStillPasses() {
        let text = """
            We need a contract for the data: names and addresses of customers. Costs <5% must be noted.
            AT&T and Smith &amp; Co are parties; on time = essential. Payment within 30 days.
            """
        #expect(Validator.validatePlainEnglish(text, field: "plain_english_input").isEmpty)
        #expect(Validator.validateText("O'Brien & Sons (UK) Ltd", field: "client.company", maxLength: 200).isEmpty)
    }

    @Test func lengthsAreLimited() {
        var c = Contract(
            id: "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b", title: "Care plan", contractType: "service_agreement",
            status: "draft", client: Party(name: "Finchley", company: String(repeating: "A", count: 900_000)),
            version: 1)
        #expect(Validator.validate(c).contains { $0.field == "client.company" && $0.message.contains("at most 200") })
        c.client?.company = "Finchley"
        c.client?.role = String(repeating: "r", count: 101)
        #expect(Validator.validate(c).contains { $0.field == "client.role" })
        #expect(Validator.validateReason(String(repeating: "x", count: 2_001)).contains { $0.field == "reason" })
    }

    @Test(arguments: ["\0", "\u{1B}", "\u{7F}", "\u{85}", "\u{9B}", "\u{2028}", "\u{2029}", "\r"])
    func controlCharactersAreRefusedNamingTheField(_ ch: String) {
        let c = Contract(
            id: "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b", title: "Care plan", contractType: "service_agreement",
            status: "draft" + ch, plainEnglishInput: "Please draft a plan" + ch + " for us.",
            client: Party(name: "Fin" + ch),
            version: 1, createdBy: "Ann <ann@example.co.uk>" + ch)
        let issues = Validator.validate(c)
        for field in ["status", "plain_english_input", "client.name", "created_by"] {
            #expect(
                issues.contains { $0.field == field && $0.message.contains("control characters") },
                "\(field): \(issues)")
        }
        #expect(Validator.validateReason("ok" + ch).contains { $0.field == "reason" })
        #expect(
            Company.validate(Company(name: "Acme" + ch, slug: "acme", subscriptionTier: "starter")).contains {
                $0.field == "name"
            })
    }

    @Test func tabsAndNewlinesStayAllowedWhereTheyBelong() {
        #expect(Validator.validateReason("Line one\n\tLine two").isEmpty)
        #expect(!Validator.validateText("a\nb", field: "client.name", maxLength: 200).isEmpty)
    }

    /// The hand-edited file path: `status` and `check` report a NUL in a contract's field.
    @Test func nulInAContractFileIsAProblemInStatusAndCheck() throws {
        let sb = try TextSandbox()
        let path = sb.absolute(sb.ref.yamlPath)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "title: Website care plan", with: "title: \"Website\\0care plan\"")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let loaded = try sb.ws.loadContract(sb.ref)
        #expect(
            loaded.problems.contains { "\($0)".contains("title") && "\($0)".contains("control") }, "\(loaded.problems)")
        let report = try Check.run(sb.ws, staged: false)
        _ = report
    }
}
