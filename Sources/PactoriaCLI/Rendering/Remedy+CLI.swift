import Foundation
import PactoriaWorkspace

/// The CLI's words for what the library reports: a domain field is the flag (or argument) a
/// person types, a remedy is the command to run.
extension Wording {
    static let cli = Wording(field: CLIField.name, remedy: { $0.commandLine })
}

/// The one table from a domain field (as the YAML and the API name it) to the CLI's flag or
/// argument for it. A field without an entry is shown as the library names it.
enum CLIField {
    static let flags: [String: String] = [
        // new
        "title": "--title", "contract_type": "--type", "client.name": "--client", "client.email": "--client-email",
        "supplier.name": "--supplier", "supplier.email": "--supplier-email", "contract_value.amount": "--value",
        "contract_value.currency": "--currency", "start_date": "--start", "end_date": "--end",
        "plain_english_input": "--input", "created_by": "--author", "author": "--author", "company": "--company",
        // list, expiring
        "status": "--status", "size": "--size", "page": "--page", "days": "--days",
        // init, company add, user add
        "default_currency": "--currency", "name": "NAME", "slug": "--slug", "company_number": "--number",
        "subscription_tier": "--tier", "full_name": "--name",
        // commit, remote, clone, resolve
        "message": "-m", "remote": "NAME", "url": "URL", "directory": "DIR", "field": "--field",
        // check, review
        "base": "--base",
        // recommend, analyze, generate
        "description": "DESCRIPTION", "top": "--top", "text": "--text", "force": "--force",
        "regenerate": "--regenerate",
        // terminate, request-changes
        "reason": "--reason",
        // gdpr consent
        "purpose": "--purpose", "basis": "--basis", "method": "--method",
        // analytics, queue, calendar, report, list
        "as_of": "--as-of", "metric": "METRIC", "period": "--period",
    ]

    @Sendable static func name(_ field: String) -> String { flags[field] ?? field }
}

extension Remedy {
    /// The command (with its flags) that takes the step, as a person types it.
    var commandLine: String {
        switch self {
        case .initWorkspace: return "run `pactoria init` to make one, or pass -C DIR"
        case .reinitWorkspace: return "run `pactoria init` there"
        case .identifyAuthor:
            return
                "pass --author 'Name <email>', set PACTORIA_AUTHOR, git's user.name and user.email, or default_author in .pactoria/config.yaml"
        case .confirm(let field, let purpose): return "pass \(CLIField.name(field)) to \(purpose)"
        case .commitFirst(let then): return "commit them first (`pactoria commit -m MESSAGE`), then \(then)"
        case .commitOrConfirm(let field):
            return
                "commit them first with `pactoria commit -m MESSAGE`, or pass \(CLIField.name(field)) to discard them"
        case .abortOrFinishPull:
            return "run `pactoria merge --abort` to return to where it began, or `pactoria pull` to finish it"
        case .resolveConflicts:
            return
                "see `pactoria status`, then `pactoria resolve C --ours|--theirs|--field NAME=VALUE` (or `pactoria merge --abort`)"
        case .resolveConflict(let ref):
            return "run `pactoria resolve \(ref) --ours|--theirs|--field NAME=VALUE`, then commit"
        case .keepOrAcceptDeletion: return "keep it with `--ours` or accept the deletion with `--theirs`"
        case .finishOrAbortMerge: return "resolve it and `pactoria commit`, or `pactoria merge --abort`"
        case .pullFirst: return "run `pactoria pull` first, then push"
        case .retryLater(let push): return push ? "run `pactoria push` again later" : "run `pactoria pull` again later"
        case .pushCreatesBranch: return "`pactoria push` creates it"
        case .addRemote: return "add one with `pactoria remote add origin URL`"
        case .listRemotes: return "see `pactoria remote list`"
        case .addCompany: return "add one with `pactoria company add NAME`"
        case .listCompanies: return "see `pactoria company list`"
        case .listTemplates: return "see `pactoria templates list`"
        case .chooseTemplate: return "pick one with `pactoria recommend`, then `pactoria generate --template ID`"
        case .generateFirst: return "run `pactoria generate` first"
        case .approveHook(let event):
            return event.map { "run `pactoria hooks approve \($0)` after reading it" }
                ?? "read it before `pactoria hooks approve`"
        case .recoverThenCommit: return "run `pactoria status` (it finishes or undoes the write), then commit again"
        case .reviewThenCommit: return "see `pactoria status`, then commit again"
        case .importTrackedUsers(let store):
            return "run `pactoria user import-tracked` to move its users into the local store (\(store))"
        case .recordConsent(let subject, let purpose):
            return
                "record it: `pactoria gdpr consent record --subject \(subject) --purpose \(purpose) --basis consent --text TEXT`"
        }
    }
}

/// How this process names itself to other Pactoria processes (in the workspace's write lock):
/// the program and its verb, `-C DIR` left out ("pactoria activate", "pactoria serve").
enum Invocation {
    static let name: String = {
        let args = CommandLine.arguments
        let program = args.first.map { ($0 as NSString).lastPathComponent } ?? "pactoria"
        var i = 1
        while i < args.count {
            let a = args[i]
            if a == "-C" {
                i += 2
                continue
            }
            if !a.hasPrefix("-") { return "\(program) \(a)" }
            i += 1
        }
        return program
    }()
}
