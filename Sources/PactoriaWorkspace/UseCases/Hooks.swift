public import PactoriaGit
import Foundation

/// What happened when a domain-event hook ran.
public struct HookRun: Sendable {
    public var event: String
    public var path: String
    public var exitCode: Int32
    public var output: String
    public var succeeded: Bool { exitCode == 0 }
}

/// Domain events as hooks: an executable at `.pactoria/hooks/<event>` (for example
/// `.pactoria/hooks/contract.activated`) runs after the commit with the event as JSON on standard
/// input. A failing hook is reported; it never undoes the commit.
public enum Hooks {
    public static let directory = ".pactoria/hooks"

    public static func run(_ ws: Workspace, events: [ContractEvent], commit: ObjectID) -> [HookRun] {
        var runs: [HookRun] = []
        for e in events {
            let rel = "\(directory)/\(e.event)"
            let path = ws.absolute(rel)
            guard FileManager.default.isExecutableFile(atPath: path) else { continue }
            runs.append(execute(path: path, relative: rel, payload: payload(e, commit: commit), workspace: ws.root, event: e.event))
        }
        return runs
    }

    static func payload(_ e: ContractEvent, commit: ObjectID) -> [UInt8] {
        var object: [String: Any] = [
            "event": e.event, "contract_id": e.id, "company": e.ref.company, "path": e.ref.yamlPath,
            "version": e.version, "commit": commit.hex,
        ]
        if let v = e.from { object["from"] = v }
        if let v = e.to { object["to"] = v }
        if let v = e.actor { object["actor"] = v }
        if let v = e.reason { object["reason"] = v }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Array(data) + [0x0A]
    }

    static func execute(path: String, relative: String, payload: [UInt8], workspace: String, event: String) -> HookRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.currentDirectoryURL = URL(fileURLWithPath: workspace)
        var env = ProcessInfo.processInfo.environment
        env["PACTORIA_EVENT"] = event
        env["PACTORIA_WORKSPACE"] = workspace
        process.environment = env
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        do {
            try process.run()
        } catch {
            return HookRun(event: event, path: relative, exitCode: 127, output: "cannot run: \(error.localizedDescription)")
        }
        // Read output concurrently so a chatty hook cannot block on a full pipe.
        let collected = OutputBox()
        let reader = Thread {
            collected.set(output.fileHandleForReading.readDataToEndOfFile())
        }
        reader.start()
        input.fileHandleForWriting.write(Data(payload))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        while !collected.isSet { usleep(1_000) }
        let text = String(decoding: collected.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return HookRun(event: event, path: relative, exitCode: process.terminationStatus, output: text)
    }

    final class OutputBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Data?
        func set(_ d: Data) { lock.lock(); value = d; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value != nil }
        var data: Data { lock.lock(); defer { lock.unlock() }; return value ?? Data() }
    }
}
