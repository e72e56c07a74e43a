import Foundation
public import PactoriaCore
public import PactoriaWorkspace

/// Self-service sign-up (`server.open_registration`): a new company and its first user, who is
/// that company's admin and nothing more. All or nothing: the company folder, its commit and the
/// user record either all land or none does.
public enum Registration {
    public struct Input: Sendable {
        public var email: String
        public var fullName: String
        public var password: String
        public var companyName: String

        public init(email: String, fullName: String, password: String, companyName: String) {
            self.email = email
            self.fullName = fullName
            self.password = password
            self.companyName = companyName
        }
    }

    /// Errors name the request's fields (`email`, `full_name`, `password`, `company_name`).
    public static func register(_ ws: Workspace, _ input: Input) throws(WorkspaceError) -> (User, Company) {
        try UserStore.validate(
            email: input.email, fullName: input.fullName, password: input.password)
        try AccessText.check(input.companyName, field: "company_name", maxLength: Validator.maxCompanyLength)
        let hash = try UserStore.hash(input.password, ws)
        let author = Author(name: input.fullName.trimmingSpaces(), email: input.email)
        let (user, company) = try WriteLock.withLock(ws) { () throws(WorkspaceError) -> (User, Company) in
            let before = try UserStore.load(ws)
            if UserStore.find(before, email: input.email) != nil {
                throw .refused("a user with email \(input.email) already exists")
            }
            let company: Company
            do throws(WorkspaceError) {
                company = try Companies.addLocked(
                    ws, name: input.companyName, slug: nil, tier: SubscriptionTier.starter.rawValue, companyNumber: nil)
            } catch {
                if case .invalidInput(_, let message) = error {
                    throw .invalidInput(field: "company_name", message: message)
                }
                throw error
            }
            let user = User(
                email: input.email, fullName: input.fullName.trimmingSpaces(), role: .admin, company: company.slug,
                passwordHash: hash, createdAt: Timestamp.now().description)
            let hadStore = FileSystem.exists(ws.absolute(UserStore.path))
            do throws(WorkspaceError) {
                try UserStore.save(ws, before + [user])
                let repo = try ws.repository()
                let (index, tree) = try Committer.stage(ws, repo, paths: [ws.companyPath(company.slug)])
                _ = try Committer.commit(
                    repo, index: index, tree: tree, head: try Committer.head(repo),
                    message: "Register \(company.name)", events: [], author: author)
            } catch {
                // Undo both: no user without its company, no company without its commit.
                if hadStore { try? UserStore.save(ws, before) } else { FileSystem.remove(ws.absolute(UserStore.path)) }
                try? FileManager.default.removeItem(atPath: ws.absolute("companies/\(company.slug)"))
                throw error
            }
            return (user, company)
        }
        UserStore.event(
            ws, "user_registered", actor: user.email, company: company.slug,
            detail: "registered \(company.slug) with admin \(user.email)")
        return (user, company)
    }
}
