public import PactoriaCore
public import PactoriaGit

/// Moving a contract to another company: the one way a contract changes company. A contract's
/// company is part of its identity, so a move made with plain file moves is refused by the status,
/// the commit, the check and the pre-commit hook; a move is committed at once, under the write
/// lock, as its own audited event (`contract.moved`, with the two companies in
/// `Pactoria-From`/`-To`), which the check of a range of commits recognises.
///
/// Read-only contracts (completed, expired, terminated) are not moved: their record is frozen.
/// The contract's files must be committed as they are (no uncommitted edit travels with a move).
public enum MoveContract {
    /// The audit event a move records.
    public static let event = "contract.moved"

    public struct Result: Sendable {
        public var from: ContractRef
        public var to: ContractRef
        public var id: String
        public var commit: ObjectID
    }

    public static func run(_ ws: Workspace, spec: String, to company: String, author: Author) throws(WorkspaceError)
        -> Result
    {
        let from = try ContractViews.resolve(ws, spec).ref
        return try WriteLock.withLock(ws) { () throws(WorkspaceError) -> Result in
            let repo = try ws.repository()
            guard Validator.isSlug(company), FileSystem.exists(ws.absolute(ws.companyPath(company))) else {
                throw .notFound("no company '\(company)' (no \(ws.companyPath(company)))", remedy: .listCompanies)
            }
            guard from.company != company else { throw .refused("\(from) is already in company '\(company)'") }
            let loaded = try ws.loadContract(from)
            if !loaded.problems.isEmpty { throw .invalid(loaded.problems) }
            if let status = loaded.contract.statusValue, Lifecycle.readOnly.contains(status) {
                throw .rule(
                    ref: from,
                    RuleViolation(
                        .readOnly, field: "status",
                        "\(status.rawValue) contracts are read-only; they cannot be moved to another company"))
            }
            let pending: [StatusEntry]
            do { pending = try repo.status(pathspecs: [from.yamlPath, from.markdownPath]) } catch {
                throw Committer.statusFailure(error)
            }
            if let first = pending.first {
                throw .refused("\(first.path) has uncommitted changes", remedy: .commitFirst(then: "move"))
            }
            let to = ContractRef(company: company, stem: from.stem)
            for path in [to.yamlPath, to.markdownPath] where FileSystem.kind(ws.absolute(path)) != nil {
                throw .refused("\(path) already exists; rename one of the two contracts first")
            }
            try ws.refuseLinkedFolders(to.yamlPath)
            let yaml = try ws.read(from.yamlPath)
            let markdown = try ws.markdown(from)
            try FileSystem.makeDirectories(ws.absolute(to.directory))
            // Put the files back as they were if anything below fails: a move that does not commit
            // leaves the working tree untouched.
            func undo() {
                FileSystem.remove(ws.absolute(to.yamlPath))
                FileSystem.remove(ws.absolute(to.markdownPath))
                try? FileSystem.writeAtomically(yaml, to: ws.absolute(from.yamlPath))
                if let markdown { try? FileSystem.writeAtomically(markdown, to: ws.absolute(from.markdownPath)) }
            }
            do throws(WorkspaceError) {
                if let markdown { try FileSystem.writeAtomically(markdown, to: ws.absolute(to.markdownPath)) }
                try FileSystem.writeAtomically(yaml, to: ws.absolute(to.yamlPath))
                FileSystem.remove(ws.absolute(from.yamlPath))
                FileSystem.remove(ws.absolute(from.markdownPath))
                let (index, tree) = try Committer.stage(
                    ws, repo, paths: [from.yamlPath, from.markdownPath, to.yamlPath, to.markdownPath])
                let e = ContractEvent(
                    id: loaded.contract.id, ref: to, event: event, version: loaded.contract.version, from: from.company,
                    to: company, actor: author.description)
                let commit = try Committer.commit(
                    repo, index: index, tree: tree, head: try Committer.head(repo),
                    message: "Move \(loaded.contract.title) from \(from.company) to \(company)", events: [e],
                    author: author)
                return Result(from: from, to: to, id: loaded.contract.id, commit: commit)
            } catch {
                undo()
                throw error
            }
        }
    }
}
