import Foundation
import Testing

/// Runs the built `pactoria` binary (and git, as an independent reader) in a throw-away directory
/// with a pinned environment: the end-to-end harness, in the spirit of swift-argument-parser's
/// TestHelpers and Jujutsu's CLI test environment.
struct CLIResult: CustomStringConvertible {
    var arguments: [String]
    var exitCode: Int32
    var stdout: String
    var stderr: String
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    var description: String { "$ \(arguments.joined(separator: " "))\nexit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

enum PactoriaBinary {
    /// `$PACTORIA_BIN`, else `pactoria` in the build products directory this test bundle ran from.
    static let location: Result<URL, HarnessError> = {
        let fm = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["PACTORIA_BIN"], !explicit.isEmpty {
            return fm.isExecutableFile(atPath: explicit)
                ? .success(URL(fileURLWithPath: explicit)) : .failure(HarnessError(description: "PACTORIA_BIN=\(explicit) is not an executable"))
        }
        let starts = [(try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "", CommandLine.arguments.first ?? "", Bundle.main.bundlePath]
        var looked: [String] = []
        for start in starts where !start.isEmpty {
            var dir = URL(fileURLWithPath: start).standardizedFileURL
            while dir.path != "/" {
                dir = dir.deletingLastPathComponent()
                for candidate in [dir.appendingPathComponent("pactoria"), dir.appendingPathComponent("debug/pactoria")] {
                    var isDir: ObjCBool = false
                    if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: candidate.path) {
                        return .success(candidate)
                    }
                }
                if looked.count < 4 { looked.append(dir.path) }
            }
        }
        return .failure(HarnessError(description: "the pactoria binary is not built (looked beside the test bundle in \(looked.joined(separator: ", "))): run `swift build` first (with the same --scratch-path as `swift test`), or set PACTORIA_BIN"))
    }()
}

/// A temporary directory holding a pinned HOME (empty .gitconfig) and whatever a test makes.
struct Sandbox {
    let root: URL
    var home: URL { root.appendingPathComponent("home") }

    func path(_ relative: String = "") -> String { relative.isEmpty ? root.path : root.appendingPathComponent(relative).path }

    func environment(_ overrides: [String: String?] = [:]) -> [String: String] {
        var env = [
            "HOME": home.path, "GIT_CONFIG_NOSYSTEM": "1", "NO_COLOR": "1", "TZ": "UTC", "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "PACTORIA_AUTHOR": "Test User <test@example.co.uk>",
        ]
        for (k, v) in overrides { env[k] = v }
        return env
    }

    /// Runs `pactoria` with `args` in `dir` (relative to the sandbox root).
    @discardableResult
    func pactoria(_ args: [String], in dir: String = "", env: [String: String?] = [:]) throws -> CLIResult {
        try run(try PactoriaBinary.location.get(), args, in: dir, env: env)
    }

    /// Runs the git CLI, optionally feeding `input` on stdin.
    @discardableResult
    func git(_ args: [String], in dir: String = "", input: String? = nil) throws -> CLIResult {
        try run(URL(fileURLWithPath: "/usr/bin/env"), ["git"] + args, in: dir, env: [:], input: input)
    }

    func run(_ exe: URL, _ args: [String], in dir: String, env: [String: String?], input: String? = nil) throws -> CLIResult {
        let io = root.appendingPathComponent(".io/\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: io, withIntermediateDirectories: true)
        for name in ["out", "err", "in"] { FileManager.default.createFile(atPath: io.appendingPathComponent(name).path, contents: nil) }
        if let input { try Data(input.utf8).write(to: io.appendingPathComponent("in")) }
        let p = Process()
        p.executableURL = exe
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: path(dir))
        p.environment = environment(env)
        p.standardInput = input == nil ? FileHandle.nullDevice : try FileHandle(forReadingFrom: io.appendingPathComponent("in"))
        p.standardOutput = try FileHandle(forWritingTo: io.appendingPathComponent("out"))
        p.standardError = try FileHandle(forWritingTo: io.appendingPathComponent("err"))
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        if done.wait(timeout: .now() + 60) == .timedOut {
            p.terminate()
            throw HarnessError(description: "timed out: \(exe.lastPathComponent) \(args.joined(separator: " "))")
        }
        let read = { (name: String) in String(decoding: (try? Data(contentsOf: io.appendingPathComponent(name))) ?? Data(), as: UTF8.self) }
        return CLIResult(arguments: [exe.lastPathComponent] + args, exitCode: p.terminationStatus, stdout: read("out"), stderr: read("err"))
    }
}

/// Makes a sandbox, runs `body` in it, and removes it afterwards.
func withSandbox<R>(_ body: (Sandbox) throws -> R) throws -> R {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pactoria-e2e-\(UUID().uuidString)")
    let sandbox = Sandbox(root: root)
    try FileManager.default.createDirectory(at: sandbox.home, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: sandbox.home.appendingPathComponent(".gitconfig").path, contents: Data())
    defer { try? FileManager.default.removeItem(at: root) }
    return try body(sandbox)
}
