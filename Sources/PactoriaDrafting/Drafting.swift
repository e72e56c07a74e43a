public import Foundation
public import PactoriaAI
public import PactoriaCore
public import PactoriaGit
public import PactoriaWorkspace

/// Templates, recommendation, generation and analysis, over the workspace, for the CLI and the
/// server's AI routes.
public enum Drafting {
    // MARK: - Templates

    /// Where the built-in templates are: PACTORIA_TEMPLATES, else a `templates/` directory beside
    /// the executable or above it (a source checkout), else /usr/local/share/pactoria/templates.
    public static func builtInDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String?
    {
        if let d = environment["PACTORIA_TEMPLATES"], !d.isEmpty { return d }
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments
            .first ?? ""
        var dir = (exe as NSString).deletingLastPathComponent
        while !dir.isEmpty && dir != "/" {
            let candidate = dir + "/templates"
            if FileSystem.isDirectory(candidate), FileSystem.list(candidate).contains(where: { $0.hasSuffix(".md") }) {
                return candidate
            }
            dir = (dir as NSString).deletingLastPathComponent
        }
        for d in ["/usr/local/share/pactoria/templates", "/usr/share/pactoria/templates"]
        where FileSystem.isDirectory(d) { return d }
        return nil
    }

    public static let workspaceTemplates = ".pactoria/templates"

    /// The built-in templates overridden by the workspace's own (by id).
    public static func catalog(_ ws: Workspace) throws(WorkspaceError) -> TemplateCatalog {
        let overrides = ws.absolute(workspaceTemplates)
        guard let dir = builtInDirectory() else {
            if FileSystem.isDirectory(overrides) { return try load(overrides, nil) }
            throw .notFound("no built-in templates found; set PACTORIA_TEMPLATES to the templates directory")
        }
        return try load(dir, FileSystem.isDirectory(overrides) ? overrides : nil)
    }

    static func load(_ dir: String, _ overrides: String?) throws(WorkspaceError) -> TemplateCatalog {
        do { return try TemplateCatalog.load(directory: dir, overrideDirectory: overrides) } catch {
            throw .invalid([Problem(file: error.path ?? dir, line: error.line, message: error.message)])
        }
    }

    public static func template(_ ws: Workspace, id: String) throws(WorkspaceError) -> Template {
        let c = try catalog(ws)
        guard let t = c.template(id: id) else {
            throw .notFound("no template '\(id)'", remedy: .listTemplates)
        }
        return t
    }

    // MARK: - Recommendation

    public static func recommend(_ ws: Workspace, description: String, top: Int) throws(WorkspaceError)
        -> [Recommendation]
    {
        let text = description.trimmingSpaces()
        guard text.count >= 3 else {
            throw .invalidInput(field: "description", message: "describe the business need in a few words")
        }
        guard (1...20).contains(top) else { throw .invalidInput(field: "top", message: "must be between 1 and 20") }
        return TemplateRecommender(catalog: try catalog(ws)).recommend(text, top: top)
    }

    // MARK: - AI provider

    /// The AI provider: key from the environment only; base URL and model from the environment or
    /// the config's `ai:` section.
    ///
    /// The committed config is written by anyone who can push, so a base URL it sets on another
    /// host than the default is used only when this machine confirms that host: the environment
    /// (`PACTORIA_AI_BASE_URL`, `PACTORIA_AI_ALLOW_HOST=host`) or the local, untracked
    /// `.git/pactoria/config.yaml` (`ai.base_url`, which wins, or `ai.allow_hosts`). Otherwise
    /// the client refuses before sending the key.
    ///
    /// Personal data in prompts is replaced by placeholders (`PersonalDataRedactor`) unless this
    /// machine's local config says `ai.redact_personal_data: false`; the committed config cannot
    /// turn it off (a pull request could).
    public static func aiConfiguration(
        _ ws: Workspace, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> AIProviderConfiguration
    {
        let local = localConfig(ws)
        let localBase = local?.setting("ai.base_url")
        var confirmed = local?.list("ai.allow_hosts") ?? []
        if let localBase, let host = AIProviderConfiguration.host(of: localBase) { confirmed.append(host) }
        return AIProviderConfiguration.fromEnvironment(
            environment,
            settings: AIProviderSettings(
                baseURL: localBase ?? ws.config.setting("ai.base_url"), model: ws.config.setting("ai.model"),
                connectTimeoutSeconds: ws.config.setting("ai.connect_timeout").flatMap { Int($0) },
                requestTimeoutSeconds: ws.config.setting("ai.timeout").flatMap { Int($0) },
                confirmedHosts: confirmed,
                redactPersonalData: ws.redactsPersonalData))
    }

    /// This machine's own settings, `<git dir>/pactoria/config.yaml`: never cloned or pushed.
    static func localConfig(_ ws: Workspace) -> WorkspaceConfig? { ws.localConfig() }

    // MARK: - Generation

    public struct GenerateResult: Sendable {
        public var ref: ContractRef
        public var outcome: GenerationOutcome
        public var version: Int
        public var commit: ObjectID
    }

    /// Generation: writes the content from the template, metadata and plain-English
    /// input; records `generation`; bumps the version; commits (`contract.content_generated`).
    /// Without a template (none given nor recorded) the recommender's best template of the
    /// contract's type is used and recorded, with why (`TemplateChoice`). The workspace's company
    /// and the other party are placed in the template's roles (`GenerationPlan`) and written
    /// back to the metadata with a start date the brief states.
    /// - Parameter force: replace content with uncommitted changes (they are lost: they were never
    ///   committed). Without it, such content is refused, as `git checkout` refuses.
    public static func generate(
        _ ws: Workspace, spec: String, regenerate: Bool, provider: GenerationProvider, allowFallback: Bool,
        author: Author,
        templateID: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        force: Bool = false
    ) throws(WorkspaceError) -> GenerateResult {
        let ref = try ContractViews.resolve(ws, spec).ref
        let loaded = try ws.loadContract(ref)
        if !loaded.problems.isEmpty { throw .invalid(loaded.problems) }
        var c = loaded.contract
        guard let status = c.statusValue, Lifecycle.editable.contains(status) else {
            throw .rule(
                ref: ref,
                RuleViolation(
                    .readOnly, field: "status",
                    "cannot generate content for a \(c.status) contract; only draft and pending_review contracts are editable"
                ))
        }
        if let existing = ws.readMarkdown(ref), !isSkeleton(existing, c) {
            let committed = try isCommitted(ws, ref, existing)
            if !regenerate {
                throw .refused(
                    "\(ref) already has content",
                    remedy: .confirm(
                        field: "regenerate",
                        purpose: "replace it" + (committed ? " (the committed text stays in git's history)" : "")))
            }
            if !committed && !force { throw uncommittedRefusal(ref) }
        }
        // Without a template: the recommender's best of the contract's type for its brief.
        let template: Template
        var choice: TemplateChoice?
        if let tid = templateID ?? c.templateID {
            template = try Self.template(ws, id: tid)
        } else {
            guard let picked = TemplateChoice.pick(for: c, in: try catalog(ws)) else {
                throw .refused(
                    "\(ref) has no template_id and no template is a \(c.contractType)", remedy: .chooseTemplate)
            }
            template = picked.template
            choice = picked
        }
        if provider == .ai {
            try ConsentRecords.requireAIConsent(ws, actor: author.email, activity: "AI generation")
            let (company, _) = try ws.loadCompany(ref.company)
            let limit = ws.config.planLimits(company.tier ?? .starter).generationsPerDay
            let used = try aiGenerationsToday(ws, company: ref.company)
            if used >= limit {
                throw .planLimit(
                    "\(ref.company) has used \(used) of its \(limit) AI generations today (\(company.subscriptionTier) plan)"
                )
            }
        }
        let config = aiConfiguration(ws, environment: environment)
        let service = ContractGenerationService(configuration: config)
        // The workspace's company takes the role the contract type and brief give it (the
        // employer of an employee, the supplier or the customer); the metadata is written back
        // with both parties in the template's slots and roles, so it agrees with the text.
        let own = (try? ws.loadCompany(ref.company)).map { (company, _) in
            Party(name: company.name, company: company.name, companyNumber: company.companyNumber)
        }
        let plan = GenerationPlan.make(contract: c, template: template, company: own)
        c = plan.contract
        let outcome: GenerationOutcome
        do {
            var made = try service.generate(
                contract: c, template: template, provider: provider, allowFallback: allowFallback,
                createdAt: Timestamp.now().description, companyRole: plan.parties.companyRole)
            made.parties = plan.parties.explanation
            made.templateChoice = choice?.reason
            outcome = made
        } catch {
            throw .offline("AI generation failed: \(error.publicMessage); nothing was changed", detail: error.message)
        }
        return try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> GenerateResult in
            let repo = try ws.repository()
            let head = try Committer.head(repo)
            // Edited while the text was generated? Refuse as above (#12.4).
            if !force, let existing = ws.readMarkdown(ref), !isSkeleton(existing, loaded.contract),
                !(try isCommitted(ws, ref, existing))
            {
                throw uncommittedRefusal(ref)
            }
            let before = head.flatMap { try? repo.treeID(ofCommit: $0) }.flatMap { Snapshots.inTree(repo, $0, ref) }
            if let before, before.contentSHA256 != nil,
                before.contentSHA256 != Snapshots.contentHash(Array(outcome.markdown.utf8)),
                c.version <= before.contract.version
            {
                c.version = before.contract.version + 1
            }
            if c.templateID == nil { c.templateID = template.id }
            c.updatedAt = Timestamp.now().description
            var root = ContractCodec.encode(c, into: loaded.document.root)
            root.set("generation", generationNode(outcome))
            let event = ContractEvent(
                id: c.id, ref: ref, event: "contract.content_generated", version: c.version, actor: author.description,
                reason: outcome.fellBack ? outcome.fallbackReason : nil)
            // Content, metadata and commit, all or nothing (#12.1).
            let made = try WriteTransaction.run(
                ws, operation: "generate of \(ref)",
                writes: [
                    .init(path: ref.markdownPath, bytes: Array(outcome.markdown.utf8)),
                    .init(
                        path: ref.yamlPath, bytes: Array(CanonicalYAML.render(root, order: ContractCodec.order).utf8)),
                ],
                finish: .commit(
                    message: "Generate content of \(c.title) from \(template.id) (\(outcome.record.provider.rawValue))",
                    events: [event], author: author, allowEmpty: true))
            guard let commit = made else { throw .nothingToCommit }
            return GenerateResult(ref: ref, outcome: outcome, version: c.version, commit: commit)
        }
    }

    /// Whether `bytes` are the contract's content as HEAD has it (so replacing them loses nothing).
    static func isCommitted(_ ws: Workspace, _ ref: ContractRef, _ bytes: [UInt8]) throws(WorkspaceError) -> Bool {
        let repo = try ws.repository()
        guard let head = try Committer.head(repo), let tree = try? repo.treeID(ofCommit: head),
            let committed = (try? repo.blobID(inTree: tree, path: ref.markdownPath)) ?? nil
        else { return false }
        return (try? ObjectID.blobID(of: bytes)) == committed
    }

    static func uncommittedRefusal(_ ref: ContractRef) -> WorkspaceError {
        .refused(
            "\(ref.markdownPath) has uncommitted changes that regenerating would destroy (they are not in git's history)",
            remedy: .commitOrConfirm(field: "force"))
    }

    /// A new contract gets an outline; generation may replace it without being asked to regenerate.
    static func isSkeleton(_ bytes: [UInt8], _ c: Contract) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return text == NewContract.skeleton(c) || text.trimmingSpaces().isEmpty
    }

    /// AI generations recorded today for a company (from the audit trailers of today's commits).
    static func aiGenerationsToday(_ ws: Workspace, company: String) throws(WorkspaceError) -> Int {
        let repo = try ws.repository()
        guard let head = try Committer.head(repo) else { return 0 }
        let today = CalendarDate.today()
        var n = 0
        do {
            for c in try repo.walk(from: head) {
                let day = Timestamp(clampingSeconds: c.author.time.timeIntervalSince1970).date
                if day < today { break }
                guard c.summary.hasSuffix("(ai)") else { continue }
                for e in AuditTrailers.parse(c.trailers) where e.event == "contract.content_generated" {
                    if let ch = try? ContractTreeDiff.changes(
                        repo, from: c.parents.first.flatMap { try? repo.treeID(ofCommit: $0) }, to: c.treeID),
                        ch.contains(where: { $0.ref.company == company && $0.id?.lowercased() == e.id.lowercased() })
                    {
                        n += 1
                    }
                }
            }
        } catch { throw .repository("cannot read history", detail: "\(error)") }
        return n
    }

    static func generationNode(_ o: GenerationOutcome) -> YAMLNode {
        let r = o.record
        var n = YAMLNode.mapping([])
        n.set("provider", .scalar(r.provider.rawValue, .string))
        n.set("model", .scalar(r.model, .string))
        n.set("template_id", .scalar(r.templateID, .string))
        n.set("template_version", .scalar(r.templateVersion, .quoted))
        n.set("template_sha256", .scalar(r.templateSHA256, .string))
        n.set("processing_time_ms", .scalar(String(r.processingTimeMs), .typed))
        if let u = r.tokenUsage {
            n.set(
                "token_usage",
                .mapping([
                    YAMLEntry(key: "prompt", value: .scalar(String(u.prompt), .typed)),
                    YAMLEntry(key: "completion", value: .scalar(String(u.completion), .typed)),
                    YAMLEntry(key: "total", value: .scalar(String(u.total), .typed)),
                ]))
        }
        n.set("confidence_score", .scalar(score(r.confidenceScore), .typed))
        n.set("confidence_basis", .scalar(o.confidence.summary, .string))
        n.set("prompt_sha256", .scalar(r.promptSHA256, .string))
        if let counts = r.redactions {
            n.set(
                "redactions",
                .mapping(counts.named.map { YAMLEntry(key: $0.key, value: .scalar(String($0.count), .typed)) }))
        }
        if o.fellBack, let why = o.fallbackReason { n.set("fallback_reason", .scalar(why, .string)) }
        if let why = o.templateChoice { n.set("template_choice", .scalar(why, .string)) }
        if let parties = o.parties { n.set("parties", .scalar(parties, .string)) }
        let toComplete = o.toComplete
        if !toComplete.isEmpty { n.set("to_complete", .sequence(toComplete.map { .scalar($0, .string) })) }
        if !o.guessed.isEmpty { n.set("guessed", .sequence(o.guessed.map { .scalar($0, .string) })) }
        n.set("created_at", .scalar(r.createdAt, .typed))
        return n
    }

    static func score(_ d: Double) -> String { String(format: "%.2f", d) }

    // MARK: - Analysis

    public enum AnalyzeOutcome: Sendable {
        /// Analysed and recorded in one commit.
        case recorded(AnalysisResult, commit: ObjectID)
        /// The content is unchanged since the recorded analysis (force analyses it again).
        case unchanged(sha256: String)
        /// Analysed, not recorded: the contract is read-only.
        case notRecorded(AnalysisResult, reason: String)
    }

    public static func analyze(
        _ ws: Workspace, spec: String, force: Bool, provider: GenerationProvider, author: Author,
        environment: [String: String] = ProcessInfo.processInfo.environment, commit: Bool = true
    ) throws(WorkspaceError) -> (ContractRef, AnalyzeOutcome) {
        let ref = try ContractViews.resolve(ws, spec).ref
        if provider == .ai { try ConsentRecords.requireAIConsent(ws, actor: author.email, activity: "AI analysis") }
        let loaded = try ws.loadContract(ref)
        guard let bytes = ws.readMarkdown(ref) else {
            throw .refused("\(ref) has no content to analyse", remedy: .generateFirst)
        }
        let sha = Snapshots.contentHash(bytes)
        if !force, analysisIsCurrent(loaded.document, sha: sha) {
            return (ref, .unchanged(sha256: sha))
        }
        let markdown = String(decoding: bytes, as: UTF8.self)
        let (result, ms) = try timed { () throws(WorkspaceError) -> AnalysisResult in
            try runAnalyzer(
                ws, markdown: markdown, contract: loaded.contract, provider: provider, environment: environment)
        }
        if let why = analysisNotRecordable(loaded.contract) { return (ref, .notRecorded(result, reason: why)) }
        guard commit else { return (ref, .notRecorded(result, reason: "not recorded")) }
        let made = try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> ObjectID in
            let fresh = try ws.loadContract(ref)
            let (write, event) = recording(result, processingMs: ms, of: fresh, at: ref, author: author)
            let made = try WriteTransaction.run(
                ws, operation: "analyze of \(ref)", writes: [write],
                finish: .commit(
                    message:
                        "Analyse \(fresh.contract.title): \(result.complianceLevel.rawValue), risk \(result.riskScore)/10",
                    events: [event], author: author, allowEmpty: true))
            guard let made else { throw .nothingToCommit }
            return made
        }
        return (ref, .recorded(result, commit: made))
    }

    /// The write that records `result` in the `compliance` section of `fresh` (as just read under
    /// the write lock), and its `contract.analyzed` event.
    static func recording(
        _ result: AnalysisResult, processingMs: Int?, of fresh: LoadedContract, at ref: ContractRef, author: Author
    ) -> (WriteTransaction.Write, ContractEvent) {
        var root = fresh.document.root
        root.set("compliance", complianceNode(result, processingMs: processingMs))
        let write = WriteTransaction.Write(
            path: ref.yamlPath, bytes: Array(CanonicalYAML.render(root, order: ContractCodec.order).utf8))
        let event = ContractEvent(
            id: fresh.contract.id, ref: ref, event: "contract.analyzed", version: fresh.contract.version,
            actor: author.description)
        return (write, event)
    }

    /// Whether the recorded analysis in `document` is of the content whose hash is `sha`.
    static func analysisIsCurrent(_ document: YAMLDocument, sha: String) -> Bool {
        document.root["compliance"]?["content_sha256"]?.string == sha
    }

    /// Why a new analysis of `contract` is not recorded, or nil when it may be: active contracts
    /// keep the compliance results they were approved with (#12.11), and closed ones are read-only.
    static func analysisNotRecordable(_ contract: Contract) -> String? {
        guard let status = contract.statusValue, Lifecycle.readOnly.contains(status) || status == .active else {
            return nil
        }
        return status == .active
            ? "active contracts keep the analysis they were approved with"
            : "\(status.rawValue) contracts are read-only"
    }

    /// Analyses text that is not in the workspace, as a contract of `type`. `actor` (an email
    /// address) is who asks: with the AI provider, their consent is checked when the workspace
    /// requires it.
    public static func analyzeText(
        _ ws: Workspace?, text: String, type: ContractType, provider: GenerationProvider, actor: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(WorkspaceError) -> AnalysisResult {
        guard !text.trimmingSpaces().isEmpty else {
            throw .invalidInput(field: "text", message: "the document is empty")
        }
        if provider == .ai {
            if let ws { try ConsentRecords.requireAIConsent(ws, actor: actor, activity: "AI analysis") }
            let config =
                ws.map { aiConfiguration($0, environment: environment) }
                ?? AIProviderConfiguration.fromEnvironment(environment)
            do {
                return try AIContractAnalyzer(client: ChatCompletionsClient(configuration: config)).analyze(
                    text: text, type: type)
            } catch {
                throw .offline("AI analysis failed: \(error.publicMessage); nothing was changed", detail: error.message)
            }
        }
        return LocalContractAnalyzer().analyze(text: text, type: type)
    }

    static func runAnalyzer(
        _ ws: Workspace, markdown: String, contract: Contract, provider: GenerationProvider,
        environment: [String: String]
    ) throws(WorkspaceError) -> AnalysisResult {
        guard provider == .ai else { return LocalContractAnalyzer().analyze(markdown: markdown, contract: contract) }
        let client = ChatCompletionsClient(configuration: aiConfiguration(ws, environment: environment))
        do { return try AIContractAnalyzer(client: client).analyze(markdown: markdown, contract: contract) } catch {
            throw .offline("AI analysis failed: \(error.publicMessage); nothing was changed", detail: error.message)
        }
    }

    /// Runs `body` and says how long it took on a monotonic clock, in whole milliseconds.
    static func timed<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> (T, Int) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try body()
        return (value, milliseconds(clock.now - start))
    }

    static func milliseconds(_ d: Duration) -> Int {
        let (seconds, attoseconds) = d.components
        return max(0, Int(clamping: seconds) &* 1000 &+ Int(attoseconds / 1_000_000_000_000_000))
    }

    /// The `compliance:` section; `processingMs` is how long the analyser ran (nil: not measured).
    static func complianceNode(_ r: AnalysisResult, processingMs: Int? = nil) -> YAMLNode {
        var n = YAMLNode.mapping([])
        n.set("analyzer", .scalar(r.analyzerName, .string))
        n.set("analyzer_version", .scalar(r.analyzerVersion, .quoted))
        if let m = r.model { n.set("model", .scalar(m, .string)) }
        n.set("content_sha256", .scalar(r.contentSHA256, .string))
        n.set("analyzed_at", .scalar(Timestamp.now().description, .typed))
        if let ms = processingMs { n.set("processing_time_ms", .scalar(String(ms), .typed)) }
        n.set("overall_score", .scalar(score(r.scores.overall), .typed))
        n.set("compliance_level", .scalar(r.complianceLevel.rawValue, .string))
        n.set("compliant", .scalar(r.isCompliant ? "true" : "false", .typed))
        var scores = YAMLNode.mapping([])
        for (name, value) in r.scores.named { scores.set(name, .scalar(score(value), .typed)) }
        n.set("scores", scores)
        n.set("risk_score", .scalar(String(r.riskScore), .typed))
        n.set("risk_level", .scalar(r.riskLevel.rawValue, .string))
        n.set("data_classification", .scalar(r.dataClassification.rawValue, .string))
        n.set("data_classification_reason", .scalar(r.dataClassificationReason, .string))
        let gaps = r.gaps.map { f -> YAMLNode in
            .mapping([
                YAMLEntry(key: "clause", value: .scalar(f.clause, .string)),
                YAMLEntry(key: "status", value: .scalar(f.status.rawValue, .string)),
                YAMLEntry(key: "points_lost", value: .scalar(score(f.pointsLost), .typed)),
                YAMLEntry(key: "reason", value: .scalar(f.message, .string)),
            ])
        }
        if !gaps.isEmpty { n.set("gaps", .sequence(gaps)) }
        let factors = r.riskFactors.map { f -> YAMLNode in
            .mapping([
                YAMLEntry(key: "source", value: .scalar(f.source, .string)),
                YAMLEntry(key: "points", value: .scalar(score(f.points), .typed)),
                YAMLEntry(key: "description", value: .scalar(f.description, .string)),
            ])
        }
        if !factors.isEmpty { n.set("risk_factors", .sequence(factors)) }
        let recs = r.recommendations.map { rec -> YAMLNode in
            .mapping([
                YAMLEntry(key: "clause", value: .scalar(rec.clause, .string)),
                YAMLEntry(key: "text", value: .scalar(rec.text, .string)),
            ])
        }
        if !recs.isEmpty { n.set("recommendations", .sequence(recs)) }
        return n
    }
}
