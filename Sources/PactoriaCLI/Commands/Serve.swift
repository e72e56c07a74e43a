import ArgumentParser
import Hummingbird
import PactoriaServer
import PactoriaWorkspace

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the workspace over HTTP (reads, generation, analysis, transitions).",
        discussion: """
            Binds to 127.0.0.1 unless --host is given; binding anywhere else prints a warning.
            Every request but /health, /ready, /openapi.json and login needs a bearer token (see
            `pactoria user add` and `pactoria token`). Settings live under `server:` in
            .pactoria/config.yaml (token_lifetime, max_body_bytes, open_registration, cors,
            rate_limits.{login,ai,default,address,unauthenticated}, lockout.{failures,delay,seconds},
            max_connections, idle_timeout). SIGTERM or SIGINT stops the server gracefully, and
            within 10 seconds in any case.

            Examples:
              pactoria serve
              pactoria serve --port 8080
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The address to bind (default 127.0.0.1).") var host: String?
    @Option(help: "The port (0 picks a free one).") var port: Int = 8000

    func run() async throws {
        let app = try application()
        // SIGTERM or SIGINT starts a graceful shutdown; this ends the process 10 s later if it has not finished.
        ShutdownDeadline.arm(seconds: 10) {
            Terminal.err("pactoria serve: requests still running 10 s after the signal; exiting")
        }
        do { try await app.runService() } catch {
            throw Failure.report(.refused("the server stopped: \(error)"), verbose: global.verbose)
        }
    }

    private func application() throws(ExitCode) -> some ApplicationProtocol {
        do throws(WorkspaceError) {
            return try makeApplication()
        } catch {
            throw Failure.report(error, verbose: global.verbose)
        }
    }

    private func makeApplication() throws(WorkspaceError) -> some ApplicationProtocol {
        guard (0...65535).contains(port) else {
            throw .invalidInput(field: "--port", message: "must be between 0 and 65535, got \(port)")
        }
        let ws = try global.workspace()
        let config = ServerConfiguration(root: ws.root, host: host ?? "127.0.0.1", port: port, config: ws.config)
        if !config.isLoopback {
            Terminal.err(
                "warning: binding to \(config.host): anyone who can reach this machine on port \(port) can try to log in"
            )
        }
        let root = ws.root
        return try buildApplication(config) { bound in
            Terminal.err("pactoria serve: listening on http://\(config.host):\(bound) (workspace \(root))")
        }
    }
}
