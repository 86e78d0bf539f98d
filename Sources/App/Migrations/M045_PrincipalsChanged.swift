import Fluent
import SQLKit

/// PostgreSQL: a statement that changes a table a principal is read from sends `NOTIFY sinergi_principals`, so that
/// every server forgets the principals it keeps (`PrincipalCache`). Per statement, not per row: a registry batch that
/// writes ten thousand sponsors sends one notification (PostgreSQL also folds equal notifications of one transaction
/// into one). Nothing on SQLite, where nothing is kept.
struct M045_PrincipalsChanged: AsyncMigration {
    static let tables = ["users", "api_tokens", "offices", "office_jurisdictions", "agencies", "sponsors", "agent_grants"]

    func prepare(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("""
            CREATE OR REPLACE FUNCTION sinergi_principals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('\(unsafeRaw: PrincipalListener.channel)', '');
                RETURN NULL;
            END $$
            """).run()
        // Again if need be: a restore of a backup made before this migration drops the tables (and their triggers) but
        // not the function, and then runs the migration again.
        for t in Self.tables {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: t)_principals_changed ON \(unsafeRaw: t)").run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: t)_principals_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \(unsafeRaw: t)
                FOR EACH STATEMENT EXECUTE FUNCTION sinergi_principals_changed()
                """).run()
        }
    }

    func revert(on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        guard sql.dialect.name == "postgresql" else { return }
        for t in Self.tables { try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: t)_principals_changed ON \(unsafeRaw: t)").run() }
        try await sql.raw("DROP FUNCTION IF EXISTS sinergi_principals_changed()").run()
    }
}
