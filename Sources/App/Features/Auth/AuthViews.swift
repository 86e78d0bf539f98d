import Vapor

/// The sign-in page (`/login`). After a failure the e-mail stays typed (the password never does), the
/// message stands beside its field and that field has the focus, so a keyboard user corrects it at once.
enum AuthViews {
    // The e-mail is a text input with an e-mail keyboard: "username" (what password managers fill) is not
    // a valid autocomplete value for type=email.
    static func login(_ req: Request, state: FormState, next: String?, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        // On a fresh form the e-mail field takes the focus; after a failure the form kit focuses the field at fault.
        let focus: HTML = state.hasErrors ? "" : " autofocus"
        return Views.page(req, title: L10n.t("login.title", lang), body: """
        <section class="card narrow">
          <h1>\(L10n.t("login.title", lang))</h1>
          \(Form.open(req, action: SiteURL.login.path, id: "login-form", state: state))
            <input type="hidden" name="next" value="\(AuthController.safeNext(next) ?? "")">
            \(Form.field("email", label: L10n.t("login.email", lang), state: state, required: true,
                         attributes: "inputmode=\"email\" autocomplete=\"username\" spellcheck=\"false\" autocapitalize=\"none\"\(focus)"))
            \(Form.field("password", label: L10n.t("login.password", lang), state: state, kind: .password, required: true,
                         attributes: "autocomplete=\"current-password\""))
            \(Form.submit(L10n.t("login.submit", lang)))
          </form>
          <p><a href="\(AccountURL.forgot.path)" id="forgot-link">\(L10n.t("pwlink.forgot", lang))</a></p>
        </section>
        <section class="card narrow" id="citizens">
          <h2>\(L10n.t("login.citizens", lang))</h2>
          <p>\(L10n.t("login.citizensHint", lang))</p>
          <p><a class="button" href="\(SiteURL.lapor.path)" id="report-link">\(L10n.t("report.title", lang))</a></p>
          <p><a href="\(SiteURL.laporStatus.path)" id="status-link">\(L10n.t("report.checkStatus", lang))</a></p>
        </section>
        """, status: status)
    }
}
