import Foundation
import PactoriaWorkspace
import Testing

/// A YAML file is refused by its size before it is read: a sparse 64 GiB contract file (no disk
/// used, but reading it would take minutes and all the memory) is reported at once, naming it,
/// and the rest of the workspace keeps working.
@Suite("Security: YAML files are never read past the size limit")
struct ReadLimitTests {
    @Test func aHugeSparseContractIsRefusedAtOnce() throws {
        let sb = try TextSandbox()
        let rel = "companies/brickline/contracts/huge.yaml"
        let fd = open(sb.absolute(rel), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        #expect(ftruncate(fd, 64 << 30) == 0)
        close(fd)
        // Foundation's recursive delete of the sandbox chokes on a 64 GiB file: shrink it first.
        defer { unlink(sb.absolute(rel)) }
        let clock = ContinuousClock()
        let start = clock.now
        let status = try WorkspaceStatus.compute(sb.ws)
        let page = try ListContracts.run(sb.ws, ListContracts.Query())
        #expect(clock.now - start < .seconds(30), "a hang guard, not a speed target")
        #expect(
            status.problems.contains { "\($0)".contains("huge.yaml") && "\($0)".contains("limit") },
            "\(status.problems)")
        #expect(page.contracts.map(\.ref) == [sb.ref])
        #expect(page.unreadable.contains { "\($0)".contains("huge.yaml") })
    }

    @Test func aHugeSparseConfigIsRefusedNamingIt() throws {
        let sb = try TextSandbox()
        #expect(truncate(sb.absolute(".pactoria/config.yaml"), 64 << 30) == 0)
        defer { unlink(sb.absolute(".pactoria/config.yaml")) }
        #expect {
            _ = try Workspace.open(root: sb.root)
        } throws: { error in
            "\(error)".contains(".pactoria/config.yaml") && "\(error)".contains("limit")
        }
    }
}
