import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaTestSupport
import Testing

/// Issue #16, AI privacy: what the redactor replaces before a prompt leaves for the AI
/// provider, and that the answer gets it back exactly.
@Suite struct PersonalDataRedactorTests {
    static let pii: [(PersonalDataCategory, String)] = [
        (.emails, "zeb.quarrington@example.org"),
        (.emails, "j_o+tag@mail.example.co.uk"),
        (.phones, "07700 900461"),
        (.phones, "+44 (0)161 496 0000"),
        (.phones, "+447700900123"),
        (.phones, "(020) 7946 0018"),
        (.phones, "0161-496-0000"),
        (.niNumbers, "JG 10 37 58 A"),
        (.niNumbers, "AB123456C"),
        (.addresses, "M20 6RT"),
        (.addresses, "SW1A 1AA"),
        (.addresses, "EC1A1BB"),
        (.addresses, "14 Larkspur Close"),
        (.addresses, "4B Mill Lane, Ancoats, Manchester, M4 5AB"),
    ]

    func redact(_ text: String, names: [String] = []) -> (text: String, map: RedactionMap) {
        PersonalDataRedactor(knownNames: names).redact(text)
    }

    @Test(arguments: pii.map(\.1))
    func eachKindIsReplacedAndRestored(_ value: String) {
        let text = "Contact: see \(value). Thanks."
        let (redacted, map) = redact(text)
        #expect(!redacted.contains(value), "\(redacted)")
        let category = Self.pii.first { $0.1 == value }!.0
        #expect(redacted.contains("[\(category.label)_1]"), "\(redacted)")
        #expect(map.counts[category] == 1)
        #expect(map.counts.total == 1, "\(map.counts)")
        #expect(map.restore(redacted) == text)
    }

    @Test(arguments: [
        "QQ 12 34 56 C", "DA123456A", "GB123456A", "BG 12 34 56 B", "ZZ123456D", "AO123456A", "NT 12 34 56 A",
    ])
    func invalidNIPrefixesAreNotNINumbers(_ value: String) {
        let (redacted, map) = redact("Reference \(value) here")
        #expect(map.counts.niNumbers == 0, "\(redacted)")
    }

    @Test(arguments: [
        "company number 01234567", "sort code 01-23-45", "£15,000.00", "on 2026-02-01", "clause 12.3",
        "section 1 of the Employment Rights Act 1996", "within 30 days",
        "Late Payment of Commercial Debts (Interest) Act 1998",
        "Article 28 processor terms", "governed by the law of England and Wales", "call 0800",
    ])
    func ordinaryContractTextIsLeftAlone(_ text: String) {
        let (redacted, map) = redact(text)
        #expect(map.isEmpty, "\(redacted)")
        #expect(redacted == text)
    }

    @Test func namesFromMetadataTitlesLabelsAndBetweenClauses() {
        let text = """
            This Agreement is made between Priya Okonkwo and Ancoats Coffee Co Ltd.
            Mr Zebedee Quarrington will start on 1 March; Zebedee reports to Dr. Halloran.
            Signed by Marta Lindqvist, Director of Acme Widgets Ltd.
            Name: Tomasz Wrobel
            The Client is Acme Widgets Ltd and the Supplier is Brightline Digital Ltd.
            """
        let redactor = PersonalDataRedactor(knownNames: ["Zebedee Quarrington", "Acme Widgets Ltd"])
        let (redacted, map) = redactor.redact(text)
        for name in [
            "Priya", "Okonkwo", "Zebedee", "Quarrington", "Halloran", "Marta", "Lindqvist", "Tomasz", "Wrobel",
        ] {
            #expect(!redacted.contains(name), "\(name) in \(redacted)")
        }
        for company in ["Ancoats Coffee Co Ltd", "Acme Widgets Ltd", "Brightline Digital Ltd", "Client", "Supplier"] {
            #expect(redacted.contains(company), "\(company) redacted: \(redacted)")
        }
        #expect(redacted.contains("Mr [PERSON_"))
        #expect(map.counts.names == 5, "\(map.counts)")
        #expect(map.restore(redacted) == text)
    }

    @Test func companiesAreNotPeopleButSoleTradersAre() {
        #expect(PersonalDataRedactor.isCompanyName("Acme Widgets Ltd"))
        #expect(PersonalDataRedactor.isCompanyName("Acme Widgets Limited"))
        #expect(PersonalDataRedactor.isCompanyName("Harbour Partners LLP"))
        #expect(PersonalDataRedactor.isCompanyName("Big Retail plc"))
        #expect(PersonalDataRedactor.isCompanyName("Acme Ltd."))
        #expect(!PersonalDataRedactor.isCompanyName("Sam Taylor"))
        #expect(!PersonalDataRedactor.isCompanyName("Sam Taylor trading as Taylor Plumbing"))
        let contract = Contract(
            id: "x", title: "T", contractType: "service_agreement",
            client: Party(name: "Sam Taylor trading as Taylor Plumbing", email: "sam@taylorplumbing.example"),
            supplier: Party(name: "Brightline Digital Ltd", email: "hello@brightline.example"))
        let redactor = PersonalDataRedactor(contract: contract, values: ["employee_name": "Ola Nordmann"])
        #expect(redactor.knownNames == ["Sam Taylor trading as Taylor Plumbing", "Ola Nordmann"])
        let (redacted, map) = redactor.redact(
            "Sam Taylor trading as Taylor Plumbing (Sam) and Brightline Digital Ltd; Ola Nordmann.")
        #expect(!redacted.contains("Sam") && !redacted.contains("Nordmann"), "\(redacted)")
        #expect(redacted.contains("Brightline Digital Ltd"))
        #expect(map.counts.names == 2, "\(map.counts)")
    }

    @Test func placeholdersAreStableAcrossMessagesAndNumberedByFirstUse() {
        let redactor = PersonalDataRedactor(knownNames: ["Ann Lee", "Bob Stone"])
        let result = redactor.redact([
            "Ann Lee (ann@example.org) meets Bob Stone.", "Again: Bob Stone, Ann Lee, ann@example.org, bob@example.org",
        ])
        #expect(result.texts[0] == "[PERSON_1] ([EMAIL_1]) meets [PERSON_2].")
        #expect(result.texts[1] == "Again: [PERSON_2], [PERSON_1], [EMAIL_1], [EMAIL_2]")
        #expect(result.map.counts == RedactionCounts(names: 2, emails: 2))
    }

    @Test func textThatAlreadyHoldsPlaceholdersNeverCollides() {
        let text = "Template says [PERSON_1] and [EMAIL_1] and [PERSON_3]; the employee is Ann Lee, ann@example.org."
        let (redacted, map) = redact(text, names: ["Ann Lee"])
        #expect(redacted.contains("[PERSON_2]") && redacted.contains("[EMAIL_2]"), "\(redacted)")
        #expect(!map.placeholders.contains("[PERSON_1]") && !map.placeholders.contains("[PERSON_3]"))
        #expect(map.restore(redacted) == text)
        // The answer echoing the pre-existing text keeps it.
        #expect(map.restore("[PERSON_1] meets [PERSON_2]") == "[PERSON_1] meets Ann Lee")
    }

    @Test func unknownOrMalformedPlaceholdersInTheAnswerAreLeftAlone() {
        let (_, map) = redact("Ann Lee", names: ["Ann Lee"])
        for answer in [
            "[PERSON_9]", "[PERSON_0]", "[PERSON_01]", "[PERSON_1", "PERSON_1]", "[person_1]", "[PERSON_]",
            "[PERSON_99999999999999999999]", "[[PERSON_1]]", "[NI_NUMBER_1]", "[", "]", "",
        ] {
            let restored = map.restore(answer)
            if answer == "[[PERSON_1]]" {
                #expect(restored == "[Ann Lee]")
            } else {
                #expect(restored == answer, "\(answer)")
            }
        }
    }

    @Test func restoringInsideJSONKeepsItValid() throws {
        let name = #"Zoë "Zed" O'Brien\Smith"#
        let (redacted, map) = redact("Between \(name) and others", names: [name])
        #expect(redacted == "Between [PERSON_1] and others")
        let answer = #"{"findings": [{"quote": "signed by [PERSON_1]", "message": "[PERSON_1] ok"}]}"#
        let restored = map.restoreJSON(answer)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(restored.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: String]])
        #expect(findings.first?["quote"] == "signed by \(name)")
        #expect(findings.first?["message"] == "\(name) ok")
    }

    @Test func theMapNeverPrintsValues() {
        let (_, map) = redact("Ann Lee, ann@example.org", names: ["Ann Lee"])
        for text in [map.description, map.debugDescription, "\(map)", String(reflecting: map)] {
            #expect(!text.contains("Ann") && !text.contains("example.org"), "\(text)")
        }
        var dumped = ""
        dump(map, to: &dumped)
        #expect(!dumped.contains("Ann") && !dumped.contains("example.org"), "\(dumped)")
    }

    // MARK: - Property tests

    /// A small deterministic generator (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let filler = [
        "the", "Supplier", "shall", "pay", "£5,000", "within", "14", "days", "of", "invoice.", "Clause", "12.3",
        "[PERSON_1]", "[EMAIL_2]", "{{client.name}}", "[TO COMPLETE: notice]", "\u{2028}", "\u{0}", "\r\n", "é",
        "Ltd", "between", "and", "Mr", ":", "Name:", "(", ")", "+", "0", "@", "\n", "|", "#", "—", "🙂",
    ]
    static let names = ["Zebedee Quarrington", "Priya Okonkwo", "Marta Lindqvist", "Ann Lee"]

    @Test func roundTripAndNoPIISurvivesForRandomTexts() {
        var random = Random(state: 0x5EED_1616)
        let redactor = PersonalDataRedactor(knownNames: Self.names)
        for _ in 0..<300 {
            var parts: [String] = []
            var embedded: [String] = []
            for _ in 0..<Int(random.next() % 40) {
                if random.next() % 4 == 0 {
                    let value = random.next() % 2 == 0 ? random.pick(Self.names) : random.pick(Self.pii).1
                    embedded.append(value)
                    parts.append(value)
                } else {
                    parts.append(random.pick(Self.filler))
                }
            }
            let separators = [" ", " ", ", ", "\n", "; "]
            var text = ""
            for part in parts { text += part + random.pick(separators) }
            let (redacted, map) = redactor.redact(text)
            #expect(map.restore(redacted) == text, "round trip failed for \(text.debugDescription)")
            for value in embedded {
                #expect(!redacted.contains(value), "\(value) survived in \(redacted.debugDescription)")
            }
            // Stable: the same text gives the same redaction.
            #expect(redactor.redact(text).text == redacted)
        }
    }

    @Test func hostileInputs() {
        let redactor = PersonalDataRedactor(knownNames: ["Ann Lee"])
        // 1 MB of prose with PII sprinkled in, and a megabyte of digits, letters and at-signs.
        let block = "The Supplier shall pay Ann Lee (ann@example.org, 07700 900461) at M20 6RT. "
        let big = String(repeating: block, count: 1_048_576 / block.utf8.count + 1)
        let (redacted, map) = redactor.redact(big)
        #expect(!redacted.contains("Ann Lee") && !redacted.contains("ann@example.org") && !redacted.contains("900461"))
        #expect(map.counts == RedactionCounts(names: 1, emails: 1, phones: 1, addresses: 1))
        #expect(map.restore(redacted) == big)
        for hostile in [
            String(repeating: "0", count: 1_048_576), String(repeating: "A", count: 1_048_576),
            String(repeating: "@", count: 1_048_576), String(repeating: "a@", count: 300_000),
            String(repeating: "[PERSON_1]", count: 100_000), String(repeating: "12 ", count: 300_000),
            "Ann Lee\u{0}ann@example.org\u{2028}07700 900461\u{2029}M20 6RT", "\u{0}\u{0}", "Ann\u{2028}Lee",
        ] {
            let (out, map) = redactor.redact(hostile)
            #expect(map.restore(out) == hostile)
        }
        // Tens of thousands of distinct names revealed by the text itself (each after a title).
        var many = ""
        for k in 0..<40_000 {
            var letters = "", n = k
            for _ in 0..<4 {
                letters.append(Character(Unicode.Scalar(UInt8(97 + n % 26))))
                n /= 26
            }
            many += "Mr Q\(letters) Smith, "
        }
        let (manyOut, manyMap) = redactor.redact(many)
        #expect(manyMap.counts.names == 40_000)
        #expect(!manyOut.contains("Smith"))
        #expect(manyMap.restore(manyOut) == many)
        let (withNUL, nulMap) = redactor.redact("Ann Lee\u{0}ann@example.org\u{2028}07700 900461")
        #expect(nulMap.counts == RedactionCounts(names: 1, emails: 1, phones: 1), "\(withNUL.debugDescription)")
    }
}

/// AI analysis through the loopback stub: the contract's personal data never reaches the
/// provider, and the JSON answer's placeholders are restored before it is checked.
@Suite struct AIAnalysisRedactionTests {
    static let markdown = """
        # Agreement

        This Agreement is made between Zebedee Quarrington and Acme Widgets Ltd.

        Governed by the law of England and Wales. Contact zeb@larkspur-home.example or 07700 900461.
        """

    static func analysis(for request: RecordedRequest) -> String {
        let text = request.text
        var person = "[PERSON_9]"
        if let start = text.range(of: "[PERSON_"), let end = text[start.upperBound...].firstIndex(of: "]") {
            person = String(text[start.lowerBound...end])
        }
        let object: [String: Any] = [
            "overall_score": 0.8, "gdpr_score": 0.9, "commercial_terms_score": 0.7, "risk_score": 3,
            "risk_factors": [["source": "parties", "description": "\(person) \"trades\" alone"]],
            "recommendations": [["clause": "parties", "text": "Name \(person)'s address; keep [EMAIL_7] as is"]],
            "findings": [
                [
                    "clause": "governing_law", "status": "present", "message": "ok",
                    "quote": "between \(person) and Acme Widgets Ltd",
                ]
            ],
        ]
        let content = String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        return AIProviderTests.completion(content)
    }

    @Test func analysisSendsPlaceholdersAndRestoresTheJSONAnswer() throws {
        let server = try LoopbackHTTPServer { .json(Self.analysis(for: $0)) }
        defer { server.stop() }
        var contract = Fixtures.servicesContract()
        contract.client = Party(name: "Zebedee Quarrington", email: "zeb@larkspur-home.example")
        let result = try AIContractAnalyzer(client: AIProviderTests.client(server)).analyze(
            markdown: Self.markdown, contract: contract)
        let sent = try #require(server.requests.first).text
        for canary in ["Zebedee", "Quarrington", "zeb@larkspur-home.example", "07700 900461"] {
            #expect(!sent.contains(canary), "the AI provider received \(canary)")
        }
        #expect(sent.contains("[PERSON_1]"))
        #expect(result.riskFactors.first?.description == "Zebedee Quarrington \"trades\" alone")
        #expect(result.recommendations.first?.text == "Name Zebedee Quarrington's address; keep [EMAIL_7] as is")
        #expect(result.droppedClaims.allSatisfy { !$0.contains("[PERSON_") }, "\(result.droppedClaims)")
    }

    @Test func analysisWithRedactionOffSendsTheText() throws {
        let server = try LoopbackHTTPServer { .json(Self.analysis(for: $0)) }
        defer { server.stop() }
        let client = AIProviderTests.client(server)
        var configuration = client.configuration
        configuration.redactPersonalData = false
        _ = try AIContractAnalyzer(client: ChatCompletionsClient(configuration: configuration, sleep: { _ in }))
            .analyze(text: Self.markdown, type: .serviceAgreement)
        let sent = try #require(server.requests.first).text
        #expect(sent.contains("Zebedee Quarrington") && sent.contains("07700 900461"))
    }

    @Test func oldGenerationRecordsDecodeWithoutRedactions() throws {
        let old = """
            {"provider": "ai", "model": "m", "template_id": "t", "template_version": "1.0.0", "template_sha256": "x",
             "processing_time_ms": 5, "confidence_score": 0.5, "prompt_sha256": "y", "created_at": "2026-01-01T00:00:00Z"}
            """
        let record = try JSONDecoder().decode(GenerationRecord.self, from: Data(old.utf8))
        #expect(record.redactions == nil)
        var withCounts = record
        withCounts.redactions = RedactionCounts(names: 2, emails: 1, niNumbers: 1)
        let encoded = String(decoding: try JSONEncoder().encode(withCounts), as: UTF8.self)
        #expect(encoded.contains(#""ni_numbers":1"#))
        #expect(try JSONDecoder().decode(GenerationRecord.self, from: Data(encoded.utf8)) == withCounts)
    }
}

extension PersonalDataRedactorTests {
    @Test func namePartsThatAreContractWordsStay() {
        let redactor = PersonalDataRedactor(knownNames: ["Gareth Law", "Rhian Wales"])
        let text = "Governing Law: England and Wales. Gareth Law and Rhian Wales sign; Gareth pays Rhian."
        let (redacted, map) = redactor.redact(text)
        #expect(redacted.hasPrefix("Governing Law: England and Wales. [PERSON_1] and [PERSON_2] sign;"), "\(redacted)")
        #expect(!redacted.contains("Gareth") && !redacted.contains("Rhian"))
        #expect(map.counts.names == 2)
        #expect(map.restore(redacted) == text)
    }

    @Test func aRedactedPromptTellsTheModelToKeepPlaceholders() {
        let redactor = PersonalDataRedactor(knownNames: ["Ann Lee"])
        let (messages, _) = redactor.redact([.system("Be careful."), .user("Ann Lee signs.")])
        #expect(messages[0].content.hasSuffix(PersonalDataRedactor.placeholderInstruction))
        #expect(messages[1].content == "[PERSON_1] signs.")
        let (clean, map) = redactor.redact([.system("Be careful."), .user("Nobody signs.")])
        #expect(map.isEmpty && clean[0].content == "Be careful.")
    }
}

extension PersonalDataRedactorTests {
    /// Titles and holidays are not people (found by running the redactor over the built-in
    /// templates and the labelled corpus).
    @Test(arguments: [
        "name: Joint Venture Agreement", "Name: Software Licence Agreement", "name: Commercial Lease (Short Form)",
        "The Practice closes between Christmas and New Year.", "Name: Mutual Non-Disclosure Agreement",
    ])
    func titlesAndHolidaysAreNotNames(_ text: String) {
        let (redacted, map) = PersonalDataRedactor().redact(text)
        #expect(map.isEmpty, "\(redacted)")
    }
}
