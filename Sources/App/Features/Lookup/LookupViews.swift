import Vapor

/// The field check (`/lookup`), phone-first: the answer comes first, the form follows for the next
/// check. The form works by keyboard alone (plain labelled inputs, one submit button); after an error
/// everything typed stays and the message stands beside its field.
enum LookupViews {
    /// The fields the form shows; a failure about any other stands at the top of the form.
    static let fields: Set<String> = ["passport", "name", "mrz", "purpose"]

    /// `results`: nil when nothing was asked yet. `elsewhere`: the offices holding the number when none of the
    /// jurisdiction's records has it (`LookupController.registeredElsewhere`).
    static func page(_ req: Request, state: FormState, results: [LookupController.Item]?, elsewhere: [String] = []) -> Response {
        let lang = req.language
        var answer: HTML = ""
        if let results {
            if !results.isEmpty {
                answer = results.html { card($0, req) }
            } else if elsewhere.isEmpty {
                let byNumber = !(state.value("passport").isEmpty && state.value("mrz").isEmpty)
                answer = "<p class=\"card muted\" id=\"lookup-empty\">\(L10n.t(byNumber ? "lookup.none" : "lookup.noneName", lang))</p>"
            } else {
                let offices = elsewhere.filter { !$0.isEmpty }
                let text = offices.isEmpty ? L10n.t("lookup.elsewhereNoOffice", lang) : L10n.f("lookup.elsewhere", lang, offices.joined(separator: ", "))
                answer = "<p class=\"card notice\" id=\"lookup-elsewhere\" role=\"status\">\(text)</p>"
            }
        }
        let purposes = ReadPurpose.allCases.map { (value: $0.rawValue, label: L10n.t("purpose.\($0.rawValue)", lang)) }
        let typed: HTML = "autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\""
        return Views.page(req, title: L10n.t("lookup.title", lang), body: """
        <h1>\(L10n.t("lookup.title", lang))</h1>
        <div id="lookup-results" aria-live="polite">\(answer)</div>
        \(Form.open(req, action: SiteURL.lookup.path, id: "lookup-form", method: "get", state: state, classes: "card"))
          <p class="muted" id="lookup-hint">\(L10n.t("lookup.hint", lang))</p>
          \(Form.field("passport", label: L10n.t("lookup.passport", lang), state: state, attributes: typed))
          \(Form.field("name", label: L10n.t("lookup.name", lang), state: state, attributes: "autocomplete=\"off\" spellcheck=\"false\""))
          \(Form.field("mrz", label: L10n.t("lookup.mrz", lang), state: state, kind: .textarea(rows: 3), attributes: "class=\"mono\" \(typed)"))
          \(Form.field("purpose", label: L10n.t("lookup.purpose", lang), state: state, kind: .select(purposes)))
          \(Form.submit(L10n.t("lookup.submit", lang)))
        </form>
        """, status: state.hasErrors ? .unprocessableEntity : .ok)
    }

    static func card(_ i: LookupController.Item, _ req: Request) -> HTML {
        let lang = req.language
        let today = req.application.today
        let state = i.permitState(today: today, departed: i.status == PermitState.departed.code)
        let fine: HTML = i.fineIDR > 0 || i.deportationCase ? """
        <p class="alert">\(L10n.t("lookup.fine", lang)): <span class="nowrap">\(OverstayFine.rupiah(i.fineIDR))</span>\(i.deportationCase ? " · \(L10n.t("lookup.deportation", lang))" : "")</p>
        """ : ""
        // While a permit held before a gap runs, its end is the one that counts; the next permit's start is said too.
        let end = i.endInForce(today: today)
        let next = i.nextPermitStart.map { " · " + L10n.format("status.nextPermitFrom", lang, [Views.day($0, req)]) } ?? ""
        let permit = i.permitCategory.map { "\(RegistryText.category($0, lang)) · \(L10n.t("f.end", lang)) \(end.map { Views.day($0, req) } ?? "—")\(next)" }
            ?? L10n.t("status.noPermit", lang)
        let tasks: HTML = i.openTasks.isEmpty ? "" : """
        <dt>\(L10n.t("lookup.openTasks", lang))</dt><dd class="open-tasks">\(i.openTasks.html { "\($0.title) (\(L10n.t("task.due", lang)) \(Views.day($0.dueOn, req)))<br>" as HTML })</dd>
        """
        return """
        <section class="card lookup-result">
          <h2><a href="\(SiteURL.foreigner(.id(i.id)).with(["purpose": ReadPurpose.fieldCheck.rawValue]))">\(i.fullName)</a> \(Views.statusBadge(state, lang))</h2>
          \(fine)
          <dl class="facts">
            <dt>\(L10n.t("f.passportNumber", lang))</dt><dd>\(i.passportNumber ?? "—")</dd>
            <dt>\(L10n.t("f.nationality", lang))</dt><dd>\(RegistryText.nationality(i.nationality, lang))</dd>
            <dt>\(L10n.t("f.sex", lang)) · \(L10n.t("f.dob", lang))</dt><dd>\(RegistryText.sex(i.sex, lang)) · \(i.dateOfBirth.map { Views.day($0, req) } ?? "—")</dd>
            <dt>\(L10n.t("f.permits", lang))</dt><dd>\(permit)</dd>
            <dt>\(L10n.t("f.sponsor", lang))</dt><dd>\(i.sponsorName ?? "—") \(i.sponsorPhone.map { phone -> HTML in
                let dial = phone.filter { $0.isNumber || $0 == "+" }
                return dial.count >= 6 ? "<a href=\"tel:\(dial)\">\(phone)</a>" : "\(phone)"
            } ?? "")</dd>
            <dt>\(L10n.t("f.address", lang))</dt><dd>\(i.address ?? "—")</dd>
            \(tasks)
          </dl>
        </section>
        """
    }
}
