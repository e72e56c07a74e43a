import ArgumentParser
import Foundation
import PactoriaCore
import PactoriaWorkspace

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the people who may use `pactoria serve`.",
        subcommands: [Add.self, ListUsers.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a user (the password comes from a prompt or --password-stdin).",
            discussion: """
                Roles: admin (everything, every company), contract_manager (create, update, generate,
                analyze, submit, finalize, terminate), legal_reviewer (review: request changes,
                activate, complete; compliance), viewer (read only).

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
        @Option(help: "Author of the commit, as 'Name <email>'.") var author: String?

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                guard let r = Role(rawValue: role) else {
                    throw .invalidInput(field: "--role", message: "unknown role '\(role)' (expected one of: \(Role.allNames))")
                }
                let ws = try global.workspace()
                let who = try ws.resolveAuthor(author)
                let password = try readPassword(stdin: passwordStdin)
                let u = try UserStore.add(ws, email: email, fullName: name, role: r, company: company, password: password, author: who)
                Terminal.out("added \(u.email) (\(u.role.rawValue), \(u.company))")
            }
        }
    }

    struct ListUsers: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List users.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let users = try UserStore.load(global.workspace())
                if json {
                    JSON.print(users.map { ["email": $0.email, "full_name": $0.fullName, "role": $0.role.rawValue, "company": $0.company] })
                    return
                }
                var t = Table()
                for u in users { t.add([u.email, u.role.rawValue, u.company, u.fullName]) }
                for line in t.render() { Terminal.out(line) }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a user.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email address.") var email: String
        @Option(help: "Author of the commit, as 'Name <email>'.") var author: String?

        func run() throws {
            try guarded(global) { () throws(WorkspaceError) in
                let ws = try global.workspace()
                try UserStore.remove(ws, email: email, author: try ws.resolveAuthor(author))
            }
        }
    }
}

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print an access token for a user, for scripts calling `pactoria serve`.",
        discussion: "Example:\n  curl -H \"Authorization: Bearer $(pactoria token jane@brickline.co.uk)\" http://127.0.0.1:8000/api/v1/contracts")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The user's email.") var email: String
    @Option(help: "Lifetime in seconds (default: the server's, 8 hours).") var lifetime: Int64?

    func run() throws {
        try guarded(global) { () throws(WorkspaceError) in
            let ws = try global.workspace()
            guard let u = UserStore.find(try UserStore.load(ws), email: email) else { throw .notFound("no user with email \(email)") }
            let key = try UserStore.signingKey(ws)
            let life = lifetime ?? ws.config.setting("server.token_lifetime").flatMap { Int64($0) } ?? 8 * 3600
            Terminal.out(UserStore.token(for: u, key: key, now: Int64(Date().timeIntervalSince1970), lifetime: life))
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
    guard first == String(cString: q) else { throw .invalidInput(field: "password", message: "the two passwords differ") }
    return first
}
