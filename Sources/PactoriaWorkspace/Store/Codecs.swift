public import PactoriaCore

/// Reads and writes the workspace's YAML files: the typed model over an ordered tree that keeps
/// every key it does not know.
public enum ContractCodec {
    static let partyOrder = KeyOrder(["name", "email", "company", "company_number", "role"])
    public static let order = KeyOrder(
        [
            "id", "title", "contract_type", "status", "plain_english_input", "client", "supplier",
            "contract_value", "start_date", "end_date", "renewal", "template_id", "version", "created_by", "created_at",
            "updated_at", "generation", "compliance", "lifecycle",
        ],
        children: [
            "client": partyOrder, "supplier": partyOrder, "contract_value": KeyOrder(["amount", "currency"]),
            "lifecycle": lifecycleOrder, "renewal": KeyOrder(["auto_renew", "renewal_term", "notice_period"]),
        ])

    /// Decodes a contract, collecting every field that is missing or of the wrong shape.
    public static func decode(_ root: YAMLNode) -> (Contract, [ValidationIssue]) {
        var issues: [ValidationIssue] = []
        guard root.entries != nil else {
            return (
                Contract(id: "", title: "", contractType: "", status: ""),
                [ValidationIssue(field: "(file)", message: "must be a YAML mapping of fields")]
            )
        }
        var r = FieldReader(root: root, prefix: "", issues: [])
        let c = Contract(
            id: r.required("id"),
            title: r.required("title"),
            contractType: r.required("contract_type"),
            status: r.required("status"),
            plainEnglishInput: r.optional("plain_english_input"),
            client: r.party("client"),
            supplier: r.party("supplier"),
            value: r.value("contract_value") ?? sealedClearValue(root),
            startDate: r.optional("start_date"),
            endDate: r.optional("end_date"),
            templateID: r.optional("template_id"),
            version: r.integer("version"),
            createdBy: r.optional("created_by"),
            createdAt: r.optional("created_at"),
            updatedAt: r.optional("updated_at"),
            lifecycle: r.lifecycle("lifecycle"))
        issues += r.issues
        return (c, issues)
    }

    /// Writes `contract` into `original` (keeping unknown keys and their order) and returns the tree.
    public static func encode(_ c: Contract, into original: YAMLNode? = nil) -> YAMLNode {
        var node = original?.entries != nil ? original! : .mapping([])
        node.set("id", .scalar(c.id, .string))
        node.set("title", .scalar(c.title, .string))
        node.set("contract_type", .scalar(c.contractType, .string))
        node.set("status", .scalar(c.status, .string))
        node.set("plain_english_input", c.plainEnglishInput.map { .scalar($0, .string) })
        node.set("client", c.client.map { encode($0, into: original?["client"]) })
        node.set("supplier", c.supplier.map { encode($0, into: original?["supplier"]) })
        if let v = c.value {
            var vn = original?["contract_value"]?.entries != nil ? original!["contract_value"]! : .mapping([])
            vn.set("amount", .scalar(v.amount, .quoted))
            vn.set("currency", .scalar(v.currency, .string))
            node.set("contract_value", vn)
        } else {
            node.set("contract_value", nil)
        }
        node.set("start_date", c.startDate.map { .scalar($0, .typed) })
        node.set("end_date", c.endDate.map { .scalar($0, .typed) })
        node.set("template_id", c.templateID.map { .scalar($0, .string) })
        node.set("version", .scalar(String(c.version), .typed))
        node.set("created_by", c.createdBy.map { .scalar($0, .string) })
        node.set("created_at", c.createdAt.map { .scalar($0, .typed) })
        node.set("updated_at", c.updatedAt.map { .scalar($0, .typed) })
        node.set("lifecycle", encode(c.lifecycle, into: original?["lifecycle"]))
        return node
    }

    static let stampOrder = KeyOrder(["by", "at", "reason"])
    static let lifecycleOrder = KeyOrder(
        ["final_content"] + LifecycleAction.allCases.filter { $0 != .finalize }.map(\.stampKey),
        children: Dictionary(
            uniqueKeysWithValues: [("final_content", KeyOrder(["sha256", "by", "at"]))]
                + LifecycleAction.allCases.filter { $0 != .finalize }.map { ($0.stampKey, stampOrder) }))

    static func encode(_ l: LifecycleRecord?, into original: YAMLNode?) -> YAMLNode? {
        guard let l, !l.isEmpty else {
            // Keep a hand-written section with keys we do not know; drop one that is only ours.
            let known = Set(["final_content"] + LifecycleAction.allCases.map(\.stampKey))
            let rest = original?.entries?.filter { !known.contains($0.key) } ?? []
            return rest.isEmpty ? nil : .mapping(rest)
        }
        var node = original?.entries != nil ? original! : .mapping([])
        if let f = l.finalContent {
            var fn = original?["final_content"]?.entries != nil ? original!["final_content"]! : .mapping([])
            fn.set("sha256", .scalar(f.sha256, .string))
            fn.set("by", .scalar(f.by, .string))
            fn.set("at", .scalar(f.at, .typed))
            node.set("final_content", fn)
        } else {
            node.set("final_content", nil)
        }
        for action in LifecycleAction.allCases where action != .finalize {
            let key = action.stampKey
            guard let s = l.events[key] else {
                node.set(key, nil)
                continue
            }
            var sn = original?[key]?.entries != nil ? original![key]! : .mapping([])
            sn.set("by", .scalar(s.by, .string))
            sn.set("at", .scalar(s.at, .typed))
            sn.set("reason", s.reason.map { .scalar($0, .string) })
            node.set(key, sn)
        }
        return node
    }

    static func encode(_ p: Party, into original: YAMLNode?) -> YAMLNode {
        var node = original?.entries != nil ? original! : .mapping([])
        node.set("name", .scalar(p.name, .string))
        node.set("email", p.email.map { .scalar($0, .string) })
        node.set("company", p.company.map { .scalar($0, .string) })
        node.set("company_number", p.companyNumber.map { .scalar($0, .quoted) })
        node.set("role", p.role.map { .scalar($0, .string) })
        return node
    }

    public static func render(_ c: Contract, into original: YAMLNode? = nil) -> String {
        CanonicalYAML.render(encode(c, into: original), order: order)
    }
}

public enum CompanyCodec {
    public static let order = KeyOrder(["name", "slug", "company_number", "subscription_tier", "created_at"])

    public static func decode(_ root: YAMLNode) -> (Company, [ValidationIssue]) {
        var r = FieldReader(root: root, prefix: "", issues: [])
        if root.entries == nil {
            return (Company(name: "", slug: ""), [ValidationIssue(field: "(file)", message: "must be a YAML mapping")])
        }
        let c = Company(
            name: r.required("name"), slug: r.required("slug"), companyNumber: r.optional("company_number"),
            subscriptionTier: r.optional("subscription_tier") ?? SubscriptionTier.starter.rawValue,
            createdAt: r.optional("created_at"))
        return (c, r.issues)
    }

    public static func render(_ c: Company, into original: YAMLNode? = nil) -> String {
        var node = original?.entries != nil ? original! : .mapping([])
        node.set("name", .scalar(c.name, .string))
        node.set("slug", .scalar(c.slug, .string))
        node.set("company_number", c.companyNumber.map { .scalar($0, .quoted) })
        node.set("subscription_tier", .scalar(c.subscriptionTier, .string))
        node.set("created_at", c.createdAt.map { .scalar($0, .typed) })
        return CanonicalYAML.render(node, order: order)
    }
}

/// Reads typed fields out of a mapping, recording what is missing or malformed.
struct FieldReader {
    let root: YAMLNode
    let prefix: String
    var issues: [ValidationIssue]

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    mutating func required(_ key: String) -> String {
        guard let node = root[key] else {
            issues.append(ValidationIssue(field: path(key), message: "is required"))
            return ""
        }
        guard let s = node.string else {
            issues.append(ValidationIssue(field: path(key), message: node.isNull ? "is required" : "must be text"))
            return ""
        }
        return s
    }

    mutating func optional(_ key: String) -> String? {
        guard let node = root[key], !node.isNull else { return nil }
        guard let s = node.string else {
            issues.append(ValidationIssue(field: path(key), message: "must be text"))
            return nil
        }
        return s
    }

    mutating func integer(_ key: String) -> Int {
        let text = required(key)
        if text.isEmpty { return 0 }
        guard let v = Int(text) else {
            issues.append(ValidationIssue(field: path(key), message: "must be a whole number, got '\(text)'"))
            return 0
        }
        return v
    }

    mutating func lifecycle(_ key: String) -> LifecycleRecord? {
        guard let node = root[key], !node.isNull else { return nil }
        guard node.entries != nil else {
            issues.append(
                ValidationIssue(field: path(key), message: "must be a mapping (final_content, submitted, activated, …)")
            )
            return nil
        }
        var r = FieldReader(root: node, prefix: path(key), issues: [])
        var record = LifecycleRecord()
        if let f = node["final_content"], !f.isNull {
            var fr = FieldReader(root: f, prefix: r.path("final_content"), issues: [])
            if f.entries == nil {
                r.issues.append(
                    ValidationIssue(field: r.path("final_content"), message: "must be a mapping with sha256, by, at"))
            } else {
                record.finalContent = FinalContent(
                    sha256: fr.required("sha256"), by: fr.required("by"), at: fr.required("at"))
                r.issues += fr.issues
            }
        }
        for action in LifecycleAction.allCases where action != .finalize {
            guard let s = node[action.stampKey], !s.isNull else { continue }
            guard s.entries != nil else {
                r.issues.append(
                    ValidationIssue(
                        field: r.path(action.stampKey), message: "must be a mapping with by, at and an optional reason")
                )
                continue
            }
            var sr = FieldReader(root: s, prefix: r.path(action.stampKey), issues: [])
            record.events[action.stampKey] = LifecycleStamp(
                by: sr.required("by"), at: sr.required("at"), reason: sr.optional("reason"))
            r.issues += sr.issues
        }
        issues += r.issues
        return record.isEmpty ? nil : record
    }

    mutating func party(_ key: String) -> Party? {
        guard let node = root[key], !node.isNull else { return nil }
        guard node.entries != nil else {
            issues.append(
                ValidationIssue(
                    field: path(key), message: "must be a mapping with name, email, company, company_number, role"))
            return nil
        }
        var r = FieldReader(root: node, prefix: path(key), issues: [])
        let p = Party(
            name: r.required("name"), email: r.optional("email"), company: r.optional("company"),
            companyNumber: r.optional("company_number"), role: r.optional("role"))
        issues += r.issues
        return p
    }

    mutating func value(_ key: String) -> ContractValue? {
        guard let node = root[key], !node.isNull else { return nil }
        guard node.entries != nil else {
            issues.append(ValidationIssue(field: path(key), message: "must be a mapping with amount and currency"))
            return nil
        }
        var r = FieldReader(root: node, prefix: path(key), issues: [])
        let v = ContractValue(amount: r.required("amount"), currency: r.required("currency"))
        issues += r.issues
        return v
    }
}

/// A sealed contract's value as its clear fields keep it (`contract_value_amount` and
/// `contract_value_currency` beside `sealed:` or `erased:`), so a clone without the master key
/// lists the value the workspace chose to keep in clear.
func sealedClearValue(_ root: YAMLNode) -> ContractValue? {
    guard root["sealed"] != nil || root["erased"] != nil, let amount = root["contract_value_amount"]?.string,
        let currency = root["contract_value_currency"]?.string
    else { return nil }
    return ContractValue(amount: amount, currency: currency)
}

extension YAMLNode {
    var isNull: Bool {
        if case .scalar(_, .null) = self { return true }
        return false
    }
}
