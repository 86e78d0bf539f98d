@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Small but structurally complete images, with metadata a phone would add.
enum TestImages {
    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count + 2
        return [0xFF, marker, UInt8(n >> 8), UInt8(n & 0xFF)] + payload
    }
    static let gps = Array("Exif\0\0MM GPSLatitude -7.5512 GPSLongitude 112.6243 SerialNumber 12345".utf8)
    /// SOI, APP0 JFIF, APP1 EXIF with GPS, COM, DQT, SOS + data, EOI.
    static var jpegWithGPS: [UInt8] {
        [0xFF, 0xD8] + segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
            + segment(0xE1, gps) + segment(0xFE, Array("taken by officer phone".utf8))
            + segment(0xDB, [0] + [UInt8](repeating: 1, count: 64))
            + segment(0xDA, [1, 1, 0, 0, 63, 0]) + [0x12, 0x34, 0xFF, 0x00, 0x56] + [0xFF, 0xD9]
    }
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let n = data.count
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] + Array(type.utf8) + data + [0, 0, 0, 0]
    }
    static var pngWithText: [UInt8] {
        ImageSanitizer.pngSignature + chunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]) + chunk("tEXt", Array("GPS\0-7.55,112.62".utf8))
            + chunk("eXIf", gps) + chunk("IDAT", [0x78, 0x9C, 0x63, 0, 0, 0, 2, 0, 1]) + chunk("IEND", [])
    }
}

@Suite struct ImageSanitizerTests {
    func contains(_ hay: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard hay.count >= n.count else { return false }
        return (0...(hay.count - n.count)).contains { Array(hay[$0..<($0 + n.count)]) == n }
    }

    @Test func jpegLosesExifAndCommentsAndKeepsTheImage() throws {
        let (out, kind) = try ImageSanitizer.sanitize(TestImages.jpegWithGPS, maxBytes: 1 << 20)
        #expect(kind == .jpeg)
        #expect(!contains(out, "GPSLatitude") && !contains(out, "officer phone") && !contains(out, "SerialNumber"))
        #expect(contains(out, "JFIF"))
        #expect(Array(out.suffix(7)) == [0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9])
        #expect(contains(TestImages.jpegWithGPS, "GPSLatitude"))   // the input did have it
    }

    @Test func pngLosesTextAndExifChunks() throws {
        let (out, kind) = try ImageSanitizer.sanitize(TestImages.pngWithText, maxBytes: 1 << 20)
        #expect(kind == .png)
        #expect(!contains(out, "GPS") && contains(out, "IHDR") && contains(out, "IDAT") && contains(out, "IEND"))
    }

    @Test func otherFilesAreRefusedWithAReason() {
        let gif = Array("GIF89a".utf8) + [1, 0, 1, 0]
        #expect(throws: ImageSanitizer.Rejected.self) { try ImageSanitizer.sanitize(gif, maxBytes: 1 << 20) }
        #expect(throws: ImageSanitizer.Rejected.self) { try ImageSanitizer.sanitize(Array(TestImages.jpegWithGPS.prefix(30)), maxBytes: 1 << 20) }
        #expect(throws: ImageSanitizer.Rejected.self) { try ImageSanitizer.sanitize(TestImages.jpegWithGPS, maxBytes: 50) }
        #expect(throws: ImageSanitizer.Rejected.self) { try ImageSanitizer.sanitize([], maxBytes: 50) }
        do { _ = try ImageSanitizer.sanitize(gif, maxBytes: 1 << 20) } catch { #expect("\(error)".contains("not a JPEG or PNG")) }
    }
}

@Suite struct ReportPhotoTests {
    @Test func photosAreStrippedScopedAndRefusedWhenNotImages() async throws {
        try await withTestApp { app in
            let officer = try await apiToken(app, "officer@demo.sinergi.id")
            var h = bearer(officer); h.contentType = .json
            let created = try await app.testing().sendRequest(.POST, "/api/v1/daily-reports", headers: h, body: ByteBuffer(string:
                #"{"date": "2026-11-30", "entries": [{"clientId": "\#(UUID())", "time": "08:00", "kelurahanCode": "35.16.05.2010", "activity": "patrol", "finding": "compliant"}]}"#))
            struct R: Decodable { struct E: Decodable { var id: UUID; var photos: [UUID]? }; var id: UUID; var entries: [E] }
            let r = try decode(R.self, created)
            let path = "/api/v1/daily-reports/\(r.id)/entries/\(r.entries[0].id)/photos"
            var img = bearer(officer); img.replaceOrAdd(name: .contentType, value: "image/jpeg")
            let ok = try await app.testing().sendRequest(.POST, path, headers: img, body: ByteBuffer(bytes: TestImages.jpegWithGPS))
            #expect(ok.status == .created)
            let stored = try await ReportPhoto.query(on: app.db).all()
            #expect(stored.count == 1 && !String(decoding: stored[0].bytes, as: UTF8.self).contains("GPS"))
            // Named .jpg and declared image/jpeg, but a GIF: refused, nothing stored.
            let gif = try await app.testing().sendRequest(.POST, path, headers: img, body: ByteBuffer(bytes: Array("GIF89a".utf8) + [1, 0, 1, 0]))
            #expect(gif.status == .unprocessableEntity && gif.body.string.contains("not a JPEG or PNG"))
            let big = try await app.testing().sendRequest(.POST, path, headers: img, body: ByteBuffer(bytes: [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: 9 * 1_048_576)))
            #expect(big.status == .unprocessableEntity || big.status == .payloadTooLarge)
            #expect(try await ReportPhoto.query(on: app.db).count() == 1)
            // Another office's officer cannot add or see it.
            let jaksel = try await apiToken(app, "officer.jaksel@demo.sinergi.id")
            var jh = bearer(jaksel); jh.replaceOrAdd(name: .contentType, value: "image/jpeg")
            #expect(try await app.testing().sendRequest(.POST, path, headers: jh, body: ByteBuffer(bytes: TestImages.jpegWithGPS)).status == .notFound)
            let web = Browser(app)
            try await web.login("officer.jaksel@demo.sinergi.id")
            #expect(try await web.get("/daily-reports/\(r.id)/photos/\(stored[0].id!)").status == .notFound)
            let own = Browser(app)
            try await own.login("officer@demo.sinergi.id")
            let served = try await own.get("/daily-reports/\(r.id)/photos/\(stored[0].id!)")
            #expect(served.status == .ok && served.headers.contentType?.subType == "jpeg")
            let show = try await app.testing().sendRequest(.GET, "/api/v1/daily-reports/\(r.id)", headers: bearer(officer))
            #expect(try decode(R.self, show).entries[0].photos == [stored[0].id!])
        }
    }

    @Test func aWebEntryWithABadPhotoStoresNothing() async throws {
        try await withTestApp { app in
            let b = Browser(app)
            try await b.login("officer@demo.sinergi.id")
            let page = try await b.post("/daily-reports", form: ["date": "2026-11-30"]).headers.first(name: .location)!
            func send(_ photo: [UInt8], client: UUID) async throws -> TestingHTTPResponse {
                let boundary = "----photo-test"
                var body: [UInt8] = []
                for (k, v) in [("_csrf", b.cookies[CSRFMiddleware.cookieName] ?? ""), ("clientId", client.uuidString), ("time", "09:00"), ("kelurahanCode", "35.16.05.2010"),
                               ("activity", "lodgingCheck"), ("finding", "compliant")] {
                    body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
                }
                body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"foto.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8) + photo + Array("\r\n--\(boundary)--\r\n".utf8)
                var h = b.cookieHeader
                h.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                return try await app.testing().sendRequest(.POST, page + "/entries", headers: h, body: ByteBuffer(bytes: body))
            }
            let bad = try await send(Array("%PDF-1.4 not a photo".utf8), client: UUID())
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("bukan foto JPEG atau PNG"))
            #expect(try await ReportEntry.query(on: app.db).count() == 0)
            #expect(try await ReportPhoto.query(on: app.db).count() == 0)
            let client = UUID()
            #expect(try await send(TestImages.pngWithText, client: client).status == .seeOther)
            #expect(try await send(TestImages.pngWithText, client: client).status == .seeOther)   // resent: one entry, one photo
            #expect(try await ReportEntry.query(on: app.db).count() == 1)
            #expect(try await ReportPhoto.query(on: app.db).count() == 1)
        }
    }
}
