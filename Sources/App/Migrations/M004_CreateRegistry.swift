import Fluent
import SQLKit

struct M004_CreateRegistry: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("foreigners")
            .id()
            .field("family_name", .string, .required)
            .field("given_names", .string, .required)
            .field("full_name", .string, .required)
            .field("sex", .string, .required)
            .field("date_of_birth", .string)
            .field("nationality", .string, .required)
            .field("photo_ref", .string)
            .field("search_name", .string, .required)
            .field("passport_number", .string)
            .field("permit_category", .string)
            .field("permit_end", .string)
            .field("sponsor_id", .uuid, .references("sponsors", "id"))
            .field("village_code", .string)
            .field("regency_code", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("passports")
            .id()
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id", onDelete: .cascade))
            .field("number", .string, .required)
            .field("issuing_country", .string, .required)
            .field("issued_on", .string)
            .field("expires_on", .string, .required)
            .field("is_current", .bool, .required)
            .unique(on: "issuing_country", "number")
            .create()
        try await db.schema("stay_permits")
            .id()
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id", onDelete: .cascade))
            .field("type_code", .string, .required, .references("permit_types", "code"))
            .field("number", .string, .required)
            .field("start_on", .string, .required)
            .field("end_on", .string, .required)
            .field("status", .string, .required)
            .field("sponsor_id", .uuid, .references("sponsors", "id"))
            .field("office_id", .uuid, .references("offices", "id"))
            .unique(on: "number")
            .create()
        try await db.schema("addresses")
            .id()
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id", onDelete: .cascade))
            .field("line", .string, .required)
            .field("village_code", .string, .required, .references("regions", "code"))
            .field("district_code", .string, .required, .references("regions", "code"))
            .field("latitude", .double)
            .field("longitude", .double)
            .field("valid_from", .string, .required)
            .field("is_current", .bool, .required)
            .create()
        try await db.schema("employments")
            .id()
            .field("foreigner_id", .uuid, .required, .references("foreigners", "id", onDelete: .cascade))
            .field("sponsor_id", .uuid, .required, .references("sponsors", "id"))
            .field("position", .string, .required)
            .field("start_on", .string, .required)
            .field("end_on", .string)
            .create()
        let sql = db as! any SQLDatabase
        for (name, table, column) in [
            ("foreigners_regency_idx", "foreigners", "regency_code"),
            ("foreigners_village_idx", "foreigners", "village_code"),
            ("foreigners_sponsor_idx", "foreigners", "sponsor_id"),
            ("foreigners_passport_idx", "foreigners", "passport_number"),
            ("foreigners_search_name_idx", "foreigners", "search_name"),
            ("foreigners_permit_end_idx", "foreigners", "permit_end"),
            ("passports_foreigner_idx", "passports", "foreigner_id"),
            ("stay_permits_foreigner_idx", "stay_permits", "foreigner_id"),
            ("stay_permits_sponsor_idx", "stay_permits", "sponsor_id"),
            ("addresses_foreigner_idx", "addresses", "foreigner_id"),
            ("employments_foreigner_idx", "employments", "foreigner_id"),
        ] {
            try await sql.create(index: name).on(table).column(column).run()
        }
    }

    func revert(on db: any Database) async throws {
        for table in ["employments", "addresses", "stay_permits", "passports", "foreigners"] {
            try await db.schema(table).delete()
        }
    }
}

struct M005_CreateUsers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users")
            .id()
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("display_name", .string, .required)
            .field("office_id", .uuid, .references("offices", "id"))
            .field("agency_id", .uuid, .references("agencies", "id"))
            .field("sponsor_id", .uuid, .references("sponsors", "id"))
            .field("language", .string, .required)
            .field("disabled", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "email")
            .create()
        for table in ["user_sessions", "api_tokens"] {
            try await db.schema(table)
                .field("token_hash", .string, .identifier(auto: false))
                .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
                .field("created_at", .datetime, .required)
                .field("expires_at", .datetime, .required)
                .create()
        }
    }

    func revert(on db: any Database) async throws {
        for table in ["api_tokens", "user_sessions", "users"] { try await db.schema(table).delete() }
    }
}

struct M006_CreateAudit: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("audit_events")
            .field("seq", .int64, .identifier(auto: false))
            .field("occurred_at", .string, .required)
            .field("actor_id", .string, .required)
            .field("actor_role", .string, .required)
            .field("action", .string, .required)
            .field("object_type", .string, .required)
            .field("object_id", .string, .required)
            .field("purpose", .string, .required)
            .field("request_id", .string, .required)
            .field("detail", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await db.schema("audit_head")
            .field("id", .int, .identifier(auto: false))
            .field("seq", .int64, .required)
            .field("hash", .string, .required)
            .create()
        let sql = db as! any SQLDatabase
        try await sql.create(index: "audit_events_object_idx").on("audit_events").column("object_type").column("object_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("audit_head").delete()
        try await db.schema("audit_events").delete()
    }
}

enum Migrations {
    /// `config`: the DKPTKA rate and warning days the rules table starts with (M032).
    static func all(_ config: AppConfig) -> [any Migration] { [
        M001_CreateReference(), M002_LoadRegions(), M003_SeedPermitTypes(), M004_CreateRegistry(),
        M005_CreateUsers(), M006_CreateAudit(), M007_FieldLookup(),
        M008_PublicReports(), M009_Imports(), M010_DailyReports(), M011_CountsIndex(), M012_Tasks(), M013_PublicReportTriage(), M014_Operations(), M015_NameTokens(), M016_Inspections(), M017_Coordination(), M018_PublicReportPhotos(), M019_MeetingAttachments(), M020_Alerts(), M021_SponsorReports(), M022_ForeignWorkerDocuments(), M023_AllRegions(), M024_NotificationPreferences(), M025_ImportSetAside(), M026_RegionSearchText(), M027_RegistryFeed(), M028_ProposedChanges(), M029_LegalCorrections(), M030_SponsorMerges(), M031_AccountAdmin(),
        M032_Rules(dkptkaUSD: config.dkptkaMonthlyUSD, warningDays: config.warningDays), M033_TAKLifecycle(), M034_FieldOrders(), M035_SponsorAccounts(), M036_AccountSecurity(), M037_ImportClaims(), M038_RateLimits(), M039_OutboxClaimTokens(), M040_NameSearch(), M041_AuditSpoolMarks(), M042_AuditActorIndex(), M043_PermitStart(), M044_PermitPriorStay(), M045_PrincipalsChanged(), M046_NameKeysRefreshed(), M047_ImportRowAge(), M048_ImportRowVerdict(), M049_ImportRowHeld(),
    ] }
}
