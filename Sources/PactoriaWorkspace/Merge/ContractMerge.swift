public import PactoriaCore

/// A field that both sides changed to different values.
public struct FieldConflict: Sendable, Equatable, CustomStringConvertible {
    /// Dotted path, e.g. `contract_value.amount`.
    public var field: String
    public var ancestor: String?
    public var ours: String?
    public var theirs: String?

    public init(field: String, ancestor: String?, ours: String?, theirs: String?) {
        self.field = field
        self.ancestor = ancestor
        self.ours = ours
        self.theirs = theirs
    }

    public var description: String {
        "\(field): ours \(ours.map { "'\($0)'" } ?? "(removed)"), theirs \(theirs.map { "'\($0)'" } ?? "(removed)")"
    }
}

/// The result of merging one contract's metadata.
public struct ContractMergeResult: Sendable {
    /// The merged tree, with our value in every conflicting field.
    public var merged: YAMLNode
    public var conflicts: [FieldConflict]
    /// Lifecycle rules the merged contract breaks (each is a conflict too).
    public var violations: [RuleViolation]

    public var isClean: Bool { conflicts.isEmpty && violations.isEmpty }

    /// The merged metadata as canonical YAML.
    public var text: String { CanonicalYAML.render(merged, order: ContractCodec.order) }
}

/// Three-way merge of contract metadata, field by field against the common ancestor: changes to
/// different fields both apply; the same change on both sides is fine; the same field changed
/// to different values is a conflict naming the field and both values. The lifecycle rules are
/// checked on the result against each side, so a merge that would break them is a conflict.
public enum ContractMerge {
    /// Merges three YAML texts (ancestor may be nil: both sides added the file).
    public static func merge(
        ancestor: String?, ours: String, theirs: String, path: String, policy: LifecyclePolicy,
        ancestorContent: [UInt8]? = nil, oursContent: [UInt8]? = nil, theirsContent: [UInt8]? = nil,
        mergedContent: [UInt8]? = nil
    ) throws(WorkspaceError) -> ContractMergeResult {
        func parse(_ text: String, _ label: String) throws(WorkspaceError) -> YAMLNode {
            do { return try YAMLDocument.parse(text, file: "\(path) (\(label))").root } catch { throw .yaml(error) }
        }
        let o = try parse(ours, "ours")
        let t = try parse(theirs, "theirs")
        let a =
            try ancestor.map { (s: String) throws(WorkspaceError) -> YAMLNode in try parse(s, "base") } ?? .mapping([])
        var conflicts: [FieldConflict] = []
        var merged = merge3(a, o, t, path: "", conflicts: &conflicts)

        // Version: the higher of the two (never down); the timestamps likewise.
        let (oc, _) = ContractCodec.decode(o)
        let (tc, _) = ContractCodec.decode(t)
        var (mc, _) = ContractCodec.decode(merged)
        conflicts.removeAll { $0.field == "version" || $0.field == "updated_at" }
        // #12.18: two different Markdown edits merged make a new edition.
        mc.version = MergeVersion.merged(
            ours: oc.version, theirs: tc.version, oursContent: oursContent, theirsContent: theirsContent,
            mergedContent: mergedContent)
        mc.updatedAt = [oc.updatedAt, tc.updatedAt].compactMap { $0 }.max()
        merged = ContractCodec.encode(mc, into: merged)

        // The rules, against each side.
        var violations: [RuleViolation] = []
        // One rule set on every path (#12): the company and the fields outside the model are
        // compared here as at `commit` and `check` (a merge cannot move a contract or rewrite a
        // read-only contract's approval records).
        let company = ContractRef(path: path)?.company
        let mergedSnap = ContractSnapshot(
            contract: mc, contentSHA256: mergedContent.map(Snapshots.contentHash), company: company,
            otherFields: Snapshots.otherFields(merged))
        // Both sides have content and the merge has none: the content is in conflict, not deleted
        // (the rules see it again at the commit, once resolved).
        let contentUnknown = mergedContent == nil && oursContent != nil && theirsContent != nil
        for (side, node, content) in [(oc, o, oursContent), (tc, t, theirsContent)] {
            let before = ContractSnapshot(
                contract: side, contentSHA256: content.map(Snapshots.contentHash), company: company,
                otherFields: Snapshots.otherFields(node))
            var after = mergedSnap
            if contentUnknown { after.contentSHA256 = before.contentSHA256 }
            for v in Lifecycle.check(before: before, after: after, policy: policy, versionBumpIsAutomatic: true)
            where !violations.contains(v) {
                violations.append(v)
            }
        }
        return ContractMergeResult(merged: merged, conflicts: conflicts, violations: violations)
    }

    /// The three-way merge of two trees against their ancestor.
    static func merge3(_ a: YAMLNode?, _ o: YAMLNode?, _ t: YAMLNode?, path: String, conflicts: inout [FieldConflict])
        -> YAMLNode
    {
        if same(o, t) { return o ?? .scalar("", .null) }
        if same(o, a) { return t ?? .scalar("", .null) }
        if same(t, a) { return o ?? .scalar("", .null) }
        // Both changed differently: recurse into mappings, else it is a conflict.
        if let oe = o?.entries, let te = t?.entries {
            var keys = oe.map(\.key)
            for k in te.map(\.key) where !keys.contains(k) { keys.append(k) }
            var out: [YAMLEntry] = []
            for k in keys {
                let child = path.isEmpty ? k : "\(path).\(k)"
                let ak = a?[k]
                let ok = o?[k]
                let tk = t?[k]
                // One side's change (an addition, an edit or a removal) against an unchanged other.
                let pick: YAMLNode??
                if same(ok, tk) {
                    pick = .some(ok)
                } else if same(ok, ak) {
                    pick = .some(tk)
                } else if same(tk, ak) {
                    pick = .some(ok)
                } else {
                    pick = nil
                }
                if let pick {
                    if let v = pick { out.append(YAMLEntry(key: k, value: v)) }
                    continue
                }
                if ok == nil || tk == nil {
                    conflicts.append(FieldConflict(field: child, ancestor: text(ak), ours: text(ok), theirs: text(tk)))
                    if let ok { out.append(YAMLEntry(key: k, value: ok)) }
                    continue
                }
                out.append(YAMLEntry(key: k, value: merge3(ak, ok, tk, path: child, conflicts: &conflicts)))
            }
            return .mapping(out)
        }
        conflicts.append(
            FieldConflict(field: path.isEmpty ? "(file)" : path, ancestor: text(a), ours: text(o), theirs: text(t)))
        return o ?? .scalar("", .null)
    }

    /// Equal as data: scalars compare by text (not by quoting style), nulls equal absence.
    static func same(_ x: YAMLNode?, _ y: YAMLNode?) -> Bool {
        switch (x, y) {
        case (nil, nil): return true
        case (nil, .some(let v)), (.some(let v), nil):
            if case .scalar(_, .null) = v { return true }
            return false
        case (.some(.scalar(let a, let sa)), .some(.scalar(let b, let sb))):
            return (sa == .null) == (sb == .null) && (sa == .null || a == b)
        case (.some(.mapping(let a)), .some(.mapping(let b))):
            let keys = Set(a.map(\.key)).union(b.map(\.key))
            return keys.allSatisfy { k in same(a.first { $0.key == k }?.value, b.first { $0.key == k }?.value) }
        case (.some(.sequence(let a)), .some(.sequence(let b))):
            return a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        default:
            return false
        }
    }

    /// A short human rendering of a value for conflict messages.
    static func text(_ n: YAMLNode?) -> String? {
        guard let n else { return nil }
        switch n {
        case .scalar(let s, let style): return style == .null ? nil : s
        case .mapping, .sequence:
            return CanonicalYAML.render(n).split(separator: "\n").map { $0.trimmingSpaces() }.joined(separator: "; ")
        }
    }
}
