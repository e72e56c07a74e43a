internal import COpenSSL
public import Foundation

/// The one error type thrown by `PactoriaCrypto`.
///
/// Library failures carry the reason OpenSSL put on its (per-thread) error queue, read with
/// `ERR_get_error` and formatted with `ERR_error_string_n`, so messages are human readable
/// rather than raw numbers.
public enum CryptoError: Error, Sendable, Hashable {
    /// An authenticated decryption (AES-GCM open) found the ciphertext, tag, nonce or
    /// additional data had been altered, or the key was wrong.
    case authenticationFailed
    /// A key had the wrong size for the algorithm.
    case invalidKeyLength(expected: Int, actual: Int)
    /// An argument was unusable (wrong nonce/tag size, negative count, too large, ...).
    case invalidArgument(String)
    /// OpenSSL reported a failure. `operation` is the C function that failed, `code` the
    /// packed OpenSSL error code (0 when the queue was empty) and `reason` its text.
    case library(operation: String, code: UInt, reason: String)

    /// A one-line human readable message.
    public var message: String {
        switch self {
        case .authenticationFailed:
            return "authentication failed: the data was tampered with or the key is wrong"
        case .invalidKeyLength(let expected, let actual):
            return "invalid key length: expected \(expected) bytes, got \(actual)"
        case .invalidArgument(let detail):
            return "invalid argument: \(detail)"
        case .library(let operation, _, let reason):
            return "OpenSSL \(operation) failed: \(reason)"
        }
    }
}

extension CryptoError: CustomStringConvertible, LocalizedError {
    public var description: String { message }
    public var errorDescription: String? { message }
}

extension CryptoError {
    /// Builds a `.library` error from OpenSSL's error queue for the current thread, and
    /// empties the queue so a later failure does not report a stale reason.
    static func fromErrorQueue(_ operation: String) -> CryptoError {
        var first: UInt = 0
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if first == 0 { first = code }
            let text = errorString(code)
            if reasons.count < 3, !reasons.contains(text) { reasons.append(text) }
        }
        let reason = reasons.isEmpty ? "no reason on the OpenSSL error queue" : reasons.joined(separator: "; ")
        return .library(operation: operation, code: first, reason: reason)
    }

    private static func errorString(_ code: UInt) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Throws the queued OpenSSL error unless `result` is 1 (OpenSSL's success value).
@inline(__always)
func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(CryptoError) {
    guard result == 1 else { throw CryptoError.fromErrorQueue(operation()) }
}

/// Converts a byte count to the `int` OpenSSL expects, or throws.
@inline(__always)
func cInt(_ count: Int, _ what: String) throws(CryptoError) -> Int32 {
    guard let value = Int32(exactly: count), value >= 0 else {
        throw CryptoError.invalidArgument("\(what) length \(count) is out of range")
    }
    return value
}
