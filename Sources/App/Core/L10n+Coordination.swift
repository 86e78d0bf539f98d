/// Texts of operations, meetings and inspections.
extension L10n {
    static let coordinationTable: [String: (id: String, en: String)] = [
        // Lists
        "coord.noOperations": ("Belum ada operasi gabungan.", "No joint operations yet."),
        "coord.noMeetings": ("Belum ada rapat.", "No meetings yet."),
        "coord.noInspections": ("Belum ada pemeriksaan.", "No inspections yet."),
        // Forms
        "coord.noAgencies": ("Belum ada instansi aktif di wilayah kerja Anda.", "No active agency in your jurisdiction yet."),
        "coord.areaHint": ("Pilih kecamatan; pilih juga kelurahan/desa bila operasi hanya di satu desa.", "Choose the kecamatan; choose the kelurahan/desa too if the operation covers one village only."),
        "coord.targetsHint": ("Hanya orang asing yang terdaftar di wilayah kerja Anda.", "Only foreigners registered in your jurisdiction."),
        "coord.noTargets": ("Operasi ini belum punya sasaran.", "This operation has no targets yet."),
        "coord.takAction": ("Tindakan", "Action"),
        "coord.legalBasisHint": ("Mis. UU 6/2011 Pasal 75 ayat (2).", "E.g. UU 6/2011 Pasal 75 ayat (2)."),
        "coord.meeting": ("Nama rapat", "Meeting"),
        "coord.regionHint": ("Kabupaten/kota rapat; pilih juga kecamatan, atau kelurahan/desa, bila rapat hanya untuk wilayah itu.", "The meeting's regency or city; choose a kecamatan, or a kelurahan/desa, too if the meeting concerns that place only."),
        "coord.whenHint": ("Waktu setempat kantor Anda.", "Your office's local time."),
        "coord.agendaHint": ("Paling banyak 4.000 karakter.", "At most 4,000 characters."),
        "coord.schedule": ("Jadwalkan rapat", "Schedule the meeting"),
        "coord.decisionsHint": ("Isi keputusan beserta penanggung jawabnya; baris yang kosong dilewati.", "Give each decision with its owner; empty rows are skipped."),
        "coord.saveMinutes": ("Simpan notulen", "Save the minutes"),
        "coord.noAttachments": ("Belum ada lampiran.", "No attachments yet."),
        "coord.noMessages": ("Belum ada pesan.", "No messages yet."),
        "coord.older": ("‹ Pesan sebelumnya", "‹ Earlier messages"),
        "coord.newer": ("Pesan berikutnya ›", "Later messages ›"),
        // Which messages the page shows, counted from the first ever written: "Pesan 51–60 dari 60".
        "coord.messagesOf": ("Pesan %d–%d dari %d", "Messages %d–%d of %d"),
        "coord.messageOf": ("Pesan %d dari %d", "Message %d of %d"),
        "coord.noOlder": ("Tidak ada pesan sebelumnya di halaman ini.", "No earlier messages on this page."),
        "coord.planInspection": ("Simpan rencana pemeriksaan", "Save the inspection plan"),
        "coord.noFindings": ("Belum ada temuan.", "No findings yet."),
        "coord.worker": ("Tenaga kerja asing", "Foreign worker"),
        "coord.actionDueHint": ("Wajib diisi bila ada tindakan yang harus dilakukan perusahaan.", "Required when the company must take an action."),
        // Print
        "coord.printOperation": ("Cetak laporan operasi", "Print the operation report"),
        "coord.printMinutes": ("Cetak notulen", "Print the minutes"),
        "coord.printInspection": ("Cetak laporan pemeriksaan", "Print the inspection report"),
        // Confirmations
        "flash.operation.planned": ("Rencana operasi tersimpan.", "The operation is planned."),
        "flash.operation.result": ("Hasil pemeriksaan sasaran tersimpan.", "The target's result is recorded."),
        "flash.operation.action": ("Tindakan administratif tercatat.", "The administrative action is recorded."),
        "flash.operation.completed": ("Operasi selesai.", "The operation is completed."),
        "flash.meeting.scheduled": ("Rapat dijadwalkan; peserta diberi tahu.", "The meeting is scheduled; participants are told."),
        "flash.meeting.minutes": ("Notulen tersimpan; peserta diberi tahu.", "The minutes are saved; participants are told."),
        "flash.meeting.attachment": ("Lampiran terunggah.", "The attachment is uploaded."),
        "flash.thread.message": ("Pesan terkirim.", "The message is sent."),
        "flash.inspection.created": ("Rencana pemeriksaan tersimpan.", "The inspection is planned."),
        "flash.inspection.finding": ("Temuan tercatat.", "The finding is recorded."),
        "flash.inspection.completed": ("Pemeriksaan selesai; perusahaan dapat melihat hasilnya.", "The inspection is completed; the company can see the outcome."),
    ]
}
