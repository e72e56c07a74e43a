import ArgumentParser
import PactoriaCore
import PactoriaWorkspace

/// Turns a failure into one clear line on stderr (plus a hint, plus detail with --verbose) and an
/// exit code that means something. The library names fields and remedies in domain terms; they
/// are worded here as flags and commands (`Wording.cli`).
enum Failure {
    static func report(_ error: WorkspaceError, verbose: Bool) -> ExitCode {
        switch error {
        case .invalid(let problems) where problems.count > 1:
            Terminal.err("error: \(problems.count) problems found; nothing was changed")
            for p in problems { Terminal.err("  \(p)") }
        default:
            Terminal.err("error: \(error.text(.cli))")
        }
        if case .rule(_, let v) = error, verbose { Terminal.err("rule: \(v.rule.rawValue)") }
        if let hint = error.hint(.cli) { Terminal.err("hint: \(hint)") }
        if verbose, let detail = error.detail { Terminal.err("detail: \(detail)") }
        return exitCode(error)
    }

    static func exitCode(_ error: WorkspaceError) -> ExitCode {
        switch error {
        case .invalidInput, .incomplete: return ExitCode(64)
        case .offline: return ExitCode(2)
        case .notAWorkspace, .repository, .io: return ExitCode(128)
        default: return ExitCode(1)
        }
    }
}

extension ParsableCommand {
    /// Runs `body`, reporting a `WorkspaceError` the Pactoria way.
    func guarded(_ global: GlobalOptions, _ body: () throws(WorkspaceError) -> Void) throws(ExitCode) {
        try guardedRun(global, body)
    }
}

/// Runs `body`, reporting a `WorkspaceError` the Pactoria way.
func guardedRun(_ global: GlobalOptions, _ body: () throws(WorkspaceError) -> Void) throws(ExitCode) {
    do {
        try body()
    } catch {
        throw Failure.report(error, verbose: global.verbose)
    }
}
