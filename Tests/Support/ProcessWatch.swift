import Foundation

/// Whether a process (not a child of this one) has ended, from `/proc`.
public enum ProcessWatch {
    /// True once `pid` is gone or a zombie (dead, waiting for a parent that may never reap it).
    public static func hasEnded(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // "pid (comm) S ...": the state follows the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    /// Waits up to `limit` for `pid` to end (a killed process takes a moment to go): true if it did.
    public static func waitForEnd(_ pid: Int32, limit: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if hasEnded(pid) { return true }
            usleep(10_000)
        }
        return hasEnded(pid)
    }

    /// The pid a script wrote to `file`, once it is there.
    public static func pid(inFile file: String, limit: Duration = .seconds(10)) -> Int32? {
        let deadline = ContinuousClock.now + limit
        repeat {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return pid
            }
            usleep(10_000)
        } while ContinuousClock.now < deadline
        return nil
    }
}
