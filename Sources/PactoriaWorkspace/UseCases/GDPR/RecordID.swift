/// The ids of tracked GDPR records (requests `dsr-…`, consent events `cns-…`): a three-letter
/// kind, the day as `YYYYMMDD`, and lower-case hex digits. Only ids of exactly that shape are
/// accepted, so an id can never name a path elsewhere.
enum GDPRRecordID {
    /// Whether `id` is `<prefix>-YYYYMMDD-` followed by `hexDigits` lower-case hex digits.
    static func isValid(_ id: String, prefix: String, hexDigits: Int) -> Bool {
        let u = Array(id.utf8)
        let p = Array(prefix.utf8)
        guard p.count == 3, u.count == 4 + 8 + 1 + hexDigits, u.starts(with: p), u[3] == UInt8(ascii: "-"),
            u[12] == UInt8(ascii: "-")
        else { return false }
        let digits = u[4..<12].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        let hex = u[13...].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        return digits && hex
    }
}
