public import PactoriaCore
public import PactoriaGit

/// The review: what a branch does to each contract, for a pull-request comment.
public enum Review {
    public struct FieldChange: Sendable, Equatable {
        public var field: String
        public var old: String?
        public var new: String?
    }

    public struct SectionChanges: Sendable, Equatable {
        public var added: [String] = []
        public var removed: [String] = []
        public var changed: [String] = []
        public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
    }

    public struct ContractReview: Sendable {
        public enum Kind: String, Sendable { case added, modified, renamed, deleted }
        public var kind: Kind
        public var ref: ContractRef
        public var previousRef: ContractRef?
        public var id: String
        public var title: String
        public var company: String
        public var statusFrom: String?
        public var statusTo: String?
        public var versionFrom: Int?
        public var versionTo: Int?
        /// The contract's value before and after, as data (the field changes show it for display).
        public var valueFrom: ContractValue?
        public var valueTo: ContractValue?
        public var fieldChanges: [FieldChange]
        public var sections: SectionChanges
        public var compliance: [FieldChange]
        public var findings: [Check.Finding]
    }

    public struct Report: Sendable {
        public var base: String
        public var baseCommit: ObjectID
        public var headCommit: ObjectID
        public var commits: Int
        public var contracts: [ContractReview]
        public var check: Check.Report

        /// Findings about links, hooks, config, users and ignore rules (shown first).
        public var sensitiveFindings: [Check.Finding] { check.findings.filter(Review.isSensitive) }
    }

    static func isSensitive(_ f: Check.Finding) -> Bool {
        [Check.Rule.notRegular, Check.Rule.hookChanged, Check.Rule.protectedChanged].contains(f.rule)
    }

    public static func run(_ ws: Workspace, base: String) throws(WorkspaceError) -> Report {
        let repo = try ws.repository()
        guard let head = try Committer.head(repo) else { throw .refused("the repository has no commits yet") }
        let mergeBase = try Check.mergeBase(repo, base: base, head: head)
        // The check's own walk of the range and diff of HEAD's commit are reused.
        let computed = try Check.compute(ws, base: base)
        let check = computed.report
        let commits = computed.commits
        let baseTree: ObjectID
        let headTree: ObjectID
        do {
            baseTree = try repo.treeID(ofCommit: mergeBase)
            headTree = try repo.treeID(ofCommit: head)
        } catch { throw .repository("cannot read the trees to compare", detail: "\(error)") }
        let changes: [ContractTreeChange]
        if let own = computed.headChanges, own.from == baseTree, computed.headTree == headTree {
            changes = own.changes
        } else {
            changes = try ContractTreeDiff.changes(repo, from: baseTree, to: headTree, parsed: computed.parsed)
        }
        // Where each file's findings are in the check's list (looked up per contract below).
        var findingsByFile: [String: [Int]] = [:]
        for (i, f) in check.findings.enumerated() { findingsByFile[f.file, default: []].append(i) }
        var companyNames: [String: String] = [:]
        var reviews: [ContractReview] = []
        for ch in changes {
            let b = ch.before?.contract
            let a = ch.after?.contract
            let kind: ContractReview.Kind =
                ch.afterRef == nil
                ? .deleted : ch.beforeRef == nil ? .added : ch.beforeRef != ch.afterRef ? .renamed : .modified
            let company = ch.ref.company
            if companyNames[company] == nil {
                let path = "companies/\(company)/company.yaml"
                let text = ((try? repo.blobID(inTree: headTree, path: path)) ?? nil).flatMap { try? repo.blob($0) }.map
                {
                    String(decoding: $0, as: UTF8.self)
                }
                let name = text.flatMap { try? YAMLDocument.parse($0, file: path) }.flatMap { $0.root["name"]?.string }
                companyNames[company] = name ?? company
            }
            let findings = ((findingsByFile[ch.ref.yamlPath] ?? []) + (findingsByFile[ch.ref.markdownPath] ?? []))
                .sorted().map { check.findings[$0] }
            reviews.append(
                ContractReview(
                    kind: kind, ref: ch.ref, previousRef: kind == .renamed ? ch.beforeRef : nil,
                    id: ch.id ?? "", title: a?.title ?? b?.title ?? ch.ref.stem,
                    company: companyNames[company] ?? company,
                    statusFrom: b?.status, statusTo: a?.status, versionFrom: b?.version, versionTo: a?.version,
                    valueFrom: b?.value, valueTo: a?.value, fieldChanges: fieldChanges(b, a),
                    sections: sections(ch.beforeContent, ch.afterContent),
                    compliance: complianceChanges(ch.before?.document.root, ch.after?.document.root), findings: findings
                ))
        }
        return Report(
            base: base, baseCommit: mergeBase, headCommit: head, commits: commits.count, contracts: reviews,
            check: check)
    }

    static func fieldChanges(_ b: Contract?, _ a: Contract?) -> [FieldChange] {
        func pairs(_ c: Contract?) -> [(String, String?)] {
            [
                ("title", c?.title), ("contract_type", c?.contractType),
                ("value", c?.value.map { $0.formatted }), ("currency", c?.value?.currency),
                ("start_date", c?.startDate), ("end_date", c?.endDate),
                ("client", c?.client.map(partyText)), ("supplier", c?.supplier.map(partyText)),
                ("template_id", c?.templateID),
            ]
        }
        guard b != nil || a != nil else { return [] }
        let before = pairs(b)
        let after = pairs(a)
        var out: [FieldChange] = []
        for (i, (field, old)) in before.enumerated() where old != after[i].1 {
            if b == nil && after[i].1 == nil { continue }
            if a == nil { continue }
            out.append(FieldChange(field: field, old: b == nil ? nil : old, new: after[i].1))
        }
        return out
    }

    static func partyText(_ p: Party) -> String {
        var s = p.name
        if let c = p.company, c != p.name { s += " (\(c))" }
        return s
    }

    static func complianceChanges(_ b: YAMLNode?, _ a: YAMLNode?) -> [FieldChange] {
        let keys = ["overall_score", "compliance_level", "risk_score", "risk_level"]
        var out: [FieldChange] = []
        for k in keys {
            let old = b?["compliance"]?[k]?.string
            let new = a?["compliance"]?[k]?.string
            if old != new { out.append(FieldChange(field: k, old: old, new: new)) }
        }
        return out
    }

    /// Sections of Markdown by heading; the text before the first heading is "(preamble)".
    static func sectionMap(_ bytes: [UInt8]?) -> [(String, String)] {
        guard let bytes else { return [] }
        var out: [(String, String)] = []
        var heading = "(preamble)"
        var body: [Substring] = []
        func flush() {
            let text = body.joined(separator: "\n").trimmingSpaces()
            if heading != "(preamble)" || !text.isEmpty { out.append((heading, text)) }
        }
        for line in lines(String(decoding: bytes, as: UTF8.self)) {
            if line.hasPrefix("#") {
                flush()
                heading = String(line.drop { $0 == "#" }).trimmingSpaces()
                body = []
            } else {
                body.append(line)
            }
        }
        flush()
        return out
    }

    /// `text.split(separator: "\n", omittingEmptySubsequences: false)`, found on the UTF-8
    /// bytes instead of character by character: a line ends at each LF that is a character of
    /// its own, that is every LF not preceded by CR (CR LF is one character, as in `split`).
    static func lines(_ text: String) -> [Substring] {
        var out: [Substring] = []
        let u = text.utf8
        var start = u.startIndex
        var i = u.startIndex
        var afterCR = false
        while i != u.endIndex {
            let b = u[i]
            if b == 0x0A, !afterCR {
                out.append(text[start..<i])
                start = u.index(after: i)
            }
            afterCR = b == 0x0D
            u.formIndex(after: &i)
        }
        out.append(text[start..<u.endIndex])
        return out
    }

    static func sections(_ old: [UInt8]?, _ new: [UInt8]?) -> SectionChanges {
        guard old != new else { return SectionChanges() }
        let a = sectionMap(old)
        let b = sectionMap(new)
        let oldByName = Dictionary(a, uniquingKeysWith: { x, _ in x })
        let newNames = Set(b.map(\.0))
        var s = SectionChanges()
        for (name, text) in b {
            if let was = oldByName[name] { if was != text { s.changed.append(name) } } else { s.added.append(name) }
        }
        for (name, _) in a where !newNames.contains(name) { s.removed.append(name) }
        return s
    }
}

/// The review as Markdown for a git host's pull-request comment.
public enum ReviewMarkdown {
    /// - Parameters:
    ///   - wording: how the findings' remedies are worded (the CLI names its commands).
    ///   - checkName: what the contract check is called (the CLI: its command, in backticks).
    public static func render(
        _ r: Review.Report, wording: Wording = .domain, checkName: String = "the contract check"
    ) -> String {
        var out = "## Contract review\n\n"
        let n = r.contracts.count
        out +=
            "\(n) contract\(n == 1 ? "" : "s") changed in \(r.commits) commit\(r.commits == 1 ? "" : "s") since `\(r.base)` (\(r.baseCommit.short)..\(r.headCommit.short)). "
        let errors = r.check.errors.count
        out +=
            r.check.passed
            ? "✅ \(checkName) passed.\n"
            : "❌ \(checkName) found \(errors) problem\(errors == 1 ? "" : "s").\n"
        // First, where no reviewer can miss it: links, hooks, config, users, ignore rules.
        let sensitive = r.sensitiveFindings
        if !sensitive.isEmpty {
            out += "\n### ⚠️ Sensitive files changed — review these first\n\n"
            for f in sensitive {
                let mark = f.severity == .error ? "❌" : "⚠️"
                out +=
                    "- \(mark) \(code(f.file)): \(escape(f.text(wording))) (`\(f.rule)`\(f.commit.map { ", commit \($0.short)" } ?? ""))\n"
            }
        }
        for c in r.contracts {
            out += "\n### \(escape(c.title))\n\n"
            var facts: [String] = []
            facts.append("**Company:** \(escape(c.company))")
            switch c.kind {
            case .added: facts.append("**Change:** new contract (`\(c.ref.yamlPath)`)")
            case .deleted: facts.append("**Change:** contract files deleted (`\(c.ref.yamlPath)`)")
            case .renamed: facts.append("**Change:** renamed from `\(c.previousRef?.description ?? "?")` to `\(c.ref)`")
            case .modified: facts.append("**File:** `\(c.ref.yamlPath)`")
            }
            if let from = c.statusFrom, let to = c.statusTo, from != to {
                facts.append("**Status:** \(word(from)) → **\(word(to))**")
            } else if let s = c.statusTo ?? c.statusFrom {
                facts.append("**Status:** \(word(s))")
            }
            if let vf = c.versionFrom, let vt = c.versionTo, vf != vt {
                facts.append("**Version:** \(vf) → \(vt)")
            } else if let v = c.versionTo ?? c.versionFrom {
                facts.append("**Version:** \(v)")
            }
            out += facts.map { "- \($0)" }.joined(separator: "\n") + "\n"
            if !c.fieldChanges.isEmpty && c.kind != .added {
                out += "\n| Field | Before | After |\n|---|---|---|\n"
                for f in c.fieldChanges {
                    out += "| \(f.field) | \(cell(f.old)) | \(cell(f.new)) |\n"
                }
            }
            if !c.compliance.isEmpty {
                out += "\n**Compliance and risk:** "
                out +=
                    c.compliance.map { "\($0.field.replacingUnderscores) \($0.old ?? "–") → \($0.new ?? "–")" }.joined(
                        separator: "; ") + "\n"
            }
            if !c.sections.isEmpty {
                out += "\n**Content:**\n"
                if !c.sections.added.isEmpty {
                    out += "- Added: \(c.sections.added.map(escape).joined(separator: ", "))\n"
                }
                if !c.sections.removed.isEmpty {
                    out += "- Removed: \(c.sections.removed.map(escape).joined(separator: ", "))\n"
                }
                if !c.sections.changed.isEmpty {
                    out += "- Changed: \(c.sections.changed.map(escape).joined(separator: ", "))\n"
                }
            }
            if !c.findings.isEmpty {
                out += "\n**Check:**\n"
                for f in c.findings {
                    out +=
                        "- ❌ \(escape(f.text(wording))) (`\(f.rule)`\(f.commit.map { ", commit \($0.short)" } ?? ""))\n"
                }
            }
        }
        let other = r.check.findings.filter { f in
            !Review.isSensitive(f)
                && !r.contracts.contains { $0.ref.yamlPath == f.file || $0.ref.markdownPath == f.file }
        }
        if !other.isEmpty {
            out += "\n### Other problems\n\n"
            for f in other {
                out +=
                    "- ❌ \(code(f.file + (f.line.map { ":\($0)" } ?? ""))): \(escape(f.text(wording))) (`\(f.rule)`)\n"
            }
        }
        return out
    }

    static func cell(_ s: String?) -> String { s.map { escape($0).replacingPipes } ?? "–" }

    /// Text from the tree (titles, names, messages: anyone who can push wrote them) as inert
    /// Markdown: one line, every character Markdown or HTML gives a meaning backslash-escaped.
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in oneLine(s) {
            if "\\`*_[]<>&~".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// A status word as written (`pending_review`), escaped only if it is something else.
    static func word(_ s: String) -> String {
        s.allSatisfy { ($0.isASCII && $0.isLowercase) || $0 == "_" } ? s : escape(s)
    }

    /// A path or name from the tree as a code span that nothing inside can close.
    static func code(_ s: String) -> String {
        let text = oneLine(s)
        var fence = "`"
        while text.contains(fence) { fence += "`" }
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + text + pad + fence
    }

    /// Line breaks of every kind (and other control characters) become spaces.
    static func oneLine(_ s: String) -> String {
        String(
            String.UnicodeScalarView(
                s.unicodeScalars.map { u in
                    u.properties.generalCategory == .control || u == "\u{2028}" || u == "\u{2029}" ? " " : u
                }))
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
    var replacingPipes: String { split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }
}
