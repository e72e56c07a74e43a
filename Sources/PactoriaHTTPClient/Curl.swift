internal import CCurl
import Foundation

/// libcurl's process-wide initialisation. libcurl is loaded on first use (see `CCurl/shim.h`:
/// linking it would cost every run of the binary its dependency tree); `curl_global_init` is not
/// thread-safe and must run once before any other libcurl call; a `static let` is initialised
/// exactly once, atomically.
enum CurlRuntime {
    private static let initializationResult: UInt32 =
        pactoria_curl_global_init(pactoria_curl_global_default_flags()).rawValue

    static func ensureInitialized() throws {
        guard pactoria_curl() != nil else {
            let why = String(cString: pactoria_curl_load_error())
            throw HTTPClientError.other(
                code: Int(CURLE_FAILED_INIT.rawValue),
                message: "libcurl is not installed (\(why)); install the libcurl4 package")
        }
        let code = initializationResult
        guard code == CURLE_OK.rawValue else {
            let text = String(cString: pactoria_curl_easy_strerror(CURLcode(rawValue: code)))
            throw HTTPClientError.other(code: Int(code), message: "curl_global_init failed: \(text)")
        }
    }
}

/// Collects the response produced by libcurl's write and header callbacks.
final class ResponseSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var exceededLimit = false

    init(limit: Int) { self.limit = limit }

    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = String(decoding: bytes, as: UTF8.self)
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        if line.hasPrefix("HTTP/") {
            // A new status line: a 1xx interim response (or a redirect) came first; start over.
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard !name.isEmpty else { return }
        headers.append((name, line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    var headerDictionary: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in headers {
            if let existing = result[name] { result[name] = existing + ", " + value } else { result[name] = value }
        }
        return result
    }
}

private func curlWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let total = size * count
    guard total > 0, let data else { return total }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    // Returning fewer bytes than offered makes libcurl abort with CURLE_WRITE_ERROR.
    return sink.appendBody(UnsafeRawBufferPointer(start: data, count: total)) ? total : 0
}

private func curlHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let context else { return 0 }
    let total = size * count
    guard total > 0, let data else { return total }
    Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        .appendHeaderLine(UnsafeRawBufferPointer(start: data, count: total))
    return total
}

/// Owns a `curl_slist` of request header lines.
final class HeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init() {}

    func append(_ line: String) throws {
        // curl_slist_append copies the string; on failure the old list is still valid.
        guard let appended = pactoria_curl_slist_append(pointer, line) else {
            throw HTTPClientError.other(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_slist_append failed")
        }
        pointer = appended
    }

    deinit { pactoria_curl_slist_free_all(pointer) }
}

/// Owns one libcurl easy handle and everything libcurl points into while it runs: the
/// error buffer, the header list, the request body and the response sink. Stored properties
/// are released after `deinit` has run `curl_easy_cleanup`, so libcurl never sees freed memory.
final class EasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: HeaderList?
    private var body: UnsafeMutableRawBufferPointer?
    let sink: ResponseSink

    init(responseLimit: Int) throws {
        try CurlRuntime.ensureInitialized()
        guard let handle = pactoria_curl_easy_init() else {
            throw HTTPClientError.other(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        sink = ResponseSink(limit: responseLimit)

        let context = Unmanaged.passUnretained(sink).toOpaque()
        try check(pactoria_curl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        try check(pactoria_curl_setopt_write(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback), "CURLOPT_WRITEFUNCTION")
        try check(pactoria_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(pactoria_curl_setopt_header_callback(handle, curlHeaderCallback), "CURLOPT_HEADERFUNCTION")
        try check(pactoria_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
    }

    deinit {
        pactoria_curl_easy_cleanup(handle)
        errorBuffer.deallocate()
        body?.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int, _ name: @autoclosure () -> String) throws {
        try check(pactoria_curl_setopt_long(handle, option, value), name())
    }

    /// String options are copied by libcurl.
    func set(_ option: CURLoption, _ value: String, _ name: @autoclosure () -> String) throws {
        try check(pactoria_curl_setopt_ptr(handle, option, value), name())
    }

    /// Sends `bytes` as the request body (POSTFIELDS), kept alive by this handle.
    func setBody(_ bytes: [UInt8]) throws {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        body?.deallocate()
        body = storage
        storage.copyBytes(from: bytes)
        try check(pactoria_curl_setopt_long(handle, CURLOPT_POST, 1), "CURLOPT_POST")
        try check(
            pactoria_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)),
            "CURLOPT_POSTFIELDSIZE_LARGE")
        try check(pactoria_curl_setopt_ptr(handle, CURLOPT_POSTFIELDS, storage.baseAddress), "CURLOPT_POSTFIELDS")
    }

    /// Sends these header lines, kept alive by this handle.
    func setHeaders(_ list: HeaderList) throws {
        headerList = list
        try check(pactoria_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, list.pointer), "CURLOPT_HTTPHEADER")
    }

    /// Runs the transfer; on failure returns the code and the error-buffer text.
    func perform() -> (code: CURLcode, detail: String) {
        errorBuffer[0] = 0
        let code = pactoria_curl_easy_perform(handle)
        return (code, String(cString: errorBuffer))
    }

    func responseCode() throws -> Int {
        var status = 0
        try check(pactoria_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), "CURLINFO_RESPONSE_CODE")
        return status
    }

    private func check(_ code: CURLcode, _ name: @autoclosure () -> String) throws {
        guard code == CURLE_OK else {
            let text = String(cString: pactoria_curl_easy_strerror(code))
            throw HTTPClientError.other(code: Int(code.rawValue), message: "setting \(name()) failed: \(text)")
        }
    }
}
