import PactoriaCore
import PactoriaGit

/// #12.18: the version a merged contract carries. Markdown that differs from both sides' is a
/// new edition: the higher of the two versions plus one. Otherwise at least the higher of the two.
enum MergeVersion {
    static func merged(ours: Int, theirs: Int, oursContent: [UInt8]?, theirsContent: [UInt8]?, mergedContent: [UInt8]?)
        -> Int
    {
        let top = max(ours, theirs)
        guard let mergedContent else { return top }
        return mergedContent != oursContent && mergedContent != theirsContent ? top + 1 : top
    }

    /// For the commit that concludes a merge of `theirs` into HEAD (`ours`).
    static func concluding(
        _ repo: Repository, theirs: ObjectID, ref: ContractRef, ours: Contract, oursMarkdown: ObjectID?,
        markdown: ObjectID?, version: Int
    ) -> Int {
        guard let tree = try? repo.treeID(ofCommit: theirs) else { return version }
        var theirsVersion = ours.version
        if let blob = (try? repo.blobID(inTree: tree, path: ref.yamlPath)) ?? nil, let bytes = try? repo.blob(blob),
            let loaded = try? Workspace.decodeContract(ref: ref, text: String(decoding: bytes, as: UTF8.self))
        {
            theirsVersion = loaded.contract.version
        }
        let theirsMarkdown = (try? repo.blobID(inTree: tree, path: ref.markdownPath)) ?? nil
        let top = max(ours.version, theirsVersion)
        if markdown != oursMarkdown && markdown != theirsMarkdown { return max(version, top + 1) }
        return max(version, top)
    }
}
