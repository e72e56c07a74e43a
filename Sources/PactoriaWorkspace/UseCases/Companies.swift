public import PactoriaCore

/// Adding and listing companies.
public enum Companies {
    public static func add(
        _ ws: Workspace, name: String, slug explicitSlug: String?, tier: String = "starter", companyNumber: String?
    ) throws(WorkspaceError) -> Company {
        try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> Company in
            try addLocked(ws, name: name, slug: explicitSlug, tier: tier, companyNumber: companyNumber)
        }
    }

    /// `add`, for a caller that holds the write lock already.
    package static func addLocked(
        _ ws: Workspace, name: String, slug explicitSlug: String?, tier: String = "starter", companyNumber: String?
    ) throws(WorkspaceError) -> Company {
        let slug = explicitSlug ?? Validator.slugify(Companies.withoutLegalSuffix(name), maxLength: 40)
        let company = Company(
            name: name.trimmingSpaces(), slug: slug, companyNumber: companyNumber, subscriptionTier: tier,
            createdAt: Timestamp.now().description)
        let issues = Company.validate(company)
        if let first = issues.first {
            throw .invalidInput(field: first.field, message: first.message)
        }
        let rel = ws.companyPath(slug)
        if FileSystem.exists(ws.absolute(rel)) {
            throw .refused("company '\(slug)' already exists (\(rel))")
        }
        // The company file (and its folder) or nothing; then the empty contracts folder.
        try WriteTransaction.run(
            ws, operation: "company add \(slug)",
            writes: [.init(path: rel, bytes: Array(CompanyCodec.render(company).utf8))],
            finish: .files)
        try FileSystem.makeDirectories(ws.absolute("companies/\(slug)/contracts"))
        return company
    }

    /// "Thames Digital Ltd" → "Thames Digital": the suffix adds nothing to a directory name.
    static func withoutLegalSuffix(_ name: String) -> String {
        var words = name.split(separator: " ")
        let suffixes: Set<String> = ["ltd", "ltd.", "limited", "plc", "llp", "lp", "cic", "inc", "inc.", "llc"]
        while words.count > 1, let last = words.last, suffixes.contains(last.lowercased()) { words.removeLast() }
        return words.joined(separator: " ")
    }

    public struct Listed: Sendable {
        public var company: Company
        public var contracts: Int
        public var problems: [Problem]
    }

    public static func list(_ ws: Workspace, index: ContractIndex? = nil) -> [Listed] {
        let index = index ?? ContractIndex.load(ws)
        var counts: [String: Int] = [:]
        for s in index.summaries { counts[s.ref.company, default: 0] += 1 }
        return ws.companySlugs().map { slug in
            do {
                let (c, problems) = try ws.loadCompany(slug)
                return Listed(company: c, contracts: counts[slug] ?? 0, problems: problems)
            } catch {
                return Listed(
                    company: Company(name: "?", slug: slug), contracts: counts[slug] ?? 0,
                    problems: [Problem(file: ws.companyPath(slug), message: "\(error)")])
            }
        }
    }
}
