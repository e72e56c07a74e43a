import Foundation
import PactoriaCore
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// The DPIA (issue #16): worked out from the workspace's own inventory, deterministic, and
/// honest about sealed contracts it cannot read.
@Suite struct GDPRDPIATests {
    static let dpo = Author(name: "Data Officer", email: "dpo@example.co.uk")
    static let today = CalendarDate("2026-12-01")!
    static let env: [String: String] = [:]

    /// Contract type → number of contracts, read straight from the YAML files.
    static func typeCounts(_ root: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        let companies = try FileManager.default.contentsOfDirectory(atPath: root + "/companies")
        for c in companies {
            let dir = root + "/companies/\(c)/contracts"
            for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where f.hasSuffix(".yaml") {
                let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
                let line = text.split(separator: "\n").first { $0.hasPrefix("contract_type: ") }!
                out[String(line.dropFirst("contract_type: ".count)), default: 0] += 1
            }
        }
        return out
    }

    @Test func theFiguresMatchTheWorkspace() throws {
        let root = try RulesKit.adopt { root in
            // An employee's NI number and health note, in clear.
            let path =
                root + "/" + RulesKit.markdown("brickline-digital/senior-full-stack-developer-employment-contract")
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text += "\nEmployee NI number: JT 12 34 56 C. Occupational health referral on request.\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        _ = try DataSubjectRequests.create(
            ws, kind: .access, subject: "Jess Mariner", received: CalendarDate("2026-10-01"), author: Self.dpo)
        let r = try DPIA.run(ws, today: Self.today, environment: Self.env)

        let types = try Self.typeCounts(root)
        let total = types.values.reduce(0, +)
        #expect(r.volumes.contracts == total)
        #expect(r.volumes.companies == 3)
        #expect(r.volumes.clear == total && r.volumes.sealed == 0 && r.volumes.sealedUnreadable == 0)
        #expect(Dictionary(uniqueKeysWithValues: r.contractTypes.map { ($0.type, $0.contracts) }) == types)
        // Distinct parties, by email else name, counted the same way here.
        var parties = Set<String>()
        for ref in ws.contractRefs() {
            let c = try ws.loadContract(ref).contract
            for p in [c.client, c.supplier].compactMap({ $0 }) {
                parties.insert((p.email ?? p.name).lowercased())
            }
        }
        #expect(r.volumes.dataSubjects == parties.count)
        #expect(r.volumes.requests == 1 && r.volumes.overdueRequests == 1)
        // Retention: every contract is either not in force or under an obligation (nothing has
        // ended long enough ago), and the three add up.
        #expect(r.retention.pastRetention == 0)
        #expect(r.retention.underObligation + r.retention.notInForce == total)

        let cats = Dictionary(uniqueKeysWithValues: r.categories.map { ($0.id, $0) })
        #expect(cats["identity"]?.contracts == total)
        #expect(cats["ni_number"]?.byType == ["employment_contract": 1])
        #expect(cats["health"]?.special == true)
        #expect(cats["health"]?.clearContracts ?? 0 >= 1)
        #expect(cats["salary"]?.byType["employment_contract"] == 1)
        // High: NI and health data in clear; the reasons say so.
        #expect(r.risk.level == .high)
        #expect(r.risk.reasons.contains { $0.hasPrefix("National Insurance number") })
        #expect(r.risk.reasons.contains { $0.contains("overdue") })
        #expect(r.transfers.host == "api.groq.com" && r.transfers.outsideUK && r.transfers.redaction == true)
        #expect(r.measures.first { $0.name == "Encryption at rest (sealing)" }?.inForce == false)

        let md = DPIA.markdown(r)
        #expect(md.contains("**Overall risk: HIGH**"))
        #expect(md.contains("| Contracts | \(total) |"))
        #expect(!md.contains("JT 12 34 56 C"), "the report names categories, never the data")
    }

    @Test func theSameWorkspaceGivesTheSameDocument() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let a = DPIA.markdown(try DPIA.run(try Workspace.open(root: root), today: Self.today, environment: Self.env))
        let b = DPIA.markdown(try DPIA.run(try Workspace.open(root: root), today: Self.today, environment: Self.env))
        #expect(a == b)
        #expect(a.contains("Generated on 2026-12-01"))
        let later = DPIA.markdown(
            try DPIA.run(try Workspace.open(root: root), today: CalendarDate("2026-12-02")!, environment: Self.env))
        #expect(later.replacingOccurrences(of: "2026-12-02", with: "2026-12-01") == a)
        let json = DPIA.json(try DPIA.run(try Workspace.open(root: root), today: Self.today, environment: Self.env))
        #expect(
            json == DPIA.json(try DPIA.run(try Workspace.open(root: root), today: Self.today, environment: Self.env)))
        let o = RulesKit.json(String(decoding: json, as: UTF8.self))
        #expect((o["volumes"] as? [String: Any])?["contracts"] as? Int == 15)

        // The command writes the file whole, and prints the same bytes without -o.
        let out = root + "/../dpia.md"
        let w = try RulesKit.pactoria(root, ["dpia", "-o", out])
        #expect(w.status == 0, "\(w)")
        let printed = try RulesKit.pactoria(root, ["dpia"])
        #expect(try String(contentsOfFile: out, encoding: .utf8) == printed.stdout)
    }

    @Test func redactionAndAUKProviderLowerTheTransferRisk() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let ws = try Workspace.open(root: root)
        let r = try DPIA.run(
            ws, today: Self.today, environment: ["PACTORIA_AI_BASE_URL": "https://user:secret@ai.example.co.uk:8443/v1"]
        )
        #expect(r.transfers.host == "ai.example.co.uk")
        #expect(r.transfers.location == "UK" && r.transfers.source == "environment")
        #expect(!DPIA.markdown(r).contains("secret"))
        #expect(!r.risk.reasons.contains { $0.contains("AI provider") })
    }

    @Test func hostileContentIsScreenedInOnePassAndCannotBreakTheTables() throws {
        let care = RulesKit.draftCare
        let root = try RulesKit.adopt { root in
            // A megabyte of address-like characters with no address in it, then one that is.
            let text =
                String(repeating: "a", count: 1 << 20) + "@" + String(repeating: "b.", count: 1000)
                + " and write to x@y.co.uk.\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + RulesKit.markdown(care)))
        }
        defer { RulesKit.cleanUp(root) }
        try RulesKit.replace(root, RulesKit.yaml(care), "contract_type: service_agreement", "contract_type: \"x|y\"")
        let ws = try Workspace.open(root: root)
        let r = try DPIA.run(ws, today: Self.today, environment: ["PACTORIA_AI_BASE_URL": "javascript:alert(1)"])
        #expect(r.contractTypes.contains { $0.type == "x|y" && $0.categories.contains("contact_email") })
        #expect(r.transfers.host == "(unparsable base URL)" && r.transfers.location == "outside the UK")
        let md = DPIA.markdown(r)
        #expect(md.contains("| x\\|y | 1 |"), "a pipe from the data stays inside its cell")
    }

    @Test func aSealedCompanyWithoutTheKeyIsCountedNotRead() throws {
        let root = try RulesKit.adopt()
        defer { RulesKit.cleanUp(root) }
        let company = "avon-gorge-engineering"
        let sealed = try Workspace.open(root: root)
        let made = try SealContracts.run(sealed, target: company, author: Self.dpo)
        let n = made.contracts.count
        #expect(n == 5)
        let withKey = try DPIA.run(try Workspace.open(root: root), today: Self.today, environment: Self.env)
        #expect(withKey.volumes.sealed == n && withKey.volumes.sealedUnreadable == 0)
        #expect(withKey.measures.first { $0.name == "Key management" }?.inForce == true)

        // A machine without the key: the working tree holds what git stores (ciphertext).
        for ref in made.contracts {
            for path in [ref.yamlPath, ref.markdownPath] {
                let stored = try runGit(root, ["cat-file", "blob", "HEAD:\(path)"])
                #expect(stored.contains("BEGIN PACTORIA SEALED"))
                try RulesKit.write(root, path, stored)
            }
        }
        try FileManager.default.removeItem(atPath: try #require(made.createdKeyFile))
        let r = try DPIA.run(try Workspace.open(root: root), today: Self.today, environment: Self.env)
        #expect(r.volumes.contracts == withKey.volumes.contracts)
        #expect(r.volumes.sealedUnreadable == n && r.volumes.sealed == 0)
        #expect(r.volumes.clear == withKey.volumes.clear)
        // Their types still count (clear fields), and their retention is still reckoned.
        #expect(r.contractTypes.map(\.contracts).reduce(0, +) == r.volumes.contracts)
        #expect(r.contractTypes.map(\.sealedUnreadable).reduce(0, +) == n)
        #expect(r.retention.underObligation + r.retention.notInForce + r.retention.pastRetention == r.volumes.contracts)
        #expect(r.measures.first { $0.name == "Key management" }?.inForce == false)
        #expect(r.recommendations.contains { $0.contains("\(n) sealed contracts were counted but not inspected") })
        let md = DPIA.markdown(r)
        #expect(md.contains("| Sealed and not readable here (no master key) | \(n) |"))
    }
}
