import Dispatch
import Foundation
import PactoriaCore
import PactoriaWorkspace

/// What the server keeps between requests: settings, the signing key, throttles, the security
/// log, and a serial queue for writes. Workspace state is read fresh from disk for each request,
/// so changes made by the CLI or by git are seen without a restart.
final class ServerState: Sendable {
    let config: ServerConfiguration
    let signingKey: [UInt8]
    let rateLimiter = RateLimiter()
    let loginGuard: LoginGuard
    let securityLog: SecurityLog
    let locator: ContractLocator
    let files: FreshFiles
    /// One writer at a time in this process; `WriteLock` (flock) covers other processes.
    private let writes = DispatchQueue(label: "pactoria.server.writes")
    private let reads = DispatchQueue(label: "pactoria.server.reads", attributes: .concurrent)

    init(config: ServerConfiguration) throws(WorkspaceError) {
        self.config = config
        let ws = try Workspace.open(root: config.root)
        signingKey = try UserStore.signingKey(ws)
        loginGuard = LoginGuard(maxFailures: config.lockoutFailures, lockSeconds: config.lockoutSeconds)
        securityLog = SecurityLog(ws)
        locator = ContractLocator(root: config.root)
        files = FreshFiles(root: config.root)
    }

    /// A fresh view of the workspace (its config re-read; the repository opened on demand).
    func workspace() throws -> Workspace {
        do throws(WorkspaceError) { return try files.workspace() } catch { throw APIError.from(error) }
    }

    /// Runs blocking read work off the event loop.
    func read<T: Sendable>(_ body: @escaping @Sendable (Workspace) throws -> T) async throws -> T {
        try await hop(reads) { [self] in try body(try workspace()) }
    }

    /// Runs a write: serialised in this process, under the workspace's write lock across processes.
    func write<T: Sendable>(_ body: @escaping @Sendable (Workspace) throws -> T) async throws -> T {
        try await hop(writes) { [self] in try body(try workspace()) }
    }

    private func hop<T: Sendable>(_ queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (k: CheckedContinuation<T, any Error>) in
            queue.async {
                do { k.resume(returning: try body()) } catch let e as WorkspaceError {
                    k.resume(throwing: APIError.from(e))
                } catch {
                    k.resume(throwing: error)
                }
            }
        }
    }

    var now: Int64 { Int64(Date().timeIntervalSince1970) }

    func securityEvent(
        _ kind: String, severity: String, context: PactoriaRequestContext, actor: String? = nil, company: String? = nil,
        detail: String
    ) {
        securityLog.record(SecurityLog.Event(
            time: Timestamp.now().description, kind: kind, severity: severity, actor: actor ?? context.identity?.email,
            company: company ?? context.identity?.company, address: context.remoteAddress, requestID: context.requestID,
            detail: detail))
        context.logger.warning("security event", metadata: ["kind": .string(kind), "detail": .string(detail)])
    }
}
