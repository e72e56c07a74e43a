import Foundation
import PactoriaCore
import PactoriaWorkspace
import PropertyBased
import Testing

/// Issue #11, key injection through the canonical YAML writer: a value never leaves its scalar,
/// whatever line breaks (LF, CR, NEL, U+2028, U+2029) or syntax it holds.
@Suite("Security: canonical YAML writer")
struct TextCanonicalYAMLTests {
    static let base = Contract(
        id: "3f2b8c1e-5d4a-4e8f-9b7c-1a2d3e4f5a6b", title: "Care plan", contractType: "service_agreement",
        status: "draft", plainEnglishInput: "A plan.\nSecond line.\n",
        client: Party(name: "Finchley Pay Ltd", email: "ops@finchleypay.co.uk", company: "Finchley", role: "Buyer"),
        supplier: Party(name: "Brickline", companyNumber: "12345678"),
        value: ContractValue(amount: "1500.00", currency: "GBP"), startDate: "2026-01-01", endDate: "2026-12-31",
        templateID: "service-basic", version: 1, createdBy: "Ann <ann@example.co.uk>",
        createdAt: "2026-01-01T09:00:00Z", updatedAt: "2026-01-01T09:00:00Z",
        lifecycle: LifecycleRecord(
            finalContent: FinalContent(sha256: "ab", by: "Ann <ann@example.co.uk>", at: "2026-01-01T09:00:00Z"),
            events: [
                "submitted": LifecycleStamp(by: "Ann <ann@example.co.uk>", at: "2026-01-02T09:00:00Z", reason: "r")
            ]))

    typealias Field = (
        name: String, set: @Sendable (inout Contract, String) -> Void, get: @Sendable (Contract) -> String?
    )

    /// Every text field of a contract, by its YAML path.
    static let fields: [Field] = [
        ("id", { $0.id = $1 }, { $0.id }),
        ("title", { $0.title = $1 }, { $0.title }),
        ("contract_type", { $0.contractType = $1 }, { $0.contractType }),
        ("status", { $0.status = $1 }, { $0.status }),
        ("plain_english_input", { $0.plainEnglishInput = $1 }, { $0.plainEnglishInput }),
        ("client.name", { $0.client!.name = $1 }, { $0.client?.name }),
        ("client.email", { $0.client!.email = $1 }, { $0.client?.email }),
        ("client.company", { $0.client!.company = $1 }, { $0.client?.company }),
        ("client.role", { $0.client!.role = $1 }, { $0.client?.role }),
        ("supplier.company_number", { $0.supplier!.companyNumber = $1 }, { $0.supplier?.companyNumber }),
        ("contract_value.amount", { $0.value!.amount = $1 }, { $0.value?.amount }),
        ("contract_value.currency", { $0.value!.currency = $1 }, { $0.value?.currency }),
        ("start_date", { $0.startDate = $1 }, { $0.startDate }),
        ("end_date", { $0.endDate = $1 }, { $0.endDate }),
        ("template_id", { $0.templateID = $1 }, { $0.templateID }),
        ("created_by", { $0.createdBy = $1 }, { $0.createdBy }),
        ("created_at", { $0.createdAt = $1 }, { $0.createdAt }),
        ("updated_at", { $0.updatedAt = $1 }, { $0.updatedAt }),
        ("lifecycle.final_content.by", { $0.lifecycle!.finalContent!.by = $1 }, { $0.lifecycle?.finalContent?.by }),
        (
            "lifecycle.submitted.by", { $0.lifecycle!.events["submitted"]!.by = $1 },
            { $0.lifecycle?.events["submitted"]?.by }
        ),
        (
            "lifecycle.submitted.at", { $0.lifecycle!.events["submitted"]!.at = $1 },
            { $0.lifecycle?.events["submitted"]?.at }
        ),
        (
            "lifecycle.submitted.reason", { $0.lifecycle!.events["submitted"]!.reason = $1 },
            {
                $0.lifecycle?.events["submitted"]?.reason
            }
        ),
    ]

    /// Every key path of a tree, in order.
    static func keyPaths(_ node: YAMLNode, prefix: String = "") -> [String] {
        switch node {
        case .mapping(let entries):
            return entries.flatMap { e -> [String] in
                let p = prefix.isEmpty ? e.key : prefix + "." + e.key
                return [p] + keyPaths(e.value, prefix: p)
            }
        case .sequence(let items):
            return items.enumerated().flatMap { keyPaths($1, prefix: prefix + ".\($0)") }
        case .scalar:
            return []
        }
    }

    /// What the reader can give back for `value`: Yams decodes scalars with Foundation, which drops
    /// one leading U+FEFF (byte-order mark). Pactoria's validator refuses U+FEFF in every text field.
    static func readable(_ value: String) -> String {
        value.unicodeScalars.first == "\u{FEFF}" ? String(value.unicodeScalars.dropFirst()) : value
    }

    /// Writes `value` into `field` with the real writer, reads the file back with the real reader.
    static func roundTrip(_ field: Field, _ value: String) throws -> (Contract, [String], [String], String) {
        var c = base
        field.set(&c, value)
        let text = ContractCodec.render(c)
        let doc = try YAMLDocument.parse(text, file: "c.yaml")
        let (back, _) = ContractCodec.decode(doc.root)
        return (back, keyPaths(doc.root), keyPaths(ContractCodec.encode(c)), text)
    }

    static let injections = [
        "Fine\u{2028}compliance:\u{2028}  score: 100", "Fine\u{2029}template_id: evil\n", "Fine\u{85}lifecycle:\n",
        "line one\nactivated:\n  by: Boss <boss@x.co.uk>\r\ncompliance: 100", "tab\there\n\u{2028}x: y",
        "  leading\nsecond", "ends with spaces\n   ", "\u{FEFF}bom\nx", "nul\0inside\nx", "c1 \u{9B} csi\nx",
        "\u{FFFE}\nx",
    ]

    @Test(arguments: injections)
    func lineBreakCharactersCannotInjectKeys(_ value: String) throws {
        for field in Self.fields {
            let (back, keys, expectedKeys, text) = try Self.roundTrip(field, value)
            #expect(field.get(back) == Self.readable(value), "\(field.name)\n\(text)")
            #expect(keys == expectedKeys, "\(field.name)\n\(text)")
        }
    }

    /// Property: random hostile Unicode through every text field → the same value, the same keys.
    @Test func everyFieldRoundTripsRandomText() async {
        await propertyCheck(count: 200, input: HostileText.generator(), Gen.int(in: 0...(Self.fields.count - 1))) {
            value, i in
            let field = Self.fields[i]
            do {
                let (back, keys, expectedKeys, text) = try Self.roundTrip(field, value)
                #expect(field.get(back) == Self.readable(value), "\(field.name)\n\(text.debugDescription)")
                #expect(keys == expectedKeys, "\(field.name)\n\(text.debugDescription)")
            } catch {
                Issue.record("\(field.name): \(error)")
            }
        }
    }

    /// A key or value that starts like a document marker (`... x`, `--- x`): written at column 0
    /// unquoted, `...` would end the document. Found by `unknownKeysRoundTrip`.
    @Test(arguments: ["... \"", "...", "... x", "--- x", "...x", "----"])
    func documentMarkersAreQuoted(_ text: String) throws {
        let written = YAMLNode.mapping([
            YAMLEntry(key: text, value: .scalar(text, .string)), YAMLEntry(key: "z", value: .scalar("1", .typed)),
        ])
        let rendered = CanonicalYAML.render(written)
        let doc = try YAMLDocument.parse(rendered, file: "k.yaml")
        #expect(doc.root.sameContent(as: written), "\(rendered.debugDescription)")
    }

    /// Property: random text as an unknown key and its value round-trips too.
    @Test func unknownKeysRoundTrip() async {
        await propertyCheck(count: 200, input: HostileText.generator(count: 1...8), HostileText.generator()) {
            key, value in
            let written = YAMLNode.mapping([
                YAMLEntry(key: key, value: .scalar(value, .string)), YAMLEntry(key: "z", value: .scalar("1", .typed)),
            ])
            let text = CanonicalYAML.render(written)
            let tree = YAMLNode.mapping([
                YAMLEntry(key: Self.readable(key), value: .scalar(Self.readable(value), .string)),
                YAMLEntry(key: "z", value: .scalar("1", .typed)),
            ])
            do {
                let doc = try YAMLDocument.parse(text, file: "k.yaml")
                #expect(doc.root.sameContent(as: tree), "\(text.debugDescription)")
            } catch {
                Issue.record("\(error)\n\(text.debugDescription)")
            }
        }
    }
}
