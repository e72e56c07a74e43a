import Foundation
import PactoriaCore
import PactoriaWorkspace

/// Two properties from one input. The bytes, read as commit trailers, never yield an event whose
/// values came from another line; and events built from the bytes survive compose → parse intact.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)

    // 1. Arbitrary trailer lines.
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let trailers: [(key: String, value: String)] = lines.compactMap { line in
        guard let colon = line.firstIndex(of: ":") else { return nil }
        return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces())
    }
    _ = AuditTrailers.parse(trailers)

    // 2. Events whose every text field is a slice of the input.
    let parts = text.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
    func part(_ i: Int) -> String? { i < parts.count ? parts[i] : nil }
    let event = ContractEvent(
        id: part(0) ?? "", ref: ContractRef(company: "", stem: ""), event: part(1) ?? "contract.updated",
        version: size, from: part(2), to: part(3), actor: part(4), reason: part(5))
    let message = AuditTrailers.compose(message: part(6) ?? "Update", events: [event, event])
    let parsed = AuditTrailers.parse(AuditTrailers.trailerLines(of: message))
    guard parsed.count == 2, parsed[0] == parsed[1] else {
        fatalError("compose → parse gave \(parsed.count) events\n\(message)")
    }
    var expected = AuditTrailers.normalised(event)
    expected.ref = parsed[0].ref
    guard parsed[0] == expected else {
        fatalError("round trip changed the event\n\(expected)\n\(parsed[0])\n\(message)")
    }
    return 0
}
