import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

/// `pactoria review --format json`. Money is data: a field change of `value` gives the decimal
/// amounts as written (its currency is the `currency` change), and `value_from`/`value_to` give
/// `{amount, currency}`.
struct ReviewJSON: Encodable {
    var base: String
    var baseCommit: String
    var headCommit: String
    var commits: Int
    var checkPassed: Bool
    var sensitiveFiles: [SensitiveFile]
    var contracts: [ContractJSON]

    init(_ r: Review.Report) {
        base = r.base
        baseCommit = r.baseCommit.hex
        headCommit = r.headCommit.hex
        commits = r.commits
        checkPassed = r.check.passed
        sensitiveFiles = r.sensitiveFindings.map {
            SensitiveFile(
                file: $0.file, rule: $0.rule, message: $0.text(.cli), severity: $0.severity.rawValue,
                commit: $0.commit?.hex)
        }
        contracts = r.contracts.map(ContractJSON.init)
    }

    struct SensitiveFile: Encodable {
        var file: String
        var rule: String
        var message: String
        var severity: String
        var commit: String?

        enum CodingKeys: String, CodingKey {
            case file, rule, message, severity, commit
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(rule, forKey: .rule)
            try c.encode(message, forKey: .message)
            try c.encode(severity, forKey: .severity)
            try c.encode(commit, forKey: .commit)
        }
    }

    typealias Change = FieldChangeJSON

    struct Finding: Encodable {
        var rule: String
        var message: String
        var commit: String?

        enum CodingKeys: String, CodingKey {
            case rule, message, commit
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(rule, forKey: .rule)
            try c.encode(message, forKey: .message)
            try c.encode(commit, forKey: .commit)
        }
    }

    struct Sections: Encodable {
        var added: [String]
        var removed: [String]
        var changed: [String]

        enum CodingKeys: String, CodingKey {
            case added, removed, changed
        }
    }

    struct ContractJSON: Encodable {
        var kind: String
        var path: String
        var id: String
        var title: String
        var company: String
        var statusFrom: String?
        var statusTo: String?
        var versionFrom: Int?
        var versionTo: Int?
        var valueFrom: MoneyJSON?
        var valueTo: MoneyJSON?
        var fields: [Change]
        var compliance: [Change]
        var sections: Sections
        var findings: [Finding]

        init(_ c: Review.ContractReview) {
            kind = c.kind.rawValue
            path = c.ref.yamlPath
            id = c.id
            title = c.title
            company = c.company
            statusFrom = c.statusFrom
            statusTo = c.statusTo
            versionFrom = c.versionFrom
            versionTo = c.versionTo
            valueFrom = c.valueFrom.map(MoneyJSON.init)
            valueTo = c.valueTo.map(MoneyJSON.init)
            fields = c.fieldChanges.map { f in
                f.field == "value"
                    ? Change(field: f.field, old: f.old == nil ? nil : c.valueFrom?.amount, new: c.valueTo?.amount)
                    : Change(field: f.field, old: f.old, new: f.new)
            }
            compliance = c.compliance.map { Change(field: $0.field, old: $0.old, new: $0.new) }
            sections = Sections(added: c.sections.added, removed: c.sections.removed, changed: c.sections.changed)
            findings = c.findings.map { Finding(rule: $0.rule, message: $0.text(.cli), commit: $0.commit?.hex) }
        }

        enum CodingKeys: String, CodingKey {
            case kind, path, id, title, company, fields, compliance, sections, findings
            case statusFrom = "status_from"
            case statusTo = "status_to"
            case versionFrom = "version_from"
            case versionTo = "version_to"
            case valueFrom = "value_from"
            case valueTo = "value_to"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind, forKey: .kind)
            try c.encode(path, forKey: .path)
            try c.encode(id, forKey: .id)
            try c.encode(title, forKey: .title)
            try c.encode(company, forKey: .company)
            try c.encode(statusFrom, forKey: .statusFrom)
            try c.encode(statusTo, forKey: .statusTo)
            try c.encode(versionFrom, forKey: .versionFrom)
            try c.encode(versionTo, forKey: .versionTo)
            try c.encode(valueFrom, forKey: .valueFrom)
            try c.encode(valueTo, forKey: .valueTo)
            try c.encode(fields, forKey: .fields)
            try c.encode(compliance, forKey: .compliance)
            try c.encode(sections, forKey: .sections)
            try c.encode(findings, forKey: .findings)
        }
    }

    enum CodingKeys: String, CodingKey {
        case base, commits, contracts
        case baseCommit = "base_commit"
        case headCommit = "head_commit"
        case checkPassed = "check_passed"
        case sensitiveFiles = "sensitive_files"
    }
}
