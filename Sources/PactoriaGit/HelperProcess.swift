import PactoriaProcess

/// Runs a credential helper through `/bin/sh -c` (`ChildProcess`): the input is written to its
/// standard input, its standard output collected, its standard error left to ours.
enum HelperProcess {
    struct Result {
        var status: Int32
        var output: [UInt8]
    }

    /// The most output kept from a helper.
    static let outputLimit = 1 << 20

    /// Nil when the helper cannot be started or overruns `timeout` (its process group is then killed).
    static func run(shell command: String, input: [UInt8], environment: [String: String], timeout: Duration)
        -> Result?
    {
        let helper = ChildProcess(
            "/bin/sh", ["-c", command], environment: environment, input: input, errorOutput: .inherit,
            timeout: timeout, outputLimit: outputLimit)
        guard let done = try? helper.run() else { return nil }
        return Result(status: done.status, output: done.output)
    }
}
