import Foundation

extension DPIA {
    /// The report as a Markdown document. Deterministic: every list is in a fixed order and the
    /// only date is the report's `generatedOn`.
    public static func markdown(_ r: DPIAReport) -> String {
        var out: [String] = []
        func line(_ s: String = "") { out.append(s) }
        func cell(_ s: String) -> String {
            // A table cell stays one cell: no pipe or line break from the data can end it.
            s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
                .replacingOccurrences(of: "\r", with: " ")
        }
        let v = r.volumes

        line("# Data protection impact assessment")
        line()
        line("Generated on \(r.generatedOn) by Pactoria from the workspace's own data inventory.")
        line("Regenerate it rather than editing it: every figure below is recounted each time.")
        line()
        line("**Overall risk: \(r.risk.level.rawValue.uppercased())**")
        line()

        line("## 1. Processing and volumes")
        line()
        line(
            "The workspace holds contracts of UK small businesses, with the names and contact details of their counterparties"
                + " (clients, suppliers, employees and sole traders), kept in a git repository with a full audit history."
        )
        line()
        line("| Measure | Count |")
        line("|---|---:|")
        line("| Companies | \(v.companies) |")
        line("| Contracts | \(v.contracts) |")
        line("| Sealed (encrypted at rest) and read here | \(v.sealed) |")
        line("| Sealed and not readable here (no master key) | \(v.sealedUnreadable) |")
        line("| Stored in clear | \(v.clear) |")
        line("| Erased (personal data destroyed) | \(v.erased) |")
        line("| Distinct data subjects (parties, by email else name) | \(v.dataSubjects) |")
        line("| Contracts with an AI generation record | \(v.aiGenerated) |")
        line("| Data-subject requests (open / overdue) | \(v.requests) (\(v.openRequests) / \(v.overdueRequests)) |")
        line()
        if v.sealedUnreadable > 0 {
            line(
                "Sealed contracts that cannot be read here are counted from their clear fields (type, status, dates) only;"
                    + " their categories of personal data are not known to this report.")
            line()
        }

        line("## 2. Contracts by type")
        line()
        line("| Type | Contracts | Sealed | Sealed, unreadable | Clear | Erased | Categories found |")
        line("|---|---:|---:|---:|---:|---:|---|")
        let names = Dictionary(uniqueKeysWithValues: detectors.map { ($0.id, $0.name) })
        for t in r.contractTypes {
            let cats = t.categories.map { names[$0] ?? $0 }.joined(separator: ", ")
            line(
                "| \(cell(t.type)) | \(t.contracts) | \(t.sealed) | \(t.sealedUnreadable) | \(t.clear) | \(t.erased) | \(cats.isEmpty ? "none found" : cell(cats)) |"
            )
        }
        line()

        line("## 3. Categories of personal data")
        line()
        if r.categories.isEmpty {
            line("No personal data was found in the contracts that could be read.")
        } else {
            line("| Category | Contracts | In clear | By contract type | How it is detected |")
            line("|---|---:|---:|---|---|")
            for c in r.categories {
                let byType = c.byType.keys.sorted().map { "\($0): \(c.byType[$0]!)" }.joined(separator: ", ")
                line(
                    "| \(c.special ? "**\(c.name)**" : c.name) | \(c.contracts) | \(c.clearContracts) | \(cell(byType)) | \(cell(c.detection)) |"
                )
            }
        }
        line()
        line(
            "Detection reads each contract's party entries, its text and its plain-English input as they stand now;"
                + " it is a screening, not a classification: a hit means the data may be present.")
        line()

        line("## 4. Retention")
        line()
        let rt = r.retention
        line(
            "Policy (\(rt.configured ? "configured in .pactoria/config.yaml" : "the defaults")): contracts \(rt.contractYears) years after their end,"
                + " audit records \(rt.auditYears) years, user data \(rt.userDataYears) years after account closure,"
                + " AI generation records \(rt.aiRecordYears) years.")
        if !rt.contractYearsByType.isEmpty {
            let per = rt.contractYearsByType.keys.sorted().map { "\($0) \(rt.contractYearsByType[$0]!) years" }
            line()
            line("Periods by contract type: \(per.joined(separator: ", ")).")
        }
        line()
        line("| Contracts | Count |")
        line("|---|---:|")
        line("| Kept under a retention obligation | \(rt.underObligation) |")
        line("| Past their retention period, not erased | \(rt.pastRetention) |")
        line("| Never in force (draft, pending review) | \(rt.notInForce) |")
        line()

        line("## 5. International transfers")
        line()
        let t = r.transfers
        let whereText = t.country.map { "\(t.location); processed in \($0)" } ?? t.location
        line("- AI provider host: \(t.host) (\(t.source)); location: \(whereText).")
        let redaction: String
        switch t.redaction {
        case false?:
            redaction = "off on this machine (`ai.redact_personal_data: false` in its `.git/pactoria/config.yaml`)"
        default: redaction = "on (the default; only a machine's own `.git/pactoria/config.yaml` can turn it off)"
        }
        line("- Redaction of personal data before it is sent: \(redaction).")
        line("- Contracts with an AI generation record: \(v.aiGenerated).")
        line("- Git remotes are outside this assessment: sealed contracts reach them only as ciphertext.")
        line()

        line("## 6. Security measures in force")
        line()
        line("| Measure | In force | Detail |")
        line("|---|---|---|")
        for m in r.measures {
            line("| \(m.name) | \(m.inForce ? "yes" : "no") | \(cell(m.detail)) |")
        }
        line()

        line("## 7. Risk")
        line()
        line("**\(r.risk.level.rawValue.capitalized)**. Rule: \(r.risk.rule)")
        line()
        if r.risk.reasons.isEmpty {
            line("Nothing raised the rating above low.")
        } else {
            for reason in r.risk.reasons { line("- \(reason)") }
        }
        line()

        line("## 8. Recommendations")
        line()
        for (i, rec) in r.recommendations.enumerated() { line("\(i + 1). \(rec)") }
        line()
        return out.joined(separator: "\n")
    }
}
