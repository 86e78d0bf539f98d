import Foundation
import NIOPosix
@testable import SMTP
import SMTPSink
import Testing

@Suite struct SMTPConfigurationTests {
    @Test func parsesTheURLForms() throws {
        let a = try SMTPConfiguration(url: "smtp://mail.imigrasi.go.id:587")
        #expect(a.host == "mail.imigrasi.go.id" && a.port == 587 && a.security == .startTLSIfOffered && a.username == nil && a.verifyCertificates)
        let b = try SMTPConfiguration(url: "smtps://user%40x.id:p%3Ass@mail.example.org")
        #expect(b.port == 465 && b.security == .implicitTLS && b.username == "user@x.id" && b.password == "p:ss")
        #expect(b.redacted == "smtps://user@x.id:***@mail.example.org:465")
        let c = try SMTPConfiguration(url: "smtp://127.0.0.1?starttls=required&ca=/etc/ca.pem")
        #expect(c.port == 25 && c.security == .startTLSRequired && c.caFile == "/etc/ca.pem")
        #expect(try SMTPConfiguration(url: "smtp://localhost:2525?starttls=never&verify=none").security == .plain)
    }

    @Test func refusesWhatItCannotUse() {
        #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: "http://mail.example.org") }
        #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: "smtp://") }
        #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: "smtp://host:99999") }
        #expect(throws: SMTPConfiguration.Invalid.self) { try SMTPConfiguration(url: "smtp://host?tls=maybe") }
    }
}

@Suite struct MailTests {
    private func mail(_ subject: String = "Peringatan izin tinggal", text: String = "Halo") throws -> Mail {
        try Mail(from: MailAddress("noreply@sinergi.test", name: "Sinergi Imigrasi"), to: [MailAddress("hr@pt-abc.co.id")],
                 subject: subject, text: text, messageID: "digest.1@sinergi.test", date: Date(timeIntervalSince1970: 1_796_014_800))
    }

    @Test func rendersHeadersAndABase64Body() throws {
        let r = try mail(text: "Baris satu\n.titik di awal\nÜmlaut ✓").rendered()
        #expect(r.contains("From: \"Sinergi Imigrasi\" <noreply@sinergi.test>\r\n"))
        #expect(r.contains("To: <hr@pt-abc.co.id>\r\n"))
        #expect(r.contains("Subject: Peringatan izin tinggal\r\n"))
        #expect(r.contains("Message-ID: <digest.1@sinergi.test>\r\n"))
        #expect(r.contains("Date: Mon, 30 Nov 2026 05:00:00 +0000\r\n"))
        let body = r.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        #expect(String(decoding: Data(base64Encoded: body)!, as: UTF8.self) == "Baris satu\r\n.titik di awal\r\nÜmlaut ✓")
    }

    @Test func encodesNonASCIISubjectsAsEncodedWords() throws {
        let subject = "Izin tinggal berakhir — 7 hari lagi: Ünal Çelik, Nguyễn Văn An"
        let r = try mail(subject).rendered()
        let line = r.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }
        let words = line.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 78 })
        let decoded = words.flatMap { $0.split(separator: " ") }.filter { $0.hasPrefix("=?UTF-8?B?") }
            .map { String(decoding: Data(base64Encoded: String($0.dropFirst(10).dropLast(2)))!, as: UTF8.self) }.joined()
        #expect(decoded == subject)
    }

    @Test func refusesInjection() throws {
        #expect(throws: SMTPError.invalidAddress("a@b.id\r\nBcc: x@y.id")) { try MailAddress("a@b.id\r\nBcc: x@y.id") }
        #expect(throws: SMTPError.self) { try MailAddress("no-at-sign") }
        #expect(throws: SMTPError.self) { try MailAddress("a@localhost") }
        var m = try mail()
        m.headers = [("X-Note", "ok\r\nBcc: x@y.id")]
        #expect(throws: SMTPError.invalidHeader("X-Note")) { try m.rendered() }
        m.headers = []
        m.to = []
        #expect(throws: SMTPError.noRecipients) { try m.rendered() }
        // A subject with a line break stays one header.
        m.to = [try MailAddress("a@b.id")]
        m.subject = "one\r\nBcc: x@y.id"
        #expect(try !m.rendered().contains("\r\nBcc:"))
    }
}

/// Against a real SMTP server process (aiosmtpd via scripts/smtp_sink.py).
@Suite(.serialized) struct SMTPDeliveryTests {
    let group = MultiThreadedEventLoopGroup.singleton

    private func mail(to: String = "hr@pt-abc.co.id", subject: String = "Uji coba ✓") throws -> Mail {
        try Mail(from: MailAddress("noreply@sinergi.test", name: "Sinergi"), to: [MailAddress(to)], subject: subject,
                 text: "Yth. Bapak/Ibu,\n.\nIzin tinggal Nguyễn Văn An berakhir 7 hari lagi.\n", messageID: "t.\(UUID().uuidString)@sinergi.test")
    }

    @Test func deliversInPlainTextToALocalRelay() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let m = try mail()
        try await SMTPClient.send(m, using: SMTPConfiguration(url: "smtp://127.0.0.1:\(sink.port)?starttls=never"), group: group)
        let got = try await sink.waitFor(1)
        #expect(got.count == 1)
        #expect(got[0].mail_from == "noreply@sinergi.test" && got[0].rcpt_tos == ["hr@pt-abc.co.id"])
        #expect(got[0].subject == "Uji coba ✓")
        // Line ends are the transport's (CRLF on the wire); the text, a lone dot line included, arrives whole.
        #expect(got[0].text.replacingOccurrences(of: "\r\n", with: "\n") == "Yth. Bapak/Ibu,\n.\nIzin tinggal Nguyễn Văn An berakhir 7 hari lagi.\n")
        #expect(got[0].message_id == "<\(m.messageID)>")
        #expect(!got[0].tls)
    }

    @Test func upgradesWithSTARTTLSChecksTheCertificateAndLogsIn() async throws {
        let sink = try SMTPSink(.init(startTLS: true, auth: ("sinergi", "s3cret pass")))
        defer { sink.stop() }
        let ca = try #require(sink.certificate)
        let config = try SMTPConfiguration(url: "smtp://sinergi:s3cret%20pass@localhost:\(sink.port)?ca=\(ca)")
        let c = try await SMTPConnection.open(config, group: group)
        try await c.send(try mail(to: "a@one.co.id"))
        try await c.send(try mail(to: "b@two.co.id"))
        await c.close()
        let got = try await sink.waitFor(2)
        #expect(got.map(\.rcpt_tos) == [["a@one.co.id"], ["b@two.co.id"]])
        #expect(got.allSatisfy { $0.tls && $0.authenticated })
    }

    @Test func refusesAnUntrustedCertificate() async throws {
        let sink = try SMTPSink(.init(startTLS: true))
        defer { sink.stop() }
        await #expect(throws: (any Error).self) {
            try await SMTPClient.send(try mail(), using: SMTPConfiguration(url: "smtp://localhost:\(sink.port)"), group: group)
        }
        #expect(try sink.messages().isEmpty)
    }

    @Test func speaksImplicitTLS() async throws {
        let sink = try SMTPSink(.init(implicitTLS: true, auth: ("u", "p")))
        defer { sink.stop() }
        try await SMTPClient.send(try mail(), using: SMTPConfiguration(url: "smtps://u:p@127.0.0.1:\(sink.port)?verify=none"), group: group)
        let got = try await sink.waitFor(1)
        #expect(got.count == 1 && got[0].tls && got[0].authenticated)
    }

    @Test func neverSendsAPasswordInClearText() async throws {
        let sink = try SMTPSink(.init(auth: ("u", "p")))   // offers AUTH without TLS
        defer { sink.stop() }
        await #expect(throws: SMTPError.self) {
            try await SMTPClient.send(try mail(), using: SMTPConfiguration(url: "smtp://u:p@127.0.0.1:\(sink.port)"), group: group)
        }
        #expect(try sink.messages().isEmpty)
    }

    @Test func requiredSTARTTLSThatIsNotOfferedIsPermanent() async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        do {
            try await SMTPClient.send(try mail(), using: SMTPConfiguration(url: "smtp://127.0.0.1:\(sink.port)?starttls=required"), group: group)
            Issue.record("sent without TLS")
        } catch let e as SMTPError {
            #expect(e == .startTLSUnavailable && e.isPermanent)
        }
    }

    @Test func wrongPasswordIsPermanentTemporaryFailureIsNot() async throws {
        let sink = try SMTPSink(.init(startTLS: true, auth: ("u", "p"), failFirst: 1))
        defer { sink.stop() }
        do {
            try await SMTPClient.send(try mail(), using: SMTPConfiguration(url: "smtp://u:wrong@127.0.0.1:\(sink.port)?verify=none"), group: group)
            Issue.record("logged in with a wrong password")
        } catch let e as SMTPError {
            guard case .rejected(let cmd, 535, _) = e else { Issue.record("unexpected \(e)"); return }
            #expect(e.isPermanent && !cmd.contains("wrong"))
        }
        // First message: 451 (temporary); the same session goes on after RSET.
        let c = try await SMTPConnection.open(SMTPConfiguration(url: "smtp://u:p@127.0.0.1:\(sink.port)?verify=none"), group: group)
        do {
            try await c.send(try mail(to: "first@x.co.id"))
            Issue.record("the sink was to refuse the first message")
        } catch let e as SMTPError {
            #expect(!e.isPermanent)
            guard case .rejected("DATA", 451, _) = e else { Issue.record("unexpected \(e)"); return }
        }
        try await c.reset()
        try await c.send(try mail(to: "second@x.co.id"))
        await c.close()
        let got = try await sink.waitFor(1)
        #expect(got.map(\.rcpt_tos) == [["second@x.co.id"]])
    }

    @Test func aClosedPortIsATemporaryConnectionFailure() async throws {
        let sink = try SMTPSink()
        let port = sink.port
        sink.stop()
        do {
            try await SMTPClient.send(try mail(), using: SMTPConfiguration(url: "smtp://127.0.0.1:\(port)"), group: group)
            Issue.record("connected to a stopped server")
        } catch let e as SMTPError {
            guard case .connectionFailed = e else { Issue.record("unexpected \(e)"); return }
            #expect(!e.isPermanent)
        }
    }
}
