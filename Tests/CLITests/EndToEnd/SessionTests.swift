import Foundation
import Testing

/// Whole sessions with the built binary: what a person does, checked with git as an independent reader.
@Suite("End to end: sessions")
struct SessionTests {
    typealias Sandbox = E2E.Sandbox

    static let client = "Harbour Foods Ltd"
    static let addedLine = "The website will meet WCAG 2.2 AA throughout the term."

    /// `git log -1` of `rev`, its trailers parsed by git itself.
    static func trailers(_ sb: Sandbox, _ dir: String, _ rev: String = "HEAD") throws -> [String] {
        let body = try sb.git(["log", "-1", "--format=%B", rev], in: dir)
        #expect(body.exitCode == 0, "\(body)")
        let parsed = try sb.git(["interpret-trailers", "--parse"], in: dir, input: body.stdout)
        #expect(parsed.exitCode == 0, "\(parsed)")
        return parsed.lines
    }

    static func field(_ name: String, in yaml: String) -> String? {
        yaml.split(separator: "\n").first { $0.hasPrefix("\(name): ") }.map { String($0.dropFirst(name.count + 2)) }
    }

    /// The instant a minute after `timestamp`, for PACTORIA_NOW: the next command runs later
    /// without the test waiting for the clock to move.
    static func minuteAfter(_ timestamp: String) throws -> String {
        let f = ISO8601DateFormatter()
        let t = try #require(f.date(from: timestamp), "not an instant: \(timestamp)")
        return f.string(from: t.addingTimeInterval(60))
    }

    @Test("init, company, new, status, commit, edit, commit, log, show, diff, list")
    func wholeSession() throws {
        try E2E.withSandbox { sb in
            let initialised = try sb.pactoria(["init", "ws"])
            #expect(initialised.exitCode == 0, "\(initialised)")
            #expect(sb.exists("ws/.git") && sb.exists("ws/.pactoria/config.yaml"))

            let company = try sb.pactoria(["company", "add", "Thames Digital Ltd", "--tier", "professional"], in: "ws")
            #expect(company.exitCode == 0, "\(company)")
            let companyYAML = try sb.read("ws/companies/thames-digital/company.yaml")
            #expect(companyYAML.contains("name: Thames Digital Ltd\n"))
            #expect(companyYAML.contains("subscription_tier: professional\n"))

            let created = try sb.pactoria(
                [
                    "new", "--company", "thames-digital", "--title", "Website Redesign Services Agreement",
                    "--type", "service_agreement", "--client", Self.client, "--client-email",
                    "procurement@harbourfoods.co.uk",
                    "--value", "15000.00", "--start", "2027-01-04", "--end", "2027-03-31",
                    "--input", "Three months of design and build work on our public website, paid monthly.",
                ], in: "ws")
            #expect(created.exitCode == 0, "\(created)")
            // The stem is whatever file `new` wrote; stdout must name it and the UUID in it.
            let dir = "ws/companies/thames-digital/contracts"
            let files = try FileManager.default.contentsOfDirectory(atPath: sb.path(dir)).sorted()
            let stems = files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
            try #require(stems.count == 1, "\(files)")
            let stem = stems[0]
            #expect(files == ["\(stem).md", "\(stem).yaml"])
            let yamlPath = "\(dir)/\(stem).yaml", mdPath = "\(dir)/\(stem).md"
            let yaml1 = try sb.read(yamlPath)
            let id = try #require(Self.field("id", in: yaml1))
            #expect(id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil, "\(id)")
            #expect(created.stdout.contains("thames-digital/\(stem)"), "\(created)")
            #expect(created.stdout.contains(id), "\(created)")
            #expect(Self.field("version", in: yaml1) == "1")
            #expect(Self.field("status", in: yaml1) == "draft")
            #expect(yaml1.contains("amount: \"15000.00\""))

            // status: untracked (or new), no problems, in all three renderings.
            let status = try sb.pactoria(["status"], in: "ws")
            #expect(status.exitCode == 0, "\(status)")
            #expect(status.stdout.contains(stem))
            #expect(status.stdout.contains("untracked") || status.stdout.contains("new"), "\(status)")
            #expect(!status.stdout.contains("problem") && !status.stdout.contains("✗"), "\(status)")
            let porcelain = try sb.pactoria(["status", "--porcelain"], in: "ws")
            #expect(
                porcelain.lines.contains {
                    $0.hasSuffix(" thames-digital/\(stem)") && ($0.hasPrefix("? ") || $0.hasPrefix("A "))
                }, "\(porcelain)")
            #expect(!porcelain.lines.contains { $0.hasPrefix("!") }, "\(porcelain)")
            let statusJSON = try E2E.parseJSON(try sb.pactoria(["status", "--json"], in: "ws"))
            #expect(statusJSON["clean"] as? Bool == false)
            let entries = try #require(statusJSON["contracts"] as? [[String: Any]])
            let entry = try #require(entries.first { $0["id"] as? String == id }, "\(statusJSON)")
            #expect(entry["stem"] as? String == stem && entry["company"] as? String == "thames-digital")
            #expect(["untracked", "new"].contains(entry["change"] as? String))
            #expect((entry["problems"] as? [Any])?.isEmpty == true)

            // First commit, read back with git.
            let commit1 = try sb.pactoria(["commit", "-m", "Add website redesign"], in: "ws")
            #expect(commit1.exitCode == 0, "\(commit1)")
            #expect(try sb.git(["log", "--format=%s"], in: "ws").lines.first == "Add website redesign")
            #expect(
                try sb.git(["log", "-1", "--format=%an <%ae>"], in: "ws").lines == ["Test User <test@example.co.uk>"])
            let trailers1 = try Self.trailers(sb, "ws")
            #expect(
                trailers1 == [
                    "Pactoria-Contract: \(id)", "Pactoria-Event: contract.created",
                    "Pactoria-Actor: Test User <test@example.co.uk>",
                    "Pactoria-Version: 1",
                ])
            let tracked = try sb.git(["ls-files"], in: "ws").lines
            #expect(tracked.contains("companies/thames-digital/contracts/\(stem).yaml"))
            #expect(tracked.contains("companies/thames-digital/contracts/\(stem).md"))
            #expect(tracked.contains("companies/thames-digital/company.yaml"))
            #expect(try sb.git(["status", "--porcelain"], in: "ws").stdout == "", "everything committed")

            // Edit the content: a content change, bumped to version 2 on commit.
            let original = try sb.read(mdPath)
            let edited = original + "\n## 8. Accessibility\n\n\(Self.addedLine)\n"
            try sb.write(edited, to: mdPath)
            let porcelain2 = try sb.pactoria(["status", "--porcelain"], in: "ws")
            #expect(porcelain2.lines.contains("M c thames-digital/\(stem)"), "\(porcelain2)")
            let updated1 = try #require(Self.field("updated_at", in: try sb.read(yamlPath)))
            let later = try Self.minuteAfter(updated1)
            let commit2 = try sb.pactoria(
                ["commit", "-m", "Add accessibility clause"], in: "ws", env: ["PACTORIA_NOW": later])
            #expect(commit2.exitCode == 0, "\(commit2)")
            let yaml2 = try sb.read(yamlPath)
            #expect(Self.field("version", in: yaml2) == "2", "\(yaml2)")
            let updated2 = try #require(Self.field("updated_at", in: yaml2))
            #expect(updated2 > updated1, "updated_at \(updated1) → \(updated2)")
            #expect(updated2 == later, "the injected clock dates the change")
            let laterSeconds = ISO8601DateFormatter().date(from: later).map { Int($0.timeIntervalSince1970) }
            #expect(
                try sb.git(["log", "-1", "--format=%ct"], in: "ws").lines == [laterSeconds.map(String.init) ?? "?"])
            #expect(updated2.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
            #expect(Self.field("created_at", in: yaml2) == Self.field("created_at", in: yaml1))
            #expect(Self.field("id", in: yaml2) == id)
            #expect(
                try Self.trailers(sb, "ws") == [
                    "Pactoria-Contract: \(id)", "Pactoria-Event: contract.content_changed",
                    "Pactoria-Actor: Test User <test@example.co.uk>", "Pactoria-Version: 2",
                ])
            #expect(try sb.git(["status", "--porcelain"], in: "ws").stdout == "", "the bumped YAML is committed too")
            #expect(
                try sb.git(["show", "HEAD:companies/thames-digital/contracts/\(stem).yaml"], in: "ws").stdout == yaml2)

            // log: newest first, one line per version.
            let log = try sb.pactoria(["log", stem], in: "ws")
            #expect(log.exitCode == 0, "\(log)")
            #expect(log.lines.count == 2, "\(log)")
            if log.lines.count == 2 {
                #expect(
                    log.lines[0].contains("v2") && log.lines[0].contains("content_changed")
                        && log.lines[0].contains("Add accessibility clause"), "\(log)")
                #expect(
                    log.lines[1].contains("v1") && log.lines[1].contains("created")
                        && log.lines[1].contains("Add website redesign"), "\(log)")
                #expect(!log.stdout.contains("*"), "events come from trailers, not inferred")
            }
            let logJSON = try E2E.parseJSON(
                try sb.pactoria(["log", stem, "--json"], in: "ws"), as: [[String: Any]].self)
            #expect(logJSON.map { $0["version"] as? Int } == [2, 1])
            #expect(logJSON.map { $0["event"] as? String } == ["contract.content_changed", "contract.created"])
            #expect(
                logJSON.map { $0["commit"] as? String } == (try sb.git(["log", "-2", "--format=%H"], in: "ws")).lines)

            // show: as committed in version 1, and as of HEAD by id prefix.
            let v1 = try sb.pactoria(["show", stem, "--version", "1"], in: "ws")
            #expect(v1.exitCode == 0, "\(v1)")
            #expect(v1.stdout.hasSuffix(original), "\(v1)")
            #expect(!v1.stdout.contains(Self.addedLine))
            #expect(v1.stdout.contains("version: 1\n"))
            let atHead = try sb.pactoria(["show", String(id.prefix(8)), "--at", "HEAD"], in: "ws")
            #expect(atHead.exitCode == 0, "\(atHead)")
            #expect(atHead.stdout.hasSuffix(edited), "\(atHead)")
            #expect(atHead.stdout.contains(try sb.git(["rev-parse", "HEAD"], in: "ws").lines.first ?? "?"))

            // diff between the two commits: field changes and a unified content diff.
            let diff = try sb.pactoria(["diff", stem, "HEAD~1", "HEAD"], in: "ws")
            #expect(diff.exitCode == 0, "\(diff)")
            #expect(diff.lines.contains { $0.wholeMatch(of: /\s*version:\s+1 → 2/) != nil }, "\(diff)")
            #expect(
                diff.lines.contains { $0.hasPrefix("  updated_at:") && $0.contains("\(updated1) → \(updated2)") },
                "\(diff)")
            #expect(diff.lines.contains("+\(Self.addedLine)"), "\(diff)")
            #expect(diff.lines.contains { $0.hasPrefix("@@ ") }, "\(diff)")
            #expect(!diff.lines.contains { $0.hasPrefix("-") && !$0.hasPrefix("---") }, "only additions: \(diff)")

            // list: paging, case-insensitive search, status filter.
            let list = try E2E.parseJSON(try sb.pactoria(["list", "--json"], in: "ws"))
            #expect(list["total"] as? Int == 1 && list["page"] as? Int == 1)
            #expect(list["size"] as? Int == 20 && list["pages"] as? Int == 1)
            #expect((list["contracts"] as? [[String: Any]])?.first?["id"] as? String == id)
            let odd = String(
                Self.client.enumerated().map {
                    $0.offset % 2 == 0 ? Character($0.element.uppercased()) : Character($0.element.lowercased())
                })
            let found = try E2E.parseJSON(try sb.pactoria(["list", "--search", odd, "--json"], in: "ws"))
            #expect(found["total"] as? Int == 1, "search '\(odd)'")
            let foundText = try sb.pactoria(["list", "--search", Self.client.uppercased()], in: "ws")
            #expect(foundText.exitCode == 0 && foundText.lines.count == 2, "a header and one row: \(foundText)")
            #expect(foundText.lines.last?.hasPrefix(String(id.prefix(8)) + " ") == true, "\(foundText)")
            let active = try sb.pactoria(["list", "--status", "active"], in: "ws")
            #expect(active.exitCode == 0 && !active.stdout.contains(stem), "\(active)")
            #expect(active.stderr.contains("no contracts match"), "\(active)")
            #expect(
                try E2E.parseJSON(try sb.pactoria(["list", "--status", "active", "--json"], in: "ws"))["total"] as? Int
                    == 0)

            // The cache never reaches git.
            #expect(!(try sb.git(["ls-files"], in: "ws")).stdout.contains(".pactoria/cache"))
        }
    }

    /// The example workspace adopted as-is: counts are worked out from its files, not hard-coded.
    @Test("init adopts a copy of example-repo")
    func adoptExampleRepo() throws {
        let source = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("example-repo").resolvingSymlinksInPath()
        try #require(
            FileManager.default.fileExists(atPath: source.appendingPathComponent("companies").path), "\(source.path)")
        try E2E.withSandbox { sb in
            // A real copy (never a link to the source: the test must not write into the repository's sample).
            let demo = URL(fileURLWithPath: sb.path("demo"))
            try FileManager.default.copyItem(at: source, to: demo)
            let type = try FileManager.default.attributesOfItem(atPath: demo.path)[.type] as? FileAttributeType
            try #require(type == .typeDirectory, "copied example-repo is a \(String(describing: type))")
            for leftover in [".pactoria/cache", ".git"] where sb.exists("demo/\(leftover)") {
                try FileManager.default.removeItem(at: demo.appendingPathComponent(leftover))
            }

            // Every contract YAML and its status line, read directly.
            var statuses: [String: String] = [:]  // workspace-relative yaml path → status
            for company in try FileManager.default.contentsOfDirectory(atPath: sb.path("demo/companies")) {
                let dir = "demo/companies/\(company)/contracts"
                for file in (try? FileManager.default.contentsOfDirectory(atPath: sb.path(dir))) ?? []
                where file.hasSuffix(".yaml") {
                    statuses["companies/\(company)/contracts/\(file)"] =
                        Self.field("status", in: try sb.read("\(dir)/\(file)")) ?? "?"
                }
            }
            try #require(!statuses.isEmpty)

            let initialised = try sb.pactoria(["init", "demo"])
            #expect(initialised.exitCode == 0, "\(initialised)")
            #expect(initialised.stdout.contains("\(statuses.count) contracts"), "\(initialised)")

            let status = try sb.pactoria(["status"], in: "demo")
            #expect(status.exitCode == 0, "\(status)")
            #expect(status.stdout.contains("nothing to commit, working tree clean"), "\(status)")
            #expect(try sb.pactoria(["status", "--porcelain"], in: "demo").stdout == "")

            let list = try E2E.parseJSON(try sb.pactoria(["list", "--json", "--size", "100"], in: "demo"))
            #expect(list["total"] as? Int == statuses.count)
            #expect((list["contracts"] as? [Any])?.count == statuses.count)

            let tracked = Set(try sb.git(["ls-files"], in: "demo").lines)
            for yaml in statuses.keys {
                #expect(tracked.contains(yaml), "\(yaml) committed")
                #expect(tracked.contains(String(yaml.dropLast(5)) + ".md"), "\(yaml)'s content committed")
            }
            #expect(tracked.contains(".pactoria/config.yaml") && tracked.contains(".gitignore"))
            #expect(!tracked.contains { $0.hasPrefix(".pactoria/cache") }, "\(tracked)")
            #expect(
                try sb.git(["check-ignore", "-q", ".pactoria/cache/summaries"], in: "demo").exitCode == 0,
                "git ignores the cache")
            #expect(
                try sb.git(["status", "--porcelain"], in: "demo").stdout == "", "nothing left over, the cache included")

            // The first commit records every contract as created.
            let trailers = try Self.trailers(sb, "demo")
            #expect(trailers.filter { $0 == "Pactoria-Event: contract.created" }.count == statuses.count, "\(trailers)")

            for wanted in Set(statuses.values).union(["active"]) {
                let expected = statuses.values.filter { $0 == wanted }.count
                let r = try E2E.parseJSON(
                    try sb.pactoria(["list", "--status", wanted, "--json", "--size", "100"], in: "demo"))
                #expect(r["total"] as? Int == expected, "--status \(wanted)")
            }
        }
    }
}
