/// Texts of daily reports, tasks, the leader view and the field app.
extension L10n {
    static let fieldWorkTable: [String: (id: String, en: String)] = [:]
}
