import Deadlines
import Foundation
import Vapor

/// The one clock. Tests replace `now` to move time.
public struct AppClock: Sendable {
    public var now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }
}

/// Calendar days as ISO `YYYY-MM-DD` text, as the registry stores them. The arithmetic is the
/// Deadlines library's `CalendarDay`; invalid day strings give nil.
public enum Day {
    public static func string(_ date: Date, in tz: TimeZone) -> String {
        CalendarDay(date, in: tz).description
    }

    /// Days from `a` to `b` (positive when `b` is later).
    public static func between(_ a: String, _ b: String) -> Int? {
        guard let x = CalendarDay(a), let y = CalendarDay(b) else { return nil }
        return x.days(until: y)
    }

    /// Whether `s` is a real day written `YYYY-MM-DD`.
    public static func isValid(_ s: String) -> Bool { CalendarDay(s) != nil }

    public static func adding(_ days: Int, to s: String) -> String? {
        CalendarDay(s)?.adding(days: days).description
    }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = AppClock }
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }

    public var clock: AppClock {
        get { storage[ClockKey.self] ?? AppClock() }
        set { storage[ClockKey.self] = newValue }
    }

    public var config: AppConfig {
        get {
            guard let c = storage[ConfigKey.self] else { fatalError("configure(_:config:) was not called") }
            return c
        }
        set { storage[ConfigKey.self] = newValue }
    }

    /// Today in the deployment's time zone.
    var today: String { Day.string(clock.now(), in: config.timeZone) }
}
