/// Texts of the sponsor portal, sponsor reports, foreign-worker documents, alerts and the admin pages.
extension L10n {
    static let sponsorTable: [String: (id: String, en: String)] = [:]
}
