@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The detail read builds a person's lists in one statement (JSON arrays made by SQLite or PostgreSQL). Its oracle is
/// the same read through the models, one query per table.
@Suite struct ForeignerDetailTests {
    /// What `ForeignerDetail.load` read before it became one statement.
    static func throughModels(_ f: Foreigner, today: String, on db: any Database) async throws -> ForeignerDetail {
        let id = try f.requireID()
        let passports = try await Passport.query(on: db).filter(\.$foreigner.$id == id).sort(\.$expiresOn, .descending).all()
        let permits = try await StayPermit.query(on: db).filter(\.$foreigner.$id == id).with(\.$type).with(\.$sponsor).with(\.$office).sort(\.$endOn, .descending).all()
        let addresses = try await Address.query(on: db).filter(\.$foreigner.$id == id).sort(\.$validFrom, .descending).all()
        let employments = try await Employment.query(on: db).filter(\.$foreigner.$id == id).with(\.$sponsor).sort(\.$startOn, .descending).all()
        let movements = try await Movement.query(on: db).filter(\.$foreigner.$id == id).sort(\.$crossedAt, .descending).limit(200).all()
        let codes = addresses.flatMap { [$0.villageCode, $0.districtCode, String($0.villageCode.prefix(5))] }
        let regions = try await Region.query(on: db).filter(\.$id ~~ codes).all()
        let regionName = Dictionary(regions.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        return ForeignerDetail(
            foreigner: ForeignerItem(f, today: today),
            passports: passports.map { .init(number: $0.number, issuingCountry: $0.issuingCountry, issuedOn: $0.issuedOn, expiresOn: $0.expiresOn, isCurrent: $0.isCurrent) },
            permits: permits.map { .init(number: $0.number, type: $0.type.id ?? "", typeLabel: $0.type.label, category: $0.type.category, startOn: $0.startOn, endOn: $0.endOn, status: $0.status, sponsorID: $0.$sponsor.id, sponsorName: $0.sponsor?.name, officeName: $0.office?.name) },
            addresses: addresses.map { .init(line: $0.line, villageCode: $0.villageCode, villageName: regionName[$0.villageCode], districtCode: $0.districtCode,
                                             districtName: regionName[$0.districtCode], regencyName: regionName[String($0.villageCode.prefix(5))],
                                             latitude: $0.latitude, longitude: $0.longitude, validFrom: $0.validFrom, isCurrent: $0.isCurrent) },
            employments: employments.map { .init(sponsorID: $0.$sponsor.id, sponsorName: $0.sponsor.name, position: $0.position, startOn: $0.startOn, endOn: $0.endOn) },
            movements: movements.map { .init(direction: $0.direction, crossedAt: $0.crossedAt, portCode: $0.portCode, travelDocument: $0.travelDocument) },
            placeOfBirth: f.placeOfBirth, personRef: f.personRef, civilStatus: f.civilStatus, spouseOfCitizen: f.spouseOfCitizen,
            reportingExemption: ReportingExemption.basisKey(spouseOfCitizen: f.spouseOfCitizen, activePermitTypes: permits.filter { $0.status == PermitStatus.active.rawValue }.compactMap { $0.type.id }))
    }

    static func json(_ d: ForeignerDetail) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try e.encode(d), as: UTF8.self)
    }

    /// Every list and every kind of value the one statement must carry: a second passport without an issue date, a
    /// permit without sponsor or office, an address with coordinates and one without,
    /// an employment with an end, border crossings (more than the 200 shown, with and without a travel document),
    /// text with quotes, a backslash and non-Latin letters; and a person with nothing but the record itself.
    @Test func oneStatementReadsWhatTheModelsRead() async throws {
        try await withTestApp { app in
            let people = try await Foreigner.query(on: app.db).filter(\.$regencyCode == "35.16").sort(\.$id).range(0..<2).all()
            let f = people[0], empty = people[1]
            let id = try f.requireID()
            f.spouseOfCitizen = true; f.placeOfBirth = "Ōsaka"; f.departedFlag = true; f.civilStatus = "married"
            try await f.save(on: app.db)
            let p = Passport()
            p.$foreigner.id = id; p.number = "OLD\"12\\3"; p.issuingCountry = "JPN"; p.issuedOn = nil; p.expiresOn = "2019-05-01"; p.isCurrent = false
            try await p.create(on: app.db)
            let type = try #require(try await PermitType.query(on: app.db).sort(\.$id).first())
            let permit = StayPermit()
            permit.$foreigner.id = id; permit.$type.id = type.id!; permit.number = "ITK-ÜBER-1"; permit.startOn = "2018-01-01"
            permit.endOn = "2018-02-01"; permit.status = PermitStatus.expired.rawValue; permit.$sponsor.id = nil; permit.$office.id = nil
            try await permit.create(on: app.db)
            let home = try #require(try await Address.query(on: app.db).filter(\.$foreigner.$id == id).first())
            for (line, village, lat) in [("Jl. \"Mawar\" 5, 漢字", home.villageCode, -7.47 as Double?), ("Gang 1", home.villageCode, nil)] {
                let a = Address()
                a.$foreigner.id = id; a.line = line; a.villageCode = village; a.districtCode = home.districtCode
                a.latitude = lat; a.longitude = lat.map { _ in 112.43 }; a.validFrom = lat == nil ? "2015-03-01" : "2016-03-01"; a.validTo = "2017-01-01"; a.isCurrent = false
                try await a.create(on: app.db)
            }
            let sponsor = try #require(try await Sponsor.query(on: app.db).sort(\.$id).first())
            let e = Employment()
            e.$foreigner.id = id; e.$sponsor.id = sponsor.id!; e.position = "Ahli 'las'"; e.startOn = "2010-01-01"; e.endOn = "2012-12-31"
            try await e.create(on: app.db)
            for i in 0..<205 {
                let m = Movement()
                m.$foreigner.id = id; m.direction = i % 2 == 0 ? "in" : "out"; m.portCode = "SUB"
                m.crossedAt = String(format: "2025-%02d-%02dT%02d:00:00Z", 1 + i / 28, 1 + i % 28, i % 24)
                m.travelDocument = i % 3 == 0 ? nil : "P\(i)"
                try await m.create(on: app.db)
            }
            let today = app.today
            for person in [f, empty] {
                let want = try Self.json(try await Self.throughModels(person, today: today, on: app.db))
                #expect(try Self.json(try await ForeignerDetail.load(person, today: today, on: app.db)) == want)
                let read = try #require(try await ForeignerDetail.read(person.id!, within: .regencies(["35.16"]), today: today, on: app.db))
                #expect(try Self.json(read) == want)
                // Read inline (`InlineSQLite`), as the API's detail read does: the same.
                if onSQLite {
                    let inline = InlineSQLite(pool: try #require(app.inlineReads), logger: app.logger, eventLoop: app.eventLoopGroup.any())
                    #expect(try Self.json(try #require(try await ForeignerDetail.read(person.id!, within: .regencies(["35.16"]), today: today, on: app.db, reading: inline))) == want)
                } else {
                    #expect(app.inlineReads == nil)
                }
                // Outside the scope, or not there at all: nothing.
                #expect(try await ForeignerDetail.read(person.id!, within: .regencies(["31.74"]), today: today, on: app.db) == nil)
                #expect(try await ForeignerDetail.read(person.id!, within: .nothing, today: today, on: app.db) == nil)
                #expect(try await ForeignerDetail.read(UUID(), within: .all, today: today, on: app.db) == nil)
            }
            let full = try await ForeignerDetail.load(f, today: today, on: app.db)
            #expect(full.movements.count == 200)
            #expect(full.movements.map(\.crossedAt) == full.movements.map(\.crossedAt).sorted(by: >))
            #expect(full.passports.contains { $0.number == "OLD\"12\\3" && $0.issuedOn == nil && !$0.isCurrent })
            #expect(full.permits.contains { $0.number == "ITK-ÜBER-1" && $0.sponsorID == nil && $0.officeName == nil })
            #expect(full.addresses.contains { $0.line.hasSuffix("漢字") && $0.latitude == -7.47 && $0.villageName != nil && $0.districtName != nil && $0.regencyName != nil })
            #expect(full.addresses.contains { $0.line == "Gang 1" && $0.latitude == nil && $0.longitude == nil })
            #expect(full.addresses.contains { $0.isCurrent })
            #expect(full.employments.contains { $0.endOn == "2012-12-31" && $0.sponsorName == sponsor.name })
            let bare = try await ForeignerDetail.load(empty, today: today, on: app.db)
            #expect(bare.movements.isEmpty)
            #expect(full.spouseOfCitizen == true && full.placeOfBirth == "Ōsaka" && full.foreigner.status == "departed")
        }
    }
}
