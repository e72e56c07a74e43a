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
                    JSON.print(list.map(templateJSON))
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
                    var o = templateJSON(t)
                    o["body"] = t.body
                    JSON.print(o)
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

func templateJSON(_ t: Template) -> [String: Any] {
    [
        "id": t.id, "version": t.version, "licence": t.licence, "name": t.name, "category": t.category,
        "contract_type": t.contractType.rawValue, "description": t.description, "suitable_for": t.suitableFor,
        "compliance_features": t.complianceFeatures, "origin": t.origin.rawValue, "sha256": t.sha256,
        "variables": t.variables.map { v in
            ["name": v.name, "type": v.type.rawValue, "required": v.required, "default": JSON.opt(v.defaultValue)]
                as [String: Any]
        },
    ]
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
                JSON.print(
                    recs.map { r in
                        [
                            "template_id": r.templateID, "name": r.name, "category": r.category,
                            "contract_type": r.contractType.rawValue,
                            "confidence": (r.confidence * 1000).rounded() / 1000, "reasons": r.reasons,
                        ] as [String: Any]
                    })
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
            let rec = r.outcome.record
            if json {
                JSON.print([
                    "commit": r.commit.hex, "path": r.ref.markdownPath, "version": r.version,
                    "provider": rec.provider.rawValue,
                    "model": rec.model, "template_id": rec.templateID, "confidence_score": rec.confidenceScore,
                    "fell_back": r.outcome.fellBack, "fallback_reason": JSON.opt(r.outcome.fallbackReason),
                    "to_complete": r.outcome.unfilled,
                    "token_usage": JSON.opt(
                        rec.tokenUsage.map { ["prompt": $0.prompt, "completion": $0.completion, "total": $0.total] }),
                ])
                return
            }
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
            if !r.outcome.unfilled.isEmpty {
                Terminal.out("to complete by hand: \(r.outcome.unfilled.joined(separator: ", "))")
            }
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
                let result = try Drafting.analyzeText(
                    try? global.workspace(), text: String(decoding: data, as: UTF8.self), type: t,
                    provider: provider.value)
                render(result, label: text, note: nil)
                return
            }
            let ws = try global.workspace()
            let who = try ws.resolveAuthor(author)
            if let contract {
                let (ref, outcome) = try Drafting.analyze(
                    ws, spec: contract, force: force, provider: provider.value, author: who)
                switch outcome {
                case .recorded(let r, let commit):
                    render(r, label: ref.description, note: "recorded in \(commit.short)")
                case .notRecorded(let r, let reason): render(r, label: ref.description, note: "not recorded: \(reason)")
                case .unchanged:
                    if json {
                        JSON.print(["path": ref.yamlPath, "unchanged": true])
                    } else {
                        Terminal.out("\(ref): content unchanged since the last analysis (use --force)")
                    }
                }
                return
            }
            // --all: every contract with content, a progress line on a terminal.
            let refs =
                try ListContracts.run(ws, .init(size: 100)).total > 0 ? ContractIndex.load(ws).summaries.map(\.ref) : []
            let withContent = refs.filter { ws.readMarkdown($0) != nil }
            var done = 0, recorded = 0, unchanged = 0, readOnly = 0
            var rows: [[String: Any]] = []
            let tty = isatty(STDERR_FILENO) == 1 && !json
            for ref in withContent {
                let (_, outcome) = try Drafting.analyze(
                    ws, spec: ref.yamlPath, force: force, provider: provider.value, author: who)
                done += 1
                switch outcome {
                case .recorded(let r, _): recorded += 1; rows.append(row(ref, r))
                case .notRecorded(let r, _): readOnly += 1; rows.append(row(ref, r))
                case .unchanged: unchanged += 1
                }
                if tty {
                    let width = 30
                    let filled = done * width / max(1, withContent.count)
                    FileHandle.standardError.write(
                        Data(
                            "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(withContent.count)"
                                .utf8))
                }
            }
            if tty { FileHandle.standardError.write(Data("\n".utf8)) }
            if json {
                JSON.print(["analysed": rows, "recorded": recorded, "unchanged": unchanged, "read_only": readOnly]);
                return
            }
            for r in rows {
                Terminal.out(
                    "\(r["path"] as? String ?? "")  \(r["compliance_level"] as? String ?? "")  overall \(r["overall_score"] as? Double ?? 0)  risk \(r["risk_score"] as? Int ?? 0) (\(r["risk_level"] as? String ?? ""))"
                )
            }
            Terminal.out(
                "analysed \(done) contract\(done == 1 ? "" : "s"): \(recorded) recorded, \(unchanged) unchanged, \(readOnly) read-only (not recorded)"
            )
        }
    }

    func row(_ ref: ContractRef, _ r: AnalysisResult) -> [String: Any] {
        [
            "path": ref.yamlPath, "overall_score": (r.scores.overall * 100).rounded() / 100,
            "compliance_level": r.complianceLevel.rawValue, "risk_score": r.riskScore,
            "risk_level": r.riskLevel.rawValue,
        ]
    }

    func render(_ r: AnalysisResult, label: String, note: String?) {
        if json {
            JSON.print(analysisJSON(r, label: label, note: note))
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

func analysisJSON(_ r: AnalysisResult, label: String, note: String?) -> [String: Any] {
    var scores: [String: Any] = [:]
    for (name, value) in r.scores.named { scores[name] = (value * 1000).rounded() / 1000 }
    return [
        "subject": label, "analyzer": r.analyzerName, "analyzer_version": r.analyzerVersion, "model": JSON.opt(r.model),
        "content_sha256": r.contentSHA256, "scores": scores, "compliance_level": r.complianceLevel.rawValue,
        "compliant": r.isCompliant, "risk_score": r.riskScore, "risk_level": r.riskLevel.rawValue,
        "data_classification": r.dataClassification.rawValue,
        "gaps": r.gaps.map {
            ["clause": $0.clause, "status": $0.status.rawValue, "reason": $0.message, "points_lost": $0.pointsLost]
                as [String: Any]
        },
        "risk_factors": r.riskFactors.map {
            ["source": $0.source, "description": $0.description, "points": $0.points] as [String: Any]
        },
        "recommendations": r.recommendations.map { ["clause": $0.clause, "text": $0.text] },
        "note": JSON.opt(note),
    ]
}
