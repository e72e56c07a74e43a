import Foundation
import PactoriaCrypto
public import PactoriaGit
import PactoriaProcess

/// What happened when a domain-event hook was due to run.
public struct HookRun: Sendable {
    public var event: String
    public var path: String
    public var exitCode: Int32
    public var output: String
    /// True when the hook was not run: it is not approved on this machine (or changed since).
    public var skipped: Bool = false
    /// What would let a skipped hook run (approving it on this machine).
    public var remedy: Remedy? = nil
    /// Set when the hook overran this limit and was stopped, with everything it started.
    public var timedOut: Duration? = nil
    public var succeeded: Bool { exitCode == 0 && !skipped && timedOut == nil }

    /// One line for the user when the hook failed or was skipped.
    public var warning: String? { warning(.domain) }

    /// One line for the user when the hook failed or was skipped, its remedy worded by `w`.
    public func warning(_ w: Wording) -> String? {
        if skipped { return w.line(output, remedy) }
        if let timedOut {
            return "hook \(path) did not finish within \(Hooks.describe(timedOut)) and was stopped; the commit stands"
        }
        return succeeded ? nil : "hook \(path) failed (exit \(exitCode)); the commit stands"
    }
}

/// A tracked hook and whether this machine runs it.
public struct HookStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Its current content is on this machine's allow-list.
        case approved
        /// Never approved here.
        case notApproved = "not approved"
        /// Approved once, but its content changed since.
        case changed
        /// Not a regular file (a symbolic link or special file): never run, cannot be approved.
        case refused
    }

    public var event: String
    public var path: String
    /// SHA-256 of the content, hex (nil for a refused entry).
    public var sha256: String?
    public var state: State
}

/// Domain events as hooks: a file at `.pactoria/hooks/<event>` (for example
/// `.pactoria/hooks/contract.activated`) runs after the commit with the event as JSON on standard
/// input. A failing hook is reported; it never undoes the commit. A hook still running after
/// `timeout(_:environment:)` is stopped with every process it started (its process group) and
/// reported the same way, so a hook that hangs cannot hold the write queue.
///
/// The hooks directory is tracked, so anyone who can push can write a hook: a hook runs only when
/// its exact content (SHA-256) is on this machine's allow-list, `<git dir>/pactoria/approved-hooks`,
/// which is never cloned or pushed and is written only by approving a hook. An unapproved
/// or changed hook is skipped and reported once per run; it is never executed.
public enum Hooks {
    public static let directory = ".pactoria/hooks"

    /// Lines `<sha256> <event>`.
    static func approvalsPath(_ ws: Workspace) throws(WorkspaceError) -> String {
        try InstallHooks.gitDirectory(ws) + "/pactoria/approved-hooks"
    }

    static func approvals(_ ws: Workspace) -> [String: Set<String>] {
        guard let path = try? approvalsPath(ws), let text = try? FileSystem.readText(path) else { return [:] }
        var out: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            out[String(parts[1]), default: []].insert(String(parts[0]))
        }
        return out
    }

    /// Every file in `.pactoria/hooks/`, with its hash and whether this machine runs it.
    public static func list(_ ws: Workspace) -> [HookStatus] {
        let approved = approvals(ws)
        return FileSystem.list(ws.absolute(directory)).filter { !$0.hasPrefix(".") }.sorted().map { event in
            status(ws, event: event, approved: approved)
        }
    }

    static func status(_ ws: Workspace, event: String, approved: [String: Set<String>]) -> HookStatus {
        let rel = "\(directory)/\(event)"
        guard let bytes = try? ws.read(rel) else {
            return HookStatus(event: event, path: rel, sha256: nil, state: .refused)
        }
        let hash = Digest.sha256Hex(bytes)
        let state: HookStatus.State =
            approved[event]?.contains(hash) == true ? .approved : approved[event] == nil ? .notApproved : .changed
        return HookStatus(event: event, path: rel, sha256: hash, state: state)
    }

    /// Puts the current content of the hook for `event` (every hook when nil) on this machine's
    /// allow-list, replacing earlier approvals of the same event. Returns what was approved.
    public static func approve(_ ws: Workspace, event: String?) throws(WorkspaceError) -> [HookStatus] {
        var chosen = list(ws)
        if let event {
            chosen = chosen.filter { $0.event == event }
            guard !chosen.isEmpty else { throw .notFound("no hook \(directory)/\(event)") }
        }
        if let bad = chosen.first(where: { $0.state == .refused }) {
            throw .refused("\(bad.path) is not a regular file (a symbolic link or special file); it cannot be approved")
        }
        var approved = approvals(ws)
        for h in chosen { if let hash = h.sha256 { approved[h.event] = [hash] } }
        var text = ""
        for (event, hashes) in approved.sorted(by: { $0.key < $1.key }) {
            for hash in hashes.sorted() { text += "\(hash) \(event)\n" }
        }
        try FileSystem.writeAtomically(text, to: try approvalsPath(ws))
        return chosen.map {
            var h = $0; h.state = .approved; return h
        }
    }

    public static func run(_ ws: Workspace, events: [ContractEvent], commit: ObjectID) -> [HookRun] {
        var runs: [HookRun] = []
        var skipped = Set<String>()
        let approved = approvals(ws)
        let limit = timeout(ws.config, environment: ProcessInfo.processInfo.environment)
        for e in events {
            let rel = "\(directory)/\(e.event)"
            let path = ws.absolute(rel)
            guard FileSystem.kind(path) != nil else { continue }
            let hook = status(ws, event: e.event, approved: approved)
            guard hook.state == .approved else {
                // Reported once per run, however many events it was due for.
                if skipped.insert(e.event).inserted {
                    let why =
                        hook.state == .refused
                        ? "is not a regular file and never runs"
                        : hook.state == .changed
                            ? "changed since it was approved on this machine" : "is not approved on this machine"
                    runs.append(
                        HookRun(
                            event: e.event, path: rel, exitCode: -1, output: "hook \(rel) \(why)", skipped: true,
                            remedy: hook.state == .refused ? nil : .approveHook(event: e.event)))
                }
                continue
            }
            guard FileManager.default.isExecutableFile(atPath: path) else { continue }
            runs.append(
                execute(
                    path: path, relative: rel, payload: payload(e, commit: commit), workspace: ws.root, event: e.event,
                    timeout: limit))
        }
        return runs
    }

    static func payload(_ e: ContractEvent, commit: ObjectID) -> [UInt8] {
        var object: [String: Any] = [
            "event": e.event, "contract_id": e.id, "company": e.ref.company, "path": e.ref.yamlPath,
            "version": e.version, "commit": commit.hex,
        ]
        if let v = e.from { object["from"] = v }
        if let v = e.to { object["to"] = v }
        if let v = e.actor { object["actor"] = v }
        if let v = e.reason { object["reason"] = v }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Array(data) + [0x0A]
    }

    /// How long a hook may run before it is stopped with everything it started:
    /// `PACTORIA_HOOK_TIMEOUT` seconds, else `hooks.timeout` seconds in the config, else 60 seconds.
    public static func timeout(_ config: WorkspaceConfig?, environment: [String: String]) -> Duration {
        for text in [environment["PACTORIA_HOOK_TIMEOUT"], config?.tree["hooks"]?["timeout"]?.string] {
            if let text, let seconds = Double(text), seconds > 0, seconds < 1e9 {
                return .milliseconds(Int64(seconds * 1000))
            }
        }
        return .seconds(60)
    }

    static func execute(
        path: String, relative: String, payload: [UInt8], workspace: String, event: String, timeout limit: Duration
    ) -> HookRun {
        var env = ProcessInfo.processInfo.environment
        env["PACTORIA_EVENT"] = event
        env["PACTORIA_WORKSPACE"] = workspace
        let hook = ChildProcess(
            path, environment: env, directory: workspace, input: payload, errorOutput: .mergeWithOutput,
            timeout: limit)
        do {
            let done = try hook.run()
            let text = String(decoding: done.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return HookRun(event: event, path: relative, exitCode: done.status, output: text)
        } catch .timedOut {
            return HookRun(event: event, path: relative, exitCode: -1, output: "", timedOut: limit)
        } catch {
            return HookRun(event: event, path: relative, exitCode: 127, output: "\(error)")
        }
    }

    static func describe(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        let text = ms % 1000 == 0 ? "\(ms / 1000)" : String(format: "%.1f", Double(ms) / 1000)
        return text + (text == "1" ? " second" : " seconds")
    }
}

// MARK: - The pre-commit hook: what is being committed

extension Hooks {
    /// The tree of what is being committed (#12.20). git runs the pre-commit hook with
    /// `GIT_INDEX_FILE` naming the index it is about to commit: `.git/index` after `git add`, a
    /// locked copy for `git commit -a`, a temporary one for `git commit PATH`. That index is read,
    /// never the working tree; without the variable, the repository's own index.
    public static func stagedTree(_ repo: Repository, environment: [String: String]? = nil) throws(WorkspaceError)
        -> ObjectID
    {
        let environment = environment ?? ProcessInfo.processInfo.environment
        do {
            if let file = environment["GIT_INDEX_FILE"], !file.isEmpty {
                let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
                return try repo.index(atPath: path).writeTree()
            }
            return try repo.index().writeTree()
        } catch {
            throw .repository("cannot read the index being committed", detail: "\(error)")
        }
    }

    /// Findings that stop any commit during a merge (#12.3, #12.17): a pull interrupted while it
    /// changed the files, or a conflict (a field, a rule, a deletion, conflict markers) not yet
    /// resolved.
    public static func mergeFindings(_ ws: Workspace) -> [Check.Finding] {
        guard let state = MergeState.current(ws) else { return [] }
        if state.applying {
            let refusal = state.commitRefusal()
            return [
                Check.Finding(
                    file: ".git", line: nil, commit: nil, rule: "merge-interrupted", message: refusal?.message ?? "",
                    remedy: refusal?.remedy)
            ]
        }
        return state.unresolved.map { c in
            let what =
                c.fields.map(\.field) + (c.content ? ["content"] : [])
                + (c.deletion ? ["deleted by \(state.theirsLabel)"] : []) + c.violations
            return Check.Finding(
                file: c.ref.yamlPath, line: nil, commit: nil, rule: "merge-conflict",
                message: "unresolved merge conflict (\(what.joined(separator: "; ")))", remedy: .resolveConflict(c.ref))
        }
    }
}
