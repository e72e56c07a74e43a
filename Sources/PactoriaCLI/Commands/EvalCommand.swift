import ArgumentParser
import Foundation
import PactoriaAI
import PactoriaCore
import PactoriaDrafting
import PactoriaWorkspace

/// `pactoria eval`: the analyser's precision, recall, risk-band accuracy and false "compliant"
/// rate on the labelled corpus, per contract type and overall.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the analyser against a labelled corpus of contracts.",
        discussion: """
            Analyses every item of the corpus (one directory per contract: contract.md, contract.yaml
            and label.yaml; see Tests/Fixtures/corpus/README.md) with the local analyser and compares
            its gaps, risk band and compliant flag with the labels. Prints, per contract type and
            overall: gap precision and recall, risk-band accuracy, compliance-level accuracy and the
            share of non-compliant contracts called compliant. --verbose lists every item that did
            not come out as labelled. Needs no workspace.

            Example:
              pactoria eval Tests/Fixtures/corpus
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The corpus directory.", valueName: "DIR"))
    var corpus = "Tests/Fixtures/corpus"
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let base = global.directory.map { $0 + "/" } ?? ""
            let dir = corpus.hasPrefix("/") ? corpus : base + corpus
            let report = CorpusEvaluation.run(try Corpus.load(directory: dir))
            if json {
                JSON.print(report)
                return
            }
            render(report)
        }
    }

    func render(_ report: EvaluationReport) {
        func pct(_ x: Double) -> String { String(format: "%.2f", x) }
        func row(_ name: String, _ m: EvaluationMetrics) -> String {
            name.padding(toLength: 20, withPad: " ", startingAt: 0) + String(format: "%5d", m.items)
                + "  " + pct(m.precision).leftPad(9) + "  " + pct(m.recall).leftPad(6) + "  "
                + pct(m.riskBandAccuracy).leftPad(9) + "  " + pct(m.levelAccuracy).leftPad(5) + "  "
                + "\(m.falseCompliant)/\(m.labelledNonCompliant)".leftPad(15)
        }
        Terminal.out(
            "\(report.overall.items) contracts, analyser \(report.analyzer) \(report.analyzerVersion)")
        Terminal.out()
        Terminal.out(
            "type".padding(toLength: 20, withPad: " ", startingAt: 0)
                + "items  precision  recall  risk band  level  false compliant")
        for t in report.byType { Terminal.out(row(t.contractType.rawValue, t.metrics)) }
        Terminal.out(row("overall", report.overall))
        Terminal.out()
        let o = report.overall
        Terminal.out(
            "gaps: \(o.truePositives) found, \(o.falsePositives) reported wrongly, \(o.falseNegatives) missed")
        Terminal.out(
            "contracts with a removed, negated or placeholder clause called compliant: \(o.defectiveCalledCompliant) of \(o.defective)"
        )
        guard global.verbose else { return }
        let off = report.items.filter { !$0.isExact }
        if !off.isEmpty { Terminal.out() }
        for i in off {
            var parts: [String] = []
            if !i.missed.isEmpty { parts.append("missed \(i.missed.joined(separator: ", "))") }
            if !i.extra.isEmpty { parts.append("extra \(i.extra.joined(separator: ", "))") }
            if i.riskBand != i.expectedRiskBand {
                parts.append(
                    "risk \(i.riskBand.rawValue.lowercased()) (\(i.riskScore)), labelled \(i.expectedRiskBand.rawValue.lowercased())"
                )
            }
            if i.compliant != i.expectedCompliant {
                parts.append(i.compliant ? "called compliant" : "called not compliant")
            }
            Terminal.out("\(i.id): " + parts.joined(separator: "; "))
        }
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
