import Foundation
import Vapor

/// A minimal multipart/form-data reader (RFC 7578) for uploads already spooled to disk: parts with
/// their name, file name, content type and body bytes.
struct MultipartParts {
    struct Part {
        var name: String
        var fileName: String?
        var contentType: HTTPMediaType?
        var body: Data
    }

    static func parse(_ data: Data, boundary: String) throws -> [Part] {
        guard !boundary.isEmpty, boundary.count <= 200 else { throw ValidationFailure(message: "multipart body without a boundary") }
        let delimiter = Data("--\(boundary)".utf8)
        let bytes = data
        var parts: [Part] = []
        guard var cursor = bytes.range(of: delimiter)?.upperBound else { throw ValidationFailure(message: "multipart body without its boundary") }
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if bytes[cursor...].starts(with: Data("--".utf8)) { break }
            guard bytes[cursor...].starts(with: Data("\r\n".utf8)) else { throw ValidationFailure(message: "malformed multipart body") }
            cursor += 2
            guard let headerEnd = bytes.range(of: Data("\r\n\r\n".utf8), in: cursor..<bytes.endIndex) else {
                throw ValidationFailure(message: "malformed multipart part headers")
            }
            let headerText = String(decoding: bytes[cursor..<headerEnd.lowerBound], as: UTF8.self)
            let bodyStart = headerEnd.upperBound
            guard let next = bytes.range(of: Data("\r\n--\(boundary)".utf8), in: bodyStart..<bytes.endIndex) else {
                throw ValidationFailure(message: "multipart body is not closed")
            }
            var name: String?, fileName: String?, type: HTTPMediaType?
            for line in headerText.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: line)
                    fileName = parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    var h = HTTPHeaders()
                    h.replaceOrAdd(name: .contentType, value: line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces))
                    type = h.contentType
                }
            }
            if let name { parts.append(Part(name: name, fileName: fileName, contentType: type, body: Data(bytes[bodyStart..<next.lowerBound]))) }
            cursor = next.upperBound
        }
        return parts
    }

    private static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var v = kv[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return (v as NSString).lastPathComponent
        }
        return nil
    }
}
