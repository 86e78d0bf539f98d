/// The sign-in feature's one address that is not a top-level page: the language switch
/// (`/lang/id`, `/lang/en`). Sign-in and sign-out are `SiteURL.login` and `SiteURL.logout`.
enum AuthURL: SitePath {
    case language(URLParam)

    var segments: [URLSegment] {
        switch self {
        case .language(let p): return ["lang", .param("code", p)]
        }
    }
}
