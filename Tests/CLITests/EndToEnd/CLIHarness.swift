import Foundation
import PactoriaTestSupport
import Testing

/// Runs the built `pactoria` binary (and git, as an independent reader) in a throw-away directory
/// with a pinned environment: the end-to-end harness, in the spirit of swift-argument-parser's
/// TestHelpers and Jujutsu's CLI test environment. Namespaced so other test files can't collide.
enum E2E {
    struct Result: CustomStringConvertible {
        var arguments: [String]
        var exitCode: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
        var description: String {
            "$ \(arguments.joined(separator: " "))\nexit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
    }

    /// `$PACTORIA_BIN`, else `pactoria` in the build products directory this test bundle ran from.
    static let binary: Swift.Result<URL, HarnessError> = PactoriaBinary.find()
        .map { URL(fileURLWithPath: $0) }.mapError { HarnessError(description: $0.description) }

    /// A temporary directory holding a pinned HOME (an empty .gitconfig) and whatever a test makes.
    struct Sandbox {
        let root: URL
        var home: URL { root.appendingPathComponent("home") }

        func path(_ relative: String = "") -> String {
            relative.isEmpty ? root.path : root.appendingPathComponent(relative).path
        }
        func read(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }
        func write(_ text: String, to relative: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path(relative)))
        }
        func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path(relative)) }

        /// Nothing from the developer's environment leaks in but PATH; `overrides` may add or remove (nil).
        func environment(_ overrides: [String: String?] = [:]) -> [String: String] {
            var env = Hermetic.environment(home: home.path)
            env["PACTORIA_AUTHOR"] = "Test User <test@example.co.uk>"
            for (k, v) in overrides { env[k] = v }
            return env
        }

        /// Runs `pactoria` with `args` in `dir` (relative to the sandbox root).
        @discardableResult
        func pactoria(_ args: [String], in dir: String = "", env: [String: String?] = [:]) throws -> Result {
            try run(try binary.get(), args, in: dir, env: env)
        }

        /// Runs the git CLI, optionally feeding `input` on stdin.
        @discardableResult
        func git(_ args: [String], in dir: String = "", input: String? = nil) throws -> Result {
            try run(URL(fileURLWithPath: "/usr/bin/env"), ["git"] + args, in: dir, env: [:], input: input)
        }

        /// Output goes to files, not pipes: no deadlock on large output, no pipe ends leaking between
        /// processes spawned by tests running in parallel.
        func run(_ exe: URL, _ args: [String], in dir: String, env: [String: String?], input: String? = nil) throws
            -> Result
        {
            let io = root.appendingPathComponent(".io/\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: io, withIntermediateDirectories: true)
            for name in ["out", "err"] {
                _ = FileManager.default.createFile(atPath: io.appendingPathComponent(name).path, contents: nil)
            }
            try Data((input ?? "").utf8).write(to: io.appendingPathComponent("in"))
            let executable = exe.path == "/usr/bin/env" ? "/usr/bin/git" : exe.path
            let arguments = exe.path == "/usr/bin/env" ? Array(args.dropFirst(args.first == "git" ? 1 : 0)) : args
            let status: Int32
            do {
                status = try Spawn.run(
                    executable, arguments, directory: path(dir), environment: environment(env),
                    stdin: input == nil ? nil : io.appendingPathComponent("in").path,
                    stdout: io.appendingPathComponent("out").path, stderr: io.appendingPathComponent("err").path)
            } catch {
                throw HarnessError(description: "\(error)")
            }
            let read = { (name: String) in
                String(decoding: (try? Data(contentsOf: io.appendingPathComponent(name))) ?? Data(), as: UTF8.self)
            }
            let name = exe.lastPathComponent == "env" ? [String]() : [exe.lastPathComponent]
            return Result(arguments: name + args, exitCode: status, stdout: read("out"), stderr: read("err"))
        }
    }

    /// Makes a sandbox, runs `body` in it, and removes it afterwards.
    static func withSandbox<R>(_ body: (Sandbox) throws -> R) throws -> R {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pactoria-e2e-\(UUID().uuidString)")
        let sandbox = Sandbox(root: root)
        try FileManager.default.createDirectory(at: sandbox.home, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: sandbox.home.appendingPathComponent(".gitconfig").path, contents: Data())
        defer { try? FileManager.default.removeItem(at: root) }
        return try body(sandbox)
    }

    /// Parses JSON a command printed, failing with the whole output when it is not the expected shape.
    static func parseJSON<T>(_ r: Result, as: T.Type = [String: Any].self) throws -> T {
        guard r.exitCode == 0, let value = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)),
            let typed = value as? T
        else {
            throw HarnessError(description: "expected a \(T.self) in JSON:\n\(r)")
        }
        return typed
    }

    /// An error reported the Pactoria way: one `error:` line (plus an optional `hint:`), no crash.
    static func expectCleanError(_ r: Result, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.exitCode != 0, "\(r)", sourceLocation: sourceLocation)
        for crash in ["Fatal error", "Stack dump", "Backtrace", "Crash", "SIGILL", "SIGSEGV", "💣"] {
            #expect(!r.stderr.contains(crash) && !r.stdout.contains(crash), "\(r)", sourceLocation: sourceLocation)
        }
        let lines = r.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(
            r.stderr.hasSuffix("\n") ? 1 : 0)
        #expect(lines.first?.hasPrefix("error: ") == true, "\(r)", sourceLocation: sourceLocation)
        #expect(
            lines.count <= 2 && lines.dropFirst().allSatisfy { $0.hasPrefix("hint: ") }, "\(r)",
            sourceLocation: sourceLocation)
    }
}
