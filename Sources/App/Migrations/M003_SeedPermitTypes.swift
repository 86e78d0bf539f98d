import Fluent

/// Stay-permit types shipped as reference data (Permenkumham 22/2023; e-Visa index codes).
/// Administrators may add more; codes are data, never enums in code.
struct M003_SeedPermitTypes: AsyncMigration {
    static let defaults: [(String, String, String, Int?)] = [
        ("C1", "Visa kunjungan wisata (ITK)", "ITK", 60),
        ("C2", "Visa kunjungan bisnis (ITK)", "ITK", 60),
        ("C312", "Visa kunjungan pra-investasi/kerja (ITK)", "ITK", 60),
        ("E23", "ITAS bekerja", "ITAS", 730),
        ("E28A", "ITAS investor", "ITAS", 730),
        ("E31", "ITAS penyatuan keluarga", "ITAS", 730),
        ("E30", "ITAS pelajar", "ITAS", 730),
        ("E33", "ITAS rumah kedua", "ITAS", 3650),
        ("ITAP", "Izin tinggal tetap", "ITAP", 1825),
        ("DIP", "Izin tinggal diplomatik/dinas", "other", nil),
    ]

    func prepare(on db: any Database) async throws {
        for (code, label, category, maxDays) in Self.defaults {
            try await PermitType(code: code, label: label, category: category, maxDays: maxDays).create(on: db)
        }
    }

    func revert(on db: any Database) async throws {
        try await PermitType.query(on: db).delete()
    }
}
