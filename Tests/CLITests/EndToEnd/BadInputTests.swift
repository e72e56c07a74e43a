import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    import Darwin
    private let systemRead = Darwin.read
#endif

/// What the binary does with bad files, bad options and bad places: refuse clearly, change nothing.
@Suite("End to end: bad input")
struct BadInputTests {
    typealias Sandbox = E2E.Sandbox

    struct Workspace {
        var dir = "ws"
        var stem: String
        var id: String
        var yamlPath: String { "\(dir)/companies/thames-digital/contracts/\(stem).yaml" }
        var mdPath: String { "\(dir)/companies/thames-digital/contracts/\(stem).md" }
    }

    /// `init`, one company and one committed contract with every field the tests break.
    static func committedWorkspace(_ sb: Sandbox) throws -> Workspace {
        for args in [["init", "ws"], ["company", "add", "Thames Digital Ltd", "-C", "ws"]] {
            let r = try sb.pactoria(args)
            try #require(r.exitCode == 0, "\(r)")
        }
        let created = try sb.pactoria(
            [
                "new", "--json", "--company", "thames-digital", "--title", "Website Redesign", "--type",
                "service_agreement",
                "--client", "Harbour Foods Ltd", "--client-email", "ops@harbourfoods.co.uk", "--value", "15000.00",
                "--start", "2027-01-04", "--end", "2027-03-31",
            ], in: "ws")
        let json = try E2E.parseJSON(created)
        let ws = Workspace(stem: try #require(json["stem"] as? String), id: try #require(json["id"] as? String))
        let committed = try sb.pactoria(["commit", "-m", "Add website redesign"], in: "ws")
        try #require(committed.exitCode == 0, "\(committed)")
        return ws
    }

    /// HEAD, the index's bytes and its entries: what a refused commit must leave alone.
    struct RepositoryState: Equatable {
        var indexBytes: Data
        var entries: String
        var head: String

        init(_ sb: Sandbox, _ dir: String) throws {
            // Read first: git may refresh it.
            indexBytes = try Data(contentsOf: URL(fileURLWithPath: sb.path("\(dir)/.git/index")))
            entries = try sb.git(["ls-files", "-s"], in: dir).stdout
            head = try sb.git(["rev-parse", "HEAD"], in: dir).stdout
        }
    }

    /// Every file under `dir` except git's and the cache's, with its contents.
    static func files(_ sb: Sandbox, _ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let base = sb.path(dir)
        guard let walker = FileManager.default.enumerator(atPath: base) else { return out }
        while let rel = walker.nextObject() as? String {
            if rel == ".git" || rel == ".pactoria/cache" { walker.skipDescendants(); continue }
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: "\(base)/\(rel)", isDirectory: &isDir), !isDir.boolValue {
                out[rel] = FileManager.default.contents(atPath: "\(base)/\(rel)")
            } else {
                out[rel + "/"] = Data()
            }
        }
        return out
    }

    /// Replaces the first line starting with `prefix`; returns its 1-based line number.
    static func replaceLine(_ sb: Sandbox, _ file: String, startingWith prefix: String, with line: String) throws -> Int
    {
        var lines = try sb.read(file).components(separatedBy: "\n")
        let i = try #require(lines.firstIndex { $0.hasPrefix(prefix) }, "no line starting '\(prefix)' in \(file)")
        lines[i] = line
        try sb.write(lines.joined(separator: "\n"), to: file)
        return i + 1
    }

    // MARK: - Files that break the rules

    enum Malformation: String, CaseIterable, CustomTestStringConvertible {
        case mappingInPlainScalar, unclosedQuote
        var testDescription: String { rawValue }
    }

    @Test(
        "malformed YAML: status and commit name file:line; nothing is committed or staged",
        arguments: Malformation.allCases)
    func malformedYAML(_ kind: Malformation) throws {
        try E2E.withSandbox { sb in
            let ws = try Self.committedWorkspace(sb)
            let file = ws.yamlPath.dropFirst(ws.dir.count + 1)
            let line: Int
            switch kind {
            case .mappingInPlainScalar:
                line = try Self.replaceLine(sb, ws.yamlPath, startingWith: "title:", with: "title: Website: Redesign")
            // The last quoted value in the file, so nothing later closes the quote.
            case .unclosedQuote:
                line = try Self.replaceLine(sb, ws.yamlPath, startingWith: "  amount:", with: "  amount: \"15000.00")
            }
            func namesLine(_ text: String) -> Bool { text.contains("\(file):\(line):") }

            let status = try sb.pactoria(["status"], in: ws.dir)
            #expect(status.exitCode == 0, "status reports problems without failing: \(status)")
            #expect(status.stdout.contains("\(file):"), "\(status)")
            #expect(status.stdout.contains("invalid YAML"), "\(status)")
            let check = try sb.pactoria(["status", "--check", "--porcelain"], in: ws.dir)
            #expect(check.exitCode == 1, "\(check)")
            #expect(check.lines.contains { $0.hasPrefix("! \(file):") }, "\(check)")

            let before = try RepositoryState(sb, ws.dir)
            let commit = try sb.pactoria(["commit", "-m", "Break it"], in: ws.dir)
            #expect(commit.exitCode == 1, "\(commit)")
            E2E.expectCleanError(commit)
            #expect(commit.stderr.contains("\(file):"), "\(commit)")
            #expect(try RepositoryState(sb, ws.dir) == before, "a refused commit changes neither HEAD nor the index")
            #expect(try sb.git(["diff", "--cached", "--quiet"], in: ws.dir).exitCode == 0)
            #expect(try sb.git(["rev-list", "--count", "HEAD"], in: ws.dir).stdout == "2\n")

            #expect(namesLine(status.stdout), "\(status)")
            #expect(namesLine(commit.stderr), "\(commit)")
        }
    }

    enum BadField: String, CaseIterable, CustomTestStringConvertible {
        case email, endBeforeStart, both
        var testDescription: String { rawValue }
    }

    @Test("invalid fields: commit is refused naming field and line", arguments: BadField.allCases)
    func invalidField(_ kind: BadField) throws {
        try E2E.withSandbox { sb in
            let ws = try Self.committedWorkspace(sb)
            let file = ws.yamlPath.dropFirst(ws.dir.count + 1)
            var expected: [String] = []
            if kind != .endBeforeStart {
                let line = try Self.replaceLine(
                    sb, ws.yamlPath, startingWith: "  email:", with: "  email: not-an-email")
                expected.append("\(file):\(line): client.email:")
            }
            if kind != .email {
                let line = try Self.replaceLine(
                    sb, ws.yamlPath, startingWith: "end_date:", with: "end_date: 2026-12-31")
                expected.append("\(file):\(line): end_date:")
            }
            let status = try sb.pactoria(["status", "--porcelain"], in: ws.dir)
            #expect(status.lines.contains("M m thames-digital/\(ws.stem)"), "\(status)")
            for e in expected { #expect(status.lines.contains { $0.hasPrefix("! \(e)") }, "\(status)") }

            let before = try RepositoryState(sb, ws.dir)
            let commit = try sb.pactoria(["commit", "-m", "Break a field"], in: ws.dir)
            #expect(commit.exitCode == 1, "\(commit)")
            for e in expected { #expect(commit.stderr.contains(e), "\(commit)") }
            if expected.count == 1 {
                E2E.expectCleanError(commit)
            } else {
                let lines = commit.errorLines
                #expect(lines.first == "error: \(expected.count) problems found; nothing was changed", "\(commit)")
                #expect(
                    lines.count == expected.count + 1 && lines.dropFirst().allSatisfy { $0.hasPrefix("  \(file):") },
                    "\(commit)")
            }
            #expect(try RepositoryState(sb, ws.dir) == before)
            #expect(try sb.git(["diff", "--cached", "--quiet"], in: ws.dir).exitCode == 0)
        }
    }

    // MARK: - Bad options

    @Test(
        "new with a bad option exits 64 naming it, and writes nothing",
        arguments: [
            ("--company", ["--company", "../x"]), ("--company", ["--company", "thames-digital/../../x"]),
            ("--value", ["--company", "thames-digital", "--value", "12.345"]),
            ("--value", ["--company", "thames-digital", "--value=-5.00"]),
            ("--client-email", ["--company", "thames-digital", "--client-email", "nobody"]),
            ("--end", ["--company", "thames-digital", "--start", "2027-02-01", "--end", "2027-01-01"]),
        ])
    func newRejectsBadOption(_ option: String, _ args: [String]) throws {
        try E2E.withSandbox { sb in
            let ws = try Self.committedWorkspace(sb)
            let before = Self.files(sb, ws.dir)
            let escapeTarget = sb.path("x")
            let r = try sb.pactoria(
                ["new", "--title", "Escape Attempt", "--type", "nda", "--client", "Acme Ltd"] + args, in: ws.dir)
            #expect(r.exitCode == 64, "\(r)")
            E2E.expectCleanError(r)
            #expect(r.stderr.hasPrefix("error: \(option):"), "\(r)")
            #expect(r.stdout.isEmpty, "\(r)")
            #expect(Self.files(sb, ws.dir) == before, "no files written")
            #expect(!FileManager.default.fileExists(atPath: escapeTarget))
            #expect(try sb.git(["status", "--porcelain"], in: ws.dir).stdout == "")
        }
    }

    @Test("commit with an empty message exits 64")
    func emptyMessage() throws {
        try E2E.withSandbox { sb in
            let ws = try Self.committedWorkspace(sb)
            try sb.write(try sb.read(ws.mdPath) + "\nMore.\n", to: ws.mdPath)
            let r = try sb.pactoria(["commit", "-m", "   "], in: ws.dir)
            #expect(r.exitCode == 64, "\(r)")
            E2E.expectCleanError(r)
            #expect(r.stderr.contains("-m"), "\(r)")
            #expect(try sb.git(["rev-list", "--count", "HEAD"], in: ws.dir).stdout == "2\n")
        }
    }

    // MARK: - Wrong place, wrong name, nothing to do

    @Test(
        "every verb outside a workspace exits 128",
        arguments: [
            ["status"], ["commit", "-m", "x"], ["log"], ["list"], ["show", "abcd"], ["diff", "abcd"],
            ["company", "list"],
            ["company", "add", "Acme Ltd"],
            ["new", "--company", "acme", "--title", "T", "--type", "nda", "--client", "C"],
        ])
    func outsideWorkspace(_ args: [String]) throws {
        try E2E.withSandbox { sb in
            try FileManager.default.createDirectory(atPath: sb.path("plain/deeper"), withIntermediateDirectories: true)
            for r in [try sb.pactoria(args, in: "plain/deeper"), try sb.pactoria(args + ["-C", sb.path("plain")])] {
                #expect(r.exitCode == 128, "\(r)")
                #expect(r.stderr.contains("not a pactoria workspace (or any parent)"), "\(r)")
                E2E.expectCleanError(r)
            }
            #expect(Self.files(sb, "plain") == ["deeper/": Data()], "nothing written")
        }
    }

    @Test("a stem shared by two companies is ambiguous and lists both")
    func ambiguousStem() throws {
        try E2E.withSandbox { sb in
            #expect(try sb.pactoria(["init", "ws"]).exitCode == 0)
            var refs: [String] = []
            for (name, slug) in [("Thames Digital Ltd", "thames"), ("Harbour Foods Ltd", "harbour")] {
                #expect(try sb.pactoria(["company", "add", name, "--slug", slug], in: "ws").exitCode == 0)
                let created = try E2E.parseJSON(
                    try sb.pactoria(
                        [
                            "new", "--json", "--company", slug, "--title", "Mutual NDA", "--type", "nda", "--client",
                            "Acme Ltd",
                        ], in: "ws"))
                #expect(created["company"] as? String == slug)
                refs.append("\(slug)/\(try #require(created["stem"] as? String))")
            }
            let stems = Set(refs.map { $0.split(separator: "/")[1] })
            try #require(stems.count == 1, "same title, same stem: \(refs)")
            let stem = String(stems.first!)
            for ref in refs {
                #expect(sb.exists("ws/companies/\(ref.replacingOccurrences(of: "/", with: "/contracts/")).yaml"))
            }
            for verb in [["show", stem], ["log", stem], ["diff", stem]] {
                let r = try sb.pactoria(verb, in: "ws")
                #expect(r.exitCode == 1, "\(r)")
                E2E.expectCleanError(r)
                #expect(r.stderr.contains("ambiguous"), "\(r)")
                for ref in refs { #expect(r.stderr.contains(ref), "\(r)") }
                #expect(r.stderr.contains("\nhint: "), "\(r)")
            }
            for ref in refs {
                let r = try sb.pactoria(["show", ref], in: "ws")
                #expect(r.exitCode == 0 && r.stdout.contains("Contract: \(ref)"), "\(r)")
            }
        }
    }

    @Test("an unknown contract exits 1 with 'no contract matches'")
    func unknownContract() throws {
        try E2E.withSandbox { sb in
            let ws = try Self.committedWorkspace(sb)
            // An id prefix that is not this contract's.
            let other = ws.id.hasPrefix("0000") ? "ffff" : "0000"
            for args in [
                ["show", "no-such-contract"], ["log", other], ["diff", "nope-not-here", "HEAD"], ["show", "zz"],
            ] {
                let r = try sb.pactoria(args, in: ws.dir)
                #expect(r.exitCode == 1, "\(r)")
                E2E.expectCleanError(r)
                #expect(r.stderr.contains("no contract matches"), "\(r)")
            }
        }
    }

    @Test("commit with nothing changed exits 1 and commits nothing")
    func nothingToCommit() throws {
        try E2E.withSandbox { sb in
            #expect(try sb.pactoria(["init", "fresh"]).exitCode == 0)
            let fresh = try sb.pactoria(["commit", "-m", "Nothing"], in: "fresh")
            #expect(fresh.exitCode == 1, "\(fresh)")
            E2E.expectCleanError(fresh)
            #expect(fresh.stderr.contains("nothing to commit"), "\(fresh)")

            let ws = try Self.committedWorkspace(sb)
            let head = try sb.git(["rev-parse", "HEAD"], in: ws.dir).stdout
            let again = try sb.pactoria(["commit", "-m", "Again"], in: ws.dir)
            #expect(again.exitCode == 1, "\(again)")
            E2E.expectCleanError(again)
            #expect(again.stderr.contains("nothing to commit"), "\(again)")
            #expect(try sb.git(["rev-parse", "HEAD"], in: ws.dir).stdout == head)
        }
    }

    // MARK: - Colour

    @Test("--no-color and NO_COLOR: no escape sequences, even on a terminal")
    func noColour() throws {
        try E2E.withSandbox { sb in
            let ws = try Self.committedWorkspace(sb)
            try sb.write(try sb.read(ws.mdPath) + "\nAn extra paragraph.\n", to: ws.mdPath)
            let esc = "\u{1B}"
            let commands = [["log"], ["log", ws.stem], ["status"], ["list"], ["diff", ws.stem], ["show", ws.stem]]
            // Positive control: colour is on for a terminal without NO_COLOR, so the checks below mean something.
            let coloured = try sb.pactoriaOnTerminal(["log"], in: ws.dir, env: ["NO_COLOR": nil])
            #expect(coloured.contains(esc), "expected colour on a terminal: \(coloured.debugDescription)")
            for args in commands {
                let flag = try sb.pactoriaOnTerminal(args + ["--no-color"], in: ws.dir, env: ["NO_COLOR": nil])
                #expect(!flag.isEmpty && !flag.contains(esc), "\(args) --no-color: \(flag.debugDescription)")
                let env = try sb.pactoriaOnTerminal(args, in: ws.dir, env: ["NO_COLOR": "1"])
                #expect(!env.isEmpty && !env.contains(esc), "\(args) with NO_COLOR: \(env.debugDescription)")
                let piped = try sb.pactoria(args, in: ws.dir, env: ["NO_COLOR": nil])
                #expect(piped.exitCode == 0 && !piped.stdout.contains(esc) && !piped.stderr.contains(esc), "\(piped)")
            }
        }
    }
}

extension E2E.Sandbox {
    /// Runs pactoria with stdout on a pseudo-terminal (stderr discarded) and returns what it printed.
    func pactoriaOnTerminal(_ args: [String], in dir: String, env: [String: String?]) throws -> String {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw E2E.HarnessError(description: "cannot open /dev/ptmx (errno \(errno))") }
        defer { close(master) }
        let slavePath: String
        #if os(Linux)
            // unlockpt(3) and ptsname(3) by hand: Glibc's module map does not export them.
            let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
            var unlock: Int32 = 0
            var number: UInt32 = 0
            guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
                throw E2E.HarnessError(description: "cannot set up a pseudo-terminal (errno \(errno))")
            }
            slavePath = "/dev/pts/\(number)"
        #else
            guard grantpt(master) == 0, unlockpt(master) == 0, let name = ptsname(master) else {
                throw E2E.HarnessError(description: "cannot set up a pseudo-terminal (errno \(errno))")
            }
            slavePath = String(cString: name)
        #endif
        let slave = open(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            throw E2E.HarnessError(description: "cannot open the pseudo-terminal (errno \(errno))")
        }
        let p = Process()
        p.executableURL = try E2E.binary.get()
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: path(dir))
        p.environment = environment(env)
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch {
            close(slave)
            throw error
        }
        close(slave)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, 100)
            if ready > 0 {
                let n = systemRead(master, &buffer, buffer.count)
                if n > 0 { out += buffer[0..<n] } else { break }  // EIO: the terminal's last writer has gone
            } else if ready == 0 && !p.isRunning {
                break
            }
        }
        p.waitUntilExit()
        return String(decoding: out, as: UTF8.self)
    }
}
