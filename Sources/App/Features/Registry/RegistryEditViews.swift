import Fluent
import Foundation
import Vapor

/// `/foreigners/new`, `/foreigners/{id}/edit` and `/pending-changes`.
enum RegistryEditViews {
    static let newFields: Set<String> = ["familyName", "givenNames", "sex", "dateOfBirth", "nationality", "placeOfBirth", "passportNumber", "issuingCountry",
                                         "issuedOn", "expiresOn", "permitNumber", "permitType", "startOn", "endOn", "sponsorId", "position", "line",
                                         "villageCode", "validFrom", "reason"]

    static func fields(_ section: RegistryEditsController.Section) -> Set<String> {
        switch section {
        case .identity: ["familyName", "givenNames", "dateOfBirth", "nationality", "passportNumber", "sex", "placeOfBirth", "reason"]
        case .passport: ["number", "issuingCountry", "issuedOn", "expiresOn", "reason"]
        case .permit: ["permitNumber", "endOn", "shorten", "status", "reason"]
        case .newPermit: ["permitNumber", "permitType", "startOn", "endOn", "sponsorId", "replaces", "reason"]
        case .address: ["line", "villageCode", "validFrom", "reason"]
        case .employment: ["employmentId", "endOn", "reason"]
        }
    }

    /// The list a section's change is made on (a permit, an employment): a choice that is not this person's is said beside it.
    static func choiceField(_ section: RegistryEditsController.Section) -> String? {
        switch section {
        case .permit: "permitNumber"
        case .employment: "employmentId"
        default: nil
        }
    }

    static func sexOptions(_ lang: Language) -> [(value: String, label: String)] {
        [("", L10n.t("reg.choose", lang)), ("M", L10n.t("sex.M", lang)), ("F", L10n.t("sex.F", lang)), ("X", L10n.t("reg.sexX", lang))]
    }

    static func reasonField(_ s: FormState, _ lang: Language, id: String) -> HTML {
        Form.field("reason", label: L10n.t("reg.reason", lang), state: s, kind: .textarea(rows: 2), required: true, hint: L10n.t("reg.reasonHint", lang),
                   id: id, attributes: "maxlength=\"500\" class=\"plain\"")
    }

    /// The permit types an officer picks from, as "code · label" (a label may carry its own brackets): every type but
    /// those of category "other".
    static func permitTypeOptions(_ req: Request) async throws -> [(value: String, label: String)] {
        let types = try await PermitType.query(on: req.db).filter(\.$category != "other").sort(\.$category).sort(\.$id).all()
        return [("", L10n.t("reg.choose", req.language))] + types.map { ($0.id!, "\($0.id!) · \($0.label)") }
    }

    static func newForeigner(_ req: Request, state s: FormState, status: HTTPResponseStatus = .ok) async throws -> Response {
        let lang = req.language
        let p = try req.requirePrincipal()
        let sponsorField = try await SponsorPicker.field(req, name: "sponsorId", label: L10n.t("f.sponsor", lang), state: s,
                                                         none: L10n.t("reg.noSponsor", lang), from: try ScopePolicy.sponsors(req))
        let picker = try await RegionPicker.field(req, name: "villageCode", label: L10n.t("f.village", lang), state: s, depth: .village,
                                                  within: p.jurisdiction, required: true, hint: L10n.t("reg.villageHint", lang))
        return Views.page(req, title: L10n.t("reg.new", lang), body: """
        <h1>\(L10n.t("reg.new", lang))</h1>
        <p class="muted">\(L10n.t("reg.newIntro", lang))</p>
        \(Form.open(req, action: RegistryURL.newForeigner.path, id: "new-foreigner", state: s))
        <fieldset><legend>\(L10n.t("reg.person", lang))</legend>
        \(Form.field("familyName", label: L10n.t("f.familyName", lang), state: s, required: true, hint: L10n.t("reg.asInPassport", lang), attributes: "maxlength=\"100\" autocomplete=\"off\""))
        \(Form.field("givenNames", label: L10n.t("f.givenNames", lang), state: s, attributes: "maxlength=\"100\" autocomplete=\"off\""))
        \(Form.field("sex", label: L10n.t("f.sex", lang), state: s, kind: .select(sexOptions(lang)), required: true))
        \(Form.field("dateOfBirth", label: L10n.t("f.dob", lang), state: s, kind: .date))
        \(Form.field("nationality", label: L10n.t("f.nationality", lang), state: s, required: true, hint: L10n.t("imp.help.nationality", lang), attributes: "maxlength=\"60\" autocapitalize=\"characters\""))
        \(Form.field("placeOfBirth", label: L10n.t("f.placeOfBirth", lang), state: s, attributes: "maxlength=\"100\""))
        </fieldset>
        <fieldset><legend>\(L10n.t("f.passport", lang))</legend>
        \(Form.field("passportNumber", label: L10n.t("f.passportNumber", lang), state: s, required: true, attributes: "maxlength=\"20\" autocapitalize=\"characters\" autocomplete=\"off\""))
        \(Form.field("issuingCountry", label: L10n.t("f.issuingCountry", lang), state: s, hint: L10n.t("reg.issuingHint", lang), attributes: "maxlength=\"3\" autocapitalize=\"characters\""))
        \(Form.field("issuedOn", label: L10n.t("reg.issuedOn", lang), state: s, kind: .date))
        \(Form.field("expiresOn", label: L10n.t("f.expires", lang), state: s, kind: .date, required: true))
        </fieldset>
        <fieldset><legend>\(L10n.t("f.addresses", lang))</legend>
        \(Form.field("line", label: L10n.t("f.address", lang), state: s, required: true, attributes: "maxlength=\"300\""))
        \(picker)
        \(Form.field("validFrom", label: L10n.t("f.validFrom", lang), state: s, kind: .date))
        </fieldset>
        <fieldset><legend>\(L10n.t("reg.permitOptional", lang))</legend>
        \(Form.field("permitNumber", label: L10n.t("f.permitNumber", lang), state: s, attributes: "maxlength=\"40\" autocapitalize=\"characters\""))
        \(Form.field("permitType", label: L10n.t("f.permitType", lang), state: s, kind: .select(try await permitTypeOptions(req))))
        \(Form.field("startOn", label: L10n.t("f.start", lang), state: s, kind: .date))
        \(Form.field("endOn", label: L10n.t("f.end", lang), state: s, kind: .date))
        \(sponsorField)
        \(Form.field("position", label: L10n.t("f.position", lang), state: s, hint: L10n.t("reg.positionHint", lang), attributes: "maxlength=\"120\""))
        </fieldset>
        \(reasonField(s, lang, id: "reason"))
        \(Form.submit(L10n.t("reg.create", lang)))
        </form>
        """, status: status)
    }

    static func edit(_ req: Request, _ d: ForeignerDetail, foreigner f: Foreigner, pending: [PendingChange], states: [RegistryEditsController.Section: FormState],
                     status: HTTPResponseStatus) async throws -> Response {
        let lang = req.language
        let id = URLParam.id(d.foreigner.id)
        func state(_ s: RegistryEditsController.Section, _ defaults: [String: String] = [:]) -> FormState {
            states[s] ?? FormState(values: defaults)
        }
        let identity = state(.identity, ["familyName": f.familyName, "givenNames": f.givenNames, "dateOfBirth": f.dateOfBirth ?? "", "nationality": f.nationality,
                                         "passportNumber": f.passportNumber ?? "", "sex": f.sex, "placeOfBirth": f.placeOfBirth ?? "",
                                         "spouseOfCitizen": String(f.spouseOfCitizen ?? false)])
        let passport = state(.passport, ["issuingCountry": f.nationality])
        let permit = state(.permit, ["permitNumber": d.permits.first { $0.status == "active" }?.number ?? d.permits.first { $0.status != PermitStatus.replaced.rawValue }?.number ?? ""])
        let active = d.permits.filter { $0.status == PermitStatus.active.rawValue }
        let latest = active.max { $0.endOn < $1.endOn }
        // A renewal usually begins the day after the permit it follows ends, with the same sponsor.
        let newPermit = state(.newPermit, ["startOn": latest.flatMap { Day.adding(1, to: $0.endOn) } ?? req.application.today,
                                           "sponsorId": latest?.sponsorID?.uuidString ?? ""])
        let address = state(.address, ["validFrom": req.application.today])
        let employment = state(.employment, ["endOn": req.application.today])
        let section = { (s: RegistryEditsController.Section) in RegistryURL.editSection(id, .value(s.rawValue)).path }
        let waiting: HTML = pending.isEmpty ? "" : """
        <section class="card notice" id="pending"><h2>\(L10n.t("reg.pendingTitle", lang))</h2>
        \(pending.html { pc in "<p>\(changeText(pc, lang)) · \(Views.time(pc.proposedAt, req))</p>" })
        <p class="muted">\(L10n.t("reg.pendingNote", lang))</p></section>
        """
        // A permit taken over from its first day is not extended (`v.permitReplaced`), so it is not offered. The current end
        // comes right after the number: a phone's closed list shows only the label's start, and an extension needs the end.
        let permits: [(value: String, label: String)] = d.permits.filter { $0.status != PermitStatus.replaced.rawValue }.map { ($0.number, "\($0.number) · \(Views.day($0.endOn, req)) · \(RegistryText.permitStatus($0.status, startOn: $0.startOn, endOn: $0.endOn, today: req.application.today, lang)) · \(RegistryText.category($0.category, lang))") }
        // Said under the list, so that a permit missing from it is not a mystery.
        let replacedNumbers = d.permits.filter { $0.status == PermitStatus.replaced.rawValue }.map(\.number)
        let replacedHint: String? = replacedNumbers.isEmpty ? nil : L10n.format("reg.replacedNotOffered", lang, [replacedNumbers.joined(separator: ", ")])
        let jobs: [(value: String, label: String)] = try await Employment.query(on: req.db).filter(\.$foreigner.$id == d.foreigner.id).with(\.$sponsor).sort(\.$startOn, .descending).all()
            .map { ($0.id!.uuidString, "\($0.position) · \($0.sponsor.name) · \(Views.day($0.startOn, req))\($0.endOn.map { " – " + Views.day($0, req) } ?? "")") }
        let picker = try await RegionPicker.field(req, name: "villageCode", label: L10n.t("f.village", lang), state: address, depth: .village,
                                                  required: true, hint: L10n.t("reg.villageAnywhere", lang))
        let permitForm: HTML = permits.isEmpty ? "<p class=\"muted\">\(L10n.t("f.none", lang))</p>" : """
        \(Form.open(req, action: section(.permit), id: "permit-form", state: permit))
        \(Form.field("permitNumber", label: L10n.t("f.permitNumber", lang), state: permit, kind: .select(permits), required: true, hint: replacedHint,
                     id: "permit-number"))
        \(Form.field("endOn", label: L10n.t("reg.newEnd", lang), state: permit, kind: .date, hint: L10n.t("reg.newEndHint", lang), id: "permit-end"))
        \(Form.field("shorten", label: L10n.t("reg.shorten", lang), state: permit, kind: .select([("", L10n.t("reg.shortenNo", lang)), ("true", L10n.t("reg.shortenYes", lang))]), id: "permit-shorten"))
        \(Form.field("status", label: L10n.t("f.permitStatus", lang), state: permit, kind: .select([("", L10n.t("reg.keepStatus", lang))] + ["active", "expired", "cancelled"].map { ($0, RegistryText.permitStatus($0, lang)) }), id: "permit-status"))
        \(reasonField(permit, lang, id: "permit-reason"))
        \(Form.submit(L10n.t("reg.savePermit", lang)))
        </form>
        """
        let sponsorField = try await SponsorPicker.field(req, name: "sponsorId", label: L10n.t("f.sponsor", lang), state: newPermit,
                                                         none: L10n.t("reg.noSponsor", lang), from: try ScopePolicy.sponsors(req))
        let replaceable = [("", L10n.t("reg.replacesNone", lang))] + active.map { ($0.number, "\($0.number) · \(RegistryText.category($0.category, lang)) · \(Views.day($0.endOn, req))") }
        let newPermitForm: HTML = """
        <p class="muted">\(L10n.t("reg.newPermitIntro", lang))</p>
        \(Form.open(req, action: section(.newPermit), id: "new-permit-form", state: newPermit))
        \(Form.field("permitNumber", label: L10n.t("f.permitNumber", lang), state: newPermit, required: true, id: "new-permit-number", attributes: "maxlength=\"40\" autocapitalize=\"characters\""))
        \(Form.field("permitType", label: L10n.t("f.permitType", lang), state: newPermit, kind: .select(try await permitTypeOptions(req)), required: true, id: "new-permit-type"))
        \(Form.field("startOn", label: L10n.t("f.start", lang), state: newPermit, kind: .date, required: true, hint: L10n.t("reg.newPermitStartHint", lang), id: "new-permit-start"))
        \(Form.field("endOn", label: L10n.t("f.end", lang), state: newPermit, kind: .date, required: true, id: "new-permit-end"))
        \(sponsorField)
        \(active.isEmpty ? "" : Form.field("replaces", label: L10n.t("reg.replaces", lang), state: newPermit, kind: .select(replaceable), hint: L10n.t("reg.replacesHint", lang), id: "new-permit-replaces"))
        \(reasonField(newPermit, lang, id: "new-permit-reason"))
        \(Form.submit(L10n.t("reg.addPermit", lang)))
        </form>
        """
        let jobForm: HTML = jobs.isEmpty ? "<p class=\"muted\">\(L10n.t("f.none", lang))</p>" : """
        \(Form.open(req, action: section(.employment), id: "employment-form", state: employment))
        \(Form.field("employmentId", label: L10n.t("f.employment", lang), state: employment, kind: .select(jobs), required: true))
        \(Form.field("endOn", label: L10n.t("f.end", lang), state: employment, kind: .date, required: true, id: "employment-end"))
        \(reasonField(employment, lang, id: "employment-reason"))
        \(Form.submit(L10n.t("reg.endEmployment", lang)))
        </form>
        """
        return Views.page(req, title: "\(L10n.t("reg.edit", lang)): \(d.foreigner.fullName)", body: """
        <h1>\(L10n.t("reg.edit", lang)): \(d.foreigner.fullName)</h1>
        <p><a class="button secondary" href="\(SiteURL.foreigner(id).with(["purpose": "verification"]))">← \(L10n.t("reg.back", lang))</a></p>
        \(waiting)
        <section class="card" id="identity"><h2>\(L10n.t("reg.identity", lang))</h2>
        <p class="muted">\(L10n.t("reg.fourEyesNote", lang))</p>
        \(Form.open(req, action: section(.identity), id: "identity-form", state: identity))
        \(Form.field("familyName", label: L10n.t("f.familyName", lang), state: identity, required: true, attributes: "maxlength=\"100\""))
        \(Form.field("givenNames", label: L10n.t("f.givenNames", lang), state: identity, attributes: "maxlength=\"100\""))
        \(Form.field("dateOfBirth", label: L10n.t("f.dob", lang), state: identity, kind: .date))
        \(Form.field("nationality", label: L10n.t("f.nationality", lang), state: identity, required: true, hint: L10n.t("imp.help.nationality", lang), attributes: "maxlength=\"60\" autocapitalize=\"characters\""))
        \(Form.field("passportNumber", label: L10n.t("reg.currentPassport", lang), state: identity, hint: L10n.t("reg.passportFixHint", lang), attributes: "maxlength=\"20\""))
        \(Form.field("sex", label: L10n.t("f.sex", lang), state: identity, kind: .select(sexOptions(lang))))
        \(Form.field("placeOfBirth", label: L10n.t("f.placeOfBirth", lang), state: identity, attributes: "maxlength=\"100\""))
        \(Form.field("spouseOfCitizen", label: L10n.t("f.spouseOfCitizen", lang), state: identity,
                     kind: .select([("false", L10n.t("reg.no", lang)), ("true", L10n.t("reg.yes", lang))]), hint: L10n.t("exempt.spouseHint", lang)))
        \(reasonField(identity, lang, id: "identity-reason"))
        \(Form.submit(L10n.t("reg.saveIdentity", lang)))
        </form></section>
        <section class="card" id="address"><h2>\(L10n.t("reg.newAddress", lang))</h2>
        \(Form.open(req, action: section(.address), id: "address-form", state: address))
        \(Form.field("line", label: L10n.t("f.address", lang), state: address, required: true, attributes: "maxlength=\"300\""))
        \(picker)
        \(Form.field("validFrom", label: L10n.t("f.validFrom", lang), state: address, kind: .date, required: true, id: "address-valid-from"))
        \(reasonField(address, lang, id: "address-reason"))
        \(Form.submit(L10n.t("reg.saveAddress", lang)))
        </form></section>
        <section class="card" id="permit"><h2>\(L10n.t("reg.permitChange", lang))</h2>\(permitForm)</section>
        <section class="card" id="new-permit"><h2>\(L10n.t("reg.newPermit", lang))</h2>\(newPermitForm)</section>
        <section class="card" id="passport"><h2>\(L10n.t("reg.renewedPassport", lang))</h2>
        \(Form.open(req, action: section(.passport), id: "passport-form", state: passport))
        \(Form.field("number", label: L10n.t("f.passportNumber", lang), state: passport, required: true, id: "passport-number", attributes: "maxlength=\"20\""))
        \(Form.field("issuingCountry", label: L10n.t("f.issuingCountry", lang), state: passport, required: true, id: "passport-country", attributes: "maxlength=\"3\""))
        \(Form.field("issuedOn", label: L10n.t("reg.issuedOn", lang), state: passport, kind: .date, id: "passport-issued"))
        \(Form.field("expiresOn", label: L10n.t("f.expires", lang), state: passport, kind: .date, required: true, id: "passport-expires"))
        \(reasonField(passport, lang, id: "passport-reason"))
        \(Form.submit(L10n.t("reg.addPassport", lang)))
        </form></section>
        <section class="card" id="employment"><h2>\(L10n.t("reg.employmentEnd", lang))</h2>\(jobForm)</section>
        """, status: status)
    }

    static func changeText(_ pc: PendingChange, _ lang: Language) -> HTML {
        // Days as the pages write them ("15 Mar 1990"), not as stored.
        pc.changeList.html { c in
            "\(RegistryText.historyField(c.field, lang)): <del>\(c.old.map { LocalTime.daysInText($0, lang: lang) } ?? "—")</del> → <strong>\(c.new.map { LocalTime.daysInText($0, lang: lang) } ?? "—")</strong> "
        }
    }

    static func pending(_ req: Request, _ list: [PendingChange], names: [UUID: String], proposers: [UUID: String], failed: (UUID, String)?,
                        status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let p = req.principal
        let rows: HTML = list.html { pc in
            let mine = pc.proposedBy == p?.userID
            let error: HTML = failed.map { $0.0 == pc.id! ? HTML("<p class=\"alert\" role=\"alert\">\($0.1)</p>") : "" } ?? ""
            let actions: HTML = ScopePolicy.maySupervise(p) && !mine ? """
            \(Form.open(req, action: RegistryURL.approve(.id(pc.id!)).path, id: "approve-\(pc.id!.uuidString)", classes: "inline"))\(Form.submit(L10n.t("reg.approve", lang)))</form>
            \(Form.open(req, action: RegistryURL.reject(.id(pc.id!)).path, id: "reject-\(pc.id!.uuidString)", classes: "inline"))
            \(Form.field("note", label: L10n.t("reg.rejectNote", lang), state: .empty, id: "note-\(pc.id!.uuidString)", attributes: "maxlength=\"500\""))
            \(Form.submit(L10n.t("reg.reject", lang), secondary: true))</form>
            """ : "<p class=\"muted\">\(L10n.t(mine ? "reg.ownProposal" : "reg.supervisorDecides", lang))</p>"
            return """
            <article class="card pending-change" id="pc-\(pc.id!.uuidString)">
            <h2><a href="\(SiteURL.foreigner(.id(pc.foreignerID)).with(["purpose": "verification"]))">\(names[pc.foreignerID] ?? "—")</a></h2>
            <p>\(changeText(pc, lang))</p>
            <p>\(L10n.t("reg.reason", lang)): \(pc.reason)</p>
            <p class="muted">\(L10n.t("reg.proposedBy", lang)) \(proposers[pc.proposedBy] ?? "—") · \(Views.time(pc.proposedAt, req))</p>
            \(error)\(actions)
            </article>
            """
        }
        return Views.page(req, title: L10n.t("reg.pendingPage", lang), body: """
        <h1>\(L10n.t("reg.pendingPage", lang))</h1>
        <p class="muted">\(L10n.t("reg.pendingIntro", lang))</p>
        \(list.isEmpty ? HTML("<p class=\"card muted\">\(L10n.t("reg.noPending", lang))</p>") : rows)
        """, status: status)
    }
}
