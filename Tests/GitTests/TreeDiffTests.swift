import Foundation
import PactoriaGit
import PactoriaTestSupport
import Testing

/// Issue #15 (check): `changedFiles` and `changedPaths` skip a folder whose tree id is the same on
/// both sides; on seeded random tree pairs (nested folders, files turned into links, submodule
/// links or folders and back, mode changes, names that sort around `/`, non-UTF-8 names, and
/// hostile trees out of order, with repeated names or the null id) they give exactly libgit2's
/// answer, entry for entry and in the same order.
@Suite("Git: tree diff that skips identical folders")
struct TreeDiffTests {
    indirect enum Node {
        case leaf(mode: UInt32, id: ObjectID)
        case tree([(name: [UInt8], node: Node)])
    }

    typealias Rng = SplitMix64

    static let names: [[UInt8]] =
        ["a", "a-b", "a.b", "a b", "a!", "b", "companies", "companiesX", "contracts", "x.yaml", "x.md", "é", "z"]
        .map { Array($0.utf8) } + [[0x61, 0xFF], [0xC3]]

    static func isTree(_ n: Node) -> Bool { if case .tree = n { true } else { false } }

    /// git's order of tree entries (a folder's name read as ending in `/`).
    static func before(_ a: (name: [UInt8], node: Node), _ b: (name: [UInt8], node: Node)) -> Bool {
        let x = a.name + (isTree(a.node) ? [0x2F] : [])
        let y = b.name + (isTree(b.node) ? [0x2F] : [])
        return x.lexicographicallyPrecedes(y)
    }

    static func randomID(_ r: inout Rng) -> ObjectID { ObjectID(bytes: (0..<20).map { _ in UInt8(r.below(4)) }) }

    static func randomLeaf(_ r: inout Rng) -> Node {
        let modes: [UInt32] = [0o100644, 0o100644, 0o100644, 0o100755, 0o100664, 0o120000, 0o160000]
        return .leaf(mode: modes[r.below(modes.count)], id: randomID(&r))
    }

    static func randomTree(_ r: inout Rng, depth: Int) -> Node {
        var entries: [(name: [UInt8], node: Node)] = []
        var used = Set<[UInt8]>()
        for _ in 0..<(1 + r.below(5)) {
            let name = names[r.below(names.count)]
            guard used.insert(name).inserted else { continue }
            entries.append((name, depth < 3 && r.chance(40) ? randomTree(&r, depth: depth + 1) : randomLeaf(&r)))
        }
        return .tree(entries)
    }

    /// A changed copy: entries edited, retyped, removed, added, or folders changed within.
    static func mutate(_ node: Node, _ r: inout Rng, depth: Int) -> Node {
        guard case .tree(var entries) = node else { return randomLeaf(&r) }
        for k in entries.indices.reversed() {
            guard r.chance(35) else { continue }
            switch (entries[k].node, r.below(6)) {
            case (.tree, 0), (.leaf, 0): entries.remove(at: k)
            case (.tree, 1): entries[k].node = randomLeaf(&r)
            case (.tree, _): entries[k].node = mutate(entries[k].node, &r, depth: depth + 1)
            case (.leaf(let mode, _), 1): entries[k].node = .leaf(mode: mode, id: randomID(&r))
            case (.leaf(_, let id), 2):
                let modes: [UInt32] = [0o100644, 0o100755, 0o100664, 0o120000, 0o160000]
                entries[k].node = .leaf(mode: modes[r.below(modes.count)], id: id)
            case (.leaf, 3) where depth < 3: entries[k].node = randomTree(&r, depth: depth + 1)
            default: entries[k].node = randomLeaf(&r)
            }
        }
        if r.chance(40) {
            let name = names[r.below(names.count)]
            if !entries.contains(where: { $0.name == name }) {
                entries.append((name, r.chance(30) && depth < 3 ? randomTree(&r, depth: depth + 1) : randomLeaf(&r)))
            }
        }
        return .tree(entries)
    }

    /// Writes `node` (a tree) as a raw tree object: canonical unless `hostile` says otherwise.
    static func write(_ node: Node, _ repo: Repository, _ r: inout Rng, hostile: Bool, top: Bool = true) throws
        -> ObjectID
    {
        guard case .tree(let list) = node else { preconditionFailure() }
        var entries: [(name: [UInt8], mode: UInt32, id: ObjectID)] = []
        for e in list.sorted(by: before) {
            switch e.node {
            case .leaf(let mode, let id): entries.append((e.name, mode, id))
            case .tree:
                entries.append((e.name, 0o040000, try write(e.node, repo, &r, hostile: hostile, top: false)))
            }
        }
        if hostile, !entries.isEmpty {
            switch r.below(5) {
            case 0: entries.swapAt(0, r.below(entries.count))  // out of order
            case 1: entries.append(entries[r.below(entries.count)])  // a repeated name
            case 2 where top:  // the null id, at the top (never inside a folder left unread)
                entries[r.below(entries.count)].id = ObjectID(bytes: [UInt8](repeating: 0, count: 20))
            case 3: entries[r.below(entries.count)].mode = 0o100600  // an unknown mode
            default: break
            }
        }
        var raw: [UInt8] = []
        for e in entries {
            raw += Array(String(e.mode, radix: 8).utf8) + [0x20] + e.name + [0] + e.id.bytes
        }
        return try repo.writeRawTree(raw)
    }

    @Test("seeded random tree pairs: the skipping diff equals libgit2's, entry for entry")
    func randomTrees() throws {
        Hermetic.setUp()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pactoria-treediff-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let repo = try Repository.initialize(at: dir)
        var r = Rng(seed: 0x15C0_FFEE)
        var skipped = 0
        var compared = 0
        for round in 0..<400 {
            let hostile = round % 4 == 3
            // A workspace-like root: companies/<c>/contracts/… beside other folders and files.
            let base = Node.tree([
                (Array("companies".utf8), Self.randomTree(&r, depth: 1)),
                (Array(".pactoria".utf8), Self.randomTree(&r, depth: 2)),
                (Array("README.md".utf8), Self.randomLeaf(&r)),
            ])
            let changed = Self.mutate(base, &r, depth: 0)
            let old = try Self.write(base, repo, &r, hostile: hostile)
            let new = try Self.write(changed, repo, &r, hostile: hostile)
            for (a, b) in [(old, new), (new, old), (nil, new), (old, nil), (old, old)] as [(ObjectID?, ObjectID?)] {
                for prefix in [nil, "companies", "companies/a", "a"] as [String?] {
                    let reference: Result<[TreeFileChange], any Error> = Result {
                        try repo.libgit2ChangedFiles(from: a, to: b, under: prefix)
                    }
                    let fast = Result { try repo.changedFiles(from: a, to: b, under: prefix) }
                    switch (reference, fast) {
                    case (.success(let x), .success(let y)):
                        #expect(x == y, "round \(round) prefix \(prefix ?? "-")")
                        compared += 1
                    case (.failure, .failure): break
                    default:
                        Issue.record("round \(round) prefix \(prefix ?? "-"): \(reference) vs \(fast)")
                    }
                    let paths = Result { try repo.libgit2ChangedPaths(from: a, to: b, under: prefix) }
                    let fastPaths = Result { try repo.changedPaths(from: a, to: b, under: prefix) }
                    switch (paths, fastPaths) {
                    case (.success(let x), .success(let y)): #expect(x == y, "round \(round) prefix \(prefix ?? "-")")
                    case (.failure, .failure): break
                    default: Issue.record("round \(round) prefix \(prefix ?? "-"): \(paths) vs \(fastPaths)")
                    }
                    if !hostile {
                        // Canonical trees never need libgit2.
                        #expect(try repo.skippingChangedFiles(from: a, to: b, under: prefix) != nil)
                        skipped += 1
                    }
                }
            }
        }
        #expect(compared > 1000 && skipped > 1000)
    }
}
