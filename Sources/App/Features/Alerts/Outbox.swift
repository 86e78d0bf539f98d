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

    /// How long to wait before attempt `n + 1` after `n` failed ones: `first` (1 minute unless configured), then twice
    /// as long each time, at most 6 hours.
    static func backoff(afterAttempts n: Int, first: TimeInterval = 60) -> TimeInterval {
        min(first * pow(2, Double(max(0, n - 1))), 6 * 3600)
    }

    /// Give up (status failed) after this many attempts.
    static let maxAttempts = 10
    /// A message claimed this long ago by a sender that did not finish (a crash, a restart) is pending again
    /// (the default of `SINERGI_OUTBOX_LEASE_SECONDS`).
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

/// Delivers due outbox messages. One delivery round at a time per process (a call while one runs makes it look
/// again before it ends); on PostgreSQL several processes may run one each, as a message is claimed by a
/// conditional update just before it is sent.
///
/// Exactly once, as far as SMTP allows: a message is marked sent in its own statement right after the server's
/// "250", before the next one is claimed. A sender killed between the server's acceptance and that commit leaves
/// the message claimed; after the lease it is pending again and sent a second time, with the same Message-ID.
/// No SMTP client can close that window (the "250" may also be lost on the way); it is kept to one message per
/// sender and a few milliseconds. Anywhere else a kill sends nothing twice and loses nothing: a claimed message
/// that was not accepted is sent after the lease; an unclaimed one by the next round.
actor OutboxSender {
    struct Round: Sendable, Equatable {
        var sent = 0
        var retryLater = 0
        var failed = 0
        var recovered = 0
    }

    private var running = false
    private var again = false
    private var stopping = false
    private var waitingForStop: [CheckedContinuation<Void, Never>] = []

    /// Delivers every message due at the round's start (in batches of `batch`), over one SMTP session per batch.
    /// While a round runs, another call returns an empty round at once and the running one looks again.
    func deliverDue(app: Application, batch: Int = 50) async throws -> Round {
        if running || stopping {
            again = true
            return Round()
        }
        running = true
        defer {
            running = false
            for c in waitingForStop { c.resume() }
            waitingForStop = []
        }
        var total = Round()
        repeat {
            again = false
            let r = try await deliverRound(app: app, batch: batch)
            total.sent += r.sent; total.retryLater += r.retryLater; total.failed += r.failed; total.recovered += r.recovered
        } while again && !stopping
        return total
    }

    /// At shutdown, before the database closes: no further message is claimed, and this returns once the message in
    /// flight, if any, has its answer recorded (otherwise a message the server accepted would be sent again after the
    /// lease).
    func stop() async {
        stopping = true
        guard running else { return }
        await withCheckedContinuation { waitingForStop.append($0) }
    }

    private func deliverRound(app: Application, batch: Int) async throws -> Round {
        var round = Round()
        // Read from the application once: a round that outlives a shutdown must not touch its storage again.
        let db = app.db, clock = app.clock, config = app.config, logger = app.logger, group = app.eventLoopGroup
        let now = clock.now()
        let sql = db as! any SQLDatabase
        // Messages a crashed sender had claimed are due again. A live sender's claim is never older than one SMTP
        // transaction, so the lease tells a dead sender from a slow one.
        round.recovered = try await sql.raw("""
            UPDATE outbox_messages SET status = \(bind: OutboxStatus.pending.rawValue)
            WHERE status = \(bind: OutboxStatus.sending.rawValue) AND claimed_at < \(bind: now.addingTimeInterval(-config.outboxLease)) RETURNING id
            """).all().count
        guard let smtp = config.smtp else { return round }
        let from = try MailAddress(config.mailFrom, name: "Sinergi Imigrasi")
        var seen = Set<UUID>()
        while true {
            let due = try await OutboxMessage.query(on: db).filter(\.$status == OutboxStatus.pending.rawValue)
                .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).sort(\.$createdAt).limit(batch).all()
                .filter { !seen.contains($0.id!) }
            if due.isEmpty { return round }
            // The session first, and nothing claimed before it is open: a server that cannot be reached or refuses
            // the session (a greeting other than 220, a failed login, no STARTTLS where required) says nothing
            // about any message. No attempt is counted and nothing fails: the messages wait for the next round,
            // however long the server is away or misconfigured.
            let connection: SMTPConnection
            do {
                connection = try await SMTPConnection.open(smtp, group: group)
            } catch {
                logger.warning("outbox: cannot open a session with the SMTP server \(smtp.redacted), messages wait: \(error)")
                return round
            }
            var broken = false
            do {
                for m in due where !stopping {
                    seen.insert(m.id!)
                    let claim = UUID()
                    guard try await take(m, claim: claim, at: clock.now(), due: now, db: db) else { continue }
                    do {
                        let to = try MailAddress(m.recipient)
                        try await connection.send(Mail(from: from, to: [to], subject: m.subject, text: m.body,
                                                       messageID: "\(m.id!.uuidString.lowercased())@sinergi", date: m.createdAt,
                                                       headers: [("Auto-Submitted", "auto-generated")]))
                    } catch {
                        try await settle(m, claim: claim, error: error, at: clock.now(), retry: config.outboxRetry, db: db, round: &round)
                        // After a refused message the session goes on; after a broken one it does not.
                        switch error as? SMTPError {
                        case .rejected?:
                            do { try await connection.reset() } catch { broken = true }
                        case .invalidAddress?, .invalidHeader?, .noRecipients?: break
                        default: broken = true
                        }
                        if broken { break }
                        continue
                    }
                    // The server has it. Recorded now, before anything else: from its "250" to this commit is the
                    // one window in which a crash sends the message twice (see the type's comment).
                    try await markSent(m, at: clock.now(), db: db, logger: logger)
                    round.sent += 1
                }
            } catch {
                await connection.close(quit: false)
                throw error
            }
            await connection.close(quit: !broken)
            if broken || stopping { return round }
        }
    }

    /// Claims one due message for this sender under a token of its own: false when another sender has it (or it is
    /// no longer due).
    private func take(_ m: OutboxMessage, claim: UUID, at now: Date, due: Date, db: any Database) async throws -> Bool {
        try await !(db as! any SQLDatabase).raw("""
            UPDATE outbox_messages SET status = \(bind: OutboxStatus.sending.rawValue), claimed_at = \(bind: now), claim_token = \(bind: claim)
            WHERE id = \(bind: m.id!) AND status = \(bind: OutboxStatus.pending.rawValue) AND next_attempt_at <= \(bind: due) RETURNING id
            """).all().isEmpty
    }

    /// Marks an accepted message sent, its own statement (committed at once). A database that refuses the write
    /// for a moment (a lock) is tried again, for up to about 2 seconds, rather than leaving the message to be sent
    /// again after the lease.
    private func markSent(_ m: OutboxMessage, at now: Date, db: any Database, logger: Logger) async throws {
        var tries = 0
        while true {
            do {
                try await (db as! any SQLDatabase).update(OutboxMessage.schema)
                    .set("status", to: OutboxStatus.sent.rawValue).set("sent_at", to: now)
                    .set("attempts", to: m.attempts + 1).set("last_error", to: SQLLiteral.null)
                    .where("id", .equal, m.id!).run()
                return
            } catch {
                tries += 1
                if tries >= 5 { throw error }
                logger.warning("outbox: marking a message sent failed, trying again: \(String(describing: error).prefix(200))")
                try await Task.sleep(nanoseconds: UInt64(tries) * 200_000_000)
            }
        }
    }

    /// Records a failed attempt at a message: permanent errors and the last allowed attempt end as failed; the rest
    /// wait with exponential backoff. Only while this sender's own claim stands: a message another sender took
    /// over after the lease (and is sending, or sent) is left as it is.
    private func settle(_ m: OutboxMessage, claim: UUID, error: any Error, at now: Date, retry: TimeInterval, db: any Database, round: inout Round) async throws {
        let attempts = m.attempts + 1
        let permanent = (error as? SMTPError)?.isPermanent ?? false
        let giveUp = permanent || attempts >= Outbox.maxAttempts
        let message = Outbox.scrubbed(String("\(error)".prefix(500)))
        try await (db as! any SQLDatabase).update(OutboxMessage.schema)
            .set("status", to: giveUp ? OutboxStatus.failed.rawValue : OutboxStatus.pending.rawValue)
            .set("attempts", to: attempts)
            .set("next_attempt_at", to: now.addingTimeInterval(Outbox.backoff(afterAttempts: attempts, first: retry)))
            .set("last_error", to: message)
            .where("id", .equal, m.id!).where("status", .equal, OutboxStatus.sending.rawValue)
            .where("claim_token", .equal, claim).run()
        if giveUp { round.failed += 1 } else { round.retryLater += 1 }
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
