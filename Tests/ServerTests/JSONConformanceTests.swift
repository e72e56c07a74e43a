import Foundation
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// One typed vocabulary (issue #13): `pactoria list --json`, `pactoria show --json` (the built
/// binary) and the API say the same thing about the same contracts, in the same JSON types.
@Suite("JSON conformance: CLI and API", .serialized)
struct JSONConformanceTests {
    static let manager = "manager@brickline.co.uk"

    /// A value as canonical JSON text, so `true` and `"true"`, `1` and `"1"` differ.
    static func canonical(_ value: Any?) -> String {
        guard let value else { return "<absent>" }
        let data = try? JSONSerialization.data(
            withJSONObject: [value], options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "<not JSON>"
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text.prefix(300))")
    }

    /// Every key of `a` and `b` (or of `keys`) has the same type and value in both.
    static func expectSame(
        _ a: [String: Any], _ b: [String: Any], keys: Set<String>? = nil, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let names = keys ?? Set(a.keys).union(b.keys)
        for k in names.sorted() {
            #expect(
                canonical(a[k]) == canonical(b[k]), "\(what): \(k): \(canonical(a[k])) vs \(canonical(b[k]))",
                sourceLocation: sourceLocation)
        }
    }

    /// Three contracts that between them fill every field: parties with companies, money, dates,
    /// a lifecycle stamp, and generated content with its recorded analysis.
    func seed(_ s: LiveServer) async throws -> [String] {
        let m = try s.token(Self.manager)
        let templates = try await s.call("GET", "/api/v1/contracts/templates", token: m)
        let template = try #require((templates.json["templates"] as? [[String: Any]])?.first)
        let full = try await s.createContract(
            m, title: "Website Build", type: template["contract_type"] as? String ?? "service_agreement",
            extra: [
                "client": ["name": "Acme Ltd", "email": "ops@acme.co.uk", "company": "Acme Holdings Ltd"],
                "supplier": ["name": "Brickline Digital Ltd", "company_number": "01234567"],
                "contract_value": ["amount": "1250.00", "currency": "GBP"], "start_date": "2026-01-01",
                "end_date": "2099-12-31", "template_id": template["id"] as? String ?? "",
                "plain_english_input": "Build and host a website",
            ])
        let fullID = try #require(full["id"] as? String)
        let generated = try await s.call(
            "POST", "/api/v1/contracts/\(fullID)/generate", token: m, json: ["provider": "local"])
        #expect(generated.status == 200, "\(generated.text)")
        let analysed = try await s.call("POST", "/api/v1/contracts/\(fullID)/analyze", token: m, json: [String: Any]())
        #expect(analysed.status == 200, "\(analysed.text)")
        let submitted = try #require(try await s.createContract(m, title: "Consulting")["id"] as? String)
        #expect(try await s.transition(m, submitted, "submit", reason: "Ready for legal").status == 200)
        let bare = try #require(try await s.createContract(m, title: "Bare")["id"] as? String)
        return [fullID, submitted, bare]
    }

    @Test func listShowAndTheAPIAgree() async throws {
        let s = try await LiveServer()
        let ids = try await seed(s)
        let m = try s.token(Self.manager)

        // The list: the same summaries, key for key.
        let api = try await s.call("GET", "/api/v1/contracts?size=100", token: m)
        #expect(api.status == 200, "\(api.text)")
        let cliRun = try await s.pactoria(["list", "--json", "--size", "100", "--company", "brickline"])
        #expect(cliRun.status == 0, "\(cliRun)")
        let cli = try Self.object(cliRun.stdout)
        Self.expectSame(cli, api.json, keys: ["total", "page", "size", "pages", "problems"], "list")
        let apiRows = api.json["contracts"] as? [[String: Any]] ?? []
        let cliRows = cli["contracts"] as? [[String: Any]] ?? []
        #expect(apiRows.count == 3 && cliRows.count == 3)
        for id in ids {
            let a = try #require(apiRows.first { $0["id"] as? String == id })
            let c = try #require(cliRows.first { $0["id"] as? String == id })
            #expect(Set(a.keys) == Set(c.keys))
            Self.expectSame(c, a, "list \(id)")
        }

        // One contract: `show --json` holds the API's detail, key for key.
        var details: [String: [String: Any]] = [:]
        for id in ids {
            let a = try await s.call("GET", "/api/v1/contracts/\(id)", token: m)
            #expect(a.status == 200, "\(a.text)")
            let shown = try await s.pactoria(["show", id, "--json"])
            #expect(shown.status == 0, "\(shown)")
            let c = try #require(try Self.object(shown.stdout)["contract"] as? [String: Any])
            #expect(Set(a.json.keys) == Set(c.keys))
            Self.expectSame(c, a.json, "show \(id)")
            details[id] = a.json
        }

        // The summary's fields are the detail's, in the same types.
        for row in apiRows {
            let id = row["id"] as? String ?? ""
            let detail = try #require(details[id])
            Self.expectSame(
                row, detail,
                keys: [
                    "id", "company", "stem", "path", "title", "contract_type", "status", "version", "contract_value",
                    "start_date", "end_date", "updated_at",
                ], "summary vs detail \(id)")
            let party = row["client"] as? [String: Any] ?? [:]
            let full = detail["client"] as? [String: Any] ?? [:]
            Self.expectSame(party, full, keys: ["name", "company"], "client \(id)")
        }

        // Types on the wire: booleans are booleans, numbers numbers, money a decimal string and a currency.
        let full = try #require(details[ids[0]])
        #expect(Self.canonical(full["version"]).range(of: #"^\[\d+\]$"#, options: .regularExpression) != nil)
        #expect(Self.canonical(full["contract_value"]) == #"[{"amount":"1250.00","currency":"GBP"}]"#)
        #expect((full["client"] as? [String: Any])?["company"] as? String == "Acme Holdings Ltd")
        let compliance = try #require(full["compliance"] as? [String: Any], "\(full)")
        #expect(["[true]", "[false]"].contains(Self.canonical(compliance["compliant"])))
        #expect(compliance["overall_score"] is NSNumber && !(compliance["overall_score"] is String))
        #expect(Self.canonical(compliance["risk_score"]).range(of: #"^\[\d+\]$"#, options: .regularExpression) != nil)
        let lifecycle = try #require(details[ids[1]]?["lifecycle"] as? [String: Any])
        #expect((lifecycle["submitted"] as? [String: Any])?["reason"] as? String == "Ready for legal")
        #expect(details[ids[2]]?["supplier"] is NSNull && details[ids[2]]?["contract_value"] is NSNull)

        // The OpenAPI components name the same shapes, with the same properties.
        let doc = try await s.call("GET", "/openapi.json")
        let schemas = (doc.json["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]] ?? [:]
        func properties(_ name: String) -> Set<String> {
            Set((schemas[name]?["properties"] as? [String: Any] ?? [:]).keys)
        }
        #expect(properties("ContractDetail") == Set(full.keys))
        #expect(properties("ContractSummary") == Set(apiRows[0].keys))
        #expect(properties("ContractList") == Set(api.json.keys))
        #expect(properties("Money") == ["amount", "currency"])
        let again = try await s.call(
            "POST", "/api/v1/contracts/\(ids[0])/analyze", token: try s.token("legal@brickline.co.uk"),
            json: ["force_reanalysis": true])
        #expect(again.status == 200, "\(again.text)")
        #expect(properties("AnalyzeOutcome") == Set(again.json.keys))
        #expect(properties("Analysis") == Set((again.json["analysis"] as? [String: Any] ?? [:]).keys))
    }

    @Test func writesAnswerWithTheDetailShape() async throws {
        let s = try await LiveServer()
        let m = try s.token(Self.manager)
        let created = try await s.createContract(m, title: "Shape")
        let id = try #require(created["id"] as? String)
        let patched = try await s.call("PATCH", "/api/v1/contracts/\(id)", token: m, json: ["title": "Shaped"])
        let moved = try await s.transition(m, id, "submit")
        let shown = try await s.call("GET", "/api/v1/contracts/\(id)", token: m)
        for (name, r) in [("patch", patched.json), ("transition", moved.json)] {
            #expect(r["commit"] is String, "\(name)")
            var rest = r
            rest["commit"] = nil
            rest["transition"] = nil
            #expect(Set(rest.keys) == Set(shown.json.keys), "\(name)")
        }
        Self.expectSame(moved.json, shown.json, keys: Set(shown.json.keys), "transition answer vs GET")
        let t = try #require(moved.json["transition"] as? [String: Any])
        #expect(t["from"] as? String == "draft" && t["to"] as? String == "pending_review")
    }
}
