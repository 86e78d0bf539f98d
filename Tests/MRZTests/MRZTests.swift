@testable import MRZ
import Testing

/// Specimens published in ICAO Doc 9303 (parts 4, 5 and 6), and corrupted variants.
@Suite struct MRZTests {
    static let td3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
    static let td1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    static let td2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"

    @Test func passportSpecimen() throws {
        let m = try MRZ.parse(Self.td3, currentYear: 2026)
        #expect(m.format == .td3)
        #expect(m.documentNumber == "L898902C3")
        #expect(m.issuingState == "UTO" && m.nationality == "UTO")
        #expect(m.surname == "ERIKSSON" && m.givenNames == "ANNA MARIA")
        #expect(m.birthDate == "1974-08-12" && m.expiryDate == "2012-04-15" && m.sex == "F")
        #expect(m.optionalData == "ZE184226B")
    }

    @Test func idCardSpecimens() throws {
        let one = try MRZ.parse(Self.td1, currentYear: 2026)
        #expect(one.format == .td1 && one.documentNumber == "D23145890" && one.surname == "ERIKSSON" && one.birthDate == "1974-08-12")
        let two = try MRZ.parse(Self.td2, currentYear: 2026)
        #expect(two.format == .td2 && two.documentNumber == "D23145890" && two.givenNames == "ANNA MARIA" && two.expiryDate == "2012-04-15")
    }

    @Test func toleratesPastingNoise() throws {
        let m = try MRZ.parse("\n  " + Self.td3.lowercased().replacingOccurrences(of: "\n", with: " \r\n ") + "  \n", currentYear: 2026)
        #expect(m.documentNumber == "L898902C3")
    }

    @Test func checkDigits() {
        #expect(MRZ.checkDigit("L898902C3") == 6)
        #expect(MRZ.checkDigit("740812") == 2)
        #expect(MRZ.checkDigit("120415") == 9)
        #expect(MRZ.checkDigit("<<<<") == 0)
    }

    @Test(arguments: [
        ("L898902C36UTO", "L898902C46UTO", "document number"),         // a mistyped number
        ("UTO7408122F", "UTO7408132F", "date of birth"),
        ("F1204159ZE", "F1204169ZE", "expiry date"),
        ("ZE184226B<<<<<10", "ZE184226C<<<<<10", "personal number"),
        ("<<<<<10", "<<<<<<19", ""),                                      // wrong length
    ])
    func corruptedPassportNamesTheFailedCheck(original: String, corrupted: String, field: String) {
        let text = Self.td3.replacingOccurrences(of: original, with: corrupted)
        do {
            _ = try MRZ.parse(text, currentYear: 2026)
            Issue.record("accepted a corrupted MRZ")
        } catch let f as MRZ.Failure {
            if field.isEmpty { #expect(f.message.contains("expected 2 lines")) } else { #expect(f.message.contains(field), "\(f)") }
            #expect(f.line >= 1)
        } catch { Issue.record("\(error)") }
    }

    @Test func compositeCheckCatchesSwappedLines() {
        // Changing the composite digit only.
        let text = Self.td3.dropLast() + "1"
        #expect(throws: MRZ.Failure.self) { try MRZ.parse(String(text), currentYear: 2026) }
        do { _ = try MRZ.parse(String(text), currentYear: 2026) } catch let f as MRZ.Failure { #expect(f.message.contains("composite") && f.line == 2) } catch {}
    }

    @Test func rejectsForeignCharactersAndShapes() {
        #expect(throws: MRZ.Failure.self) { try MRZ.parse("P<UTO?", currentYear: 2026) }
        #expect(throws: MRZ.Failure.self) { try MRZ.parse("", currentYear: 2026) }
        #expect(throws: MRZ.Failure.self) { try MRZ.parse(Self.td1.replacingOccurrences(of: "7408122F", with: "7408123F"), currentYear: 2026) }
    }

    @Test func centuryOfBirthYears() {
        #expect(MRZ.date(ArraySlice("100812"), birth: true, currentYear: 2026) == "2010-08-12")
        #expect(MRZ.date(ArraySlice("740812"), birth: true, currentYear: 2026) == "1974-08-12")
        #expect(MRZ.date(ArraySlice("300101"), birth: true, currentYear: 2026) == "1930-01-01")
        #expect(MRZ.date(ArraySlice("300101"), birth: false, currentYear: 2026) == "2030-01-01")
        #expect(MRZ.date(ArraySlice("741312"), birth: true, currentYear: 2026) == nil)
    }
}
