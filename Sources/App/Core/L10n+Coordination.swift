/// Texts of operations, meetings and inspections.
extension L10n {
    static let coordinationTable: [String: (id: String, en: String)] = [:]
}
