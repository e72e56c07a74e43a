internal import CLibGit2
import Foundation

/// Unified diffs of two texts, computed by libgit2.
public enum TextDiff {
    /// A unified diff (`--- a/…`, `+++ b/…`, `@@` hunks) of `old` against `new`; empty when equal.
    public static func unified(
        old: [UInt8], new: [UInt8], oldPath: String, newPath: String, contextLines: Int = 3
    ) throws -> String {
        Libgit2.ensure()
        if old == new { return "" }
        var opts = git_diff_options()
        try check(git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION)), "diff options")
        opts.context_lines = UInt32(contextLines)
        var patch: OpaquePointer?
        _ = try old.withUnsafeBytes { o in
            try new.withUnsafeBytes { n in
                try check(
                    git_patch_from_buffers(
                        &patch, o.baseAddress, o.count, oldPath, n.baseAddress, n.count, newPath, &opts),
                    "diff \(newPath)")
            }
        }
        defer { git_patch_free(patch) }
        var buf = git_buf()
        try check(git_patch_to_buf(&buf, patch), "format diff of \(newPath)")
        defer { git_buf_dispose(&buf) }
        guard let ptr = buf.ptr else { return "" }
        let text = String(cString: ptr)
        // libgit2 writes a `diff --git` header line first; the unified part starts at `---`.
        if let r = text.range(of: "\n--- ") { return String(text[text.index(after: r.lowerBound)...]) }
        return text
    }
}
