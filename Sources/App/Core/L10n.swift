import Vapor

public enum Language: String, Sendable, CaseIterable {
    case id, en
}

/// Every user-facing sentence, in Bahasa Indonesia (default) and English. Handlers and views use keys;
/// no user-facing text lives elsewhere.
public enum L10n {
    static let table: [String: (id: String, en: String)] = [
        "app.name": ("Sinergi", "Sinergi"),
        "app.tagline": ("Pengawasan Orang Asing Terpadu", "Integrated Supervision of Foreigners"),
        "nav.dashboard": ("Dasbor", "Dashboard"),
        "nav.foreigners": ("Orang Asing", "Foreigners"),
        "nav.sponsors": ("Penjamin", "Sponsors"),
        "nav.audit": ("Jejak Audit", "Audit trail"),
        "nav.users": ("Pengguna", "Users"),
        "nav.logout": ("Keluar", "Log out"),
        "nav.language": ("English", "Bahasa Indonesia"),
        "login.title": ("Masuk", "Sign in"),
        "login.email": ("Email", "Email"),
        "login.password": ("Kata sandi", "Password"),
        "login.submit": ("Masuk", "Sign in"),
        "login.failed": ("Email atau kata sandi salah.", "Wrong email or password."),
        "login.missing": ("Isi email dan kata sandi.", "Enter your email and password."),
        "logout.done": ("Anda telah keluar.", "You have been logged out."),
        "role.admin": ("Administrator", "Administrator"),
        "role.supervisor": ("Supervisor", "Supervisor"),
        "role.officer": ("Petugas Imigrasi", "Immigration officer"),
        "role.agency": ("Anggota Timpora", "Timpora member"),
        "role.sponsor": ("Penjamin", "Sponsor"),
        "dash.title": ("Dasbor", "Dashboard"),
        "dash.total": ("Orang asing terdaftar", "Registered foreigners"),
        "dash.byCategory": ("Menurut jenis izin tinggal", "By stay-permit category"),
        "dash.byNationality": ("Menurut kewarganegaraan", "By nationality"),
        "dash.expiring30": ("Izin berakhir ≤ 30 hari", "Permits ending in ≤ 30 days"),
        "dash.overstayed": ("Melebihi izin tinggal (overstay)", "Overstayed"),
        "dash.countsOnly": ("Anda melihat jumlah saja untuk wilayah Anda. Data pribadi orang asing hanya dapat dilihat oleh petugas imigrasi.", "You see counts only for your region. Personal data of foreigners is visible to immigration officers only."),
        "dash.region": ("Wilayah", "Region"),
        "dash.office": ("Kantor", "Office"),
        "dash.sponsored": ("Orang asing yang Anda jamin", "Foreigners you sponsor"),
        "dash.users": ("Pengguna per peran", "Users by role"),
        "dash.auditEvents": ("Peristiwa audit", "Audit events"),
        "dash.auditIntact": ("Rantai audit utuh", "Audit chain intact"),
        "dash.auditBroken": ("Rantai audit RUSAK", "Audit chain BROKEN"),
        "dash.sponsors": ("Penjamin", "Sponsors"),
        "list.search": ("Cari nama atau nomor paspor", "Search name or passport number"),
        "list.nationality": ("Kewarganegaraan", "Nationality"),
        "list.category": ("Jenis izin", "Permit category"),
        "list.status": ("Status", "Status"),
        "list.all": ("Semua", "All"),
        "list.filter": ("Saring", "Filter"),
        "list.empty": ("Tidak ada data yang cocok dengan pencarian Anda.", "Nothing matches your search."),
        "list.prev": ("‹ Sebelumnya", "‹ Previous"),
        "list.next": ("Berikutnya ›", "Next ›"),
        "list.pageOf": ("Halaman %d dari %d · %d data", "Page %d of %d · %d records"),
        "f.fullName": ("Nama lengkap (sesuai paspor)", "Full name (as in passport)"),
        "f.familyName": ("Nama keluarga", "Family name"),
        "f.givenNames": ("Nama depan", "Given names"),
        "f.sex": ("Jenis kelamin", "Sex"),
        "f.dob": ("Tanggal lahir", "Date of birth"),
        "f.nationality": ("Kewarganegaraan", "Nationality"),
        "f.passport": ("Paspor", "Passport"),
        "f.passportNumber": ("Nomor paspor", "Passport number"),
        "f.issuingCountry": ("Negara penerbit", "Issuing country"),
        "f.expires": ("Berlaku sampai", "Expires"),
        "f.permits": ("Izin tinggal", "Stay permits"),
        "f.permitType": ("Jenis", "Type"),
        "f.permitNumber": ("Nomor", "Number"),
        "f.start": ("Mulai", "Start"),
        "f.end": ("Berakhir", "End"),
        "f.sponsor": ("Penjamin", "Sponsor"),
        "f.office": ("Kantor", "Office"),
        "f.addresses": ("Alamat", "Addresses"),
        "f.address": ("Alamat", "Address"),
        "f.employment": ("Pekerjaan", "Employment"),
        "f.position": ("Jabatan", "Position"),
        "f.current": ("saat ini", "current"),
        "f.none": ("Tidak ada", "None"),
        "f.auditNote": ("Pembukaan halaman ini dicatat dalam jejak audit.", "Opening this page is recorded on the audit trail."),
        "status.valid": ("Berlaku", "Valid"),
        "status.expiring": ("Segera berakhir", "Expiring"),
        "status.overstayed": ("Overstay", "Overstayed"),
        "status.noPermit": ("Tanpa izin", "No permit"),
        "status.daysLeft": ("%d hari lagi", "%d days left"),
        "status.daysOver": ("lewat %d hari", "%d days over"),
        "s.name": ("Nama", "Name"),
        "s.kind": ("Jenis", "Kind"),
        "s.company": ("Perusahaan", "Company"),
        "s.individual": ("Perorangan", "Individual"),
        "s.nib": ("NIB", "NIB"),
        "s.npwp": ("NPWP", "NPWP"),
        "s.sector": ("Sektor", "Sector"),
        "s.estate": ("Kawasan industri", "Industrial estate"),
        "s.foreigners": ("Orang asing", "Foreigners"),
        "s.contact": ("Kontak", "Contact"),
        "s.search": ("Cari nama, NIB atau NPWP", "Search name, NIB or NPWP"),
        "err.title": ("Terjadi kesalahan", "Something went wrong"),
        "err.400": ("Permintaan tidak valid.", "The request is not valid."),
        "err.401": ("Silakan masuk terlebih dahulu.", "Please sign in first."),
        "err.403": ("Anda tidak berwenang membuka halaman ini.", "You are not allowed to open this page."),
        "err.404": ("Halaman atau data tidak ditemukan.", "The page or record was not found."),
        "err.413": ("Data yang dikirim terlalu besar.", "What you sent is too large."),
        "err.csrf": ("Formulir kedaluwarsa atau tidak sah. Muat ulang halaman dan coba lagi.", "The form has expired or is not valid. Reload the page and try again."),
        "err.500": ("Terjadi kesalahan pada sistem. Coba lagi nanti.", "A system error occurred. Please try again later."),
        "err.back": ("Kembali ke dasbor", "Back to the dashboard"),
        "nav.lookup": ("Cek Lapangan", "Field check"),
        "lookup.title": ("Cek status orang asing", "Check a foreigner's status"),
        "lookup.passport": ("Nomor paspor", "Passport number"),
        "lookup.name": ("Nama (urutan dan ejaan bebas)", "Name (any order or spelling)"),
        "lookup.mrz": ("Baris MRZ paspor / kartu (tempel 2 atau 3 baris)", "MRZ lines of a passport or card (paste 2 or 3 lines)"),
        "lookup.purpose": ("Tujuan pemeriksaan", "Purpose of the check"),
        "lookup.hint": ("Isi salah satu. Setiap pencarian dicatat dalam jejak audit.", "Fill in one. Every look-up is recorded on the audit trail."),
        "lookup.submit": ("Cari", "Search"),
        "lookup.fine": ("Biaya overstay sejauh ini", "Overstay fee so far"),
        "lookup.deportation": ("lebih dari 60 hari: kasus deportasi dan penangkalan", "over 60 days: a deportation and entry-ban case"),
        "purpose.supervision": ("Pengawasan", "Supervision"),
        "purpose.verification": ("Verifikasi data", "Data verification"),
        "purpose.fieldCheck": ("Pemeriksaan lapangan", "Field check"),
        "purpose.investigation": ("Penyelidikan", "Investigation"),
        "purpose.service": ("Pelayanan", "Service"),
        "pw.tooShort": ("Kata sandi minimal 8 karakter.", "The password must have at least 8 characters."),
        "pw.tooLong": ("Kata sandi maksimal 1024 karakter.", "The password may have at most 1024 characters."),
        "pw.common": ("Kata sandi ini terlalu umum; pilih yang lain.", "This password is too common; choose another."),
        "pw.email": ("Kata sandi tidak boleh sama dengan email.", "The password must not be the email address."),
    ]

    public static func t(_ key: String, _ lang: Language) -> String {
        guard let entry = table[key] else { return key }
        return lang == .en ? entry.en : entry.id
    }

    public static func f(_ key: String, _ lang: Language, _ args: CVarArg...) -> String {
        String(format: t(key, lang), arguments: args)
    }
}

extension Request {
    /// The visitor's language: `lang` cookie, else Accept-Language, else Indonesian.
    public var language: Language {
        if let c = cookies["lang"]?.string, let l = Language(rawValue: c) { return l }
        if let accept = headers.first(name: .acceptLanguage)?.lowercased(), accept.hasPrefix("en") { return .en }
        return .id
    }
    func t(_ key: String) -> String { L10n.t(key, language) }
}
