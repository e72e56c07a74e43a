import Foundation
import PactoriaProcess
import PactoriaTestSupport
import Testing

/// The one subprocess runner (hooks, credential helpers, test tools), against real programs.
@Suite("ChildProcess")
struct ChildProcessTests {
    static let environment = ["PATH": "/usr/bin:/bin"]

    static func shell(
        _ script: String, input: [UInt8]? = nil, directory: String? = nil,
        errorOutput: ChildProcess.ErrorOutput = .capture,
        timeout: Duration? = .seconds(30), environment: [String: String] = Self.environment
    ) -> ChildProcess {
        ChildProcess(
            "/bin/sh", ["-c", script], environment: environment, directory: directory, input: input,
            errorOutput: errorOutput, timeout: timeout)
    }

    @Test func inputOutputErrorAndStatus() throws {
        let r = try Self.shell("cat; echo oops >&2; exit 3", input: Array("hello\n".utf8)).run()
        #expect(r.status == 3)
        #expect(String(decoding: r.output, as: UTF8.self) == "hello\n")
        #expect(String(decoding: r.errorOutput, as: UTF8.self) == "oops\n")
        let merged = try Self.shell("echo one; echo two >&2", errorOutput: .mergeWithOutput).run()
        #expect(String(decoding: merged.output, as: UTF8.self) == "one\ntwo\n")
        #expect(merged.errorOutput.isEmpty)
    }

    @Test func largeInputAndOutputDoNotDeadlock() throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 4 << 20)
        let r = try Self.shell("cat", input: big).run()
        #expect(r.status == 0 && r.output == big)
        // A child that exits without reading its input: EPIPE here, not SIGPIPE.
        let quitter = try Self.shell("exit 0", input: big).run()
        #expect(quitter.status == 0)
    }

    @Test func directoryAndEnvironment() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/pactoria-child-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.shell(
            "pwd; echo \"$GREETING\"", directory: dir, environment: Self.environment.merging(["GREETING": "hi"]) { $1 }
        ).run()
        let lines = String(decoding: r.output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(
            lines.count == 2
                && URL(fileURLWithPath: lines[0]).resolvingSymlinksInPath().path
                    == URL(fileURLWithPath: dir).resolvingSymlinksInPath().path
        )
        #expect(lines.last == "hi")
    }

    @Test func aSignalledChildReports128PlusTheSignal() throws {
        #expect(try Self.shell("kill -9 $$").run().status == 128 + 9)
    }

    @Test func aMissingProgramCannotStart() {
        #expect(throws: ProcessError.self) {
            try ChildProcess("/nonexistent/program", environment: [:]).run()
        }
    }

    @Test func aTimeoutKillsTheWholeProcessGroup() throws {
        let pidFile = FileManager.default.temporaryDirectory.path + "/pactoria-child-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        // The background sleep keeps standard output open, so only the timeout ends this.
        let child = Self.shell("sleep 300 & echo $! > '\(pidFile)'; sleep 300", timeout: .milliseconds(500))
        let start = ContinuousClock.now
        #expect(throws: ProcessError.timedOut(executable: "/bin/sh", after: .milliseconds(500))) { try child.run() }
        #expect(ContinuousClock.now - start < .seconds(20))
        let grandchild = try #require(ProcessWatch.pid(inFile: pidFile))
        #expect(ProcessWatch.waitForEnd(grandchild), "the hook's own child \(grandchild) outlived the timeout")
        #expect(
            "\(ProcessError.timedOut(executable: "hook", after: .seconds(2)))"
                == "hook did not finish within 2 seconds and was stopped")
    }
}
