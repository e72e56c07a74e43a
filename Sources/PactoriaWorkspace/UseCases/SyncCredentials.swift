import Foundation
public import PactoriaGit

extension Remotes {
    /// The credentials `push`, `pull` and `sync` offer a workspace's remotes: `PACTORIA_GIT_TOKEN`,
    /// then git's credential helpers configured for the remote's URL (`credential.helper`, from the
    /// repository's git configuration and the global and system ones), then the ssh-agent, then the
    /// SSH key in `git.ssh_key`. Helpers run with `environment` (default: this process's).
    public static func credentials(_ ws: Workspace, environment: [String: String]? = nil) -> CredentialProvider {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let gitConfig = (try? ws.repository()).flatMap { try? $0.credentialConfig() }
        return CredentialProvider.standard(
            environment: environment, sshKeyPath: ws.config.setting("git.ssh_key"), credentialConfig: gitConfig)
    }

    /// The credentials `clone` offers, before there is a workspace: `PACTORIA_GIT_TOKEN`, then the
    /// credential helpers in `gitConfig` (default: git's global and system configuration, read
    /// through libgit2), then the ssh-agent. Helpers run with `environment` (default: this
    /// process's).
    public static func credentials(environment: [String: String]? = nil, gitConfig: CredentialConfig? = nil)
        -> CredentialProvider
    {
        let environment = environment ?? ProcessInfo.processInfo.environment
        let gitConfig = gitConfig ?? (try? CredentialConfig.global())
        return CredentialProvider.standard(environment: environment, credentialConfig: gitConfig)
    }
}
