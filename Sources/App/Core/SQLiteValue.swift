import FluentSQLiteDriver
import Foundation

/// Values for SQLite's own API, stored exactly as SQLKit would store them (`SQLiteDataEncoder`): text for strings and
/// UUIDs (upper-case, as `uuidString`), integers for Booleans and integers, seconds since 1970 for dates, NULL for
/// nil. For bulk inserts (`RegistryBatchApplier.insert`), where SQLKit's per-value encoding was a sixth of the time.
enum SQLiteValue {
    static func of(_ bind: SQLBind) throws -> SQLiteData {
        switch bind.encodable {
        case let v as String: return .text(v)
        case let v as UUID: return .text(text(of: v))
        case let v as Date: return .float(v.timeIntervalSince1970)
        case let v as Bool: return .integer(v ? 1 : 0)
        case let v as Int: return .integer(v)
        case let v as Double: return .float(v)
        default:
            // A nil of any optional type, or a type not listed above: as SQLKit does it.
            return try SQLiteDataEncoder().encode(bind.encodable)
        }
    }

    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The same text as `uuid.uuidString`, without `snprintf`.
    static func text(of uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for (i, b) in bytes.enumerated() {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = hex[Int(b >> 4)]; out[o + 1] = hex[Int(b & 0x0F)]; o += 2
                }
                return o
            }
        }
    }

    /// `INSERT INTO "table" ("a", "b") VALUES (?, ?), (?, ?)…` for `rows` rows.
    static func insertStatement(_ table: String, _ columns: [String], rows: Int) -> String {
        let quote = { (name: String) in "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(quote(table)) (\(columns.map(quote).joined(separator: ", "))) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
