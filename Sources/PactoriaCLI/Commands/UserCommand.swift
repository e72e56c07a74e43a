import ArgumentParser
import Foundation
import PactoriaAccess
import PactoriaCore
import PactoriaWorkspace

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the people who may use `pactoria serve` (kept in the local, git-ignored users store).",
        discussion: """
            Users live in .pactoria/secrets/users.yaml on this machine only (mode 0600, never committed);
            each change is a security event in .pactoria/secrets/security-events.jsonl. On another machine,
            add the users there with `pactoria user add`.
            """,
        subcommands: [
            Add.self, ListUsers.self, Remove.self, SetRole.self, SetCompany.self, Passwd.self, Disable.self,
            Enable.self,
            Revoke.self, GrantOperator.self, RevokeOperator.self, ImportTracked.self,
        ])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a user (the password comes from a prompt or --password-stdin).",
            discussion: """
                Roles, each within the user's own company: admin (everything in the company),
                contract_manager (create, update, generate, analyze, submit, finalize, terminate),
                legal_reviewer (review: request changes, activate, complete; compliance), viewer (read
                only). Seeing every company is a separate grant: `pactoria user grant-operator`.
                Passwords: at least 12 characters, not a common one, not containing the email.

                Example:
                  printf '%s\\n' "$PW" | pactoria user add jane@brickline.co.uk --name "Jane Smith" \\
                      --role contract_manager --company brickline-digital --password-stdin
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address (the login).") var email: String
        @Option(help: "Full name.") var name: String
        @Option(help: "Role: \(Role.allNames).") var role: String
        @Option(help: "The company slug the user belongs to.") var company: String
        @Flag(help: "Read the password from standard input.") var passwordStdin = false
        @Option(help: "Who makes the change, as 'Name <email>' (for the security log).") var author: String?

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let r = try parseRole(role)
                let ws = try global.workspace()
                let who = try ws.resolveAuthor(author)
                let password = try readPassword(stdin: passwordStdin)
                let u = try UserStore.add(
                    ws, email: email, fullName: name, role: r, company: company, password: password, actor: who.email)
                Terminal.out("added \(u.email) (\(u.role.rawValue), \(u.company))")
                warnTracked(ws)
            }
        }
    }

    struct ListUsers: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List users.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let users = try UserStore.load(ws)
                if json {
                    JSON.print(users.map(UserJSON.init))
                    warnTracked(ws)
                    return
                }
                var t = Table()
                for u in users {
                    let flags = [u.isOperator ? "operator" : nil, u.disabled ? "disabled" : nil].compactMap { $0 }
                    t.add([u.email, u.role.rawValue, u.company, u.fullName, flags.joined(separator: ",")])
                }
                for line in t.render() { Terminal.out(line) }
                warnTracked(ws)
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove a user (their tokens stop working at once).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String
        @Option(help: "Who makes the change, as 'Name <email>' (for the security log).") var author: String?

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                try UserStore.remove(ws, email: email, actor: try ws.resolveAuthor(author).email)
                Terminal.out("removed \(email)")
            }
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-role", abstract: "Change a user's role (their earlier tokens stop working).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String
        @Argument(help: "The new role: \(Role.allNames).") var role: String

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let r = try parseRole(role)
                let ws = try global.workspace()
                let u = try UserStore.setRole(ws, email: email, role: r, actor: actorEmail(ws))
                Terminal.out("\(u.email) is now \(u.role.rawValue) in \(u.company)")
            }
        }
    }

    struct SetCompany: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-company", abstract: "Move a user to another company (their earlier tokens stop working).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String
        @Argument(help: "The company slug.") var company: String

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let u = try UserStore.setCompany(ws, email: email, company: company, actor: actorEmail(ws))
                Terminal.out("\(u.email) is now in \(u.company)")
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd", abstract: "Set a user's password (their earlier tokens stop working).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String
        @Flag(help: "Read the password from standard input.") var passwordStdin = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let password = try readPassword(stdin: passwordStdin)
                let u = try UserStore.setPassword(ws, email: email, password: password, actor: actorEmail(ws))
                Terminal.out("password changed for \(u.email)")
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable", abstract: "Stop a user logging in; their tokens stop working at once.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String

        func run() throws {
            try changeUser(global, email) { ws, actor throws(WorkspaceError) in
                "disabled \(try UserStore.setDisabled(ws, email: email, disabled: true, actor: actor).email)"
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable", abstract: "Let a disabled user log in again (old tokens stay revoked).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String

        func run() throws {
            try changeUser(global, email) { ws, actor throws(WorkspaceError) in
                "enabled \(try UserStore.setDisabled(ws, email: email, disabled: false, actor: actor).email)"
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "End every token issued to a user so far.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String

        func run() throws {
            try changeUser(global, email) { ws, actor throws(WorkspaceError) in
                "revoked every earlier token of \(try UserStore.revoke(ws, email: email, actor: actor).email)"
            }
        }
    }

    struct GrantOperator: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-operator",
            abstract: "Let a user see every company (within their role). Only from this CLI, never through the API.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String

        func run() throws {
            try changeUser(global, email) { ws, actor throws(WorkspaceError) in
                "\(try UserStore.setOperator(ws, email: email, granted: true, actor: actor).email) is an operator: sees every company"
            }
        }
    }

    struct RevokeOperator: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-operator", abstract: "Take the operator grant away (earlier tokens stop working).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String

        func run() throws {
            try changeUser(global, email) { ws, actor throws(WorkspaceError) in
                let u = try UserStore.setOperator(ws, email: email, granted: false, actor: actor)
                return "\(u.email) sees only \(u.company)"
            }
        }
    }

    struct ImportTracked: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-tracked",
            abstract:
                "Move the users of a tracked .pactoria/users.yaml into the local store and stop tracking it (one commit).",
            discussion: """
                The old file's hashes stay in git history: ask everyone imported to choose a new
                password (`pactoria user passwd EMAIL`). Nobody imported is an operator.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Author of the commit, as 'Name <email>'.") var author: String?

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                let imported = try UserStore.importTracked(ws, author: try ws.resolveAuthor(author))
                Terminal.out(
                    "imported \(imported.count) users into \(UserStore.path); \(UserStore.trackedPath) is no longer tracked"
                )
                Terminal.err(
                    "hint: their old hashes remain in git history; have each of them run `pactoria user passwd`")
            }
        }
    }
}

func parseRole(_ text: String) throws(WorkspaceError) -> Role {
    guard let r = Role(rawValue: text) else {
        throw .invalidInput(field: "--role", message: "unknown role '\(text)' (expected one of: \(Role.allNames))")
    }
    return r
}

/// Who runs a user command, for the security log (the git identity, else "cli").
func actorEmail(_ ws: Workspace) -> String? { (try? ws.resolveAuthor(nil))?.email }

/// One change to one user of the local store: opens the workspace, runs `change` with the acting
/// person's email, and prints the one line it returns.
func changeUser(
    _ global: GlobalOptions, _ email: String, _ change: (Workspace, String?) throws(WorkspaceError) -> String
) throws(ExitCode) {
    try guardedRun(global) { () throws(WorkspaceError) in
        let ws = try global.workspace()
        Terminal.out(try change(ws, actorEmail(ws)))
    }
}

/// The one-line warning about a tracked users file, on standard error.
func warnTracked(_ ws: Workspace) {
    if let w = UserStore.trackedFileWarning(ws) {
        Terminal.err("warning: \(Wording.cli.line(w, UserStore.trackedFileRemedy))")
    }
}

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print an access token for a user, for scripts calling `pactoria serve`.",
        discussion:
            "Example:\n  curl -H \"Authorization: Bearer $(pactoria token jane@brickline.co.uk)\" http://127.0.0.1:8000/api/v1/contracts"
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The user's email.") var email: String
    @Option(help: "Lifetime in seconds (default: the server's, 8 hours).") var lifetime: Int64?

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            guard let u = UserStore.find(try UserStore.load(ws), email: email) else {
                warnTracked(ws)
                throw .notFound("no user with email \(email)")
            }
            guard !u.disabled else { throw .refused("\(u.email) is disabled; `pactoria user enable` first") }
            let key = try UserStore.signingKey(ws)
            let life = lifetime ?? ws.config.setting("server.token_lifetime").flatMap { Int64($0) } ?? 8 * 3600
            Terminal.out(UserStore.token(for: u, key: key, now: Timestamp.now().secondsSinceEpoch, lifetime: life))
        }
    }
}

/// A password from standard input (one line) or, on a terminal, a prompt without echo.
func readPassword(stdin: Bool) throws(WorkspaceError) -> String {
    if stdin || isatty(STDIN_FILENO) == 0 {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw .invalidInput(field: "password", message: "no password on standard input")
        }
        return line
    }
    guard let p = getpass("Password: ") else { throw .invalidInput(field: "password", message: "no password given") }
    let first = String(cString: p)
    guard let q = getpass("Again: ") else { throw .invalidInput(field: "password", message: "no password given") }
    guard first == String(cString: q) else {
        throw .invalidInput(field: "password", message: "the two passwords differ")
    }
    return first
}
