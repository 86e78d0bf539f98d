import Foundation
/// Machine-readable zones of travel documents (ICAO Doc 9303): TD3 passports (2 × 44), TD2 (2 × 36)
/// and TD1 identity cards (3 × 30), with every check digit verified and a failure named precisely.
public struct MRZ: Sendable, Equatable {
    public enum Format: String, Sendable { case td1 = "TD1", td2 = "TD2", td3 = "TD3" }

    public var format: Format
    public var documentCode: String
    public var issuingState: String
    public var documentNumber: String
    public var nationality: String
    public var surname: String
    public var givenNames: String
    public var birthDate: String?       // YYYY-MM-DD
    public var sex: String              // M, F or X
    public var expiryDate: String?      // YYYY-MM-DD
    public var optionalData: String

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, for a message in the user's language.
        public enum Kind: String, Sendable { case character, shape, checkDigit }
        public var line: Int
        public var message: String
        public var kind: Kind = .shape
        /// The MRZ field whose check digit failed ("document number", "date of birth", …).
        public var field: String?
        public init(line: Int, message: String, kind: Kind, field: String? = nil) {
            self.line = line; self.message = message; self.kind = kind; self.field = field
        }
        public var description: String { "MRZ line \(line): \(message)" }
    }

    /// Parses two or three pasted lines (any surrounding whitespace, blank lines and lower case are tolerated).
    /// `currentYear` decides the century of two-digit birth years.
    public static func parse(_ text: String, currentYear: Int) throws -> MRZ {
        let lines = text.uppercased().split(whereSeparator: \.isNewline)
            .map { $0.filter { !$0.isWhitespace } }
            .filter { !$0.isEmpty }
        for (k, l) in lines.enumerated() {
            if let bad = l.first(where: { !(($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "<") }) {
                throw Failure(line: k + 1, message: "character \"\(bad)\" is not allowed (only A–Z, 0–9 and <)", kind: .character)
            }
        }
        let width = lines.first?.count ?? 0
        switch (lines.count, lines.allSatisfy { $0.count == width } ? width : -1) {
        case (2, 44): return try td3(lines.map(Array.init), currentYear: currentYear)
        case (2, 36): return try td2(lines.map(Array.init), currentYear: currentYear)
        case (3, 30): return try td1(lines.map(Array.init), currentYear: currentYear)
        default:
            let shape = lines.map { String($0.count) }.joined(separator: " + ")
            throw Failure(line: 1, message: "expected 2 lines of 44 (passport), 2 of 36 (TD2) or 3 of 30 (ID card) characters, got \(lines.count) line(s) of \(shape.isEmpty ? "0" : shape)", kind: .shape)
        }
    }

    /// ICAO 9303 check digit: weights 7, 3, 1; digits count as themselves, A–Z as 10–35, < as 0.
    public static func checkDigit<S: Sequence>(_ s: S) -> Int where S.Element == Character {
        let weights = [7, 3, 1]
        var sum = 0
        for (k, c) in s.enumerated() {
            let v: Int
            if let d = c.wholeNumberValue, c.isASCII { v = d }
            else if let a = c.asciiValue, a >= 65, a <= 90 { v = Int(a) - 55 }
            else { v = 0 }
            sum += v * weights[k % 3]
        }
        return sum % 10
    }

    private static func verify(_ field: String, _ data: ArraySlice<Character>, _ digit: Character, line: Int, position: Int, optionalBlank: Bool = false) throws {
        if optionalBlank && digit == "<" && data.allSatisfy({ $0 == "<" }) { return }
        guard let d = digit.wholeNumberValue else {
            throw Failure(line: line, message: "check digit of the \(field) (position \(position)) is \"\(digit)\", not a digit", kind: .checkDigit, field: field)
        }
        let expected = checkDigit(data)
        if d != expected {
            throw Failure(line: line, message: "check digit of the \(field) (position \(position)) is \(d) but the \(field) gives \(expected)", kind: .checkDigit, field: field)
        }
    }

    private static func text(_ s: ArraySlice<Character>) -> String {
        String(s).replacingOccurrences(of: "<", with: " ").trimmingCharacters(in: .whitespaces)
    }

    private static func names(_ s: ArraySlice<Character>) -> (String, String) {
        let raw = String(s)
        let parts = raw.components(separatedBy: "<<")
        let surname = parts[0].replacingOccurrences(of: "<", with: " ").trimmingCharacters(in: .whitespaces)
        let given = parts.dropFirst().joined(separator: " ").replacingOccurrences(of: "<", with: " ")
            .split(separator: " ").joined(separator: " ")
        return (surname, given)
    }

    static func date(_ s: ArraySlice<Character>, birth: Bool, currentYear: Int) -> String? {
        guard s.allSatisfy(\.isNumber), let n = Int(String(s)) else { return nil }
        let yy = n / 10000, mm = (n / 100) % 100, dd = n % 100
        guard (1...12).contains(mm), (1...31).contains(dd) else { return nil }
        let century = birth ? (yy > currentYear % 100 ? 1900 : 2000) : 2000
        return String(format: "%04d-%02d-%02d", century + yy, mm, dd)
    }

    private static func sex(_ c: Character) -> String { c == "M" || c == "F" ? String(c) : "X" }

    static func td3(_ l: [[Character]], currentYear: Int) throws -> MRZ {
        let a = l[0], b = l[1]
        try verify("document number", b[0..<9], b[9], line: 2, position: 10)
        try verify("date of birth", b[13..<19], b[19], line: 2, position: 20)
        try verify("expiry date", b[21..<27], b[27], line: 2, position: 28)
        try verify("personal number", b[28..<42], b[42], line: 2, position: 43, optionalBlank: true)
        try verify("whole line (composite)", b[0..<10] + b[13..<20] + b[21..<43], b[43], line: 2, position: 44)
        let (surname, given) = names(a[5..<44])
        return MRZ(format: .td3, documentCode: text(a[0..<2]), issuingState: text(a[2..<5]), documentNumber: text(b[0..<9]),
                   nationality: text(b[10..<13]), surname: surname, givenNames: given,
                   birthDate: date(b[13..<19], birth: true, currentYear: currentYear), sex: sex(b[20]),
                   expiryDate: date(b[21..<27], birth: false, currentYear: currentYear), optionalData: text(b[28..<42]))
    }

    static func td2(_ l: [[Character]], currentYear: Int) throws -> MRZ {
        let a = l[0], b = l[1]
        try verify("document number", b[0..<9], b[9], line: 2, position: 10)
        try verify("date of birth", b[13..<19], b[19], line: 2, position: 20)
        try verify("expiry date", b[21..<27], b[27], line: 2, position: 28)
        try verify("whole line (composite)", b[0..<10] + b[13..<20] + b[21..<35], b[35], line: 2, position: 36)
        let (surname, given) = names(a[5..<36])
        return MRZ(format: .td2, documentCode: text(a[0..<2]), issuingState: text(a[2..<5]), documentNumber: text(b[0..<9]),
                   nationality: text(b[10..<13]), surname: surname, givenNames: given,
                   birthDate: date(b[13..<19], birth: true, currentYear: currentYear), sex: sex(b[20]),
                   expiryDate: date(b[21..<27], birth: false, currentYear: currentYear), optionalData: text(b[28..<35]))
    }

    static func td1(_ l: [[Character]], currentYear: Int) throws -> MRZ {
        let a = l[0], b = l[1], c = l[2]
        try verify("document number", a[5..<14], a[14], line: 1, position: 15)
        try verify("date of birth", b[0..<6], b[6], line: 2, position: 7)
        try verify("expiry date", b[8..<14], b[14], line: 2, position: 15)
        try verify("whole card (composite)", a[5..<30] + b[0..<7] + b[8..<15] + b[18..<29], b[29], line: 2, position: 30)
        let (surname, given) = names(c[0..<30])
        return MRZ(format: .td1, documentCode: text(a[0..<2]), issuingState: text(a[2..<5]), documentNumber: text(a[5..<14]),
                   nationality: text(b[15..<18]), surname: surname, givenNames: given,
                   birthDate: date(b[0..<6], birth: true, currentYear: currentYear), sex: sex(b[7]),
                   expiryDate: date(b[8..<14], birth: false, currentYear: currentYear), optionalData: text(a[15..<30]))
    }
}
