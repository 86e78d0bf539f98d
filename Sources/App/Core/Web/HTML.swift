/// HTML built by string interpolation where every interpolated `String` (or number) is escaped, and
/// only values already of type `HTML` pass through. Views cannot forget to escape user data.
public struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var raw: String

    public init(stringLiteral value: String) { raw = value }
    public init(unsafeRaw: String) { raw = unsafeRaw }
    public init(stringInterpolation: Interpolation) { raw = stringInterpolation.out }
    public var description: String { raw }

    public struct Interpolation: StringInterpolationProtocol {
        var out = ""
        public init(literalCapacity: Int, interpolationCount: Int) { out.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { out += literal }
        public mutating func appendInterpolation(_ html: HTML) { out += html.raw }
        public mutating func appendInterpolation(_ html: [HTML]) { for h in html { out += h.raw } }
        public mutating func appendInterpolation(_ text: String) { out += HTML.escape(text) }
        public mutating func appendInterpolation(_ text: String?) { out += HTML.escape(text ?? "") }
        public mutating func appendInterpolation<N: BinaryInteger>(_ n: N) { out += String(n) }
    }

    public static func escape(_ s: String) -> String {
        var r = ""
        r.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&#39;"
            default: r.unicodeScalars.append(ch)
            }
        }
        return r
    }

    public static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        HTML(unsafeRaw: parts.map(\.raw).joined(separator: separator.raw))
    }
}

extension Sequence {
    func html(_ transform: (Element) -> HTML) -> HTML { HTML.join(map(transform)) }
}
