import Foundation
public import PactoriaCore
public import PactoriaGit

/// Settings in `.pactoria/config.yaml`.
public struct WorkspaceConfig: Sendable {
    public static let currentSchemaVersion = 1
    public static let order = KeyOrder(["schema_version", "default_currency", "default_author", "require_review"])

    public var schemaVersion: Int
    public var defaultCurrency: String
    public var defaultAuthor: String?
    /// Lifecycle policy (`require_review: false` lets draft contracts be activated directly).
    public var policy = LifecyclePolicy()
    /// How long records are kept (`retention:`), the seed's periods unless configured.
    public var retention = RetentionPolicy()
    /// `gdpr.require_consent`: AI generation and analysis need the acting user's valid
    /// `ai_analysis` consent (default false).
    public var requireConsent = false
    /// `analytics.compliance_threshold`: a contract whose overall compliance score is below it
    /// is in the review queue (a number from 0 to 1, default 0.8).
    public var complianceThreshold = 0.8
    /// The whole file, so unknown keys survive a rewrite.
    public var tree: YAMLNode

    public init(defaultCurrency: String = "GBP", defaultAuthor: String? = nil) {
        schemaVersion = Self.currentSchemaVersion
        self.defaultCurrency = defaultCurrency
        self.defaultAuthor = defaultAuthor
        tree = .mapping([])
    }

    /// Problems that do not stop the workspace from opening but that `status`, `commit` and
    /// `check` report (an emptied config, which would otherwise silently mean the defaults).
    public var problems: [Problem] = []

    /// The problem with a config file's text that holds no settings at all, else nil.
    public static func emptinessProblem(_ text: String) -> String? {
        guard let doc = try? YAMLDocument.parse(text, file: Workspace.configPath) else { return nil }
        guard doc.root.entries?.isEmpty == false else {
            return "is empty, so every setting would silently fall back to its default"
        }
        return nil
    }

    static func decode(_ doc: YAMLDocument, file: String) throws(WorkspaceError) -> WorkspaceConfig {
        var c = WorkspaceConfig()
        c.tree = doc.root
        if doc.root.entries?.isEmpty != false {
            c.problems.append(
                Problem(
                    file: file,
                    message:
                        "is empty, so every setting would silently fall back to its default; restore it: git checkout HEAD -- \(file)"
                ))
        }
        var problems: [Problem] = []
        if let v = doc.root["schema_version"]?.string {
            if let n = Int(v) {
                c.schemaVersion = n
            } else {
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "schema_version"), field: "schema_version",
                        message: "must be a whole number"))
            }
        }
        if c.schemaVersion > currentSchemaVersion {
            problems.append(
                Problem(
                    file: file, line: doc.line(of: "schema_version"), field: "schema_version",
                    message:
                        "workspace schema \(c.schemaVersion) is newer than this pactoria understands (\(currentSchemaVersion)); upgrade pactoria"
                ))
        }
        if let v = doc.root["default_currency"]?.string {
            if Currency(rawValue: v) == nil {
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "default_currency"), field: "default_currency",
                        message: "unknown currency '\(v)' (expected one of: \(Currency.allNames))"))
            }
            c.defaultCurrency = v
        }
        if let v = doc.root["default_author"]?.string {
            if Author(v) == nil {
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "default_author"), field: "default_author",
                        message: "must be 'Name <email>'"))
            }
            c.defaultAuthor = v
        }
        if let v = doc.root["require_review"]?.string {
            switch v.lowercased() {
            case "true", "yes": c.policy.requireReview = true
            case "false", "no": c.policy.requireReview = false
            default:
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "require_review"), field: "require_review",
                        message: "must be true or false"))
            }
        }
        if let node = doc.root["retention"] {
            c.retention = retention(node, doc: doc, file: file, problems: &problems)
        }
        if let v = doc.root["gdpr"]?["require_consent"] {
            switch v.string?.lowercased() {
            case "true", "yes": c.requireConsent = true
            case "false", "no": c.requireConsent = false
            default:
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "gdpr"), field: "gdpr.require_consent",
                        message: "must be true or false"))
            }
        }
        if let v = doc.root["analytics"]?["compliance_threshold"] {
            // A plain number: a quoted "0.8" is text, and refused like any other.
            if case .scalar(let t, .typed) = v, t.utf8.count <= 32, let d = Double(t), d.isFinite, d >= 0, d <= 1,
                t.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E })
            {
                c.complianceThreshold = d
            } else {
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "analytics"), field: "analytics.compliance_threshold",
                        message: "must be a number from 0 to 1 (for example 0.8)"))
            }
        }
        if !problems.isEmpty { throw .invalid(problems) }
        return c
    }

    /// The `retention:` section: `contracts` (years, or a mapping of `default` and contract types
    /// to years), `audit_records`, `user_data`, `ai_generation_records`; whole years, 0 to 100.
    static func retention(_ node: YAMLNode, doc: YAMLDocument, file: String, problems: inout [Problem])
        -> RetentionPolicy
    {
        var r = RetentionPolicy()
        func years(_ n: YAMLNode?, _ field: String) -> Int? {
            guard let n else { return nil }
            guard let text = n.string, let v = Int(text), (0...RetentionPolicy.maxYears).contains(v) else {
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "retention"), field: field,
                        message: "must be a whole number of years from 0 to \(RetentionPolicy.maxYears)"))
                return nil
            }
            return v
        }
        guard node.entries != nil else {
            problems.append(
                Problem(
                    file: file, line: doc.line(of: "retention"), field: "retention",
                    message: "must be a mapping of record kinds to years"))
            return r
        }
        if let contracts = node["contracts"] {
            if let entries = contracts.entries {
                for e in entries {
                    guard let v = years(e.value, "retention.contracts.\(e.key)") else { continue }
                    if e.key == "default" { r.contractYears = v } else { r.contractYearsByType[e.key] = v }
                }
            } else if let v = years(contracts, "retention.contracts") {
                r.contractYears = v
            }
        }
        if let v = years(node["audit_records"], "retention.audit_records") { r.auditYears = v }
        if let v = years(node["user_data"], "retention.user_data") { r.userDataYears = v }
        if let v = years(node["ai_generation_records"], "retention.ai_generation_records") { r.aiRecordYears = v }
        return r
    }

    /// The plan limits of a tier: `plans.<tier>.{users, contracts_per_month, generations_per_day}`
    /// in the config, else the defaults.
    public func planLimits(_ tier: SubscriptionTier) -> PlanLimits {
        var l = PlanLimits.defaults(for: tier)
        let node = tree["plans"]?[tier.rawValue]
        if let v = node?["users"]?.string.flatMap(Int.init) { l.users = v }
        if let v = node?["contracts_per_month"]?.string.flatMap(Int.init) { l.contractsPerMonth = v }
        if let v = node?["generations_per_day"]?.string.flatMap(Int.init) { l.generationsPerDay = v }
        return l
    }

    /// A setting by dotted path (e.g. `server.token_lifetime`), as text.
    public func setting(_ path: String) -> String? {
        var node: YAMLNode? = tree
        for part in path.split(separator: ".") { node = node?[String(part)] }
        return node?.string
    }

    /// A list setting by dotted path (a YAML sequence of scalars, or one scalar).
    public func list(_ path: String) -> [String] {
        var node: YAMLNode? = tree
        for part in path.split(separator: ".") { node = node?[String(part)] }
        if case .sequence(let items)? = node { return items.compactMap(\.string) }
        return node?.string.map { [$0] } ?? []
    }

    func render() -> String {
        var node = tree.entries != nil ? tree : .mapping([])
        node.set("schema_version", .scalar(String(schemaVersion), .typed))
        node.set("default_currency", .scalar(defaultCurrency, .string))
        node.set("default_author", defaultAuthor.map { .scalar($0, .string) })
        return CanonicalYAML.render(node, order: Self.order)
    }
}

/// Where a contract's two files live.
public struct ContractRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var company: String
    public var stem: String

    public init(company: String, stem: String) {
        self.company = company
        self.stem = stem
    }

    public var directory: String { "companies/\(company)/contracts" }
    public var yamlPath: String { "\(directory)/\(stem).yaml" }
    public var markdownPath: String { "\(directory)/\(stem).md" }
    /// `company/stem`
    public var description: String { "\(company)/\(stem)" }

    /// The contract a workspace-relative path belongs to, if it is a contract file.
    public init?(path: String) {
        // companies/<company>/contracts/<stem>.(yaml|md), parsed without splitting (hot path).
        let u = path.utf8
        let prefix = "companies/".utf8
        guard u.starts(with: prefix) else { return nil }
        let afterPrefix = u.index(u.startIndex, offsetBy: prefix.count)
        guard let slash = u[afterPrefix...].firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let company = path[afterPrefix..<slash]
        let rest = path[u.index(after: slash)...]
        let middle = "contracts/"
        guard !company.isEmpty, rest.utf8.starts(with: middle.utf8) else { return nil }
        let file = rest.dropFirst(middle.count)
        guard !file.utf8.contains(UInt8(ascii: "/")) else { return nil }
        let stem: Substring
        if file.hasSuffix(".yaml") {
            stem = file.dropLast(5)
        } else if file.hasSuffix(".md") {
            stem = file.dropLast(3)
        } else {
            return nil
        }
        guard !stem.isEmpty, !stem.hasPrefix(".") else { return nil }
        self.company = String(company)
        self.stem = String(stem)
    }

    public static func < (a: ContractRef, b: ContractRef) -> Bool { (a.company, a.stem) < (b.company, b.stem) }
}

/// A contract read from disk (or from a commit): its model, its YAML tree and its problems.
public struct LoadedContract: Sendable {
    public var ref: ContractRef
    public var contract: Contract
    public var document: YAMLDocument
    public var problems: [Problem]
}

/// A Pactoria workspace: a git repository whose root holds `.pactoria/config.yaml`.
public final class Workspace {
    public static let configPath = ".pactoria/config.yaml"
    public static let cacheDirectory = ".pactoria/cache"

    /// Absolute path of the workspace root.
    public let root: String
    public private(set) var config: WorkspaceConfig
    private var _repository: Repository?
    /// The seal set on the repository when anything is sealed (see `Sealer`).
    private(set) var sealer: Sealer?
    /// The time in nanoseconds that file stamps are judged against: a file changed less than two
    /// seconds before it is never cached as clean (racy git). The library's clock; a test moves
    /// it on rather than waiting.
    public var stampClock: () -> Int64 = { Timestamp.nowNanoseconds() }

    init(root: String, config: WorkspaceConfig) {
        self.root = root
        self.config = config
    }

    /// Finds the workspace containing `directory` (or the current directory), like git does.
    public static func discover(from directory: String? = nil) throws(WorkspaceError) -> Workspace {
        let start = FileSystem.absolute(directory ?? FileSystem.currentDirectory())
        var dir = start
        while true {
            if FileSystem.exists(dir + "/" + configPath) { return try open(root: dir) }
            if dir == "/" || dir.isEmpty { break }
            dir = (dir as NSString).deletingLastPathComponent
        }
        throw .notAWorkspace(start)
    }

    /// Opens the workspace rooted exactly at `root`.
    public static func open(root: String) throws(WorkspaceError) -> Workspace {
        // Read without following a link anywhere below the root (`.pactoria -> elsewhere`).
        let text = try utf8Text(
            try FileSystem.readInside(root: root, configPath, maxBytes: YAMLLimits.standard.maxBytes), file: configPath)
        let doc: YAMLDocument
        do { doc = try YAMLDocument.parse(text, file: configPath) } catch { throw .yaml(error) }
        return Workspace(root: root, config: try WorkspaceConfig.decode(doc, file: configPath))
    }

    /// The git repository (opened on first use).
    public func repository() throws(WorkspaceError) -> Repository {
        if let r = _repository { return r }
        do {
            let r = try Repository.open(at: root)
            _repository = r
            try installSealer(r)
            return r
        } catch {
            throw .repository(
                "\(root) has .pactoria/config.yaml but is not the root of a git repository", detail: "\(error)",
                remedy: .reinitWorkspace)
        }
    }

    func adopt(_ repository: Repository) {
        _repository = repository
        try? installSealer(repository)
    }

    /// Sets the seal on `r` when the config seals anything or a keyring exists (sealing is sticky).
    func installSealer(_ r: Repository, force: Bool = false) throws {
        let policy = SealingPolicy.decode(config)
        let keyring = (try? r.referenceTarget(Keyring.referenceName)) ?? nil
        guard force || !policy.isEmpty || keyring != nil, let gitDir = GitLocks.gitDirectory(root: root) else {
            if r.blobFilter != nil { try r.setBlobFilter(nil) }
            sealer = nil
            return
        }
        let s = Sealer(
            root: root, gitDirectory: gitDir, policy: policy, environment: ProcessInfo.processInfo.environment,
            repository: r)
        try r.setBlobFilter(s)
        sealer = s
    }

    /// The blob id `bytes` get when staged at `path`: sealed first when the contract is sealed.
    func blobID(of bytes: [UInt8], path: String) throws -> ObjectID {
        if sealer != nil, ContractRef(path: path) != nil, let r = _repository {
            return try ObjectID.blobID(of: try r.cleaned(bytes, asPath: path))
        }
        return try ObjectID.blobID(of: bytes)
    }

    public func absolute(_ relative: String) -> String { root + "/" + relative }

    func writeConfig(_ c: WorkspaceConfig) throws(WorkspaceError) {
        try FileSystem.writeAtomically(c.render(), to: absolute(Self.configPath))
        config = c
    }

    // MARK: - Companies

    public func companySlugs() -> [String] {
        // A symbolic link is never a company, whatever it points at.
        FileSystem.list(absolute("companies")).filter {
            FileSystem.kind(absolute("companies/\($0)")) == .directory && !$0.hasPrefix(".")
        }.sorted()
    }

    public func companyPath(_ slug: String) -> String { "companies/\(slug)/company.yaml" }

    public func loadCompany(_ slug: String) throws(WorkspaceError) -> (Company, [Problem]) {
        let rel = companyPath(slug)
        guard FileSystem.exists(absolute(rel)) else {
            throw .notFound("no company '\(slug)' (no \(rel))")
        }
        let doc: YAMLDocument
        do { doc = try YAMLDocument.parse(try readYAMLText(rel), file: rel) } catch let e as YAMLError {
            throw .yaml(e)
        } catch let e as WorkspaceError { throw e } catch { throw .io(path: rel, message: "\(error)") }
        let (company, issues) = CompanyCodec.decode(doc.root)
        let all = issues + Company.validate(company, directorySlug: slug)
        return (company, all.map { $0.problem(file: rel, document: doc) })
    }

    // MARK: - Contracts

    /// Every contract in the working tree (a `.yaml` or an orphan `.md`), sorted.
    public func contractRefs(company: String? = nil) -> [ContractRef] {
        var out: [ContractRef] = []
        for slug in company.map({ [$0] }) ?? companySlugs() {
            var stems = Set<String>()
            for name in FileSystem.list(absolute("companies/\(slug)/contracts")) where !name.hasPrefix(".") {
                if name.hasSuffix(".yaml") {
                    stems.insert(String(name.dropLast(5)))
                } else if name.hasSuffix(".md") {
                    stems.insert(String(name.dropLast(3)))
                }
            }
            out += stems.map { ContractRef(company: slug, stem: $0) }
        }
        return out.sorted()
    }

    /// Reads and checks a contract's YAML from the working tree.
    public func loadContract(_ ref: ContractRef) throws(WorkspaceError) -> LoadedContract {
        guard FileSystem.exists(absolute(ref.yamlPath)) else {
            throw .notFound("\(ref.yamlPath): no such contract metadata file")
        }
        return try Self.decodeContract(ref: ref, text: try readYAMLText(ref.yamlPath))
    }

    /// Parses and validates contract YAML text (from disk or from a commit).
    public static func decodeContract(ref: ContractRef, text: String) throws(WorkspaceError) -> LoadedContract {
        let doc: YAMLDocument
        do { doc = try YAMLDocument.parse(text, file: ref.yamlPath) } catch { throw .yaml(error) }
        let (contract, shapeIssues) = ContractCodec.decode(doc.root)
        var issues = shapeIssues
        // Shape problems already cover missing fields; add the domain rules for the rest.
        let reported = Set(shapeIssues.map(\.field))
        if !reported.contains("(file)") {
            issues += Validator.validate(contract).filter { !reported.contains($0.field) }
            issues += Renewal.problems(doc.root)
        }
        issues += Validator.validateSlug(ref.stem, field: "(file)").map { _ in
            ValidationIssue(
                field: "(file)",
                message: "file name '\(ref.stem)' must be lower-case letters, digits and single hyphens")
        }
        return LoadedContract(
            ref: ref, contract: contract, document: doc,
            problems: issues.map { $0.problem(file: ref.yamlPath, document: doc) })
    }

    /// Refuses a write below `relative` when a folder on its way is a symbolic link or special
    /// file (`companies/acme/contracts -> /elsewhere`): writes stay inside the workspace.
    public func refuseLinkedFolders(_ relative: String) throws(WorkspaceError) {
        var dir = ""
        for part in relative.split(separator: "/").dropLast() {
            guard part != ".." && part != "." else {
                throw .refused("\(relative): not a path inside the workspace; refused")
            }
            dir += dir.isEmpty ? String(part) : "/" + part
            if let kind = FileSystem.kind(absolute(dir)), kind != .directory {
                throw .refused("\(relative): \(dir) is a \(kind.noun), not a folder; refused")
            }
        }
    }

    /// Writes a contract's metadata in canonical form, keeping unknown keys from `original`.
    public func writeContract(_ contract: Contract, ref: ContractRef, original: YAMLNode? = nil) throws(WorkspaceError)
    {
        try refuseLinkedFolders(ref.yamlPath)
        try FileSystem.writeAtomically(ContractCodec.render(contract, into: original), to: absolute(ref.yamlPath))
    }

    /// A contract's content; nil when there is none, or when it is not a regular file inside its
    /// company's folder (a symbolic link or special file is never read).
    public func readMarkdown(_ ref: ContractRef) -> [UInt8]? {
        (try? markdown(ref)) ?? nil
    }

    /// A contract's Markdown: nil when there is no entry at all, else the bytes of a regular
    /// file; a link or special file in its place is an error naming it (never its target).
    public func markdown(_ ref: ContractRef) throws(WorkspaceError) -> [UInt8]? {
        var st = stat()
        guard lstat(absolute(ref.markdownPath), &st) == 0 else { return nil }
        return try read(ref.markdownPath)
    }

    /// Reads a workspace file: a regular file reached without following a symbolic link in any
    /// component of `relative`, and without leaving the workspace.
    public func read(_ relative: String, maxBytes: Int? = nil) throws(WorkspaceError) -> [UInt8] {
        try FileSystem.readInside(root: root, relative, maxBytes: maxBytes)
    }

    /// A YAML file of the workspace, read as `read` does but never past the YAML size limit; bytes
    /// that are not UTF-8 are an error naming the file and the offset (never replaced silently).
    func readYAMLText(_ relative: String) throws(WorkspaceError) -> String {
        try Self.utf8Text(
            try FileSystem.readInside(root: root, relative, maxBytes: YAMLLimits.standard.maxBytes), file: relative)
    }

    /// `bytes` as text, or an error `file: invalid UTF-8 at byte N`.
    public static func utf8Text(_ bytes: [UInt8], file: String) throws(WorkspaceError) -> String {
        if let offset = TextRules.invalidUTF8Offset(bytes) { throw .invalid([invalidUTF8(file: file, offset: offset)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func invalidUTF8(file: String, offset: Int) -> Problem {
        Problem(file: file, message: "invalid UTF-8 at byte \(offset)")
    }

    /// The problem with a contract's Markdown bytes on disk (not UTF-8), if any.
    public func markdownProblem(_ ref: ContractRef) -> Problem? {
        guard let bytes = readMarkdown(ref), let offset = TextRules.invalidUTF8Offset(bytes) else { return nil }
        return Self.invalidUTF8(file: ref.markdownPath, offset: offset)
    }

    func readText(_ relative: String) throws(WorkspaceError) -> String {
        String(decoding: try read(relative), as: UTF8.self)
    }

    // MARK: - Authors

    /// Who is acting: the author given, then PACTORIA_AUTHOR, GIT_AUTHOR_NAME/EMAIL, git's user.name and
    /// user.email, and last the workspace's default_author.
    public func resolveAuthor(_ explicit: String?, environment: [String: String]? = nil)
        throws(WorkspaceError) -> Author
    {
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let explicit {
            guard let a = Author(explicit) else {
                throw .invalidInput(field: "author", message: "must be 'Name <email>', got '\(explicit)'")
            }
            return a
        }
        if let env = environment["PACTORIA_AUTHOR"], !env.isEmpty {
            guard let a = Author(env) else {
                throw .invalidInput(field: "PACTORIA_AUTHOR", message: "must be 'Name <email>', got '\(env)'")
            }
            return a
        }
        if let n = environment["GIT_AUTHOR_NAME"], let e = environment["GIT_AUTHOR_EMAIL"], !n.isEmpty,
            Validator.isEmail(e)
        {
            return Author(name: n, email: e)
        }
        if let sig = try? repository().defaultSignature(), !sig.name.isEmpty, Validator.isEmail(sig.email) {
            return Author(name: sig.name, email: sig.email)
        }
        if let d = config.defaultAuthor, let a = Author(d) { return a }
        throw .refused("cannot tell who you are", remedy: .identifyAuthor)
    }
}

extension Timestamp {
    /// Now: PACTORIA_NOW (an ISO-8601 instant, for tests and demos), else the system clock. The
    /// one place the library reads the time of day (commit and audit times, token times, windows).
    public static func now() -> Timestamp {
        if let pinned = getenv("PACTORIA_NOW"), let t = Timestamp(String(cString: pinned)) { return t }
        return Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
    }

    /// `now()` in nanoseconds: PACTORIA_NOW's second, else the system clock's nanosecond.
    public static func nowNanoseconds() -> Int64 {
        if let pinned = getenv("PACTORIA_NOW"), let t = Timestamp(String(cString: pinned)) {
            return t.secondsSinceEpoch * 1_000_000_000
        }
        return Int64(Date().timeIntervalSince1970 * 1e9)
    }

    /// `now()` as a `Date`, for git signatures.
    static func nowDate() -> Date { Date(timeIntervalSince1970: TimeInterval(now().secondsSinceEpoch)) }
}

extension CalendarDate {
    /// Today's date in UTC (or PACTORIA_TODAY=YYYY-MM-DD, for tests and demos).
    public static func today(environment: [String: String]? = nil) -> CalendarDate {
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let t = environment["PACTORIA_TODAY"], let d = CalendarDate(t) { return d }
        return Timestamp.now().date
    }
}
