@testable import App
import Fluent
import Foundation
import Matching
import NIOPosix
import Testing
import Vapor

@Suite struct ConfigTests {
    /// Bulk inserts go in the order the ids are stored in (their upper-case text); the sort compares bytes instead.
    @Test func rowsSortedByIDAreInTheOrderOfTheirStoredText() {
        struct Row: IdentifiedRow { var id: UUID }
        var rows = (0..<5_000).map { _ in Row(id: UUID()) }
        rows += [Row(id: UUID(uuidString: "00000000-0000-0000-0000-0000000000FF")!), Row(id: UUID(uuidString: "00000000-0000-0000-0100-000000000000")!),
                 Row(id: UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!), Row(id: UUID(uuidString: "0000000A-0000-0000-0000-000000000000")!)]
        var sorted = rows
        sorted.sortByID()
        #expect(sorted.map(\.id.uuidString) == rows.map(\.id.uuidString).sorted())
    }

    @Test func defaultsToSQLiteFile() throws {
        let c = try AppConfig.fromEnvironment([:])
        #expect(c.database == .sqlite(path: "var/sinergi.sqlite"))
        #expect(c.secureCookies == false)
        #expect(c.timeZone.identifier == "Asia/Jakarta")
    }

    @Test func parsesDatabaseURLs() throws {
        #expect(try AppConfig.parseDatabaseURL("sqlite:///abs/x.sqlite") == .sqlite(path: "/abs/x.sqlite"))
        #expect(try AppConfig.parseDatabaseURL("sqlite://rel/x.sqlite") == .sqlite(path: "rel/x.sqlite"))
        #expect(try AppConfig.parseDatabaseURL("postgres://u:p@127.0.0.1:5432/db") == .postgres(url: "postgres://u:p@127.0.0.1:5432/db"))
        // libpq's form for a server on this machine: the socket's directory as host=, the port naming its file.
        let local = "postgres://sinergi@/sinergi?host=/var/run/postgresql"
        #expect(try AppConfig.parseDatabaseURL(local) == .postgres(url: local))
        #expect(AppConfig.postgresSocket(local) == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(AppConfig.postgresSocket("postgres://u@:55432/db?host=/tmp/pg/") == "/tmp/pg/.s.PGSQL.55432")
        #expect(AppConfig.postgresSocket("postgres://u:p@127.0.0.1:5432/db") == nil)
        // No host and no socket directory: not a place to connect to.
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.parseDatabaseURL("postgres://u@/db") }
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.parseDatabaseURL("postgres://u@/db?host=relative/dir") }
        // Nothing else in the query: pg_dump would read dbname= or port= there, and back up another database.
        #expect(throws: AppConfig.Invalid.self) { try AppConfig.parseDatabaseURL("postgres://u@/db?host=/var/run/postgresql&dbname=other") }
    }

    @Test(arguments: [
        (["DATABASE_URL": "mysql://x"], "DATABASE_URL"),
        (["DATABASE_URL": "sqlite://"], "DATABASE_URL"),
        (["DATABASE_URL": "postgres://"], "DATABASE_URL"),
        (["SINERGI_BCRYPT_COST": "99"], "SINERGI_BCRYPT_COST"),
        (["SINERGI_BCRYPT_COST": "twelve"], "SINERGI_BCRYPT_COST"),
        (["SINERGI_TIMEZONE": "Mars/Olympus"], "SINERGI_TIMEZONE"),
        (["SINERGI_PUBLIC_URL": "ftp://x"], "SINERGI_PUBLIC_URL"),
        (["SINERGI_DEMO_PASSWORD": "password"], "SINERGI_DEMO_PASSWORD"),
        (["SINERGI_OUTBOX_LEASE_SECONDS": "0"], "SINERGI_OUTBOX_LEASE_SECONDS"),
        (["SINERGI_OUTBOX_RETRY_SECONDS": "soon"], "SINERGI_OUTBOX_RETRY_SECONDS"),
        (["SINERGI_EVENT_LOOP_TASKS": "yes"], "SINERGI_EVENT_LOOP_TASKS"),
    ])
    func failsFastNamingTheVariable(env: [String: String], variable: String) {
        do {
            _ = try AppConfig.fromEnvironment(env)
            Issue.record("expected a configuration error for \(env)")
        } catch let e as AppConfig.Invalid {
            #expect(e.variable == variable)
            #expect(!e.description.contains("\n"))
            #expect(e.description.hasPrefix("configuration error: \(variable)"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func httpsPublicURLMakesCookiesSecure() throws {
        #expect(try AppConfig.fromEnvironment(["SINERGI_PUBLIC_URL": "https://sinergi.example.go.id"]).secureCookies)
    }

    @Test func tasksRunOnTheEventLoopsUnlessTurnedOff() throws {
        #expect(try AppConfig.fromEnvironment([:]).eventLoopTasks)
        #expect(try AppConfig.fromEnvironment(["SINERGI_EVENT_LOOP_TASKS": "ON"]).eventLoopTasks)
        #expect(!(try AppConfig.fromEnvironment(["SINERGI_EVENT_LOOP_TASKS": "off"]).eventLoopTasks))
    }

    @Test func outboxLeaseAndRetryDefaultToTenMinutesAndOneMinute() throws {
        let c = try AppConfig.fromEnvironment([:])
        #expect(c.outboxLease == Outbox.lease && c.outboxLease == 600 && c.outboxRetry == 60)
        let short = try AppConfig.fromEnvironment(["SINERGI_OUTBOX_LEASE_SECONDS": "5", "SINERGI_OUTBOX_RETRY_SECONDS": "2"])
        #expect(short.outboxLease == 5 && short.outboxRetry == 2)
        #expect(Outbox.backoff(afterAttempts: 1) == 60 && Outbox.backoff(afterAttempts: 3, first: 2) == 8 && Outbox.backoff(afterAttempts: 40) == 6 * 3600)
    }
}

@Suite struct DayTests {
    @Test func leapYears() {
        #expect(Day.adding(1, to: "2024-02-29") == "2024-03-01")
        #expect(Day.adding(1, to: "2026-02-29") == nil)
        #expect(Day.between("2026-13-01", "2026-12-01") == nil)
        #expect(Day.between("2026-1-01", "2026-12-01") == nil)
        #expect(Day.between("2024-02-28", "2024-03-01") == 2)
        #expect(Day.between("2026-02-28", "2026-03-01") == 1)
        #expect(Day.adding(1, to: "2026-12-31") == "2027-01-01")
        #expect(Day.adding(-365, to: "2026-11-30") == "2025-11-30")
    }

    @Test func todayIsCountedInJakarta() {
        // 2026-11-30 18:30 UTC is already 1 December in Jakarta (UTC+7).
        let d = Date(timeIntervalSince1970: 1_796_063_400)
        #expect(Day.string(d, in: TimeZone(identifier: "Asia/Jakarta")!) == "2026-12-01")
        #expect(Day.string(d, in: TimeZone(identifier: "UTC")!) == "2026-11-30")
    }

    @Test func permitStates() {
        #expect(PermitState(end: "2026-11-29", start: "2025-11-30", today: "2026-11-30") == .overstayed(days: 1))
        #expect(PermitState(end: "2026-11-30", start: "2025-12-01", today: "2026-11-30") == .expiring(daysLeft: 0))
        #expect(PermitState(end: "2026-12-30", start: nil, today: "2026-11-30") == .expiring(daysLeft: 30))
        #expect(PermitState(end: "2026-12-31", start: "2026-11-30", today: "2026-11-30") == .valid(daysLeft: 31))
        #expect(PermitState(end: nil, start: nil, today: "2026-11-30") == .noPermit)
        // A permit that starts after today is not valid yet, however far off its end; it is from its first day.
        #expect(PermitState(end: "2027-12-31", start: "2027-01-12", today: "2026-11-30") == .notYetValid(from: "2027-01-12"))
        #expect(PermitState(end: "2027-12-31", start: "2026-12-01", today: "2026-11-30") == .notYetValid(from: "2026-12-01"))
        #expect(PermitState(end: "2027-12-31", start: "2027-01-12", today: "2026-11-30", departed: true) == .departed)
        #expect(PermitState.notYetValid(from: "2027-01-12").label(.id) == "Belum berlaku (mulai 12 Jan 2027)")
        // The permit held: the one ending last, but the one before a gap from its start until the next begins.
        let spans = [("2026-03-01", "2026-12-20"), ("2027-01-15", "2028-01-14")]
        #expect(PermitState.held(spans, today: "2026-02-01") == 1)   // neither begun: the later, as endInForce
        #expect(PermitState.held(spans, today: "2026-11-30") == 0)   // the first held
        #expect(PermitState.held(spans, today: "2027-01-01") == 0)   // in the gap, overstayed after the first
        #expect(PermitState.held(spans, today: "2027-01-15") == 1)
        #expect(PermitState.held([("2026-03-01", "2026-12-20"), ("2026-12-21", "2027-12-20")], today: "2026-11-30") == 1)   // a renewal: one stay
        #expect(PermitState.held([], today: "2026-11-30") == nil)
        #expect(PermitState.notYetValid(from: "2027-01-12").label(.en) == "Not yet valid (from 12 Jan 2027)")
        #expect(PermitState.notYetValid(from: "2027-01-12").code == "notYetValid")
    }

    /// The stay a person holds runs back through the permits that follow one another without a day's gap.
    @Test func aRenewalContinuesTheStayAndAGapStartsANewOne() {
        // One permit: its own start.
        #expect(PermitState.coverageStart([("2027-01-12", "2027-12-31")]) == "2027-01-12")
        // A renewal from the day after the current permit ends, or overlapping it: the stay began with the first.
        #expect(PermitState.coverageStart([("2026-01-01", "2026-12-31"), ("2027-01-01", "2027-12-31")]) == "2026-01-01")
        #expect(PermitState.coverageStart([("2027-01-01", "2027-12-31"), ("2026-01-01", "2027-02-01")]) == "2026-01-01")
        #expect(PermitState.coverageStart([("2025-01-01", "2025-12-31"), ("2026-01-01", "2026-12-31"), ("2027-01-01", "2027-12-31")]) == "2025-01-01")
        // A day's gap: the stay the latest permit ends begins with it.
        #expect(PermitState.coverageStart([("2026-01-01", "2026-12-30"), ("2027-01-01", "2027-12-31")]) == "2027-01-01")
        #expect(PermitState.coverageStart([]) == nil)
    }

    /// A permit held today, the next one beginning after a gap: valid or expiring by the one held, overstayed in the gap
    /// (the next one does not cover it), valid by the next from its first day, overstayed after it; the same summary
    /// read on each of those days.
    @Test func theStateFollowsThePermitHeldBeforeAGap() {
        func state(_ today: String, priorStart: String? = "2026-03-01", departed: Bool = false) -> PermitState {
            PermitState(end: "2028-04-01", start: "2027-04-01", priorStart: priorStart, priorEnd: "2027-03-01", today: today, departed: departed)
        }
        #expect(state("2026-11-30") == .valid(daysLeft: 91))
        #expect(state("2027-01-29") == .valid(daysLeft: 31))
        #expect(state("2027-01-30") == .expiring(daysLeft: 30))
        #expect(state("2027-03-01") == .expiring(daysLeft: 0))
        #expect(state("2027-03-02") == .overstayed(days: 1))                // in the gap: the next one does not cover it
        #expect(state("2027-03-31") == .overstayed(days: 30))
        #expect(state("2027-04-01") == .valid(daysLeft: 366))              // the next one has begun (2028 is a leap year)
        #expect(state("2028-03-02") == .expiring(daysLeft: 30))
        #expect(state("2028-04-02") == .overstayed(days: 1))
        #expect(state("2026-11-30", departed: true) == .departed)
        // Before the earlier stay begins, neither permit is valid yet: from the earlier one's first day.
        #expect(state("2026-02-27") == .notYetValid(from: "2026-03-01"))
        #expect(state("2026-03-01") == .valid(daysLeft: 365))
        // An earlier stay whose first day is not known is taken as begun, like `start`.
        #expect(state("2026-02-27", priorStart: nil) == .valid(daysLeft: 367))
        // Without a prior stay, as before.
        #expect(PermitState(end: "2028-04-01", start: "2027-04-01", priorStart: nil, priorEnd: nil, today: "2026-11-30") == .notYetValid(from: "2027-04-01"))
        #expect(PermitState.endInForce(end: "2028-04-01", start: "2027-04-01", priorStart: "2026-03-01", priorEnd: "2027-03-01", today: "2026-11-30") == "2027-03-01")
        #expect(PermitState.endInForce(end: "2028-04-01", start: "2027-04-01", priorStart: "2026-03-01", priorEnd: "2027-03-01", today: "2027-03-02") == "2027-03-01")
        #expect(PermitState.endInForce(end: "2028-04-01", start: "2027-04-01", priorStart: "2026-03-01", priorEnd: "2027-03-01", today: "2027-04-01") == "2028-04-01")
        #expect(PermitState.endInForce(end: "2028-04-01", start: "2027-04-01", priorStart: "2026-03-01", priorEnd: "2027-03-01", today: "2026-02-27") == "2028-04-01")
    }

    /// What the summary keeps of several permits: the stay the last one closes, and the stay before it across a gap.
    @Test func theSummaryKeepsTheStayBeforeAGap() {
        func coverage(_ permits: [(String, String)]) -> [String?] {
            let c = PermitState.coverage(permits.map { (start: $0.0, end: $0.1) })
            return [c.start, c.priorStart, c.priorEnd]
        }
        #expect(coverage([]) == [nil, nil, nil])
        #expect(coverage([("2027-01-12", "2027-12-31")]) == ["2027-01-12", nil, nil])
        // A renewal from the day after, or overlapping: one stay, nothing before it.
        #expect(coverage([("2026-01-01", "2026-12-31"), ("2027-01-01", "2027-12-31")]) == ["2026-01-01", nil, nil])
        #expect(coverage([("2027-01-01", "2027-12-31"), ("2026-01-01", "2027-02-01")]) == ["2026-01-01", nil, nil])
        // A gap (a month, or a single day): the stay before it is kept.
        #expect(coverage([("2026-03-01", "2027-03-01"), ("2027-04-01", "2028-04-01")]) == ["2027-04-01", "2026-03-01", "2027-03-01"])
        #expect(coverage([("2027-01-01", "2027-12-31"), ("2026-01-01", "2026-12-30")]) == ["2027-01-01", "2026-01-01", "2026-12-30"])
        // Three permits: a renewal, then a gap: the stay before runs back through the renewal.
        #expect(coverage([("2025-01-01", "2025-12-31"), ("2026-01-01", "2027-03-01"), ("2027-04-01", "2028-04-01")]) == ["2027-04-01", "2025-01-01", "2027-03-01"])
        // Three permits, two gaps: the latest stay before the current one.
        #expect(coverage([("2024-01-01", "2024-06-30"), ("2025-01-01", "2025-12-31"), ("2026-06-01", "2027-05-31")]) == ["2026-06-01", "2025-01-01", "2025-12-31"])
        // A short permit inside the earlier stay changes nothing; one overlapping the gap's end joins the current stay.
        #expect(coverage([("2026-01-01", "2026-12-31"), ("2026-05-01", "2026-06-01"), ("2027-03-01", "2027-12-31")]) == ["2027-03-01", "2026-01-01", "2026-12-31"])
        #expect(coverage([("2026-01-01", "2026-12-31"), ("2027-02-01", "2027-03-05"), ("2027-03-01", "2027-12-31")]) == ["2027-02-01", "2026-01-01", "2026-12-31"])
        // Permits given in any order.
        #expect(coverage([("2027-04-01", "2028-04-01"), ("2026-03-01", "2027-03-01")]) == ["2027-04-01", "2026-03-01", "2027-03-01"])
    }
}

@Suite struct HTMLTests {
    @Test func interpolatedStringsAreEscaped() {
        let name = "<script>alert('x')</script> & \"q\""
        let html: HTML = "<p>\(name)</p>"
        #expect(html.raw == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>")
        let nested: HTML = "<div>\(html)</div>"
        #expect(nested.raw.hasPrefix("<div><p>&lt;script"))
    }

    /// An office's regencies of one province name the province once, not after each regency.
    @Test func regionsOfOneProvinceNameItOnce() {
        func place(_ name: String, _ above: String...) -> RegionsController.Named { .init(name: name, above: above) }
        let three = [place("Kabupaten Sidoarjo", "Jawa Timur"), place("Kabupaten Mojokerto", "Jawa Timur"), place("Kota Surabaya", "Jawa Timur")]
        #expect(ImportViews.regions(three, .id) == "Kabupaten Sidoarjo, Kabupaten Mojokerto dan Kota Surabaya, Jawa Timur")
        #expect(ImportViews.regions([place("Kabupaten Sidoarjo", "Jawa Timur")], .en) == "Kabupaten Sidoarjo, Jawa Timur")
        #expect(ImportViews.regions([place("Kota Batam", "Kepulauan Riau"), place("Kota Surabaya", "Jawa Timur"), place("Kabupaten Gresik", "Jawa Timur")], .en)
                == "Kota Batam, Kepulauan Riau; Kota Surabaya and Kabupaten Gresik, Jawa Timur")
        #expect(ImportViews.regions([place("35.16")], .id) == "35.16")
        // A district's regency and province name where it lies; two districts of one regency share them.
        #expect(ImportViews.regions([place("Ngoro", "Kabupaten Mojokerto", "Jawa Timur"), place("Pacet", "Kabupaten Mojokerto", "Jawa Timur")], .id)
                == "Ngoro dan Pacet, Kabupaten Mojokerto, Jawa Timur")
    }

    @Test func nameFolding() {
        // The registry's search column uses the Matching library's folding.
        #expect(Normalize.fold("Nguyễn Văn Đức") == "NGUYEN VAN DUC")
        #expect(Normalize.fold("  müller,  thomas ") == "MULLER THOMAS")
    }
}

@Suite struct PasswordTests {
    @Test func policy() {
        #expect(PasswordPolicy.problem(with: "short", email: nil)?.key == "pw.tooShort")
        #expect(PasswordPolicy.problem(with: "Password123", email: nil)?.key == "pw.common")
        #expect(PasswordPolicy.problem(with: "budi.santoso", email: "budi.santoso@example.id")?.key == "pw.email")
        #expect(PasswordPolicy.problem(with: String(repeating: "x", count: 1025), email: nil)?.key == "pw.tooLong")
        #expect(PasswordPolicy.problem(with: "kuda-laut-biru-7", email: nil) == nil)
    }

    @Test func noSilentTruncationPast72Bytes() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let base = String(repeating: "a", count: 72)
        let hash = try await PasswordHasher.hash(base + "-one", cost: 4, on: pool)
        #expect(try await PasswordHasher.verify(base + "-one", hash: hash, on: pool))
        #expect(try await PasswordHasher.verify(base + "-two", hash: hash, on: pool) == false)
        #expect(try await PasswordHasher.verify(base, hash: hash, on: pool) == false)
        try await pool.shutdownGracefully()
    }
}

@Suite struct CountsCacheTests {
    @Test func freshThenStaleWithOneRefreshThenMissing() async {
        let cache = CountsCache()
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        let v = ForeignerCounts(total: 7, byCategory: [:], byNationality: [:], expiringIn30Days: 1, overstayed: 2)
        guard case .missing = await cache.lookup("k", now: t0) else { Issue.record("expected missing"); return }
        await cache.put("k", v, at: t0)
        guard case .fresh(let a) = await cache.lookup("k", now: t0.addingTimeInterval(10)), a.total == 7 else { Issue.record("expected fresh"); return }
        guard case .stale(_, let first) = await cache.lookup("k", now: t0.addingTimeInterval(40)), first else { Issue.record("expected stale + refresh"); return }
        guard case .stale(_, let second) = await cache.lookup("k", now: t0.addingTimeInterval(41)), !second else { Issue.record("one refresh only"); return }
        await cache.refreshed("k")
        guard case .missing = await cache.lookup("k", now: t0.addingTimeInterval(CountsCache.staleLimit + 1)) else { Issue.record("too old: missing"); return }
    }
}

@Suite struct RegistryTextTests {
    /// A proposed change of a birth date reads as the pages write days, not as it is stored.
    @Test func aProposedChangeWritesItsDaysInWords() {
        let pc = PendingChange()
        pc.changes = #"{"dateOfBirth": ["1990-03-15", "1990-03-16"]}"#
        let text = RegistryEditViews.changeText(pc, .id).raw
        #expect(text.contains("<del>15 Mar 1990</del> → <strong>16 Mar 1990</strong>") && !text.contains("1990-03-15"), "\(text)")
    }

    @Test func codedValuesReadAsText() {
        #expect(RegistryText.nationality("CHN", .id) == "Tiongkok (CHN)")
        #expect(RegistryText.nationality("CHN", .en) == "China (CHN)")
        #expect(RegistryText.nationality("ZZZ", .id) == "ZZZ")          // no name known: the code alone, never a key
        #expect(RegistryText.sex("F", .id) == "Perempuan" && RegistryText.sex("M", .en) == "Male")
        #expect(RegistryText.category("ITAS", .id).contains("Izin Tinggal Terbatas"))
        #expect(RegistryText.category(nil, .id) == L10n.t("status.noPermit", .id))
        #expect(RegistryText.permitStatus("active", .id) == "Aktif" && RegistryText.permitStatus("odd", .id) == "odd")
        // Every nationality the demo data uses has a name in both languages.
        for code in ["CHN", "KOR", "JPN", "TWN", "IND", "MYS", "VNM", "THA", "PHL", "DEU", "USA", "AUS"] {
            #expect(L10n.has("country.\(code)"), "\(code)")
        }
    }
}

/// The registry's list and record and the dashboard, as an officer reads them in Indonesian.
@Suite struct RegistryPageTests {
    /// A list page past the end (an old link, a search that now finds fewer) says so at the top and links to the
    /// last page, the search kept; pages within the list say nothing of the kind.
    @Test func aPagePastTheEndPointsToTheLastPage() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let first = try await b.get("/foreigners?per=50").body.string
            let pageOf = try Regex(#"Halaman 1 dari (\d+) · ([\d.]+) data"#)
            let total = try #require(first.firstMatch(of: pageOf))
            let count = total.output[1].substring.map(String.init) ?? ""
            let pages = try #require(Int(count))
            #expect(pages >= 2 && !first.contains("id=\"past-end\""))
            let past = try await b.get("/foreigners?per=50&page=999")
            #expect(past.status == .ok)
            let html = past.body.string
            #expect(html.contains("Halaman 999 tidak ada: daftar ini hanya \(pages) halaman."))
            #expect(html.contains("<a href=\"/foreigners?per=50&amp;page=\(pages)\">Ke halaman terakhir</a>") || html.contains("<a href=\"/foreigners?per=50&page=\(pages)\">Ke halaman terakhir</a>"))
            let last = try await b.get("/foreigners?per=50&page=\(pages)").body.string
            #expect(!last.contains("id=\"past-end\"") && last.contains("Halaman \(pages) dari \(pages)"))
            // Nothing found at all is not "past the end".
            let none = try await b.get("/foreigners?q=zzzzqqqq&page=3").body.string
            #expect(!none.contains("id=\"past-end\""))
        }
    }

    @Test func listRecordAndDashboardInIndonesian() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let list = try await b.get("/foreigners?category=ITAS").body.string
            #expect(list.contains("ITAS · Izin Tinggal Terbatas"))
            let body = try #require(list.components(separatedBy: "<tbody>").last)
            // Ends shown as days people read ("2 Des 2026"), never as YYYY-MM-DD.
            #expect(body.contains(try Regex(#">\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}<"#)))
            #expect(!body.contains(try Regex(#"\d{4}-\d{2}-\d{2}"#)))
            // Nationalities by name with the code beside: "Tiongkok (CHN)", never a bare "CHN" cell.
            #expect(body.contains(try Regex(#">[A-Z][a-z][^<]* \([A-Z]{3}\)</td>"#)))
            #expect(!body.contains(try Regex(#">[A-Z]{3}</td>"#)))
            // The filters keep their values; one that cannot apply is shown beside itself.
            #expect(list.contains("<option value=\"ITAS\" selected>"))
            // The nationality filter offers exactly the nationalities of the officer's jurisdiction.
            let inScope = try await Foreigner.query(on: app.db).filter(\.$regencyCode ~~ ["35.78", "35.15", "35.16", "35.76", "35.25", "35.24", "35.23", "35.22"]).unique().all(\.$nationality)
            let select = try #require(list.components(separatedBy: "name=\"nationality\"").dropFirst().first?.components(separatedBy: "</select>").first)
            let offered = select.matches(of: try Regex(#"<option value="([A-Z]{3})"#)).compactMap { $0.output[1].substring.map(String.init) }
            #expect(!inScope.isEmpty && Set(offered) == Set(inScope))
            // Every wrong filter at once, each beside itself.
            let bad = try await b.get("/foreigners?nationality=12&q=wang&status=bogus")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("id=\"nationality-error\">\(HTML.escape(ValidationFailure("v.choose", field: "nationality").message(.id)))</p>"))
            #expect(bad.body.string.contains("id=\"status-error\">\(HTML.escape(ValidationFailure("v.choose", field: "status").message(.id)))</p>"))
            #expect(bad.body.string.contains("value=\"wang\""))

            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$dateOfBirth != nil).first())
            let record = try await b.get("/foreigners/\(f.id!)?purpose=supervision").body.string
            #expect(record.contains(L10n.t("sex.\(f.sex)", .id)))
            #expect(record.contains(try #require(LocalTime.formatDay(f.dateOfBirth!, lang: .id))))
            #expect(!record.contains(">\(f.dateOfBirth!)<") && !record.contains(">active<"))

            let home = try await b.get("/").body.string
            #expect(home.contains("id=\"by-category\"") && home.contains("<th>\(L10n.t("list.category", .id))</th>"))
            #expect(home.contains(RegistryText.nationality("CHN", .id)))
            #expect(home.contains("<span class=\"place\" title=\"35.16\">Kabupaten Mojokerto</span>"))   // the jurisdiction by name, the code its title
        }
    }
}

@Suite struct MessageTests {
    @Test func valuesAreFilledInOnePassAndFieldsAreNamedInTheirLanguage() {
        // A value that contains "{2}" is not filled again; a missing value leaves its place as it is.
        #expect(L10n.format("v.dayOrder", .en, ["{2}"], field: "Valid to") == "Valid to must not be before {2}.")
        #expect(L10n.format("v.wholeNumberRange", .id, ["1"], field: "Jumlah bulan") == "Jumlah bulan harus bilangan bulat dari 1 sampai {2}.")
        #expect(ValidationFailure("v.required", field: "kelurahanCode").message(.id) == "Kelurahan/desa wajib diisi.")
        #expect(ValidationFailure("v.required", field: "entries[2].time").message(.id) == "Entri ke-3: Jam wajib diisi.")
        // An argument that is a message key is said in the same language.
        let mrz = ValidationFailure("v.mrz.checkDigit", field: "mrz", "2", "l10n:mrz.field.date of birth")
        #expect(mrz.message(.id).contains("tanggal lahir") && mrz.message(.en).contains("date of birth"))
        #expect(AppError.conflict("err.rptkaExists", "B.3/9").message(.id) == "RPTKA B.3/9 sudah tercatat.")
    }

    @Test func countsAreGroupedAsTheLanguageWritesThem() {
        #expect(L10n.number(1_000_000, .id) == "1.000.000" && L10n.number(1_000_000, .en) == "1,000,000")
        #expect(L10n.number(999, .id) == "999" && L10n.number(1000, .id) == "1.000" && L10n.number(12_345, .en) == "12,345")
        #expect(L10n.number(0, .id) == "0" && L10n.number(-4_500, .id) == "-4.500")
        // A count given to a message is grouped there; other values (a passport, a tax number) are not.
        #expect(ValidationFailure("v.wholeNumberRange", field: "page", "1", "num:1000000").message(.id).hasSuffix("dari 1 sampai 1.000.000."))
        #expect(ValidationFailure("v.import.tooManyRows", "num:1000000").message(.en) == "The file has more than 1,000,000 rows; split it.")
        #expect(L10n.format("err.rptkaExists", .id, ["123456789012345"]) == "RPTKA 123456789012345 sudah tercatat.")
    }
}

/// The plain marks beside a person the engine did not compare with a list's row (`HandComparison`): each rule, and the
/// cases just outside it.
@Suite struct HandComparisonTests {
    func level(_ p: Reconciler.Contribution) -> String { p.level < 0 ? "missing" : p.exact == true ? "same" : p.level == 1 ? "similar" : "different" }

    @Test func namesCompareInAnyOrderAndAlikeWordByWord() {
        #expect(level(HandComparison.name("KWON SANG WOO", "Sang-Woo Kwon")) != "different")
        #expect(level(HandComparison.name("KWON SANG WOO", "SANG WOO KWON")) == "same")
        #expect(level(HandComparison.name("THOMAS MUELLER", "Thomas Müller")) == "same", "as passports write the umlaut")
        #expect(level(HandComparison.name("JUERGEN JUNG", "Jürgen Jung")) == "same" && level(HandComparison.name("Jürgen Jung", "JUERGEN JUNG")) == "same", "sorted otherwise, either way")
        #expect(level(HandComparison.name("NGUYEN ANH", "NGUYEN VAN ANH")) == "similar", "a middle name left out")
        #expect(level(HandComparison.name("SMITH JOHN", "SMYTH JOHN")) == "similar", "a letter slipped")
        #expect(level(HandComparison.name("DOE JANE", "SANG WOO KWON")) == "different")
        #expect(level(HandComparison.name("", "SANG WOO KWON")) == "missing")
    }

    @Test func datesAgreeWholeInPartSwappedOrByAge() {
        func d(_ a: String?, age: Int? = nil, _ b: String?) -> String { level(HandComparison.date(a, age: age, b, asOf: "2026-12-08")) }
        #expect(d("1967-11-26", "1967-11-26") == "same")
        #expect(d("1967-11-25", "1967-11-26") == "similar" && d("1968-11-26", "1967-11-26") == "similar" && d("1967-10-26", "1967-11-26") == "similar")
        #expect(d("1967-12-11", "1967-11-12") == "similar", "day and month swapped")
        #expect(d("1968-12-26", "1967-11-26") == "different" && d("2004-10-16", "1967-11-26") == "different")
        #expect(d("1990-01-01", "1956-01-01") == "different", "only day and month: 1 January stands for an unknown birthday")
        #expect(d("1987-11-26", "1967-11-26") == "similar" && d("1966-11-26", "1967-11-26") == "similar", "a year one digit or one year apart")
        // An age, as of today: born 1967-11-26 is 59 on 2026-12-08 (and 58 the day before the birthday).
        #expect(d(nil, age: 59, "1967-11-26") == "similar" && d(nil, age: 58, "1967-11-26") == "similar" && d(nil, age: 61, "1967-11-26") == "different")
        #expect(d(nil, age: 60, "1967-11-26") == "similar" && d(nil, age: 60, "1967-12-26") == "different", "58 until the birthday in December")
        #expect(d(nil, "1967-11-26") == "missing" && d("1967-11-26", nil) == "missing")
    }

    @Test func passportsAgreeAsTheRegistryKeysThemOrNearly() {
        func p(_ a: String?, _ b: String?) -> String { level(HandComparison.document(a, b)) }
        #expect(p("M 4691-1719", "M46911719") == "same" && p("M469II7I9", "M46911719") == "same", "spaces, dashes, I for 1")
        #expect(p("M46811719", "M46911719") == "similar" && p("M49611719", "M46911719") == "similar", "one character, or two swapped")
        #expect(p("M4691I7I9", "M46911719") == "same" && p("M469117S9", "M46911759") == "same", "S read for 5")
        #expect(p("M46811799", "M46911719") == "similar", "two slips")
        #expect(p("TF5716699", "TF5716696") == "different" && p("M46911718", "M46911719") == "different", "one series a few apart: a household's documents, as the engine says")
        #expect(p("M469117I9S", "M4691171958") == "similar", "read as M469117195, one character short")
        #expect(p("M24806048", "M46911719") == "different" && p("A123", "B456") == "different")
        #expect(p(nil, "M46911719") == "missing" && p("", "M46911719") == "missing")
    }

    /// A German name as passports write it (UE for Ü) is looked for as the registry folds it too, and the other way round;
    /// each spelling is matched whole, so a word with an AE, OE or UE of its own finds no flood of others.
    @Test func aNameWrittenWithUEForUmlautIsSearchedWithoutItAndTheOtherWayRound() {
        #expect(ForeignerSearch.umlautSpellings("MUELLER") == ["MULLER"] && ForeignerSearch.umlautSpellings("SCHROEDER") == ["SCHRODER"])
        #expect(ForeignerSearch.umlautSpellings("BRAEUER") == ["BRAUER", "BRAEUR"], "each E alone")
        #expect(ForeignerSearch.umlautSpellings("MULLER") == ["MUELLER"] && ForeignerSearch.umlautSpellings("SCHRODER") == ["SCHROEDER"])
        #expect(ForeignerSearch.umlautSpellings("LEE") == [] && ForeignerSearch.umlautSpellings("JOE") == [] && ForeignerSearch.umlautSpellings("X123") == [])
    }

    @Test func nationalitySexAndEmployer() {
        #expect(level(HandComparison.same("sex", "f", "F")) == "same" && level(HandComparison.same("sex", "M", "F")) == "different")
        #expect(level(HandComparison.same("nationality", nil, "KOR")) == "missing")
        #expect(HandComparison.employer(nil, "PT ABC") == nil && HandComparison.employer("PT ABC", nil) == nil)
        #expect(HandComparison.employer("PT. Surya Lestari", "SURYA LESTARI PT").map(level) == "same")
        #expect(HandComparison.employer("PT Surya Lestari", "CV Maju Jaya").map(level) == "different")
    }
}

@Suite struct MultipartGuardTests {
    @Test func aSoundFormPassesAndBrokenOnesAreRefusedBeforeTheParser() {
        let b = "B0undary"
        let ok = "--\(b)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nabc\r\n--\(b)--\r\n"
        #expect(GuardedFormDataDecoder.isWellFormed(Array(ok.utf8), boundary: b))
        let two = "preamble\r\n--\(b)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--\(b)\r\n\r\nno headers\r\n--\(b)--"
        #expect(GuardedFormDataDecoder.isWellFormed(Array(two.utf8), boundary: b))
        // The body that stopped the server: a part with no header section, closed without CRLF.
        #expect(!GuardedFormDataDecoder.isWellFormed(Array("--\(b)\r\n\u{e8}2Ls--\(b)--\r\n".utf8), boundary: b))
        #expect(!GuardedFormDataDecoder.isWellFormed(Array("--\(b)\r\nContent-Disposition: form-data; name=\"a\"\r\n1\r\n--\(b)--".utf8), boundary: b))
        #expect(!GuardedFormDataDecoder.isWellFormed(Array("--\(b)\r\nX: y\r\n\r\nno close".utf8), boundary: b))
        #expect(!GuardedFormDataDecoder.isWellFormed(Array("--\(b)--".utf8), boundary: b), "no part at all")
        #expect(!GuardedFormDataDecoder.isWellFormed([], boundary: b))
    }
}

@Suite struct QueryValueTests {
    /// `queryValue` (the query parsed once per request) reads every parameter as Vapor's own query container does:
    /// percent-encoding and `+`, repeated keys, empty values, bare and nested keys, malformed values and keys (a
    /// malformed key fails the whole query), `=` in a value, nesting beyond Vapor's limit.
    @Test func readsWhatVaporsQueryContainerReads() async throws {
        let app = try await Application.make(.testing)
        let deep = "d" + String(repeating: "[x]", count: 100) + "=1"
        let queries = [
            "passport=A1234567&purpose=fieldCheck", "name=chang+wei", "name=Chang%20Wei%2B", "page=2&page=3", "q=", "q",
            "a[b]=1&a=2", "a=2&a[b]=1", "x=%ZZ", "x=1&x=%ZZ", "x=%ZZ&x=1", "k%20ey=v", "mrz=P%3CIDN%3C%3C&per=5", "v=a=b", "&&page=4&",
            "purpose=%20supervision%20", "q=%E4%B8%AD%E6%96%87", "", "%ZZ=1&passport=X1", "a[b=1&q=x", "a[=1&q=y", "[a]=1&q=z",
            "=1&q=w", "\(deep)&q=v", "d" + String(repeating: "[x]", count: 99) + "=1&q=u",
        ]
        let keys = ["passport", "purpose", "name", "page", "q", "a", "a]", "x", "k ey", "mrz", "per", "v", "d", "", "missing"]
        for query in queries {
            let req = Request(application: app, method: .GET, url: URI(string: "/api/v1/lookup?\(query)"), on: app.eventLoopGroup.next())
            for key in keys {
                #expect(req.queryValue(key) == req.query[String.self, at: key], "\(query) \(key)")
            }
        }
        // The cases above tell the rules apart: a malformed key hides every key; a key nested one level too deep too.
        #expect(Request(application: app, url: URI(string: "/?a[b=1&passport=X1"), on: app.eventLoopGroup.next()).queryValue("passport") == nil)
        #expect(Request(application: app, url: URI(string: "/?a[=1"), on: app.eventLoopGroup.next()).queryValue("a") == "1")
        #expect(Request(application: app, url: URI(string: "/?\(deep)&q=v"), on: app.eventLoopGroup.next()).queryValue("q") == nil)
        try await app.asyncShutdown()
    }
}

@Suite struct ComputeExecutorTests {
    /// A job started with `ComputeExecutor.detached` (the reconciliation, the daily scan) runs on its threads, and
    /// stays there after waiting for I/O and in the tasks it starts (the matcher's task groups).
    @Test func aJobAndTheTasksItStartsRunOnTheComputeThreads() async {
        #expect(!ComputeExecutor.isCurrent)
        let seen = await ComputeExecutor.detached { () -> [Bool] in
            var seen = [ComputeExecutor.isCurrent]
            try? await Task.sleep(nanoseconds: 1_000_000)
            seen.append(ComputeExecutor.isCurrent)
            let children = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 { group.addTask { ComputeExecutor.isCurrent } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            return seen + children
        }.value
        #expect(seen == Array(repeating: true, count: 6))
    }

    /// Requests that write and GET routes marked `computes()` run on the compute threads, also behind the project's
    /// route-group middleware; other reads do not.
    @Test func writesAndMarkedReadsRunOnTheComputeThreads() async throws {
        let app = try await Application.make(.testing)
        let answer: @Sendable (Request) async -> String = { _ in
            await Task.yield()
            return ComputeExecutor.isCurrent ? "compute" : "elsewhere"
        }
        app.get("read", use: answer)
        app.post("write", use: answer)
        app.delete("write", use: answer)
        app.get("report", use: answer).computes()
        // Behind route-group middleware, as every real route is (each async middleware runs in a task of its own).
        let grouped = app.grouped("g").grouped(BearerAuthenticator())
        grouped.get("read", use: answer)
        grouped.post("write", use: answer)
        grouped.get("report", use: answer).computes()
        grouped.grouped(BearerAuthenticator()).post("twice", use: answer)
        ComputeResponder.install(on: app.routes)
        // Only the handlers without group middleware are wrapped; a grouped route's middleware starts its own task.
        let wrapped = Set(app.routes.all.filter { $0.responder is ComputeResponder }.map { "\($0.method.rawValue) \($0.path.map(\.description).joined(separator: "/"))" })
        #expect(wrapped == ["POST write", "DELETE write", "GET report"])
        for (method, path, expected) in [(HTTPMethod.GET, "read", "elsewhere"), (.POST, "write", "compute"), (.DELETE, "write", "compute"),
                                         (.GET, "report", "compute"), (.GET, "g/read", "elsewhere"), (.POST, "g/write", "compute"),
                                         (.GET, "g/report", "compute"), (.POST, "g/twice", "compute")] {
            let res = try await app.testing().sendRequest(method, path)
            #expect(res.body.string == expected, "\(method) \(path)")
        }
        try await app.asyncShutdown()
    }
}

@Suite struct NameFormatTests {
    /// A validator's reading of a pattern: Python's `re` (schemathesis' side), where `$` also matches before one final
    /// line feed. ICU's `$` would also match before a final CR, VT, FF, NEL or CR LF, which neither Python nor ECMA-262
    /// does, so the pattern is applied with `\z` and the final line feed allowed explicitly.
    static func pythonMatches(_ pattern: String, _ s: String) throws -> Bool {
        let re = try NSRegularExpression(pattern: pattern.hasSuffix("$") ? String(pattern.dropLast()) + "\\z" : pattern)
        func full(_ t: String) -> Bool { re.firstMatch(in: t, range: NSRange(t.startIndex..., in: t)) != nil }
        return full(s) || (s.hasSuffix("\n") && !s.hasSuffix("\r\n") && full(String(s.dropLast())))
    }

    static let samples: [String] = {
        let hundred = String(repeating: "A", count: 100)
        return ["Tanaka", " Tanaka ", "\u{3000}Tanaka\u{A0}", "\tTanaka", "Tanaka\t", "Tanaka\n", "Tanaka\n\n", "Ta\nnaka", "Tanaka\r",
                "Tanaka\r\n", "Tanaka\u{B}", "Tanaka\u{C}", "Tanaka\u{85}", "\u{85}Tanaka", "Ta\u{7}naka", "Tanaka\u{2028}",
                hundred, " " + hundred, hundred + " ", hundred + "\n", String(hundred.dropLast()) + "e\u{301}",
                String(hundred.dropLast(2)) + "e\u{301}", "\u{216B}", "12345", "", "   ", "\t", "\n", "\u{3000}", "O'Brien", "Nguyễn Văn",
                "\u{200B}A", "Straße", "李", "-", "A-1"]
    }()

    /// The server takes a family name exactly when the API document's `name` format (pattern and maxLength, as JSON
    /// Schema counts: Unicode scalars) says it is valid — blanks and line breaks around it, control characters, letter
    /// numbers, combining marks past the length, only blanks — and a given name exactly when the document's
    /// `givenNames` (blank, or the same format) does.
    @Test func theServerTakesANameExactlyWhenTheDocumentSaysItIsValid() throws {
        let schema = try #require(OpenAPIDocument.refined(["type": "string", "format": "name"]) as? [String: Any])
        let maxLength = try #require(schema["maxLength"] as? Int)
        let pattern = try #require(schema["pattern"] as? String)
        for s in Self.samples {
            let matches = try Self.pythonMatches(pattern, s)
            let name = s.unicodeScalars.count <= maxLength && matches
            let codes = s.unicodeScalars.map { String($0.value, radix: 16) }
            #expect(((try? RegistryEdits.name(s, "familyName", required: true)) != nil) == name, "familyName \(codes)")
            let blank = try Self.pythonMatches("^\\s*$", s)
            #expect(((try? RegistryEdits.name(s, "givenNames", required: false)) != nil) == (blank || name), "givenNames \(codes)")
        }
        // Stored without the blanks around them, in capitals; a blank optional name is none.
        #expect(try RegistryEdits.name("\u{3000}Tanaka\u{A0}\n", "familyName", required: true) == "TANAKA")
        #expect(try RegistryEdits.name("Tanaka\u{2028}", "familyName", required: true) == "TANAKA")
        #expect(try RegistryEdits.name("   ", "givenNames", required: false) == "")
        #expect(try RegistryEdits.name(nil, "givenNames", required: false) == nil)
        // What is wrong is named: a control character, no letter, too long, missing.
        for (value, key) in [("Ta\tnaka", "v.nameControl"), ("12345", "v.nameLetter"), (String(repeating: "A", count: 101), "v.tooLong"), ("  ", "v.required")] {
            #expect(throws: ValidationFailure.self) { try RegistryEdits.name(value, "familyName", required: true) }
            do { _ = try RegistryEdits.name(value, "familyName", required: true) } catch let v as ValidationFailure { #expect(v.key == key, "\(value)") }
        }
    }
}
