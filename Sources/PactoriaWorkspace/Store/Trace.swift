import Foundation

/// Phase timings on stderr when PACTORIA_TRACE is set (for benchmarks and bug reports).
package enum Trace {
    package static let enabled = ProcessInfo.processInfo.environment["PACTORIA_TRACE"] != nil

    package static func measure<T, E: Error>(_ label: String, _ body: () throws(E) -> T) throws(E) -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            FileHandle.standardError.write(Data("trace: \(label) \(String(format: "%.1f", ms)) ms\n".utf8))
        }
        return try body()
    }
}
