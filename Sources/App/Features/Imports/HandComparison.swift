import Foundation
import Matching

/// How a list's row and a registry person compare field by field where the engine did not compare them: a person found
/// on the search page (`ImportLinkPage`), or linked by hand. The marks are the review card's (same, similar, different,
/// missing), from plain rules a reader can check, with no weight:
/// - name: the folded words in any order the same (MUELLER as MÜLLER); similar where each word of the shorter name has a close partner in
///   the other (`Similarity.tokenAlignment` ≥ 0.85: a letter slipped, a middle name left out);
/// - birth date: the same; similar where the year and the month or the day agree, where day and month agree and the
///   years are a year or one digit apart (1990 / 1991, 1980 / 1960), or where day and month are swapped; not where only
///   day and month agree (1 January stands for an unknown birthday in many passports); an age where the list gave no
///   date is similar where it is the person's age when the list was imported (`asOf`, as the engine reads it), give or
///   take a year, and never the same;
/// - passport: as the engine levels document numbers (`Similarity.documentLevel`): the same (spaces, dashes and the
///   letters OCR reads as digits aside); similar where one or two characters slipped; different otherwise, and where
///   the two are numbers of one series a few apart (a household's documents);
/// - nationality and sex: the same or not;
/// - employer: as the employer-mismatch report compares companies (`Discrepancies.sameCompany`).
/// The engine's own comparison (`ImportRow.explanation`) stays the only one with weights.
enum HandComparison {
    typealias Part = Reconciler.Contribution

    /// `asOf`: the day the list was imported, `YYYY-MM-DD`.
    static func parts(_ r: ImportRow, _ f: Foreigner, employer: String?, asOf: String) -> [Part] {
        var parts = [
            name(ImportLinkPage.defaultQuery(r), f.fullName),
            date(r.dateOfBirth, age: r.age, f.dateOfBirth, asOf: asOf),
            document(r.passportNumber, f.passportNumber),
            same("nationality", r.nationality, f.nationality),
            same("sex", r.sex, f.sex),
        ]
        if let e = self.employer(r.employer, employer) { parts.append(e) }
        return parts
    }

    static func part(_ field: String, _ level: Int, exact: Bool = false) -> Part {
        Part(field: field, level: level, weight: 0, exact: exact)
    }

    static func name(_ listed: String, _ registered: String) -> Part {
        let a = Normalize.fold(listed).split(separator: " ").map(String.init).sorted()
        let b = Normalize.fold(registered).split(separator: " ").map(String.init).sorted()
        if a.isEmpty || b.isEmpty { return part("name", -1) }
        if a == b { return part("name", 1, exact: true) }
        // A German name as passports write it (MUELLER, JUERGEN) is the same as folded from the umlaut (MÜLLER → MULLER):
        // every E after an A, O or U left out on both sides, the words sorted again. (So are YUEN and YUN, which the mark
        // cannot tell apart; it is a plain mark, not the engine's.)
        func plain(_ w: String) -> String {
            var out = "", previous: Character = " "
            for c in w { if !(c == "E" && "AOU".contains(previous)) { out.append(c) }; previous = c }
            return out
        }
        if a.map(plain).sorted() == b.map(plain).sorted() { return part("name", 1, exact: true) }
        return part("name", Similarity.tokenAlignment(a, b) >= 0.85 ? 1 : 0)
    }

    /// Dates as the pages store them, `YYYY-MM-DD`.
    static func date(_ listed: String?, age: Int?, _ registered: String?, asOf today: String) -> Part {
        func ymd(_ s: String) -> [Int]? {
            let p = s.split(separator: "-").compactMap { Int($0) }
            return p.count == 3 ? p : nil
        }
        guard let b = registered.flatMap(ymd) else { return part("date_of_birth", -1) }
        if let listed, let a = ymd(listed) {
            if a == b { return part("date_of_birth", 1, exact: true) }
            let yearSlip = abs(a[0] - b[0]) == 1 || zip(String(a[0]), String(b[0])).filter { $0 != $1 }.count == 1
            let near = (a[0] == b[0] && (a[1] == b[1] || a[2] == b[2])) || (a[1] == b[1] && a[2] == b[2] && yearSlip)
                || (a[0] == b[0] && a[1] == b[2] && a[2] == b[1])
            return part("date_of_birth", near ? 1 : 0)
        }
        guard let age, let now = ymd(today) else { return part("date_of_birth", -1) }
        let years = now[0] - b[0] - ((now[1], now[2]) < (b[1], b[2]) ? 1 : 0)
        return part("date_of_birth", abs(years - age) <= 1 ? 1 : 0)
    }

    static func document(_ listed: String?, _ registered: String?) -> Part {
        let a = listed.map(Normalize.documentMatchKey) ?? "", b = registered.map(Normalize.documentMatchKey) ?? ""
        if a.isEmpty || b.isEmpty { return part("passport_number", -1) }
        let level = Similarity.documentLevel(a, b)
        return part("passport_number", level > 0 ? 1 : 0, exact: level == 3)
    }

    static func same(_ field: String, _ listed: String?, _ registered: String?) -> Part {
        guard let a = listed?.uppercased(), let b = registered?.uppercased(), !a.isEmpty, !b.isEmpty else { return part(field, -1) }
        return part(field, a == b ? 1 : 0, exact: a == b)
    }

    /// The employer's mark, where both sides name one.
    static func employer(_ listed: String?, _ registered: String?) -> Part? {
        guard let listed, let registered else { return nil }
        let same = Discrepancies.sameCompany(listed, registered)
        return part("employer", same ? 1 : 0, exact: Reconciler.companyKey(listed) == Reconciler.companyKey(registered))
    }
}
