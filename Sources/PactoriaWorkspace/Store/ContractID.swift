import Foundation
import PactoriaCrypto
import PactoriaGit

/// The id of a new contract: a random UUID, or with PACTORIA_SEED set (tests and demos) a UUID
/// derived from the seed, HEAD and the new contract's company, title and place among its
/// neighbours, so a scripted session gives the same ids on every run and distinct ids within it.
enum ContractID {
    static func next(_ ws: Workspace, company: String, title: String) -> String {
        guard let seed = getenv("PACTORIA_SEED").map({ String(cString: $0) }), !seed.isEmpty else {
            return UUID().uuidString.lowercased()
        }
        let head = (try? ws.repository().headCommitID()).flatMap { $0 }.map { "\($0)" } ?? "unborn"
        let key = [seed, head, company, title, String(ws.contractRefs(company: company).count)].joined(separator: "\n")
        var b = Digest.sha256(key)
        b[6] = (b[6] & 0x0f) | 0x40  // version 4 layout
        b[8] = (b[8] & 0x3f) | 0x80  // RFC 4122 variant
        let hex = Digest.hex(b.prefix(16))
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
            String(hex.dropFirst(r.lowerBound).prefix(r.count))
        }
        return parts.joined(separator: "-")
    }
}
