import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaWorkspace
import ServerTestSupport
import Testing

/// Issue #13: the library speaks domain terms and the CLI speaks flags. A use case names a field
/// as the YAML and the API do and says what to do next as a `Remedy`; the CLI words both as the
/// flag and the command a person types, the API as its JSON field.
@Suite("Domain terms: the library names fields and remedies, the CLI flags, the API JSON fields")
struct DomainTermsTests {
    /// A fresh workspace with one company, through the library.
    static func workspace() throws -> (root: String, ws: Workspace) {
        let root = NSTemporaryDirectory() + "pactoria-terms-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        _ = try InitWorkspace.run(directory: root, author: "Admin <admin@example.co.uk>")
        let ws = try Workspace.open(root: root)
        _ = try Companies.add(ws, name: "Brickline Digital Ltd", slug: "brickline", companyNumber: nil)
        return (root, ws)
    }

    static func draft(value: String?, currency: String?) -> NewContract.Input {
        NewContract.Input(
            company: "brickline", title: "Website Build", type: "service_agreement",
            client: Party(name: "Acme Ltd", role: "Client"), supplier: nil, value: value, currency: currency,
            startDate: nil, endDate: nil, plainEnglishInput: nil, templateID: nil, author: "Admin <admin@example.co.uk>"
        )
    }

    static func error(_ body: () throws(WorkspaceError) -> Void) -> WorkspaceError? {
        do {
            try body()
            return nil
        } catch { return error }
    }

    @Test func libraryErrorsCarryDomainFieldsAndRemedies() throws {
        let (root, ws) = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }

        let badCurrency = Self.error { () throws(WorkspaceError) in
            _ = try NewContract.run(ws, Self.draft(value: "100.00", currency: "XYZ"))
        }
        guard case .invalidInput(let field, _) = badCurrency else {
            Issue.record("expected invalidInput, got \(String(describing: badCurrency))")
            return
        }
        #expect(field == "contract_value.currency")
        #expect(badCurrency?.description.hasPrefix("contract_value.currency: ") == true)

        let noAmount = Self.error { () throws(WorkspaceError) in
            _ = try NewContract.run(ws, Self.draft(value: nil, currency: "EUR"))
        }
        guard case .incomplete(let given, let needs) = noAmount else {
            Issue.record("expected incomplete, got \(String(describing: noAmount))")
            return
        }
        #expect(given == "contract_value.currency" && needs == "contract_value.amount")
        #expect(noAmount?.description == "contract_value.currency: needs contract_value.amount")

        // A pre-commit hook someone else wrote: replacing it needs `force`, a remedy kind.
        let hook = root + "/.git/hooks/pre-commit"
        try FileManager.default.createDirectory(atPath: root + "/.git/hooks", withIntermediateDirectories: true)
        try "#!/bin/sh\nexit 0\n".write(toFile: hook, atomically: true, encoding: .utf8)
        let foreign = Self.error { () throws(WorkspaceError) in
            _ = try InstallHooks.run(ws, script: "#!/bin/sh\n# ours\n", marker: "# ours")
        }
        guard case .confirm(let confirm, _) = foreign?.remedy else {
            Issue.record("expected a confirm remedy, got \(String(describing: foreign))")
            return
        }
        #expect(confirm == "force")

        // Outside any workspace: the remedy is to make one.
        let outside = NSTemporaryDirectory() + "pactoria-terms-none-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let none = Self.error { () throws(WorkspaceError) in _ = try Workspace.discover(from: outside) }
        #expect(none?.remedy == .initWorkspace)

        for e in [badCurrency, noAmount, foreign, none].compactMap({ $0 }) {
            let words = e.description + " " + (e.hint ?? "")
            #expect(!words.contains("--"), "a flag in the library's words: \(words)")
            #expect(!words.contains("`pactoria "), "a command in the library's words: \(words)")
        }
    }

    @Test func theCLIWordsFieldsAsFlagsAndRemediesAsCommands() throws {
        let (root, _) = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let base = ["new", "--company", "brickline", "--title", "Website Build", "--type", "service_agreement"]

        let badCurrency = try runPactoria(root, base + ["--client", "Acme Ltd", "--value", "100", "--currency", "XYZ"])
        #expect(badCurrency.status == 64, "\(badCurrency)")
        #expect(badCurrency.stderr.hasPrefix("error: --currency: "), "\(badCurrency)")

        let noAmount = try runPactoria(root, base + ["--client", "Acme Ltd", "--currency", "EUR"])
        #expect(noAmount.status == 64, "\(noAmount)")
        #expect(noAmount.stderr == "error: --currency: needs --value\n", "\(noAmount)")

        let hook = root + "/.git/hooks/pre-commit"
        try FileManager.default.createDirectory(atPath: root + "/.git/hooks", withIntermediateDirectories: true)
        try "#!/bin/sh\nexit 0\n".write(toFile: hook, atomically: true, encoding: .utf8)
        let foreign = try runPactoria(root, ["hooks", "install"])
        #expect(foreign.status == 1, "\(foreign)")
        #expect(foreign.stderr.contains("was not written by pactoria; pass --force to replace it"), "\(foreign)")
        let forced = try runPactoria(root, ["hooks", "install", "--force"])
        #expect(forced.status == 0, "\(forced)")
        // The hook and the merge driver run this binary's own commands: the CLI wrote them.
        let script = try String(contentsOfFile: hook, encoding: .utf8)
        #expect(script.contains("exec \"$PACTORIA\" check --staged"), "\(script)")
        #expect(try runGit(root, ["config", "merge.pactoria.driver"]).contains("merge-driver %O %A %B %P"))

        let outside = NSTemporaryDirectory() + "pactoria-terms-none-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let none = try runPactoria(outside, ["status"])
        #expect(none.status == 128, "\(none)")
        #expect(none.stderr.contains("hint: run `pactoria init` to make one, or pass -C DIR"), "\(none)")
    }

    @Test func theAPINamesTheJSONFieldForTheSameMistake() async throws {
        let s = try await LiveServer()
        let token = try s.token("manager@brickline.co.uk")
        let body: [String: Any] = [
            "title": "Website Build", "contract_type": "service_agreement", "client": ["name": "Acme Ltd"],
        ]
        var badCurrency = body
        badCurrency["contract_value"] = ["amount": "100", "currency": "XYZ"]
        let r = try await s.call("POST", "/api/v1/contracts", token: token, json: badCurrency)
        #expect(r.status == 422, "\(r.text)")
        #expect(r.json["field"] as? String == "contract_value.currency", "\(r.text)")
        #expect((r.json["detail"] as? String)?.hasPrefix("contract_value.currency: ") == true, "\(r.text)")
        #expect(!r.text.contains("--"), "\(r.text)")

        var noAmount = body
        noAmount["contract_value"] = ["currency": "EUR"]
        let missing = try await s.call("POST", "/api/v1/contracts", token: token, json: noAmount)
        #expect(missing.status == 422, "\(missing.text)")
        #expect(!missing.text.contains("--"), "\(missing.text)")

        let list = try await s.call("GET", "/api/v1/contracts?contract_type=handshake", token: token)
        #expect(list.status == 422, "\(list.text)")
        #expect(list.json["field"] as? String == "contract_type", "\(list.text)")
        #expect(!list.text.contains("--"), "\(list.text)")
    }

    /// The issue's "done when": no CLI flag name (`--x`) and no `pactoria <verb>` command line in
    /// the library targets' sources, comments included. (The common-passwords list moves to the
    /// access module; its data is not prose. A new draft's Markdown outline is file content, which
    /// generation recognises byte for byte, not a message.)
    @Test func theLibrarySourcesNameNoFlagsOrCommands() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let flag = try Regex("--[a-z]")
        let command = try Regex("`pactoria [a-z]")
        var checked = 0
        for target in ["PactoriaWorkspace", "PactoriaAI"] {
            let dir = sources.appendingPathComponent(target)
            let files = FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".swift") && !file.hasSuffix("CommonPasswords.swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                checked += 1
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    #expect(line.firstMatch(of: flag) == nil, "\(target)/\(file):\(n + 1): \(line)")
                    let outline = file.hasSuffix("NewContract.swift") && line.contains("Replace the notes in brackets")
                    #expect(outline || line.firstMatch(of: command) == nil, "\(target)/\(file):\(n + 1): \(line)")
                }
            }
        }
        #expect(checked > 50, "the library sources were found (\(checked) files)")
    }
}
