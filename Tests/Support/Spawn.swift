import Foundation
import PactoriaProcess

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program through `PactoriaProcess.ChildProcess` (the runner hooks and credential helpers
/// use): standard input from a file or bytes (or /dev/null), output and errors to files or bytes.
public enum Spawn {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes an executable script. The file is opened close-on-exec, so a process another test
    /// spawns meanwhile cannot inherit it open for writing, which would make running the script
    /// fail with "Text file busy" (ETXTBSY) for as long as that process lives.
    public static func writeExecutable(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw Failure(description: "cannot create \(path): errno \(errno)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(description: "cannot write \(path): errno \(errno)") }
            written += n
        }
        fchmod(fd, 0o755)
    }

    /// Returns the exit status (128 + signal for a signalled child). Times out after `timeout`
    /// (the program and everything it started are killed).
    public static func run(
        _ executable: String, _ arguments: [String], directory: String, environment: [String: String],
        stdin: String?, stdout: String, stderr: String, timeout: Duration = .seconds(60)
    ) throws -> Int32 {
        let input = try stdin.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let done = try launch(
            executable, arguments, directory: directory, environment: environment, input: input, timeout: timeout)
        guard FileManager.default.createFile(atPath: stdout, contents: Data(done.output)),
            FileManager.default.createFile(atPath: stderr, contents: Data(done.errorOutput))
        else { throw Failure(description: "cannot write \(stdout) or \(stderr)") }
        return done.status
    }

    /// `PactoriaProcess.ChildProcess`, with its failures as `Failure`. A program named without a
    /// slash is looked up in `PATH`.
    static func launch(
        _ executable: String, _ arguments: [String], directory: String, environment: [String: String],
        input: [UInt8]?, timeout: Duration
    ) throws -> ProcessResult {
        let program = executable.contains("/") ? executable : lookUp(executable, environment) ?? executable
        let child = ChildProcess(
            program, arguments, environment: environment, directory: directory, input: input, timeout: timeout)
        do {
            return try child.run()
        } catch .timedOut {
            throw Failure(description: "timed out after \(timeout): \(executable) \(arguments.joined(separator: " "))")
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    private static func lookUp(_ name: String, _ environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }
}

extension Spawn {
    /// Runs a program and returns its exit status, standard output (bytes) and standard error.
    public static func capture(
        _ executable: String, _ arguments: [String], directory: String, environment: [String: String],
        input: [UInt8]? = nil, timeout: Duration = .seconds(60)
    ) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        let done = try launch(
            executable, arguments, directory: directory, environment: environment, input: input, timeout: timeout)
        return (done.status, done.output, String(decoding: done.errorOutput, as: UTF8.self))
    }
}
