import Foundation
public import PactoriaCore
import PactoriaCrypto
public import PactoriaWorkspace

/// Someone who may use the server.
public struct User: Sendable, Equatable {
    public var email: String
    public var fullName: String
    /// The role within `company`; no role reaches another company.
    public var role: Role
    public var company: String
    public var passwordHash: String
    public var createdAt: String?
    /// Raised by every change that must end earlier tokens (remove, role, company, password,
    /// disable, revoke, logout); a token is honoured only while its `gen` claim equals it.
    public var generation: Int64
    /// A disabled user cannot log in and none of their tokens is honoured.
    public var disabled: Bool
    /// The operator grant: sees every company. Given only from the command line, never over the API.
    public var isOperator: Bool

    public init(
        email: String, fullName: String, role: Role, company: String, passwordHash: String, createdAt: String? = nil,
        generation: Int64 = 1, disabled: Bool = false, isOperator: Bool = false
    ) {
        self.email = email
        self.fullName = fullName
        self.role = role
        self.company = company
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.generation = generation
        self.disabled = disabled
        self.isOperator = isOperator
    }

    /// Whether this user may see `company`'s contracts, trail and security events.
    public func sees(company c: String) -> Bool {
        Tenancy.sees(company: c, ownCompany: company, isOperator: isOperator)
    }
}

/// Users live in a local, git-ignored store, `.pactoria/secrets/users.yaml` (mode 0600, written
/// atomically), with salted PBKDF2-HMAC-SHA256 password hashes: credentials never enter the
/// tracked tree, so clone access reveals no hash and a pull request cannot add or change a user.
/// A tracked `.pactoria/users.yaml` (the old place) is never read for login; `importTracked`
/// moves it into the local store. Every change is a security event in the local log. The
/// token-signing key lives beside it in `.pactoria/secrets/jwt.key`.
public enum UserStore {
    public static let path = ".pactoria/secrets/users.yaml"
    /// Where users lived before: tracked by git, so never trusted.
    public static let trackedPath = ".pactoria/users.yaml"
    public static let keyPath = ".pactoria/secrets/jwt.key"
    static let order = KeyOrder(
        ["users"],
        children: [
            "users": KeyOrder([
                "email", "full_name", "role", "company", "password_hash", "created_at", "generation", "disabled",
                "operator",
            ])
        ])

    /// The users of the local store (none when it does not exist yet).
    public static func load(_ ws: Workspace) throws(WorkspaceError) -> [User] {
        try load(ws, file: path)
    }

    /// What to do about a tracked users file: move its users into the local store.
    public static let trackedFileRemedy = Remedy.importTrackedUsers(store: path)

    /// One line for people who still have a tracked users file (see `trackedFileRemedy`), or nil.
    public static func trackedFileWarning(_ ws: Workspace) -> String? {
        guard FileSystem.exists(ws.absolute(trackedPath)) else { return nil }
        return "\(trackedPath) is tracked by git and is not used for login"
    }

    static func load(_ ws: Workspace, file: String) throws(WorkspaceError) -> [User] {
        guard FileSystem.exists(ws.absolute(file)) else { return [] }
        let doc: YAMLDocument
        do { doc = try YAMLDocument.parse(try FileSystem.readText(ws.absolute(file)), file: file) } catch let e
            as YAMLError
        {
            throw .yaml(e)
        } catch let e as WorkspaceError { throw e } catch { throw .io(path: file, message: "\(error)") }
        guard case .sequence(let items)? = doc.root["users"] else {
            if doc.root["users"] == nil || doc.root["users"]?.string == nil { return [] }
            throw .invalid([Problem(file: file, line: doc.line(of: "users"), field: "users", message: "must be a list")]
            )
        }
        var users: [User] = []
        var problems: [Problem] = []
        for (i, item) in items.enumerated() {
            let field = "users[\(i)]"
            guard let email = item["email"]?.string, let name = item["full_name"]?.string,
                let roleText = item["role"]?.string, let company = item["company"]?.string,
                let hash = item["password_hash"]?.string
            else {
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "users"), field: field,
                        message: "needs email, full_name, role, company and password_hash"))
                continue
            }
            guard let role = Role(rawValue: roleText) else {
                problems.append(
                    Problem(
                        file: file, line: doc.line(of: "users"), field: "\(field).role",
                        message: "unknown role '\(roleText)' (expected one of: \(Role.allNames))"))
                continue
            }
            users.append(
                User(
                    email: email, fullName: name, role: role, company: company, passwordHash: hash,
                    createdAt: item["created_at"]?.string,
                    generation: item["generation"]?.string.flatMap { Int64($0) } ?? 1,
                    disabled: item["disabled"]?.string == "true", isOperator: item["operator"]?.string == "true"))
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
            n.set("generation", .scalar(String(u.generation), .typed))
            n.set("disabled", u.disabled ? .scalar("true", .typed) : nil)
            n.set("operator", u.isOperator ? .scalar("true", .typed) : nil)
            return n
        }
        return CanonicalYAML.render(.mapping([YAMLEntry(key: "users", value: .sequence(items))]), order: order)
    }

    /// Writes the local store: atomically, in a directory only the owner can enter, mode 0600.
    static func save(_ ws: Workspace, _ users: [User]) throws(WorkspaceError) {
        let file = ws.absolute(path)
        let dir = (file as NSString).deletingLastPathComponent
        try FileSystem.makeDirectories(dir)
        chmod(dir, 0o700)
        try FileSystem.writeAtomically(render(users), to: file)
        chmod(file, 0o600)
    }

    public static func find(_ users: [User], email: String) -> User? {
        users.first { $0.email.lowercased() == email.lowercased() }
    }

    /// The cost of a new hash: the floor, raised (never lowered) by `security.password_iterations`.
    static func iterations(_ ws: Workspace) -> Int {
        PasswordHash.iterations(configured: ws.config.setting("security.password_iterations").flatMap(Int.init))
    }

    static func hash(_ password: String, _ ws: Workspace) throws(WorkspaceError) -> String {
        do { return try PasswordHash.hash(password: password, iterations: iterations(ws)) } catch {
            throw .repository("cannot hash the password", detail: "\(error)")
        }
    }

    /// Checks a new user's fields; errors name the field (`email`, `full_name`, `password`).
    static func validate(email: String, fullName: String, password: String) throws(WorkspaceError) {
        try AccessText.checkEmail(email)
        try AccessText.check(fullName, field: "full_name", maxLength: Validator.maxNameLength)
        try PasswordPolicy.check(password, email: email)
    }

    /// Adds a user to the local store (no commit: the change is a security event).
    public static func add(
        _ ws: Workspace, email: String, fullName: String, role: Role, company: String, password: String,
        actor: String? = nil
    ) throws(WorkspaceError) -> User {
        try validate(email: email, fullName: fullName, password: password)
        let (companyInfo, _) = try ws.loadCompany(company)
        let hash = try hash(password, ws)
        let user = try WriteLock.withLock(ws) { () throws(WorkspaceError) -> User in
            var users = try load(ws)
            if find(users, email: email) != nil { throw .refused("a user with email \(email) already exists") }
            let limits = ws.config.planLimits(companyInfo.tier ?? .starter)
            let inCompany = users.filter { $0.company == company }.count
            if inCompany >= limits.users {
                throw .planLimit(
                    "\(company) is on the \(companyInfo.subscriptionTier) plan, which allows \(limits.users) users; remove one or upgrade"
                )
            }
            let user = User(
                email: email, fullName: fullName.trimmingSpaces(), role: role, company: company, passwordHash: hash,
                createdAt: Timestamp.now().description)
            users.append(user)
            try save(ws, users)
            return user
        }
        event(ws, "user_added", actor: actor, company: company, detail: "added \(email) (\(role.rawValue), \(company))")
        return user
    }

    public static func remove(_ ws: Workspace, email: String, actor: String? = nil) throws(WorkspaceError) {
        let removed = try WriteLock.withLock(ws) { () throws(WorkspaceError) -> User in
            var users = try load(ws)
            guard let u = find(users, email: email) else { throw .notFound("no user with email \(email)") }
            users.removeAll { $0.email == u.email }
            try save(ws, users)
            return u
        }
        event(ws, "user_removed", actor: actor, company: removed.company, detail: "removed \(removed.email)")
    }

    /// Changes one user under the write lock and records the change as a security event.
    /// `endsTokens` raises the user's generation, so every earlier token stops working.
    @discardableResult
    static func change(
        _ ws: Workspace, email: String, kind: String, actor: String?, endsTokens: Bool,
        _ body: (inout User, _ others: [User]) throws(WorkspaceError) -> String
    ) throws(WorkspaceError) -> User {
        let (user, detail) = try WriteLock.withLock(ws) { () throws(WorkspaceError) -> (User, String) in
            var users = try load(ws)
            guard let i = users.firstIndex(where: { $0.email.lowercased() == email.lowercased() }) else {
                throw .notFound("no user with email \(email)")
            }
            var u = users[i]
            let detail = try body(&u, users.enumerated().filter { $0.offset != i }.map(\.element))
            if endsTokens { u.generation += 1 }
            users[i] = u
            try save(ws, users)
            return (u, detail)
        }
        event(ws, kind, actor: actor, company: user.company, detail: detail)
        return user
    }

    public static func setRole(_ ws: Workspace, email: String, role: Role, actor: String? = nil) throws(WorkspaceError)
        -> User
    {
        try change(ws, email: email, kind: "user_role_changed", actor: actor, endsTokens: true) {
            u, _ throws(WorkspaceError) in
            let old = u.role
            u.role = role
            return "\(u.email): role \(old.rawValue) → \(role.rawValue)"
        }
    }

    public static func setCompany(_ ws: Workspace, email: String, company: String, actor: String? = nil)
        throws(WorkspaceError) -> User
    {
        let (info, _) = try ws.loadCompany(company)
        let limit = ws.config.planLimits(info.tier ?? .starter).users
        return try change(ws, email: email, kind: "user_company_changed", actor: actor, endsTokens: true) {
            u, others throws(WorkspaceError) in
            let old = u.company
            if old != company, others.filter({ $0.company == company }).count >= limit {
                throw .planLimit(
                    "\(company) is on the \(info.subscriptionTier) plan, which allows \(limit) users; remove one or upgrade"
                )
            }
            u.company = company
            return "\(u.email): company \(old) → \(company)"
        }
    }

    public static func setPassword(_ ws: Workspace, email: String, password: String, actor: String? = nil)
        throws(WorkspaceError) -> User
    {
        try PasswordPolicy.check(password, email: email)
        let hash = try hash(password, ws)
        return try change(ws, email: email, kind: "user_password_changed", actor: actor, endsTokens: true) {
            u, _ throws(WorkspaceError) in
            u.passwordHash = hash
            return "\(u.email): password changed"
        }
    }

    public static func setDisabled(_ ws: Workspace, email: String, disabled: Bool, actor: String? = nil)
        throws(WorkspaceError) -> User
    {
        try change(
            ws, email: email, kind: disabled ? "user_disabled" : "user_enabled", actor: actor, endsTokens: disabled
        ) {
            u, _ throws(WorkspaceError) in
            u.disabled = disabled
            return "\(u.email): \(disabled ? "disabled" : "enabled")"
        }
    }

    /// Ends every token issued to the user so far (`user revoke`, and logout).
    public static func revoke(
        _ ws: Workspace, email: String, actor: String? = nil, kind: String = "user_tokens_revoked"
    ) throws(WorkspaceError) -> User {
        try change(ws, email: email, kind: kind, actor: actor, endsTokens: true) { u, _ throws(WorkspaceError) in
            "\(u.email): every earlier token revoked"
        }
    }

    /// The operator grant (sees every company): given or taken only here, from the CLI.
    public static func setOperator(_ ws: Workspace, email: String, granted: Bool, actor: String? = nil)
        throws(WorkspaceError) -> User
    {
        try change(
            ws, email: email, kind: granted ? "operator_granted" : "operator_revoked", actor: actor,
            endsTokens: !granted
        ) { u, _ throws(WorkspaceError) in
            u.isOperator = granted
            return "\(u.email): operator grant \(granted ? "given" : "taken away")"
        }
    }

    /// Moves the users of a tracked `.pactoria/users.yaml` into the local store (users already
    /// there are kept as they are), then deletes the tracked file in one commit. Nobody imported
    /// is an operator. Returns the emails imported.
    public static func importTracked(_ ws: Workspace, author: Author) throws(WorkspaceError) -> [String] {
        guard FileSystem.exists(ws.absolute(trackedPath)) else {
            throw .notFound("there is no \(trackedPath) to import")
        }
        let tracked = try load(ws, file: trackedPath)
        let imported = try WriteLock.withLock(ws) { () throws(WorkspaceError) -> [String] in
            var users = try load(ws)
            var imported: [String] = []
            for var u in tracked where find(users, email: u.email) == nil {
                u.isOperator = false
                u.disabled = false
                u.generation += 1
                users.append(u)
                imported.append(u.email)
            }
            try save(ws, users)
            FileSystem.remove(ws.absolute(trackedPath))
            let repo = try ws.repository()
            let (index, tree) = try Committer.stage(ws, repo, paths: [trackedPath])
            _ = try Committer.commit(
                repo, index: index, tree: tree, head: try Committer.head(repo),
                message: "Stop tracking users: credentials move to the local store", events: [], author: author)
            return imported
        }
        event(
            ws, "users_imported", actor: author.email, company: nil,
            detail: "imported \(imported.count) users from \(trackedPath)")
        return imported
    }

    static func event(_ ws: Workspace, _ kind: String, actor: String?, company: String?, detail: String) {
        SecurityLog(ws).record(
            SecurityLog.Event(
                time: Timestamp.now().description, kind: kind, severity: "medium", actor: actor ?? "cli",
                company: company,
                detail: detail))
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
        do { key = try SecureRandom.bytes(32) } catch {
            throw .repository("cannot generate a signing key", detail: "\(error)")
        }
        try FileSystem.makeDirectories((file as NSString).deletingLastPathComponent)
        try FileSystem.writeAtomically(Base64URL.encode(key) + "\n", to: file)
        chmod(file, 0o600)
        return key
    }

    /// A signed access token for `user`, carrying the user's current generation.
    public static func token(for user: User, key: [UInt8], now: Int64, lifetime: Int64) -> String {
        JWT.sign(
            TokenClaims(
                subject: user.email, company: user.company, role: user.role.rawValue, issuedAt: now,
                expiresAt: now + lifetime,
                generation: user.generation),
            key: key)
    }

    /// The user a token speaks for, judged by the store as it is now (not by the token's claims):
    /// nil when the user is gone, disabled, or has revoked the token's generation.
    public static func current(_ users: [User], for claims: TokenClaims) -> User? {
        guard let u = find(users, email: claims.subject), !u.disabled, let gen = claims.generation, gen == u.generation
        else { return nil }
        return u
    }
}
