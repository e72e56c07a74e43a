import PactoriaCore
public import PactoriaGit

/// A new workspace: make (or adopt) a git repository as a Pactoria workspace.
public enum InitWorkspace {
    public struct Result: Sendable {
        public var root: String
        /// False when the directory already was a Pactoria workspace with history.
        public var initialised: Bool
        public var createdRepository: Bool
        public var commit: ObjectID?
        public var contracts: Int
    }

    static let gitignoreLines = [".pactoria/cache", ".pactoria/secrets/"]

    public static func run(directory: String, author explicitAuthor: String?, defaultCurrency: String = "GBP")
        throws(WorkspaceError) -> Result
    {
        let root = FileSystem.absolute(directory)
        try FileSystem.makeDirectories(root)
        let hadRepository = PactoriaGit.Repository.exists(at: root)
        let repo: Repository
        do {
            repo = hadRepository ? try Repository.open(at: root) : try Repository.initialize(at: root)
        } catch {
            throw .repository("cannot create a git repository at \(root)", detail: "\(error)")
        }
        let configPath = root + "/" + Workspace.configPath
        let hadConfig = FileSystem.exists(configPath)
        if !hadConfig {
            guard Currency(rawValue: defaultCurrency) != nil else {
                throw .invalidInput(
                    field: "default_currency",
                    message: "unknown currency '\(defaultCurrency)' (expected one of: \(Currency.allNames))")
            }
            try FileSystem.writeAtomically(WorkspaceConfig(defaultCurrency: defaultCurrency).render(), to: configPath)
        }
        let ws = try Workspace.open(root: root)
        ws.adopt(repo)
        try ensureGitignore(ws)
        try FileSystem.makeDirectories(ws.absolute("companies"))

        let head = try? repo.headCommitID()
        if hadConfig, head != nil, (try? repo.status(pathspecs: [".pactoria/config.yaml"]).isEmpty) == true {
            return Result(root: root, initialised: false, createdRepository: false, commit: nil, contracts: 0)
        }
        // First commit: the workspace as it stands, every contract recorded as created.
        let index = ContractIndex.load(ws)
        let status = try WorkspaceStatus.compute(ws, index: index)
        if !status.problems.isEmpty { throw .invalid(status.problems) }
        let author = try ws.resolveAuthor(explicitAuthor)
        let result = try CommitChanges.run(
            ws, message: "Initialise Pactoria workspace", author: author, allowEmpty: true, stageEverything: true,
            precomputed: status)
        return Result(
            root: root, initialised: true, createdRepository: !hadRepository, commit: result.commit,
            contracts: result.contracts.count)
    }

    static func ensureGitignore(_ ws: Workspace) throws(WorkspaceError) {
        let path = ws.absolute(".gitignore")
        var text = FileSystem.exists(path) ? try FileSystem.readText(path) : ""
        let present = Set(text.split(separator: "\n").map { $0.trimmingSpaces() })
        let missing = gitignoreLines.filter { !present.contains($0) && !present.contains("/" + $0) }
        if missing.isEmpty { return }
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        if text.isEmpty { text = "# Pactoria: local cache and secrets never leave this machine\n" }
        text += missing.joined(separator: "\n") + "\n"
        try FileSystem.writeAtomically(text, to: path)
    }
}
