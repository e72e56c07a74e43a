import Testing

/// Issue #12: crash safety, git-state recovery and the rules on every path.
///
/// Files by area: `Durability*.swift` (failed writes roll back, interrupted verbs, full disk,
/// temp files, the fault-injection suite), `Locks*.swift` and `Cache*.swift` (stale and
/// transient locks, cache validation), `Rules*.swift` (the lifecycle rules on every path),
/// `GitState*.swift` (pull, plain git merges, the pre-commit hook).
@Suite("Integrity") struct IntegritySuite {}
