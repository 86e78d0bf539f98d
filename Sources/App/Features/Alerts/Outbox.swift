import Fluent
import Foundation
import SMTP
import SQLKit
import Vapor

/// The transactional outbox: `enqueue` writes a message in the caller's transaction; `OutboxSender`
/// delivers what is due over SMTP, outside any request.
enum Outbox {
    /// Adds a message unless one with the same key exists. Returns the id of the message with that key.
    @discardableResult
    static func enqueue(key: String, kind: String, to recipient: String, subject: String, body: String,
                        now: Date, on db: any Database) async throws -> UUID {
        let sql = db as! any SQLDatabase
        let id = UUID()
        let inserted = try await sql.insert(into: OutboxMessage.schema)
            .columns("id", "idempotency_key", "kind", "recipient", "subject", "body", "status", "attempts", "created_at", "next_attempt_at")
            .values(SQLBind(id), SQLBind(key), SQLBind(kind), SQLBind(recipient), SQLBind(String(subject.prefix(300))), SQLBind(body),
                    SQLBind(OutboxStatus.pending.rawValue), SQLBind(0), SQLBind(now), SQLBind(now))
            .ignoringConflicts(with: ["idempotency_key"])
            .returning("id")
            .all()
        if !inserted.isEmpty { return id }
        return try await OutboxMessage.query(on: db).filter(\.$idempotencyKey == key).first()?.id ?? id
    }

    /// How long to wait before attempt `n + 1` after `n` failed ones: 1, 2, 4 … minutes, at most 6 hours.
    static func backoff(afterAttempts n: Int) -> TimeInterval {
        min(60 * pow(2, Double(max(0, n - 1))), 6 * 3600)
    }

    /// Give up (status failed) after this many attempts.
    static let maxAttempts = 10
    /// A message claimed this long ago by a sender that did not finish (a crash, a restart) is pending again.
    static let lease: TimeInterval = 10 * 60

    /// An error text for the admin page: e-mail addresses in it (servers quote the refused recipient) masked.
    static func scrubbed(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            guard word.contains("@") else { return String(word) }
            let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: "<>():,;\"'[]"))
            return word.replacingOccurrences(of: trimmed, with: masked(trimmed))
        }.joined(separator: " ")
    }

    /// Masks the local part for admin pages: `h***@pt-abc.co.id`.
    static func masked(_ address: String) -> String {
        guard let at = address.firstIndex(of: "@") else { return "***" }
        return "\(address.prefix(1))***\(address[at...])"
    }
}

/// Delivers due outbox messages. One delivery round at a time per process; on PostgreSQL several
/// processes may run one each, as a message is claimed by a conditional update before it is sent.
actor OutboxSender {
    struct Round: Sendable, Equatable {
        var sent = 0
        var retryLater = 0
        var failed = 0
        var recovered = 0
    }

    /// Delivers every message due at `now` (in batches of `batch`), over one SMTP session per batch.
    func deliverDue(app: Application, batch: Int = 50) async throws -> Round {
        var round = Round()
        let db = app.db
        let now = app.clock.now()
        let sql = db as! any SQLDatabase
        // Messages a crashed sender had claimed are due again.
        round.recovered = try await sql.raw("""
            UPDATE outbox_messages SET status = \(bind: OutboxStatus.pending.rawValue)
            WHERE status = \(bind: OutboxStatus.sending.rawValue) AND claimed_at < \(bind: now.addingTimeInterval(-Outbox.lease)) RETURNING id
            """).all().count
        guard let smtp = app.config.smtp else { return round }
        let from = try MailAddress(app.config.mailFrom, name: "Sinergi Imigrasi")
        var seen = Set<UUID>()
        while true {
            let due = try await OutboxMessage.query(on: db).filter(\.$status == OutboxStatus.pending.rawValue)
                .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).sort(\.$createdAt).limit(batch).all()
                .filter { !seen.contains($0.id!) }
            if due.isEmpty { return round }
            var claimed: [OutboxMessage] = []
            for m in due {
                seen.insert(m.id!)
                let rows = try await sql.raw("""
                    UPDATE outbox_messages SET status = \(bind: OutboxStatus.sending.rawValue), claimed_at = \(bind: now)
                    WHERE id = \(bind: m.id!) AND status = \(bind: OutboxStatus.pending.rawValue) RETURNING id
                    """).all()
                if !rows.isEmpty { claimed.append(m) }
            }
            if claimed.isEmpty { continue }
            let connection: SMTPConnection
            do {
                connection = try await SMTPConnection.open(smtp, group: app.eventLoopGroup)
            } catch {
                for m in claimed { try await settle(m, error: error, now: now, db: db, round: &round) }
                app.logger.warning("outbox: cannot reach the SMTP server \(smtp.redacted): \(error)")
                return round
            }
            var broken = false
            for m in claimed {
                if broken {
                    try await release(m, db: db)
                    continue
                }
                do {
                    let to = try MailAddress(m.recipient)
                    try await connection.send(Mail(from: from, to: [to], subject: m.subject, text: m.body,
                                                   messageID: "\(m.id!.uuidString.lowercased())@sinergi", date: m.createdAt,
                                                   headers: [("Auto-Submitted", "auto-generated")]))
                    try await sql.update(OutboxMessage.schema)
                        .set("status", to: OutboxStatus.sent.rawValue).set("sent_at", to: now)
                        .set("attempts", to: m.attempts + 1).set("last_error", to: SQLLiteral.null)
                        .where("id", .equal, m.id!).run()
                    round.sent += 1
                } catch {
                    try await settle(m, error: error, now: now, db: db, round: &round)
                    // After a refused message the session goes on; after a broken one it does not.
                    switch error as? SMTPError {
                    case .rejected?: try? await connection.reset()
                    case .invalidAddress?, .invalidHeader?, .noRecipients?: break
                    default: broken = true
                    }
                }
            }
            await connection.close(quit: !broken)
            if broken { return round }
        }
    }

    /// Records a failed attempt: permanent errors and the last allowed attempt end as failed; the rest
    /// wait with exponential backoff.
    private func settle(_ m: OutboxMessage, error: any Error, now: Date, db: any Database, round: inout Round) async throws {
        let attempts = m.attempts + 1
        let permanent = (error as? SMTPError)?.isPermanent ?? false
        let giveUp = permanent || attempts >= Outbox.maxAttempts
        let message = Outbox.scrubbed(String("\(error)".prefix(500)))
        try await (db as! any SQLDatabase).update(OutboxMessage.schema)
            .set("status", to: giveUp ? OutboxStatus.failed.rawValue : OutboxStatus.pending.rawValue)
            .set("attempts", to: attempts)
            .set("next_attempt_at", to: now.addingTimeInterval(Outbox.backoff(afterAttempts: attempts)))
            .set("last_error", to: message)
            .where("id", .equal, m.id!).run()
        if giveUp { round.failed += 1 } else { round.retryLater += 1 }
    }

    /// Puts a claimed message back untouched (the session broke before its turn).
    private func release(_ m: OutboxMessage, db: any Database) async throws {
        try await (db as! any SQLDatabase).update(OutboxMessage.schema).set("status", to: OutboxStatus.pending.rawValue)
            .where("id", .equal, m.id!).run()
    }
}

extension Application {
    private struct OutboxSenderKey: StorageKey { typealias Value = OutboxSender }
    /// Set once in `configure`.
    var outboxSender: OutboxSender {
        get { storage[OutboxSenderKey.self]! }
        set { storage[OutboxSenderKey.self] = newValue }
    }

    /// Delivers the outbox now, in the background, for a message its reader waits for (a password link):
    /// the scheduler's next round may be a minute away. Only where SMTP is configured.
    func deliverOutboxSoon() {
        guard config.smtp != nil else { return }
        let app = self
        Task {
            do { _ = try await app.outboxSender.deliverDue(app: app) } catch {
                app.logger.error("outbox: immediate delivery failed: \(String(describing: error).prefix(300))")
            }
        }
    }
}
