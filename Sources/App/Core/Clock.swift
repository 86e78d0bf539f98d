import Foundation
import Vapor

/// The one clock. Tests replace `now` to move time.
public struct AppClock: Sendable {
    public var now: @Sendable () -> Date
    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }
}

/// Calendar days as ISO `YYYY-MM-DD` text, counted in a given time zone (default Asia/Jakarta).
public enum Day {
    public static func string(_ date: Date, in tz: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        let c = cal.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// Parses a strict `YYYY-MM-DD` that names a real calendar day; nil otherwise.
    public static func parse(_ s: String) -> DateComponents? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= lengths[m - 1] else { return nil }
        return DateComponents(year: y, month: m, day: d)
    }

    /// Days from `a` to `b` (positive when `b` is later). Both must be valid day strings.
    public static func between(_ a: String, _ b: String) -> Int? {
        guard let x = julian(a), let y = julian(b) else { return nil }
        return y - x
    }

    public static func adding(_ days: Int, to s: String) -> String? {
        guard let j = julian(s) else { return nil }
        return fromJulian(j + days)
    }

    // Day number in the proleptic Gregorian calendar (no Foundation calendar needed, no time zone).
    static func julian(_ s: String) -> Int? {
        guard let c = parse(s), let y0 = c.year, let m0 = c.month, let d = c.day else { return nil }
        let a = (14 - m0) / 12, y = y0 + 4800 - a, m = m0 + 12 * a - 3
        return d + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    static func fromJulian(_ j: Int) -> String {
        let a = j + 32044, b = (4 * a + 3) / 146097, c = a - 146097 * b / 4
        let d = (4 * c + 3) / 1461, e = c - 1461 * d / 4, m = (5 * e + 2) / 153
        let day = e - (153 * m + 2) / 5 + 1, month = m + 3 - 12 * (m / 10), year = 100 * b + d - 4800 + m / 10
        return String(format: "%04d-%02d-%02d", year, month, day)
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
