import ArgumentParser
import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaGit
import PactoriaWorkspace

/// `--provider local|ai`.
enum ProviderOption: String, ExpressibleByArgument, CaseIterable {
    case local, ai
    var value: GenerationProvider { self == .ai ? .ai : .local }
}

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "The UK contract templates (built in, plus .pactoria/templates/).",
        subcommands: [ListTemplates.self, ShowTemplate.self])

    struct ListTemplates: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List templates.",
            discussion: "Examples:\n  pactoria templates list\n  pactoria templates list --category employment --json")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this category (e.g. employment, NDAs).") var category: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let catalog = try Drafting.catalog(try global.workspace())
                let list = category.map { catalog.templates(inCategory: $0) } ?? catalog.templates
                if let category, list.isEmpty {
                    throw .notFound(
                        "no templates in category '\(category)' (categories: \(catalog.categories.joined(separator: ", ")))"
                    )
                }
                if json {
                    JSON.print(list.map { TemplateJSON($0) })
                    return
                }
                var t = Table()
                t.maxWidths = [nil, nil, nil, 60]
                for tpl in list { t.add([tpl.id, tpl.category, tpl.contractType.rawValue, tpl.name]) }
                for line in t.render() { Terminal.out(line) }
            }
        }
    }

    struct ShowTemplate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show a template: its details, variables and text.",
            discussion: "Example:\n  pactoria templates show template-service-001")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Template id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let t = try Drafting.template(try global.workspace(), id: id)
                if json {
                    JSON.print(TemplateJSON(t, body: true))
                    return
                }
                Terminal.out("\(t.name) (\(t.id) v\(t.version), \(t.licence))")
                Terminal.out("category: \(t.category); type: \(t.contractType.rawValue); source: \(t.origin.rawValue)")
                Terminal.out(t.description)
                Terminal.out("suitable for: \(t.suitableFor.joined(separator: ", "))")
                Terminal.out("compliance: \(t.complianceFeatures.joined(separator: ", "))")
                Terminal.out("variables:")
                for v in t.variables {
                    Terminal.out(
                        "  \(v.name) (\(v.type.rawValue)\(v.required ? ", required" : "")\(v.defaultValue.map { ", default \($0)" } ?? ""))"
                    )
                }
                Terminal.out("")
                Terminal.out(t.body)
            }
        }
    }
}

struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Recommend templates for a business need described in plain English.",
        discussion: """
            Ranks templates by text relevance (BM25 over name, description and suitable-for keywords,
            with synonyms for common business words) and explains each match.

            Example:
              pactoria recommend "I run a web development consultancy and need contracts for client projects"
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "What you need.") var description: String
    @Option(help: "How many to show.") var top = 3
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let recs = try Drafting.recommend(try global.workspace(), description: description, top: top)
            if json {
                JSON.print(recs.map(RecommendationJSON.init))
                return
            }
            if recs.isEmpty {
                Terminal.out("no template matches; try other words, or `pactoria templates list`")
                return
            }
            let t = global.terminal
            for (i, r) in recs.enumerated() {
                Terminal.out(
                    "\(i + 1). \(t.paint(r.templateID, .yellow))  \(r.name)  (confidence \(String(format: "%.2f", r.confidence)))"
                )
                for reason in r.reasons.prefix(4) { Terminal.out("     \(reason)") }
            }
        }
    }
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a contract's content from its template, metadata and plain-English input.",
        discussion: """
            The local provider fills the template and weaves the requirements into the term, fees and
            scope clauses; anything it cannot fill is marked [TO COMPLETE: …]. The AI provider (an
            OpenAI-compatible chat-completions API; PACTORIA_AI_API_KEY or GROQ_API_KEY, and
            PACTORIA_AI_BASE_URL / PACTORIA_AI_MODEL) drafts from the same inputs; if it fails the
            local provider is used instead, unless --no-fallback. Records a `generation` section,
            bumps the version and commits.

            Without a template (no --template and no template_id), the recommender's best template
            of the contract's type for its brief is used, said why, and recorded as template_id.
            The workspace's company takes its role by contract type and brief (the employer of an
            employee; supplier or customer as the brief says), and both parties are written back
            to the metadata in the template's roles. The local analyser then checks the text;
            confidence is the share of facts stated in the brief or metadata, capped by the
            analysis score, and every unfilled or guessed value is listed to complete.

            The key is sent only over https (plain http only to 127.0.0.1, localhost or [::1]). An
            ai.base_url in the committed .pactoria/config.yaml on another host than the default is
            used only once this machine confirms it: PACTORIA_AI_ALLOW_HOST=host, or ai.base_url /
            ai.allow_hosts in the untracked .git/pactoria/config.yaml. Errors and the committed
            fallback_reason never name the endpoint; --verbose prints the provider's full error.

            Examples:
              pactoria generate website-care-plan-agreement
              pactoria generate 3f2b --provider ai --regenerate

            --regenerate refuses when the Markdown has changes not yet committed (they would be lost,
            as they are not in git's history): commit them first, or add --force to discard them.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract.") var contract: String
    @Flag(help: "Replace content that already exists (committed content stays in git's history).") var regenerate =
        false
    @Flag(help: "With --regenerate: replace content even if it has uncommitted changes (they are lost).") var force =
        false
    @Option(help: "local or ai (default: ai when a key is configured, else local).") var provider: ProviderOption?
    @Flag(name: .customLong("no-fallback"), help: "Fail instead of falling back to the local provider.")
    var noFallback = false
    @Option(name: .customLong("template"), help: "Use this template (recorded as template_id).") var templateID: String?
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            let who = try ws.resolveAuthor(author)
            let chosen = provider?.value ?? (Drafting.aiConfiguration(ws).isConfigured ? .ai : .local)
            let r = try Drafting.generate(
                ws, spec: contract, regenerate: regenerate, provider: chosen, allowFallback: !noFallback, author: who,
                templateID: templateID, force: force)
            if json {
                JSON.print(GenerationJSON(r))
                return
            }
            let rec = r.outcome.record
            if let why = r.outcome.templateChoice { Terminal.out("template: \(why)") }
            if r.outcome.fellBack {
                Terminal.err(
                    "warning: \(r.outcome.fallbackReason ?? "the AI provider failed"); used the local provider instead")
            }
            if r.outcome.fellBack, global.verbose, let detail = r.outcome.fallbackDetail {
                Terminal.err("detail: \(detail)")
            }
            Terminal.out(
                "generated \(r.ref.markdownPath) from \(rec.templateID) with \(rec.provider.rawValue) (\(rec.model)), v\(r.version), confidence \(String(format: "%.2f", rec.confidenceScore))"
            )
            if let u = rec.tokenUsage {
                Terminal.out("tokens: \(u.prompt) prompt + \(u.completion) completion = \(u.total)")
            }
            if let counts = rec.redactions, counts.total > 0 {
                let named = counts.named.filter { $0.count > 0 }.map {
                    "\($0.count) \($0.key.replacingOccurrences(of: "_", with: " "))"
                }
                Terminal.out(
                    "kept from the AI provider: \(named.joined(separator: ", ")) (replaced by placeholders, restored)")
            }
            if let parties = r.outcome.parties { Terminal.out("parties: \(parties)") }
            Terminal.out("confidence: \(r.outcome.confidence.summary)")
            let toComplete = r.outcome.toComplete
            if !toComplete.isEmpty {
                Terminal.out("to complete by hand: \(toComplete.joined(separator: ", "))")
            }
            for guess in r.outcome.guessed { Terminal.out("  guessed \(guess)") }
        }
    }
}

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "UK compliance scores and risk for a contract (or all, or a document outside the workspace).",
        discussion: """
            Scores 0–1 (overall, gdpr, employment_law, consumer_rights, commercial_terms, those that
            apply), a compliance level (Excellent ≥ 0.95, Good ≥ 0.85, Fair ≥ 0.70, else Poor), risk
            1–10 with factors and recommendations, each naming the clause or gap. Results go into the
            `compliance` section and are committed; unchanged content is not re-analysed without --force.

            Examples:
              pactoria analyze website-redesign-services-agreement
              pactoria analyze --all
              pactoria analyze --text supplier-terms.md --type supplier_agreement --json
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The contract.") var contract: String?
    @Flag(help: "Analyse every contract with content.") var all = false
    @Option(help: "Analyse a document outside the workspace.") var text: String?
    @Option(help: "Its contract type (with --text).") var type: String?
    @Flag(help: "Analyse even if the content has not changed.") var force = false
    @Option(help: "local or ai.") var provider: ProviderOption = .local
    @Option(help: "Author, as 'Name <email>'.") var author: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        let modes = [contract != nil, all, text != nil].filter { $0 }.count
        if modes != 1 { throw ValidationError("give a contract, --all, or --text FILE --type TYPE") }
        if text != nil, type == nil { throw ValidationError("--text needs --type") }
    }

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            if let text {
                guard let t = ContractType(rawValue: type ?? "") else {
                    throw .invalidInput(
                        field: "--type",
                        message: "unknown contract type '\(type ?? "")' (expected one of: \(ContractType.allNames))")
                }
                guard let data = FileManager.default.contents(atPath: text) else {
                    throw .io(path: text, message: "cannot read the file")
                }
                let ws = try? global.workspace()
                let result = try Drafting.analyzeText(
                    ws, text: String(decoding: data, as: UTF8.self), type: t, provider: provider.value,
                    actor: (try? ws?.resolveAuthor(author))??.email)
                render(result, label: text, note: nil)
                return
            }
            let ws = try global.workspace()
            let who = try ws.resolveAuthor(author)
            if let contract {
                let (ref, outcome) = try Drafting.analyze(
                    ws, spec: contract, force: force, provider: provider.value, author: who)
                if json {
                    // One shape whatever happened (docs/JSON.md: AnalyzeOutcome).
                    let id = (try? ws.loadContract(ref).contract.id) ?? ""
                    switch outcome {
                    case .recorded(let r, let commit):
                        JSON.print(
                            AnalyzeOutcomeJSON(
                                contractID: id, path: ref.yamlPath, analysis: r, commit: commit.hex, unchanged: false,
                                note: nil, contentSHA256: r.contentSHA256))
                    case .notRecorded(let r, let reason):
                        JSON.print(
                            AnalyzeOutcomeJSON(
                                contractID: id, path: ref.yamlPath, analysis: r, commit: nil, unchanged: false,
                                note: "not recorded: \(reason)", contentSHA256: r.contentSHA256))
                    case .unchanged(let sha):
                        JSON.print(
                            AnalyzeOutcomeJSON(
                                contractID: id, path: ref.yamlPath, analysis: nil, commit: nil, unchanged: true,
                                note: "content unchanged since the last analysis (use --force)", contentSHA256: sha))
                    }
                    return
                }
                switch outcome {
                case .recorded(let r, let commit):
                    render(r, label: ref.description, note: "recorded in \(commit.short)")
                case .notRecorded(let r, let reason): render(r, label: ref.description, note: "not recorded: \(reason)")
                case .unchanged:
                    Terminal.out("\(ref): content unchanged since the last analysis (use --force)")
                }
                return
            }
            // --all: every contract with content in one commit, a progress line on a terminal.
            let tty = isatty(STDERR_FILENO) == 1 && !json
            let started = Date()
            var shown = Date.distantPast
            let outcome = try Drafting.analyzeAll(
                ws, force: force, provider: provider.value, author: who,
                progress: { done, total in
                    guard tty, total > 0 else { return }
                    let now = Date()
                    guard done == total || now.timeIntervalSince(shown) >= 0.1 else { return }
                    shown = now
                    FileHandle.standardError.write(
                        Data(("\r\u{1B}[K" + Self.progressLine(done, total, now.timeIntervalSince(started))).utf8))
                })
            if tty { FileHandle.standardError.write(Data("\n".utf8)) }
            let rows = outcome.rows.map { AnalyzeAllJSON.Row($0.ref, $0.result) }
            let recorded = outcome.recorded, unchanged = outcome.unchanged, readOnly = outcome.notRecorded
            let done = outcome.rows.count + unchanged
            if json {
                JSON.print(
                    AnalyzeAllJSON(
                        analysed: rows, recorded: recorded, unchanged: unchanged, readOnly: readOnly,
                        commit: outcome.commit?.hex))
                return
            }
            for r in rows {
                Terminal.out(
                    "\(r.path)  \(r.complianceLevel)  overall \(r.overallScore)  risk \(r.riskScore) (\(r.riskLevel))"
                )
            }
            Terminal.out(
                "analysed \(done) contract\(done == 1 ? "" : "s"): \(recorded) recorded, \(unchanged) unchanged, \(readOnly) read-only (not recorded)"
                    + (outcome.commit.map { " in \($0.short)" } ?? "")
            )
        }
    }

    /// `[#####.....] 640/2000  212/s  ETA 6s`: contracts done, the rate so far and the time left.
    static func progressLine(_ done: Int, _ total: Int, _ elapsed: Double) -> String {
        let width = 30
        let filled = done * width / max(1, total)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let eta = done >= total ? "done in \(Self.seconds(elapsed))" : "ETA \(Self.seconds(left))"
        return
            "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total)  \(Int(rate.rounded()))/s  \(eta)"
    }

    static func seconds(_ s: Double) -> String {
        s < 60 ? "\(Int(s.rounded(.up)))s" : "\(Int(s) / 60)m\(String(format: "%02d", Int(s) % 60))s"
    }

    func render(_ r: AnalysisResult, label: String, note: String?) {
        if json {
            JSON.print(AnalysisJSON(r))
            return
        }
        let t = global.terminal
        Terminal.out(
            "\(label): \(t.paint(r.complianceLevel.rawValue, r.isCompliant ? .green : .red)) (overall \(String(format: "%.2f", r.scores.overall)), \(r.isCompliant ? "compliant" : "not compliant")); risk \(r.riskScore)/10 \(r.riskLevel.rawValue)"
        )
        Terminal.out(
            "  scores: "
                + r.scores.named.map { "\($0.name) \(String(format: "%.2f", $0.score))" }.joined(separator: ", "))
        Terminal.out("  data classification: \(r.dataClassification.rawValue) (\(r.dataClassificationReason))")
        for g in r.gaps {
            Terminal.out("  \(t.paint("✗", .red)) \(g.clause): \(g.message) (−\(String(format: "%.2f", g.pointsLost)))")
        }
        for f in r.riskFactors {
            Terminal.out("  risk +\(String(format: "%.1f", f.points)) \(f.source): \(f.description)")
        }
        for rec in r.recommendations { Terminal.out("  → \(rec.clause): \(rec.text)") }
        if let note { Terminal.out("  (\(note))") }
    }
}
