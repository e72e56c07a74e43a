import Foundation
import Hummingbird
import Logging
import PactoriaAccess
import PactoriaCore
import PactoriaGit
import PactoriaWorkspace

/// `/api/v1/contracts`: reads, create, metadata edits and lifecycle transitions, each write one
/// commit authored by the caller, walled off by company.
struct ContractsController {
    let state: ServerState

    func addRoutes(to group: RouterGroup<PactoriaRequestContext>) {
        group.get("/contracts") { r, c in try await list(r, c) }
        group.post("/contracts") { r, c in try await create(r, c) }
        group.get("/contracts/:id") { r, c in try await show(r, c) }
        group.patch("/contracts/:id") { r, c in try await update(r, c) }
        group.get("/contracts/:id/content") { r, c in try await content(r, c) }
        group.get("/contracts/:id/versions") { r, c in try await versions(r, c) }
        group.get("/contracts/:id/diff") { r, c in try await diff(r, c) }
        group.post("/contracts/:id/transitions") { r, c in try await transition(r, c) }
    }

    // MARK: helpers

    func require(_ p: Permission, _ context: PactoriaRequestContext) throws -> Identity {
        let me = try context.caller()
        guard me.may(p) else {
            state.securityEvent(
                "permission_denied", severity: "medium", context: context,
                detail: "role \(me.role.rawValue) may not \(p.rawValue)")
            throw APIError.forbidden(
                "your role (\(me.role.rawValue)) may not \(p.rawValue.replacingOccurrences(of: "_", with: " "))")
        }
        return me
    }

    /// The contract named in the path, if the caller's company may see it: else 404, and a
    /// cross-company attempt is a critical security event.
    func contract(_ context: PactoriaRequestContext, _ me: Identity) async throws -> LoadedContract {
        try await stampedContract(context, me).loaded
    }

    func stampedContract(_ context: PactoriaRequestContext, _ me: Identity) async throws -> (
        loaded: LoadedContract, stamp: String
    ) {
        let id = context.parameters.get("id") ?? ""
        guard id.count >= 4, id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw APIError.notFound("no contract with id \(id)")
        }
        // Problems are answered only about contracts the caller's company may see: a duplicate id
        // is a 409 naming the files, unreadable metadata a 422 naming the file and the problem.
        let outcome: Result<(LoadedContract, String), WorkspaceError> = try await state.read { ws in
            do throws(WorkspaceError) { return .success(try state.locator.loadStamped(ws, id: id)) } catch {
                return .failure(error)
            }
        }
        let loaded: LoadedContract
        let stamp: String
        switch outcome {
        case .success(let hit): (loaded, stamp) = hit
        case .failure(let error):
            switch error {
            case .conflict, .invalid:
                let companies: [String]
                if case .invalid(let problems) = error {
                    companies = problems.compactMap { ContractRef(path: $0.file)?.company }
                } else {
                    companies = (state.locator.duplicates(of: id) ?? []).map(\.company)
                }
                guard !companies.isEmpty, companies.allSatisfy({ me.sees(company: $0) }) else {
                    throw APIError.notFound("no contract with id \(id)")
                }
                if case .conflict = error { throw APIError(.conflict, "duplicate_id", error.description) }
                throw APIError.from(error)
            default:
                throw APIError.from(error)
            }
        }
        // A contract moved into another company's folder without `pactoria move` is not that
        // company's: a 409 for a caller who sees both companies, a 404 for anyone else.
        if let home = try await state.read({ ws in ContractLocator.homeCompany(ws, loaded) }) {
            guard me.sees(company: home), me.sees(company: loaded.ref.company) else {
                throw APIError.notFound("no contract with id \(id)")
            }
            throw APIError(
                .conflict, "moved_company",
                "\(loaded.ref.yamlPath): this contract is committed under company '\(home)'; it was moved without `pactoria move` (move it back)"
            )
        }
        guard me.sees(company: loaded.ref.company) else {
            state.securityEvent(
                "cross_company_access", severity: "critical", context: context,
                detail: "\(me.email) (\(me.company)) asked for contract \(loaded.contract.id) of \(loaded.ref.company)")
            throw APIError.notFound("no contract with id \(id)")
        }
        return (loaded, stamp)
    }

    /// A cross-company attempt: a critical security event, and the 404 that an unknown company gives.
    func crossCompany(_ context: PactoriaRequestContext, _ me: Identity, _ what: String) -> APIError {
        state.securityEvent(
            "cross_company_access", severity: "critical", context: context,
            detail: "\(me.email) (\(me.company)) \(what)")
        return APIError.notFound("no such company")
    }

    func author(_ me: Identity) async throws -> Author {
        let users = try await state.read { ws in try state.files.users(ws) }
        let name = UserStore.find(users, email: me.email)?.fullName ?? me.email
        return Author(name: name, email: me.email)
    }

    static func json(_ loaded: LoadedContract) -> [String: Any] {
        var o = (loaded.document.root.jsonObject as? [String: Any]) ?? [:]
        o["company"] = loaded.ref.company
        o["path"] = loaded.ref.yamlPath
        return o
    }

    static func summaryJSON(_ s: ContractSummary) -> [String: Any] {
        [
            "id": s.id, "title": s.title, "contract_type": s.contractType, "status": s.status, "company": s.ref.company,
            "path": s.ref.yamlPath, "version": s.version, "start_date": JSONBody.opt(s.startDate),
            "end_date": JSONBody.opt(s.endDate), "updated_at": JSONBody.opt(s.updatedAt),
            "client": JSONBody.opt(
                s.clientName.map { ["name": $0, "company": JSONBody.opt(s.clientCompany)] as [String: Any] }),
            "contract_value": JSONBody.opt(s.value.map { ["amount": $0.amount, "currency": $0.currency] }),
        ]
    }

    // MARK: routes

    func list(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try require(.read, context)
        let q = request.uri.queryParameters
        // `?company=`: the caller's own, or any for an operator (none: every company); another
        // company's is a 404 and a critical event, as for a contract.
        var company: String? = me.isOperator ? nil : me.company
        if let asked = q.get("company") {
            guard me.sees(company: asked) else { throw crossCompany(context, me, "listed the contracts of \(asked)") }
            company = asked
        }
        let query = ListContracts.Query(
            company: company, status: q.get("status"), type: q.get("contract_type"), search: q.get("search"),
            page: try Paging.int(q, "page", default: 1, range: 1...Paging.maxPage),
            size: try Paging.int(q, "size", default: 20, range: ListContracts.sizeRange))
        let live = state.contracts
        var page = try await state.read { ws in try ListContracts.run(ws, query, live: live) }
        // Contracts moved in from another company by plain file moves are not listed as theirs.
        let shown = page.contracts
        let misplaced = try await state.read { ws in
            Set(ContractLocator.homeCompanies(ws, shown.map { ($0.ref, $0.id) }).keys)
        }
        if !misplaced.isEmpty { page.contracts.removeAll { misplaced.contains($0.ref) } }
        return JSONBody.response([
            "contracts": page.contracts.map(Self.summaryJSON), "total": page.total, "page": page.page,
            "size": page.size,
            "pages": page.pages,
            // Files that hold no readable contract: flagged with their problem, never shown as one.
            "problems": page.unreadable.filter { me.sees(company: $0.ref.company) }.map { u -> [String: Any] in
                ["company": u.ref.company, "path": u.ref.yamlPath, "message": ListContracts.problem(u)]
            },
        ])
    }

    func show(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try require(.read, context)
        let (loaded, stamp) = try await stampedContract(context, me)
        let bytes: [UInt8]
        var tag: String?
        if let cached = state.rendered.get(loaded.ref.yamlPath, stamp: stamp) {
            (bytes, tag) = cached
        } else {
            bytes = JSONBody.bytes(Self.json(loaded))
            // The ETag is of the same file version as the body, or not sent (it changed meanwhile).
            if let tagged = try? await state.read({ ws in ETag.stamped(ws, loaded.ref) }), tagged.stamp == stamp {
                tag = tagged.tag
                state.rendered.put(loaded.ref.yamlPath, stamp: stamp, bytes, tag: tagged.tag)
            }
        }
        var response = JSONBody.response(bytes: bytes)
        if let tag { response.headers[.eTag] = "\"\(tag)\"" }
        return response
    }

    func content(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try require(.read, context)
        let loaded = try await contract(context, me)
        // A link or special file where the Markdown should be is a conflict naming the file, not
        // an empty body (and never the link's target).
        let bytes: [UInt8] = try await state.read { ws in
            do throws(WorkspaceError) { return try ws.markdown(loaded.ref) ?? [] } catch {
                throw APIError(
                    .conflict, "not_a_regular_file", "\(loaded.ref.markdownPath) is not a regular file; refused")
            }
        }
        // Served as UTF-8, so it must be UTF-8: otherwise a 422 naming the file and the byte.
        if let offset = TextRules.invalidUTF8Offset(bytes) {
            throw APIError(
                .unprocessableContent, "invalid_content", "\(loaded.ref.markdownPath): invalid UTF-8 at byte \(offset)")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func versions(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try require(.read, context)
        let loaded = try await contract(context, me)
        let entries = try await state.read { ws in try History.contract(ws, id: loaded.contract.id, ref: loaded.ref) }
        let iso = ISO8601DateFormatter()
        return JSONBody.response([
            "contract_id": loaded.contract.id,
            "versions": entries.map { e in
                [
                    "commit": e.commit.id.hex, "time": iso.string(from: e.commit.author.time),
                    "author": "\(e.commit.author.name) <\(e.commit.author.email)>", "summary": e.commit.summary,
                    "version": JSONBody.opt(e.version), "status": JSONBody.opt(e.status), "event": e.event,
                    "inferred": e.inferred, "path": e.ref.yamlPath,
                ] as [String: Any]
            },
        ])
    }

    func diff(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try require(.read, context)
        let loaded = try await contract(context, me)
        let q = request.uri.queryParameters
        let from = q.get("from")
        let to = q.get("to")
        let d = try await state.read { ws in try ContractViews.diff(ws, spec: loaded.ref.yamlPath, from: from, to: to) }
        return JSONBody.response([
            "contract_id": loaded.contract.id, "from": d.from, "to": d.to,
            "fields": d.fields.map { ["field": $0.field, "old": JSONBody.opt($0.old), "new": JSONBody.opt($0.new)] },
            "content_diff": d.contentDiff,
        ])
    }

    func create(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try require(.create, context)
        let f = Fields(object: try await request.jsonObject(limit: state.config.maxBodyBytes))
        var company = me.company
        if let c = try f.string("company"), c != me.company {
            guard me.sees(company: c) else { throw crossCompany(context, me, "tried to create a contract in \(c)") }
            company = c
        }
        guard let clientObject = try f.object("client") else { throw APIError.validation("client", "is required") }
        let value = try f.object("contract_value")
        let input = NewContract.Input(
            company: company, title: try f.string("title", required: true)!,
            type: try f.string("contract_type", required: true)!, client: try Self.party(clientObject, "client"),
            supplier: try f.object("supplier").map { try Self.party($0, "supplier") },
            value: try value.map { try Fields(object: $0).string("amount", required: true)! },
            currency: try value.flatMap { try Fields(object: $0).string("currency") },
            startDate: try f.string("start_date"), endDate: try f.string("end_date"),
            plainEnglishInput: try f.string("plain_english_input"), templateID: try f.string("template_id"))
        let who = try await author(me)
        let (r, commit) = try await state.write { ws in try NewContract.create(ws, input, author: who) }
        let loaded = try await state.read { ws in try ws.loadContract(r.ref) }
        var body = Self.json(loaded)
        body["commit"] = commit.hex
        return JSONBody.response(body, status: .created)
    }

    /// `If-Match`: a contract version number, or an ETag from GET (quoted).
    static func ifMatch(_ request: Request) -> (version: Int?, etag: String?) {
        guard let raw = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty, raw != "*" else {
            return (nil, nil)
        }
        let bare = raw.replacingOccurrences(of: "W/", with: "").trimmingCharacters(
            in: CharacterSet(charactersIn: "\" "))
        if let n = Int(bare) { return (n, nil) }
        return (nil, bare)
    }

    static func party(_ o: [String: Any], _ field: String) throws -> Party {
        let f = Fields(object: o)
        do {
            return Party(
                name: try f.string("name", required: true)!, email: try f.string("email"),
                company: try f.string("company"),
                companyNumber: try f.string("company_number"), role: try f.string("role"))
        } catch var e as APIError {
            e.field = e.field.map { "\(field).\($0)" }
            e.detail = "\(field).\(e.detail)"
            throw e
        }
    }

    func update(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try require(.update, context)
        let loaded = try await contract(context, me)
        let f = Fields(object: try await request.jsonObject(limit: state.config.maxBodyBytes))
        let allowed: Set<String> = [
            "title", "contract_type", "plain_english_input", "client", "supplier", "contract_value", "start_date",
            "end_date",
            "template_id", "version",
        ]
        if let bad = f.object.keys.sorted().first(where: { !allowed.contains($0) }) {
            let hint = bad == "status" ? "; use POST /contracts/{id}/transitions" : ""
            throw APIError.validation(bad, "cannot be changed here\(hint)")
        }
        var ch = UpdateContract.Changes()
        ch.title = try f.string("title")
        ch.contractType = try f.string("contract_type")
        if f.has("plain_english_input") { ch.plainEnglishInput = .some(try f.string("plain_english_input")) }
        if let c = try f.object("client") { ch.client = try Self.party(c, "client") }
        if f.has("supplier") { ch.supplier = .some(try f.object("supplier").map { try Self.party($0, "supplier") }) }
        if f.has("contract_value") {
            ch.value = .some(
                try f.object("contract_value").map { o in
                    let vf = Fields(object: o)
                    return ContractValue(
                        amount: try vf.string("amount", required: true)!, currency: try vf.string("currency") ?? "GBP")
                })
        }
        if f.has("start_date") { ch.startDate = .some(try f.string("start_date")) }
        if f.has("end_date") { ch.endDate = .some(try f.string("end_date")) }
        if f.has("template_id") { ch.templateID = .some(try f.string("template_id")) }
        let (ifVersion, ifTag) = Self.ifMatch(request)
        let expected = try f.int("version") ?? ifVersion
        let who = try await author(me)
        let changes = ch
        let result = try await state.write { ws in
            try UpdateContract.run(
                ws, spec: loaded.ref.yamlPath, changes: changes, author: who, expectedVersion: expected,
                expectedETag: ifTag)
        }
        let fresh = try await state.read { ws in try ws.loadContract(result.ref) }
        var body = Self.json(fresh)
        body["commit"] = result.commit.hex
        return JSONBody.response(body)
    }

    func transition(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let f = Fields(object: try await request.jsonObject(limit: state.config.maxBodyBytes))
        let actionText = try f.string("action", required: true)!
        guard let action = LifecycleAction(rawValue: actionText) else {
            throw APIError.validation(
                "action",
                "unknown action '\(actionText)' (expected one of: \(LifecycleAction.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let me = try require(Permission(action), context)
        let loaded = try await contract(context, me)
        let reason = try f.string("reason")
        let (ifVersion, ifTag) = Self.ifMatch(request)
        let expected = try f.int("version") ?? ifVersion
        let who = try await author(me)
        let o = try await state.write { ws in
            try Transitions.run(
                ws, spec: loaded.ref.yamlPath, action: action, reason: reason, author: who, expectedVersion: expected,
                expectedETag: ifTag)
        }
        // A hook that failed or was skipped (not approved on this machine) is the operator's to
        // see in the server log; the caller's request succeeded all the same.
        for h in o.hooks {
            if let w = h.warning { context.logger.warning("\(w)", metadata: ["event": .string(h.event)]) }
        }
        let fresh = try await state.read { ws in try ws.loadContract(o.ref) }
        var body = Self.json(fresh)
        body["commit"] = JSONBody.opt(o.commit?.hex)
        body["transition"] = ["action": action.rawValue, "from": o.from, "to": o.to, "event": o.event.event]
        return JSONBody.response(body)
    }
}
