import Fluent
import SQLKit
import Foundation
import Vapor

/// A batch on disk: a directory as it is, or a .zip unpacked into a private temporary directory.
struct RegistryBatchFiles {
    let directory: String
    private let temporary: Bool

    /// The most a .zip may unpack to (its CSV files together).
    static let maxUnpacked: UInt64 = 8 << 30

    init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw ZipArchive.Failure(reason: "\(path): no such file or directory") }
        if isDirectory.boolValue { directory = path; temporary = false; return }
        let archive = try ZipArchive(path: path)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sinergi-batch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        do {
            let wanted = Set(RegistryFeed.File.allCases.map(\.fileName))
            var seen = Set<String>(), total: UInt64 = 0
            for entry in archive.entries where !entry.name.hasSuffix("/") {
                // Files may sit in one folder of the archive; only the seven known names are read.
                let name = String(entry.name.split(separator: "/").last ?? "")
                guard wanted.contains(name), !entry.name.contains("..") else { continue }
                guard seen.insert(name).inserted else { throw ZipArchive.Failure(reason: "\(name) appears twice in the archive") }
                total += entry.size
                guard total <= Self.maxUnpacked else { throw ZipArchive.Failure(reason: "the archive unpacks to more than \(Self.maxUnpacked >> 30) GB") }
                try archive.extract(entry, to: dir + "/" + name, limit: Self.maxUnpacked)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        directory = dir; temporary = true
    }

    func remove() {
        if temporary { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// `POST /api/v1/registry/batches` (supervisors and the `integration` role), `GET /api/v1/registry/batches`,
/// `GET /api/v1/foreigners/{id}/history`.
enum RegistryFeedController {
    static func register(api: any RoutesBuilder) {
        let feeders = api.grouped(RequireRole(.supervisor, .integration))
        feeders.on(.POST, "registry", "batches", body: .stream, use: upload)
        feeders.get("registry", "batches", use: list)
        api.grouped(RequireRole(.officer, .supervisor)).get("foreigners", ":id", "history", use: history)
    }

    struct InvalidRow: Content { var file: String; var line: Int; var reason: String }
    struct Rejection: Content { var error: APIErrorBody.Detail; var invalidRows: [InvalidRow] }

    static func upload(_ req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        if let type = req.headers.contentType, !(type.type == "application" && ["zip", "x-zip-compressed", "octet-stream"].contains(type.subType)) {
            throw AppError(status: .unsupportedMediaType, messageKey: "feed.zipOnly", logDetail: "content type \(type)")
        }
        let path: String
        do { path = try await ImportsController.spool(req) } catch let e as ImportRejected {
            return try rejection(e.failure.key, field: "file", args: e.failure.args, rows: [], req)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let files: RegistryBatchFiles
        do { files = try RegistryBatchFiles(path: path) } catch let e as ZipArchive.Failure {
            req.logger.info("registry batch refused: \(e.reason)")
            return try rejection("feed.badZip", field: "file", args: [], rows: [], req)
        }
        defer { files.remove() }
        let actor = RegistryActor(id: principal.userID.uuidString, name: principal.displayName, role: principal.role.rawValue, channel: "api", requestID: req.id)
        do {
            let batch = try RegistryFeed.read(directory: files.directory)
            let result = try await RegistryBatchApplier.apply(batch, actor: actor, dryRun: try req.queryBool("dryRun") ?? false, db: req.db, clock: req.application.clock, today: req.application.today, logger: req.logger)
            let res = Response(status: result.repeated ? .ok : .created)
            try res.content.encode(result.summary)
            return res
        } catch let p as RegistryFeed.Problems {
            let lang = req.apiLanguage
            return try rejection("feed.invalid", field: nil, args: [String(p.list.count)],
                                 rows: p.list.map { InvalidRow(file: $0.file, line: $0.line, reason: $0.reason(lang)) }, req)
        }
    }

    static func rejection(_ key: String, field: String?, args: [String], rows: [InvalidRow], _ req: Request) throws -> Response {
        let res = Response(status: .unprocessableEntity)
        let message = L10n.format(key, req.apiLanguage, args, field: field.map { L10n.fieldLabel($0, req.apiLanguage) })
        try res.content.encode(Rejection(error: .init(code: key, field: field, message: message), invalidRows: rows))
        return res
    }

    struct BatchItem: Content { var id: UUID; var receivedAt: Date; var channel: String; var summary: RegistryBatchSummary? }

    static func list(_ req: Request) async throws -> ListPage<BatchItem> {
        let paging = try Paging(req)
        struct Row: Decodable { var id: UUID; var received_at: Date; var channel: String; var summary: String }
        let sql = req.db as! any SQLDatabase
        struct N: Decodable { var n: Int }
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM registry_batches").first(decoding: N.self)?.n ?? 0
        let rows = try await sql.raw("SELECT id, received_at, channel, summary FROM registry_batches ORDER BY received_at DESC, id LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all(decoding: Row.self)
        return ListPage(items: rows.map { BatchItem(id: $0.id, receivedAt: $0.received_at, channel: $0.channel,
                                                    summary: try? JSONDecoder().decode(RegistryBatchSummary.self, from: Data($0.summary.utf8))) },
                        total: total, page: paging.page, per: paging.per)
    }

    struct HistoryItem: Content {
        var field: String
        var old: String?
        var new: String?
        var at: Date
        var by: String
        var source: String
        var record: String?
        var reason: String?
        var validFrom: String?
    }

    /// Whose history: a foreigner's (with its passports, permits, addresses and employments) or a sponsor's.
    enum HistoryOwner { case foreigner, sponsor }

    static func historyItems(_ id: UUID, of owner: HistoryOwner = .foreigner, paging: Paging, db: any Database) async throws -> (items: [HistoryItem], total: Int) {
        let sql = db as! any SQLDatabase
        struct Row: Decodable {
            var field: String; var old_value: String?; var new_value: String?; var recorded_at: Date; var actor_name: String
            var source: String; var record: String?; var reason: String?; var valid_from: String?
        }
        struct N: Decodable { var n: Int }
        let owned: SQLQueryString = owner == .foreigner ? "foreigner_id = \(bind: id)" : "object_type = 'sponsor' AND object_id = \(bind: id)"
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM registry_history WHERE \(owned)").first(decoding: N.self)?.n ?? 0
        let rows = try await sql.raw("""
            SELECT field, old_value, new_value, recorded_at, actor_name, source, record, reason, valid_from FROM registry_history
            WHERE \(owned) ORDER BY recorded_at DESC, field LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)
            """).all(decoding: Row.self)
        return (rows.map { HistoryItem(field: $0.field, old: $0.old_value, new: $0.new_value, at: $0.recorded_at, by: $0.actor_name, source: $0.source,
                                       record: $0.record, reason: $0.reason, validFrom: $0.valid_from) }, total)
    }

    static func history(_ req: Request) async throws -> ListPage<HistoryItem> {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound) }
        _ = try await ScopePolicy.foreigner(id, req)
        let paging = try Paging(req)
        let r = try await historyItems(id, paging: paging, db: req.db)
        try await req.audit(AuditEntry(action: "foreigner.history.read", objectType: "foreigner", objectID: id.uuidString, purpose: "supervision", detail: "api"))
        return ListPage(items: r.items, total: r.total, page: paging.page, per: paging.per)
    }
}

/// `sinergi registry import PATH [--dry-run]`
struct RegistryCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["import": RegistryImportCommand()] }
    var help: String { "The registry feed from the immigration system (docs/registry-feed.md)." }
}

struct RegistryImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "a directory of CSV files, or a .zip of it") var path: String
        @Flag(name: "dry-run", help: "check and count, store nothing") var dryRun: Bool
    }
    var help: String { "Applies a registry batch, all or nothing. Prints a JSON summary; bad rows go to stderr as FILE:LINE: reason." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let files: RegistryBatchFiles
        do { files = try RegistryBatchFiles(path: signature.path) } catch let e as ZipArchive.Failure {
            throw CommandFailure(message: e.reason)
        }
        defer { files.remove() }
        let actor = RegistryActor(id: "cli", name: "sinergi registry import", role: "integration", channel: "cli", requestID: "cli-\(UUID().uuidString.prefix(8))")
        do {
            let started = ContinuousClock.now
            let batch = try RegistryFeed.read(directory: files.directory)
            app.logger.info("registry batch read", metadata: ["rows": "\(batch.rowCount)", "read_s": "\((ContinuousClock.now - started).seconds)"])
            let result = try await RegistryBatchApplier.apply(batch, actor: actor, dryRun: signature.dryRun, db: app.db, clock: app.clock, today: app.today, logger: app.logger)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            FileHandle.standardOutput.write(try encoder.encode(result.summary) + Data("\n".utf8))
        } catch let p as RegistryFeed.Problems {
            FileHandle.standardError.write(Data(p.list.map { $0.description + "\n" }.joined().utf8))
            throw CommandFailure(message: "\(p.list.count) bad row(s); nothing stored")
        }
    }
}
