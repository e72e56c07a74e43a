import Foundation
import PactoriaGit

/// What every test pins, wherever the test binary runs from: the built-in templates of this
/// checkout (found from this file's path, not from the working directory or the executable),
/// libgit2 with no machine or user git configuration, and an environment for spawned processes
/// (`pactoria`, git) with its own HOME and no global or system git configuration. Time and ids are
/// pinned per run where a test asks: `PACTORIA_NOW` (an ISO-8601 instant) and `PACTORIA_SEED`.
public enum Hermetic {
    /// The package root: three levels above this file (`Tests/Support/Hermetic.swift`).
    public static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The checkout's built-in templates, set as PACTORIA_TEMPLATES for this process and every
    /// process a test starts.
    public static var templates: String { packageRoot + "/templates" }

    /// A seed for `PACTORIA_SEED`, for tests that pin contract ids (not set by default: clones of one
    /// workspace must still draw distinct ids).
    public static let seed = "pactoria-tests"

    /// An empty directory: libgit2's configuration search path for this process.
    public static let emptyConfigDirectory: String = {
        let dir = NSTemporaryDirectory() + "pactoria-tests-gitconfig-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    private static let once: Void = {
        setenv("PACTORIA_TEMPLATES", templates, 1)
        // No ~/.gitconfig, /etc/gitconfig or XDG git config reaches repositories opened in process.
        do { try Git.isolateConfigForTests(at: emptyConfigDirectory) } catch {
            FileHandle.standardError.write(Data("warning: git configuration not isolated: \(error)\n".utf8))
        }
    }()

    /// Applies the process-wide settings (once; every harness entry point calls it).
    public static func setUp() { _ = once }

    /// The environment of a spawned `pactoria` or git: HOME and XDG_CONFIG_HOME in `home`, no
    /// global or system git configuration, UTC, no colour, the checkout's templates.
    public static func environment(home: String) -> [String: String] {
        setUp()
        return [
            "HOME": home, "XDG_CONFIG_HOME": home + "/.config", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": home + "/.gitconfig", "NO_COLOR": "1", "TZ": "UTC", "LANG": "C.UTF-8",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "PACTORIA_TEMPLATES": templates,
        ]
    }
}
