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

    // MARK: routes

    func list(_ request: Request, _ context: PactoriaRequestContext) async throws -> ContractListJSON {
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
            size: try Paging.int(q, "size", default: 20, range: ListContracts.sizeRange),
            asOf: try ServerState.asOf(q.get("as_of")))
        let live = state.contracts
        var page = try await state.read { ws in try ListContracts.run(ws, query, live: live) }
        // Contracts moved in from another company by plain file moves are not listed as theirs.
        let shown = page.contracts
        let misplaced = try await state.read { ws in
            Set(ContractLocator.homeCompanies(ws, shown.map { ($0.ref, $0.id) }).keys)
        }
        if !misplaced.isEmpty { page.contracts.removeAll { misplaced.contains($0.ref) } }
        // Files that hold no readable contract: flagged with their problem, never shown as one.
        return ContractListJSON(page) { me.sees(company: $0.ref.company) }
    }

    func show(_ request: Request, _ context: PactoriaRequestContext) async throws -> Response {
        let me = try require(.read, context)
        let (loaded, stamp) = try await stampedContract(context, me)
        let bytes: [UInt8]
        var tag: String?
        if let cached = state.rendered.get(loaded.ref.yamlPath, stamp: stamp) {
            (bytes, tag) = cached
        } else {
            bytes = try APIResponseEncoder.bytes(ContractDetailJSON(loaded))
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

    func versions(_ request: Request, _ context: PactoriaRequestContext) async throws -> VersionsResponse {
        let me = try require(.read, context)
        let loaded = try await contract(context, me)
        let entries = try await state.read { ws in try History.contract(ws, id: loaded.contract.id, ref: loaded.ref) }
        let iso = ISO8601DateFormatter()
        return VersionsResponse(
            contractID: loaded.contract.id,
            versions: entries.map { e in
                VersionsResponse.Version(
                    commit: e.commit.id.hex, time: iso.string(from: e.commit.author.time),
                    author: "\(e.commit.author.name) <\(e.commit.author.email)>", summary: e.commit.summary,
                    version: e.version, status: e.status, event: e.event, inferred: e.inferred, path: e.ref.yamlPath)
            })
    }

    func diff(_ request: Request, _ context: PactoriaRequestContext) async throws -> DiffResponse {
        let me = try require(.read, context)
        let loaded = try await contract(context, me)
        let q = request.uri.queryParameters
        let from = q.get("from")
        let to = q.get("to")
        let d = try await state.read { ws in try ContractViews.diff(ws, spec: loaded.ref.yamlPath, from: from, to: to) }
        return DiffResponse(
            contractID: loaded.contract.id, from: d.from, to: d.to,
            fields: d.fields.map { FieldChangeJSON(field: $0.field, old: $0.old, new: $0.new) },
            contentDiff: d.contentDiff)
    }

    func create(_ request: Request, _ context: PactoriaRequestContext) async throws -> EditedResponse<
        ContractWriteResponse
    > {
        let me = try require(.create, context)
        let body = try await request.decode(CreateContractBody.self, context: context, limit: state.config.maxBodyBytes)
        var company = me.company
        if let c = body.company, c != me.company {
            guard me.sees(company: c) else { throw crossCompany(context, me, "tried to create a contract in \(c)") }
            company = c
        }
        let input = NewContract.Input(
            company: company, title: body.title, type: body.contractType, client: body.client.party,
            supplier: body.supplier?.party, value: body.contractValue?.amount, currency: body.contractValue?.currency,
            startDate: body.startDate, endDate: body.endDate, plainEnglishInput: body.plainEnglishInput,
            templateID: body.templateID)
        let who = try await author(me)
        let (r, commit) = try await state.write { ws in try NewContract.create(ws, input, author: who) }
        let loaded = try await state.read { ws in try ws.loadContract(r.ref) }
        return EditedResponse(
            status: .created, response: ContractWriteResponse(contract: ContractDetailJSON(loaded), commit: commit.hex))
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

    func update(_ request: Request, _ context: PactoriaRequestContext) async throws -> ContractWriteResponse {
        let me = try require(.update, context)
        let loaded = try await contract(context, me)
        let body = try await request.decode(UpdateContractBody.self, context: context, limit: state.config.maxBodyBytes)
        let (ifVersion, ifTag) = Self.ifMatch(request)
        let expected = body.version ?? ifVersion
        let who = try await author(me)
        let changes = body.changes
        let result = try await state.write { ws in
            try UpdateContract.run(
                ws, spec: loaded.ref.yamlPath, changes: changes, author: who, expectedVersion: expected,
                expectedETag: ifTag)
        }
        let fresh = try await state.read { ws in try ws.loadContract(result.ref) }
        return ContractWriteResponse(contract: ContractDetailJSON(fresh), commit: result.commit.hex)
    }

    func transition(_ request: Request, _ context: PactoriaRequestContext) async throws -> ContractWriteResponse {
        let body = try await request.decode(TransitionBody.self, context: context, limit: state.config.maxBodyBytes)
        guard let action = LifecycleAction(rawValue: body.action) else {
            throw APIError.validation(
                "action",
                "unknown action '\(body.action)' (expected one of: \(LifecycleAction.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let me = try require(Permission(action), context)
        // Resolved and parsed once: the use case reuses this parse unless the file changes meanwhile.
        let (loaded, stamp) = try await stampedContract(context, me)
        let (ifVersion, ifTag) = Self.ifMatch(request)
        let change = Transitions.Request(
            action, reason: body.reason, author: try await author(me), expectedVersion: body.version ?? ifVersion,
            expectedETag: ifTag)
        let o = try await state.write { ws in
            try Transitions.run(ws, ResolvedContract(loaded, stamp: stamp), change)
        }
        // A hook that failed or was skipped (not approved on this machine) is the operator's to
        // see in the server log; the caller's request succeeded all the same.
        for h in o.hooks {
            if let w = h.warning { context.logger.warning("\(w)", metadata: ["event": .string(h.event)]) }
        }
        let written: LoadedContract
        if let c = o.contract {
            written = c
        } else {
            written = try await state.read { ws in try ws.loadContract(o.ref) }
        }
        return ContractWriteResponse(
            contract: ContractDetailJSON(written), commit: o.commit?.hex,
            transition: .init(action: action.rawValue, from: o.from, to: o.to, event: o.event.event))
    }
}
