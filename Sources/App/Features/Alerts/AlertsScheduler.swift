import Foundation
import Vapor

/// Inside the server: once a minute, runs the day's warning scan (from `SINERGI_ALERTS_HOUR`, once a day)
/// and delivers the outbox. Only for `serve`; other commands (seed, migrate, alerts run) do not start it.
final class AlertsScheduler: LifecycleHandler, @unchecked Sendable {
    private var task: Task<Void, Never>?

    func didBootAsync(_ app: Application) async throws {
        let command = app.environment.arguments.dropFirst().first
        guard app.config.schedulerEnabled, command == nil || command == "serve" else { return }
        // The scan reads and writes the whole registry: on the compute threads, not an HTTP event loop.
        task = ComputeExecutor.detached { [weak app] in
            while !Task.isCancelled {
                guard let app else { return }
                await Self.tick(app)
                try? await Task.sleep(nanoseconds: 60 * 1_000_000_000)
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        // The outbox's message in flight (of this loop's round or of `deliverOutboxSoon`) is recorded while the
        // database is still open (lifecycle handlers shut down before it), and before the loop is cancelled: a
        // cancelled task's retry of that write would give up at its first sleep.
        await app.outboxSender.stop()
        task?.cancel()
        task = nil
    }

    /// One round: the day's scan if it is due, then the outbox. Failures are logged (without personal
    /// data) and tried again next minute.
    static func tick(_ app: Application) async {
        let now = app.clock.now()
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = app.config.timeZone
        let today = Day.string(now, in: app.config.timeZone)
        do {
            if cal.component(.hour, from: now) >= app.config.alertsHour, try await !EarlyWarnings.hasRun(today, db: app.db),
               try await EarlyWarnings.claim(today, now: now, db: app.db) {
                let s = try await EarlyWarnings.run(asOf: today, app: app)
                app.logger.info("alerts: \(s.day): \(s.warnings) warnings, \(s.emails) e-mails queued")
                let due = try await TaskReminders.run(app: app, day: today)
                if due > 0 { app.logger.info("tasks: \(due) reminders of tasks due today") }
                let actions = try await ActionLifecycle.remind(app: app, day: today)
                if actions > 0 { app.logger.info("actions: \(actions) reminders of actions and meeting decisions due today") }
                // Once a day, after the scan: personal data past its retention period goes.
                let kept = try await Retention.run(app: app, now: now, dryRun: false)
                app.logger.info("retention: \(kept.publicReportsErased) reports erased, \(kept.notifications) notifications, \(kept.closedTasks) tasks")
            }
            let r = try await app.outboxSender.deliverDue(app: app)
            if r.sent + r.retryLater + r.failed > 0 {
                app.logger.info("outbox: sent \(r.sent), retry later \(r.retryLater), failed \(r.failed)")
            }
        } catch {
            app.logger.error("alerts/outbox round failed: \(String(describing: error).prefix(300))")
        }
    }
}

/// `sinergi alerts run [--as-of YYYY-MM-DD]`: the day's scan and reminders of tasks due that day, then delivery
/// of the outbox, for cron.
struct AlertsCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["run": AlertsRunCommand()] }
    var help: String { "Early warnings for sponsors and officers." }
}

struct AlertsRunCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "as-of", help: "the day to scan for, YYYY-MM-DD (default: today in SINERGI_TIMEZONE)")
        var asOf: String?
    }
    var help: String { "Finds permits at a warning threshold and overstays, writes the digests to the outbox and delivers the outbox." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let day = signature.asOf ?? app.today
        guard Day.isValid(day) else { throw CommandFailure(message: "--as-of must be a day written YYYY-MM-DD (got \"\(day)\")") }
        let started = ContinuousClock.now
        let s = try await EarlyWarnings.run(asOf: day, app: app)
        let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
        context.console.print("Warnings for \(day): \(s.warnings) new, \(s.emails) e-mails queued, \(s.notifications) in-app notifications (scan \(String(format: "%.2f", seconds)) s).")
        let due = try await TaskReminders.run(app: app, day: day)
        context.console.print("Tasks due \(day): \(due) reminders.")
        let actions = try await ActionLifecycle.remind(app: app, day: day)
        context.console.print("Actions and meeting decisions due \(day): \(actions) reminders.")
        if signature.asOf == nil {
            let kept = try await Retention.run(app: app, now: app.clock.now(), dryRun: false)
            context.console.print("Retention: \(kept.publicReportsErased) public reports erased, \(kept.publicReportPhotos) photos, \(kept.notifications) notifications, \(kept.closedTasks) closed tasks, \(kept.sentMailBodies) sent e-mails' text.")
        }
        guard app.config.smtp != nil else {
            context.console.print("SMTP_URL is not set: e-mails stay in the outbox until it is.")
            return
        }
        let r = try await app.outboxSender.deliverDue(app: app)
        context.console.print("Outbox: \(r.sent) sent, \(r.retryLater) to retry later, \(r.failed) failed.")
    }
}
