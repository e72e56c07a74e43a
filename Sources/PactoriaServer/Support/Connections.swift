import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The server's descriptor and connection budget, shared by every connection's `ConnectionGate`.
///
/// Up to `limit` connections are served normally, and no more than `perAddress` of them from one
/// address. Past either, a connection is *overflow*: it has `overflowDeadline` to send a request
/// head, may only ask for `/health` or `/ready` (answered, then closed) and gets 503 with
/// Retry-After for anything else. Past `ceiling` a connection is closed as soon as it is
/// accepted, so descriptors stay below the process's limit whatever a client does.
final class ConnectionBudget: Sendable {
    let limit: Int
    let ceiling: Int
    let perAddress: Int
    let overflowDeadline: TimeAmount
    private let state = Mutex<(total: Int, byAddress: [String: Int])>((0, [:]))

    init(limit: Int, ceiling: Int? = nil, perAddress: Int? = nil, overflowDeadline: TimeAmount = .seconds(2)) {
        self.limit = max(1, limit)
        self.ceiling = max(self.limit, ceiling ?? 2 * self.limit)
        self.perAddress = max(1, perAddress ?? max(1, limit / 4))
        self.overflowDeadline = overflowDeadline
    }

    enum Admission { case normal, overflow, refuse }

    func admit(_ address: String) -> Admission {
        state.withLock { s in
            s.total += 1
            let mine = (s.byAddress[address] ?? 0) + 1
            s.byAddress[address] = mine
            if s.total > ceiling { return .refuse }
            return s.total > limit || mine > perAddress ? .overflow : .normal
        }
    }

    func release(_ address: String) {
        state.withLock { s in
            s.total -= 1
            let mine = (s.byAddress[address] ?? 1) - 1
            s.byAddress[address] = mine > 0 ? mine : nil
        }
    }

    /// Connections open now.
    var open: Int { state.withLock { $0.total } }
}

/// One connection's gate in the HTTP/1 pipeline (after decoding, before the request handling).
final class ConnectionGate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let exempt: Set<String> = ["/health", "/ready"]

    let budget: ConnectionBudget
    private var address: String?
    private var admission: ConnectionBudget.Admission = .normal
    private var refusing = false
    private var closeAfterResponse = false
    private var deadline: Scheduled<Void>?

    init(budget: ConnectionBudget) { self.budget = budget }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "?"
        self.address = address
        admission = budget.admit(address)
        switch admission {
        case .normal: break
        case .refuse: context.close(promise: nil)
        case .overflow:
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: budget.overflowDeadline) { channel.close(promise: nil) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if let address {
            budget.release(address)
            self.address = nil
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admission != .normal else { return context.fireChannelRead(data) }
        if refusing { return }
        if case .head(let head) = unwrapInboundIn(data) {
            deadline?.cancel()
            deadline = nil
            let path = URI(head.path ?? "/").path
            if Self.exempt.contains(path), head.method == .get || head.method == .head {
                closeAfterResponse = true
            } else {
                refusing = true
                refuse(context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard closeAfterResponse, case .end = unwrapOutboundIn(data) else {
            return context.write(data, promise: promise)
        }
        context.writeAndFlush(data, promise: promise)
        context.close(promise: nil)
    }

    /// 503 with Retry-After, in the API's JSON shape, then close.
    private func refuse(_ context: ChannelHandlerContext) {
        let body = ByteBuffer(string: #"{"detail":"the server is busy; try again in 5 seconds","error":"overloaded"}"#)
        var fields: HTTPFields = [:]
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(body.readableBytes)
        fields[.retryAfter] = "5"
        fields[.connection] = "close"
        fields[.init("X-Content-Type-Options")!] = "nosniff"
        fields[.init("Content-Security-Policy")!] = "default-src 'none'; frame-ancestors 'none'"
        context.write(
            wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(promise: nil)
    }
}

/// The descriptor limit of this process.
enum DescriptorLimit {
    /// Raises the soft limit on open files to the hard limit; returns the soft limit in force.
    @discardableResult
    static func raise() -> Int {
        var rl = rlimit()
        #if os(Linux)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &rl) == 0 else { return 1024 }
        if rl.rlim_cur < rl.rlim_max {
            var raised = rl
            raised.rlim_cur = rl.rlim_max
            if setrlimit(resource, &raised) == 0 { rl = raised }
        }
        return rl.rlim_cur > rlim_t(Int.max) ? Int.max : Int(rl.rlim_cur)
    }
}

/// Exits the process when a graceful shutdown takes too long: armed by the first SIGTERM or
/// SIGINT, it calls `_exit` after `seconds` unless the process has ended by then. (Graceful
/// shutdown waits for requests in flight; a request stuck on hostile input would hold it forever.)
/// The signal is handled on a queue of its own and the wait runs on a thread of its own, so busy
/// worker threads cannot delay either.
public enum ShutdownDeadline {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let queue = DispatchQueue(label: "pactoria.shutdown-deadline")

    public static func arm(seconds: Int = 10, onExpiry: @escaping @Sendable () -> Void = {}) {
        let armed = Mutex(false)
        for sig in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                guard
                    armed.withLock({ was in
                        defer { was = true }; return !was
                    })
                else { return }
                let timer = Thread {
                    sleep(UInt32(max(1, seconds)))
                    onExpiry()
                    _exit(1)
                }
                timer.start()
            }
            source.resume()
            sources.append(source)
        }
    }
}
