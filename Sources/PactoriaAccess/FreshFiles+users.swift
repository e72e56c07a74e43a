public import PactoriaWorkspace

extension FreshFiles {
    /// The users, parsed once per change of the local user store.
    public func users(_ ws: Workspace) throws(WorkspaceError) -> [User] {
        try fresh(ws.absolute(UserStore.path)) { () throws(WorkspaceError) in try UserStore.load(ws) }
    }
}
