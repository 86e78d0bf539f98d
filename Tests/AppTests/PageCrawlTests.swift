@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every page every role can reach by following the links the pages offer, in both languages: no dead link,
/// no message key left untranslated, no English interface text on Indonesian pages (and the reverse), no raw
/// ISO/UTC time, no region code in the text (regions are named), and every table cell labelled for phones.
@Suite struct PageCrawlTests {
    static let roles = ["admin@demo.sinergi.id", "supervisor@demo.sinergi.id", "officer@demo.sinergi.id", "agency@demo.sinergi.id", "sponsor@demo.sinergi.id"]

    /// Interface words that betray the other language. Chosen so that demo data (names, places, titles written by
    /// users) cannot contain them.
    static let englishWords = ["Submit", "Save", "Cancel", "Sign in", "Log out", "Previous", "Next ›", "Search", "Download", "Upload",
                               "Nothing", "must be", "is required", "not found", "Filter", "Apply", "Choose", "Back to", "records",
                               "Reconciled", "Pending", "Sending", "Failed", "Submitted", "Approved", "Returned", "Overstayed",
                               "Active", "Disabled", "Actions", "Created", "Status:", "Due", "Open tasks", "Unread"]
    static let indonesianWords = ["Simpan", "Kirim", "Batalkan", "Keluar", "Sebelumnya", "Berikutnya", "wajib diisi", "Tidak ada",
                                  "Belum ada", "— pilih —", "Cari ", "Unduh", "Unggah", "Terapkan", "Halaman ", "Tindakan", "Dibuat",
                                  "Disetujui", "Dikembalikan", "Terlambat", "Selesai"]
    /// Message-key prefixes: a key shown as text means a missing translation.
    static var keyPattern: Regex<AnyRegexOutput> { try! Regex(#"\b(nav|dash|list|f|login|err|report|imp|disc|op|meet|insp|task|lph|sr|tka|warn|notify|notif|region|form|flash|v|audit|role|portal|action|pr|leader|lookup|alert|outbox|sex|status|mrz)\.[a-zA-Z0-9][a-zA-Z0-9_.-]*\b"#) }
    static var isoTime: Regex<AnyRegexOutput> { try! Regex(#"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"#) }
    /// An official region code standing alone (`35.78`, `35.16.05.2010`), not part of a longer number ("Rp 60.000",
    /// an NPWP) nor a time ("18.30 WIB").
    static var regionCode: Regex<(Substring, Substring)> { try! Regex(#"(?:^|[^\d.])(\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)(?![\d.])(?!\s*WI)"#) }

    /// Region codes in the text a person reads: a region is shown by its name, its code at most as a title. A region
    /// picker, which may say which code was chosen, is a form, not text about a place, and is left out.
    static func regionCodes(_ html: String) -> [String] {
        var s = html
        while let open = s.range(of: "<fieldset class=\"region-picker"), let close = s.range(of: "</fieldset>", range: open.upperBound..<s.endIndex) {
            s.removeSubrange(open.lowerBound..<close.upperBound)
        }
        let text = visibleText(s)
        return text.matches(of: regionCode).map { String($0.output.1) }
    }

    /// The text a person reads: no tags, scripts or styles; entities kept as they are.
    static func visibleText(_ html: String) -> String {
        var s = html
        for tag in ["script", "style"] {
            while let open = s.range(of: "<\(tag)"), let close = s.range(of: "</\(tag)>", range: open.upperBound..<s.endIndex) {
                s.removeSubrange(open.lowerBound..<close.upperBound)
            }
        }
        var out = "", inTag = false
        for ch in s {
            if ch == "<" { inTag = true; out.append(" ") } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
        }
        return out
    }

    static func links(_ html: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().compactMap { part in
            guard let end = part.firstIndex(of: "\"") else { return nil }
            let href = String(part[..<end]).replacingOccurrences(of: "&amp;", with: "&")
            guard href.hasPrefix("/"), !href.hasPrefix("//") else { return nil }
            let skip = ["/logout", "/lang/", "/static/", "/manifest", "/sw.js", "/template/", "/photo", "/csv", "/api/"]
            return skip.contains(where: { href.contains($0) }) ? nil : href
        }
    }

    /// Cells of tables with headings must carry their heading for the phone layout.
    static func unlabelledCells(_ html: String) -> Int {
        guard html.contains("<thead") else { return 0 }
        return html.components(separatedBy: "<tbody").dropFirst().reduce(0) { n, body in
            let part = body.components(separatedBy: "</tbody>")[0]
            return n + part.components(separatedBy: "<td").dropFirst().filter { !$0.hasPrefix(" data-label=") && ($0.hasPrefix(">") || $0.hasPrefix(" ")) }.count
        }
    }

    /// Interface values shown raw (enum values, states): whole words only, so that "Sentosa" is not "sent".
    static let rawValues = ["pending", "sending", "sent", "failed", "active", "submitted", "approved", "returned", "draft",
                            "reconciling", "reconciled", "planned", "completed", "cancelled", "overstayed", "expiring"]

    /// What is wrong with one page in `lang`.
    static func problems(_ html: String, _ lang: Language) -> [String] {
        var out: [String] = []
        let text = visibleText(html)
        for m in text.matches(of: keyPattern) { out.append("untranslated \(text[m.range])") }
        if text.contains(isoTime) { out.append("raw ISO time") }
        for code in regionCodes(html) { out.append("region code \(code) in the text") }
        for w in (lang == .id ? englishWords : indonesianWords) where text.contains(w) { out.append("\"\(w)\"") }
        let words = Set(text.split(whereSeparator: { !$0.isLetter }).map(String.init))
        if lang == .id { for w in rawValues where words.contains(w) { out.append("raw value \"\(w)\"") } }
        let unlabelled = unlabelledCells(html)
        if unlabelled > 0 { out.append("\(unlabelled) table cells without a label") }
        return out
    }

    /// The checks catch what they are meant to catch (a crawl that finds nothing proves nothing otherwise).
    @Test func theChecksFindWhatTheyLookFor() {
        let bad = "<main><h1>Laporan</h1><button>Submit</button><p>err.404 · 2026-12-01T11:30:00Z · pending</p><table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></main>"
        let found = Self.problems(bad, .id)
        #expect(found.contains("\"Submit\"") && found.contains("untranslated err.404") && found.contains("raw ISO time")
                && found.contains("raw value \"pending\"") && found.contains("1 table cells without a label"))
        #expect(Self.problems("<main><button>Simpan</button></main>", .en) == ["\"Simpan\""])
        let good = "<main><p>Jl. Sentosa 5, dikirim 2 Des 2026 18.30 WIB</p><table><thead><tr><th>A</th></tr></thead><tbody><tr><td data-label=\"A\">1</td></tr></tbody></table></main>"
        #expect(Self.problems(good, .id).isEmpty)
    }

    @Test(arguments: [Language.id, Language.en])
    func everyPageOfEveryRoleReadsInItsLanguage(_ lang: Language) async throws {
        try await withTestApp { app in
            var problems: [String] = []
            var visited: [String: Int] = [:]
            for email in Self.roles {
                let b = Browser(app)
                b.cookies["lang"] = lang.rawValue
                try await b.login(email)
                var queue = ["/"], seen = Set<String>()
                while let path = queue.first, seen.count < 70 {
                    queue.removeFirst()
                    guard !seen.contains(path) else { continue }
                    seen.insert(path)
                    let res = try await b.get(path)
                    let who = "\(email.prefix(while: { $0 != "@" })) \(lang.rawValue) \(path)"
                    guard res.status.code < 300 else {
                        if res.status.code >= 400 { problems.append("\(who): \(res.status.code)") }
                        continue
                    }
                    guard res.headers.contentType?.subType == "html" else { continue }
                    let html = res.body.string
                    problems += Self.problems(html, lang).map { "\(who): \($0)" }
                    queue += Self.links(html).filter { !seen.contains($0) }
                }
                visited[email] = seen.count
            }
            // The crawl must really have walked the site: every role has several pages.
            #expect(visited.values.allSatisfy { $0 >= 4 } && visited.values.reduce(0, +) >= 60, "\(visited)")
            #expect(problems.isEmpty, Comment(rawValue: "\(problems.count) problems:\n" + problems.prefix(80).joined(separator: "\n")))
        }
    }

    /// The forms of a page that hold a picker's step button: (id, action, method, hidden fields, the step's value).
    static func stepForms(_ html: String) -> [(id: String, action: String, method: String, fields: [String: String], step: String)] {
        func attribute(_ tag: Substring, _ name: String) -> String? {
            guard let r = tag.range(of: " \(name)=\"") else { return nil }
            return String(tag[r.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
        }
        return html.components(separatedBy: "<form ").dropFirst().compactMap { part in
            let form = Substring(" " + part.components(separatedBy: "</form>")[0])
            guard let button = form.components(separatedBy: "<button").dropFirst().first(where: { $0.contains("name=\"\(RegionPicker.stepName)\"") }),
                  let step = attribute(Substring(button), "value"), let id = attribute(form, "id"), let action = attribute(form, "action") else { return nil }
            var fields: [String: String] = [:]
            for input in form.components(separatedBy: "<input").dropFirst() where input.contains("type=\"hidden\"") {
                let tag = input.prefix { $0 != ">" }
                if let name = attribute(tag, "name"), name != CSRFMiddleware.fieldName { fields[name] = attribute(tag, "value") ?? "" }
            }
            return (id, action, attribute(form, "method") ?? "get", fields, step)
        }
    }

    /// Every form with a region or sponsor picker, on every page each role (and a citizen) reaches: its step without
    /// JavaScript posts the form to its own action and gets the same form back (200), with what was typed and nothing
    /// saved, so that nothing typed goes into a URL. A step posted where no page answers would be refused; a step taken
    /// for a submission would redirect.
    @Test func everyPickersStepShowsItsFormAgainWithoutSaving() async throws {
        try await withTestApp { app in
            let marker = "Langkah pemilih 7"
            let starts = app.routes.all.filter { r in
                r.method == .GET && !r.path.contains { if case .constant = $0 { return false } else { return true } }
            }.map { "/" + $0.path.map(\.description).joined(separator: "/") }.filter { !$0.hasPrefix("/api/") && $0 != "/logout" && !$0.hasPrefix("/static") }
            // Pages of one record that hold pickers: a person's edit page, a field officer's report in draft.
            let officer = Browser(app)
            try await officer.login("officer@demo.sinergi.id")
            var records = [try #require(try await officer.post(FieldWorkURL.dailyReports.path, form: ["date": "2026-11-30"]).headers.first(name: .location))]
            for f in try await Foreigner.query(on: app.db).sort(\.$id).limit(40).all() { records.append(RegistryURL.edit(.id(f.id!)).path) }
            for r in try await DailyReport.query(on: app.db).all() where r.isEditable { records.append(FieldWorkURL.dailyReport(.id(r.id!)).path) }
            var found: Set<String> = [], problems: [String] = []
            for email in Self.roles + [""] {
                let b = Browser(app)
                if email.isEmpty { try await b.get("/lapor") } else { try await b.login(email) }
                var queue = ["/"] + starts + records, seen = Set<String>()
                while let path = queue.first, seen.count < 160 {
                    queue.removeFirst()
                    guard !seen.contains(path) else { continue }
                    seen.insert(path)
                    let res = try await b.get(path)
                    guard res.status == .ok, res.headers.contentType?.subType == "html" else { continue }
                    let html = res.body.string
                    queue += Self.links(html).filter { !seen.contains($0) }
                    for form in Self.stepForms(html) where !found.contains("\(email) \(form.id)") {
                        found.insert("\(email) \(form.id)")
                        var fields = form.fields
                        fields[RegionPicker.stepName] = form.step
                        // A typed value to find again: the first text field of the form, if any.
                        let text = Self.firstTextField(html, form: form.id)
                        if let text { fields[text] = marker }
                        let counts = try await Self.rowCounts(app)
                        let back = form.method == "post" ? try await b.post(form.action, form: fields)
                            : try await b.get(form.action + "?" + fields.map { "\($0.key.formEscaped)=\($0.value.formEscaped)" }.joined(separator: "&"))
                        let who = "\(email.isEmpty ? "citizen" : String(email.prefix { $0 != "@" })) \(path) #\(form.id) (\(form.method) \(form.action))"
                        if back.status != .ok { problems.append("\(who): \(back.status.code)"); continue }
                        if !back.body.string.contains("id=\"\(form.id)\"") { problems.append("\(who): the form is not shown again") }
                        if let text, !back.body.string.contains("value=\"\(marker)\"") { problems.append("\(who): \(text) typed was not kept") }
                        if try await Self.rowCounts(app) != counts { problems.append("\(who): something was saved") }
                    }
                }
            }
            let ids = Set(found.map { String($0.split(separator: " ").last!) })
            // The pages with pickers really were reached: the forms of several features, for staff, sponsors and citizens.
            for id in ["new-foreigner", "address-form", "operation-form", "meeting-form", "office-form", "add-regency-form", "agency-form", "order-form", "report-form",
                       "sponsor-form", "filter-form", "entry-form"] {
                #expect(ids.contains(id), "no step form \(id) found; found \(ids.sorted())")
            }
            #expect(problems.isEmpty, Comment(rawValue: problems.joined(separator: "\n")))
        }
    }

    /// A citizen's report posted back by the region picker's step without JavaScript, with a photo of 3 MB chosen (the
    /// form is multipart): the same form back, what was typed kept, a note to choose the photo again, nothing saved.
    /// The step is held to its own route's upload limit, not to the plain form limit of the page it is shown by.
    @Test func aStepWithAPhotoComesBackAskingForThePhotoAgain() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.get("/lapor")
            let boundary = "sinergi-\(UUID().uuidString)"
            var body = ByteBuffer()
            func field(_ name: String, _ value: String) {
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
            }
            field("_csrf", try #require(b.cookies[CSRFMiddleware.cookieName]))
            field("_picker", "kelurahanCode")
            field("description", "Orang asing memotret kawasan industri")
            field("kelurahanCode_province", "35")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"foto.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            body.writeBytes([UInt8](repeating: 0xAB, count: 3 * 1_048_576))
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers = b.cookieHeader
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let reports = try await PublicReport.query(on: app.db).count()
            let res = try await app.testing().sendRequest(.POST, "/lapor", headers: headers, body: body)
            #expect(res.status == .ok)
            #expect(res.body.string.contains(">Orang asing memotret kawasan industri</textarea>"))
            #expect(res.body.string.contains("Berkas yang tadi dipilih belum terkirim: pilih lagi sebelum mengirim."))
            #expect(res.body.string.contains("<option value=\"35\" selected>"))
            #expect(try await PublicReport.query(on: app.db).count() == reports)
        }
    }

    /// The name of the first text field of the form `id`.
    static func firstTextField(_ html: String, form id: String) -> String? {
        let body: String = html.components(separatedBy: "id=\"\(id)\"")[1].components(separatedBy: "</form>")[0]
        guard let input = body.components(separatedBy: "<input type=\"text\"").dropFirst().first,
              let r = input.range(of: " name=\"") else { return nil }
        return String(input[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Rows of the tables a form with a picker could write.
    static func rowCounts(_ app: Application) async throws -> [Int] {
        [try await Foreigner.query(on: app.db).count(), try await JointOperation.query(on: app.db).count(), try await User.query(on: app.db).count(),
         try await Office.query(on: app.db).count(), try await Agency.query(on: app.db).count(), try await FieldOrder.query(on: app.db).count(),
         try await SponsorReport.query(on: app.db).count(), try await Sponsor.query(on: app.db).count(), try await PublicReport.query(on: app.db).count(),
         try await ReportEntry.query(on: app.db).count(), try await Inspection.query(on: app.db).count(), try await Meeting.query(on: app.db).count()]
    }
}
