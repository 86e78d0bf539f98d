import Vapor

/// Decodes `multipart/form-data` only once its structure is sound: the parser underneath trapped (the
/// whole server stopped) on a body whose part had no header section before the closing delimiter — found
/// by the API contract test, reachable by anyone who can post a form. Registered for every multipart
/// decode (`Configure`), so no handler can reach the parser with such a body; a malformed body is 422.
struct GuardedFormDataDecoder: ContentDecoder {
    let decoder = FormDataDecoder()

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(D.self, from: body, headers: headers, userInfo: [:])
    }

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders, userInfo: [CodingUserInfoKey: Sendable]) throws -> D {
        guard let boundary = headers.contentType?.parameters["boundary"], !boundary.isEmpty else { throw Abort(.unsupportedMediaType) }
        guard Self.isWellFormed(Array(body.readableBytesView), boundary: boundary) else { throw ValidationFailure("v.multipart") }
        return try decoder.decode(D.self, from: body, headers: headers, userInfo: userInfo)
    }

    /// RFC 2046 §5.1.1, strictly: `--boundary` CRLF, then parts each made of a header section ended by an
    /// empty line (CRLF CRLF; a part may have no headers: CRLF alone) and content, separated by
    /// CRLF `--boundary` CRLF, and closed by CRLF `--boundary--`. A preamble before the first delimiter and an
    /// epilogue after the last are allowed.
    static func isWellFormed(_ body: [UInt8], boundary: String) -> Bool {
        let dash = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter: at the very start, or after a preamble line.
        var at: Int
        if body.starts(with: dash) {
            at = dash.count
        } else if let i = find(delimiter, in: body, from: 0) {
            at = i + delimiter.count
        } else {
            return false
        }
        var parts = 0
        while true {
            // After a delimiter: "--" closes the body, CRLF opens a part.
            if at + 2 <= body.count, body[at] == UInt8(ascii: "-"), body[at + 1] == UInt8(ascii: "-") { return parts > 0 }
            guard at + 2 <= body.count, body[at] == 13, body[at + 1] == 10 else { return false }
            let start = at + 2
            guard let next = find(delimiter, in: body, from: start) else { return false }
            // The header section ends within the part: at its start (no headers) or at an empty line.
            let part = body[start..<next]
            let noHeaders = part.starts(with: [13, 10])
            guard noHeaders || find([13, 10, 13, 10], in: body, from: start).map({ $0 + 4 <= next }) == true else { return false }
            parts += 1
            at = next + delimiter.count
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
