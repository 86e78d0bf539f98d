import Vapor

/// `/account` and its pages, and the sign-in's code step (`/login/code`).
enum AccountSecurityViews {
    static func overview(_ req: Request, user u: User, recoveryLeft: Int, sessions: Int) -> Response {
        let lang = req.language
        let tfa: String = SecondFactor.enabled(u) ? L10n.t("tfa.on", lang) : L10n.t("tfa.off", lang)
        let required: HTML = SecondFactor.required(u.roleValue, req.application.config) ? " <span class=\"badge\">\(L10n.t("tfa.requiredBadge", lang))</span>" : ""
        return Views.page(req, title: L10n.t("account.title", lang), body: """
        <h1>\(L10n.t("account.title", lang))</h1>
        <section class="card"><dl class="facts">
          <dt>\(L10n.t("s.name", lang))</dt><dd>\(u.displayName)</dd>
          <dt>\(L10n.t("users.email", lang))</dt><dd>\(u.email)</dd>
          <dt>\(L10n.t("users.role", lang))</dt><dd>\(AdminViews.roleName(u.role, lang))</dd>
        </dl></section>
        <section class="card" id="account-password"><h2>\(L10n.t("login.password", lang))</h2>
          <p>\(u.passwordChangedAt.map { L10n.t("account.passwordChanged", lang) + " " + Views.time($0, req) } ?? "")</p>
          <p><a class="button" href="\(AccountPageURL.password.path)">\(L10n.t("account.changePassword", lang))</a></p>
        </section>
        <section class="card" id="account-tfa"><h2>\(L10n.t("tfa.title", lang))\(required)</h2>
          <p>\(tfa)\(SecondFactor.enabled(u) ? " · " + L10n.format("tfa.recoveryLeft", lang, [String(recoveryLeft)]) : "")</p>
          <p><a class="button" href="\(AccountPageURL.twoFactor.path)">\(L10n.t(SecondFactor.enabled(u) ? "tfa.manage" : "tfa.setUp", lang))</a></p>
        </section>
        <section class="card" id="account-sessions"><h2>\(L10n.t("account.sessions", lang))</h2>
          <p>\(L10n.format("account.sessionsCount", lang, [String(sessions)]))</p>
          <p><a class="button" href="\(AccountPageURL.sessions.path)">\(L10n.t("account.sessionsManage", lang))</a></p>
        </section>
        """)
    }

    static func password(_ req: Request, state: FormState, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("account.changePassword", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("account.changePassword", lang))</h1>
        <p class="muted">\(L10n.t("account.passwordIntro", lang))</p>
        \(Form.open(req, action: AccountPageURL.password.path, id: "password-change-form", state: state))
          \(Form.field("currentPassword", label: L10n.t("account.currentPassword", lang), state: state, kind: .password, required: true, attributes: "autocomplete=\"current-password\""))
          \(Form.field("newPassword", label: L10n.t("pwlink.new", lang), state: state, kind: .password, required: true, hint: L10n.t("pwlink.rules", lang), attributes: "autocomplete=\"new-password\" minlength=\"8\""))
          \(Form.field("confirm", label: L10n.t("pwlink.confirm", lang), state: state, kind: .password, required: true, attributes: "autocomplete=\"new-password\""))
          \(Form.submit(L10n.t("pwlink.save", lang)))
        </form>
        <p><a href="\(AccountPageURL.account.path)">\(L10n.t("account.back", lang))</a></p>
        </section>
        """, status: status)
    }

    /// Setting up: the key as a QR code and as text to type, the app's first code to confirm.
    static func enrol(_ req: Request, user u: User, secret: [UInt8], state: FormState, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let key = Base32.encode(secret)
        let uri = TOTP.uri(secret: secret, account: u.email)
        let mustHTML: HTML = SecondFactor.required(u.roleValue, req.application.config)
            ? "<p class=\"notice\" role=\"status\" id=\"tfa-required\">\(L10n.t("tfa.requiredIntro", lang))</p>" : ""
        let qr: HTML = QRCode.svg(uri, label: L10n.t("tfa.qrLabel", lang)).map { "<div class=\"qr\" id=\"tfa-qr\">\($0)</div>" } ?? ""
        // The key is on this page: no cache keeps it.
        let res = Views.page(req, title: L10n.t("tfa.setUp", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("tfa.setUp", lang))</h1>
        \(mustHTML)
        <ol class="steps">
          <li>\(L10n.t("tfa.step1", lang))</li>
          <li>\(L10n.t("tfa.step2", lang))
            \(qr)
            <p>\(L10n.t("tfa.keyText", lang))</p>
            <p><code id="tfa-key" class="key">\(Base32.grouped(key))</code></p>
            <p><a href="\(uri)" id="tfa-open">\(L10n.t("tfa.openApp", lang))</a></p></li>
          <li>\(L10n.t("tfa.step3", lang))</li>
        </ol>
        \(Form.open(req, action: AccountPageURL.twoFactor.path, id: "tfa-confirm-form", state: state))
          \(Form.field("code", label: L10n.t("tfa.code", lang), state: state, required: true,
                       attributes: "inputmode=\"numeric\" autocomplete=\"off\" pattern=\"[0-9 ]*\" maxlength=\"8\""))
          \(Form.submit(L10n.t("tfa.confirm", lang)))
        </form>
        </section>
        """, status: status)
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }

    static func twoFactorOn(_ req: Request, user u: User, recoveryLeft: Int, state: FormState, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        let required = SecondFactor.required(u.roleValue, req.application.config)
        let codeField = { (id: String) -> HTML in
            Form.field("code", label: L10n.t("tfa.codeOrRecovery", lang), state: state, required: true, id: id,
                       attributes: "autocomplete=\"off\" maxlength=\"12\" autocapitalize=\"none\"")
        }
        let disable: HTML = required ? "<p class=\"muted\" id=\"tfa-cannot-disable\">\(L10n.t("tfa.requiredForRole", lang))</p>" : """
        <section class="card" id="tfa-disable"><h2>\(L10n.t("tfa.disable", lang))</h2>
        \(Form.open(req, action: AccountPageURL.twoFactorDisable.path, id: "tfa-disable-form", state: state))
          \(codeField("code-disable"))
          \(Form.submit(L10n.t("tfa.disable", lang), secondary: true))
        </form></section>
        """
        return Views.page(req, title: L10n.t("tfa.title", lang), body: """
        <h1>\(L10n.t("tfa.title", lang))</h1>
        <section class="card"><p id="tfa-state">\(L10n.t("tfa.on", lang)) · \(L10n.t("tfa.since", lang)) \(Views.time(u.totpEnabledAt, req))</p>
        <p id="tfa-recovery-left">\(L10n.format("tfa.recoveryLeft", lang, [String(recoveryLeft)]))</p></section>
        <section class="card" id="tfa-recovery"><h2>\(L10n.t("tfa.newRecovery", lang))</h2>
        <p class="muted">\(L10n.t("tfa.newRecoveryIntro", lang))</p>
        \(Form.open(req, action: AccountPageURL.twoFactorRecovery.path, id: "tfa-recovery-form", state: state))
          \(codeField("code-recovery"))
          \(Form.submit(L10n.t("tfa.newRecovery", lang)))
        </form></section>
        \(disable)
        <p><a href="\(AccountPageURL.account.path)">\(L10n.t("account.back", lang))</a></p>
        """, status: status)
    }

    /// Shown once: the codes are not stored in a readable form.
    static func recoveryCodes(_ req: Request, codes: [String], first: Bool) -> Response {
        let lang = req.language
        let list: HTML = codes.html { "<li><code>\($0)</code></li>" }
        let res = Views.page(req, title: L10n.t("tfa.recoveryTitle", lang), body: """
        <section class="card narrow"><h1>\(L10n.t("tfa.recoveryTitle", lang))</h1>
        \(first ? HTML("<p class=\"notice\" role=\"status\" id=\"tfa-enabled\">\(L10n.t("tfa.enabled", lang))</p>") : "")
        <p>\(L10n.t("tfa.recoveryIntro", lang))</p>
        <ul class="codes" id="recovery-codes">\(list)</ul>
        <p><a class="button" href="\(SiteURL.home.path)" id="tfa-done">\(L10n.t("tfa.saved", lang))</a></p>
        </section>
        """)
        res.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return res
    }

    static func sessions(_ req: Request, items: [OwnSessions.Item]) -> Response {
        let lang = req.language
        let rows: HTML = items.html { i in
            let kind = L10n.t(i.kind == "session" ? "account.kind.session" : "account.kind.token", lang)
            let current: HTML = i.current ? " <span class=\"badge\">\(L10n.t("account.thisOne", lang))</span>" : ""
            return """
            <tr><td>\(kind)\(current)</td><td>\(i.device ?? "—")</td><td>\(Views.time(i.createdAt, req))</td><td>\(i.lastSeenAt.map { Views.time($0, req) } ?? "—")</td>
            <td>\(Views.time(i.expiresAt, req))</td>
            <td><form method="post" action="\(AccountPageURL.revoke(.value(i.id)).path)" class="inline">\(Form.csrf(req))<button type="submit" class="secondary" aria-label="\(L10n.t("account.revoke", lang)): \(kind), \(i.device ?? "")">\(L10n.t("account.revoke", lang))</button></form></td></tr>
            """
        }
        return Views.page(req, title: L10n.t("account.sessions", lang), body: """
        <h1>\(L10n.t("account.sessions", lang))</h1>
        <p class="muted">\(L10n.t("account.sessionsIntro", lang))</p>
        <table class="responsive" id="session-list"><thead><tr><th>\(L10n.t("account.kind", lang))</th><th>\(L10n.t("account.device", lang))</th><th>\(L10n.t("account.started", lang))</th><th>\(L10n.t("account.lastSeen", lang))</th><th>\(L10n.t("account.expires", lang))</th><th>\(L10n.t("account.action", lang))</th></tr></thead><tbody>
        \(rows)
        </tbody></table>
        <p><a href="\(AccountPageURL.account.path)">\(L10n.t("account.back", lang))</a></p>
        """)
    }
}

extension AuthViews {
    /// The second step of signing in: the code from the app, or a recovery code.
    static func code(_ req: Request, state: FormState, next: String?, status: HTTPResponseStatus = .ok) -> Response {
        let lang = req.language
        return Views.page(req, title: L10n.t("login.codeTitle", lang), body: """
        <section class="card narrow">
          <h1>\(L10n.t("login.codeTitle", lang))</h1>
          <p>\(L10n.t("login.codeIntro", lang))</p>
          \(Form.open(req, action: AccountPageURL.loginCode.path, id: "code-form", state: state))
            <input type="hidden" name="next" value="\(AuthController.safeNext(next) ?? "")">
            \(Form.field("code", label: L10n.t("tfa.codeOrRecovery", lang), state: state, required: true,
                         attributes: "autocomplete=\"off\" maxlength=\"12\" autocapitalize=\"none\" spellcheck=\"false\"\(state.hasErrors ? "" : " autofocus")"))
            \(Form.submit(L10n.t("login.submit", lang)))
          </form>
          <p class="muted">\(L10n.t("login.codeLost", lang))</p>
        </section>
        """, status: status)
    }
}
