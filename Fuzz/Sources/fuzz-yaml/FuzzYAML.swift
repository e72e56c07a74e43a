import Foundation
import PactoriaWorkspace

/// Bytes → the limited YAML reader. When the bytes parse, the canonical writer's output must
/// parse again to the same tree (same keys, same values), and writing that tree again must give
/// the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let doc = try? YAMLDocument.parse(text, file: "fuzz.yaml") else { return 0 }
    let written = CanonicalYAML.render(doc.root)
    let again: YAMLDocument
    do {
        again = try YAMLDocument.parse(written, file: "rewritten.yaml")
    } catch {
        fatalError("canonical output does not parse: \(error)\n--- input\n\(text)\n--- output\n\(written)")
    }
    guard again.root.sameContent(as: doc.root) else {
        fatalError("round trip changed the tree\n--- input\n\(text)\n--- output\n\(written)")
    }
    let twice = CanonicalYAML.render(again.root)
    guard twice == written else {
        fatalError("canonical output is not stable\n--- first\n\(written)\n--- second\n\(twice)")
    }
    return 0
}
