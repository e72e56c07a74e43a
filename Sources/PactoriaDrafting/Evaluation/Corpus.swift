import Foundation
public import PactoriaAI
public import PactoriaCore
public import PactoriaWorkspace

/// One labelled contract of the evaluation corpus (`Tests/Fixtures/corpus/README.md`): its text,
/// the metadata the analyser sees, and what a careful reviewer finds in it.
public struct CorpusItem: Sendable {
    public var id: String
    public var directory: String
    public var markdown: String
    public var contract: Contract
    public var label: CorpusLabel
}

/// What a reviewer finds in a corpus item (`label.yaml`).
public struct CorpusLabel: Sendable, Equatable {
    public struct Gap: Sendable, Equatable {
        public var clause: String
        /// removed | partial | negated | placeholder | unfair
        public var why: String?
    }

    public var id: String
    public var contractType: ContractType
    public var kind: String
    public var description: String
    public var traits: [String]
    public var mustPass: [String]
    public var mustFail: [String]
    public var gaps: [Gap]
    public var riskBand: RiskLevel
    public var complianceLevel: ComplianceLevel
    public var compliant: Bool

    /// Whether the item has a removed, negated or placeholder clause: such an item must never be
    /// called compliant.
    public var isDefective: Bool {
        !Set(traits).isDisjoint(with: ["removed", "negated", "placeholder"])
            || gaps.contains { ["removed", "negated", "placeholder"].contains($0.why ?? "") }
    }

    /// The clause ids a reviewer reports as gaps.
    public var gapIDs: Set<String> { Set(gaps.map(\.clause)).union(mustFail) }
}

/// Reads the evaluation corpus: one directory per item with `contract.md`, `contract.yaml` and
/// `label.yaml`. Every problem names the file and the field.
public enum Corpus {
    public static func load(directory: String) throws(WorkspaceError) -> [CorpusItem] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw .notFound("\(directory): no corpus directory there")
        }
        let names = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        var items: [CorpusItem] = []
        for name in names where !name.hasPrefix(".") {
            let dir = directory + "/" + name
            guard fm.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else { continue }
            items.append(try loadItem(dir, id: name))
        }
        guard !items.isEmpty else { throw .notFound("\(directory): the corpus has no items") }
        return items
    }

    static func read(_ path: String) throws(WorkspaceError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .notFound("\(path): missing")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The YAML file at `path`; a syntax error names the file, line and column.
    static func parse(_ path: String) throws(WorkspaceError) -> YAMLDocument {
        let text = try read(path)
        do { return try YAMLDocument.parse(text, file: path) } catch {
            throw .invalidInput(field: path, message: error.description)
        }
    }

    static func loadItem(_ dir: String, id: String) throws(WorkspaceError) -> CorpusItem {
        let markdown = try read(dir + "/contract.md")
        let metaPath = dir + "/contract.yaml"
        let meta = try parse(metaPath)
        let (contract, issues) = ContractCodec.decode(meta.root)
        if let issue = issues.first {
            throw .invalidInput(field: "\(metaPath): \(issue.field)", message: issue.message)
        }
        let labelPath = dir + "/label.yaml"
        let label = try parseLabel(try parse(labelPath).root, file: labelPath, fallbackID: id)
        return CorpusItem(id: label.id, directory: dir, markdown: markdown, contract: contract, label: label)
    }

    static func parseLabel(_ root: YAMLNode, file: String, fallbackID: String) throws(WorkspaceError) -> CorpusLabel {
        func fail(_ field: String, _ message: String) -> WorkspaceError {
            .invalidInput(field: "\(file): \(field)", message: message)
        }
        func strings(_ node: YAMLNode?) -> [String] {
            guard case .sequence(let items)? = node else { return [] }
            return items.compactMap(\.string)
        }
        guard let typeName = root["contract_type"]?.string else { throw fail("contract_type", "missing") }
        guard let type = ContractType(rawValue: typeName) else {
            throw fail("contract_type", "\(typeName) is not one of \(ContractType.allNames)")
        }
        guard let bandName = root["risk_band"]?.string else { throw fail("risk_band", "missing") }
        guard let band = RiskLevel.allCases.first(where: { $0.rawValue.lowercased() == bandName.lowercased() }) else {
            throw fail("risk_band", "\(bandName) is not low, medium, high or critical")
        }
        guard let levelName = root["compliance_level"]?.string else { throw fail("compliance_level", "missing") }
        guard
            let level = ComplianceLevel.allCases.first(where: { $0.rawValue.lowercased() == levelName.lowercased() })
        else { throw fail("compliance_level", "\(levelName) is not Excellent, Good, Fair or Poor") }
        guard let compliantText = root["compliant"]?.string, let compliant = Bool(compliantText.lowercased()) else {
            throw fail("compliant", "must be true or false")
        }
        var gaps: [CorpusLabel.Gap] = []
        if case .sequence(let nodes)? = root["gaps"] {
            for (i, node) in nodes.enumerated() {
                if let clause = node.string {
                    gaps.append(.init(clause: clause, why: nil))
                } else if let clause = node["clause"]?.string {
                    gaps.append(.init(clause: clause, why: node["why"]?.string))
                } else {
                    throw fail("gaps[\(i)].clause", "missing")
                }
            }
        }
        return CorpusLabel(
            id: root["id"]?.string ?? fallbackID, contractType: type, kind: root["kind"]?.string ?? "",
            description: root["description"]?.string ?? "", traits: strings(root["traits"]),
            mustPass: strings(root["checks"]?["pass"]), mustFail: strings(root["checks"]?["fail"]), gaps: gaps,
            riskBand: band, complianceLevel: level, compliant: compliant)
    }
}
