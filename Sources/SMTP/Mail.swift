import Foundation

/// An e-mail address with an optional display name. Addresses with line breaks, spaces or angle
/// brackets are refused, so a header can never be injected through one.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public let email: String
    public let name: String?

    public init(_ email: String, name: String? = nil) throws {
        let e = email.trimmingCharacters(in: .whitespaces)
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              e.utf8.count <= 254,
              !e.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || "<>()[],;:\\\"".unicodeScalars.contains($0) })
        else { throw SMTPError.invalidAddress(email) }
        self.email = e
        self.name = name.map { $0.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") }
    }

    public var description: String { email }

    /// The address as a header value, the name encoded when it is not plain ASCII.
    var header: String {
        guard let name, !name.isEmpty else { return "<\(email)>" }
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && !"\"\\".unicodeScalars.contains($0) }
        return plain ? "\"\(name)\" <\(email)>" : "\(MIME.encodedWord(name)) <\(email)>"
    }
}

/// A plain-text message (UTF-8).
public struct Mail: Sendable, Equatable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    public var text: String
    /// Stable per logical message, so a receiver can tell a resend from a new message.
    public var messageID: String
    public var date: Date
    /// Extra headers (name → value), e.g. `Auto-Submitted`. Values with line breaks are refused.
    public var headers: [(String, String)]

    public init(from: MailAddress, to: [MailAddress], subject: String, text: String, messageID: String,
                date: Date = Date(), headers: [(String, String)] = []) {
        self.from = from; self.to = to; self.subject = subject; self.text = text
        self.messageID = messageID; self.date = date; self.headers = headers
    }

    public static func == (a: Mail, b: Mail) -> Bool {
        a.from == b.from && a.to == b.to && a.subject == b.subject && a.text == b.text && a.messageID == b.messageID
            && a.date == b.date && a.headers.map { "\($0.0):\($0.1)" } == b.headers.map { "\($0.0):\($0.1)" }
    }

    /// The message as sent after DATA: CRLF line ends, dot-stuffed, without the final `.` line.
    public func rendered() throws -> String {
        guard !to.isEmpty else { throw SMTPError.noRecipients }
        for (name, value) in headers {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
                  !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" })
            else { throw SMTPError.invalidHeader(name) }
        }
        guard !messageID.isEmpty, !messageID.unicodeScalars.contains(where: { $0.value <= 0x20 || $0 == "<" || $0 == ">" }) else {
            throw SMTPError.invalidHeader("Message-ID")
        }
        var lines = [
            "From: \(from.header)",
            "To: \(to.map(\.header).joined(separator: ", "))",
            "Subject: \(MIME.encodedWord(subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")))",
            "Date: \(MIME.date(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        lines += headers.map { "\($0.0): \($0.1)" }
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Array(Data(normalised.utf8).base64EncodedString())
        let bodyLines = stride(from: 0, to: encoded.count, by: 76).map { String(encoded[$0..<min($0 + 76, encoded.count)]) }
        // Base64 lines never start with a dot; stuff anyway so the function is right for any body.
        let stuffed = bodyLines.map { $0.hasPrefix(".") ? "." + $0 : $0 }
        return (lines + [""] + stuffed).joined(separator: "\r\n")
    }
}

enum MIME {
    /// RFC 2047 encoded words (UTF-8, base64) when the text is not printable ASCII; each word at most
    /// 64 characters, never splitting a character.
    static func encodedWord(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) && !s.contains("=?") { return s }
        var words: [String] = [], chunk = Data()
        for ch in s {
            let bytes = Data(String(ch).utf8)
            if chunk.count + bytes.count > 39 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// RFC 5322 date, e.g. `Mon, 30 Nov 2026 17:56:08 +0000`.
    static func date(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: d)
    }
}
