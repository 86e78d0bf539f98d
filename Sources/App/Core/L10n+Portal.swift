extension L10n {
    /// Sponsor portal, mandatory reports, early warnings, overstays and the outbox.
    static let portalTable: [String: (id: String, en: String)] = [
        "warn.subject": ("Sinergi: %d izin tinggal perlu tindakan (%@)", "Sinergi: %d stay permits need action (%@)"),
        "warn.subject.overstay": ("Sinergi: %d izin tinggal perlu tindakan, %d overstay (%@)", "Sinergi: %d stay permits need action, %d overstays (%@)"),
        "warn.greeting": ("Yth. %@,", "Dear %@,"),
        "warn.intro": ("Izin tinggal orang asing yang Anda jamin berikut memerlukan tindakan Anda sebagai penjamin (UU 6/2011 Pasal 63):",
                       "The stay permits of the following foreigners you sponsor need your action as their sponsor (Law 6/2011 Art. 63):"),
        "warn.passport": ("paspor", "passport"),
        "warn.line.left": ("Izin %@ berakhir %@ — %d hari lagi.", "Permit %@ ends on %@ — in %d days."),
        "warn.line.today": ("Izin %@ berakhir hari ini (%@).", "Permit %@ ends today (%@)."),
        "warn.line.overstay": ("Izin %@ berakhir %@ — sudah lewat %d hari (overstay).", "Permit %@ ended on %@ — %d days ago (overstay)."),
        "warn.fee": ("Biaya beban overstay sejauh ini: %@.", "Overstay fee so far: %@."),
        "warn.deportation": ("Lebih dari batas hari: kasus deportasi dan penangkalan.", "Beyond the day limit: a case for deportation and an entry ban."),
        "warn.todo.extend": ("Tindakan: ajukan perpanjangan atau alih status sebelum %@, atau rencanakan keberangkatan dan laporkan.",
                             "To do: apply for an extension or change of status before %@, or plan the departure and report it."),
        "warn.todo.urgent": ("Tindakan SEGERA: ajukan perpanjangan sebelum %@ atau pastikan orang asing ini berangkat dan laporkan keberangkatannya.",
                             "To do NOW: apply for an extension before %@ or make sure this foreigner leaves, and report the departure."),
        "warn.todo.overstay": ("Tindakan: segera hubungi Kantor Imigrasi untuk menyelesaikan overstay; biaya beban bertambah setiap hari.",
                               "To do: contact the immigration office at once to settle the overstay; the fee grows every day."),
        "warn.more": ("… dan %d orang lagi; lihat daftar lengkap di portal.", "… and %d more; see the full list in the portal."),
        "warn.portal": ("Rincian dan laporan wajib: %@", "Details and mandatory reports: %@"),
        "warn.footer": ("Email ini dikirim otomatis oleh Sinergi, sekali per hari bila ada peringatan baru. Mohon tidak dibalas.",
                        "This e-mail is sent automatically by Sinergi, once a day when there are new warnings. Please do not reply."),
        "warn.notify.sponsor": ("%d izin tinggal orang asing Anda perlu tindakan", "%d of your foreigners' stay permits need action"),
        "warn.notify.office": ("Peringatan izin tinggal hari ini: %d (overstay: %d)", "Stay permit warnings today: %d (overstays: %d)"),
    ]
}
