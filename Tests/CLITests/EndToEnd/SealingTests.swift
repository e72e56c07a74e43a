import Foundation
import PactoriaTestSupport
import Testing

/// Issue #16: sealed contracts (AES-256-GCM in every git object, plaintext in the working tree)
/// and erasure by crypto-shredding, end to end through the CLI, a bare remote and clones.
@Suite("Data protection: sealed contracts and erasure", .serialized)
struct SealingTests {
    typealias Sandbox = E2E.Sandbox

    static let canary = "Zebedee Quillfeather-Canary"
    static let canaryEmail = "zebedee.quillfeather@canary-mail.co.uk"
    static let masterKey = String(repeating: "3c", count: 32)
    static let company = "brickline-digital"
    static let stem = "freelance-illustration-agreement"
    static var ref: String { "\(company)/\(stem)" }
    static let id = "7d1c2a9e-4b3f-4c8d-9e2a-5f6b7c8d9e0a"

    static var keyEnv: [String: String?] { ["PACTORIA_MASTER_KEY": masterKey, "PACTORIA_TODAY": "2026-12-01"] }

    static func yaml(version: Int, amount: String) -> String {
        """
        id: \(id)
        title: Freelance Illustration Agreement
        contract_type: service_agreement
        status: draft
        client:
          name: Brickline Digital Ltd
          email: studio@bricklinedigital.co.uk
          company: Brickline Digital Ltd
          role: Client
        supplier:
          name: \(canary)
          email: \(canaryEmail)
          role: Illustrator
        contract_value:
          amount: "\(amount)"
          currency: GBP
        start_date: 2026-01-05
        end_date: 2026-06-30
        version: \(version)
        created_by: Tom Hadley <tom.hadley@bricklinedigital.co.uk>
        created_at: 2025-12-01T09:00:00Z

        """
    }

    static func markdown(_ clause: String) -> String {
        """
        # Freelance Illustration Agreement

        ## 1. Parties

        This agreement is between Brickline Digital Ltd and \(canary) (\(canaryEmail)), an illustrator.

        ## 2. Work

        \(clause)

        """
    }

    @discardableResult
    static func run(_ sb: Sandbox, _ args: [String], in dir: String, env: [String: String?] = keyEnv) throws
        -> E2E.Result
    {
        try sb.pactoria(args, in: dir, env: env)
    }

    static func ok(_ r: E2E.Result, _ what: String) throws {
        try #require(r.exitCode == 0, "\(what): \(r)")
    }

    /// Every object of the repository at `dir`, decompressed, as one text (loose and packed).
    static func allObjects(_ sb: Sandbox, _ dir: String) throws -> String {
        let r = try sb.git(["cat-file", "--batch-all-objects", "--batch", "--unordered"], in: dir)
        try #require(r.exitCode == 0, "\(r)")
        return r.stdout
    }

    /// example-repo adopted in `a`, its company sealed, then the canary contract committed.
    static func sealedWorkspace(_ sb: Sandbox) throws {
        try LC.adopt(sb, "a")
        try Self.ok(Self.run(sb, ["seal", Self.company], in: "a"), "seal")
        try sb.write(Self.yaml(version: 1, amount: "1200.00"), to: "a/\(LC.yaml(Self.ref))")
        try sb.write(Self.markdown("Six illustrations."), to: "a/\(LC.markdown(Self.ref))")
        try Self.ok(Self.run(sb, ["commit", "-m", "Add the illustration agreement"], in: "a"), "commit")
    }

    /// The canary contract's wrapped data key, as the keyring of `dir` holds it.
    static func wrappedKey(_ sb: Sandbox, _ dir: String) throws -> String {
        let keyring = try sb.git(["show", "refs/pactoria/keyring:keyring"], in: dir).stdout
        let line = try #require(keyring.split(separator: "\n").first { $0.contains(id) }, "the key in \(keyring)")
        return try #require(line.split(separator: " ").max { $0.count < $1.count }).description
    }

    static func commits(_ sb: Sandbox, _ dir: String) throws -> [String] {
        try sb.git(["rev-list", "HEAD"], in: dir).stdout.split(separator: "\n").map(String.init)
    }

    @Test("a sealed contract: ciphertext in every object and on the remote, plaintext in the working tree")
    func sealedAtRest() throws {
        try E2E.withSandbox { sb in
            try Self.sealedWorkspace(sb)
            #expect(try Self.run(sb, ["status"], in: "a").stdout.contains(Self.stem) == false, "clean after commit")
            let objects = try Self.allObjects(sb, "a")
            #expect(!objects.contains(Self.canary) && !objects.contains(Self.canaryEmail), "no plaintext in objects")
            #expect(objects.contains("BEGIN PACTORIA SEALED"))
            #expect(try sb.read("a/\(LC.yaml(Self.ref))").contains(Self.canary), "plaintext in the working tree")
            let shown = try Self.run(sb, ["show", Self.ref], in: "a")
            #expect(shown.stdout.contains(Self.canary), "\(shown)")
            // Without the key: a clear error naming the contract, never ciphertext or garbage.
            let noKey = try Self.run(
                sb, ["show", Self.ref, "--at", "HEAD"], in: "a", env: ["PACTORIA_MASTER_KEY": nil])
            #expect(noKey.exitCode != 0, "\(noKey)")
            #expect(noKey.stderr.contains("sealed"), "\(noKey)")
            E2E.expectCleanError(noKey)
            // A wrong key: a clear error, nothing written.
            let before = try Self.commits(sb, "a")
            let wrong = try Self.run(
                sb, ["show", Self.ref, "--at", "HEAD"], in: "a",
                env: ["PACTORIA_MASTER_KEY": String(repeating: "7a", count: 32)])
            #expect(wrong.exitCode != 0 && wrong.stderr.contains("master key"), "\(wrong)")
            #expect(try Self.commits(sb, "a") == before)
        }
    }

    @Test("erasure by crypto-shredding: no object anywhere holds the data or its key; history and ids stay")
    func eraseAcrossClones() throws {
        try E2E.withSandbox { sb in
            try LC.adopt(sb, "a")
            try Self.ok(Self.run(sb, ["seal", Self.company], in: "a"), "seal")
            let yamlPath = "a/\(LC.yaml(Self.ref))"
            let mdPath = "a/\(LC.markdown(Self.ref))"
            try sb.write(Self.yaml(version: 1, amount: "1200.00"), to: yamlPath)
            try sb.write(Self.markdown("Six illustrations."), to: mdPath)
            try Self.ok(Self.run(sb, ["commit", "-m", "Add the illustration agreement"], in: "a"), "commit 1")
            try sb.write(Self.markdown("Eight illustrations, delivered monthly."), to: mdPath)
            try Self.ok(Self.run(sb, ["commit", "-m", "More illustrations"], in: "a"), "commit 2")
            try sb.write(
                try sb.read(yamlPath).replacingOccurrences(of: "1200.00", with: "1600.00"), to: yamlPath)
            try Self.ok(Self.run(sb, ["commit", "-m", "New fee"], in: "a"), "commit 3")
            let revisions = try sb.git(["log", "--format=%H", "--", LC.yaml(Self.ref), LC.markdown(Self.ref)], in: "a")
                .stdout.split(separator: "\n").map(String.init)
            #expect(revisions.count >= 3)

            // A remote and a clone holding the master key: plaintext in its working tree.
            try #require(try sb.git(["init", "-q", "--bare", "-b", "main", "origin.git"]).exitCode == 0)
            try Self.ok(Self.run(sb, ["remote", "add", "origin", sb.path("origin.git")], in: "a"), "remote add")
            try Self.ok(Self.run(sb, ["push"], in: "a"), "push")
            try Self.ok(Self.run(sb, ["clone", sb.path("origin.git"), "b"], in: ""), "clone b")
            #expect(try sb.read("b/\(LC.yaml(Self.ref))").contains(Self.canary))
            let wrapped = try Self.wrappedKey(sb, "a")

            let idsBefore = try Self.commits(sb, "a")
            let otherBefore = try sb.git(["ls-tree", "-r", "HEAD", "companies/ancoats-bakehouse"], in: "a").stdout

            // An active contract's subject is refused, naming the obligation; nothing changes.
            let refused = try Self.run(
                sb, ["gdpr", "erase", "Grace Whitworth", "--reason", "Art. 17 request"], in: "a")
            #expect(refused.exitCode != 0 && refused.stderr.contains("retention"), "\(refused)")
            #expect(try Self.commits(sb, "a") == idsBefore)

            let erased = try Self.run(
                sb, ["gdpr", "erase", Self.canary, "--reason", "Art. 17 request from the illustrator"], in: "a")
            try Self.ok(erased, "erase")
            try Self.ok(Self.run(sb, ["push"], in: "a"), "push after erase")
            try Self.ok(Self.run(sb, ["clone", sb.path("origin.git"), "c"], in: ""), "clone c")

            let idsAfter = try Self.commits(sb, "a")
            #expect(Array(idsAfter.suffix(idsBefore.count)) == idsBefore, "no commit rewritten")
            #expect(idsAfter.count == idsBefore.count + 1, "one erasure commit")
            #expect(
                try sb.git(["ls-tree", "-r", "HEAD", "companies/ancoats-bakehouse"], in: "a").stdout == otherBefore)
            #expect(try Self.commits(sb, "c") == idsAfter)

            for dir in ["a", "c"] {
                let objects = try Self.allObjects(sb, dir)
                #expect(!objects.contains(Self.canary), "canary in \(dir)'s objects")
                #expect(!objects.contains(Self.canaryEmail), "canary email in \(dir)'s objects")
                #expect(!objects.contains(wrapped), "the destroyed data key survives in \(dir)")
                let working = try sb.read("\(dir)/\(LC.yaml(Self.ref))") + sb.read("\(dir)/\(LC.markdown(Self.ref))")
                #expect(!working.contains(Self.canary), "canary in \(dir)'s working tree")
                let log = try Self.run(sb, ["log", Self.ref], in: dir)
                try Self.ok(log, "log in \(dir)")
                for rev in revisions {
                    let old = try Self.run(sb, ["show", Self.ref, "--at", rev], in: dir)
                    #expect(old.stdout.contains("erased") || old.stderr.contains("erased"), "\(dir) @\(rev): \(old)")
                    #expect(!old.stdout.contains(Self.canary) && !old.stderr.contains(Self.canary))
                }
                let audit = try Self.run(sb, ["audit", "--contract", Self.id], in: dir)
                #expect(audit.stdout.contains("erased"), "\(audit)")
                #expect(!audit.stdout.contains(Self.canary))
            }
            let check = try Self.run(sb, ["check"], in: "c")
            try Self.ok(check, "check in c")
        }
    }

    @Test(
        "plain git reads sealed contracts through the textconv driver; an erasure reaches a clone that pulls; a flipped byte is caught"
    )
    func plainGitPullAndTampering() throws {
        try E2E.withSandbox { sb in
            try Self.sealedWorkspace(sb)

            // Plain git: ciphertext, until the textconv driver is installed.
            let before = try sb.git(["log", "-p", "-1", "--", LC.markdown(Self.ref)], in: "a")
            #expect(!before.stdout.contains(Self.canary) && before.stdout.contains("BEGIN PACTORIA SEALED"))
            try Self.ok(Self.run(sb, ["hooks", "install"], in: "a"), "hooks install")
            // (git runs the driver with its own environment: the master key must be in it.)
            let after = try sb.run(
                URL(fileURLWithPath: "/usr/bin/git"), ["log", "-p", "-1", "--", LC.markdown(Self.ref)], in: "a",
                env: Self.keyEnv)
            #expect(after.stdout.contains(Self.canary), "\(after)")

            // A flipped byte in the ciphertext: the tag catches it, and no plaintext comes back.
            let stored = try sb.git(["show", "HEAD:\(LC.markdown(Self.ref))"], in: "a").stdout
            var lines = stored.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let i = try #require(lines.firstIndex { $0.count == 76 })
            var chars = Array(lines[i])
            chars[10] = chars[10] == "A" ? "B" : "A"
            lines[i] = String(chars)
            try sb.write(lines.joined(separator: "\n"), to: "tampered.md")
            let tampered = try Self.run(sb, ["textconv", sb.path("tampered.md")], in: "a")
            #expect(tampered.exitCode != 0 && tampered.stderr.contains("altered"), "\(tampered)")
            #expect(!tampered.stdout.contains(Self.canary) && tampered.stdout.isEmpty)

            // A clone made before the erasure gets it with its next pull.
            try #require(try sb.git(["init", "-q", "--bare", "-b", "main", "origin.git"]).exitCode == 0)
            try Self.ok(Self.run(sb, ["remote", "add", "origin", sb.path("origin.git")], in: "a"), "remote add")
            try Self.ok(Self.run(sb, ["push"], in: "a"), "push")
            try Self.ok(Self.run(sb, ["clone", sb.path("origin.git"), "b"], in: ""), "clone b")
            #expect(try sb.read("b/\(LC.markdown(Self.ref))").contains(Self.canary))
            let wrapped = try Self.wrappedKey(sb, "b")
            try Self.ok(
                Self.run(sb, ["gdpr", "erase", Self.canaryEmail, "--reason", "Article 17 request"], in: "a"), "erase")
            try Self.ok(Self.run(sb, ["push"], in: "a"), "push the erasure")
            try Self.ok(Self.run(sb, ["pull"], in: "b"), "pull the erasure")
            #expect(!(try sb.read("b/\(LC.markdown(Self.ref))")).contains(Self.canary))
            let objects = try Self.allObjects(sb, "b")
            #expect(!objects.contains(Self.canary))
            #expect(!objects.contains(wrapped), "the destroyed key survives in the clone that pulled")
            let old = try Self.run(sb, ["show", Self.ref, "--at", "HEAD~1"], in: "b")
            #expect(old.stdout.contains("erased"), "\(old)")
        }
    }

    @Test("key rotation: every data key rewrapped, no commit or blob id changes, the old key opens nothing")
    func rotateMasterKey() throws {
        try E2E.withSandbox { sb in
            // The key in the default key file (made by `seal`), so rotation can replace it.
            let fileEnv: [String: String?] = ["PACTORIA_MASTER_KEY": nil, "PACTORIA_TODAY": "2026-12-01"]
            try LC.adopt(sb, "a")
            try Self.ok(Self.run(sb, ["seal", Self.company], in: "a", env: fileEnv), "seal")
            try sb.write(Self.yaml(version: 1, amount: "1200.00"), to: "a/\(LC.yaml(Self.ref))")
            try sb.write(Self.markdown("Six illustrations."), to: "a/\(LC.markdown(Self.ref))")
            try Self.ok(Self.run(sb, ["commit", "-m", "Add"], in: "a", env: fileEnv), "commit")
            let keyFile = sb.path("a/.git/pactoria/master.key")
            let oldKey = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            let commitsBefore = try Self.commits(sb, "a")
            let treeBefore = try sb.git(["rev-parse", "HEAD^{tree}"], in: "a").stdout
            let wrappedBefore = try Self.wrappedKey(sb, "a")
            let status = try Self.run(sb, ["keys", "--json"], in: "a", env: fileEnv)
            try Self.ok(status, "keys")
            #expect(!status.stdout.contains(oldKey), "the key itself is never shown")

            let rotated = try Self.run(sb, ["keys", "rotate"], in: "a", env: fileEnv)
            try Self.ok(rotated, "rotate")
            #expect(!rotated.stdout.contains(oldKey) && !rotated.stderr.contains(oldKey))
            let newKey = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(newKey != oldKey && newKey.count == 64)
            #expect(!rotated.stdout.contains(newKey), "the new key is written to the key file, not printed")
            // History untouched; the data key is rewrapped; no copy of the old wrapping anywhere.
            #expect(try Self.commits(sb, "a") == commitsBefore)
            #expect(try sb.git(["rev-parse", "HEAD^{tree}"], in: "a").stdout == treeBefore)
            #expect(try Self.wrappedKey(sb, "a") != wrappedBefore)
            #expect(!(try Self.allObjects(sb, "a")).contains(wrappedBefore), "the old wrapped key is gone")
            // The new key reads every version; the old key reads none, with a clear error.
            let shown = try Self.run(sb, ["show", Self.ref, "--at", "HEAD"], in: "a", env: fileEnv)
            #expect(shown.exitCode == 0 && shown.stdout.contains(Self.canary), "\(shown)")
            let old = try Self.run(
                sb, ["show", Self.ref, "--at", "HEAD"], in: "a", env: ["PACTORIA_MASTER_KEY": oldKey])
            #expect(old.exitCode != 0 && old.stderr.contains("master key"), "\(old)")
            E2E.expectCleanError(old)
            // Committing still seals, under the same data key (no new key in the keyring).
            try sb.write(Self.markdown("Seven illustrations."), to: "a/\(LC.markdown(Self.ref))")
            try Self.ok(Self.run(sb, ["commit", "-m", "Seven"], in: "a", env: fileEnv), "commit after rotation")
            #expect(!(try Self.allObjects(sb, "a")).contains("Seven illustrations"))

            // An interrupted rotation (keyring saved, key file not yet replaced) is finished by the next run.
            try oldKey.appending("\n").write(toFile: keyFile + ".tmp", atomically: false, encoding: .utf8)
            try FileManager.default.moveItem(atPath: keyFile, toPath: keyFile + ".new")
            try FileManager.default.moveItem(atPath: keyFile + ".tmp", toPath: keyFile)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
            let resumed = try Self.run(sb, ["keys", "rotate"], in: "a", env: fileEnv)
            try Self.ok(resumed, "resume")
            #expect(resumed.stdout.contains("interrupted"), "\(resumed)")
            #expect(try String(contentsOfFile: keyFile, encoding: .utf8).contains(newKey))
            #expect(!FileManager.default.fileExists(atPath: keyFile + ".new"))
            // A workspace with nothing sealed has nothing to rotate.
            try LC.adopt(sb, "b")
            let none = try Self.run(sb, ["keys", "rotate"], in: "b", env: fileEnv)
            #expect(none.exitCode != 0 && none.stderr.contains("nothing here is sealed"), "\(none)")
        }
    }

    @Test(
        "analytics read sealed contracts as every reader does: the same figures as of HEAD, with or without the key; no sealed field without it"
    )
    func analyticsOverSealed() throws {
        try E2E.withSandbox { sb in
            try Self.sealedWorkspace(sb)
            let noKey: [String: String?] = ["PACTORIA_MASTER_KEY": nil, "PACTORIA_TODAY": "2026-12-01"]
            func figures(_ args: [String], _ env: [String: String?]) throws -> (Int, [String]) {
                let r = try Self.run(sb, ["analytics", "business", "--json"] + args, in: "a", env: env)
                let json = try E2E.parseJSON(r)
                let values = (json["value_by_currency"] as? [[String: Any]] ?? []).map {
                    "\($0["currency"] ?? "") \($0["total_value"] ?? "")"
                }
                return (json["total_contracts"] as? Int ?? -1, values)
            }
            let now = try figures([], Self.keyEnv)
            #expect(now.0 == 16)
            // As of HEAD: the sealed blobs, unsealed with the key, read from their clear fields without it.
            #expect(try figures(["--as-of", "2999-12-31"], Self.keyEnv) == now)
            let asOfNoKey = try figures(["--as-of", "2999-12-31"], noKey)
            #expect(asOfNoKey == now, "\(asOfNoKey) against \(now)")
            let report = try Self.run(sb, ["report", "--html", "-", "--as-of", "2999-12-31"], in: "a", env: noKey)
            try Self.ok(report, "report without the key")
            #expect(!report.stdout.contains(Self.canary))
            let queue = try Self.run(sb, ["queue", "--json", "--as-of", "2999-12-31"], in: "a", env: noKey)
            try Self.ok(queue, "queue without the key")
            #expect(!queue.stdout.contains(Self.canary) && !queue.stdout.contains(Self.canaryEmail))
        }
    }

    @Test("history read without the master key is not what a later run with the key is shown")
    func historyCachePerReading() throws {
        try E2E.withSandbox { sb in
            try Self.sealedWorkspace(sb)
            // A second version whose change is only in sealed fields (the parties).
            try sb.write(
                Self.yaml(version: 1, amount: "1200.00").replacingOccurrences(of: Self.canary, with: "Ann Other"),
                to: "a/\(LC.yaml(Self.ref))")
            try Self.ok(Self.run(sb, ["commit", "-m", "New counterparty"], in: "a"), "commit")
            try #require(try sb.git(["init", "-q", "--bare", "-b", "main", "origin.git"]).exitCode == 0)
            try Self.ok(Self.run(sb, ["remote", "add", "origin", sb.path("origin.git")], in: "a"), "remote add")
            try Self.ok(Self.run(sb, ["push"], in: "a"), "push")
            let noKey: [String: String?] = ["PACTORIA_MASTER_KEY": nil, "PACTORIA_TODAY": "2026-12-01"]
            try Self.ok(
                Self.run(sb, ["clone", sb.path("origin.git"), "b"], in: "", env: noKey), "clone without the key")
            // Without the key: history read as far as it can be (what changed in sealed fields is hidden).
            _ = try Self.run(sb, ["audit", "--json"], in: "b", env: noKey)
            _ = try Self.run(sb, ["log", Self.ref], in: "b", env: noKey)
            // With the key: exactly what a run with no cache at all shows.
            let withKey = try Self.run(sb, ["audit", "--json", "--contract", Self.ref], in: "b")
            try Self.ok(withKey, "audit with the key")
            try FileManager.default.removeItem(atPath: sb.path("b/.pactoria/cache"))
            let fresh = try Self.run(sb, ["audit", "--json", "--contract", Self.ref], in: "b")
            #expect(withKey.stdout == fresh.stdout)
            let table = try Self.run(sb, ["audit"], in: "b")
            try FileManager.default.removeItem(atPath: sb.path("b/.pactoria/cache"))
            #expect(table.stdout == (try Self.run(sb, ["audit"], in: "b")).stdout)
        }
    }
}
