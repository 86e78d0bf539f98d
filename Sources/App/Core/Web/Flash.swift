import Vapor

/// A confirmation shown once on the next page after an action ("Laporan terkirim."): the message's
/// L10n key travels in a short-lived cookie, so a redirect after POST can carry it, with arguments of letters and digits
/// only (a row's number). Only known keys are shown, so the cookie cannot put text of its own on a page.
enum Flash {
    static let cookie = "sinergi_flash"

    /// A redirect after a successful action, with its confirmation.
    static func redirect(_ req: Request, to url: SiteURL, _ key: String) -> Response {
        redirect(req, to: url.path, key)
    }

    static func redirect<P: SitePath>(_ req: Request, to url: P, _ key: String) -> Response {
        redirect(req, to: url.path, key)
    }

    static func redirect(_ req: Request, to path: String, _ key: String, _ args: String...) -> Response {
        let res = req.redirect(to: path)
        set(res, key, args, req)
        return res
    }

    static func set(_ res: Response, _ key: String, _ args: [String] = [], _ req: Request) {
        let value = ([key] + args.filter { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }).joined(separator: "~")
        res.cookies[cookie] = HTTPCookies.Value(string: value, maxAge: 60, path: "/", isSecure: req.application.config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    /// The pending confirmation in the page's language, if it is a known message; marks it shown so the response clears it.
    static func take(_ req: Request) -> String? {
        guard let parts = req.cookies[cookie]?.string.split(separator: "~").map(String.init), let key = parts.first, L10n.has(key),
              parts.dropFirst().allSatisfy({ $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }) else { return nil }
        req.flashWasShown = true
        return L10n.format(key, req.language, Array(parts.dropFirst()))
    }

    static func clear(_ res: Response) {
        res.cookies[cookie] = HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/")
    }
}

extension Request {
    private struct FlashShownKey: StorageKey { typealias Value = Bool }
    var flashWasShown: Bool {
        get { storage[FlashShownKey.self] ?? false }
        set { storage[FlashShownKey.self] = newValue }
    }
}
