import Fluent
import Foundation
import SQLKit
import Vapor

/// The admin's reference data: offices (time zone, seat and jurisdiction picked as regions), Timpora agencies
/// (type and region) and permit types. Every change is audited with before and after.
enum ReferenceAdmin {
    // MARK: - Offices

    struct OfficeInput: Content {
        var code: String?
        var name: String?
        /// `WIB`, `WITA`, `WIT` (or the zone's name, e.g. `Asia/Makassar`); by default the seat's zone.
        var timeZone: String?
        var villageCode: String?
        /// Regency codes (e.g. `35.16`); on a PATCH, the whole new list.
        var jurisdiction: [String]?
        /// Inspections and operations need an order (surat perintah); true unless set otherwise.
        var ordersRequired: Bool?
    }

    static let zones: [(abbreviation: String, identifier: String)] = [("WIB", "Asia/Jakarta"), ("WITA", "Asia/Makassar"), ("WIT", "Asia/Jayapura")]

    /// The office's zone: the one given, which must be its seat's (every local time of the office, deadlines and
    /// stamps, is read in it; a WITA office in Sumatera would be an hour off everywhere), or by default the seat's.
    static func zone(_ raw: String?, seat: String?) throws -> String? {
        guard let v = raw?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return seat.map { RegionCode.timeZone(of: $0).identifier } }
        guard let z = zones.first(where: { $0.abbreviation == v.uppercased() || $0.identifier == v }) else {
            throw ValidationFailure("v.oneOf", field: "timeZone", "WIB, WITA, WIT")
        }
        if let seat, RegionCode.timeZone(of: seat).identifier != z.identifier {
            throw ValidationFailure("v.zoneOfSeat", field: "timeZone", zoneName(RegionCode.timeZone(of: seat).identifier), z.abbreviation)
        }
        return z.identifier
    }

    static func zoneName(_ identifier: String) -> String { zones.first { $0.identifier == identifier }?.abbreviation ?? identifier }

    static func regencies(_ codes: [String], except office: UUID?, db: any Database) async throws -> [String] {
        var out: [String] = []
        for raw in codes {
            let c = raw.trimmingCharacters(in: .whitespaces)
            guard RegionCode.isValid(c), c.split(separator: ".").count == 2,
                  try await Region.query(on: db).filter(\.$id == c).filter(\.$level == RegionLevel.regency.rawValue).first() != nil else {
                throw ValidationFailure("v.regency", field: "jurisdiction", c)
            }
            if let held = try await OfficeJurisdiction.query(on: db).filter(\.$regencyCode == c).with(\.$office).first(), held.$office.id != office {
                throw AppError.conflict("office.regencyTaken", c, held.office.name)
            }
            if !out.contains(c) { out.append(c) }
        }
        return out
    }

    static func jurisdiction(of office: UUID, _ db: any Database) async throws -> [String] {
        try await OfficeJurisdiction.query(on: db).filter(\.$office.$id == office).all().map(\.regencyCode).sorted()
    }

    static func createOffice(_ input: OfficeInput, _ req: Request) async throws -> Office {
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once, a taken code
        // among them (`createOfficeAPI` answers that one alone with 409).
        var checks = FieldChecks()
        let codeChecked = try await checks.run { () async throws -> String in
            guard let code = input.code?.trimmingCharacters(in: .whitespaces).uppercased(), !code.isEmpty else { throw ValidationFailure("v.required", field: "code") }
            guard (2...10).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { throw ValidationFailure("v.officeCode", field: "code") }
            if try await Office.query(on: req.db).filter(\.$code == code).first() != nil { throw ValidationFailure("office.codeTaken", field: "code", code) }
            return code
        }
        let nameChecked = try checks.run { try ValidationFailure.required(input.name, "name", max: 200) }
        let seatChecked = try await checks.run { try await RegistryEdits.village(input.villageCode, "villageCode", db: req.db) }
        // Without a time zone, the seat's; without a seat either, the seat's failure is the one named.
        let zoneChecked = try checks.run { try zone(input.timeZone, seat: seatChecked) ?? "" }
        let regenciesChecked = try await checks.run { () async throws -> [String] in
            guard let codes = input.jurisdiction, !codes.isEmpty else { throw ValidationFailure("v.required", field: "jurisdiction") }
            return try await Self.regencies(codes, except: nil, db: req.db)
        }
        let (code, name, seat, tz, regencies) = try checks.finish(codeChecked, nameChecked, seatChecked, zoneChecked, regenciesChecked)
        return try await req.audited { db in
            let o = Office(id: UUID(), code: code, name: name, timeZone: tz, villageCode: seat)
            o.ordersRequired = input.ordersRequired ?? true
            try await o.create(on: db)
            for r in regencies { try await OfficeJurisdiction(officeID: o.id!, regencyCode: r).create(on: db) }
            return (o, [AuditEntry(action: "office.create", objectType: "office", objectID: o.id!.uuidString, detail: "code=\(code) tz=\(zoneName(tz)) seat=\(seat) jurisdiction=\(regencies.joined(separator: ","))")])
        }
    }

    static func updateOffice(_ office: Office, _ input: OfficeInput, _ req: Request) async throws -> Office {
        let id = try office.requireID()
        let before = try await jurisdiction(of: id, req.db)
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        _ = try checks.run { () throws -> Void in
            if let c = input.code, c.uppercased() != office.code { throw ValidationFailure("v.codeFixed", field: "code") }
        }
        let nameChecked = input.name == nil ? office.name : try checks.run { try ValidationFailure.required(input.name, "name", max: 200) }
        let seatChecked = input.villageCode == nil ? office.villageCode : try await checks.run { try await RegistryEdits.village(input.villageCode, "villageCode", db: req.db) }
        // A new seat without a zone takes the seat's; with a wrong seat, the seat's failure is the one named.
        // Neither the seat nor the zone changes (the edit form sends both as they are): kept as it is, checked only
        // when one of them changes.
        let sameSeat = input.villageCode == nil || seatChecked == office.villageCode
        let sameZone = input.timeZone.map { z in zones.contains { ($0.abbreviation == z.uppercased() || $0.identifier == z) && $0.identifier == office.timeZone } } ?? true
        let zoneChecked = sameSeat && sameZone ? office.timeZone : try checks.run { try zone(input.timeZone, seat: seatChecked) ?? "" }
        let wanted = try await checks.run { () async throws -> [String] in
            guard let codes = input.jurisdiction else { return before }
            guard !codes.isEmpty else { throw ValidationFailure("v.required", field: "jurisdiction") }
            return try await regencies(codes, except: id, db: req.db).sorted()
        }
        let (name, seat, tz, after) = try checks.finish(nameChecked, seatChecked, zoneChecked, wanted)
        let orders = input.ordersRequired ?? office.ordersRequired ?? true
        let old = "name=\(office.name == name ? "same" : "changed") tz=\(zoneName(office.timeZone)) seat=\(office.villageCode) jurisdiction=\(before.joined(separator: ",")) ordersRequired=\(office.ordersRequired ?? true)"
        let new = "tz=\(zoneName(tz)) seat=\(seat) jurisdiction=\(after.joined(separator: ",")) ordersRequired=\(orders)"
        return try await req.audited { db in
            guard let o = try await Office.find(id, on: db) else { throw Abort(.notFound) }
            o.name = name; o.timeZone = tz; o.villageCode = seat; o.ordersRequired = orders
            try await o.save(on: db)
            if after != before {
                try await OfficeJurisdiction.query(on: db).filter(\.$office.$id == id).delete()
                for r in after { try await OfficeJurisdiction(officeID: id, regencyCode: r).create(on: db) }
            }
            return (o, [AuditEntry(action: "office.update", objectType: "office", objectID: id.uuidString, detail: "before: \(old); after: \(new)")])
        }
    }

    // MARK: - Agencies

    struct AgencyInput: Content { var name: String?; var type: String?; var regionCode: String?; var active: Bool? }

    static func region(_ raw: String?, db: any Database) async throws -> String {
        guard let c = raw?.trimmingCharacters(in: .whitespaces), !c.isEmpty else { throw ValidationFailure("v.required", field: "regionCode") }
        guard RegionCode.isValid(c), try await Region.find(c, on: db) != nil else { throw ValidationFailure("v.regionCode", field: "regionCode") }
        return c
    }

    static func agencyType(_ raw: String?) throws -> AgencyType {
        guard let t = raw?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { throw ValidationFailure("v.required", field: "type") }
        guard let type = AgencyType(rawValue: t) else { throw ValidationFailure("v.oneOf", field: "type", AgencyType.allCases.map(\.rawValue).joined(separator: ", ")) }
        return type
    }

    static func createAgency(_ input: AgencyInput, _ req: Request) async throws -> Agency {
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let nameChecked = try checks.run { try ValidationFailure.required(input.name, "name", max: 200) }
        let typeChecked = try checks.run { try agencyType(input.type) }
        let regionChecked = try await checks.run { try await Self.region(input.regionCode, db: req.db) }
        let (name, type, region) = try checks.finish(nameChecked, typeChecked, regionChecked)
        return try await req.audited { db in
            let a = Agency(id: UUID(), name: name, type: type, regionCode: region)
            a.active = input.active ?? true
            try await a.create(on: db)
            return (a, [AuditEntry(action: "agency.create", objectType: "agency", objectID: a.id!.uuidString, detail: "type=\(type.rawValue) region=\(region) active=\(a.active)")])
        }
    }

    static func updateAgency(_ agency: Agency, _ input: AgencyInput, _ req: Request) async throws -> Agency {
        let id = try agency.requireID()
        var checks = FieldChecks()
        let nameChecked = input.name == nil ? agency.name : try checks.run { try ValidationFailure.required(input.name, "name", max: 200) }
        let typeChecked = input.type == nil ? (AgencyType(rawValue: agency.type) ?? .other) : try checks.run { try agencyType(input.type) }
        let regionChecked = input.regionCode == nil ? agency.regionCode : try await checks.run { try await Self.region(input.regionCode, db: req.db) }
        let (name, type, region) = try checks.finish(nameChecked, typeChecked, regionChecked)
        let active = input.active ?? agency.active
        let before = "type=\(agency.type) region=\(agency.regionCode) active=\(agency.active)"
        return try await req.audited { db in
            guard let a = try await Agency.find(id, on: db) else { throw Abort(.notFound) }
            let renamed = a.name != name
            a.name = name; a.type = type.rawValue; a.regionCode = region; a.active = active
            try await a.save(on: db)
            return (a, [AuditEntry(action: "agency.update", objectType: "agency", objectID: id.uuidString,
                                   detail: "before: \(before); after: type=\(type.rawValue) region=\(region) active=\(active)\(renamed ? "; renamed" : "")")])
        }
    }

    // MARK: - Permit types

    struct PermitTypeInput: Content { var code: String?; var label: String?; var category: String?; var maxDays: Int? }
    static let categories = ["ITK", "ITAS", "ITAP", "other"]

    static func category(_ raw: String?) throws -> String {
        guard let c = raw?.trimmingCharacters(in: .whitespaces), !c.isEmpty else { throw ValidationFailure("v.required", field: "category") }
        guard let v = categories.first(where: { $0.lowercased() == c.lowercased() }) else { throw ValidationFailure("v.oneOf", field: "category", categories.joined(separator: ", ")) }
        return v
    }

    static func maxDays(_ v: Int?) throws -> Int? {
        guard let v else { return nil }
        guard (1...3650).contains(v) else { throw ValidationFailure("v.wholeNumberRange", field: "maxDays", "1", "3650") }
        return v
    }

    static func createPermitType(_ input: PermitTypeInput, _ req: Request) async throws -> PermitType {
        // Every field is checked before answering (`FieldChecks`): the form names all its mistakes at once.
        var checks = FieldChecks()
        let codeChecked = try checks.run { () throws -> String in
            guard let code = input.code?.trimmingCharacters(in: .whitespaces).uppercased(), !code.isEmpty else { throw ValidationFailure("v.required", field: "code") }
            guard code.count <= 10, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { throw ValidationFailure("v.permitTypeCode", field: "code") }
            return code
        }
        let labelChecked = try checks.run { try ValidationFailure.required(input.label, "label", max: 200) }
        let categoryChecked = try checks.run { try category(input.category) }
        let days = (try checks.run { try maxDays(input.maxDays) }) ?? nil
        let (code, label, cat) = try checks.finish(codeChecked, labelChecked, categoryChecked)
        if try await PermitType.find(code, on: req.db) != nil { throw AppError.conflict("permitType.codeTaken", code) }
        return try await req.audited { db in
            let t = PermitType(code: code, label: label, category: cat, maxDays: days)
            try await t.create(on: db)
            return (t, [AuditEntry(action: "permitType.create", objectType: "permit_type", objectID: code, detail: "category=\(cat) maxDays=\(days.map(String.init) ?? "-")")])
        }
    }

    static func updatePermitType(_ type: PermitType, _ input: PermitTypeInput, _ req: Request) async throws -> PermitType {
        let code = type.id!
        var checks = FieldChecks()
        let labelChecked = input.label == nil ? type.label : try checks.run { try ValidationFailure.required(input.label, "label", max: 200) }
        let categoryChecked = input.category == nil ? type.category : try checks.run { try category(input.category) }
        let days = input.maxDays == nil ? type.maxDays : (try checks.run { try maxDays(input.maxDays) }) ?? nil
        let (label, cat) = try checks.finish(labelChecked, categoryChecked)
        // A type's category is part of every permit of it (and of the registry's summaries): it stays once in use.
        if cat != type.category, try await StayPermit.query(on: req.db).filter(\.$type.$id == code).first() != nil {
            throw AppError.conflict("permitType.inUse", code)
        }
        let before = "category=\(type.category) maxDays=\(type.maxDays.map(String.init) ?? "-")"
        return try await req.audited { db in
            guard let t = try await PermitType.find(code, on: db) else { throw Abort(.notFound) }
            t.label = label; t.category = cat; t.maxDays = days
            try await t.save(on: db)
            return (t, [AuditEntry(action: "permitType.update", objectType: "permit_type", objectID: code, detail: "before: \(before); after: category=\(cat) maxDays=\(days.map(String.init) ?? "-")")])
        }
    }
}
