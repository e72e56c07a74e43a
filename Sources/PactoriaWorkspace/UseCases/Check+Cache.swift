import PactoriaGit

extension Check.Rule {
    /// A file under `.pactoria/cache/` (or the folder itself) tracked by git: an error.
    public static let cacheTracked = "cache-tracked"
}

extension Check {
    /// Whether `path` (as git stores it) is `.pactoria/cache` or lies under it once checked out:
    /// compared the way a case-insensitive file system (macOS, Windows) would resolve it, so
    /// `.Pactoria/CACHE/x` counts, as do names padded with characters HFS+ ignores
    /// (U+200C…U+200F, U+202A…U+202E, U+206A…U+206F, U+FEFF) or with the trailing dots and
    /// spaces Windows drops.
    static func isCachePath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2 else { return false }
        let wanted = Workspace.cacheDirectory.split(separator: "/")
        return zip(parts, wanted).allSatisfy { folded($0.0) == $0.1 } && parts.count >= wanted.count
    }

    /// The `cache-tracked` findings for the paths a change adds or modifies (a deletion of a
    /// tracked cache file is the cure, not a finding): one error per path under `.pactoria/cache`.
    static func cacheTrackedFindings(paths: [String], commit: ObjectID?) -> [Finding] {
        paths.filter(isCachePath).sorted().map { cacheTrackedFinding($0, commit: commit) }
    }

    /// The `cache-tracked` findings for every entry of `tree` under `.pactoria/cache` (any
    /// spelling that checks out there), or for `.pactoria/cache` itself when it is not a folder.
    /// Reads only the trees on the way: the root, `.pactoria`, and the cache folder.
    static func cacheTrackedFindings(_ repo: Repository, tree: ObjectID) throws(WorkspaceError) -> [Finding] {
        let wanted = Workspace.cacheDirectory.split(separator: "/").map(String.init)
        var paths: [String] = []
        do {
            for top in try repo.directoryEntries(ofTree: tree) where top.isDirectory && folded(top.name) == wanted[0] {
                for entry in try repo.directoryEntries(ofTree: top.id) where folded(entry.name) == wanted[1] {
                    let path = top.name + "/" + entry.name
                    if entry.isDirectory {
                        let inside = try repo.files(inTree: tree, under: path).keys
                        paths += inside.isEmpty ? [path] : Array(inside)
                    } else {
                        paths.append(path)
                    }
                }
            }
        } catch {
            throw .repository("cannot read the tree", detail: "\(error)")
        }
        return paths.sorted().map { cacheTrackedFinding($0, commit: nil) }
    }

    static func cacheTrackedFinding(_ path: String, commit: ObjectID?) -> Finding {
        Finding(
            file: path, line: nil, commit: commit, rule: Rule.cacheTracked,
            message:
                "\(path) is tracked: \(Workspace.cacheDirectory) holds each machine's own caches and is never"
                + " committed (a committed cache could forge answers); take it out of the repository (the files may stay)"
        )
    }

    /// A path component as a case-insensitive file system would match it: ASCII lowercased,
    /// characters HFS+ ignores dropped, trailing dots and spaces (which Windows drops) removed.
    static func folded(_ name: some StringProtocol) -> String {
        var scalars = String.UnicodeScalarView()
        for s in name.unicodeScalars {
            switch s.value {
            case 0x200C...0x200F, 0x202A...0x202E, 0x206A...0x206F, 0xFEFF: continue
            case 0x41...0x5A: scalars.append(Unicode.Scalar(s.value + 0x20)!)
            default: scalars.append(s)
            }
        }
        var out = String(scalars)
        while let last = out.last, last == "." || last == " " { out.removeLast() }
        return out
    }
}
