public import PactoriaCore
import Foundation
import PactoriaCrypto

/// Someone who may use `pactoria serve`.
public struct User: Sendable, Equatable {
    public var email: String
    public var fullName: String
    public var role: Role
    public var company: String
    public var passwordHash: String
    public var createdAt: String?

    public init(email: String, fullName: String, role: Role, company: String, passwordHash: String, createdAt: String? = nil) {
        self.email = email
        self.fullName = fullName
        self.role = role
        self.company = company
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}

/// Users live in `.pactoria/users.yaml` (committed: adding a user is an auditable change), with
/// salted PBKDF2-HMAC-SHA256 password hashes. The token-signing key lives in
/// `.pactoria/secrets/jwt.key` (mode 0600, git-ignored).
public enum UserStore {
    public static let path = ".pactoria/users.yaml"
    public static let keyPath = ".pactoria/secrets/jwt.key"
    static let order = KeyOrder(
        ["users"], children: ["users": KeyOrder(["email", "full_name", "role", "company", "password_hash", "created_at"])])

    public static func load(_ ws: Workspace) throws(WorkspaceError) -> [User] {
        guard FileSystem.exists(ws.absolute(path)) else { return [] }
        let doc: YAMLDocument
        do { doc = try YAMLDocument.parse(try FileSystem.readText(ws.absolute(path)), file: path) } catch let e as YAMLError {
            throw .yaml(e)
        } catch let e as WorkspaceError { throw e } catch { throw .io(path: path, message: "\(error)") }
        guard case .sequence(let items)? = doc.root["users"] else {
            if doc.root["users"] == nil || doc.root["users"]?.string == nil { return [] }
            throw .invalid([Problem(file: path, line: doc.line(of: "users"), field: "users", message: "must be a list")])
        }
        var users: [User] = []
        var problems: [Problem] = []
        for (i, item) in items.enumerated() {
            let field = "users[\(i)]"
            guard let email = item["email"]?.string, let name = item["full_name"]?.string,
                let roleText = item["role"]?.string, let company = item["company"]?.string,
                let hash = item["password_hash"]?.string
            else {
                problems.append(Problem(file: path, line: doc.line(of: "users"), field: field, message: "needs email, full_name, role, company and password_hash"))
                continue
            }
            guard let role = Role(rawValue: roleText) else {
                problems.append(Problem(file: path, line: doc.line(of: "users"), field: "\(field).role", message: "unknown role '\(roleText)' (expected one of: \(Role.allNames))"))
                continue
            }
            users.append(User(email: email, fullName: name, role: role, company: company, passwordHash: hash, createdAt: item["created_at"]?.string))
        }
        if !problems.isEmpty { throw .invalid(problems) }
        return users
    }

    static func render(_ users: [User]) -> String {
        let items: [YAMLNode] = users.map { u in
            var n = YAMLNode.mapping([])
            n.set("email", .scalar(u.email, .string))
            n.set("full_name", .scalar(u.fullName, .string))
            n.set("role", .scalar(u.role.rawValue, .string))
            n.set("company", .scalar(u.company, .string))
            n.set("password_hash", .scalar(u.passwordHash, .string))
            n.set("created_at", u.createdAt.map { .scalar($0, .typed) })
            return n
        }
        return CanonicalYAML.render(.mapping([YAMLEntry(key: "users", value: .sequence(items))]), order: order)
    }

    public static func find(_ users: [User], email: String) -> User? {
        users.first { $0.email.lowercased() == email.lowercased() }
    }

    /// Adds a user and commits `.pactoria/users.yaml`.
    public static func add(
        _ ws: Workspace, email: String, fullName: String, role: Role, company: String, password: String, author: Author,
        iterations: Int? = nil, extraPaths: [String] = [], message: String? = nil
    ) throws(WorkspaceError) -> User {
        // `security.password_iterations` in the config may lower the cost (for test workspaces).
        let iterations = iterations ?? ws.config.setting("security.password_iterations").flatMap(Int.init)
            ?? PasswordHash.defaultIterations
        guard Validator.isEmail(email) else { throw .invalidInput(field: "email", message: "'\(email)' is not an email address") }
        guard !fullName.trimmingSpaces().isEmpty else { throw .invalidInput(field: "--name", message: "must not be empty") }
        guard password.count >= 8 else { throw .invalidInput(field: "password", message: "must be at least 8 characters") }
        let (companyInfo, _) = try ws.loadCompany(company)
        let hash: String
        do { hash = try PasswordHash.hash(password: password, iterations: iterations) } catch {
            throw .repository("cannot hash the password", detail: "\(error)")
        }
        return try WriteLock.withLock(ws) { () throws(WorkspaceError) -> User in
            var users = try load(ws)
            if find(users, email: email) != nil { throw .refused("a user with email \(email) already exists") }
            let limits = ws.config.planLimits(companyInfo.tier ?? .starter)
            let inCompany = users.filter { $0.company == company }.count
            if inCompany >= limits.users {
                throw .planLimit("\(company) is on the \(companyInfo.subscriptionTier) plan, which allows \(limits.users) users; remove one or upgrade")
            }
            let user = User(email: email, fullName: fullName.trimmingSpaces(), role: role, company: company, passwordHash: hash, createdAt: Timestamp.now().description)
            users.append(user)
            try FileSystem.writeAtomically(render(users), to: ws.absolute(path))
            try commit(ws, message: message ?? "Add user \(email) (\(role.rawValue), \(company))", author: author, extraPaths: extraPaths)
            return user
        }
    }

    public static func remove(_ ws: Workspace, email: String, author: Author) throws(WorkspaceError) {
        try WriteLock.withLock(ws) { () throws(WorkspaceError) in
            var users = try load(ws)
            guard let u = find(users, email: email) else { throw .notFound("no user with email \(email)") }
            users.removeAll { $0.email == u.email }
            try FileSystem.writeAtomically(render(users), to: ws.absolute(path))
            try commit(ws, message: "Remove user \(u.email)", author: author)
        }
    }

    static func commit(_ ws: Workspace, message: String, author: Author, extraPaths: [String] = []) throws(WorkspaceError) {
        let repo = try ws.repository()
        let (index, tree) = try Committer.stage(ws, repo, paths: [path] + extraPaths)
        _ = try Committer.commit(repo, index: index, tree: tree, head: try Committer.head(repo), message: message, events: [], author: author)
    }

    /// Constant-time check of a password against a stored hash.
    public static func verify(password: String, hash: String) -> Bool {
        PasswordHash.verify(password: password, encoded: hash)
    }

    /// The token-signing key, created on first use from libcrypto's random generator.
    public static func signingKey(_ ws: Workspace) throws(WorkspaceError) -> [UInt8] {
        let file = ws.absolute(keyPath)
        if let bytes = try? FileSystem.read(file), let text = String(bytes: bytes, encoding: .utf8),
            let key = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count >= 32
        {
            return key
        }
        let key: [UInt8]
        do { key = try SecureRandom.bytes(32) } catch { throw .repository("cannot generate a signing key", detail: "\(error)") }
        try FileSystem.makeDirectories((file as NSString).deletingLastPathComponent)
        try FileSystem.writeAtomically(Base64URL.encode(key) + "\n", to: file)
        chmod(file, 0o600)
        return key
    }

    /// A signed access token for `user`.
    public static func token(for user: User, key: [UInt8], now: Int64, lifetime: Int64) -> String {
        JWT.sign(
            TokenClaims(subject: user.email, company: user.company, role: user.role.rawValue, issuedAt: now, expiresAt: now + lifetime),
            key: key)
    }
}
