@testable import Deadlines
import Foundation
import Testing

private func day(_ s: String) -> CalendarDay { CalendarDay(s)! }

@Suite struct CalendarDayTests {
    @Test func parsingAndArithmetic() {
        #expect(CalendarDay("2024-02-29") != nil)
        #expect(CalendarDay("2026-02-29") == nil)
        #expect(CalendarDay("2026-2-28") == nil)
        #expect(day("2026-12-31").adding(days: 1) == day("2027-01-01"))
        #expect(day("2024-02-28").adding(days: 2) == day("2024-03-01"))
        #expect(day("2026-02-28").adding(days: 1) == day("2026-03-01"))
        #expect(day("2026-11-30").days(until: day("2027-01-14")) == 45)
        #expect(day("2026-11-30").weekday == 1)   // a Monday
        #expect(day("2026-12-06").weekday == 7)
    }

    /// The day a moment falls on, by arithmetic, is the day Foundation's calendar gives, in zones east and west of
    /// Greenwich, with summer time, around midnight and before 1970; and its text is zero-padded.
    @Test func theDayOfAMomentIsTheCalendarsDay() {
        var cal = Calendar(identifier: .gregorian)
        var rng = SystemRandomNumberGenerator()
        for zone in ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu"] {
            let tz = TimeZone(identifier: zone)!
            cal.timeZone = tz
            var moments: [TimeInterval] = [0, -1, 86_399, 86_400, -86_400, -86_401, 1_795_996_800, 1_795_996_799]
            for _ in 0..<2_000 { moments.append(TimeInterval(Int64.random(in: -2_000_000_000...4_000_000_000, using: &rng))) }
            for t in moments {
                let date = Date(timeIntervalSince1970: t)
                let c = cal.dateComponents([.year, .month, .day], from: date)
                let expected = CalendarDay(year: c.year!, month: c.month!, day: c.day!)!
                #expect(CalendarDay(date, in: tz) == expected, "\(zone) \(t)")
            }
        }
        #expect(CalendarDay(year: 987, month: 3, day: 4)!.description == "0987-03-04")
        #expect(day("2026-12-03").description == "2026-12-03")
    }

    @Test func daysAreCountedInJakarta() {
        // 17:30 UTC on 30 November is 00:30 on 1 December in Jakarta (UTC+7), still 30 November in London.
        let moment = Date(timeIntervalSince1970: 1_796_059_800)
        #expect(CalendarDay(moment, in: TimeZone(identifier: "Asia/Jakarta")!) == day("2026-12-01"))
        #expect(CalendarDay(moment, in: TimeZone(identifier: "Europe/London")!) == day("2026-11-30"))
        #expect(CalendarDay(moment, in: TimeZone(identifier: "Asia/Jayapura")!) == day("2026-12-01"))
    }
}

@Suite struct HolidayTests {
    @Test func shippedCalendarHasTheSKBDays() {
        let cal = HolidayCalendar.indonesia
        #expect(cal.years.isSuperset(of: [2026, 2027]))
        #expect(cal.holidays[day("2026-08-17")]?.name == "Proklamasi Kemerdekaan")
        #expect(cal.holidays[day("2026-03-20")]?.cutiBersama == true)
        #expect(!cal.isWorkingDay(day("2026-08-17")))
        #expect(!cal.isWorkingDay(day("2026-03-20")))
        #expect(!cal.isWorkingDay(day("2026-11-28")))   // Saturday
        #expect(cal.isWorkingDay(day("2026-11-30")))
        var private_ = cal
        private_.cutiBersamaIsHoliday = false
        #expect(private_.isWorkingDay(day("2026-03-20")))
        #expect(!private_.isWorkingDay(day("2026-03-21")))
    }

    @Test func malformedDataNamesTheLine() {
        #expect(throws: HolidayCalendar.Malformed(line: 3, reason: "expected YYYY-MM-DD,libur_nasional|cuti_bersama,name,decree")) {
            try HolidayCalendar.parse("date,type,name,decree\n2026-01-01,libur_nasional,New Year,x\n2026-13-01,libur_nasional,Bad,x\n")
        }
    }
}

@Suite struct DeadlineTests {
    let calendarRule = DeadlineRule(reportType: .addressChange, amount: 14, count: .calendarDays, basis: "test")
    let workingRule = DeadlineRule(reportType: .employerChange, amount: 10, count: .workingDays, basis: "test")

    /// Arrival: 30 days (Permenkumham 22/2023, ../shared/domain.md); the law sets no deadline for the others (14: office policy).
    @Test func defaultsAreThirtyDaysForArrivalAndFourteenForTheRest() {
        #expect(DeadlineRule.defaults.count == ReportType.allCases.count)
        let arrival = DeadlineRule.defaults.first { $0.reportType == .arrival }
        #expect(arrival?.amount == 30 && arrival?.count == .calendarDays && arrival?.basis.contains("Permenkumham 22/2023") == true)
        #expect(DeadlineRule.defaults.filter { $0.reportType != .arrival }.allSatisfy { $0.amount == 14 && $0.count == .calendarDays && $0.basis.contains("no deadline") })
    }

    @Test func calendarDays() {
        #expect(Deadlines.due(after: day("2026-11-30"), rule: calendarRule) == day("2026-12-14"))
        #expect(Deadlines.due(after: day("2024-02-20"), rule: calendarRule) == day("2024-03-05"))   // leap year
        #expect(Deadlines.due(after: day("2026-12-20"), rule: calendarRule) == day("2027-01-03"))   // a Sunday: stays
        var rolling = calendarRule
        rolling.rollsToWorkingDay = true
        #expect(Deadlines.due(after: day("2026-12-20"), rule: rolling) == day("2027-01-04"))        // moves to Monday
        #expect(Deadlines.due(after: day("2026-08-03"), rule: rolling) == day("2026-08-18"))        // 17 Aug holiday
    }

    @Test func workingDaysSkipWeekendsAndHolidays() {
        // Event on Monday 30 Nov 2026: ten working days later, no holidays in between.
        #expect(Deadlines.due(after: day("2026-11-30"), rule: workingRule) == day("2026-12-14"))
        // Event on Tuesday 17 Mar 2026: Nyepi (18 cuti, 19), Idulfitri (20–24) and weekends are skipped.
        #expect(Deadlines.due(after: day("2026-03-17"), rule: workingRule) == day("2026-04-08"))
        // The same counting cuti bersama as working days (a private employer): 18, 20, 23, 24 count.
        var cal = HolidayCalendar.indonesia
        cal.cutiBersamaIsHoliday = false
        #expect(Deadlines.due(after: day("2026-03-17"), rule: workingRule, calendar: cal) == day("2026-04-01"))
        // Christmas 2026: 24 Dec cuti bersama, 25 Dec holiday.
        let one = DeadlineRule(reportType: .departure, amount: 1, count: .workingDays, basis: "test")
        #expect(Deadlines.due(after: day("2026-12-23"), rule: one) == day("2026-12-28"))
    }

    @Test func statusAtTheBoundaries() {
        let due = day("2026-12-14")
        #expect(Deadlines.status(due: due, reportedOn: day("2026-12-14"), today: day("2026-12-20")) == .onTime)
        #expect(Deadlines.status(due: due, reportedOn: day("2026-12-15"), today: day("2026-12-20")) == .late(days: 1))
        #expect(Deadlines.status(due: due, reportedOn: nil, today: day("2026-12-14")) == .due(daysLeft: 0))
        #expect(Deadlines.status(due: due, reportedOn: nil, today: day("2026-12-01")) == .due(daysLeft: 13))
        #expect(Deadlines.status(due: due, reportedOn: nil, today: day("2026-12-15")) == .overdue(days: 1))
    }
}
