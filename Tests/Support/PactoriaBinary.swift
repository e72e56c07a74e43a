import Foundation

/// The built `pactoria` executable, for tests that run it: `$PACTORIA_BIN`, else `pactoria` (or
/// `debug/pactoria`) in a folder above this test process (the build products directory). The
/// failure names what was looked at and how to fix it.
public enum PactoriaBinary {
    public static func find() -> Result<String, Failure> {
        let fm = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["PACTORIA_BIN"], !explicit.isEmpty {
            return fm.isExecutableFile(atPath: explicit)
                ? .success(explicit) : .failure(Failure(description: "PACTORIA_BIN=\(explicit) is not an executable"))
        }
        let starts = [
            (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "", CommandLine.arguments.first ?? "",
            Bundle.main.bundlePath,
        ]
        var looked: [String] = []
        for start in starts where !start.isEmpty {
            var dir = URL(fileURLWithPath: start).standardizedFileURL
            while dir.path != "/" {
                dir = dir.deletingLastPathComponent()
                for candidate in [dir.appendingPathComponent("pactoria"), dir.appendingPathComponent("debug/pactoria")]
                {
                    var isDir: ObjCBool = false
                    if fm.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue,
                        fm.isExecutableFile(atPath: candidate.path)
                    {
                        return .success(candidate.path)
                    }
                }
                if looked.count < 3 { looked.append(dir.path) }
            }
        }
        return .failure(
            Failure(
                description: """
                    the pactoria binary is not built (looked beside the test bundle: \(looked.joined(separator: ", ")), …). \
                    Run `swift build` first, with the same --scratch-path as `swift test`, or set PACTORIA_BIN.
                    """))
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }
}
