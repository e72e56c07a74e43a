internal import CCurl
public import Foundation

/// The one error type thrown by `PactoriaHTTPClient`. HTTP error statuses are not errors;
/// these are failures to get a response at all.
///
/// Messages combine libcurl's `curl_easy_strerror` text with the detail libcurl wrote to
/// `CURLOPT_ERRORBUFFER`. They never contain credential header values, URL user info or
/// URL query strings.
public enum HTTPClientError: Error, Sendable, Hashable {
    /// The request was rejected before sending (bad method, header, URL or scheme).
    case invalidRequest(String)
    /// DNS resolution of the host (or proxy) failed.
    case couldNotResolveHost(String)
    /// The TCP connection could not be established (refused, unreachable, connect timeout).
    case couldNotConnect(String)
    /// The connect or total timeout expired.
    case timedOut(String)
    /// TLS handshake or certificate verification failed.
    case tlsFailure(String)
    /// The response body exceeded the client's `maxResponseBytes`.
    case responseTooLarge(limit: Int)
    /// Any other libcurl failure; `code` is the `CURLcode`.
    case other(code: Int, message: String)

    /// A one-line human readable message.
    public var message: String {
        switch self {
        case .invalidRequest(let detail): return "invalid HTTP request: \(detail)"
        case .couldNotResolveHost(let detail): return "could not resolve host: \(detail)"
        case .couldNotConnect(let detail): return "could not connect: \(detail)"
        case .timedOut(let detail): return "timed out: \(detail)"
        case .tlsFailure(let detail): return "TLS failure: \(detail)"
        case .responseTooLarge(let limit): return "response body larger than \(limit) bytes"
        case .other(let code, let detail): return "HTTP transfer failed (libcurl error \(code)): \(detail)"
        }
    }

    /// Whether retrying the same request may succeed (connection failures and timeouts).
    public var isTransient: Bool {
        switch self {
        case .couldNotConnect, .timedOut: return true
        default: return false
        }
    }
}

extension HTTPClientError: CustomStringConvertible, LocalizedError {
    public var description: String { message }
    public var errorDescription: String? { message }
}

extension HTTPClientError {
    /// Maps a failed `curl_easy_perform` (or setopt) result to an error, with the detail
    /// scrubbed of `request`'s secrets.
    static func fromCurl(code: CURLcode, detail: String, request: HTTPRequest) -> HTTPClientError {
        let summary = String(cString: pactoria_curl_easy_strerror(code))
        var text = "\(request.method) \(request.redactedURL): \(summary)"
        let detail = detail.trimmingCharacters(in: .whitespacesAndNewlines)
        if !detail.isEmpty, detail != summary { text += " (\(detail))" }
        text = redact(text, secrets: request.secrets)

        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotResolveHost(text)
        case CURLE_COULDNT_CONNECT:
            return .couldNotConnect(text)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(text)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidRequest(text)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
            return .tlsFailure(text)
        default:
            return .other(code: Int(code.rawValue), message: text)
        }
    }
}

/// Replaces every occurrence of each secret (longest first) with `<redacted>`.
func redact(_ text: String, secrets: [String]) -> String {
    var result = text
    for secret in secrets where !secret.isEmpty {
        result = result.replacingOccurrences(of: secret, with: "<redacted>")
    }
    return result
}
