import Fluent
import Foundation
import SQLKit
import Vapor

/// `sinergi backup PATH`: a consistent copy of the whole database while the server keeps serving. SQLite: `VACUUM
/// INTO`, which reads one snapshot (WAL readers never block the writer) and writes a compact, self-contained file;
/// PostgreSQL: `pg_dump --format=custom`, one repeatable-read snapshot. The copy is written beside PATH and renamed
/// into place only when complete, so a failed or killed backup never leaves a file that looks whole.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "Where to write the backup (must not exist).")
        var path: String
    }
    var help: String { "Makes a consistent copy of the database while the server runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let summary = try await Backup.make(app, to: signature.path)
        context.console.print(summary)
    }
}

/// `sinergi restore PATH --yes`: replaces the database with a backup, brings it to this version's schema and
/// verifies the audit chain (exit 1 naming the first broken event).
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "A file written by `sinergi backup`.")
        var path: String
    }
    var help: String { "Replaces the database with a backup, migrates it and verifies the audit chain. Stop the servers first." }

    func run(using context: CommandContext, signature: Signature) async throws {
        // `--yes` is the console's own confirmation flag (as for `migrate --yes`).
        guard context.console.confirmOverride == true else {
            throw CommandFailure(message: "restore replaces every record in the database with the backup's: stop the servers, then run it again with --yes")
        }
        let app = context.application
        try await Backup.restore(app, from: signature.path)
        try await app.autoMigrate()
        if case .postgres = app.config.database {
            // Tables dropped and made again fire no trigger: servers still running forget the principals they keep.
            try await (app.db as! any SQLDatabase).raw("SELECT pg_notify(\(bind: PrincipalListener.channel), '')").run()
        }
        // Second-factor keys sealed under another server key (a backup brought to a new machine without its key).
        let unreadable = try await SecondFactor.unreadable(app)
        if unreadable > 0 {
            FileHandle.standardError.write(Data("\(unreadable) second-factor keys in the backup do not open with this server's key: put the old server's key in place (SINERGI_SECRET_KEY, or its key file at \(app.config.secretKeyFile ?? "SINERGI_SECRET_KEY_FILE")), or those users set up the second factor again\n".utf8))
        }
        switch try await AuditLog.verify(on: app.db) {
        case .success(let n):
            context.console.print(#"{"restored": "\#(Backup.jsonEscaped(signature.path))", "auditEvents": \#(n), "auditChain": "intact", "secondFactorKeysUnreadable": \#(unreadable)}"#)
        case .failure(let b):
            throw CommandFailure(message: "restored, but the audit chain is BROKEN at \(b.description)")
        }
    }
}

enum Backup {
    static func jsonEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// Writes the backup; returns a one-line JSON summary.
    static func make(_ app: Application, to path: String) async throws -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: target) else { throw CommandFailure(message: "\(path) exists already; choose a new file name") }
        let partial = target + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        let started = Date()
        // Events a server spooled while the write lock was held (SQLite) live beside the database, not in it: chained
        // first, they are in the copy. The notice goes to stderr: stdout keeps its one JSON line.
        if let said = try await AuditSpool.chainWaiting(app, otherwise: "the backup holds the events chained before them") {
            FileHandle.standardError.write(Data((said + "\n").utf8))
        }
        // Every event committed before the copy began is in it (later ones may be too).
        let events = try await AuditEventRecord.query(on: app.db).countRows()
        switch app.config.database {
        case .sqlite(let live):
            if URL(fileURLWithPath: live).standardizedFileURL.path == target { throw CommandFailure(message: "the backup cannot be the database itself") }
            let sql = app.db as! any SQLDatabase
            try await sql.raw("VACUUM INTO \(bind: partial)").run()
            try await check(sqliteFile: partial, app)
        case .postgres(let url):
            try runPgTool("pg_dump", url: url, arguments: ["--format=custom", "--no-owner", "--no-privileges", "--file", partial])
        }
        do {
            try FileManager.default.moveItem(atPath: partial, toPath: target)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw CommandFailure(message: "could not move the backup into place at \(path): \(error.localizedDescription)")
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        app.logger.notice("backup written", metadata: ["bytes": "\(bytes)"])
        var keyFile = ""
        if let file = app.config.secretKeyFile, app.config.secretKey != nil {
            // Not in the copy, on purpose: the sealed second-factor keys in it open only with this file.
            FileHandle.standardError.write(Data("the server key is in \(file), not in the backup: keep a copy of it with the backup\n".utf8))
            keyFile = #", "secretKeyFile": "\#(jsonEscaped(URL(fileURLWithPath: file).standardizedFileURL.path))""#
        }
        return #"{"backup": "\#(jsonEscaped(target))", "bytes": \#(bytes), "auditEventsAtLeast": \#(events), "seconds": \#(String(format: "%.1f", Date().timeIntervalSince(started)))\#(keyFile)}"#
    }

    /// A backup file is an intact SQLite database with an audit trail.
    static func check(sqliteFile path: String, _ app: Application) async throws {
        struct R: Decodable { var integrity_check: String }
        struct N: Decodable { var n: Int }
        let alias = "backup_check"
        // One connection for attach, checks and detach (the pool has one per event loop).
        try await app.db.withConnection { conn in
            let sql = conn as! any SQLDatabase
            try await sql.raw("ATTACH DATABASE \(bind: path) AS \(ident: alias)").run()
            do {
                let ok = try await sql.raw("PRAGMA \(ident: alias).integrity_check").all(decoding: R.self)
                guard ok.first?.integrity_check == "ok" else { throw CommandFailure(message: "\(path) is damaged: \(ok.first?.integrity_check ?? "no answer")") }
                let tables = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: alias).sqlite_master WHERE type = 'table' AND name IN ('audit_events', 'audit_head', '_fluent_migrations')").first(decoding: N.self)?.n ?? 0
                guard tables == 3 else { throw CommandFailure(message: "\(path) is not a Sinergi database") }
            } catch {
                try? await sql.raw("DETACH DATABASE \(ident: alias)").run()
                throw error
            }
            try await sql.raw("DETACH DATABASE \(ident: alias)").run()
        }
    }

    static func restore(_ app: Application, from path: String) async throws {
        let source = URL(fileURLWithPath: path).standardizedFileURL.path
        guard FileManager.default.isReadableFile(atPath: source) else { throw CommandFailure(message: "\(path) cannot be read") }
        switch app.config.database {
        case .sqlite(let live):
            let target = URL(fileURLWithPath: live).standardizedFileURL.path
            guard source != target else { throw CommandFailure(message: "the backup is the database itself") }
            do { try await check(sqliteFile: source, app) } catch let e as CommandFailure { throw e } catch {
                throw CommandFailure(message: "\(path) is not an SQLite backup of Sinergi")
            }
            // This process's connections let go of the file before it is replaced; the next query opens the new one.
            app.databases.reinitialize(.sqlite)
            app.databases.reinitialize(.sqliteJobs)
            app.databases.reinitialize(.sqliteBrief)
            let staging = target + ".restoring"
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.copyItem(atPath: source, toPath: staging)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
            // rename(2): the database file is swapped in one step, never half-written.
            guard rename(staging, target) == 0 else {
                throw CommandFailure(message: "could not put the restored file in place (errno \(errno)); the database is unchanged")
            }
            try await tuneSQLite(app)
        case .postgres(let url):
            try runPgTool("pg_restore", url: url, arguments: ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", source])
        }
        app.logger.notice("database restored from a backup")
    }

    /// Runs pg_dump or pg_restore against the configured database. The password goes in PGPASSWORD, not on the
    /// command line where other users of the machine could read it.
    static func runPgTool(_ tool: String, url: String, arguments: [String]) throws {
        guard var c = URLComponents(string: url) else { throw CommandFailure(message: "DATABASE_URL is not a valid postgres URL") }
        var env = ProcessInfo.processInfo.environment
        if let pw = c.password { env["PGPASSWORD"] = pw }
        c.password = nil
        guard let executable = findExecutable(tool) else {
            throw CommandFailure(message: "\(tool) was not found: install the PostgreSQL client (Debian: postgresql-client-15)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["--dbname", c.string ?? url] + arguments
        p.environment = env
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CommandFailure(message: "\(tool) failed (exit \(p.terminationStatus)): \(String(decoding: message.prefix(600), as: UTF8.self))")
        }
    }

    /// On PATH, else in Debian's versioned PostgreSQL directories (newest first).
    static func findExecutable(_ name: String) -> String? {
        let fm = FileManager.default
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
        return (path + versions.map { "/usr/lib/postgresql/\($0)/bin/\(name)" }).first { fm.isExecutableFile(atPath: $0) }
    }
}
