import Foundation
import Fluent
import SQLKit

/// Search keys for the field look-up (OCR-folded passport number, canonical name tokens) and the
/// overstay fee as dated data.
struct M007_FieldLookup: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await db.schema("foreigners").field("passport_key", .string).update()
        try await db.schema("foreigners").field("name_key", .string).update()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "foreigners_passport_key_idx").on("foreigners").column("passport_key").run()
        try await db.schema("overstay_fee_rates")
            .id()
            .field("valid_from", .string, .required)
            .field("amount_idr", .int64, .required)
            .field("max_days", .int, .required)
            .field("basis", .string, .required)
            .create()
        for rate in OverstayFeeRate.defaults { try await rate.create(on: db) }
        // Existing registries get their keys now; new records get them from ForeignerSummary.refresh.
        let today = Day.string(Date(), in: TimeZone(identifier: "Asia/Jakarta") ?? .current)   // the held permit's day; a migration has no office clock
        for id in try await Foreigner.query(on: db).all(\.$id) { try await ForeignerSummary.refresh(id, today: today, on: db) }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("overstay_fee_rates").delete()
        try await (db as! any SQLDatabase).drop(index: "foreigners_passport_key_idx").run()
        try await db.schema("foreigners").deleteField("name_key").update()
        try await db.schema("foreigners").deleteField("passport_key").update()
    }
}
