import Foundation
import Hummingbird
import Logging
import NIOPosix
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace
import Synchronization

/// What the server keeps between requests: settings, the signing key, throttles, the security
/// log, and the turn order of writes. Blocking work (files, libgit2, hooks, password hashing)
/// runs on NIO's thread pool, never on the event loops or Swift's cooperative threads. Workspace
/// state is read fresh from disk for each request, so changes made by the CLI or by git are seen
/// without a restart.
final class ServerState: Sendable {
    let config: ServerConfiguration
    let signingKey: [UInt8]
    let rateLimiter = RateLimiter()
    let loginGuard: LoginGuard
    let securityLog: SecurityLog
    let locator: ContractLocator
    /// Contract summaries in memory, kept current through inotify (for lists).
    let contracts = LiveContractIndex()
    /// The business figures of the live index, per company, reused while it is unchanged.
    let businessMetrics = BusinessMetricsMemo()
    let files: FreshFiles
    /// Rendered contract JSON by path, valid while the file stamp it was rendered from holds.
    let rendered = RenderCache()
    /// Tokens whose signature checked out (their claims), so a busy client is not re-verified on
    /// every request. Only the signature check is cached: the user, their generation (revocation),
    /// role and company are looked up in the users store on every request.
    let tokens = TokenCache()
    /// Requests answered since start, per route template, method and status class (`MetricsMiddleware`).
    let requests: RequestMetrics
    /// One writer at a time in this process; `WriteLock` (flock) covers other processes.
    private let writeTurns = SerialGate()

    init(config: ServerConfiguration) throws(WorkspaceError) {
        self.config = config
        requests = RequestMetrics(since: config.clock())
        let ws = try Workspace.open(root: config.root)
        // Finish a write a killed process (or this server, before a restart) left half-done.
        for note in Recovery.onOpen(ws) { FileHandle.standardError.write(Data("pactoria: \(note)\n".utf8)) }
        signingKey = try UserStore.signingKey(ws)
        loginGuard = LoginGuard(
            maxFailures: config.lockoutFailures, lockSeconds: config.lockoutSeconds, baseDelay: config.lockoutDelay)
        securityLog = SecurityLog(ws, clock: config.clock)
        locator = ContractLocator(root: config.root, live: contracts)
        files = FreshFiles(root: config.root)
        // A tracked users file is never trusted for login: say so once, with the way out.
        if let warning = UserStore.trackedFileWarning(ws) {
            let line = Wording.domain.line(warning, UserStore.trackedFileRemedy)
            FileHandle.standardError.write(Data("warning: \(line)\n".utf8))
        }
        // Build the contract index while the server starts, not on the first list request.
        let (contracts, root) = (self.contracts, config.root)
        NIOThreadPool.singleton.submit { state in
            guard case .active = state, let ws = try? Workspace.open(root: root) else { return }
            _ = contracts.index(ws)
        }
    }

    /// A fresh view of the workspace (its config re-read; the repository opened on demand).
    func workspace() throws -> Workspace {
        do throws(WorkspaceError) { return try files.workspace() } catch { throw APIError.from(error) }
    }

    /// Runs blocking read work on the thread pool.
    func read<T: Sendable>(_ body: @escaping @Sendable (Workspace) throws -> T) async throws -> T {
        try await blocking { [self] in try body(try workspace()) }
    }

    /// Runs a write on the thread pool: one at a time in this process (in the order they came),
    /// under the workspace's write lock across processes.
    func write<T: Sendable>(_ body: @escaping @Sendable (Workspace) throws -> T) async throws -> T {
        try await writeTurns.run { [self] in try await blocking { [self] in try body(try workspace()) } }
    }

    /// Runs `body` on NIO's blocking thread pool; a `WorkspaceError` becomes its `APIError`.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do { return try await NIOThreadPool.singleton.runIfActive(body) } catch let e as WorkspaceError {
            throw APIError.from(e)
        }
    }

    var now: Int64 { config.clock() }

    func securityEvent(
        _ kind: String, severity: String, context: PactoriaRequestContext, actor: String? = nil, company: String? = nil,
        detail: String
    ) {
        securityLog.record(
            SecurityLog.Event(
                time: Timestamp(secondsSinceEpoch: now).description, kind: kind, severity: severity,
                actor: actor ?? context.identity?.email,
                company: company ?? context.identity?.company, address: context.remoteAddress,
                requestID: context.id,
                detail: detail))
        var metadata: Logger.Metadata = ["kind": .string(kind), "detail": .string(detail)]
        if let actor = actor ?? context.identity?.email { metadata["actor"] = .string(actor) }
        context.logger.warning("security event", metadata: metadata)
    }
}

/// Runs async operations one at a time, in the order they arrive.
actor SerialGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await operation()
    }
}

/// Rendered contract JSON and its ETag by path, valid while the file stamp they came from holds.
final class RenderCache: Sendable {
    private let entries = Mutex<[String: (stamp: String, bytes: [UInt8], tag: String)]>([:])

    func get(_ path: String, stamp: String) -> (bytes: [UInt8], tag: String)? {
        entries.withLock { entries in
            guard let e = entries[path], e.stamp == stamp else { return nil }
            return (e.bytes, e.tag)
        }
    }

    func put(_ path: String, stamp: String, _ bytes: [UInt8], tag: String) {
        entries.withLock { entries in
            if entries.count > 20_000 { entries.removeAll() }
            entries[path] = (stamp, bytes, tag)
        }
    }
}

/// Signature-verified tokens and their claims; never a decision about who may do what.
final class TokenCache: Sendable {
    private let entries = Mutex<[String: TokenClaims]>([:])

    /// The claims of a token verified before, if it has not expired since.
    func get(_ token: String, now: Int64) -> TokenClaims? {
        entries.withLock { entries in
            guard let c = entries[token] else { return nil }
            if now >= c.expiresAt + JWT.leeway {
                entries[token] = nil
                return nil
            }
            return c
        }
    }

    func put(_ token: String, _ claims: TokenClaims) {
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[token] = claims
        }
    }
}
