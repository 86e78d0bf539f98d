@testable import App
import Fluent
import Foundation
import Matching
import SQLKit
import Testing
import Vapor
import VaporTesting

struct ImportReply: Decodable {
    var id: UUID?
    var rows: Int?
    var status: String?
    var progress: Int?
    var duplicate: Bool?
    struct Failure: Decodable { var code: String; var field: String?; var message: String }
    var error: Failure?
    var invalidRows: [InvalidRow]?
    var setAside: Int?
    var matched: Int?
    var review: Int?
    var unmatched: Int?
}

struct ReconciliationReply: Decodable {
    struct Item: Decodable {
        var rowId: UUID
        var line: Int
        var state: String
        var decision: String?
        var probability: Double?
        var foreignerId: UUID?
        var explanation: [Reconciler.Contribution]?
    }
    var status: String
    var matched: Int
    var review: Int
    var unmatched: Int
    var items: [Item]?
    var total: Int?
}

func decode<T: Decodable>(_ type: T.Type, _ res: TestingHTTPResponse) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(res.body.readableBytesView))
}

/// Sends a CSV body to POST /api/v1/imports.
func postImport(_ app: Application, token: String, kind: String, csv: [UInt8], charset: String? = nil, extraQuery: String = "") async throws -> TestingHTTPResponse {
    var h = bearer(token)
    h.replaceOrAdd(name: .contentType, value: "text/csv" + (charset.map { "; charset=\($0)" } ?? ""))
    return try await app.testing().sendRequest(.POST, "/api/v1/imports?kind=\(kind)\(extraQuery)", headers: h, body: ByteBuffer(bytes: csv))
}

/// Polls an import until its reconciliation is over.
func waitReconciled(_ app: Application, token: String, id: UUID) async throws -> ImportReply {
    for _ in 0..<600 {
        let r = try decode(ImportReply.self, try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)", headers: bearer(token)))
        if r.status != "reconciling" { return r }
        try await Task.sleep(for: .milliseconds(100))
    }
    Issue.record("reconciliation did not finish")
    return ImportReply()
}

func fixtureCSV(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("MatchingTests/Fixtures/foreigners/\(name).csv").path
}

/// Puts the Matching fixture's 600 "registry" records into the registry, in Kabupaten Mojokerto.
/// Returns registry id → fixture id.
func loadFixtureRegistry(_ app: Application) async throws -> [UUID: String] {
    let reader = try CSVReader(path: fixtureCSV("left"))
    let header = try reader.header()
    let sql = app.db as! any SQLDatabase
    var ids: [UUID: String] = [:]
    while let row = try reader.next() {
        let v = Dictionary(uniqueKeysWithValues: zip(header, row))
        let id = UUID()
        ids[id] = v["id"]!
        let full = "\(v["given_names"]!) \(v["family_name"]!)".trimmingCharacters(in: .whitespaces)
        let passport = v["passport_number"].flatMap { $0.isEmpty ? nil : $0 }
        try await sql.raw("""
            INSERT INTO foreigners (id, family_name, given_names, full_name, sex, date_of_birth, nationality, search_name, passport_number, village_code, regency_code, passport_key, name_key)
            VALUES (\(bind: id), \(bind: v["family_name"]!), \(bind: v["given_names"]!), \(bind: full), \(bind: v["sex"]!.isEmpty ? "X" : v["sex"]!),
                    \(bind: Normalize.date(v["date_of_birth"]!)?.description), \(bind: v["nationality"]!), \(bind: full.uppercased()), \(bind: passport),
                    '35.16.05.2010', '35.16', \(bind: passport.map(Normalize.documentID)), \(bind: " " + Normalize.nameTokens(full).sorted().joined(separator: " ") + " "))
            """).run()
    }
    return ids
}

@Suite struct ImportTests {
    @Test func aFileWithBadRowsNamesEachLineAndStoresNothing() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            var csv = Array("full_name,nationality,date_of_birth,passport_number,sex\n".utf8)
            csv += Array("Müller Hans,DEU,1980-02-29,C01X00T47,M\n".utf8)           // 2 valid (leap day)
            csv += Array("Zhang Wei,CHN,1981-02-29,E12345678,M\n".utf8)             // 3 no such day
            csv += Array("Kim Min-jun,XKR,1990-01-01,M12345678,M\n".utf8)           // 4 unknown code
            csv += Array("Tanaka Yuki,JPN,1985-03-03\n".utf8)                        // 5 column count
            csv += Array("Nguy".utf8) + [0xFF, 0xFE] + Array("n Van An,VNM,1979-05-06,B1234567,M\n".utf8)  // 6 invalid UTF-8
            csv += Array("Smith John,GBR,1970-01-01,123456789,Q\n".utf8)            // 7 sex
            let res = try await postImport(app, token: token, kind: "residents", csv: csv)
            #expect(res.status == .unprocessableEntity)
            let body = try decode(ImportReply.self, res)
            let lines = (body.invalidRows ?? []).map(\.line)
            #expect(lines == [3, 4, 5, 6, 7])
            let reasons = (body.invalidRows ?? []).map { $0.reason.lowercased() }
            #expect(reasons[0].contains("date_of_birth") && reasons[1].contains("nationality") && reasons[2].contains("expected 5 columns, found 3"))
            #expect(reasons[3].contains("utf-8") && reasons[4].contains("sex"))
            #expect(body.error?.message.contains("line 3") == true && body.error?.code == "v.import.invalidRows")
            #expect(try await AgencyImport.query(on: app.db).count() == 0)
            #expect(try await ImportRow.query(on: app.db).count() == 0)

            // A missing name column is a file-level error on line 1.
            let noName = try await postImport(app, token: token, kind: "residents", csv: Array("nationality,sex\nCHN,M\n".utf8))
            #expect(noName.status == .unprocessableEntity)
            #expect(try decode(ImportReply.self, noName).invalidRows?.first?.line == 1)
            // Unknown kind, empty body.
            #expect(try await postImport(app, token: token, kind: "cars", csv: Array("name\nx\n".utf8)).status == .unprocessableEntity)
            #expect(try await postImport(app, token: token, kind: "residents", csv: []).status == .unprocessableEntity)
        }
    }

    /// The registry's employer and address stand beside the list's on the review page: a foreigner working for another
    /// company than the permit's is what a check looks for, and the employer is marked as compared.
    @Test func theReviewPageShowsTheRegistrysEmployerAndAddress() async throws {
        try await withTestApp { app in
            let f = try #require(try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").filter(\.$passportNumber != nil)
                .filter(\.$sponsorID != nil).filter(\.$dateOfBirth != nil).first())
            let sponsor = try #require(try await Sponsor.find(f.sponsorID, on: app.db))
            let address = try #require(try await Address.query(on: app.db).filter(\.$foreigner.$id == f.id!).filter(\.$isCurrent == true).first())
            let csv = "name,passport_number,nationality,date_of_birth,employer\n\(f.fullName),\(f.passportNumber!),\(f.nationality),\(f.dateOfBirth!),PT LAIN SEKALI\n"
            let up = try decode(ImportReply.self, try await postImport(app, token: try await apiToken(app, "officer@demo.sinergi.id"), kind: "persons-checked", csv: Array(csv.utf8)))
            await app.importJobs.drain()
            let row = try #require(try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == up.id!).first())
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/imports/\(up.id!)/rows?state=\(row.effectiveState.rawValue)").body.string
            let card = try #require(page.components(separatedBy: "id=\"row-\(row.line)\"").dropFirst().first)
            let employer = try #require(card.components(separatedBy: "<tr class=").first { $0.contains("<th scope=\"row\">Perusahaan / pemberi kerja") })
            #expect(employer.hasPrefix("\"is-0\"") && employer.contains(">berbeda</span>") && employer.contains(">PT LAIN SEKALI</td>"), "\(employer)")
            #expect(employer.contains(sponsor.name.replacingOccurrences(of: "&", with: "&amp;")))
            #expect(card.contains(address.line.replacingOccurrences(of: "&", with: "&amp;")))
            // The page says which registry the list was matched against: "not found" means not found there.
            let regency = try #require(try await Region.find("35.16", on: app.db)?.name)
            #expect(page.contains("id=\"import-scope\">Dicocokkan dengan data imigrasi di: ") && page.contains(regency))
        }
    }

    /// Agencies write the country, not its code (Tiongkok, Korea Selatan, Chinese): each is read as its code, so that it is
    /// compared; a name no one knows is still refused.
    @Test func nationalitiesWrittenAsCountriesAreReadAsTheirCodes() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            var csv = "nama_lengkap,kewarganegaraan\n"
            csv += "Zhang Wei,Tiongkok\nKim Min-jun,Korea Selatan\nLi Na,Chinese\nHans Müller,D\nJohn Smith,GBD\nTanaka Yuki,jpn\n"
            let res = try await postImport(app, token: token, kind: "residents", csv: Array(csv.utf8))
            #expect(res.status == .created)
            let rows = try await ImportRow.query(on: app.db).sort(\.$line).all()
            // A known code is kept as written (GBD, a British passport's own; matching reads it as GBR); D, a German passport's
            // one-letter code, is read as DEU.
            #expect(rows.map(\.nationality) == ["CHN", "KOR", "CHN", "DEU", "GBD", "JPN"])
            let refused = try await postImport(app, token: token, kind: "residents", csv: Array("nama_lengkap,kewarganegaraan\nA B,Narnia\n".utf8))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Narnia"))
        }
    }

    /// Columns no known name matches are read by their words, as `sinergi match` reads headers: another system's export
    /// goes in without mapping by hand. A document that is not a passport (an NIK) and a saved choice to leave a field
    /// out are kept apart.
    @Test func columnsAreReadByTheirWords() async throws {
        let header = ["No.", "Surname", "Forenames", "Birth Date", "Gender", "Kebangsaan", "Travel Document No", "NIK Sponsor", "Employer Name", "Street Address"]
        let mapped = ImportParser.resolveMapping(header: header, kind: .residents, saved: [:])
        #expect(mapped == ["family_name": 1, "given_names": 2, "date_of_birth": 3, "sex": 4, "nationality": 5, "passport_number": 6,
                           "employer": 8, "address": 9])
        #expect(ImportParser.resolveMapping(header: header, kind: .residents, saved: ["sex": ""])["sex"] == nil)
        // Columns about someone or something else, and dates that are no birth date, are left unmapped.
        let unlike = ["Nama Jabatan", "Emergency Contact Name", "Passport Expiry Date", "Masa Berlaku Paspor", "Tgl Terbit Paspor", "Travel Date",
                      "Company Phone", "Sponsor Address", "Alamat Perusahaan", "Country of Birth", "Negara Tujuan", "Spouse Nationality", "Mob No",
                      "Birth Year", "NIK Sponsor", "User Name"]
        for h in unlike { #expect(ImportParser.inferredKey(h) == nil, "\(h)") }
        // A header that shows the date's format, or says the name is as in the passport, is still read.
        let read = ["Date of Birth (DD/MM/YYYY)": "date_of_birth", "Tanggal Lahir (Hari/Bulan/Tahun)": "date_of_birth",
                    "Nama Lengkap (Sesuai Paspor)": "name", "Given Name(s)": "given_names", "Surname(s)": "family_name", "L/P": "sex"]
        for (h, key) in read { #expect(ImportParser.inferredKey(h) == key, "\(h)") }
        // A whole name beside the name in parts is not taken for the row's name.
        #expect(ImportParser.resolveMapping(header: ["Guest Name", "Surname", "Forenames"], kind: .residents, saved: [:]) == ["family_name": 1, "given_names": 2])
        #expect(ImportParser.resolveMapping(header: ["Guest Name", "DOB"], kind: .residents, saved: [:]) == ["name": 0, "date_of_birth": 1])
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            // Sex as a population register writes it (ISO/IEC 5218): 1 male, 2 female, 0 not known.
            let csv = "Surname,Forenames,Citizenship,Travel Document No,Gender\nMÜLLER,Hans Peter,Germany,C01X00T47,1\nMÜLLER,Anna,Germany,C01X00T48,2\nMÜLLER,Kim,Germany,C01X00T49,0\n"
            let res = try await postImport(app, token: token, kind: "residents", csv: Array(csv.utf8))
            #expect(res.status == .created, "\(res.body.string)")
            let rows = try await ImportRow.query(on: app.db).sort(\.$line).all()
            let row = try #require(rows.first)
            #expect(row.familyName == "MÜLLER" && row.givenNames == "Hans Peter" && row.nationality == "DEU" && row.passportNumber == "C01X00T47")
            #expect(rows.map(\.sex) == ["M", "F", "X"])
        }
    }

    /// A date that is no day says why: written month first (an American export), or out of the calendar.
    @Test func anImpossibleDateSaysWhy() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let csv = "nama_lengkap,kewarganegaraan,tanggal_lahir\nLee Min,KOR,12/25/1985\nPark Ji,KOR,31/02/1980\nKim Su,KOR,kemarin\n"
            let refused = try decode(ImportReply.self, try await postImport(app, token: token, kind: "residents", csv: Array(csv.utf8)))
            #expect(refused.invalidRows?.map(\.code) == ["v.import.dateMonthFirst", "v.import.dateImpossible", "v.import.date"])
        }
    }

    /// Dates as a database or a typist writes them, each readable one way only, go in as the day they are.
    @Test func datesWithATimeOrAMonthsNameAreRead() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let csv = "nama_lengkap,kewarganegaraan,tanggal_lahir\nLee Min,KOR,1985-07-09 00:00:00\nPark Ji,KOR,9 Agustus 1985\nKim Su,KOR,Aug 10 1985\n"
            let res = try await postImport(app, token: token, kind: "residents", csv: Array(csv.utf8))
            #expect(res.status == .created, "\(res.body.string)")
            #expect(try await ImportRow.query(on: app.db).sort(\.$line).all().map(\.dateOfBirth) == ["1985-07-09", "1985-08-09", "1985-08-10"])
        }
    }

    /// Agency spreadsheets carry impossible dates and unknown codes; with `badFields=setAside` such a field is kept raw
    /// and flagged instead of keeping every good row out. A row without a name is still refused.
    @Test func unreadableFieldsCanBeSetAsideAndTheRowsStillGoIn() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            var csv = "nama_lengkap,kewarganegaraan,tanggal_lahir,no_paspor,jenis_kelamin\n"
            csv += "Müller Hans,DEU,1980-02-29,C01X00T47,L\n"     // 2 valid
            csv += "Zhang Wei,CHN,1969-07-39,E12345678,L\n"       // 3 no such day
            csv += "Kim Min-jun,XKR,4975-08-10,M12345678,L\n"     // 4 unknown code, a year far ahead
            csv += "Tanaka Yuki,JPN,1985-03-03,T7654321,P\n"      // 5 valid
            // Without the parameter, the contract stays: 422, both rows named, nothing stored.
            let refused = try await postImport(app, token: token, kind: "residents", csv: Array(csv.utf8))
            #expect(refused.status == .unprocessableEntity)
            #expect(try decode(ImportReply.self, refused).invalidRows?.map(\.line) == [3, 4])
            // A day that does not exist is said to be that, not a date in the wrong form.
            #expect(try decode(ImportReply.self, refused).invalidRows?.first?.code == "v.import.dateImpossible")
            #expect(try await AgencyImport.query(on: app.db).count() == 0)

            let res = try await postImport(app, token: token, kind: "residents", csv: Array(csv.utf8), extraQuery: "&badFields=setAside")
            #expect(res.status == .created)
            let body = try decode(ImportReply.self, res)
            #expect(body.rows == 4 && body.setAside == 2)
            let rows = try await ImportRow.query(on: app.db).sort(\.$line).all()
            #expect(rows.map(\.line) == [2, 3, 4, 5])
            #expect(rows[1].dateOfBirth == nil && rows[1].nationality == "CHN" && rows[1].setAside == #"{"date_of_birth":"1969-07-39"}"#)
            #expect(rows[2].nationality == nil && rows[2].dateOfBirth == nil && rows[2].setAside == #"{"date_of_birth":"4975-08-10","nationality":"XKR"}"#)
            #expect(rows[0].setAside == nil && rows[3].setAside == nil)
            // The rows are reconciled on their other fields.
            #expect(try await waitReconciled(app, token: token, id: body.id!).status == "reconciled")
            // The summary says which rows had fields set aside, so that the source can be corrected.
            let pages = Browser(app)
            try await pages.login("officer@demo.sinergi.id")
            let summary = try await pages.get("/imports/\(body.id!)").body.string
            #expect(summary.contains("id=\"import-set-aside\">2 (baris 3, 4)</dd>"), "\(summary)")
            // Back from waiting on the matching, the page says it is done.
            #expect(!summary.contains("import-finished"))
            #expect(try await pages.get("/imports/\(body.id!)?finished=1").body.string.contains("Pencocokan selesai"))

            // A row without a name is refused even so; an unknown value of the parameter is named.
            let nameless = try await postImport(app, token: token, kind: "residents", csv: Array("nama_lengkap,kewarganegaraan\n,CHN\nLee Min,XKR\n".utf8), extraQuery: "&badFields=setAside")
            #expect(nameless.status == .unprocessableEntity)
            #expect(try decode(ImportReply.self, nameless).invalidRows?.map(\.line) == [2])
            // Dates mapped as the name (the columns swapped): every row is refused, not imported with dates for names.
            let swapped = try await postImport(app, token: token, kind: "residents", csv: Array("nama_lengkap,tanggal_lahir\n1985-03-03,ZHANG WEI\n".utf8), extraQuery: "&badFields=setAside")
            #expect(swapped.status == .unprocessableEntity && swapped.body.string.contains(#""code":"v.import.nameLetters""#))
            let wrong = try await postImport(app, token: token, kind: "residents", csv: Array(csv.utf8), extraQuery: "&badFields=ignore")
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains(#""field":"badFields""#))
        }
    }

    /// The template downloads with Indonesian headings that the importer itself recognises.
    @Test func theTemplateIsAValidListWithIndonesianHeadings() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            _ = try await b.login("agency@demo.sinergi.id")
            let page = try await b.get("/imports/new")
            #expect(page.body.string.contains("/imports/template/foreign-workers") && page.body.string.contains("Tanggal lahir"))
            let res = try await b.get("/imports/template/foreign-workers")
            #expect(res.headers.first(name: .contentDisposition) == "attachment; filename=\"sinergi-contoh-tenaga-kerja-asing-disnaker.csv\"")
            #expect(res.status == .ok && res.headers.contentType?.subType == "csv")
            let text = res.body.string
            #expect(text.contains("nama_lengkap") && text.contains("tanggal_lahir") && text.contains("no_paspor"))
            let token = try await apiToken(app, "agency@demo.sinergi.id")
            let imported = try await postImport(app, token: token, kind: "foreign-workers", csv: Array(text.utf8))
            #expect(imported.status == .created)
            #expect(try await b.get("/imports/template/holiday").status == .notFound)
        }
    }

    @Test func theSameFileTwiceImportsOnceAndWindows1252SemicolonsAreRead() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "agency@demo.sinergi.id")
            // As Excel on Indonesian Windows saves it: semicolons, Windows-1252 (0xDC = Ü), CRLF.
            let csv: [UInt8] = Array("Nama;Kewarganegaraan;Tanggal_Lahir;No_Paspor;Jenis_Kelamin;Perusahaan\r\n".utf8)
                + Array("M".utf8) + [0xDC] + Array("LLER HANS;DEU;29/02/1980;C01X00T47;L;PT Ngoro Baja\r\n".utf8)
                + Array("ZHANG WEI;CHN;1975-07-01;E99887766;L;PT Ngoro Baja\r\n".utf8)
            let first = try await postImport(app, token: token, kind: "foreign-workers", csv: csv)
            #expect(first.status == .created)
            let created = try decode(ImportReply.self, first)
            #expect(created.rows == 2)
            let second = try await postImport(app, token: token, kind: "foreign-workers", csv: csv)
            #expect(second.status == .ok)
            let again = try decode(ImportReply.self, second)
            #expect(again.id == created.id && again.duplicate == true)
            #expect(try await AgencyImport.query(on: app.db).count() == 1)
            #expect(try await ImportRow.query(on: app.db).count() == 2)
            let names = try await ImportRow.query(on: app.db).sort(\.$line).all().map(\.name)
            #expect(names == ["MÜLLER HANS", "ZHANG WEI"])
            let row = try await ImportRow.query(on: app.db).sort(\.$line).first()!
            #expect(row.dateOfBirth == "1980-02-29" && row.sex == "M" && row.employer == "PT Ngoro Baja")
            // The mapping is remembered for the agency.
            let saved = try await ImportService.savedMapping("agency:\(try await User.query(on: app.db).filter(\.$email == "agency@demo.sinergi.id").first()!.$agency.id!.uuidString)", .foreignWorkers, db: app.db)
            #expect(saved["name"] == "Nama" && saved["passport_number"] == "No_Paspor")
            _ = try await waitReconciled(app, token: token, id: created.id!)
            // The same bytes as another kind are another import.
            #expect(try await postImport(app, token: token, kind: "residents", csv: csv).status == .created)
            // Audited.
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "import.create").count() == 2)
        }
    }

    @Test func multipartUploadsWork() async throws {
        try await withTestApp { app in
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let boundary = "----sinergi-test-boundary"
            var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npersons-checked\r\n"
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"razia.csv\"\r\nContent-Type: text/csv\r\n\r\n"
            body += "name,nationality\nLI NA,CHN\nPARK JI-HOON,KOR\n\r\n--\(boundary)--\r\n"
            var h = bearer(token)
            h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let res = try await app.testing().sendRequest(.POST, "/api/v1/imports", headers: h, body: ByteBuffer(string: body))
            #expect(res.status == .created)
            #expect(try decode(ImportReply.self, res).rows == 2)
            #expect(try await AgencyImport.query(on: app.db).first()?.fileName == "razia.csv")
        }
    }

    @Test func reconciliationFindsTheKnownPairsAndDecisionsSurviveARerun() async throws {
        try await withTestApp { app in
            let registry = try await loadFixtureRegistry(app)
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let csv = try Data(contentsOf: URL(fileURLWithPath: fixtureCSV("right")))
            let res = try await postImport(app, token: token, kind: "residents", csv: Array(csv))
            #expect(res.status == .created, "\(res.body.string.prefix(500))")
            let id = try decode(ImportReply.self, res).id!
            let done = try await waitReconciled(app, token: token, id: id)
            #expect(done.status == "reconciled" && done.rows == 480)

            // Row line n is right.csv's record R(n-2).
            var items: [ReconciliationReply.Item] = []
            for page in 1...5 {
                let r = try decode(ReconciliationReply.self, try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/reconciliation?per=100&page=\(page)", headers: bearer(token)))
                items += r.items ?? []
            }
            #expect(items.count == 480)
            let truth = Set(try String(contentsOfFile: fixtureCSV("truth"), encoding: .utf8).split(separator: "\n").dropFirst().map(String.init))
            func pairs(_ states: Set<String>) -> Set<String> {
                Set(items.filter { states.contains($0.state) }.compactMap { i in i.foreignerId.flatMap { registry[$0] }.map { "\($0),R\(i.line - 2)" } })
            }
            let auto = pairs(["matched"]), all = pairs(["matched", "review"])
            let autoPrecision = Double(auto.intersection(truth).count) / Double(max(auto.count, 1))
            let recall = Double(all.intersection(truth).count) / Double(truth.count)
            #expect(autoPrecision >= 0.98, "precision of automatic matches \(autoPrecision)")
            #expect(recall >= 0.95, "recall of matches and review \(recall)")
            let matched = items.first { $0.state == "matched" }!
            #expect(matched.explanation?.contains { $0.field == "family_name" } == true && matched.explanation?.contains { $0.field == "given_names" } == true)

            // Decisions: reject an automatic match, accept one from review (or the other way), undo one.
            // An officer links an unmatched row by hand to a registry person (its true partner when it has one).
            let unmatched = items.first { $0.state == "unmatched" }!
            let partner = truth.first { $0.hasSuffix(",R\(unmatched.line - 2)") }.map { String($0.split(separator: ",")[0]) } ?? "L0"
            let linkTo = registry.first { $0.value == partner }!.key
            let decide: (UUID, String) async throws -> TestingHTTPResponse = { row, d in
                var h = bearer(token); h.contentType = .json
                return try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(row)/decision", headers: h, body: ByteBuffer(string: #"{"decision":"\#(d)"}"#))
            }
            #expect(try await decide(matched.rowId, "rejected").status == .ok)
            #expect(try await decide(unmatched.rowId, "accepted").status == .unprocessableEntity)   // no candidate, no foreignerId
            var lh = bearer(token); lh.contentType = .json
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(unmatched.rowId)/decision", headers: lh,
                                                        body: ByteBuffer(string: #"{"decision":"accepted","foreignerId":"\#(linkTo)"}"#)).status == .ok)
            let third = items.last { $0.state == "matched" && $0.rowId != matched.rowId }!
            #expect(try await decide(third.rowId, "rejected").status == .ok)
            #expect(try await decide(third.rowId, "undo").status == .ok)
            #expect(try await decide(third.rowId, "maybe").status == .unprocessableEntity)

            var h = bearer(token); h.contentType = .json
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rerun", headers: h).status == .ok)
            _ = try await waitReconciled(app, token: token, id: id)
            let rows = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).all()
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id!, $0) })
            #expect(byID[matched.rowId]?.decision == "rejected" && byID[matched.rowId]?.effectiveState == .unmatched)
            #expect(byID[unmatched.rowId]?.decision == "accepted" && byID[unmatched.rowId]?.effectiveState == .matched && byID[unmatched.rowId]?.foreignerID == linkTo)
            #expect(byID[third.rowId]?.decision == nil && byID[third.rowId]?.effectiveState == .matched)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$action == "import.decision").count() == 4)
            // A reconciled import cannot be cancelled.
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/cancel", headers: h).status == .conflict)
            // Nor can one matched again while it runs: cancelling would delete the rows and the officers' decisions with
            // them. The page says the run goes on and the decisions stay, with no button to cancel.
            try await AgencyImport.query(on: app.db).filter(\.$id == id).set(\.$status, to: ImportStatus.reconciling.rawValue).update()
            let refused = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/cancel", headers: h)
            #expect(refused.status == .conflict && refused.body.string.contains("rerunNotCancellable"), "\(refused.body.string)")
            #expect(try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).filter(\.$decision != nil).count() == 2)
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let running = try await b.get("/imports/\(id)").body.string
            #expect(running.contains("id=\"rerun-note\"") && !running.contains("id=\"cancel-import\""))
            // Failed on a run again, it cannot be cancelled either, and the answer says to run it again.
            try await AgencyImport.query(on: app.db).filter(\.$id == id).set(\.$status, to: ImportStatus.failed.rawValue).update()
            let failed = try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/cancel", headers: h)
            #expect(failed.status == .conflict && failed.body.string.contains("failedRerunNotCancellable"))
            // A first run's cancel asks before it deletes.
            try await AgencyImport.query(on: app.db).filter(\.$id == id).set(\.$status, to: ImportStatus.reconciling.rawValue).set(\.$finishedAt, to: nil).update()
            let first = try await b.get("/imports/\(id)").body.string
            #expect(first.contains("id=\"cancel-import\" data-confirm=\"Batalkan impor ini? Baris yang sudah diunggah akan dihapus;"))
        }
    }

    /// A person listed twice (a list pasted together from two sheets) is one person: both rows are matched to the
    /// registry record, not left to compete for it at 0.5 each (and the copy turned down reported as unregistered).
    @Test func aRowListedTwiceIsOnePerson() async throws {
        try await withTestApp { app in
            let registry = try await loadFixtureRegistry(app)
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let lines = try String(contentsOfFile: fixtureCSV("right"), encoding: .utf8).split(separator: "\n").map(String.init)
            // R0 is listed again at the end, the same in every field (line 482 copies line 2).
            let res = try await postImport(app, token: token, kind: "residents", csv: Array((lines + [lines[1]]).joined(separator: "\n").utf8))
            #expect(res.status == .created, "\(res.body.string.prefix(500))")
            let id = try decode(ImportReply.self, res).id!
            #expect(try await waitReconciled(app, token: token, id: id).rows == 481)
            let rows = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).all()
            let first = try #require(rows.first { $0.line == 2 }), copy = try #require(rows.first { $0.line == 482 })
            let partner = try String(contentsOfFile: fixtureCSV("truth"), encoding: .utf8).split(separator: "\n").first { $0.hasSuffix(",R0") }
                .map { String($0.split(separator: ",")[0]) }
            #expect(first.foreignerID.flatMap { registry[$0] } == partner && copy.foreignerID == first.foreignerID)
            #expect(first.effectiveState == .matched && copy.effectiveState == .matched, "\(first.effectiveState) \(copy.effectiveState)")
            #expect(copy.probability == first.probability && (first.probability ?? 0) >= 0.9)
            // The copy says which row it copies; the first row was linked by its own fields.
            #expect(copy.linkedVia == 2 && first.linkedVia == nil, "\(String(describing: copy.linkedVia)) \(String(describing: first.linkedVia))")
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            var page = ""
            for n in 1...5 { page += try await b.get("/imports/\(id)/rows?state=matched&per=100&page=\(n)").body.string }
            let card = try #require(page.components(separatedBy: "id=\"row-482\"").dropFirst().first?.components(separatedBy: "</article>").first)
            #expect(card.contains("Sama persis dengan baris 2 pada daftar ini (\(first.name)") && !card.contains("Isian baris ini saja"), "\(card.prefix(600))")
            #expect(!card.contains("same-person"), "a copy is the same listing of the person, not another line given them")
            // Decided, the first row's copy takes the same decision (the same person), on the trail as a decision of its
            // own; undone, both are the engine's again. A copy an officer decided apart keeps its decision.
            let rejected = try await b.post("/imports/\(id)/rows/\(first.id!)/decision", form: ["decision": "rejected", "back": "/imports/\(id)/rows?state=matched"])
            let location = try #require(rejected.headers.first(name: .location))
            // (Sent without a card after it, the reviewer goes on to the row's card, in the tab it moved to.)
            #expect(location == "/imports/\(id)/lines/2?per=100" || location == "/imports/\(id)/lines/2", "\(location)")
            let card2 = try #require(try await b.get(location).headers.first(name: .location))
            #expect(card2.contains("state=unmatched") && card2.hasSuffix("#row-2"), "\(card2)")
            #expect(try await b.get(String(card2.split(separator: "#")[0])).body.string.contains("Kecocokan baris 2 ditolak, juga untuk 1 baris lain yang sama persis."))
            let copyNow = try #require(try await ImportRow.find(copy.id, on: app.db))
            #expect(copyNow.decision == "rejected" && copyNow.effectiveState == .unmatched)
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$objectID == copy.id!.uuidString).all().contains { $0.detail.contains("to=rejected") && $0.detail.hasSuffix(" copyOf=2") })
            var h = bearer(token); h.contentType = .json
            let undone = try decode(ImportsController.ItemDTO.self, try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(first.id!)/decision", headers: h,
                                                                                                        body: ByteBuffer(string: #"{"decision":"undo"}"#)))
            #expect(undone.copiesDecided == [482] && undone.state == "matched")
            #expect(try await ImportRow.find(copy.id, on: app.db)?.effectiveState == .matched)
            _ = try await b.post("/imports/\(id)/rows/\(copy.id!)/decision", form: ["decision": "accepted", "back": "/imports/\(id)/rows?state=matched"])
            let apart = try decode(ImportsController.ItemDTO.self, try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(first.id!)/decision", headers: h,
                                                                                                       body: ByteBuffer(string: #"{"decision":"rejected"}"#)))
            let keptApart = try await ImportRow.find(copy.id, on: app.db)
            #expect(apart.copiesDecided == [] && keptApart?.decision == "accepted")
            // Decided with the row, a copy follows it when the row is given another person by hand (on a card that now
            // offers that beside undo), and again when that is undone.
            func decide(_ row: ImportRow, _ body: String) async throws -> ImportsController.ItemDTO {
                try decode(ImportsController.ItemDTO.self, try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(row.id!)/decision", headers: h, body: ByteBuffer(string: body)))
            }
            _ = try await decide(copy, #"{"decision":"undo"}"#)
            _ = try await decide(first, #"{"decision":"undo"}"#)
            #expect(try await decide(first, #"{"decision":"accepted"}"#).copiesDecided == [482])
            let someoneElse = try #require(registry.keys.first { $0 != first.foreignerID })
            #expect(try await decide(first, #"{"decision":"accepted","foreignerId":"\#(someoneElse)"}"#).copiesDecided == [482])
            let followed = try await ImportRow.find(copy.id, on: app.db)
            #expect(followed?.foreignerID == someoneElse && followed?.decision == "accepted")
            #expect(try await decide(first, #"{"decision":"undo"}"#).copiesDecided == [482])
            #expect(try await ImportRow.find(copy.id, on: app.db)?.decision == nil)
        }
    }

    /// A person met at two operations is listed twice, written otherwise the second time (another case, the date in
    /// another order, a slip in the given name) with the same passport: both rows are matched to the registry record,
    /// not left to compete for it (before, one was matched and the other reported unregistered or sent to review).
    @Test func aPersonListedTwiceOtherwiseIsOnePerson() async throws {
        try await withTestApp { app in
            let registry = try await loadFixtureRegistry(app)
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let lines = try String(contentsOfFile: fixtureCSV("right"), encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(lines[6] == "R5,KWON,SANG WOO,F,26/11/1967,KOR,M46911719")
            let res = try await postImport(app, token: token, kind: "residents", csv: Array((lines + ["X5,Kwon,Sang Wo,F,1967-11-26,KOR,M46911719"]).joined(separator: "\n").utf8))
            #expect(res.status == .created, "\(res.body.string.prefix(500))")
            let id = try decode(ImportReply.self, res).id!
            #expect(try await waitReconciled(app, token: token, id: id).rows == 481)
            let rows = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).all()
            let first = try #require(rows.first { $0.line == 7 }), again = try #require(rows.first { $0.line == 482 })
            let partner = try String(contentsOfFile: fixtureCSV("truth"), encoding: .utf8).split(separator: "\n").first { $0.hasSuffix(",R5") }
                .map { String($0.split(separator: ",")[0]) }
            #expect(first.foreignerID.flatMap { registry[$0] } == partner && again.foreignerID == first.foreignerID)
            #expect(first.effectiveState == .matched && again.effectiveState == .matched, "\(first.effectiveState) \(again.effectiveState)")
            // One row was linked through the other, and its card says so with what the other row gives; the API too.
            let (own, through) = again.linkedVia == nil ? (again, first) : (first, again)
            #expect(own.linkedVia == nil && through.linkedVia == own.line, "\(String(describing: first.linkedVia)) \(String(describing: again.linkedVia))")
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            func cards() async throws -> (through: String, own: String?) {
                var page = ""
                for state in ["matched", "review", "unmatched"] { for n in 1...5 { page += try await b.get("/imports/\(id)/rows?state=\(state)&per=100&page=\(n)").body.string } }
                func card(_ line: Int) -> String? { page.components(separatedBy: "id=\"row-\(line)\"").dropFirst().first?.components(separatedBy: "</article>").first }
                return (try #require(card(through.line)), card(own.line))
            }
            let (card, other) = try await cards()
            // Rows linked through one another are one listing of the person, not two lines given one person.
            #expect(!card.contains("same-person") && other?.contains("same-person") == false)
            // The page size chosen goes with every decision made on the page.
            #expect(card.contains("name=\"back\" value=\"/imports/\(id)/rows?page=1&amp;per=100&amp;state=matched\""), "\(card.suffix(800))")
            #expect(card.contains("Dicocokkan lewat baris \(own.line) pada daftar ini, yang menyebut orang yang sama: \(own.name) · Nomor paspor M46911719 · Tanggal lahir 26 Nov 1967."),
                    "\(card.prefix(800))")
            // A link to the other row's card, and the other card names this one. Neither is a copy; no officer has turned
            // the other down. The link finds the card's tab and page (lines in order, 100 a page).
            let link = "/imports/\(id)/lines/\(own.line)?per=100"
            #expect(card.contains("href=\"\(link)\">Lihat baris\u{00A0}\(own.line)</a>") && !card.contains("Sama persis") && !card.contains("ditolak"), "\(card.prefix(900))")
            #expect(other?.contains("class=\"notice linked-here\"") == true && other?.contains("/lines/\(through.line)?per=100\">Baris\u{00A0}\(through.line)</a>\u{00A0}<span class=\"muted\">(cocok)</span>") == true && other?.contains("linked-via") == false)
            #expect(other?.contains("Bila baris ini ditolak atau dicocokkan dengan orang lain, baris yang belum diputuskan pindah ke tab Perlu ditinjau.") == true)
            // The address it sends to is the tab and page that show the card.
            func lands(_ state: String) async throws -> Bool {
                let location = try #require(try await b.get(link).headers.first(name: .location))
                let page = try await b.get(String(location.split(separator: "#")[0])).body.string
                return location.hasPrefix("/imports/\(id)/rows?") && location.contains("state=\(state)") && location.hasSuffix("#row-\(own.line)")
                    && page.contains("id=\"row-\(own.line)\"")
            }
            #expect(try await lands("matched"))
            func counts() async throws -> ReconciliationReply {
                try decode(ReconciliationReply.self, try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/reconciliation?per=1", headers: bearer(token)))
            }
            func item(_ line: Int) async throws -> ImportsController.ItemDTO? {
                for state in ["matched", "review", "unmatched"] { for n in 1...5 {
                    let res = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/reconciliation?state=\(state)&per=100&page=\(n)", headers: bearer(token))
                    if let i = try decode(ImportsController.ReconciliationDTO.self, res).items?.first(where: { $0.line == line }) { return i }
                } }
                return nil
            }
            let before = try await counts()
            // The other row turned down: this one, matched only through it, waits for review (the engine's verdict kept);
            // its card says so, the counts move, the API says why, and the link follows the row to its tab.
            var h = bearer(token); h.contentType = .json
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(own.id!)/decision", headers: h, body: ByteBuffer(string: #"{"decision":"rejected"}"#)).status == .ok)
            let (after, _) = try await cards()
            #expect(after.contains("Kecocokan baris \(own.line) ditolak petugas, sehingga baris ini kini ada di tab Perlu ditinjau; putuskan juga."), "\(after.prefix(900))")
            // Its heading says why it is to be reviewed, not how sure the engine was of a match made through a line turned down.
            #expect(after.contains("<span class=\"probability\">") && after.contains("· perlu ditinjau karena baris\u{00A0}\(own.line)</span>") && !after.contains("hampir pasti"), "\(after.prefix(600))")
            // The card turned down lists the line matched through it as now to review, without the sentence on rejecting.
            let (_, rejectedCard) = try await cards()
            #expect(rejectedCard?.contains("Baris\u{00A0}\(through.line)</a>\u{00A0}<span class=\"muted\">(perlu ditinjau)</span>") == true && rejectedCard?.contains("Bila baris ini ditolak") == false,
                    "\(rejectedCard?.prefix(1200) ?? "")")
            #expect(try await lands("unmatched"))
            let held = try await counts()
            #expect(held.matched == before.matched - 2 && held.review == before.review + 1 && held.unmatched == before.unmatched + 1, "\(before) \(held)")
            let heldItem = try await item(through.line)
            #expect(heldItem?.state == "review" && heldItem?.held == true && heldItem?.foreignerId == through.foreignerID && heldItem?.decision == nil)
            #expect(try await ImportRow.find(through.id!, on: app.db)?.matchState == "matched")
            // The audit trail says how many rows the decision held.
            #expect(try await AuditEventRecord.query(on: app.db).filter(\.$objectID == own.id!.uuidString).all().contains { $0.detail.contains("to=rejected") && $0.detail.hasSuffix(" held=1") })
            // Run again, the decision is kept and so is the hold.
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rerun", headers: bearer(token)).status == .ok)
            _ = try await waitReconciled(app, token: token, id: id)
            let rerunItem = try await item(through.line), rerunCounts = try await counts()
            #expect(rerunItem?.held == true && rerunCounts.review == held.review)
            // The other row given another person by hand: this card says so; the other card shows that person without the
            // engine's marks and weights, which were of the person it proposed. Undone, the other row is the engine's again.
            let engines = try #require(own.foreignerID), engines2 = try #require(through.foreignerID)
            let someoneElse = try #require(registry.keys.first { $0 != engines })
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(own.id!)/decision", headers: h,
                                                        body: ByteBuffer(string: #"{"decision":"accepted","foreignerId":"\#(someoneElse)"}"#)).status == .ok)
            let (elsewhere, handLinked) = try await cards()
            #expect(elsewhere.contains("Petugas mencocokkan baris \(own.line) dengan orang lain, sehingga baris ini kini ada di tab Perlu ditinjau; putuskan juga."), "\(elsewhere.prefix(900))")
            #expect(try await item(through.line)?.state == "review")
            // Its marks are plain ones, said to be: the engine compared another person.
            #expect(handLinked?.contains("class=\"why\"") == false && handLinked?.contains("class=\"muted hand-marks\">Mesin tidak membandingkan orang ini dengan baris ini.") == true, "\(handLinked?.prefix(900) ?? "")")
            // Its heading says an officer chose the person, not the engine's probability, which was of another.
            #expect(handLinked?.contains("<span class=\"probability\">Dipilih petugas</span>") == true && handLinked?.contains("Petugas memilih orang lain, bukan usulan mesin") == true)
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(own.id!)/decision", headers: h, body: ByteBuffer(string: #"{"decision":"undo"}"#)).status == .ok)
            #expect(try await ImportRow.find(own.id!, on: app.db)?.foreignerID == engines)
            let (undone, engineCard) = try await cards()
            #expect(!undone.contains("putuskan baris ini juga") && engineCard?.contains("class=\"why\"") == true)
            // Undone, the other row's match stands again, and so does this one's.
            let standing = try await item(through.line)
            #expect(standing?.state == "matched" && standing?.held == false)
            #expect(try await counts().matched == before.matched)
            // Another import's line, or a line that is not there: not found.
            #expect(try await b.get("/imports/\(id)/lines/99999").status == .notFound)
            // Reached from the review page, the error page leads back to it, not only to the dashboard; from another site, not.
            let review = "/imports/\(id)/rows?page=2&state=review"
            let wrong = try await b.get("/imports/\(id)/lines/99999", headers: ["Host": "sinergi.example", "Referer": "https://sinergi.example\(review)"]).body.string
            #expect(wrong.contains("<a href=\"\(review.replacingOccurrences(of: "&", with: "&amp;"))\" id=\"error-previous\">Kembali ke halaman sebelumnya</a>"), "\(wrong.suffix(900))")
            for referer in ["https://elsewhere.example\(review)", "https://sinergi.example//elsewhere.example/x", "https://sinergi.example/imports/\(id)/lines/99999",
                            "https://sinergi.example/%5Celsewhere.example/x", "https://sinergi.example/%09/elsewhere.example/x", "https://sinergi.example/%2F%2Felsewhere.example"] {
                let page = try await b.get("/imports/\(id)/lines/99999", headers: ["Host": "sinergi.example", "Referer": referer]).body.string
                #expect(page.contains("Kembali ke dasbor") && !page.contains("error-previous"), "\(referer)")
            }
            #expect(try await b.get("/imports/\(UUID())/lines/\(own.line)").status == .notFound)
            var items: [ImportsController.ItemDTO] = []
            for n in 1...5 {
                let res = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/reconciliation?state=matched&per=100&page=\(n)", headers: ["Authorization": "Bearer \(token)"])
                items += try decode(ImportsController.ReconciliationDTO.self, res).items ?? []
            }
            #expect(items.first { $0.line == through.line }?.linkedViaLine == own.line && items.first { $0.line == own.line }?.linkedViaLine == nil)
            #expect(items.first { $0.line == own.line }?.engineForeignerId == engines && items.first { $0.line == own.line }?.foreignerId == engines)
            // Turned down on the page, the row sends the reviewer to the line matched through it, to decide it too.
            // The page size chosen goes with the reviewer.
            let decided = try await b.post("/imports/\(id)/rows/\(own.id!)/decision", form: ["decision": "rejected", "back": "/imports/\(id)/rows?per=100&state=matched"])
            #expect(decided.headers.first(name: .location) == "/imports/\(id)/lines/\(through.line)?per=100", "\(decided.headers)")
            let landing = try #require(try await b.get("/imports/\(id)/lines/\(through.line)?per=100").headers.first(name: .location))
            let landed = try await b.get(String(landing.split(separator: "#")[0])).body.string
            #expect(landed.contains("Kecocokan baris \(own.line) ditolak. Baris \(through.line), yang dicocokkan lewat baris itu, kini ada di tab Perlu ditinjau; putuskan juga.") && landed.contains("id=\"row-\(through.line)\""))
            #expect(landing.contains("state=review"), "\(landing)")
            // Decided itself, the row no longer waits on the other.
            _ = try await b.post("/imports/\(id)/rows/\(through.id!)/decision", form: ["decision": "accepted", "back": "/imports/\(id)/rows?state=review"])
            let accepted = try await item(through.line), last = try await counts()
            #expect(accepted?.state == "matched" && last.review == before.review)
            // Whose match is held is the engine's person, whatever an officer chose for the row since: the row given the
            // person its other row was then given, and undone, is the engine's again, and waits for review.
            let chosenPerson: (UUID, UUID) async throws -> HTTPStatus = { row, person in
                try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(row)/decision", headers: h,
                                                    body: ByteBuffer(string: #"{"decision":"accepted","foreignerId":"\#(person)"}"#)).status
            }
            let riderChosen = try await chosenPerson(through.id!, someoneElse), headChosen = try await chosenPerson(own.id!, someoneElse)
            #expect(riderChosen == .ok && headChosen == .ok)
            #expect(try await item(through.line)?.held == false)   // decided: nothing held, as the API says
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(through.id!)/decision", headers: h, body: ByteBuffer(string: #"{"decision":"undo"}"#)).status == .ok)
            let undoneRider = try await item(through.line)
            #expect(undoneRider?.state == "review" && undoneRider?.held == true && undoneRider?.foreignerId == engines2, "\(String(describing: undoneRider))")
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(own.id!)/decision", headers: h, body: ByteBuffer(string: #"{"decision":"undo"}"#)).status == .ok)
            #expect(try await item(through.line)?.state == "matched")
            // Undone on the tab of rows not found, the row goes back to the engine's verdict and the reviewer follows it
            // there, on the page holding it, rather than staying on a tab it has left.
            let undone2 = try await b.post("/imports/\(id)/rows/\(own.id!)/decision", form: ["decision": "undo", "back": "/imports/\(id)/rows?per=10&state=unmatched"])
            #expect(undone2.headers.first(name: .location) == "/imports/\(id)/lines/\(own.line)?per=10", "\(undone2.headers)")
            let follow = try #require(try await b.get("/imports/\(id)/lines/\(own.line)?per=10").headers.first(name: .location))
            #expect(follow.contains("state=matched") && follow.hasSuffix("#row-\(own.line)"), "\(follow)")
            #expect(try await b.get(String(follow.split(separator: "#")[0])).body.string.contains("Keputusan atas baris \(own.line) dibatalkan."))
        }
    }

    /// A row the engine found no one for, or someone else for, is searched for in the registry on a page and matched by
    /// hand: the search starts from the row's name, finds the person by passport or by a name with a word misspelt, says
    /// which other lines are matched to each person found, and the decision is the review's own.
    @Test func anOfficerFindsAPersonForARowAndMatchesItByHand() async throws {
        try await withTestApp { app in
            let registry = try await loadFixtureRegistry(app)
            // The registry's name search reads its token index, which the fixture's rows are not in yet.
            for f in try await Foreigner.query(on: app.db).filter(\.$id ~~ Array(registry.keys)).all() {
                try await NameTokens.replace(f.id!, key: f.nameKey, names: f.fullName, on: app.db)
            }
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let csv = "family_name,given_names,sex,date_of_birth,nationality,passport_number\nKWON,SANG WOO,F,1967-11-26,KOR,M46911719\nDOE,JANE,F,1990-01-01,USA,X1234567\n"
            let res = try await postImport(app, token: token, kind: "residents", csv: Array(csv.utf8))
            #expect(res.status == .created)
            let id = try decode(ImportReply.self, res).id!
            _ = try await waitReconciled(app, token: token, id: id)
            let rows = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).sort(\.$line).all()
            let (kwon, doe) = (rows[0], rows[1])
            let person = try #require(registry.first { $0.value == "L503" }?.key)
            #expect(kwon.foreignerID == person && kwon.effectiveState == .matched && doe.foreignerID == nil && doe.effectiveState == .unmatched)
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            // The card of the row with no one offers the search; the page starts from the row's name and finds no one of
            // that name (at most people with names like it, said to be only alike).
            let unmatched = try await b.get("/imports/\(id)/rows?state=unmatched").body.string
            let linkPath = "/imports/\(id)/rows/\(doe.id!)/link"
            #expect(unmatched.contains("id=\"link-\(doe.line)\" href=\"\(linkPath)?back=") && unmatched.contains(">Cari orangnya di data imigrasi</a>"), "\(unmatched.suffix(1500))")
            let first = try await b.get(linkPath)
            #expect(first.status == .ok && first.body.string.contains("value=\"\(doe.name)\"") && (first.body.string.contains("id=\"link-none\"") || first.body.string.contains("id=\"link-loose\""))
                    && !first.body.string.contains("DOE</h2>") && !first.body.string.contains("id=\"link-count\""), "\(first.body.string.suffix(1200))")
            // The search is an address (GET, as the registry list's), so that Back and reload show it again without asking
            // to send a form; the review's place goes with it.
            #expect(first.body.string.contains("<form method=\"get\" action=\"\(linkPath)#link-results\" id=\"link-search\" novalidate>"), "\(first.body.string.suffix(1500))")
            func search(_ q: String, row: UUID? = nil) async throws -> String {
                let path = row.map { "/imports/\(id)/rows/\($0)/link" } ?? linkPath
                return try await b.get(path + "?q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "&back=%2Fimports%2F\(id)%2Frows%3Fstate%3Dunmatched").body.string
            }
            // By passport: the person, said to be matched already to line 2.
            let byPassport = try await search("M 4691 1719")
            #expect(byPassport.contains("<a href=\"/imports/\(id)/rows?state=unmatched#row-\(doe.line)\">"), "the place in the review is kept")
            // Chosen in one tap, a person matched to another line already, whose name differs, is asked about first; each
            // button names its person for a screen reader; the row's value stands beside a person's that is not the same.
            let proposedHere = byPassport.components(separatedBy: "id=\"candidate-\(person.uuidString)\"").dropFirst().first?.components(separatedBy: "</article>").first ?? ""
            #expect(proposedHere.contains("data-confirm=\"Periksa lagi: orang ini sudah dicocokkan dengan baris \(kwon.line) pada daftar ini; berbeda dengan baris ini: nama lengkap, tanggal lahir, nomor paspor, kewarganegaraan. Tetap cocokkan baris \(doe.line) dengan SANG WOO KWON?\"")
                    && proposedHere.contains("aria-label=\"Cocokkan baris \(doe.line) dengan orang ini: SANG WOO KWON, 26 Nov 1967, M46911719\""), "\(proposedHere)")
            #expect(proposedHere.contains("<dd>M46911719 · baris \(doe.line): X1234567</dd>") && proposedHere.contains("<p class=\"muted row-value\">baris \(doe.line): "), "\(proposedHere)")
            // The end of a passport number, as read off a copy, finds its person.
            let ending = try await search("46911719")
            #expect(ending.contains("id=\"candidate-\(person.uuidString)\"") && !ending.contains("id=\"link-none\""), "\(ending.suffix(1500))")
            // A name typed with a passport number: the person of that name with that number.
            let mixed = try await search("KWON M46911719")
            #expect(mixed.contains("id=\"candidate-\(person.uuidString)\"") && !mixed.contains("id=\"link-loose\""), "\(mixed.suffix(1500))")
            #expect(byPassport.contains("id=\"candidate-\(person.uuidString)\"") && byPassport.contains("Baris \(kwon.line) pada daftar ini sudah dicocokkan dengan orang ini."),
                    "\(byPassport.suffix(1500))")
            // A name with a word misspelt finds no one whole; each word alone finds the person and a namesake of theirs
            // (the registry holds two KWON SANG WOO), the most alike first, ahead of the other people named SANG WOO.
            let misspelt = try await search("KWON SANG WXX")
            let namesake = try #require(registry.first { $0.value == "L506" }?.key)
            let found = misspelt.components(separatedBy: "id=\"candidate-").dropFirst().map { part in
                (id: String(part.prefix(36)), name: part.components(separatedBy: "<h2>").dropFirst().first?.components(separatedBy: "<span").first?.components(separatedBy: "</h2>").first?.trimmingCharacters(in: .whitespaces) ?? "")
            }
            let alike = found.prefix { $0.name == "SANG WOO KWON" }
            #expect(Set(alike.map(\.id)).isSuperset(of: [person.uuidString, namesake.uuidString]) && !found.dropFirst(alike.count).contains { $0.name == "SANG WOO KWON" }
                    && found.count > alike.count, "\(found.map(\.name))")
            // What was typed is not in the trail; that people were looked at, for this row, is.
            // A German name as passports write it finds the registry's umlaut, and the other way round (here and on the
            // registry list): two people renamed for the test, their name tokens indexed again.
            let germans = try await Foreigner.query(on: app.db).filter(\.$id ~~ Array(registry.keys)).filter(\.$id != person).filter(\.$id != namesake).sort(\.$id).range(0..<2).all()
            for (f, family) in zip(germans, ["MÜLLER", "SCHROEDER"]) {
                f.familyName = family; f.givenNames = "HANS"; f.fullName = "HANS \(family)"
                let keys = ForeignerSummary.nameKeys(family: f.familyName, given: f.givenNames, full: f.fullName)
                f.searchName = keys.search; f.nameKey = keys.nameKey
                try await f.save(on: app.db)
                try await NameTokens.replace(f.id!, key: f.nameKey, names: f.fullName, on: app.db)
            }
            let mueller = try await search("HANS MUELLER"), schroder = try await search("Schröder")
            #expect(mueller.contains("id=\"candidate-\(germans[0].id!.uuidString)\"") && !mueller.contains("id=\"link-loose\""), "\(mueller.suffix(1200))")
            #expect(schroder.contains("id=\"candidate-\(germans[1].id!.uuidString)\"") && !schroder.contains("id=\"link-loose\""), "\(schroder.suffix(1200))")
            // On the registry list, a name with a passport number finds the person of that name with that number only.
            let kwonWithPassport = try await b.get("/foreigners?q=KWON+M46911719").body.string, kwonOther = try await b.get("/foreigners?q=KWON+M248060").body.string
            #expect(kwonWithPassport.contains(person.uuidString) && !kwonWithPassport.contains(namesake.uuidString), "\(kwonWithPassport.suffix(1200))")
            #expect(kwonOther.contains(namesake.uuidString) && !kwonOther.contains(person.uuidString))
            // A number typed in two parts is still found whole.
            let spaced = try await b.get("/foreigners?q=M+46911719").body.string
            #expect(spaced.contains(person.uuidString), "\(spaced.suffix(800))")
            let listed = try await b.get("/foreigners?q=MUELLER").body.string
            #expect(listed.contains(germans[0].id!.uuidString) && listed.contains("HANS MÜLLER"), "\(listed.suffix(1200))")
            // Each person's fields are marked as they compare with the row's: on the matched row's own page, the person the
            // engine proposed agrees in every field; the namesake in the name and nationality, not in sex, date or passport.
            let kwonPage = try await b.get("/imports/\(id)/rows/\(kwon.id!)/link").body.string
            func candidate(_ page: String, _ who: UUID) -> String {
                page.components(separatedBy: "id=\"candidate-\(who.uuidString)\"").dropFirst().first?.components(separatedBy: "</article>").first ?? ""
            }
            let proposed = candidate(kwonPage, person), other = candidate(kwonPage, namesake)
            #expect(proposed.contains("Diusulkan mesin untuk baris ini.") && proposed.components(separatedBy: "cmp-exact").count == 6 && !proposed.contains("cmp-0"), "\(proposed)")
            #expect(!proposed.contains("data-confirm") && other.contains("data-confirm"), "the person who agrees is chosen without a question; the namesake is not")
            #expect(other.contains("<h2>SANG WOO KWON <span class=\"cmp cmp-exact\">sama</span></h2>") && other.components(separatedBy: "cmp-0").count == 4, "\(other)")
            #expect(other.contains("<dt>Kewarganegaraan <span class=\"cmp cmp-exact\">sama</span></dt>") && other.contains("<dt>Jenis kelamin <span class=\"cmp cmp-0\">berbeda</span></dt>"), "\(other)")
            let trail = try await AuditEventRecord.query(on: app.db).filter(\.$action == "import.linkSearch").all()
            #expect(trail.filter { $0.objectID == doe.id!.uuidString }.count >= 2 && trail.allSatisfy { [doe.id!.uuidString, kwon.id!.uuidString].contains($0.objectID) && !$0.detail.contains("KWON") && !$0.detail.contains("4691") })
            // Chosen: the row is matched to the person by an officer, and the reviewer is taken to its card.
            let chose = try await b.post("/imports/\(id)/rows/\(doe.id!)/decision",
                                         form: ["decision": "accepted", "foreignerId": person.uuidString, "back": "/imports/\(id)/rows?state=unmatched"])
            // The row was the last card of its tab: the reviewer goes on to its own card, in the tab it moved to, not to an
            // empty page.
            #expect(chose.headers.first(name: .location) == "/imports/\(id)/lines/\(doe.line)", "\(chose.headers)")
            let linked = try #require(try await ImportRow.find(doe.id, on: app.db))
            #expect(linked.decision == "accepted" && linked.foreignerID == person && linked.effectiveState == .matched)
            let landed = try await b.get(try #require(try await b.get("/imports/\(id)/lines/\(doe.line)").headers.first(name: .location)).components(separatedBy: "#")[0]).body.string
            #expect(landed.contains("Baris \(doe.line) dicocokkan dengan orang yang Anda pilih."))
            // Searched again, the person chosen is said to be the row's, with nothing to choose; the others may be chosen.
            let again = try await search("M 4691 1719")
            let current = again.components(separatedBy: "id=\"candidate-\(person.uuidString)\"").dropFirst().first?.components(separatedBy: "</article>").first ?? ""
            #expect(current.contains("Baris ini kini dicocokkan dengan orang ini.") && !current.contains("<form"), "\(current)")
            // Both lines now stand matched to one person, neither through the other: each card says so and links the other.
            let both = landed.components(separatedBy: "<article").filter { $0.contains("same-person") }
            #expect(both.count == 2 && both.allSatisfy { $0.contains("Orang yang sama juga dicocokkan dengan, atau diusulkan mesin untuk, baris lain pada daftar ini.") }, "\(both.count)")
            #expect(both.contains { $0.contains("id=\"row-\(doe.line)\"") && $0.contains("href=\"#row-\(kwon.line)\"") })
            // Its card says an officer chose the person where the engine proposed no one.
            let matched = try await b.get(try #require(try await b.get("/imports/\(id)/lines/\(doe.line)").headers.first(name: .location)).components(separatedBy: "#")[0]).body.string
            #expect(matched.contains("Dipilih petugas; mesin tidak mengusulkan siapa pun") && matched.contains("<span class=\"probability\">Dipilih petugas</span>"))
            // Beside the person, the row's fields are marked as they compare, plainly, and said not to be the engine's.
            let card = matched.components(separatedBy: "id=\"row-\(doe.line)\"").dropFirst().first?.components(separatedBy: "</article>").first ?? ""
            #expect(card.contains("hand-marks") && card.contains("<tr class=\"is-0\"><th scope=\"row\">Nama lengkap <span class=\"cmp cmp-0\">berbeda</span></th>")
                    && card.contains("<tr class=\"is-exact\"><th scope=\"row\">Jenis kelamin <span class=\"cmp cmp-exact\">sama</span></th>") && !card.contains("class=\"why\""), "\(card)")
            // Chosen again on a page shown before that decision, the choice is refused: it is not overwritten.
            let stale = try await b.post("/imports/\(id)/rows/\(doe.id!)/decision", form: ["decision": "accepted", "foreignerId": namesake.uuidString, "was": "none"])
            #expect(stale.status == .conflict && stale.body.string.contains("<h1>Keputusan tidak disimpan</h1>")
                    && stale.body.string.contains("Baris \(doe.line) sudah diputuskan oleh Petugas Imigrasi Surabaya sejak halaman ini dibuka"), "\(stale.body.string.suffix(900))")
            // The same choice sent twice (a second tap) is what stands: no conflict.
            let twice = try await b.post("/imports/\(id)/rows/\(doe.id!)/decision", form: ["decision": "accepted", "foreignerId": person.uuidString, "was": "none"])
            #expect(twice.status == .seeOther || twice.status == .found || twice.status == .ok, "\(twice.status)")
            // So is one from a page showing the row matched to another person than the one chosen since.
            let otherPerson = try await b.post("/imports/\(id)/rows/\(doe.id!)/decision", form: ["decision": "accepted", "foreignerId": namesake.uuidString, "was": "accepted:\(namesake.uuidString)"])
            #expect(otherPerson.status == .conflict && linked.decisionStamp == "accepted:\(person.uuidString)")
            // The page leads to the row's card, where that decision is shown.
            #expect(stale.body.string.contains("<a class=\"button\" href=\"/imports/\(id)/lines/\(doe.line)\" id=\"error-next\">Lihat baris\u{00A0}\(doe.line)</a>"), "\(stale.body.string.suffix(800))")
            // An officer of another office learns nothing of the row, not even that it was decided.
            let jaksel = Browser(app)
            try await jaksel.login("officer.jaksel@demo.sinergi.id")
            #expect(try await jaksel.post("/imports/\(id)/rows/\(doe.id!)/decision", form: ["decision": "rejected", "was": "none"]).status == .notFound)
            #expect(try await ImportRow.find(doe.id, on: app.db)?.foreignerID == person)
            // Nothing searchable typed finds no one, not everyone.
            let nothing = try await search("%")
            #expect(nothing.contains("id=\"link-none\"") && !nothing.contains("candidate-"))
            // Someone the officer cannot see is not theirs to choose; agency members have no such page.
            #expect(try await b.post("/imports/\(id)/rows/\(kwon.id!)/decision", form: ["decision": "accepted", "foreignerId": UUID().uuidString]).status == .notFound)
            let agency = Browser(app)
            try await agency.login("agency@demo.sinergi.id")
            let agencyLink = try await agency.get(linkPath).status, agencySearch = try await agency.get(linkPath + "?q=KWON").status
            #expect(agencyLink == .notFound && agencySearch == .notFound, "another's import is not there for them")
        }
    }

    @Test func agencyMembersSeeCountsOnlyAndOthersSeeNothing() async throws {
        try await withTestApp { app in
            _ = try await loadFixtureRegistry(app)
            let agency = try await apiToken(app, "agency@demo.sinergi.id")
            let csv = Array("family_name,given_names,date_of_birth,nationality,passport_number\nWANG,BIN,1959-09-04,TWN,390830166\nDOE,JANE,1990-01-01,USA,X1234567\n".utf8)
            let res = try await postImport(app, token: agency, kind: "persons-checked", csv: csv)
            #expect(res.status == .created)
            let id = try decode(ImportReply.self, res).id!
            _ = try await waitReconciled(app, token: agency, id: id)
            let rec = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/reconciliation", headers: bearer(agency))
            #expect(rec.status == .ok)
            let counts = try decode(ReconciliationReply.self, rec)
            #expect(counts.items == nil && counts.matched + counts.review + counts.unmatched == 2)
            #expect(!rec.body.string.contains("WANG") && !rec.body.string.contains("390830166") && !rec.body.string.contains("foreignerId"))
            let list = try await app.testing().sendRequest(.GET, "/api/v1/imports", headers: bearer(agency))
            #expect(list.status == .ok && !list.body.string.contains("WANG"))
            // Agency members cannot decide.
            var h = bearer(agency); h.contentType = .json
            let row = try await ImportRow.query(on: app.db).first()!
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(row.id!)/decision", headers: h, body: ByteBuffer(string: #"{"decision":"rejected"}"#)).status == .forbidden)
            // Nor open the review's pages of their own list (403), while another's list is not there for them (404), as its
            // summary page is not: an import of the office.
            let member = Browser(app)
            try await member.login("agency@demo.sinergi.id")
            let ownRows = try await member.get("/imports/\(id)/rows").status, ownLink = try await member.get("/imports/\(id)/rows/\(row.id!)/link").status
            #expect(ownRows == .forbidden && ownLink == .forbidden)
            let office = try await postImport(app, token: try await apiToken(app, "officer@demo.sinergi.id"), kind: "residents", csv: csv)
            let officeID = try decode(ImportReply.self, office).id!
            let summary = try await member.get("/imports/\(officeID)").status, rows = try await member.get("/imports/\(officeID)/rows").status
            let line = try await member.get("/imports/\(officeID)/lines/1").status
            #expect(summary == .notFound && rows == .notFound && line == .notFound)

            // The Surabaya officer sees the Mojokerto agency's import; Jakarta Selatan's does not; sponsors and admins are refused.
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            let full = try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)/reconciliation", headers: bearer(officer))
            #expect(full.status == .ok && full.body.string.contains("WANG"))
            // The officer's pages name the agency that sent the list, not only its file name.
            let agencyName = try #require(try await AgencyImport.find(id, on: app.db)?.$agency.get(on: app.db)?.name)
            let pages = Browser(app)
            try await pages.login("officer@demo.sinergi.id")
            #expect(try await pages.get("/imports").body.string.contains(agencyName))
            #expect(try await pages.get("/imports/\(id)").body.string.contains("<dd id=\"import-source\">\(agencyName)</dd>"))
            let jaksel = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            for path in ["/api/v1/imports/\(id)", "/api/v1/imports/\(id)/reconciliation"] {
                #expect(try await app.testing().sendRequest(.GET, path, headers: bearer(jaksel)).status == .notFound)
            }
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/imports", headers: bearer(jaksel)).body.string.contains(id.uuidString) == false)
            // Nor can Jakarta Selatan's officer decide on its rows: the import does not exist for him.
            var jh = bearer(jaksel); jh.contentType = .json
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/imports/\(id)/rows/\(row.id!)/decision", headers: jh, body: ByteBuffer(string: #"{"decision":"rejected"}"#)).status == .notFound)
            #expect(try await ImportRow.find(row.id, on: app.db)?.decision == nil)
            for email in ["sponsor@demo.sinergi.id", "admin@demo.sinergi.id"] {
                let t = try await apiToken(app, email)
                #expect(try await app.testing().sendRequest(.GET, "/api/v1/imports/\(id)", headers: bearer(t)).status == .forbidden)
                #expect(try await postImport(app, token: t, kind: "residents", csv: csv).status == .forbidden)
            }
            #expect(try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id != officeID).count() == 2)
        }
    }

    @Test func companiesAreReconciledByNPWPAndNameVariants() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            let s = try await Sponsor.query(on: app.db).filter(\.$kind == "company").filter(\.$regencyCode == "35.16").sort(\.$name).first()!
            try await sql.raw("UPDATE sponsors SET npwp = '012345678901234' WHERE id = \(bind: s.id!)").run()
            let core = Reconciler.companyKey(s.name)
            let token = try await apiToken(app, "agency@demo.sinergi.id")
            let csv = "nama_perusahaan;npwp;alamat\n\"\(core), PT\";;Ngoro\nSOMETHING ELSE;01.234.567.8-901.234;Ngoro\nTOTALLY UNKNOWN TRADING;;Ngoro\n"
            let res = try await postImport(app, token: token, kind: "companies", csv: Array(csv.utf8))
            #expect(res.status == .created, "\(res.body.string)")
            let id = try decode(ImportReply.self, res).id!
            let done = try await waitReconciled(app, token: token, id: id)
            #expect(done.matched == 2 && done.unmatched == 1)
            let rows = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).sort(\.$line).all()
            #expect(rows[0].sponsorID == s.id && rows[1].sponsorID == s.id && rows[2].sponsorID == nil)
        }
    }
}

@Suite struct ImportPageTests {
    func upload(_ browser: Browser, kind: String, fileName: String, csv: String) async throws -> TestingHTTPResponse {
        try await upload(browser, kind: kind, fileName: fileName, bytes: Array(csv.utf8))
    }

    func upload(_ browser: Browser, kind: String, fileName: String, bytes: [UInt8]) async throws -> TestingHTTPResponse {
        let boundary = "----sinergi-page-test"
        var body = ""
        for (k, v) in [("_csrf", browser.cookies[CSRFMiddleware.cookieName] ?? ""), ("kind", kind)] {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n"
        var h = browser.cookieHeader
        h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        let res = try await browser.app.testing().sendRequest(.POST, "/imports/upload", headers: h,
                                                              body: ByteBuffer(bytes: Array(body.utf8) + bytes + Array("\r\n--\(boundary)--\r\n".utf8)))
        browser.absorb(res)
        return res
    }

    /// A file that is not a CSV at all — a workbook, a picture — is named as what it
    /// is, in the page's language, with what to do; a CSV without a name column lists the headings to use (Indonesian
    /// ones among them) and the file's own, without English joining words; a company list asks for the company's name.
    /// The upload page describes a company list's columns as a company's.
    @Test func aFileThatIsNotACSVIsNamedAsWhatItIs() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let cases: [(kind: String, name: String, bytes: [UInt8], says: String)] = [
                ("persons-checked", "daftar.xlsx", [0x50, 0x4B, 0x03, 0x04] + Array("xl/workbook.xml".utf8), "Berkas ini lembar kerja (Excel atau sejenisnya), bukan CSV."),
                ("persons-checked", "foto.csv", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D], "Berkas ini bukan CSV (isinya bukan teks"),
                ("persons-checked", "judul.csv", Array("No;Pekerja;Paspor;Negara\n1;BIN WANG;390830166;TWN\n".utf8),
                 "Tidak ada kolom nama. Beri judul kolom nama salah satu dari: full_name, name, nama, nama_lengkap, fullname, nama_tka (atau dua kolom: nama_keluarga dan nama_depan). Judul kolom berkas ini: No, Pekerja, Paspor, Negara."),
                ("companies", "pt.csv", Array("No;Badan Usaha\n1;PT MAJU\n".utf8), "Tidak ada kolom nama perusahaan. Beri judul kolom itu salah satu dari: name, company,"),
            ]
            for c in cases {
                let res = try await upload(b, kind: c.kind, fileName: c.name, bytes: c.bytes)
                let page = res.status == .seeOther ? try await b.get(res.headers.first(name: .location) ?? "") : res
                #expect(page.body.string.contains(c.says), "\(c.name)")
                // The page without its random form tokens, which may hold "PNG".
                let text = page.body.string.replacingOccurrences(of: #"value="[A-Za-z0-9_-]{20,}""#, with: "", options: .regularExpression)
                #expect(!text.contains(" or ") && !text.contains("PNG"), "\(c.name)")
            }
            #expect(try await AgencyImport.query(on: app.db).count() == 0)
            let form = try await b.get("/imports/new").body.string
            let companies = try #require(form.components(separatedBy: "id=\"columns-companies\"").last)
            #expect(companies.contains("Nama perusahaan") && companies.contains("Nama badan usaha") && !companies.contains("paspor"))
        }
    }

    /// Excel's "Unicode Text" — UTF-16, little-endian with its byte-order mark, tab-separated — is read as the list it
    /// is, letters beyond ASCII and all, and the preview names it; so is UTF-16 big-endian without a mark, posted to the
    /// API with its charset.
    @Test func excelsUnicodeTextIsRead() async throws {
        try await withTestApp { app in
            func utf16(_ s: String, littleEndian: Bool, mark: Bool) -> [UInt8] {
                ((mark ? [UInt16(0xFEFF)] : []) + Array(s.utf16))
                    .flatMap { u -> [UInt8] in littleEndian ? [UInt8(u & 0xFF), UInt8(u >> 8)] : [UInt8(u >> 8), UInt8(u & 0xFF)] }
            }
            let text = "Nama\tKewarganegaraan\tTanggal Lahir\tNo Paspor\r\nMÜLLER HANS\tJerman\t29/02/1980\tC01X00T47\r\n"
                + "NGUYỄN THỊ LAN\tVietnam\t01/07/1975\tC7654321\r\nИВАНОВ ИВАН\tRusia\t12/03/1988\t751234567\r\n"
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let up = try await upload(b, kind: "persons-checked", fileName: "daftar.txt", bytes: utf16(text, littleEndian: true, mark: true))
            #expect(up.status == .seeOther)
            let location = up.headers.first(name: .location) ?? ""
            let preview = try await b.get(location).body.string
            #expect(preview.contains("MÜLLER HANS") && preview.contains("NGUYỄN THỊ LAN") && preview.contains("ИВАНОВ ИВАН"))
            #expect(preview.contains("Pengodean: UTF-16") && preview.contains("Pemisah: tab"))
            #expect(preview.contains("29 Feb 1980") && preview.contains("C01X00T47"))
            let token = String(location.dropFirst("/imports/preview/".count))
            let done = try await b.post("/imports/confirm", form: ["token": token])
            #expect(done.status == .seeOther)
            let rows = try await ImportRow.query(on: app.db).sort(\.$line).all()
            #expect(rows.map(\.name) == ["MÜLLER HANS", "NGUYỄN THỊ LAN", "ИВАНОВ ИВАН"])
            #expect(rows.map(\.nationality) == ["DEU", "VNM", "RUS"] && rows.first?.dateOfBirth == "1980-02-29")
            await app.importJobs.drain()

            let token2 = try await apiToken(app, "agency@demo.sinergi.id")
            let res = try await postImport(app, token: token2, kind: "foreign-workers", csv: utf16(text, littleEndian: false, mark: false), charset: "utf-16")
            #expect(res.status == .created)
            #expect(try decode(ImportReply.self, res).rows == 3)
            #expect(try await ImportRow.query(on: app.db).filter(\.$name == "ИВАНОВ ИВАН").count() == 2)
            // UTF-16 says what it is: a charset of Windows-1252 given for it does not garble it.
            let declared = try await postImport(app, token: token2, kind: "residents", csv: utf16(text, littleEndian: true, mark: true), charset: "windows-1252")
            #expect(declared.status == .created)
            #expect(try await ImportRow.query(on: app.db).filter(\.$name == "MÜLLER HANS").count() == 3)
        }
    }

    /// A birth date kept in three columns (a form's drop-downs: year, month, day) is one date: read from its parts
    /// when no column holds the whole date, offered as one choice on the preview, remembered for the next list. The
    /// day's column `Tanggal Lahir`, which alone names a whole date, is not taken for the date.
    @Test func aBirthDateInThreeColumnsIsOneDate() async throws {
        let header = ["Nama", "Tahun Lahir", "Bulan Lahir", "Tanggal Lahir", "No Paspor"]
        let split = ImportParser.resolve(header: header, kind: .residents, saved: [:])
        #expect(split.mapping == ["name": 0, "passport_number": 4] && split.dateParts == [1, 2, 3])
        #expect(ImportParser.resolve(header: ["Name", "Birth Year", "Birth Month", "Birth Day"], kind: .residents, saved: [:]).dateParts == [1, 2, 3])
        // A column with the whole date, the date left out, or a part chosen by hand: no parts.
        let whole = ImportParser.resolve(header: header + ["Date of Birth"], kind: .residents, saved: [:])
        #expect(whole.mapping["date_of_birth"] == 5 && whole.dateParts == nil)
        let off = ImportParser.resolve(header: header, kind: .residents, saved: ["date_of_birth": ""])
        #expect(off.mapping["date_of_birth"] == nil && off.dateParts == nil)
        let chosen = ImportParser.resolve(header: header, kind: .residents, saved: ["date_of_birth": "Tanggal Lahir"])
        #expect(chosen.mapping["date_of_birth"] == 3 && chosen.dateParts == nil)
        // Remembered from an earlier list, where `Tanggal Lahir` held the whole date: here it is the day, and the parts
        // are the date; the parts remembered are the parts again.
        let remembered = ImportParser.resolve(header: header, kind: .residents, saved: ["date_of_birth": "Tanggal Lahir"], remembered: true)
        #expect(remembered.mapping["date_of_birth"] == nil && remembered.dateParts == [1, 2, 3])
        #expect(ImportParser.resolve(header: header, kind: .residents, saved: ["date_of_birth": "Tahun Lahir+Bulan Lahir+Tanggal Lahir"],
                                     remembered: true).dateParts == [1, 2, 3])
        let rememberedWhole = ImportParser.resolve(header: header + ["Date of Birth"], kind: .residents, saved: ["date_of_birth": "Tanggal Lahir"], remembered: true)
        #expect(rememberedWhole.mapping["date_of_birth"] == 5 && rememberedWhole.dateParts == nil)
        // The year alone is no date of birth; a company list has none.
        #expect(ImportParser.resolve(header: ["Nama", "Tahun Lahir"], kind: .residents, saved: [:]).dateParts == nil)
        #expect(ImportParser.resolve(header: header, kind: .companies, saved: [:]).dateParts == nil)

        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let csv = "Nama;Tahun Lahir;Bulan Lahir;Tanggal Lahir;No Paspor\nBIN WANG;1959;9;4;390830166\nJANE DOE;1990;Juli;1;X1234567\nLEE MIN;1985;2;30;M12345678\n"
            let up = try await upload(b, kind: "persons-checked", fileName: "formulir.csv", csv: csv)
            let location = up.headers.first(name: .location) ?? ""
            let preview = try await b.get(location).body.string
            #expect(preview.contains("4 Sep 1959") && preview.contains("1 Jul 1990"))
            // The parts are one choice of the date's column, and chosen.
            #expect(preview.contains("<option value=\"Tahun Lahir+Bulan Lahir+Tanggal Lahir\" selected>Tahun Lahir + Bulan Lahir + Tanggal Lahir</option>"))
            // 30 February is named as a day out of the calendar, written as one date.
            #expect(preview.contains("Tanggal lahir &quot;30 Feb 1985&quot;: tanggal itu tidak ada di kalender"))
            // The confirm form sends the mapping the preview shows, the parts as one heading.
            #expect(preview.contains("<input type=\"hidden\" name=\"map.date_of_birth\" value=\"Tahun Lahir+Bulan Lahir+Tanggal Lahir\">"))
            let token = String(location.dropFirst("/imports/preview/".count))
            let done = try await b.post("/imports/confirm", form: ["token": token, "badFields": "setAside", "map.name": "Nama",
                                                                  "map.date_of_birth": "Tahun Lahir+Bulan Lahir+Tanggal Lahir", "map.passport_number": "No Paspor"])
            #expect(done.status == .seeOther)
            let rows = try await ImportRow.query(on: app.db).sort(\.$line).all()
            #expect(rows.map(\.dateOfBirth) == ["1959-09-04", "1990-07-01", nil])
            let owner = try #require(try await ImportMapping.query(on: app.db).filter(\.$kind == "persons-checked").first()).ownerKey
            let saved = try await ImportService.savedMapping(owner, .personsChecked, db: app.db)
            #expect(saved["date_of_birth"] == "Tahun Lahir+Bulan Lahir+Tanggal Lahir")
            await app.importJobs.drain()
            // The next list of the same shape, with a whole date in `Tanggal Lahir` beside year and month derived from it,
            // through the API with the remembered mapping: every date read.
            let api = try await apiToken(app, "officer@demo.sinergi.id")
            let next = "Nama;Tahun Lahir;Bulan Lahir;Tanggal Lahir;No Paspor\nPARK JI;1971;3;14/03/1971;M22334455\nKIM SU;1980;12;1980-12-01;M55443322\n"
            let res = try await postImport(app, token: api, kind: "persons-checked", csv: Array(next.utf8))
            #expect(res.status == .created, "\(res.body.string)")
            #expect(try await ImportRow.query(on: app.db).filter(\.$name ~~ ["PARK JI", "KIM SU"]).sort(\.$line).all().map(\.dateOfBirth) == ["1971-03-14", "1980-12-01"])
        }
    }

    /// A list whose headers the import does not know (a Korean company's, in Excel's "Unicode Text" without its mark):
    /// the preview says that no name column was found and offers the mapping, so the names' column is chosen on the
    /// page; chosen, the rows are read, and the mapping chosen goes with the confirmation.
    @Test func aNameColumnNotRecognisedIsChosenOnThePage() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let text = "이름\t국가\t생년월일\t여권번호\r\nKIM MIN JUN\tKOR\t1985-03-02\tM12345678\r\nPARK SEO YEON\tKOR\t1990-11-23\tM87654321\r\n"
            let bytes = Array(text.utf16).flatMap { u -> [UInt8] in [UInt8(u & 0xFF), UInt8(u >> 8)] }
            let up = try await upload(b, kind: "persons-checked", fileName: "daftar.txt", bytes: bytes)
            let location = try #require(up.headers.first(name: .location))
            let unmapped = try await b.get(location)
            #expect(unmapped.status == .unprocessableEntity)
            let page = unmapped.body.string
            #expect(page.contains("Tidak ada kolom nama") && page.contains("id=\"mapping-form\""))
            #expect(page.contains("<option value=\"이름\">이름</option>") && page.contains("pilih di bawah kolom yang berisi nama"))
            let query = ["map.name": "이름", "map.nationality": "국가", "map.date_of_birth": "생년월일", "map.passport_number": "여권번호"]
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
            // A heading that is not in the file (a link kept from another list): said, with the mapping again.
            let stale = try await b.get(location + "?map.name=Nama")
            #expect(stale.status == .unprocessableEntity)
            #expect(stale.body.string.contains("id=\"mapping-form\"") && stale.body.string.contains("“Nama” yang dipilih untuk Nama lengkap tidak ada di berkas ini"))
            let mapped = try await b.get(location + "?" + query)
            #expect(mapped.status == .ok, "\(mapped.body.string)")
            let preview = mapped.body.string
            #expect(preview.contains("KIM MIN JUN") && preview.contains("2 Mar 1985") && preview.contains("id=\"import-valid\""))
            #expect(preview.contains("<input type=\"hidden\" name=\"map.name\" value=\"이름\">"))
            await app.importJobs.drain()

            // Through the API: the columns chosen by `map.*` parameters; a heading not in the file is named, not passed over.
            let api = try await apiToken(app, "officer@demo.sinergi.id")
            func encoded(_ v: String) -> String { v.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            let other = "이름,국가,여권번호\nCHOI YU NA,KOR,M99887766\n"
            let wrong = try await postImport(app, token: api, kind: "persons-checked", csv: Array(other.utf8), extraQuery: "&map.name=\(encoded("성명"))")
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("v.import.noSuchColumn") && wrong.body.string.contains("성명"), "\(wrong.body.string)")
            let res = try await postImport(app, token: api, kind: "persons-checked", csv: Array(other.utf8),
                                           extraQuery: "&map.name=\(encoded("이름"))&map.nationality=\(encoded("국가"))&map.passport_number=\(encoded("여권번호"))")
            #expect(res.status == .created, "\(res.body.string)")
            let row = try #require(try await ImportRow.query(on: app.db).filter(\.$name == "CHOI YU NA").first())
            #expect(row.nationality == "KOR" && row.passportNumber == "M99887766")
        }
    }

    /// The page states the limit before anything is sent; a file past it is refused in the user's language, beside
    /// the field while the body is within the form's room, and naming the limit past that, before it is all read.
    @Test func aFileOverTheLimitIsRefusedNamingTheLimit() async throws {
        try await withTestApp(extra: ["SINERGI_MAX_UPLOAD_MB": "1"]) { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let form = try await b.get("/imports/new").body.string
            #expect(form.contains("data-max-bytes=\"1048576\"") && form.contains("paling besar 1 MB"))
            #expect(form.contains(ValidationFailure("v.fileTooLarge", field: "file", "1 MB").message(.id)) && form.contains("lebih besar dari batas 1 MB."))
            let line = "nama;paspor;kewarganegaraan\nBIN WANG;390830166;TWN\n"
            let over = String(repeating: line, count: 1_200_000 / line.utf8.count)
            let field = try await upload(b, kind: "foreign-workers", fileName: "besar.csv", csv: over)
            #expect(field.status == .unprocessableEntity)
            #expect(field.body.string.contains("Berkas: lebih besar dari batas 1 MB."))
            let far = String(repeating: line, count: 2_200_000 / line.utf8.count)
            let page = try await upload(b, kind: "foreign-workers", fileName: "besar.csv", csv: far)
            #expect(page.status == .payloadTooLarge)
            #expect(page.body.string.contains("Data yang dikirim terlalu besar: batasnya 1 MB."))
            #expect(try await AgencyImport.query(on: app.db).count() == 0)
        }
    }

    @Test func uploadPreviewMappingImportAndReview() async throws {
        try await withTestApp { app in
            _ = try await loadFixtureRegistry(app)
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            #expect(try await b.get("/imports/new").status == .ok)
            // A column the header names do not reveal ("paspor_ln") is mapped by hand on the preview.
            let csv = "nama;paspor_ln;kewarganegaraan;tgl_lahir\nBIN WANG;390830166;TWN;04/09/1959\nJANE DOE;X1234567;USA;01/01/1990\n"
            let up = try await upload(b, kind: "persons-checked", fileName: "razia-ngoro.csv", csv: csv)
            #expect(up.status == .seeOther)
            let location = up.headers.first(name: .location) ?? ""
            #expect(location.hasPrefix("/imports/preview/"))
            var preview = try await b.get(location)
            #expect(preview.status == .ok)
            #expect(preview.body.string.contains("BIN WANG") && preview.body.string.contains("confirm-import"))
            #expect(try await AgencyImport.query(on: app.db).count() == 0)   // nothing stored by a preview
            preview = try await b.get(location + "?map.passport_number=paspor_ln&map.name=nama&map.nationality=kewarganegaraan&map.date_of_birth=tgl_lahir")
            #expect(preview.body.string.contains("390830166"))
            // Dates as people read them, each value labelled for a phone's stacked rows.
            #expect(preview.body.string.contains("4 Sep 1959") && !preview.body.string.contains("1959-09-04"))
            #expect(preview.body.string.contains("<td data-label=\"Nomor paspor\">390830166</td>"))
            let token = String(location.dropFirst("/imports/preview/".count))
            let done = try await b.post("/imports/confirm", form: ["token": token, "map.name": "nama", "map.passport_number": "paspor_ln",
                                                                  "map.nationality": "kewarganegaraan", "map.date_of_birth": "tgl_lahir"])
            #expect(done.status == .seeOther)
            let page = done.headers.first(name: .location) ?? ""
            #expect(page.hasPrefix("/imports/"))
            let id = UUID(uuidString: String(page.dropFirst("/imports/".count)))!
            let row = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).sort(\.$line).first()!
            #expect(row.passportNumber == "390830166" && row.dateOfBirth == "1959-09-04")
            await app.importJobs.drain()
            let show = try await b.get(page)
            #expect(show.status == .ok && show.body.string.contains("count-matched"))
            let matched = try await b.get(page + "/rows?state=matched")
            #expect(matched.body.string.contains("BIN WANG") && matched.body.string.contains("data-decision=\"rejected\""))
            // The probability in words, by the reconciliation's bands.
            #expect(matched.body.string.contains("\u{00A0}% · hampir pasti orang yang sama</span>"))
            let decided = try await b.post(page + "/rows/\(row.id!)/decision", form: ["decision": "rejected", "back": page + "/rows?state=matched", "next": "7"])
            #expect(decided.status == .seeOther)
            // Turned down, the row leaves the matched list: back at the card after it.
            #expect(decided.headers.first(name: .location) == page + "/rows?state=matched#row-7")
            // Undone from the unmatched list, it leaves that one too, and the reviewer follows it to its tab and page (the
            // tab left may be empty now); decided again there, it stays: back at the row.
            #expect(try await b.post(page + "/rows/\(row.id!)/decision", form: ["decision": "undo", "back": page + "/rows?state=unmatched"])
                .headers.first(name: .location) == page + "/lines/\(row.line)")
            #expect(try await b.post(page + "/rows/\(row.id!)/decision", form: ["decision": "rejected", "back": page + "/rows?state=unmatched", "next": "7"])
                .headers.first(name: .location) == page + "/rows?state=unmatched#row-\(row.line)")
            #expect(try await ImportRow.find(row.id, on: app.db)?.decision == "rejected")
            // The tabs count their rows: the one turned down is now among the unmatched.
            let counts = try await Reconciler.counts(id, db: app.db)
            let tabs = try await b.get(page + "/rows?state=review").body.string
            #expect(tabs.contains("<span class=\"count\">(\(counts.unmatched))</span>") && tabs.contains("<span class=\"count\">(\(counts.matched))</span>"))
            // The confirmation names the row (a flash with an argument), shown once.
            #expect(tabs.contains("Kecocokan baris \(row.line) ditolak."))
            let officer = try #require(try await User.query(on: app.db).filter(\.$email == "officer@demo.sinergi.id").first())
            let unmatchedPage = try await b.get(page + "/rows?state=unmatched").body.string
            #expect(unmatchedPage.contains("Ditolak petugas · \(officer.displayName) · ") && !unmatchedPage.contains("Kecocokan baris"))
            // A forged confirmation with text of its own is not shown.
            b.cookies[Flash.cookie] = "flash.import.rejected~<b>x</b>"
            #expect(!(try await b.get(page + "/rows?state=unmatched").body.string.contains("Kecocokan baris")))
            // Without the CSRF token: refused, unchanged.
            #expect(try await b.post(page + "/rows/\(row.id!)/decision", form: ["decision": "undo"], csrf: false).status == .forbidden)
            #expect(try await ImportRow.find(row.id, on: app.db)?.decision == "rejected")
            // The same file again leads to the earlier import.
            let again = try await upload(b, kind: "persons-checked", fileName: "razia-ngoro.csv", csv: csv)
            let token2 = String((again.headers.first(name: .location) ?? "").dropFirst("/imports/preview/".count))
            // Its preview says so at once, and not that it would replace the list it is.
            let samePreview = try await b.get(again.headers.first(name: .location) ?? "").body.string
            #expect(samePreview.contains("id=\"import-before\">Berkas yang sama persis sudah diimpor ") && !samePreview.contains("import-replaces"))
            let dup = try await b.post("/imports/confirm", form: ["token": token2, "map.name": "nama", "map.passport_number": "paspor_ln",
                                                                 "map.nationality": "kewarganegaraan", "map.date_of_birth": "tgl_lahir"])
            #expect(dup.headers.first(name: .location) == page + "?duplicate=1")
            // Another user cannot use this user's staged upload.
            let other = Browser(app)
            try await other.login("supervisor@demo.sinergi.id")
            let third = try await upload(b, kind: "persons-checked", fileName: "x.csv", csv: "name\nA B\n")
            #expect(try await other.get(third.headers.first(name: .location) ?? "").status == .notFound)
            // A new list of the kind already imported says, before it is imported, that it replaces the earlier one in
            // the discrepancy reports; a list of another kind does not.
            let replacing = try await b.get(third.headers.first(name: .location) ?? "").body.string
            #expect(replacing.contains("id=\"import-replaces\">Daftar ini menggantikan daftar “Orang yang diperiksa (Polri/Satpol PP)” yang diimpor "))
            #expect(replacing.contains("(2 baris)"))
            let otherKind = try await upload(b, kind: "foreign-workers", fileName: "x.csv", csv: "name\nA B\n")
            #expect(!(try await b.get(otherKind.headers.first(name: .location) ?? "").body.string.contains("import-replaces")))
            #expect(try await b.get("/imports/new").body.string.contains("Daftar baru menggantikan daftar jenis yang sama"))
        }
    }

    /// The review page sets the list's record beside the registry's, a field to a line, and says in words which fields
    /// differ: a reviewer on a phone compares across a line instead of between two stacked lists.
    @Test func theReviewPageSetsTheRecordsSideBySideAndMarksWhatDiffers() async throws {
        try await withTestApp { app in
            _ = try await loadFixtureRegistry(app)
            // BIN WANG as registered, born a day later by this list, and with an employer the registry does not hold.
            let csv = Array("name,passport_number,nationality,date_of_birth,employer\nBIN WANG,390830166,TWN,1959-09-05,PT MAJU\n".utf8)
            let up = try decode(ImportReply.self, try await postImport(app, token: try await apiToken(app, "officer@demo.sinergi.id"), kind: "persons-checked", csv: csv))
            let id = try #require(up.id)
            await app.importJobs.drain()
            let row = try #require(try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).first())
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/imports/\(id)/rows?state=\(row.effectiveState.rawValue)").body.string
            let card = try #require(page.components(separatedBy: "id=\"row-\(row.line)\"").dropFirst().first)
            #expect(card.contains("<table class=\"compare\">"))
            func line(_ label: String) -> String? { card.components(separatedBy: "<tr class=").first { $0.contains("<th scope=\"row\">\(label)") } }
            // Name, passport and nationality the same; the date similar (one digit apart), in words and in colour.
            #expect(line("Nama lengkap")?.hasPrefix("\"is-exact\"") == true && line("Nama lengkap")?.contains(">sama</span>") == true)
            // Each cell labelled by its own column (a row's heading takes a column too).
            #expect(line("Nomor paspor")?.contains("<td data-label=\"Data instansi\">390830166</td><td data-label=\"Data imigrasi\">390830166</td>") == true)
            let date = try #require(line("Tanggal lahir"))
            #expect(date.hasPrefix("\"is-1\"") && date.contains(">mirip</span>") && date.contains("5 Sep 1959") && date.contains("4 Sep 1959"))
            // The employer only the list gives: on its own line, "–" opposite, not compared.
            let employer = try #require(line("Perusahaan / pemberi kerja"))
            #expect(employer.hasPrefix("\"\"") && employer.contains(">PT MAJU</td><td data-label=\"Data imigrasi\">–</td>"))
        }
    }

    /// The list's employer is compared with the registry's sponsor as one of the engine's fields: the same company
    /// counts for the pair, another against it (weights learnt on a list of 480 rows).
    @Test func theEmployerIsOneOfTheFieldsCompared() async throws {
        try await withTestApp { app in
            let registry = try await loadFixtureRegistry(app)
            let sql = app.db as! any SQLDatabase
            // Each registered person works for one of the demo's companies; the list writes the company of its person's
            // record, or for every tenth row another company.
            let sponsors = try await Sponsor.query(on: app.db).sort(\.$name).all()
            #expect(sponsors.count >= 3)
            var sponsorOf: [String: String] = [:]
            for (n, (id, fixture)) in registry.sorted(by: { $0.value < $1.value }).enumerated() {
                let s = sponsors[n % sponsors.count]
                sponsorOf[fixture] = s.name
                try await sql.raw("UPDATE foreigners SET sponsor_id = \(bind: s.id!) WHERE id = \(bind: id)").run()
            }
            let truth = try String(contentsOfFile: fixtureCSV("truth"), encoding: .utf8).split(separator: "\n").dropFirst()
                .map { $0.split(separator: ",").map(String.init) }
            let partner = Dictionary(truth.map { ($0[1], $0[0]) }, uniquingKeysWith: { a, _ in a })
            var lines = try String(contentsOfFile: fixtureCSV("right"), encoding: .utf8).split(separator: "\n").map(String.init)
            lines[0] += ",perusahaan"
            for k in 1..<lines.count {
                let id = String(lines[k].prefix { $0 != "," })
                lines[k] += "," + (k % 10 == 0 ? "PT LAIN SEKALI" : partner[id].flatMap { sponsorOf[$0] } ?? sponsors[k % sponsors.count].name)
            }
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            let up = try decode(ImportReply.self, try await postImport(app, token: token, kind: "residents", csv: Array(lines.joined(separator: "\n").utf8)))
            let id = try #require(up.id)
            #expect(try await waitReconciled(app, token: token, id: id).rows == 480)
            let contributions = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).all().compactMap { r in
                r.explanation.flatMap { try? JSONDecoder().decode([Reconciler.Contribution].self, from: Data($0.utf8)) }?.first { $0.field == "employer" }
            }
            let same = contributions.filter { $0.level == 3 }, other = contributions.filter { $0.level == 0 }
            #expect(!same.isEmpty && !other.isEmpty, "\(contributions.count)")
            #expect(same.allSatisfy { $0.weight > 0 } && other.allSatisfy { $0.weight < 0 }, "\(same.first.map { "\($0)" } ?? "") \(other.first.map { "\($0)" } ?? "")")
        }
    }

    /// A list that gives ages (`umur`) instead of birth dates: the age is kept with the row and stands in for the date
    /// in matching (the birth years it allows), shown in the date's place on the review card. An age the registry's
    /// date does not allow counts against the pair. A guess (`± 40`) or a cell without a digit gives no age and is no
    /// fault; an age that cannot be one (`150`) is, named in the page's language, where no birth date stands beside it.
    @Test func anAgeStandsInForAMissingBirthDate() async throws {
        try await withTestApp { app in
            _ = try await loadFixtureRegistry(app)
            let token = try await apiToken(app, "officer@demo.sinergi.id")
            // BIN WANG, born 4 September 1959 as registered: his age, and a wrong one.
            let age = Normalize.ageReferenceYear - 1959
            let csv = "nama,umur,kewarganegaraan\nBIN WANG,\(age) TH,TWN\nBIN WANG,20,TWN\n"
            let up = try decode(ImportReply.self, try await postImport(app, token: token, kind: "persons-checked", csv: Array(csv.utf8)))
            let id = try #require(up.id)
            await app.importJobs.drain()
            let rows = try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == id).sort(\.$line).all()
            #expect(rows.map(\.age) == [age, 20] && rows.allSatisfy { $0.dateOfBirth == nil })
            func dateLevel(_ r: ImportRow) -> Int? {
                r.explanation.flatMap { try? JSONDecoder().decode([Reconciler.Contribution].self, from: Data($0.utf8)) }?.first { $0.field == "date_of_birth" }?.level
            }
            #expect(dateLevel(rows[0]) == 1, "the years the age allows hold the registered date")
            #expect(rows[1].foreignerID == nil || dateLevel(rows[1]) == 0, "an age of 20 is not a man born in 1959")
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.get("/imports/\(id)/rows?state=\(rows[0].effectiveState.rawValue)").body.string
            let card = try #require(page.components(separatedBy: "id=\"row-2\"").dropFirst().first)
            #expect(card.contains("umur \(age) tahun (tanggal lahir tidak ada)</td><td data-label=\"Data imigrasi\">4 Sep 1959</td>"), "\(card.prefix(2000))")
            // The weights with a decimal comma, as Indonesian writes numbers.
            #expect(card.range(of: #"data-label="Bobot"[^>]*>[+−][0-9]+,[0-9]{2}<"#, options: .regularExpression) != nil)
            // The column adds up: a row for the rest of the score, and the total that gives the probability shown.
            let p = min(max(rows[0].probability ?? 0, 1e-6), 1 - 1e-6)
            let total = NSRegularExpression.escapedPattern(for: ImportViews.signed(log2(p / (1 - p)), .id))
            #expect(card.contains("Lainnya: peluang awal") && card.range(of: "Jumlah</td><td[^>]*>\(total)<", options: .regularExpression) != nil, "\(total)")
            let refused = try decode(ImportReply.self, try await postImport(app, token: token, kind: "residents",
                                                                             csv: Array("nama,umur,tgl_lahir\nLee Min,150,\nPark Ji,150,1985-07-09\n".utf8)))
            #expect(refused.invalidRows?.map(\.code) == ["v.import.age"] && refused.invalidRows?.first?.line == 2)
            let said = ValidationFailure("v.import.age", field: "age", "150").message(.id)
            #expect(said.hasPrefix("Umur \"150\" bukan umur dalam tahun"), "\(said)")
            // The column found by its words; guesses and blanks pass without an age.
            let csv2 = "nama,kewarganegaraan,Umur (th)\nLee Min,KOR,± 40\nPark Ji,KOR,-\nKim Su,KOR,45 TH\nLim Ho,KOR,0 TH\n"
            let taken = try await postImport(app, token: token, kind: "residents", csv: Array(csv2.utf8))
            #expect(taken.status == .created, "\(taken.body.string.prefix(300))")
            let second = try #require(try decode(ImportReply.self, taken).id)
            #expect(try await ImportRow.query(on: app.db).filter(\.$agencyImport.$id == second).sort(\.$line).all().map(\.age) == [nil, nil, 45, nil])
            // The preview shows a guess as it stood, saying it is not used, so the empty age has its reason.
            let shown = try await upload(b, kind: "residents", fileName: "umur.csv", csv: csv2)
            let preview = try await b.get(shown.headers.first(name: .location) ?? "").body.string
            #expect(preview.contains("± 40 — perkiraan, tidak dipakai untuk pencocokan") && !preview.contains("- — perkiraan"), "\(preview.prefix(3000))")
        }
    }

    @Test func invalidRowsAreListedOnThePreviewAndTheAgencySeesCountsOnly() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("agency@demo.sinergi.id")
            // A row without a name must be fixed first; nothing can be imported then.
            let up = try await upload(b, kind: "foreign-workers", fileName: "tka.csv", csv: "name,date_of_birth\n,1990-01-01\nC D,1990-01-01\n")
            let preview = try await b.get(up.headers.first(name: .location) ?? "")
            #expect(preview.status == .unprocessableEntity)
            #expect(preview.body.string.contains("invalid-rows") && preview.body.string.contains("Nama wajib diisi"))
            #expect(!preview.body.string.contains("confirm-import") && !preview.body.string.contains("confirm-set-aside"))
            // The same person twice is said (and not refused): row 3 is row 2 again, spelt in another case.
            let twice = try await upload(b, kind: "foreign-workers", fileName: "tka5.csv", csv: "name,date_of_birth\nA B,1990-01-01\nC D,1991-02-02\na b,1990-01-01\n")
            let twicePage = try await b.get(twice.headers.first(name: .location) ?? "")
            #expect(twicePage.status == .ok && twicePage.body.string.contains("id=\"import-duplicate-rows\"") && twicePage.body.string.contains("baris 4 sama dengan baris 2"),
                    "\(twicePage.body.string)")
            #expect(twicePage.body.string.contains("id=\"confirm-import\""))
            // With a blocking row, rows whose fields would be set aside are said not to block.
            let both = try await upload(b, kind: "foreign-workers", fileName: "tka4.csv", csv: "name,date_of_birth\n,1990-01-01\nE F,1990-13-01\n")
            let bothPage = try await b.get(both.headers.first(name: .location) ?? "").body.string
            #expect(bothPage.contains("invalid-rows") && bothPage.contains("set-aside-rows") && bothPage.contains("tidak menghalangi impor"))
            // An impossible date only: the preview names the row and offers to import with the date set aside, or to fix the file.
            let dated = try await upload(b, kind: "foreign-workers", fileName: "tka2.csv", csv: "name,date_of_birth\nA B,1990-13-01\nC D,1990-01-01\n")
            let choice = try await b.get(dated.headers.first(name: .location) ?? "")
            #expect(choice.status == .ok)
            #expect(choice.body.string.contains("set-aside-rows") && choice.body.string.contains("1990-13-01") && choice.body.string.contains("Tanggal lahir"))
            #expect(choice.body.string.contains("confirm-set-aside") && choice.body.string.contains("fix-first") && !choice.body.string.contains("id=\"confirm-import\""))
            // A row with several unreadable fields names each of them, on the page and in the parser's list.
            let several = try await upload(b, kind: "foreign-workers", fileName: "tka3.csv",
                                           csv: "name,date_of_birth,passport_number,nationality\nA B,1990-13-01,12,Narnia\nC D,1990-01-01,AB12345,JPN\n")
            let all = try await b.get(several.headers.first(name: .location) ?? "").body.string
            let row = try #require(all.components(separatedBy: "id=\"set-aside-rows\"").last?.components(separatedBy: "</tr>").dropFirst().first)
            #expect(row.contains("1990-13-01") && row.contains("12") && row.contains("Narnia"), "\(row)")
            #expect(row.components(separatedBy: "class=\"problem\"").count == 4)
            let ok = try await upload(b, kind: "foreign-workers", fileName: "tka.csv", csv: "name,nationality\nLI NA,CHN\n")
            let token = String((ok.headers.first(name: .location) ?? "").dropFirst("/imports/preview/".count))
            let done = try await b.post("/imports/confirm", form: ["token": token])
            let page = done.headers.first(name: .location) ?? ""
            await app.importJobs.drain()
            let show = try await b.get(page)
            #expect(show.status == .ok && show.body.string.contains("count-unmatched") && !show.body.string.contains("LI NA"))
            #expect(try await b.get(page + "/rows?state=unmatched").status == .forbidden)
        }
    }
}
