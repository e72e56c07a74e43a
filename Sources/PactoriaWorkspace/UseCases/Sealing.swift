import Foundation
public import PactoriaCore
public import PactoriaGit

/// Sealing a company or a contract: from the next commit on, its YAML and Markdown are stored in
/// git (and on every remote) as AES-256-GCM ciphertext under a per-contract data key; the working
/// tree keeps plaintext. See `Sealer` and docs/SEALING.md.
public enum SealContracts {
    public static let event = "contract.sealed"

    public struct Result: Sendable {
        public var target: String
        public var contracts: [ContractRef]
        public var commit: ObjectID?
        /// Where a new master key was written (none was configured), to be backed up.
        public var createdKeyFile: String?
        /// Contracts whose earlier, unsealed versions stay in clear in the history.
        public var clearHistory: [ContractRef]
    }

    /// Seals `target`: a company slug, or a contract (id, stem, company/stem or path).
    public static func run(_ ws: Workspace, target: String, author: Author) throws(WorkspaceError) -> Result {
        try WriteLock.withLock(ws) { () throws(WorkspaceError) -> Result in
            let repo = try ws.repository()
            var company: String?
            var contractID: String?
            var refs: [ContractRef]
            if ws.companySlugs().contains(target) {
                company = target
                refs = ws.contractRefs(company: target)
            } else {
                let s = try ContractViews.resolve(ws, target)
                contractID = s.id.lowercased()
                refs = [s.ref]
            }
            let pending: [StatusEntry]
            do { pending = try repo.status(pathspecs: refs.flatMap { [$0.yamlPath, $0.markdownPath] }) } catch {
                throw Committer.statusFailure(error)
            }
            if let first = pending.first {
                throw .refused("\(first.path) has uncommitted changes", remedy: .commitFirst(then: "seal"))
            }
            // A master key: the configured one, else a new key file (reported, to be backed up).
            var created: String?
            guard let gitDir = GitLocks.gitDirectory(root: ws.root) else {
                throw .repository("cannot find the git directory of \(ws.root)", detail: ws.root)
            }
            do {
                if try MasterKey.load(environment: ProcessInfo.processInfo.environment, gitDirectory: gitDir) == nil {
                    let path = MasterKey.defaultFilePath(gitDirectory: gitDir)
                    _ = try MasterKey.createFile(at: path)
                    created = path
                }
            } catch {
                throw .refused("\(error)")
            }
            // The policy, in the (tracked) config.
            var config = ws.config
            var sealing = config.tree["sealing"] ?? .mapping([])
            if let company {
                var list = config.list("sealing.companies")
                if !list.contains(company) { list.append(company) }
                sealing.set("companies", .sequence(list.map { .scalar($0, .string) }))
            }
            if let contractID {
                var list = config.list("sealing.contracts")
                if !list.contains(contractID) { list.append(contractID) }
                sealing.set("contracts", .sequence(list.map { .scalar($0, .string) }))
            }
            config.tree.set("sealing", sealing)
            try ws.writeConfig(config)
            do { try ws.installSealer(repo, force: true) } catch {
                throw .repository("cannot set up sealing: \(error)", detail: "\(error)")
            }
            var events: [ContractEvent] = []
            var clearHistory: [ContractRef] = []
            let head = try Committer.head(repo)
            for ref in refs {
                guard let loaded = try? ws.loadContract(ref), !loaded.contract.id.isEmpty else { continue }
                events.append(
                    ContractEvent(
                        id: loaded.contract.id, ref: ref, event: event, version: loaded.contract.version,
                        actor: author.description))
                if let head, let tree = try? repo.treeID(ofCommit: head),
                    ((try? repo.blobID(inTree: tree, path: ref.yamlPath)) ?? nil) != nil
                {
                    clearHistory.append(ref)
                }
            }
            let paths = [Workspace.configPath] + refs.flatMap { [$0.yamlPath, $0.markdownPath] }
            let (index, tree) = try Committer.stage(ws, repo, paths: paths)
            let what = company.map { "company \($0)" } ?? refs.first.map { "\($0)" } ?? target
            let commit = try Committer.commit(
                repo, index: index, tree: tree, head: head,
                message: "Seal \(what) (\(refs.count) contract\(refs.count == 1 ? "" : "s"))", events: events,
                author: author, allowEmpty: true)
            return Result(
                target: what, contracts: refs, commit: commit, createdKeyFile: created, clearHistory: clearHistory)
        }
    }
}
