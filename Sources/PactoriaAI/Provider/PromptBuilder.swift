public import PactoriaCore
import PactoriaCrypto

/// The prompts sent to the AI provider. Each carries the contract type, the template, the
/// requirements and the UK compliance requirements that apply.
public enum PromptBuilder {
    /// UK legal requirements every generated contract should meet, by contract type.
    public static func complianceRequirements(for type: ContractType) -> [String] {
        var list = [
            "Governing law of England and Wales, with the courts of England and Wales having jurisdiction.",
            "A data protection clause requiring compliance with the UK GDPR and the Data Protection Act 2018 "
                + "(Article 28 processor terms where one party processes personal data for the other).",
            "A dispute resolution clause (negotiation, then mediation, before court proceedings).",
        ]
        switch type {
        case .employmentContract:
            list += [
                "The written statement particulars of section 1 of the Employment Rights Act 1996: names, start "
                    + "date, continuous employment, job title, place of work, pay and pay intervals, hours, holiday, "
                    + "sickness and sick pay, pension, notice periods, probation, training, disciplinary and "
                    + "grievance procedures.",
                "Notice not less than the statutory minimum in section 86 of the Employment Rights Act 1996; the "
                    + "Working Time Regulations 1998 and the National Minimum Wage respected.",
            ]
        case .termsAndConditions:
            list += [
                "For consumers: the 14-day cancellation right under the Consumer Contracts (Information, "
                    + "Cancellation and Additional Charges) Regulations 2013 and the statutory rights and remedies "
                    + "of the Consumer Rights Act 2015 (right to reject, repair or replacement, price reduction, refund).",
                "For business customers: payment terms and late payment interest under the Late Payment of "
                    + "Commercial Debts (Interest) Act 1998; a reasonable limitation of liability (Unfair Contract "
                    + "Terms Act 1977).",
            ]
        case .nda:
            list += [
                "Confidentiality obligations with exceptions for public information and disclosure required by law, "
                    + "return or destruction of information, and how long the duty lasts."
            ]
        case .lease:
            list += [
                "Rent and payment dates, repair and insurance obligations, forfeiture and break rights, and the "
                    + "Landlord and Tenant Act 1954 security of tenure position."
            ]
        case .partnership:
            list += ["Capital, profit sharing, decision making, leaving and dissolution (Partnership Act 1890)."]
        case .serviceAgreement, .supplierAgreement, .consultancy, .other:
            list += [
                "Payment terms with late payment interest under the Late Payment of Commercial Debts (Interest) Act 1998.",
                "A limitation of liability with a cap on total liability, not excluding liability for death or "
                    + "personal injury caused by negligence or for fraud (Unfair Contract Terms Act 1977).",
                "Termination with notice periods, intellectual property ownership, confidentiality and force majeure.",
            ]
        }
        if type == .consultancy {
            list.append("For individual contractors, IR35 (off-payroll working rules) status wording.")
        }
        return list
    }

    /// Messages asking for the contract Markdown.
    public static func generationMessages(contract: Contract, template: Template, values: [String: String])
        -> [ChatMessage]
    {
        let type = contract.type ?? template.contractType
        let system = """
            You are a careful UK commercial lawyer drafting contracts for small businesses in England and Wales. \
            Write in plain English, in Markdown, with numbered clauses. Keep the structure and every protective \
            clause of the template. Replace each {{placeholder}} with the value given; where no value is given, \
            write [TO COMPLETE: short description] instead. Never invent names, amounts or dates. Reply with the \
            contract Markdown only, no commentary.
            """
        let known = values.keys.sorted().map { "- \($0): \(values[$0]!)" }.joined(separator: "\n")
        let requirements = contract.plainEnglishInput?.trimmingSpaces() ?? ""
        let user = """
            Contract type: \(type.displayName) (\(type.rawValue))
            Title: \(contract.title)
            Template: \(template.name) (\(template.id) version \(template.version))

            UK compliance requirements:
            \(complianceRequirements(for: type).map { "- \($0)" }.joined(separator: "\n"))

            Requirements from the client (weave them into the scope, term and fees clauses):
            \(requirements.isEmpty ? "(none given)" : requirements)

            Known values:
            \(known.isEmpty ? "(none)" : known)

            Template:
            \(template.body)
            """
        return [.system(system), .user(user)]
    }

    /// Messages asking for a JSON compliance and risk analysis.
    public static func analysisMessages(markdown: String, type: ContractType, applicableScores: [String])
        -> [ChatMessage]
    {
        let system = """
            You are a UK contract compliance reviewer. Assess the contract against the law of England and Wales \
            and reply with one JSON object only, with exactly these fields: \
            "overall_score" (number 0 to 1), \
            \(applicableScores.map { "\"\($0)_score\" (number 0 to 1)" }.joined(separator: ", ")), \
            "risk_score" (integer 1 to 10), \
            "risk_factors" (array of {"source": clause or gap, "description": one line}), \
            "recommendations" (array of {"clause": clause or gap, "text": one line}), \
            "findings" (array of {"clause": a clause id such as governing_law, limitation_of_liability, \
            data_protection or employment_pay, "status": "present" | "partial" | "missing" | "negated" | "unfair", \
            "message": one line, "quote": the exact words of the contract that support it, empty only when missing}).
            """
        let user = """
            Contract type: \(type.displayName) (\(type.rawValue))

            UK compliance requirements:
            \(complianceRequirements(for: type).map { "- \($0)" }.joined(separator: "\n"))

            Contract:
            \(markdown)
            """
        return [.system(system), .user(user)]
    }

    /// SHA-256 (hex) of the prompt: each message as `role`, newline, content, separated by a
    /// blank line.
    public static func sha256(of messages: [ChatMessage]) -> String {
        Digest.sha256Hex(messages.map { "\($0.role.rawValue)\n\($0.content)" }.joined(separator: "\n\n"))
    }
}
