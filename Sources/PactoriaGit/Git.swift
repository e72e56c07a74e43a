internal import CLibGit2

/// Settings of libgit2 for the whole process.
public enum Git {
    /// Points libgit2's system, XDG, global and program-data configuration search paths at
    /// `directory`, so no git configuration of the machine or the user reaches this process's
    /// repositories (tests; the spawned binary is isolated through HOME and GIT_CONFIG_*
    /// instead). Call it before the first repository is opened.
    public static func isolateConfigForTests(at directory: String) throws(GitError) {
        Libgit2.ensure()
        let levels = [
            GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG, GIT_CONFIG_LEVEL_GLOBAL, GIT_CONFIG_LEVEL_PROGRAMDATA,
        ]
        for level in levels {
            let result = pactoria_git_set_search_path(Int32(level.rawValue), directory)
            if result < 0 { throw GitError.last(result, "isolate git configuration") }
        }
    }
}
