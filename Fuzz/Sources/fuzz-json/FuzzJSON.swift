import Foundation

/// Bytes → the server's request-body check (`JSONShape`, the very file the server compiles) and,
/// when it passes, Foundation's parser. Whatever the bytes: no crash, no hang; and a body the
/// check lets through never nests deeper than the limit once parsed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard JSONShape.problem(bytes) == nil else { return 0 }
    guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return 0 }
    let depth = nesting(object)
    guard depth <= JSONShape.maxDepth else {
        fatalError("a body nesting \(depth) levels passed the check: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
    }
    return 0
}

/// How many containers deep a parsed value goes.
func nesting(_ value: Any) -> Int {
    if let o = value as? [String: Any] { return 1 + (o.values.map(nesting).max() ?? 0) }
    if let a = value as? [Any] { return 1 + (a.map(nesting).max() ?? 0) }
    return 0
}
