import Fluent
import Foundation
import SQLKit
import Vapor

/// Everything held on one foreigner (UU 27/2022 Art. 7 and 32: the subject's right to see their data): the
/// registry row, every row of every table that names the person (found from the schema, so a table added later is
/// included without touching this file), and the audit events about the person — who read or changed what, when,
/// for what purpose. Written as JSON and as a printable page; the export itself is audited.
enum PersonExport {
    typealias Row = [String: JSONValue]

    enum JSONValue: Encodable, Equatable {
        case string(String), int(Int), double(Double), bool(Bool), null
        func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .string(let s): try c.encode(s)
            case .int(let i): try c.encode(i)
            case .double(let d): try c.encode(d)
            case .bool(let b): try c.encode(b)
            case .null: try c.encodeNil()
            }
        }
        var text: String {
            switch self {
            case .string(let s): return s
            case .int(let i): return String(i)
            case .double(let d): return String(d)
            case .bool(let b): return b ? "true" : "false"
            case .null: return "—"
            }
        }
    }

    struct Document: Encodable {
        var foreignerId: String
        var exportedAt: String
        var foreigner: Row
        var records: [String: [Row]]      // table → rows naming the person
        var auditEvents: [Row]
    }

    /// Tables with a `foreigner_id` column, from the schema.
    static func tables(_ sql: any SQLDatabase) async throws -> [String] {
        struct T: Decodable { var t: String }
        let rows: [T]
        if sql.dialect.name == "sqlite" {
            rows = try await sql.raw("""
                SELECT m.name AS t FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'foreigner_id'
                """).all(decoding: T.self)
        } else {
            rows = try await sql.raw("""
                SELECT table_name AS t FROM information_schema.columns WHERE column_name = 'foreigner_id' AND table_schema = current_schema()
                """).all(decoding: T.self)
        }
        return rows.map(\.t).sorted()
    }

    /// A row's columns as JSON values, whatever their types (UUIDs and dates as text, binary data as base64).
    static func row(_ r: any SQLRow) -> Row {
        var out: Row = [:]
        for col in r.allColumns {
            if (try? r.decodeNil(column: col)) == true { out[col] = .null; continue }
            if let v = try? r.decode(column: col, as: UUID.self) { out[col] = .string(v.uuidString); continue }
            if let v = try? r.decode(column: col, as: Int.self) { out[col] = .int(v); continue }
            if let v = try? r.decode(column: col, as: Double.self) { out[col] = .double(v); continue }
            if let v = try? r.decode(column: col, as: String.self) { out[col] = .string(v); continue }
            if let v = try? r.decode(column: col, as: Bool.self) { out[col] = .bool(v); continue }
            if let v = try? r.decode(column: col, as: Date.self) { out[col] = .string(v.formatted(Date.ISO8601FormatStyle())); continue }
            if let v = try? r.decode(column: col, as: Data.self) { out[col] = .string("base64:" + v.base64EncodedString()); continue }
            out[col] = .string("(unreadable)")
        }
        return out
    }

    static func collect(_ id: UUID, on db: any Database, now: Date) async throws -> Document {
        let sql = db as! any SQLDatabase
        guard let f = try await sql.select().column("*").from("foreigners").where("id", .equal, id).first() else {
            throw CommandFailure(message: "no foreigner with id \(id.uuidString)")
        }
        var records: [String: [Row]] = [:]
        for table in try await tables(sql) {
            let rows = try await sql.select().column("*").from(table).where("foreigner_id", .equal, id).all()
            if !rows.isEmpty { records[table] = rows.map(row) }
        }
        let events = try await sql.select().column("*").from("audit_events").where("object_id", .equal, id.uuidString).orderBy("seq").all()
        return Document(foreignerId: id.uuidString, exportedAt: now.formatted(Date.ISO8601FormatStyle()), foreigner: row(f), records: records,
                        auditEvents: events.map(row))
    }

    /// The printable page: one section per kind of record, each row as a two-column table.
    static func html(_ d: Document) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        func table(_ r: Row) -> String {
            "<table>" + r.keys.sorted().map { k in
                let v = r[k]!.text
                return "<tr><th>\(esc(k))</th><td>\(esc(v.hasPrefix("base64:") ? "(\((v.count - 7) * 3 / 4) bytes)" : v))</td></tr>"
            }.joined() + "</table>"
        }
        var sections = ["<h2>foreigners</h2>" + table(d.foreigner)]
        for (name, rows) in d.records.sorted(by: { $0.key < $1.key }) {
            sections.append("<h2>\(esc(name)) (\(rows.count))</h2>" + rows.map(table).joined(separator: "\n"))
        }
        sections.append("<h2>audit_events (\(d.auditEvents.count))</h2>" + d.auditEvents.map(table).joined(separator: "\n"))
        return """
        <!doctype html>
        <html lang="id"><head><meta charset="utf-8"><title>Data pribadi / Personal data \(esc(d.foreignerId))</title>
        <style>body{font:12px/1.4 sans-serif;margin:2em}table{border-collapse:collapse;margin:0 0 1em;width:100%}th,td{border:1px solid #999;padding:2px 6px;text-align:left;vertical-align:top}th{width:14em;background:#eee}h2{page-break-after:avoid}table{page-break-inside:avoid}</style></head>
        <body><h1>Data pribadi yang disimpan Sinergi / Personal data held by Sinergi</h1>
        <p>ID: \(esc(d.foreignerId)) · \(esc(d.exportedAt)) · UU 27/2022</p>
        \(sections.joined(separator: "\n"))
        </body></html>
        """
    }
}

/// `sinergi export person ID [--dir DIR]`
struct ExportCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["person": ExportPersonCommand()] }
    var help: String { "Exports of personal data." }
}

struct ExportPersonCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "id", help: "The foreigner's id (as in /foreigners/{id}).")
        var id: String
        @Option(name: "dir", help: "Directory for person-ID.json and person-ID.html (default: the current one).")
        var dir: String?
        @Option(name: "purpose", help: "Why the export is made, for the audit trail (default: subject access request).")
        var purpose: String?
    }
    var help: String { "Writes everything held on one foreigner as JSON and a printable page, and audits the export." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let id = UUID(uuidString: signature.id) else { throw CommandFailure(message: "the id must be a UUID (got \"\(signature.id)\")") }
        let app = context.application
        let doc = try await PersonExport.collect(id, on: app.db, now: app.clock.now())
        let dir = URL(fileURLWithPath: signature.dir ?? FileManager.default.currentDirectoryPath)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let json = dir.appendingPathComponent("person-\(id.uuidString).json"), page = dir.appendingPathComponent("person-\(id.uuidString).html")
        let encoder = JSONEncoder.sorted
        encoder.outputFormatting.insert(.prettyPrinted)
        try encoder.encode(doc).write(to: json, options: .atomic)
        try Data(PersonExport.html(doc).utf8).write(to: page, options: .atomic)
        // Files holding personal data are readable by their owner only.
        for f in [json, page] { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: f.path) }
        let tables = doc.records.keys.sorted().joined(separator: ",")
        var entry = AuditEntry(action: "person.export", objectType: "foreigner", objectID: id.uuidString, detail: "tables=\(tables) events=\(doc.auditEvents.count)")
        entry.purpose = signature.purpose ?? "subject-access"
        try await AuditLog.record(entry, actor: AuditActor(id: "cli", role: "operator"), requestID: "export", on: app.db, clock: app.clock)
        let rows = doc.records.values.reduce(0) { $0 + $1.count }
        context.console.print(#"{"json": "\#(Backup.jsonEscaped(json.path))", "html": "\#(Backup.jsonEscaped(page.path))", "records": \#(rows), "tables": \#(doc.records.count), "auditEvents": \#(doc.auditEvents.count)}"#)
    }
}
