/// Texts of daily reports, tasks, the leader view and the field app.
extension L10n {
    static let fieldWorkTable: [String: (id: String, en: String)] = [
        // Confirmations after an action.
        "flash.daily.opened": ("Laporan hari itu dibuka; tambahkan kegiatan Anda.", "The day's report is open; add your entries."),
        "flash.daily.entrySaved": ("Kegiatan tersimpan.", "Entry saved."),
        "flash.daily.entryUpdated": ("Perubahan kegiatan tersimpan.", "The entry's changes are saved."),
        "flash.daily.entryDeleted": ("Kegiatan dihapus.", "Entry deleted."),
        "flash.daily.submitted": ("Laporan dikirim ke atasan.", "Report submitted to the supervisor."),
        "flash.daily.approved": ("Laporan disetujui.", "Report approved."),
        "flash.daily.returned": ("Laporan dikembalikan ke petugas untuk diperbaiki.", "Report returned to the officer for correction."),
        "flash.task.created": ("Tugas dibuat dan petugas diberi tahu.", "Task created; the officer has been notified."),
        "flash.task.done": ("Tugas ditandai selesai.", "Task marked done."),
        // Daily reports.
        "fw.placeFilterHint": ("Pilih kecamatan atau kelurahan/desa.", "Choose a district or a village."),
        "lookup.noneName": ("Tidak ada orang asing dengan nama itu di wilayah kerja Anda. Periksa ejaannya, coba sebagian nama, atau cari dengan nomor paspor.",
                            "No foreigner by that name in your jurisdiction. Check the spelling, try part of the name, or search by passport number."),
        "lookup.none": ("Tidak ditemukan di wilayah kerja Anda, dan tidak ada orang asing lain yang terdaftar dengan nomor paspor ini.",
                        "Not found in your jurisdiction, and no other foreigner is registered with this passport number."),
        "lookup.elsewhere": ("Tidak ada di wilayah kerja Anda, tetapi paspor ini terdaftar di %@. Datanya hanya dapat dibuka kantor tersebut: hubungi mereka sebelum mengambil tindakan.",
                             "Not in your jurisdiction, but this passport is registered with %@. Only that office can open the record: contact them before taking action."),
        "lookup.elsewhereNoOffice": ("Tidak ada di wilayah kerja Anda, tetapi paspor ini terdaftar di wilayah yang belum dibagi ke kantor mana pun. Hubungi administrator sebelum mengambil tindakan.",
                                     "Not in your jurisdiction, but this passport is registered in a region no office covers yet. Contact the administrator before taking action."),
        "fw.timeHint": ("Jam setempat, mis. 09.30 atau 0930.", "Local time, e.g. 09.30 or 0930."),
        "fw.commentHint": ("Wajib bila laporan dikembalikan.", "Required when the report is returned."),
        "fw.noEntries": ("Belum ada kegiatan pada laporan ini.", "No entries in this report yet."),
        "fw.photoAlt": ("Foto kegiatan pukul", "Photo of the entry at"),
        // The field app's queue on the phone.
        "fw.onPhone": ("Kegiatan di ponsel ini yang belum tersimpan di server", "Entries on this phone not yet saved on the server"),
        "fw.waiting": ("menunggu jaringan", "waiting for the network"),
        "fw.held": ("belum terkirim: masuk kembali, lalu buka halaman ini lagi", "not sent yet: sign in again, then reopen this page"),
        "fw.rejected": ("DITOLAK server", "REJECTED by the server"),
        "fw.fix": ("Perbaiki", "Correct"),
        "fw.fixing": ("Perbaiki kegiatan yang ditolak di bawah ini, lalu kirim lagi.", "Correct the rejected entry below, then send it again."),
        // The leader view.
        "fw.chartLabel": ("Kegiatan per hari, dengan temuan pelanggaran", "Entries per day, with non-compliant findings"),
        "fw.chartDay": ("kegiatan", "entries"),
    ]
}
