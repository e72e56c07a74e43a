import Foundation
public import PactoriaCore
import PactoriaGit

/// A data protection impact assessment (UK GDPR Article 35) worked out from the workspace
/// itself: its data inventory, the security measures in force, a risk rating and the
/// recommendations that follow. Regenerated, never hand-maintained: the same workspace (and
/// configuration, key and day) always gives the same report.
public struct DPIAReport: Sendable, Equatable, Codable {
    /// The version of this report's shape.
    public var formatVersion = 1
    /// The day it was generated (from the caller's clock).
    public var generatedOn: String
    public var volumes: Volumes
    public var contractTypes: [TypeRow]
    public var categories: [Category]
    public var retention: Retention
    public var transfers: Transfer
    public var measures: [Measure]
    public var risk: Risk
    public var recommendations: [String]

    public struct Volumes: Sendable, Equatable, Codable {
        public var companies: Int
        public var contracts: Int
        /// Contracts sealed at rest that this machine read (it holds the master key).
        public var sealed: Int
        /// Sealed contracts this machine cannot read (no or another master key): counted, not inspected.
        public var sealedUnreadable: Int
        /// Contracts stored in clear in git.
        public var clear: Int
        /// Contracts whose personal data was erased.
        public var erased: Int
        /// Distinct parties named in readable contracts (by email, else by name).
        public var dataSubjects: Int
        /// Contracts with an AI generation record.
        public var aiGenerated: Int
        public var requests: Int
        public var openRequests: Int
        public var overdueRequests: Int
    }

    /// One contract type's contracts and the categories found in them.
    public struct TypeRow: Sendable, Equatable, Codable {
        public var type: String
        public var contracts: Int
        public var sealed: Int
        public var sealedUnreadable: Int
        public var clear: Int
        public var erased: Int
        /// Category ids found in at least one contract of the type, in `DPIA.detectors` order.
        public var categories: [String]
    }

    /// A category of personal data, how it is detected, and where it was found.
    public struct Category: Sendable, Equatable, Codable {
        public var id: String
        public var name: String
        /// Special-category data (Article 9) or criminal-offence data (Article 10).
        public var special: Bool
        public var detection: String
        public var contracts: Int
        /// Of those, the contracts stored in clear.
        public var clearContracts: Int
        /// Contract type to number of contracts.
        public var byType: [String: Int]
    }

    public struct Retention: Sendable, Equatable, Codable {
        public var configured: Bool
        public var contractYears: Int
        public var contractYearsByType: [String: Int]
        public var auditYears: Int
        public var userDataYears: Int
        public var aiRecordYears: Int
        /// Contracts a retention obligation keeps (active, or ended inside their period).
        public var underObligation: Int
        /// Ended contracts past their retention period whose personal data has not been erased.
        public var pastRetention: Int
        /// Drafts and contracts pending review: nothing obliges keeping them.
        public var notInForce: Int
    }

    public struct Transfer: Sendable, Equatable, Codable {
        /// The AI provider's host (never the URL's path or credentials).
        public var host: String
        /// Where the base URL comes from: `default`, `workspace config` or `environment`.
        public var source: String
        /// `UK`, `this machine` or `outside the UK`.
        public var location: String
        /// Where the provider is known to process data, when known.
        public var country: String?
        /// Whether prompts are redacted (`ai.redact_personal_data`, which only this machine's own
        /// config can turn off).
        public var redaction: Bool?
        public var outsideUK: Bool { location == "outside the UK" }
    }

    public struct Measure: Sendable, Equatable, Codable {
        public var name: String
        public var inForce: Bool
        public var detail: String
    }

    public struct Risk: Sendable, Equatable, Codable {
        public enum Level: String, Sendable, Codable { case low, medium, high }
        public var level: Level
        /// The rule that rates risk (the same for every report).
        public var rule: String
        /// What raised it above low, one line each.
        public var reasons: [String]
    }

    enum CodingKeys: String, CodingKey {
        case volumes, categories, retention, transfers, measures, risk, recommendations
        case formatVersion = "format_version"
        case generatedOn = "generated_on"
        case contractTypes = "contract_types"
    }
}

extension DPIAReport.Volumes {
    enum CodingKeys: String, CodingKey {
        case companies, contracts, sealed, clear, erased, requests
        case sealedUnreadable = "sealed_unreadable"
        case dataSubjects = "data_subjects"
        case aiGenerated = "ai_generated"
        case openRequests = "open_requests"
        case overdueRequests = "overdue_requests"
    }
}

extension DPIAReport.TypeRow {
    enum CodingKeys: String, CodingKey {
        case type, contracts, sealed, clear, erased, categories
        case sealedUnreadable = "sealed_unreadable"
    }
}

extension DPIAReport.Category {
    enum CodingKeys: String, CodingKey {
        case id, name, special, detection, contracts
        case clearContracts = "clear_contracts"
        case byType = "by_type"
    }
}

extension DPIAReport.Retention {
    enum CodingKeys: String, CodingKey {
        case configured
        case contractYears = "contract_years"
        case contractYearsByType = "contract_years_by_type"
        case auditYears = "audit_years"
        case userDataYears = "user_data_years"
        case aiRecordYears = "ai_record_years"
        case underObligation = "under_obligation"
        case pastRetention = "past_retention"
        case notInForce = "not_in_force"
    }
}

extension DPIAReport.Transfer {
    enum CodingKeys: String, CodingKey { case host, source, location, country, redaction }
}

extension DPIAReport.Measure {
    enum CodingKeys: String, CodingKey {
        case name, detail
        case inForce = "in_force"
    }
}

/// The DPIA command: builds the `DPIAReport` of a workspace.
public enum DPIA {
    /// What a contract holds, as the detectors see it.
    struct Subject {
        var type: String
        var parties: [Party]
        /// Markdown and plain-English input, as written.
        var text: String
        /// The same, lower-cased.
        var lower: String
    }

    /// A category of personal data and the test that finds it.
    struct Detector: Sendable {
        var id: String
        var name: String
        var special: Bool
        var detection: String
        var test: @Sendable (Subject) -> Bool
    }

    /// Employment contracts (`employment_contract`, or any type named for employment).
    static func isEmployment(_ type: String) -> Bool { type.hasPrefix("employment") }

    static func containsAny(_ s: Subject, _ phrases: [String]) -> Bool { phrases.contains { s.lower.contains($0) } }

    /// The categories, in report order. Each says how it is detected; the tests read a contract's
    /// party entries, its Markdown and its plain-English input (never its history).
    static let detectors: [Detector] = [
        Detector(
            id: "identity", name: "Identity (names)", special: false,
            detection: "a party entry (client or supplier) has a name; company names are counted too",
            test: { s in s.parties.contains { !$0.name.trimmingSpaces().isEmpty } }),
        Detector(
            id: "contact_email", name: "Contact details (email)", special: false,
            detection: "a party entry has an email, or the text holds an email address",
            test: { s in s.parties.contains { !($0.email ?? "").isEmpty } || holdsEmail(s.text) }),
        Detector(
            id: "contact_phone", name: "Contact details (telephone)", special: false,
            detection: "the text holds a UK telephone number (+44 or 0, then 9 or 10 digits)",
            test: { s in s.text.contains(phonePattern) }),
        Detector(
            id: "home_address", name: "Home address", special: false,
            detection:
                "the text says \"home address\", \"residing at\" or \"resident at\", or an employment contract's text holds a UK postcode",
            test: { s in
                containsAny(s, ["home address", "residing at", "resident at"])
                    || (isEmployment(s.type) && s.text.contains(postcodePattern))
            }),
        Detector(
            id: "salary", name: "Pay (salary, wages)", special: false,
            detection: "an employment contract's text mentions salary, wages, per annum or an hourly rate",
            test: { s in
                isEmployment(s.type) && containsAny(s, ["salary", "wage", "per annum", "hourly rate", "gross pay"])
            }),
        Detector(
            id: "ni_number", name: "National Insurance number", special: false,
            detection:
                "the text holds an NI number (two letters, six digits, a letter A to D) or says \"national insurance number\"",
            test: { s in s.text.contains(niPattern) || s.lower.contains("national insurance number") }),
        Detector(
            id: "bank_details", name: "Bank details", special: false,
            detection: "the text says \"sort code\" or \"account number\"",
            test: { s in containsAny(s, ["sort code", "account number"]) }),
        Detector(
            id: "health", name: "Health (special category)", special: true,
            detection:
                "the text mentions medical, disability, diagnosis, a health condition, mental or occupational health, or pregnancy (\"health and safety\" alone does not count)",
            test: { s in
                containsAny(
                    s,
                    [
                        "medical", "disabilit", "diagnos", "health condition", "mental health", "occupational health",
                        "pregnan",
                    ])
            }),
        Detector(
            id: "trade_union", name: "Trade union membership (special category)", special: true,
            detection: "the text says \"trade union\"", test: { s in s.lower.contains("trade union") }),
        Detector(
            id: "beliefs", name: "Religious or philosophical beliefs (special category)", special: true,
            detection: "the text mentions religion, religious or philosophical belief",
            test: { s in containsAny(s, ["religio", "philosophical belief"]) }),
        Detector(
            id: "ethnicity", name: "Racial or ethnic origin (special category)", special: true,
            detection: "the text mentions ethnic or racial origin",
            test: { s in containsAny(s, ["ethnic", "racial"]) }),
        Detector(
            id: "sexual_orientation", name: "Sex life or sexual orientation (special category)", special: true,
            detection: "the text says \"sexual orientation\" or \"sex life\"",
            test: { s in containsAny(s, ["sexual orientation", "sex life"]) }),
        Detector(
            id: "biometric", name: "Biometric or genetic data (special category)", special: true,
            detection: "the text mentions biometric, genetic or fingerprint data",
            test: { s in containsAny(s, ["biometric", "genetic", "fingerprint"]) }),
        Detector(
            id: "criminal", name: "Criminal offence data (Article 10)", special: true,
            detection: "the text mentions a criminal record or conviction, or a DBS (Disclosure and Barring) check",
            test: { s in
                containsAny(s, ["criminal record", "criminal conviction", "dbs check", "disclosure and barring"])
            }
        ),
    ]

    nonisolated(unsafe) static let phonePattern = #/(\+44\s?\(?0?\)?\s?|\b0)\d{2,4}[\s\-]?\d{3,4}[\s\-]?\d{3,4}\b/#
    nonisolated(unsafe) static let postcodePattern = #/\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b/#
    nonisolated(unsafe) static let niPattern = #/\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/#

    /// Whether `text` holds an email address: an address character before an `@`, then a domain
    /// of at least two labels whose last is two or more letters. Scanned by hand, in one pass
    /// (a pattern with an open-ended local part is quadratic on a long run of letters).
    static func holdsEmail(_ text: String) -> Bool {
        let u = Array(text.utf8)
        func isAlnum(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || (c >= 0x30 && c <= 0x39) }
        var i = 0
        while i < u.count {
            guard u[i] == UInt8(ascii: "@") else {
                i += 1
                continue
            }
            var j = i + 1
            while j < u.count, isAlnum(u[j]) || u[j] == UInt8(ascii: "-") || u[j] == UInt8(ascii: ".") { j += 1 }
            if i > 0, isAlnum(u[i - 1]) || "._%+-".utf8.contains(u[i - 1]) {
                let labels = u[(i + 1)..<j].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
                    .reversed().drop { $0.isEmpty }
                if labels.count >= 2, !labels.contains(where: \.isEmpty), let last = labels.first, last.count >= 2,
                    last.allSatisfy({ (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) })
                {
                    return true
                }
            }
            i = max(j, i + 1)
        }
        return false
    }

    /// The ids of the categories found in `s`.
    static func categories(of s: Subject) -> [String] { detectors.filter { $0.test(s) }.map(\.id) }

    /// The rule the rating follows, as the report states it.
    public static let riskRule =
        "High when special-category, criminal-offence, National Insurance or pay data is held in a contract stored in clear;"
        + " medium when other personal data is held in clear, contracts are past their retention period, personal data may go"
        + " to an AI provider outside the UK without redaction, or a data-subject request is overdue; low otherwise."

    /// Works the report out from the workspace as it stands: every company and contract in the
    /// working tree (plaintext where this machine holds the key), the configuration, the keyring
    /// and the data-subject requests. `environment` gives the master key and AI settings;
    /// `today` the generated date and the retention and overdue reckoning.
    public static func run(
        _ ws: Workspace, today: CalendarDate = .today(),
        environment: [String: String]? = nil
    ) throws(WorkspaceError) -> DPIAReport {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let repo = try ws.repository()
        let retentionPolicy = ws.config.retention
        var v = DPIAReport.Volumes(
            companies: ws.companySlugs().count, contracts: 0, sealed: 0, sealedUnreadable: 0, clear: 0, erased: 0,
            dataSubjects: 0, aiGenerated: 0, requests: 0, openRequests: 0, overdueRequests: 0)
        var types: [String: DPIAReport.TypeRow] = [:]
        var found: [String: (contracts: Int, clear: Int, byType: [String: Int])] = [:]
        var subjects = Set<String>()
        var retention = DPIAReport.Retention(
            configured: ws.config.tree["retention"] != nil, contractYears: retentionPolicy.contractYears,
            contractYearsByType: retentionPolicy.contractYearsByType, auditYears: retentionPolicy.auditYears,
            userDataYears: retentionPolicy.userDataYears, aiRecordYears: retentionPolicy.aiRecordYears,
            underObligation: 0, pastRetention: 0, notInForce: 0)
        func reckon(_ c: Contract) {
            switch c.statusValue {
            case .draft?, .pendingReview?: retention.notInForce += 1
            default:
                if retentionPolicy.obligation(for: c, today: today) != nil {
                    retention.underObligation += 1
                } else {
                    retention.pastRetention += 1
                }
            }
        }
        for ref in ws.contractRefs() {
            guard let yaml = try? ws.read(ref.yamlPath, maxBytes: YAMLLimits.standard.maxBytes) else { continue }
            v.contracts += 1
            if SealEnvelope.isSealedYAML(yaml) {
                // Sealed, and this machine cannot read it: its clear fields only.
                v.sealedUnreadable += 1
                let fields = (try? SealEnvelope.clearFields(of: yaml)) ?? []
                func f(_ k: String) -> String? { fields.first { $0.key == k }?.value }
                let type = f("contract_type") ?? "(unknown)"
                types[type, default: row(type)].contracts += 1
                types[type, default: row(type)].sealedUnreadable += 1
                reckon(
                    Contract(
                        id: f("id") ?? "", title: f("title") ?? "", contractType: type, status: f("status") ?? "",
                        endDate: f("end_date"), updatedAt: f("updated_at")))
                continue
            }
            guard let loaded = try? ws.loadContract(ref) else {
                types["(unreadable)", default: row("(unreadable)")].contracts += 1
                v.clear += 1
                continue
            }
            let c = loaded.contract
            let type = c.contractType.isEmpty ? "(none)" : c.contractType
            types[type, default: row(type)].contracts += 1
            if loaded.document.root["erased"] != nil {
                v.erased += 1
                types[type, default: row(type)].erased += 1
                continue
            }
            let sealed = ws.sealer?.seals(company: ref.company, contractID: c.id.lowercased()) ?? false
            if sealed {
                v.sealed += 1
                types[type, default: row(type)].sealed += 1
            } else {
                v.clear += 1
                types[type, default: row(type)].clear += 1
            }
            if loaded.document.root["generation"] != nil { v.aiGenerated += 1 }
            reckon(c)
            let parties = [c.client, c.supplier].compactMap { $0 }
            for p in parties {
                let key = (p.email?.trimmingSpaces()).flatMap { $0.isEmpty ? nil : $0 } ?? p.name.trimmingSpaces()
                if !key.isEmpty { subjects.insert(key.lowercased()) }
            }
            let md = ws.readMarkdown(ref).flatMap { SealEnvelope.isSealed($0) ? nil : $0 } ?? []
            let text = String(decoding: md, as: UTF8.self) + "\n" + (c.plainEnglishInput ?? "")
            let ids = categories(of: Subject(type: type, parties: parties, text: text, lower: text.lowercased()))
            var typeCats = Set(types[type]?.categories ?? [])
            for id in ids {
                var e = found[id] ?? (contracts: 0, clear: 0, byType: [:])
                e.contracts += 1
                if !sealed { e.clear += 1 }
                e.byType[type, default: 0] += 1
                found[id] = e
                typeCats.insert(id)
            }
            types[type]?.categories = detectors.map(\.id).filter(typeCats.contains)
        }
        v.dataSubjects = subjects.count
        let requests = DataSubjectRequests.list(ws, today: today).requests
        v.requests = requests.count
        v.openRequests = requests.filter { !$0.status.isClosed }.count
        v.overdueRequests = requests.filter { $0.isOverdue(today: today) }.count

        let categories = detectors.compactMap { d -> DPIAReport.Category? in
            guard let e = found[d.id] else { return nil }
            return DPIAReport.Category(
                id: d.id, name: d.name, special: d.special, detection: d.detection, contracts: e.contracts,
                clearContracts: e.clear, byType: e.byType)
        }
        let transfer = transfer(ws, environment: environment)
        let measures = measures(ws, repo, volumes: v, retention: retention, environment: environment)
        let (risk, recommendations) = assess(
            volumes: v, categories: categories, retention: retention, transfer: transfer, measures: measures)
        return DPIAReport(
            generatedOn: today.description, volumes: v, contractTypes: types.keys.sorted().map { types[$0]! },
            categories: categories, retention: retention, transfers: transfer, measures: measures, risk: risk,
            recommendations: recommendations)
    }

    static func row(_ type: String) -> DPIAReport.TypeRow {
        DPIAReport.TypeRow(
            type: type, contracts: 0, sealed: 0, sealedUnreadable: 0, clear: 0, erased: 0, categories: [])
    }

    // MARK: - International transfers

    /// Hosts whose processing country is known.
    static let knownProviders: [(suffix: String, country: String)] = [
        ("groq.com", "United States (Groq)"), ("openai.com", "United States (OpenAI)"),
        ("anthropic.com", "United States (Anthropic)"), ("mistral.ai", "France (Mistral AI)"),
        ("googleapis.com", "United States (Google)"), ("azure.com", "depends on the Azure region"),
    ]

    static func transfer(_ ws: Workspace, environment: [String: String]) -> DPIAReport.Transfer {
        let fromEnv = environment["PACTORIA_AI_BASE_URL"]?.trimmingSpaces()
        let fromConfig = ws.config.setting("ai.base_url")?.trimmingSpaces()
        let url: String
        let source: String
        if let e = fromEnv, !e.isEmpty {
            (url, source) = (e, "environment")
        } else if let c = fromConfig, !c.isEmpty {
            (url, source) = (c, "workspace config")
        } else {
            (url, source) = ("https://api.groq.com/openai/v1", "default")
        }
        let host = host(of: url) ?? "(unparsable base URL)"
        let location: String
        if ["localhost", "127.0.0.1", "::1"].contains(host) {
            location = "this machine"
        } else if host.hasSuffix(".uk") {
            location = "UK"
        } else {
            location = "outside the UK"
        }
        let country = knownProviders.first { host == $0.suffix || host.hasSuffix("." + $0.suffix) }?.country
        let redaction: Bool? = ws.redactsPersonalData
        return DPIAReport.Transfer(
            host: host, source: source, location: location, country: country, redaction: redaction)
    }

    /// The host of an `http(s)://` URL, lower-cased, without port, user or brackets.
    static func host(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        var rest = Substring(url[scheme.upperBound...])
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            return String(rest[rest.index(after: rest.startIndex)..<close]).lowercased()
        }
        if let colon = rest.lastIndex(of: ":") { rest = rest[..<colon] }
        let h = rest.lowercased()
        guard !h.isEmpty, h.count <= 253,
            h.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" })
        else { return nil }
        return h
    }

    // MARK: - Security measures

    static func measures(
        _ ws: Workspace, _ repo: Repository, volumes v: DPIAReport.Volumes, retention: DPIAReport.Retention,
        environment: [String: String]
    ) -> [DPIAReport.Measure] {
        var out: [DPIAReport.Measure] = []
        let policy = SealingPolicy.decode(ws.config)
        let sealedTotal = v.sealed + v.sealedUnreadable
        var sealingDetail =
            "\(sealedTotal) of \(v.contracts) contracts sealed in git (AES-256-GCM, a random 256-bit data key per contract)"
        if !policy.isEmpty {
            sealingDetail +=
                "; the policy seals \(policy.companies.count) compan\(policy.companies.count == 1 ? "y" : "ies") (\(policy.companies.sorted().joined(separator: ", "))) and \(policy.contracts.count) contract\(policy.contracts.count == 1 ? "" : "s") by id"
        }
        out.append(.init(name: "Encryption at rest (sealing)", inForce: sealedTotal > 0, detail: sealingDetail))

        // Where the master key comes from: never the key itself, nor a path on this machine.
        let keySource: String
        var keyUsable = false
        if let gitDir = GitLocks.gitDirectory(root: ws.root) {
            do {
                if try MasterKey.load(environment: environment, gitDirectory: gitDir) != nil {
                    keyUsable = true
                    if !(environment[MasterKey.environmentVariable] ?? "").isEmpty {
                        keySource = "from the \(MasterKey.environmentVariable) environment variable"
                    } else if !(environment[MasterKey.fileEnvironmentVariable] ?? "").isEmpty {
                        keySource =
                            "from a key file named by \(MasterKey.fileEnvironmentVariable) (mode 0600, outside git)"
                    } else {
                        keySource = "from the key file in the git directory (mode 0600, never committed or pushed)"
                    }
                } else {
                    keySource = "none on this machine"
                }
            } catch {
                keySource = "configured but unusable on this machine (see the sealing commands' error)"
            }
        } else {
            keySource = "none (no git directory)"
        }
        out.append(
            .init(
                name: "Key management",
                inForce: keyUsable,
                detail:
                    "workspace key-encryption key: \(keySource); data keys are wrapped by it (AES-256-GCM) in the keyring ref, outside the contract history"
            ))

        let tombstones = erasedKeyCount(repo)
        out.append(
            .init(
                name: "Erasure by crypto-shredding",
                inForce: sealedTotal > 0,
                detail:
                    "destroying a contract's data key makes every version of it unreadable without rewriting history; \(tombstones) data key\(tombstones == 1 ? "" : "s") destroyed so far, \(v.erased) contract\(v.erased == 1 ? "" : "s") erased"
            ))

        let users = FileSystem.kind(ws.absolute(".pactoria/secrets/users.yaml")) == .regular
        let trackedUsers = FileSystem.kind(ws.absolute(".pactoria/users.yaml")) == .regular
        var authDetail =
            users
            ? "local users store outside git (mode 0600); passwords hashed with PBKDF2-SHA256 (at least 600,000 iterations, random salt); API access by signed, expiring tokens"
            : "no local users store: the API server has no accounts yet (the command line relies on the machine's own access control)"
        if trackedUsers { authDetail += "; an old tracked users file is present in the repository" }
        out.append(.init(name: "Authentication and password hashing", inForce: users, detail: authDetail))

        let hook = GitLocks.gitDirectory(root: ws.root).flatMap { try? FileSystem.read($0 + "/hooks/pre-commit") }
        let hooked = hook.map { String(decoding: $0, as: UTF8.self).lowercased().contains("pactoria") } ?? false
        out.append(
            .init(
                name: "Audit trail",
                inForce: true,
                detail:
                    "every change is a commit carrying Pactoria audit trailers (who, what, when, why); contract history is never rewritten"
                    + (hooked
                        ? "; a pre-commit hook holds plain commits to the same rules"
                        : "; no pre-commit hook is installed on this machine")))
        out.append(
            .init(
                name: "Signed commits", inForce: false,
                detail:
                    "Pactoria's own commits are not signed; integrity rests on the commit ids and the audit trailers"))
        out.append(
            .init(
                name: "Retention policy", inForce: true,
                detail: (retention.configured ? "configured in the workspace" : "the default periods")
                    + ": contracts \(retention.contractYears) years after their end, audit records \(retention.auditYears) years, user data \(retention.userDataYears) years, AI generation records \(retention.aiRecordYears) years"
            ))
        out.append(
            .init(
                name: "Data-subject requests tracked", inForce: true,
                detail:
                    "\(v.requests) recorded, \(v.openRequests) open, \(v.overdueRequests) overdue (30 days to answer)"))
        return out
    }

    /// Destroyed data keys (tombstones) in the keyring, read without the master key.
    static func erasedKeyCount(_ repo: Repository) -> Int {
        guard let commit = (try? repo.referenceTarget(Keyring.referenceName)) ?? nil,
            let tree = try? repo.treeID(ofCommit: commit),
            let entry = (try? repo.directoryEntries(ofTree: tree))?.first,
            let raw = try? repo.rawBlob(entry.id)
        else { return 0 }
        return raw.split(separator: UInt8(ascii: "\n")).filter { $0.starts(with: Array("erased ".utf8)) }.count
    }

    // MARK: - Risk

    static func assess(
        volumes v: DPIAReport.Volumes, categories: [DPIAReport.Category], retention: DPIAReport.Retention,
        transfer: DPIAReport.Transfer, measures: [DPIAReport.Measure]
    ) -> (DPIAReport.Risk, [String]) {
        var high: [String] = []
        var medium: [String] = []
        var recs: [String] = []
        let sensitiveInClear = categories.filter {
            ($0.special || $0.id == "ni_number" || $0.id == "salary") && $0.clearContracts > 0
        }
        for c in sensitiveInClear {
            high.append("\(c.name): \(c.clearContracts) contract\(c.clearContracts == 1 ? "" : "s") stored in clear")
        }
        if !sensitiveInClear.isEmpty {
            recs.append(
                "Seal the companies or contracts holding special-category, NI or pay data, so every git object and remote holds them encrypted."
            )
        }
        let personalInClear = categories.filter { !sensitiveInClear.contains($0) && $0.clearContracts > 0 }
        if !personalInClear.isEmpty {
            let n = personalInClear.map(\.clearContracts).max() ?? 0
            medium.append(
                "personal data (\(personalInClear.map(\.name).joined(separator: ", "))) in up to \(n) contract\(n == 1 ? "" : "s") stored in clear"
            )
            recs.append(
                "Seal companies whose contracts name individuals (sole traders, employees), or record why clear storage is needed."
            )
        }
        if retention.pastRetention > 0 {
            medium.append(
                "\(retention.pastRetention) contract\(retention.pastRetention == 1 ? " is" : "s are") past the retention period and not erased"
            )
            recs.append("Apply the retention policy: erase the personal data of contracts past their period.")
        }
        if transfer.outsideUK, v.aiGenerated > 0 || transfer.source != "default", transfer.redaction != true {
            medium.append(
                "personal data may be sent to an AI provider outside the UK (\(transfer.host)) without redaction")
            recs.append(
                "Turn on ai.redact_personal_data, or use a UK-hosted provider, and record the transfer safeguard (UK IDTA or addendum) for the provider."
            )
        } else if transfer.outsideUK {
            recs.append(
                "Before using AI drafting, record the transfer safeguard for \(transfer.host) (outside the UK) and turn on ai.redact_personal_data."
            )
        }
        if v.overdueRequests > 0 {
            medium.append(
                "\(v.overdueRequests) data-subject request\(v.overdueRequests == 1 ? " is" : "s are") overdue")
            recs.append("Answer the overdue data-subject requests, and record the outcome of each.")
        }
        if v.sealedUnreadable > 0 {
            recs.append(
                "Regenerate this assessment on a machine holding the master key: \(v.sealedUnreadable) sealed contract\(v.sealedUnreadable == 1 ? " was" : "s were") counted but not inspected."
            )
        }
        if measures.contains(where: { $0.name == "Audit trail" && $0.detail.contains("no pre-commit hook") }) {
            recs.append(
                "Install Pactoria's git hooks on every machine that commits, so plain commits are held to the rules.")
        }
        if measures.contains(where: {
            $0.name == "Authentication and password hashing" && $0.detail.contains("old tracked users file")
        }) {
            recs.append("Remove the tracked users file from the repository; accounts belong in the local users store.")
        }
        recs.append("Regenerate this assessment after any change to sealing, retention, AI settings or contract types.")
        let level: DPIAReport.Risk.Level = !high.isEmpty ? .high : !medium.isEmpty ? .medium : .low
        return (DPIAReport.Risk(level: level, rule: riskRule, reasons: high + medium), recs)
    }

    /// The report as JSON (keys sorted, so the same report gives the same bytes).
    public static func json(_ report: DPIAReport) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(report)).map(Array.init) ?? Array("{}".utf8)) + [0x0A]
    }

    /// Writes `bytes` to `path` whole or not at all (a temporary file beside it, then a rename).
    public static func write(_ bytes: [UInt8], to path: String) throws(WorkspaceError) {
        try FileSystem.writeAtomically(bytes, to: path)
    }
}
