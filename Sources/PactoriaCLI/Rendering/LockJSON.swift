import PactoriaWorkspace

/// A git lock file in `status --json`: `{path, state: held|stale|unknown, age_seconds, pid?, holder?, hint}`.
enum LockJSON {
    static func object(_ l: GitLock) -> [String: Any] {
        var o: [String: Any] = ["path": l.path, "age_seconds": Int(l.age), "hint": l.hint, "message": l.description]
        switch l.state {
        case .held(let pid, let command):
            o["state"] = "held"
            o["pid"] = Int(pid)
            o["holder"] = command
        case .stale: o["state"] = "stale"
        case .unknown: o["state"] = "unknown"
        }
        return o
    }
}
