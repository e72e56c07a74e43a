import Foundation
import PactoriaCore
import PactoriaHTTPClient
import PactoriaTestSupport
import PactoriaWorkspace
import ServerTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A full disk (#12.9): on main `pactoria new` or a server create left an orphan `.md`, and every
/// later commit was refused until it was deleted by hand. Writes are all or nothing, and the
/// error says the disk is full. Runs on a small tmpfs, so only as root.
extension IntegritySuite {
    @Suite("Durability: full disk", .serialized) struct DurabilityDiskFull {
        /// A tmpfs of `size` mounted at a new folder; nil (with a message) when not root or when
        /// mounting is not allowed here.
        static func mountTmpfs(size: String) -> String? {
            guard getuid() == 0 else {
                print("skipped: the full-disk tests need root to mount a tmpfs")
                return nil
            }
            let dir = NSTemporaryDirectory() + "pactoria-full-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            guard
                let r = try? Spawn.capture(
                    "/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", dir], directory: "/", environment: [:]),
                r.status == 0
            else {
                print("skipped: cannot mount a tmpfs here")
                try? FileManager.default.removeItem(atPath: dir)
                return nil
            }
            return dir
        }

        static func unmount(_ dir: String) {
            _ = try? Spawn.capture("/bin/umount", ["-l", dir], directory: "/", environment: [:])
            try? FileManager.default.removeItem(atPath: dir)
        }

        /// Fills the filesystem of `dir` but for `spare` bytes: a big file written until ENOSPC,
        /// then the spare bytes freed by a small file removed.
        static func fill(_ dir: String, spare: Int) throws {
            let keep = dir + "/spare"
            if spare > 0 { _ = FileManager.default.createFile(atPath: keep, contents: Data(count: spare)) }
            // Close-on-exec: a process another test spawns meanwhile must not keep the space taken.
            let fd = open(dir + "/filler", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw DurabilityKit.Failure(description: "cannot create the filler") }
            defer { close(fd) }
            let chunk = [UInt8](repeating: 0, count: 64 * 1024)
            var size = chunk.count
            while size > 0 {
                let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress, size) }
                if n < 0 { size /= 2 }
            }
            if spare > 0 { unlink(keep) }
        }

        static func free(_ dir: String) { unlink(dir + "/filler") }

        static func orphans(_ root: String) -> [String] {
            DurabilityKit.files(root).keys.filter { $0.contains("office-lease") || $0.contains(".tmp-") }.sorted()
        }

        @Test("pactoria new on a full disk: the disk-full error, no orphan; after freeing space new and commit succeed")
        func cliNew() throws {
            guard let mount = Self.mountTmpfs(size: "16m") else { return }
            defer { Self.unmount(mount) }
            let (root, _, _) = try DurabilityKit.workspace(in: mount)
            let args = [
                "new", "--company", "acme", "--title", "Office Lease", "--type", "lease", "--client",
                "Harbour Foods Ltd",
            ]
            var failures = 0
            // Free 0 to 3 pages: the journal, the Markdown or the metadata finds the disk full.
            for spare in [0, 4096, 8192, 12288] {
                try Self.fill(mount, spare: spare)
                let r = try DurabilityKit.cli(root, args)
                if r.status != 0 {
                    failures += 1
                    #expect(
                        r.stderr.hasPrefix(
                            "error: companies/acme/contracts/office-lease.md: the disk is full; nothing was changed — free some space and try again"
                        ), "\(r)")
                    #expect(Self.orphans(root).isEmpty, "left behind: \(Self.orphans(root))")
                    #expect(!FileManager.default.fileExists(atPath: root + "/.git/pactoria/journal"))
                } else {
                    // Enough room after all: both files, and nothing else.
                    #expect(
                        Self.orphans(root) == [
                            "companies/acme/contracts/office-lease.md", "companies/acme/contracts/office-lease.yaml",
                        ])
                    for p in Self.orphans(root) { unlink(root + "/" + p) }
                }
                Self.free(mount)
            }
            #expect(failures > 0, "the disk was never full")
            let created = try DurabilityKit.cli(root, args)
            #expect(created.status == 0, "\(created)")
            let commit = try DurabilityKit.cli(root, ["commit", "-m", "Lease"])
            #expect(commit.status == 0, "\(commit)")
            try DurabilityKit.expectSound(root)
        }

        @Test("a server create on a full disk: an error, no orphan; after freeing space the create succeeds")
        func serverCreate() async throws {
            guard let mount = Self.mountTmpfs(size: "16m") else { return }
            defer { Self.unmount(mount) }
            let (root, _, _) = try DurabilityKit.workspace(in: mount)
            let token = try ServeProcess.adminToken(root, company: "acme")
            let head = try DurabilityKit.head(root)
            let results: [Int] = try await blocking {
                let server = try ServeProcess(root: root)
                defer { server.stop() }
                var statuses: [Int] = []
                for spare in [0, 4096, 8192, 12288, 16384] {
                    try Self.fill(mount, spare: spare)
                    let r = try server.request(
                        "POST", "/api/v1/contracts", token: token, json: DurabilityFaults.leaseBody)
                    statuses.append(r.status)
                    if r.status != 201 {
                        guard r.status == 507, r.text.contains("disk is full") else {
                            throw DurabilityKit.Failure(description: "not the disk-full error: \(r.status) \(r.text)")
                        }
                        guard Self.orphans(root).isEmpty else {
                            throw DurabilityKit.Failure(description: "left behind: \(Self.orphans(root))")
                        }
                    } else {
                        // Committed; remove it again so the next round starts alike.
                        Self.free(mount)
                        _ = try runGit(
                            root,
                            [
                                "rm", "-q", "companies/acme/contracts/office-lease.md",
                                "companies/acme/contracts/office-lease.yaml",
                            ])
                        _ = try runGit(root, ["commit", "-q", "-m", "Undo", "--no-verify"])
                    }
                    Self.free(mount)
                }
                // The space comes back once no process holds the filler (bounded poll).
                var ok = try server.request("POST", "/api/v1/contracts", token: token, json: DurabilityFaults.leaseBody)
                let deadline = ContinuousClock.now + .seconds(30)
                while ok.status == 507, ContinuousClock.now < deadline {
                    usleep(200_000)
                    ok = try server.request("POST", "/api/v1/contracts", token: token, json: DurabilityFaults.leaseBody)
                }
                statuses.append(ok.status)
                if ok.status != 201 {
                    var fs = statvfs()
                    statvfs(mount, &fs)
                    let holders =
                        (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { pid -> String? in
                            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
                            let hits = fds.compactMap {
                                try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
                            }
                            .filter { $0.hasPrefix(mount) }
                            return hits.isEmpty ? nil : "\(pid): \(hits)"
                        } ?? []
                    throw DurabilityKit.Failure(
                        description:
                            "create after freeing space: \(statuses) \(ok.text); free \(fs.f_bavail * fs.f_bsize); open below the mount: \(holders)"
                    )
                }
                return statuses
            }
            #expect(results.dropLast().contains(507), "the disk was never full: \(results)")
            #expect(results.last == 201, "\(results)")
            #expect(try DurabilityKit.head(root) != head)
            try DurabilityKit.expectSound(root)
        }
    }
}
