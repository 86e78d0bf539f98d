/// Texts of agency imports and discrepancies.
extension L10n {
    static let importTable: [String: (id: String, en: String)] = [:]
}
