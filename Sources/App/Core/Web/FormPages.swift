import Vapor

/// The page behind each form's action, for the pickers' step (`RegionPicker.stepName`).
///
/// Without JavaScript a region or sponsor picker fills its next list by sending the form back: its step button posts
/// the form to the form's own action, so everything typed travels in the body (never in a URL, a log line or the
/// browser's history) and the CSRF token is checked as for any post. A post carrying the step is not a submission:
/// `CSRFMiddleware` hands it to the GET route of the same path, which shows the form again as typed with the next
/// list filled (`RegionPicker.isStep`). Every form with a picker posts to a path that also has a page; a step posted
/// where none is refuses rather than saves.
struct FormPages: Sendable {
    private let pages: [String: Route]

    init(_ routes: Routes) {
        var pages: [String: Route] = [:]
        for r in routes.all where r.method == .GET { pages[Self.key(r.path)] = r }
        self.pages = pages
    }

    static func key(_ path: [PathComponent]) -> String { path.map(\.description).joined(separator: "/") }

    /// The GET route of the route `req` was sent to.
    func page(for req: Request) -> Route? { req.route.flatMap { pages[Self.key($0.path)] } }

    /// Answers a form posted back by a picker's step with its page, or nil when `req` is no such step. Called once
    /// the CSRF token has been checked.
    static func step(_ req: Request) async throws -> Response? {
        guard req.method == .POST, !req.isPickerStep, RegionPicker.step(req) != nil else { return nil }
        guard let page = req.application.formPages?.page(for: req) else {
            throw AppError(status: .methodNotAllowed, messageKey: "err.405", logDetail: "picker step posted where no page is")
        }
        req.isPickerStep = true
        req.route = page
        if let responder = page.responder as? any AsyncResponder { return try await responder.respond(to: req) }
        return try await page.responder.respond(to: req).get()
    }
}

extension FormPages {
    /// What a file field of a form shown again in answer to its own post (a picker's step, a refusal) says: a page
    /// cannot hand a chosen file back to the browser, so a file sent with the post must be chosen again (nil when
    /// none was sent).
    static func fileAgain(_ req: Request, _ name: String) -> String? {
        guard req.method == .POST, let file = try? req.content.get(File.self, at: name), file.data.readableBytes > 0 else { return nil }
        return L10n.t("form.fileAgain", req.language)
    }
}

extension Request {
    private struct StepKey: StorageKey { typealias Value = Bool }
    /// Set while a picker's step is shown by its page (the page's own middleware passes it through).
    var isPickerStep: Bool {
        get { storage[StepKey.self] ?? false }
        set { storage[StepKey.self] = newValue }
    }
}

extension Application {
    private struct FormPagesKey: StorageKey { typealias Value = FormPages }
    /// Set once in `configure`, after the routes and their responders.
    var formPages: FormPages? {
        get { storage[FormPagesKey.self] }
        set { storage[FormPagesKey.self] = newValue }
    }
}
