internal import CLibGit2

/// A git object id (SHA-1), as a value.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible, Comparable {
    // 20 bytes held inline (no allocation): big-endian words of the SHA-1.
    private let w0: UInt64
    private let w1: UInt64
    private let w2: UInt32

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 20)
        self = bytes.withUnsafeBytes { ObjectID(packing: $0) }
    }

    /// Packs 20 raw bytes into the three words.
    private init(packing raw: UnsafeRawBufferPointer) {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var c: UInt32 = 0
        for i in 0..<8 { a = a << 8 | UInt64(raw[i]) }
        for i in 8..<16 { b = b << 8 | UInt64(raw[i]) }
        for i in 16..<20 { c = c << 8 | UInt32(raw[i]) }
        w0 = a
        w1 = b
        w2 = c
    }

    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(20)
        for i in (0..<8).reversed() { out.append(UInt8(truncatingIfNeeded: w0 >> (UInt64(i) * 8))) }
        for i in (0..<8).reversed() { out.append(UInt8(truncatingIfNeeded: w1 >> (UInt64(i) * 8))) }
        for i in (0..<4).reversed() { out.append(UInt8(truncatingIfNeeded: w2 >> (UInt32(i) * 8))) }
        return out
    }

    public init?(hex: String) {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var c: UInt32 = 0
        var n = 0
        for ch in hex.utf8 {
            guard n < 40, let v = Self.nibble(ch) else { return nil }
            if n < 16 {
                a = a << 4 | UInt64(v)
            } else if n < 32 {
                b = b << 4 | UInt64(v)
            } else {
                c = c << 4 | UInt32(v)
            }
            n += 1
        }
        guard n == 40 else { return nil }
        w0 = a
        w1 = b
        w2 = c
    }

    init(_ oid: git_oid) {
        var oid = oid
        self = withUnsafeBytes(of: &oid.id) { ObjectID(packing: $0) }
    }

    init(_ pointer: UnsafePointer<git_oid>) {
        self.init(pointer.pointee)
    }

    var raw: git_oid {
        var oid = git_oid()
        let b = bytes
        withUnsafeMutableBytes(of: &oid.id) { buf in
            for i in 0..<20 { buf[i] = b[i] }
        }
        return oid
    }

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(40)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var short: String { String(hex.prefix(7)) }
    public var description: String { hex }

    public static func < (a: ObjectID, b: ObjectID) -> Bool { (a.w0, a.w1, a.w2) < (b.w0, b.w1, b.w2) }

    /// The id git would give `data` stored as a blob (no repository needed).
    public static func blobID(of data: [UInt8]) throws -> ObjectID {
        Libgit2.ensure()
        var oid = git_oid()
        _ = try data.withUnsafeBytes { buf in
            try check(git_odb_hash(&oid, buf.baseAddress, buf.count, GIT_OBJECT_BLOB), "hash blob")
        }
        return ObjectID(oid)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
