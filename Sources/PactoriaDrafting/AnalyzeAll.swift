public import Foundation
public import PactoriaAI
public import PactoriaCore
public import PactoriaGit
public import PactoriaWorkspace
import Synchronization

extension Drafting {
    /// What `analyzeAll` did.
    public struct AnalyzeAllOutcome: Sendable {
        public struct Row: Sendable {
            public var ref: ContractRef
            public var result: AnalysisResult
            /// How long the analyser ran on this contract, in milliseconds.
            public var processingMs: Int
            /// Why it was not recorded (read-only, active, changed meanwhile); nil when recorded.
            public var notRecorded: String?
        }

        /// Every contract analysed, in workspace order.
        public var rows: [Row]
        /// Contracts skipped because their content has not changed since the recorded analysis.
        public var unchanged: Int
        /// The one commit that records every new analysis (nil when none was recorded).
        public var commit: ObjectID?

        public var recorded: Int { rows.filter { $0.notRecorded == nil }.count }
        public var notRecorded: Int { rows.count - recorded }
    }

    /// Progress of `analyzeAll`: contracts looked at so far, of how many.
    public typealias AnalyzeProgress = (_ done: Int, _ total: Int) -> Void

    /// Analyses every contract that has content, and records all the new analyses in **one**
    /// commit (one `contract.analyzed` event per contract in its trailers). The local analyser
    /// runs on every core; the AI provider is asked one contract at a time. Contracts whose content
    /// is unchanged since their recorded analysis are skipped unless `force`; active, completed,
    /// expired and terminated contracts are analysed but not recorded, as with one contract. A
    /// contract whose files change while the batch runs is left out of the commit (its row says so).
    public static func analyzeAll(
        _ ws: Workspace, force: Bool, provider: GenerationProvider, author: Author,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: AnalyzeProgress = { _, _ in }
    ) throws(WorkspaceError) -> AnalyzeAllOutcome {
        struct Job: Sendable {
            var ref: ContractRef
            var contract: Contract
            var markdown: String
            var sha: String
        }
        if provider == .ai { try ConsentRecords.requireAIConsent(ws, actor: author.email, activity: "AI analysis") }
        var jobs: [Job] = []
        var unchanged = 0
        let refs = ContractIndex.load(ws).summaries.map(\.ref)
        Trace.measure("analyze.read") {
            for ref in refs {
                guard let bytes = ws.readMarkdown(ref) else { continue }
                guard let loaded = try? ws.loadContract(ref) else { continue }
                let sha = Snapshots.contentHash(bytes)
                if !force, analysisIsCurrent(loaded.document, sha: sha) {
                    unchanged += 1
                    continue
                }
                jobs.append(
                    Job(
                        ref: ref, contract: loaded.contract, markdown: String(decoding: bytes, as: UTF8.self), sha: sha)
                )
            }
        }
        let total = jobs.count + unchanged
        progress(unchanged, total)

        // Analyse: in parallel chunks for the local analyser, one by one for the AI provider.
        let results = try Trace.measure("analyze.batch") { () throws(WorkspaceError) -> [(AnalysisResult, Int)] in
            if provider == .ai {
                var results: [(AnalysisResult, Int)] = []
                for (i, job) in jobs.enumerated() {
                    results.append(
                        try timed { () throws(WorkspaceError) -> AnalysisResult in
                            try runAnalyzer(
                                ws, markdown: job.markdown, contract: job.contract, provider: provider,
                                environment: environment)
                        })
                    progress(unchanged + i + 1, total)
                }
                return results
            }
            let analyzer = LocalContractAnalyzer()
            let chunk = 64
            let shared = Mutex([(AnalysisResult, Int)?](repeating: nil, count: jobs.count))
            var start = 0
            while start < jobs.count {
                let end = min(jobs.count, start + chunk)
                let slice = Array(jobs[start..<end])
                let base = start
                DispatchQueue.concurrentPerform(iterations: slice.count) { i in
                    let r = timed { analyzer.analyze(markdown: slice[i].markdown, contract: slice[i].contract) }
                    shared.withLock { $0[base + i] = r }
                }
                start = end
                progress(unchanged + end, total)
            }
            // Every slot was written above.
            return shared.withLock { $0.map { $0! } }
        }

        // Record: one commit under the workspace's write lock, from a fresh read of each file.
        var rows: [AnalyzeAllOutcome.Row] = []
        var toRecord: [(row: Int, job: Job)] = []
        for (job, (result, ms)) in zip(jobs, results) {
            let why = analysisNotRecordable(job.contract)
            if why == nil { toRecord.append((rows.count, job)) }
            rows.append(.init(ref: job.ref, result: result, processingMs: ms, notRecorded: why))
        }
        guard !toRecord.isEmpty else { return AnalyzeAllOutcome(rows: rows, unchanged: unchanged, commit: nil) }
        let made = try WriteTransaction.withLock(ws) { () throws(WorkspaceError) -> ObjectID? in
            var writes: [WriteTransaction.Write] = []
            var events: [ContractEvent] = []
            for (row, job) in toRecord {
                guard let fresh = try? ws.loadContract(job.ref), let bytes = ws.readMarkdown(job.ref),
                    Snapshots.contentHash(bytes) == job.sha, fresh.contract.version == job.contract.version,
                    fresh.contract.status == job.contract.status
                else {
                    rows[row].notRecorded = "changed while the batch ran; analyse it again"
                    continue
                }
                let (write, event) = recording(
                    rows[row].result, processingMs: rows[row].processingMs, of: fresh, at: job.ref, author: author)
                writes.append(write)
                events.append(event)
            }
            guard !writes.isEmpty else { return nil }
            let n = writes.count
            return try Trace.measure("analyze.commit") { () throws(WorkspaceError) -> ObjectID? in
                try WriteTransaction.run(
                    ws, operation: "analyze --all",
                    writes: writes,
                    finish: .commit(
                        message: "Analyse \(n) contract\(n == 1 ? "" : "s")", events: events, author: author,
                        allowEmpty: true))
            }
        }
        return AnalyzeAllOutcome(rows: rows, unchanged: unchanged, commit: made)
    }
}
