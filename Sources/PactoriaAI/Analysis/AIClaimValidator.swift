/// A claim the AI provider made about one clause, with the contract text it quotes in support.
struct AIClaim: Sendable, Equatable {
    var clause: String
    var status: ClauseStatus
    var message: String
    /// The words of the contract the claim rests on, as the provider quoted them.
    var evidence: String?
}

/// An AI claim that was not used, and why.
public struct DroppedAIClaim: Sendable, Equatable, Codable {
    public var clause: String
    /// What the provider said (`status`: message).
    public var claim: String
    public var reason: String

    public init(clause: String, claim: String, reason: String) {
        self.clause = clause
        self.claim = claim
        self.reason = reason
    }
}

/// Checks the AI provider's findings against the clause catalogue and the contract's own text
/// before they are merged with the local analyser's.
///
/// The local findings are the floor: the merged analysis never reports a clause as healthier
/// than the local analyser found it, so no provider can talk a contract into compliance. A claim
/// is used only when it names a clause the catalogue checks for this kind of document and makes
/// things worse than the local analyser found (a gap it missed, or a clause it found but the
/// provider shows to be incomplete, negated or unfair), quoting text that is really in the
/// contract. Everything else is dropped and reported: an unknown clause, a claim that quotes
/// nothing or quotes words the contract does not contain, and a claim that a clause the local
/// analyser found wanting is fine.
enum AIClaimValidator {
    struct Outcome: Sendable, Equatable {
        /// Claims that worsen a local finding, with their support found in the text.
        var accepted: [AIClaim]
        var dropped: [DroppedAIClaim]
    }

    /// Quotes shorter than this (after normalising) support nothing.
    static let minimumEvidence = 12

    static func validate(_ claims: [AIClaim], local: [ComplianceFinding], text: String) -> Outcome {
        let byClause = Dictionary(local.map { ($0.clause, $0) }, uniquingKeysWith: { a, _ in a })
        let haystack = normalise(text)
        var accepted: [AIClaim] = []
        var dropped: [DroppedAIClaim] = []
        for claim in claims {
            let said = "\(claim.status.rawValue): \(claim.message)"
            guard let mine = byClause[claim.clause] else {
                dropped.append(
                    .init(
                        clause: claim.clause, claim: said,
                        reason: "not a clause Pactoria checks for this kind of contract"))
                continue
            }
            if severity(claim.status) <= severity(mine.status) {
                if severity(claim.status) < severity(mine.status) {
                    dropped.append(
                        .init(
                            clause: claim.clause, claim: said,
                            reason: "the local analyser found this clause \(mine.status.rawValue); the AI may add "
                                + "gaps but not remove them"))
                }
                continue  // agrees with the local finding: nothing to add
            }
            guard let evidence = claim.evidence, supports(evidence, in: haystack) else {
                dropped.append(
                    .init(
                        clause: claim.clause, claim: said,
                        reason: claim.evidence?.isEmpty == false
                            ? "the quoted text is not in the contract" : "quotes no text from the contract"))
                continue
            }
            accepted.append(claim)
        }
        return Outcome(accepted: accepted, dropped: dropped)
    }

    /// How bad a status is: present < partial < missing and the statuses that empty a clause.
    static func severity(_ status: ClauseStatus) -> Int {
        switch status {
        case .present: 0
        case .partial: 1
        default: 2
        }
    }

    /// Whether every fragment of `evidence` (split at ellipses) of a useful length is in `haystack`.
    static func supports(_ evidence: String, in haystack: String) -> Bool {
        let fragments =
            evidence
            .replacingEllipses()
            .split(separator: "\u{0}")
            .map { normalise(String($0)) }
            .filter { !$0.isEmpty }
        guard fragments.contains(where: { $0.count >= minimumEvidence }) else { return false }
        return fragments.allSatisfy { haystack.contains($0) }
    }

    /// Lower case, Markdown emphasis and quote marks removed, whitespace collapsed.
    static func normalise(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var space = true
        for c in s.lowercased() {
            switch c {
            case "*", "_", "`", "\"", "“", "”", "'", "’", "‘": continue
            default:
                if c.isWhitespace {
                    if !space { out.append(" ") }
                    space = true
                } else {
                    out.append(c)
                    space = false
                }
            }
        }
        while out.last == " " { out.removeLast() }
        return out
    }
}

extension String {
    fileprivate func replacingEllipses() -> String {
        var out = ""
        var dots = 0
        for c in self {
            if c == "." {
                dots += 1
                if dots == 3 { out.append("\u{0}") }
                continue
            }
            if dots > 0 && dots < 3 { out += String(repeating: ".", count: dots) }
            dots = 0
            out.append(c == "…" ? "\u{0}" : c)
        }
        if dots > 0 && dots < 3 { out += String(repeating: ".", count: dots) }
        return out
    }
}
