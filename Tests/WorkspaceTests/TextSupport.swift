import Foundation
import PactoriaCore
import PactoriaGit
import PactoriaTestSupport
import PactoriaWorkspace

/// A fresh workspace in a temporary directory with one company and one committed draft contract,
/// for the hostile-text suites.
final class TextSandbox: @unchecked Sendable {
    let root: String
    let ws: Workspace
    let ref: ContractRef
    let author = Author(name: "Ann Admin", email: "ann@example.co.uk")

    init() throws {
        Hermetic.setUp()
        root = NSTemporaryDirectory() + "pactoria-text-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: author.description)
        ws = try Workspace.open(root: root)
        _ = try Companies.add(ws, name: "Brickline Digital Ltd", slug: "brickline", companyNumber: nil)
        let made = try NewContract.run(
            ws,
            NewContract.Input(
                company: "brickline", title: "Website care plan", type: "service_agreement",
                client: Party(name: "Finchley Pay Ltd", email: "ops@finchleypay.co.uk"), author: author.description))
        ref = made.ref
        _ = try CommitChanges.run(ws, message: "Add the care plan", author: author, stageEverything: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func absolute(_ rel: String) -> String { root + "/" + rel }

    func write(_ rel: String, _ text: String) throws {
        try text.write(toFile: absolute(rel), atomically: true, encoding: .utf8)
    }

    /// The events written in HEAD's commit message, read back with libgit2's trailer parser.
    func headEvents() throws -> (message: String, events: [ContractEvent]) {
        let repo = try ws.repository()
        guard let head = try repo.headCommitID() else { return ("", []) }
        let info = try repo.commit(head)
        return (info.message, History.parseEvents(info))
    }
}
