import Fluent
import SQLKit

/// A covering index for the dashboard's grouped counts (scope, category, nationality, permit end):
/// the counts are read from the index alone.
struct M011_CountsIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await (db as! any SQLDatabase).create(index: "foreigners_counts_idx").on("foreigners")
            .column("regency_code").column("permit_category").column("nationality").column("permit_end").run()
    }

    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).drop(index: "foreigners_counts_idx").run()
    }
}
