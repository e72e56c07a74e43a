import Foundation
import FuzzDriver

// SwiftPM links an executable with its own entry point, so libFuzzer's `main` is not used: hand
// the command line to libFuzzer's driver, with `fuzz` (LLVMFuzzerTestOneInput) as the callback.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    var empty: UInt8 = 0
    guard let data, size > 0 else { return withUnsafePointer(to: &empty) { fuzz($0, 0) } }
    return fuzz(data, size)
}
exit(status)
