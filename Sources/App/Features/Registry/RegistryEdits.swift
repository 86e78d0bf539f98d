import Fluent
import Foundation
import Matching
import SQLKit
import Vapor

/// Officers keep the registry current: create a foreigner; correct fields; add a renewed passport; record a
/// permit's extension or cancellation, or a new permit (a renewal under a new number, a change of status); change
/// an address; end an employment. Every change is written with its history row (before, after, who, when, why) and
/// an audit event in one transaction. Identity fields
/// (names, date of birth, nationality, passport number) are not changed at once: they become a pending
/// change that a supervisor of the office other than the proposer approves or rejects (four eyes).
enum RegistryEdits {

    /// A change to a foreigner's own fields (`PATCH /api/v1/foreigners/{id}`); absent fields stay as they are.
    struct FieldInput: Content {
        var familyName: String?
        var givenNames: String?
        var dateOfBirth: String?
        var nationality: String?
        var passportNumber: String?
        var sex: String?
        var placeOfBirth: String?
        /// Married to an Indonesian citizen (UU 6/2011 Art. 63(4): exempts the sponsor's reporting duty).
        var spouseOfCitizen: Bool?
        var reason: String?
    }

    struct PassportInput: Content { var number: String?; var issuingCountry: String?; var issuedOn: String?; var expiresOn: String?; var reason: String? }
    /// `shorten`: an end date before the current one is a correction, said on purpose (otherwise refused: the form is
    /// for extensions, and an earlier date there is usually a slip).
    struct PermitChangeInput: Content { var endOn: String?; var status: String?; var reason: String?; var shorten: Bool? }
    struct AddressInput: Content { var line: String?; var villageCode: String?; var validFrom: String?; var reason: String? }
    struct EmploymentEndInput: Content { var endOn: String?; var reason: String? }
    struct PermitInput: Content { var number: String?; var type: String?; var startOn: String?; var endOn: String?; var sponsorId: UUID? }
    /// `POST /api/v1/foreigners/{id}/permits`. `replaces`: the number of an active permit of the same person that the new
    /// one takes over (a change of status, ITAS to ITAP): in force until the day before the new one begins, or `replaced`.
    struct NewPermitInput: Content {
        var number: String?; var type: String?; var startOn: String?; var endOn: String?; var sponsorId: UUID?; var replaces: String?; var reason: String?
    }
    struct EmploymentInput: Content { var sponsorId: UUID?; var position: String?; var startOn: String? }

    /// `POST /api/v1/foreigners`: the person with a passport and an address (both required: a record an office
    /// keeps must be found by passport and placed in its jurisdiction), and optionally a permit and an employment.
    struct NewForeigner: Content {
        var familyName: String?
        var givenNames: String?
        var sex: String?
        var dateOfBirth: String?
        var nationality: String?
        var placeOfBirth: String?
        var passport: PassportInput?
        var permit: PermitInput?
        var address: AddressInput?
        var employment: EmploymentInput?
        var reason: String?
    }

    /// `partlyPending`: some fields were changed at once (sex, place of birth, spouse of a citizen), the identity
    /// fields wait for approval.
    enum Outcome: Sendable { case applied, pending(UUID), partlyPending(UUID), unchanged }

    // MARK: - Checks of single values

    static func reason(_ s: String?) throws -> String {
        guard let r = try ValidationFailure.text(s, "reason", max: 500) else { throw ValidationFailure("v.required", field: "reason") }
        return r
    }

    /// A family or given name, checked as the API document's `name` format states it: at most 100 characters
    /// (Unicode scalars, as JSON Schema counts) as sent, no control characters, at least one letter (`\p{L}`); the
    /// blanks around it are then dropped. Blank (empty or only white space) is "none" where a name is optional, as
    /// the document's `givenNames` allows. The server is lenient in one place: a final line feed is dropped (Python's
    /// `re` and ICU let the pattern's `$` match before it; ECMA-262, JSON Schema's dialect, does not).
    static func name(_ s: String?, _ field: String, required: Bool) throws -> String? {
        guard let s else {
            if required { throw ValidationFailure("v.required", field: field) }
            return nil
        }
        if s.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            if required { throw ValidationFailure("v.required", field: field) }
            return ""
        }
        guard s.unicodeScalars.count <= 100 else { throw ValidationFailure("v.tooLong", field: field, "100") }
        var scalars = Substring(s).unicodeScalars
        if scalars.last == "\n" { scalars.removeLast() }
        guard !scalars.contains(where: { $0.properties.generalCategory == .control }) else { throw ValidationFailure("v.nameControl", field: field) }
        let v = String(scalars).trimmingCharacters(in: .whitespacesAndNewlines)
        guard v.unicodeScalars.contains(where: { isLetter($0) }) else { throw ValidationFailure("v.nameLetter", field: field) }
        return v.uppercased()
    }

    /// A letter as the API document's `name` pattern reads `\p{L}`: not a letter number (Ⅻ) nor a mark.
    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// An optional day (`YYYY-MM-DD`): nil when empty; with `notFuture`, not after that day.
    static func day(_ s: String?, _ field: String, notFuture: String? = nil) throws -> String? {
        guard let v = s?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        guard v.count == 10, Day.isValid(v) else { throw ValidationFailure(notFuture == nil ? "v.day" : "v.dayNotFuture", field: field) }
        if let today = notFuture, v > today { throw ValidationFailure("v.dayNotFuture", field: field) }
        return v
    }

    /// A required day: as `day`, and empty is refused.
    static func requiredDay(_ s: String?, _ field: String, notFuture: String? = nil) throws -> String {
        guard let v = try day(s, field, notFuture: notFuture) else { throw ValidationFailure("v.required", field: field) }
        return v
    }

    static func country(_ s: String?, _ field: String) throws -> String {
        guard let v = s?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { throw ValidationFailure("v.required", field: field) }
        guard let code = Countries.code(v) else { throw ValidationFailure("v.nationality", field: field) }
        return code
    }

    static func passportNumber(_ s: String?, _ field: String) throws -> String {
        guard let raw = s?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { throw ValidationFailure("v.required", field: field) }
        let v = raw.uppercased()
        guard (5...20).contains(v.count), v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { throw ValidationFailure("v.passportLength", field: field) }
        return v
    }

    static func sex(_ s: String?) throws -> String? {
        guard let v = s?.trimmingCharacters(in: .whitespaces).uppercased(), !v.isEmpty else { return nil }
        guard ["M", "F", "X"].contains(v) else { throw ValidationFailure("v.oneOf", field: "sex", "M, F, X") }
        return v
    }

    static func village(_ code: String?, _ field: String, db: any Database) async throws -> String {
        guard let v = code?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { throw ValidationFailure("v.required", field: field) }
        guard RegionCode.isValid(v), v.split(separator: ".").count == 4,
              try await Region.query(on: db).filter(\.$id == v).filter(\.$level == RegionLevel.village.rawValue).first() != nil else {
            throw ValidationFailure("v.village", field: field)
        }
        return v
    }

    // MARK: - History

    static func history(_ rows: [RegistryBatchApplier.HistoryRow], source: String, reason: String?, by p: Principal, name: String? = nil, at now: Date, on db: any Database) async throws {
        try await RegistryBatchApplier.insertHistory(rows, at: now, actorID: p.userID.uuidString, actorName: name ?? p.displayName, source: source, reason: reason, on: db as! any SQLDatabase)
    }

    // MARK: - Create

    static func create(_ input: NewForeigner, _ req: Request) async throws -> Foreigner {
        let p = try req.requirePrincipal()
        let today = req.application.today
        // Every field is checked before any failure is thrown (`FieldChecks`): the form names all its mistakes at once;
        // the API answers with the first, in this order.
        var checks = FieldChecks()
        let reasonChecked = try checks.run { try reason(input.reason) }
        let familyChecked = try checks.run { try name(input.familyName, "familyName", required: true) ?? "" }
        let given = (try checks.run { try name(input.givenNames, "givenNames", required: false) ?? "" }) ?? ""
        let sexChecked = try checks.run { () throws -> String in
            guard let v = try sex(input.sex) else { throw ValidationFailure("v.required", field: "sex") }
            return v
        }
        let dob = (try checks.run { try day(input.dateOfBirth, "dateOfBirth", notFuture: today) }) ?? nil
        let nationalityChecked = try checks.run { try country(input.nationality, "nationality") }
        let place = (try checks.run { try ValidationFailure.text(input.placeOfBirth, "placeOfBirth", max: 100) }) ?? nil
        let pass = input.passport ?? PassportInput()
        let passportChecked = try checks.run { try passportNumber(pass.number, "passportNumber") }
        // The issuing country is the nationality's unless given (a wrong nationality is named once, beside its field).
        let issuingChecked = try checks.run { () throws -> String in
            guard pass.issuingCountry != nil else { return nationalityChecked ?? "" }
            guard let c = try? country(pass.issuingCountry, "issuingCountry") else { throw ValidationFailure("v.nationality", field: "issuingCountry") }
            return c
        }
        let issuedOn = (try checks.run { try day(pass.issuedOn, "issuedOn", notFuture: today) }) ?? nil
        let expiresChecked = try checks.run { try requiredDay(pass.expiresOn, "expiresOn") }
        if let i = issuedOn, let e = expiresChecked, i > e { _ = try checks.run { () throws -> Void in throw ValidationFailure("v.dayOrder", field: "expiresOn", i) } }
        let addr = input.address ?? AddressInput()
        let villageChecked = try await checks.run { () async throws -> String in
            let code = try await village(addr.villageCode, "villageCode", db: req.db)
            // An officer keeps records of the office's own jurisdiction; one placed elsewhere would vanish from their view.
            guard let regency = RegionCode.regency(of: code), p.jurisdiction.contains(regency) else {
                throw ValidationFailure("v.regionInJurisdiction", field: "villageCode")
            }
            return code
        }
        let lineChecked = try checks.run { () throws -> String in
            guard let line = try ValidationFailure.text(addr.line, "line", max: 300) else { throw ValidationFailure("v.required", field: "line") }
            return line
        }
        let validFromChecked = (try checks.run { try day(addr.validFrom, "validFrom") }) ?? nil
        // The permit and the job, when given, are checked with the rest; their sponsors once every field is right (a
        // sponsor out of scope is 404, and a form's mistakes come first, as the API's document says).
        var permit: NewPermit?
        if let pi = input.permit, pi.number?.isEmpty == false || pi.type?.isEmpty == false {
            permit = try await permitFields(pi, &checks, db: req.db)
        }
        var employment: (sponsor: UUID, position: String, start: String?)?
        if let e = input.employment, let s = e.sponsorId {
            let position = try checks.run { try ValidationFailure.required(e.position, "position", max: 120) }
            let start = (try checks.run { try day(e.startOn, "employmentStartOn") }) ?? nil
            if let position { employment = (s, position, start) }
        }
        let (why, family, sexValue, nationality, passport, issuingCountry, expiresOn, villageCode, line)
            = try checks.finish(reasonChecked, familyChecked, sexChecked, nationalityChecked, passportChecked, issuingChecked, expiresChecked, villageChecked, lineChecked)
        let validFrom = validFromChecked ?? today
        for s in [permit?.sponsor, employment?.sponsor].compactMap({ $0 }) { _ = try await ScopePolicy.sponsor(s, req) }
        if let permit { try await permitFree(permit.number, for: nil, req.db) }
        if try await Passport.query(on: req.db).filter(\.$number == passport).filter(\.$issuingCountry == issuingCountry).first() != nil {
            throw AppError.conflict("reg.passportTaken", passport)
        }
        let now = req.application.clock.now()
        let permitRow = permit, employmentRow = employment
        return try await req.audited { db in
            let f = Foreigner()
            f.familyName = family; f.givenNames = given; f.fullName = "\(given) \(family)".trimmingCharacters(in: .whitespaces)
            f.sex = sexValue; f.dateOfBirth = dob; f.nationality = nationality; f.placeOfBirth = place; f.searchName = ""
            f.departedFlag = false
            try await f.create(on: db)
            let id = try f.requireID()
            let pp = Passport()
            pp.$foreigner.id = id; pp.number = passport; pp.issuingCountry = issuingCountry; pp.issuedOn = issuedOn; pp.expiresOn = expiresOn; pp.isCurrent = true
            try await pp.create(on: db)
            let a = Address()
            a.$foreigner.id = id; a.line = line; a.villageCode = villageCode; a.districtCode = RegionCode.district(of: villageCode) ?? villageCode
            a.validFrom = validFrom; a.isCurrent = true
            try await a.create(on: db)
            if let permit = permitRow { _ = try await permit.create(for: id, office: p.officeID, on: db) }
            if let employment = employmentRow {
                let e = Employment()
                e.$foreigner.id = id; e.$sponsor.id = employment.sponsor; e.position = employment.position; e.startOn = employment.start ?? validFrom
                try await e.create(on: db)
            }
            try await ForeignerSummary.refresh(id, today: today, on: db)
            try await history([.init(foreignerID: id, objectType: "foreigner", objectID: id, record: nil, field: "created", old: nil, new: f.fullName, validFrom: nil)],
                              source: "officer", reason: why, by: p, at: now, on: db)
            return (f, [AuditEntry(action: "foreigner.create", objectType: "foreigner", objectID: id.uuidString, detail: "officer")])
        }
    }

    // MARK: - Fields

    /// What the input changes: identity fields (to be approved) and the others (applied at once), each with
    /// the value before and after; unchanged values are left out.
    /// Every field is checked (`checks`), so that the form names all its mistakes at once.
    static func changes(_ input: FieldInput, of f: Foreigner, today: String, _ checks: inout FieldChecks) throws -> (identity: [String: [String?]], direct: [String: [String?]]) {
        var identity: [String: [String?]] = [:], direct: [String: [String?]] = [:]
        // A name sent back as stored is not checked again (the registry feed's rule for names is its own).
        if input.familyName != f.familyName,
           let v = (try checks.run { try name(input.familyName, "familyName", required: input.familyName != nil) }) ?? nil, v != f.familyName {
            identity["familyName"] = [f.familyName, v]
        }
        if input.givenNames != nil, input.givenNames != f.givenNames,
           let v = (try checks.run { try name(input.givenNames, "givenNames", required: false) }) ?? nil, v != f.givenNames {
            identity["givenNames"] = [f.givenNames, v]
        }
        if input.dateOfBirth != nil, let v = try checks.run({ try day(input.dateOfBirth, "dateOfBirth", notFuture: today) }), v != f.dateOfBirth {
            identity["dateOfBirth"] = [f.dateOfBirth, v]
        }
        if input.nationality != nil, let v = try checks.run({ try country(input.nationality, "nationality") }), v != f.nationality {
            identity["nationality"] = [f.nationality, v]
        }
        if input.passportNumber != nil, let v = try checks.run({ () throws -> String in
            let v = try passportNumber(input.passportNumber, "passportNumber")
            guard f.passportNumber != nil else { throw ValidationFailure("v.passportUnknown", field: "passportNumber") }
            return v
        }), v != f.passportNumber {
            identity["passportNumber"] = [f.passportNumber, v]
        }
        if let v = (try checks.run { try sex(input.sex) }) ?? nil, v != f.sex { direct["sex"] = [f.sex, v] }
        if let v = input.spouseOfCitizen, v != (f.spouseOfCitizen ?? false) { direct["spouseOfCitizen"] = [String(f.spouseOfCitizen ?? false), String(v)] }
        if input.placeOfBirth != nil, let v = try checks.run({ try ValidationFailure.text(input.placeOfBirth, "placeOfBirth", max: 100) }), v != f.placeOfBirth {
            direct["placeOfBirth"] = [f.placeOfBirth, v]
        }
        return (identity, direct)
    }

    /// `unchangedFirst`: the web form says "nothing changed" before asking for a reason (asking for a reason for no
    /// change would send the user looking for one); the API requires the reason in every request, as its document says.
    static func update(_ f: Foreigner, _ input: FieldInput, _ req: Request, unchangedFirst: Bool = false) async throws -> Outcome {
        let p = try req.requirePrincipal()
        var checks = FieldChecks()
        let given = unchangedFirst ? nil : try checks.run { try reason(input.reason) }
        let (identity, direct) = try changes(input, of: f, today: req.application.today, &checks)
        // The web form asks for a reason only when something changes, or with the other mistakes of the same try.
        if unchangedFirst && (!checks.failures.isEmpty || !identity.isEmpty || !direct.isEmpty) { _ = try checks.run { try reason(input.reason) } }
        try checks.finish()
        if identity.isEmpty && direct.isEmpty { return .unchanged }
        let why = try given ?? reason(input.reason)
        let id = try f.requireID()
        let now = req.application.clock.now()
        return try await req.audited { db in
            var events: [AuditEntry] = []
            if !direct.isEmpty {
                try await apply(direct, to: id, today: req.application.today, on: db)
                try await history(direct.sorted { $0.key < $1.key }.map { .init(foreignerID: id, objectType: "foreigner", objectID: id, record: nil, field: $0.key, old: $0.value[0], new: $0.value[1], validFrom: nil) },
                                  source: "officer", reason: why, by: p, at: now, on: db)
                events.append(AuditEntry(action: "foreigner.update", objectType: "foreigner", objectID: id.uuidString, detail: "fields=\(direct.keys.sorted().joined(separator: ","))"))
            }
            var outcome = Outcome.applied
            if !identity.isEmpty {
                let pc = PendingChange()
                pc.id = UUID(); pc.foreignerID = id; pc.officeID = p.officeID; pc.proposedBy = p.userID; pc.proposedAt = now
                pc.changes = String(decoding: try JSONEncoder().encode(identity), as: UTF8.self); pc.reason = why; pc.status = "pending"
                try await pc.create(on: db)
                outcome = direct.isEmpty ? .pending(pc.id!) : .partlyPending(pc.id!)
                events.append(AuditEntry(action: "foreigner.change.propose", objectType: "pending_change", objectID: pc.id!.uuidString, detail: "fields=\(identity.keys.sorted().joined(separator: ","))"))
            }
            return (outcome, events)
        }
    }

    /// Writes field values (`[old, new]`) to the foreigner and its current passport, then its summary.
    static func apply(_ changes: [String: [String?]], to id: UUID, today: String, on db: any Database) async throws {
        guard let f = try await Foreigner.find(id, on: db) else { throw Abort(.notFound) }
        for (field, values) in changes {
            let v = values[1]
            switch field {
            case "familyName": f.familyName = v ?? f.familyName
            case "givenNames": f.givenNames = v ?? ""
            case "dateOfBirth": f.dateOfBirth = v
            case "nationality": f.nationality = v ?? f.nationality
            case "sex": f.sex = v ?? f.sex
            case "placeOfBirth": f.placeOfBirth = v
            case "spouseOfCitizen": f.spouseOfCitizen = v == "true"
            case "passportNumber":
                guard let v, let current = try await Passport.query(on: db).filter(\.$foreigner.$id == id).filter(\.$isCurrent == true).first() else { continue }
                try await passportFree(v, issuing: current.issuingCountry, for: id, db)
                current.number = v
                try await current.save(on: db)
            default: continue
            }
        }
        f.fullName = "\(f.givenNames) \(f.familyName)".trimmingCharacters(in: .whitespaces)
        try await f.save(on: db)
        try await ForeignerSummary.refresh(id, today: today, on: db)
    }

    // MARK: - Four eyes

    /// A pending change the user may decide: a supervisor whose jurisdiction holds the record, who did not propose it.
    static func decidable(_ id: UUID, _ req: Request) async throws -> PendingChange {
        let p = try req.requirePrincipal()
        guard let pc = try await PendingChange.find(id, on: req.db) else { throw Abort(.notFound) }
        _ = try await ScopePolicy.foreigner(pc.foreignerID, req)            // 404 outside the jurisdiction
        guard ScopePolicy.maySupervise(p) else { throw AppError.forbidden("reg.supervisorOnly") }
        guard pc.proposedBy != p.userID else { throw AppError.forbidden("reg.fourEyes") }
        guard pc.status == "pending" else { throw AppError.conflict("reg.decided") }
        return pc
    }

    static func decide(_ id: UUID, approve: Bool, note: String?, _ req: Request) async throws -> PendingChange {
        let p = try req.requirePrincipal()
        let pc = try await decidable(id, req)
        let note = try ValidationFailure.text(note, "note", max: 500)
        if !approve && note == nil { throw ValidationFailure("v.required", field: "note") }
        let changes = try JSONDecoder().decode([String: [String?]].self, from: Data(pc.changes.utf8))
        let proposer = try await User.find(pc.proposedBy, on: req.db)
        let now = req.application.clock.now()
        return try await req.audited { db in
            if approve {
                // The values the proposer saw must still be the record's: otherwise the change is decided against stale data.
                guard let f = try await Foreigner.find(pc.foreignerID, on: db) else { throw Abort(.notFound) }
                for (field, values) in changes where current(field, f) != values[0] { throw AppError.conflict("reg.stale", field) }
                try await apply(changes, to: pc.foreignerID, today: req.application.today, on: db)
                try await history(changes.sorted { $0.key < $1.key }.map { .init(foreignerID: pc.foreignerID, objectType: "foreigner", objectID: pc.foreignerID, record: nil, field: $0.key, old: $0.value[0], new: $0.value[1], validFrom: nil) },
                                  source: "approved:\(pc.id!.uuidString)", reason: pc.reason, by: p,
                                  name: "\(proposer?.displayName ?? "?") · \(L10n.t("reg.approvedBy", .id)) \(p.displayName)", at: now, on: db)
            }
            pc.status = approve ? "approved" : "rejected"; pc.decidedBy = p.userID; pc.decidedAt = now; pc.decisionNote = note
            try await pc.save(on: db)
            return (pc, [AuditEntry(action: approve ? "foreigner.change.approve" : "foreigner.change.reject", objectType: "pending_change", objectID: pc.id!.uuidString, detail: "foreigner=\(pc.foreignerID.uuidString)")])
        }
    }

    static func current(_ field: String, _ f: Foreigner) -> String? {
        switch field {
        case "familyName": return f.familyName
        case "givenNames": return f.givenNames
        case "dateOfBirth": return f.dateOfBirth
        case "nationality": return f.nationality
        case "passportNumber": return f.passportNumber
        case "sex": return f.sex
        case "placeOfBirth": return f.placeOfBirth
        case "spouseOfCitizen": return String(f.spouseOfCitizen ?? false)
        default: return nil
        }
    }

    /// Pending changes of records the user may see (officers and supervisors), oldest first.
    static func pending(_ req: Request, foreigner: UUID? = nil, paging: Paging = Paging(page: 1, per: 500)) async throws -> [PendingChange] {
        try await pendingPage(req, foreigner: foreigner, paging: paging, counted: false).items
    }

    /// One page of them, and how many there are in all (scoped and paged in SQL).
    static func pendingPage(_ req: Request, foreigner: UUID? = nil, paging: Paging, counted: Bool = true) async throws -> (items: [PendingChange], total: Int) {
        let filter = try ScopePolicy.personalFilter(try req.requirePrincipal())
        let sql = req.db as! any SQLDatabase
        struct Row: Decodable { var id: UUID }
        struct Count: Decodable { var n: Int }
        var q: SQLQueryString = "FROM pending_changes pc JOIN foreigners f ON f.id = pc.foreigner_id WHERE pc.status = 'pending' AND \(filter.qualified("f"))"
        if let foreigner { q = q + " AND pc.foreigner_id = \(bind: foreigner)" }
        let ids = try await sql.raw("SELECT pc.id " + q + " ORDER BY pc.proposed_at, pc.id LIMIT \(bind: paging.per) OFFSET \(bind: paging.offset)").all(decoding: Row.self).map(\.id)
        let total = counted ? try await sql.raw("SELECT COUNT(*) AS n " + q).first(decoding: Count.self)?.n ?? 0 : ids.count
        if ids.isEmpty { return ([], total) }
        return (try await PendingChange.query(on: req.db).filter(\.$id ~~ ids).sort(\.$proposedAt).sort(\.$id).all(), total)
    }

    // MARK: - Passports, permits, addresses, employments

    /// Refuses a passport number already recorded (with its issuing country), saying whether it is this person's own
    /// (a renewal typed twice, an old passport) or another person's.
    static func passportFree(_ number: String, issuing: String, for person: UUID, _ db: any Database) async throws {
        guard let holder = try await Passport.query(on: db).filter(\.$number == number).filter(\.$issuingCountry == issuing).first() else { return }
        throw AppError.conflict(holder.$foreigner.id == person ? "reg.passportOwn" : "reg.passportTaken", number)
    }

    static func addPassport(_ f: Foreigner, _ input: PassportInput, _ req: Request) async throws {
        let p = try req.requirePrincipal()
        var checks = FieldChecks()
        let reasonChecked = try checks.run { try reason(input.reason) }
        let numberChecked = try checks.run { try passportNumber(input.number, "number") }
        let issuingChecked = try checks.run { try country(input.issuingCountry ?? f.nationality, "issuingCountry") }
        let issuedOn = (try checks.run { try day(input.issuedOn, "issuedOn", notFuture: req.application.today) }) ?? nil
        let expiresChecked = try checks.run { () throws -> String in
            let e = try requiredDay(input.expiresOn, "expiresOn")
            if let i = issuedOn, i > e { throw ValidationFailure("v.dayOrder", field: "expiresOn", i) }
            return e
        }
        let (why, number, issuing, expiresOn) = try checks.finish(reasonChecked, numberChecked, issuingChecked, expiresChecked)
        let id = try f.requireID(), now = req.application.clock.now()
        try await passportFree(number, issuing: issuing, for: id, req.db)
        try await req.audited { db in
            let all = try await Passport.query(on: db).filter(\.$foreigner.$id == id).all()
            let latest = all.map(\.expiresOn).max() ?? ""
            let isCurrent = expiresOn >= latest
            if isCurrent { for old in all where old.isCurrent { old.isCurrent = false; try await old.save(on: db) } }
            let pp = Passport()
            pp.$foreigner.id = id; pp.number = number; pp.issuingCountry = issuing; pp.issuedOn = issuedOn; pp.expiresOn = expiresOn; pp.isCurrent = isCurrent
            try await pp.create(on: db)
            try await ForeignerSummary.refresh(id, today: req.application.today, on: db)
            try await history([.init(foreignerID: id, objectType: "passport", objectID: pp.id!, record: number, field: "passport", old: all.first(where: \.isCurrent)?.number, new: "\(number) (\(issuing)) → \(expiresOn)", validFrom: issuedOn)],
                              source: "officer", reason: why, by: p, at: now, on: db)
            return ((), [AuditEntry(action: "foreigner.passport.add", objectType: "foreigner", objectID: id.uuidString, detail: "officer")])
        }
    }

    /// A new permit's fields once checked (`permitFields`).
    struct NewPermit: Sendable {
        var number: String, type: PermitType, start: String, end: String, sponsor: UUID?

        func create(for person: UUID, office: UUID?, on db: any Database) async throws -> StayPermit {
            let sp = StayPermit()
            sp.$foreigner.id = person; sp.$type.id = try type.requireID(); sp.number = number; sp.startOn = start; sp.endOn = end
            sp.status = PermitStatus.active.rawValue; sp.$sponsor.id = sponsor; sp.$office.id = office
            try await sp.create(on: db)
            return sp
        }
    }

    /// Checks a new permit's fields into `checks`, named as the forms name them (`permitNumber`, `permitType`, `startOn`,
    /// `endOn`); nil when one of them is wrong. The sponsor's scope is checked later, once every field is right.
    static func permitFields(_ pi: PermitInput, _ checks: inout FieldChecks, db: any Database) async throws -> NewPermit? {
        let number = try checks.run { try ValidationFailure.required(pi.number, "permitNumber", max: 40) }
        let type = try await checks.run { () async throws -> PermitType in
            guard let typeCode = pi.type?.trimmingCharacters(in: .whitespaces).uppercased(), let type = try await PermitType.find(typeCode, on: db) else {
                throw ValidationFailure("v.oneOf", field: "permitType", try await PermitType.query(on: db).all().compactMap(\.id).joined(separator: ", "))
            }
            return type
        }
        let start = try checks.run { try requiredDay(pi.startOn, "startOn") }
        let end = try checks.run { () throws -> String in
            let end = try requiredDay(pi.endOn, "endOn")
            if let start, end < start { throw ValidationFailure("v.dayOrder", field: "endOn", start) }
            return end
        }
        guard let number, let type, let start, let end else { return nil }
        return NewPermit(number: number.uppercased(), type: type, start: start, end: end, sponsor: pi.sponsorId)
    }

    /// Refuses a permit number already recorded, saying whether it is this person's own (then it is extended, not added)
    /// or another person's.
    static func permitFree(_ number: String, for person: UUID?, _ db: any Database) async throws {
        guard let holder = try await StayPermit.query(on: db).filter(\.$number == number).first() else { return }
        throw AppError.conflict(holder.$foreigner.id == person ? "reg.permitOwn" : "reg.permitTaken", number)
    }

    /// A permit issued to someone on record: a renewal under a new number, a change of status (ITAS to ITAP, with
    /// `replaces`: the permit it takes over is replaced, or ends the day before the new one begins), a stay permit after a
    /// visit. A permit extended under its own number is `changePermit`.
    static func addPermit(_ f: Foreigner, _ input: NewPermitInput, _ req: Request) async throws {
        let p = try req.requirePrincipal()
        let id = try f.requireID()
        var checks = FieldChecks()
        let reasonChecked = try checks.run { try reason(input.reason) }
        let permitChecked = try await permitFields(PermitInput(number: input.number, type: input.type, startOn: input.startOn, endOn: input.endOn,
                                                               sponsorId: input.sponsorId), &checks, db: req.db)
        let active = try await StayPermit.query(on: req.db).filter(\.$foreigner.$id == id).filter(\.$status == PermitStatus.active.rawValue).all()
        let replacesChecked = try checks.run { () throws -> StayPermit? in
            guard let n = input.replaces?.trimmingCharacters(in: .whitespaces), !n.isEmpty else { return nil }
            guard let old = active.first(where: { $0.number.caseInsensitiveCompare(n) == .orderedSame }) else {
                throw ValidationFailure("v.permitReplaces", field: "replaces", n)
            }
            return old
        }
        let (why, permit, replaced) = try checks.finish(reasonChecked, permitChecked, replacesChecked)
        // A permit that takes over another begins on or after that one's first day: earlier is a slip of the date (or the
        // other permit's start was recorded wrongly, and that one is cancelled first).
        if let replaced, permit.start < replaced.startOn {
            throw ValidationFailure("v.permitReplacesEarlier", field: "startOn", replaced.number, replaced.startOn)
        }
        if let s = permit.sponsor { _ = try await ScopePolicy.sponsor(s, req) }
        try await permitFree(permit.number, for: id, req.db)
        let now = req.application.clock.now()
        try await req.audited { db in
            let sp = try await permit.create(for: id, office: p.officeID, on: db)
            var rows: [RegistryBatchApplier.HistoryRow] = [
                .init(foreignerID: id, objectType: "permit", objectID: try sp.requireID(), record: permit.number, field: "permit", old: replaced?.number,
                      new: "\(permit.number) \(try permit.type.requireID()) \(permit.start)–\(permit.end)", validFrom: permit.start)]
            if let replaced {
                // Taken over from its first day: replaced. Taken over later: in force until the day before the new one
                // begins, so that no gap opens between them (a conversion to ITAP from 1 June leaves the ITAS in force
                // until 31 May). Ended before the new one begins: left as it is.
                let objectID = try replaced.requireID()
                if permit.start <= replaced.startOn {
                    rows.append(.init(foreignerID: id, objectType: "permit", objectID: objectID, record: replaced.number, field: "permit.status",
                                      old: replaced.status, new: PermitStatus.replaced.rawValue, validFrom: permit.start))
                    replaced.status = PermitStatus.replaced.rawValue
                } else if let dayBefore = Day.adding(-1, to: permit.start), dayBefore < replaced.endOn {
                    rows.append(.init(foreignerID: id, objectType: "permit", objectID: objectID, record: replaced.number, field: "permit.endOn",
                                      old: replaced.endOn, new: dayBefore, validFrom: nil))
                    replaced.endOn = dayBefore
                }
                try await replaced.save(on: db)
            }
            try await ForeignerSummary.refresh(id, today: req.application.today, on: db)
            try await history(rows, source: "officer", reason: why, by: p, at: now, on: db)
            return ((), [AuditEntry(action: "foreigner.permit.add", objectType: "foreigner", objectID: id.uuidString, detail: "officer")])
        }
    }

    static func changePermit(_ f: Foreigner, number: String, _ input: PermitChangeInput, _ req: Request) async throws {
        let p = try req.requirePrincipal()
        let id = try f.requireID()
        let permits = try await StayPermit.query(on: req.db).filter(\.$foreigner.$id == id).all()
        guard let permit = permits.first(where: { $0.number == number }) else { throw Abort(.notFound) }
        // The permit that took this one over from its first day (the one in force that day), named in the messages.
        let takenOverBy = permit.status != PermitStatus.replaced.rawValue ? nil : permits.filter {
            $0.number != permit.number && $0.startOn <= permit.startOn && $0.endOn >= permit.startOn
                && $0.status != PermitStatus.cancelled.rawValue && $0.status != PermitStatus.replaced.rawValue
        }.max { $0.startOn < $1.startOn }
        func replaced(_ key: String, field: String) -> ValidationFailure {
            takenOverBy.map { ValidationFailure(key + "By", field: field, permit.number, $0.number) } ?? ValidationFailure(key, field: field, permit.number)
        }
        var checks = FieldChecks()
        let reasonChecked = try checks.run { try reason(input.reason) }
        let endChecked = try checks.run { () throws -> String? in
            guard let end = try day(input.endOn, "endOn") else { return nil }
            if end < permit.startOn { throw ValidationFailure("v.dayOrder", field: "endOn", permit.startOn) }
            // A permit another one took over from its first day is not extended: the stay goes on under the new one.
            if permit.status == PermitStatus.replaced.rawValue { throw replaced("v.permitReplaced", field: "endOn") }
            // Taken over later (in force until the day before the next permit begins): extended, the two would overlap.
            let later = permits.filter { $0.number != permit.number && $0.startOn > permit.startOn && $0.startOn <= end
                && $0.status != PermitStatus.cancelled.rawValue && $0.status != PermitStatus.replaced.rawValue }
            if let next = later.min(by: { $0.startOn < $1.startOn }) {
                throw ValidationFailure("v.permitTakenOver", field: "endOn", next.number, next.startOn)
            }
            // Earlier than now: a correction only when said so (an extension form's earlier date is usually a slip).
            if end < permit.endOn, input.shorten != true { throw ValidationFailure("v.permitShorter", field: "endOn", permit.endOn) }
            // Said to be shortened, and not: one of the two is a slip.
            if end >= permit.endOn, input.shorten == true { throw ValidationFailure("v.permitNotShorter", field: "endOn", permit.endOn) }
            return end
        }
        let statusChecked = try checks.run { () throws -> String? in
            guard let s = input.status?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
            guard ["active", "expired", "cancelled"].contains(s) else { throw ValidationFailure("v.oneOf", field: "status", "active, expired, cancelled") }
            // Taken over from its first day, a permit only may still be cancelled (the change of status was a mistake and
            // the permit never held); brought back, it would stand beside the permit that replaced it.
            if permit.status == PermitStatus.replaced.rawValue, s != "cancelled" { throw replaced("v.permitReplacedStatus", field: "status") }
            return s
        }
        // Neither given: only when both fields were read without a mistake.
        if case .some(nil) = endChecked, case .some(nil) = statusChecked {
            _ = try checks.run { () throws -> Void in throw ValidationFailure("v.permitEndOrStatus", field: "endOn") }
        }
        let (why, end, status) = try checks.finish(reasonChecked, endChecked, statusChecked)
        var rows: [RegistryBatchApplier.HistoryRow] = []
        let pid = try permit.requireID()
        if let end, end != permit.endOn { rows.append(.init(foreignerID: id, objectType: "permit", objectID: pid, record: number, field: "permit.endOn", old: permit.endOn, new: end, validFrom: nil)) }
        if let status, status != permit.status { rows.append(.init(foreignerID: id, objectType: "permit", objectID: pid, record: number, field: "permit.status", old: permit.status, new: status, validFrom: nil)) }
        if rows.isEmpty { return }
        let now = req.application.clock.now()
        let newStatus = status, historyRows = rows
        try await req.audited { db in
            if let end { permit.endOn = end }
            if let newStatus { permit.status = newStatus }
            try await permit.save(on: db)
            try await ForeignerSummary.refresh(id, today: req.application.today, on: db)
            try await history(historyRows, source: "officer", reason: why, by: p, at: now, on: db)
            return ((), [AuditEntry(action: "foreigner.permit.change", objectType: "foreigner", objectID: id.uuidString, detail: "fields=\(historyRows.map(\.field).joined(separator: ","))")])
        }
    }

    static func addAddress(_ f: Foreigner, _ input: AddressInput, _ req: Request, source: String = "officer") async throws {
        let p = try req.requirePrincipal()
        var checks = FieldChecks()
        let reasonChecked = try checks.run { try reason(input.reason) }
        let villageChecked = try await checks.run { try await village(input.villageCode, "villageCode", db: req.db) }
        let lineChecked = try checks.run { () throws -> String in
            guard let line = try ValidationFailure.text(input.line, "line", max: 300) else { throw ValidationFailure("v.required", field: "line") }
            return line
        }
        let fromChecked = try checks.run { try requiredDay(input.validFrom, "validFrom") }
        let (why, villageCode, line, validFrom) = try checks.finish(reasonChecked, villageChecked, lineChecked, fromChecked)
        let id = try f.requireID(), now = req.application.clock.now()
        try await req.audited { db in
            try await record(address: line, village: villageCode, validFrom: validFrom, foreigner: id, source: source, reason: why, by: p, at: now, today: req.application.today, on: db)
            return ((), [AuditEntry(action: "foreigner.address.add", objectType: "foreigner", objectID: id.uuidString, detail: source)])
        }
    }

    /// A new address (or a corrected one for the same day): the latest is current, each other ends where the next begins.
    static func record(address line: String, village: String, validFrom: String, foreigner id: UUID, source: String, reason: String, by p: Principal,
                       at now: Date, today: String, on db: any Database) async throws {
        let all = try await Address.query(on: db).filter(\.$foreigner.$id == id).all()
        let before = all.filter(\.isCurrent).first
        let a = all.first { $0.validFrom == validFrom } ?? Address()
        if a.id == nil { a.$foreigner.id = id; a.validFrom = validFrom; a.isCurrent = false }
        a.line = line; a.villageCode = village; a.districtCode = RegionCode.district(of: village) ?? village
        try await a.save(on: db)
        let ordered = (all.filter { $0.id != a.id } + [a]).sorted { $0.validFrom < $1.validFrom }
        for (n, x) in ordered.enumerated() {
            let next = n + 1 < ordered.count ? ordered[n + 1].validFrom : nil
            if x.isCurrent != (next == nil) || x.validTo != next { x.isCurrent = next == nil; x.validTo = next; try await x.save(on: db) }
        }
        try await ForeignerSummary.refresh(id, today: today, on: db)
        try await history([.init(foreignerID: id, objectType: "address", objectID: a.id!, record: validFrom, field: "address",
                                 old: before.map { "\($0.line), \($0.villageCode)" }, new: "\(line), \(village)", validFrom: validFrom)],
                          source: source, reason: reason, by: p, at: now, on: db)
    }

    static func endEmployment(_ f: Foreigner, employment: UUID, _ input: EmploymentEndInput, _ req: Request) async throws {
        let p = try req.requirePrincipal()
        let id = try f.requireID()
        guard let e = try await Employment.query(on: req.db).filter(\.$id == employment).filter(\.$foreigner.$id == id).first() else { throw Abort(.notFound) }
        var checks = FieldChecks()
        let reasonChecked = try checks.run { try reason(input.reason) }
        let endChecked = try checks.run { () throws -> String in
            let end = try requiredDay(input.endOn, "endOn")
            if end < e.startOn { throw ValidationFailure("v.dayOrder", field: "endOn", e.startOn) }
            return end
        }
        let (why, end) = try checks.finish(reasonChecked, endChecked)
        if e.endOn == end { return }
        let now = req.application.clock.now()
        try await req.audited { db in
            let old = e.endOn
            e.endOn = end
            try await e.save(on: db)
            try await history([.init(foreignerID: id, objectType: "employment", objectID: employment, record: nil, field: "employment.endOn", old: old, new: end, validFrom: nil)],
                              source: "officer", reason: why, by: p, at: now, on: db)
            return ((), [AuditEntry(action: "foreigner.employment.end", objectType: "foreigner", objectID: id.uuidString, detail: "officer")])
        }
    }
}

/// A change to identity fields waiting for a second person (`pending_changes`). `changes`: JSON
/// `{"field": [old, new]}`.
final class PendingChange: Model, @unchecked Sendable {
    static let schema = "pending_changes"
    @ID(key: .id) var id: UUID?
    @Field(key: "foreigner_id") var foreignerID: UUID
    @OptionalField(key: "office_id") var officeID: UUID?
    @Field(key: "proposed_by") var proposedBy: UUID
    @Field(key: "proposed_at") var proposedAt: Date
    @Field(key: "changes") var changes: String
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: String          // pending | approved | rejected
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_note") var decisionNote: String?
    init() {}

    var changeList: [(field: String, old: String?, new: String?)] {
        let d = (try? JSONDecoder().decode([String: [String?]].self, from: Data(changes.utf8))) ?? [:]
        return d.sorted { $0.key < $1.key }.map { ($0.key, $0.value.first ?? nil, $0.value.count > 1 ? $0.value[1] : nil) }
    }
}

extension RegistryEdits.FieldInput {
    /// PATCH semantics for the fields that may be empty (given names, date and place of birth): left out, a field is
    /// left as it is; `null` clears it, as `""` does (RFC 7396). Every other field reads `null` as left out, as before.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func clearable(_ key: CodingKeys) throws -> String? {
            guard c.contains(key) else { return nil }
            return try c.decodeNil(forKey: key) ? "" : try c.decode(String.self, forKey: key)
        }
        familyName = try c.decodeIfPresent(String.self, forKey: .familyName)
        givenNames = try clearable(.givenNames)
        dateOfBirth = try clearable(.dateOfBirth)
        nationality = try c.decodeIfPresent(String.self, forKey: .nationality)
        passportNumber = try c.decodeIfPresent(String.self, forKey: .passportNumber)
        sex = try c.decodeIfPresent(String.self, forKey: .sex)
        placeOfBirth = try clearable(.placeOfBirth)
        spouseOfCitizen = try c.decodeIfPresent(Bool.self, forKey: .spouseOfCitizen)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
    }
}
