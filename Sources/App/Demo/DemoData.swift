import Fluent
import Foundation
import Matching

/// Names, passports and employers modelled on the source articles: an industrial estate in
/// Kabupaten Mojokerto (Ngoro Industri Persada, 143 companies, ~600 foreign workers, of which 49
/// companies employ foreigners), mixed-marriage families in Surabaya, and companies in Jakarta
/// Selatan and Tangerang for the other offices. Names carry the variants that make matching hard.
enum DemoNames {
    struct Nationality: Sendable {
        let code: String
        let weight: Int
        let families: [String]
        let givens: [String]
        let familyFirst: Bool
        let passport: @Sendable (inout SplitMix64) -> String
    }

    static func digits(_ n: Int, _ rng: inout SplitMix64) -> String {
        String((0..<n).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
    }
    static func letter(_ rng: inout SplitMix64) -> String {
        String("ABCDEFGHJKLMNPRSTUVWXYZ".randomElement(using: &rng)!)
    }

    static let nationalities: [Nationality] = [
        .init(code: "CHN", weight: 30, families: ["ZHANG", "WANG", "LI", "LIU", "CHEN", "YANG", "HUANG", "ZHAO", "WU", "ZHOU", "XU", "SUN", "MA", "ZHU", "HU", "GUO", "HE", "LIN", "LUO", "GAO"],
              givens: ["WEI", "FANG", "NA", "MIN", "JING", "LEI", "JUN", "YANG", "JIE", "TAO", "MING", "CHAO", "XIUYING", "XIAOMING", "JIANGUO", "HAIYAN", "YONG", "QIANG", "LINA", "HONG"],
              familyFirst: true, passport: { "E" + digits(8, &$0) }),
        .init(code: "KOR", weight: 14, families: ["KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON", "JANG", "LIM", "RHEE", "YI"],
              givens: ["MIN JUN", "SEO YEON", "JI HOON", "HYUN WOO", "JI WON", "SUNG MIN", "DONG HYUN", "YOUNG HO", "EUN JI", "SANG WOO"],
              familyFirst: true, passport: { "M" + digits(8, &$0) }),
        .init(code: "JPN", weight: 12, families: ["SATO", "SUZUKI", "TAKAHASHI", "TANAKA", "WATANABE", "ITO", "YAMAMOTO", "NAKAMURA", "KOBAYASHI", "KATO"],
              givens: ["HIROSHI", "TAKESHI", "KENJI", "YUKI", "DAISUKE", "AKIRA", "SHOTA", "HARUTO", "YUMIKO", "KAZUO"],
              familyFirst: true, passport: { "T" + letter(&$0) + digits(7, &$0) }),
        .init(code: "TWN", weight: 8, families: ["CHANG", "HSU", "LIN", "CHEN", "WANG", "LEE", "HUANG", "WU", "TSAI", "CHOU", "LIU", "YEH"],
              givens: ["CHIA HAO", "YU TING", "CHIH MING", "SHU FEN", "CHUN CHIEH", "HSIN YI", "WEN HSIUNG", "MEI LING"],
              familyFirst: true, passport: { "3" + digits(8, &$0) }),
        .init(code: "IND", weight: 8, families: ["KUMAR", "SHARMA", "SINGH", "PATEL", "GUPTA", "REDDY", "IYER", "NAIR", "RAO", "MEHTA"],
              givens: ["RAJESH", "AMIT", "SURESH", "PRIYA", "VIKRAM", "ANIL", "DEEPAK", "MOHAMMED ARIF", "SANJAY", "RAHUL"],
              familyFirst: false, passport: { letter(&$0) + digits(7, &$0) }),
        .init(code: "MYS", weight: 6, families: ["BIN ABDULLAH", "BIN AHMAD", "BIN ISMAIL", "TAN", "LIM", "WONG", "BINTI HASSAN"],
              givens: ["MOHD FAIZAL", "MUHAMMAD HAFIZ", "AHMAD ZAKI", "SITI AMINAH", "CHEE KEONG", "WEI LUN", "MOHAMMED RIDZUAN"],
              familyFirst: false, passport: { "A" + digits(8, &$0) }),
        .init(code: "VNM", weight: 5, families: ["NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "PHAN", "VŨ", "ĐẶNG", "NGUYEN", "TRAN"],
              givens: ["VĂN ĐỨC", "THỊ HƯƠNG", "MINH TUẤN", "QUỐC BẢO", "THANH HÀ", "VAN HUNG", "THI LAN"],
              familyFirst: true, passport: { "C" + digits(7, &$0) }),
        .init(code: "THA", weight: 3, families: ["SRISAI", "WONGSAWAT", "CHAIYAPORN", "SUKSAWAT", "RATTANAPONG"],
              givens: ["SOMCHAI", "SOMSAK", "NATTAPONG", "KANYA", "PORNTIP"],
              familyFirst: false, passport: { "AA" + digits(7, &$0) }),
        .init(code: "PHL", weight: 4, families: ["SANTOS", "REYES", "CRUZ", "BAUTISTA", "DELA CRUZ", "GARCIA", "MENDOZA"],
              givens: ["JOSE", "MARIA CRISTINA", "JUAN CARLOS", "MARK ANTHONY", "JOHN PAUL"],
              familyFirst: false, passport: { "P" + digits(7, &$0) + letter(&$0) }),
        .init(code: "DEU", weight: 4, families: ["MÜLLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER"],
              givens: ["THOMAS", "MICHAEL", "ANDREAS", "STEFAN", "JULIA", "KLAUS"],
              familyFirst: false, passport: { "C" + letter(&$0) + digits(7, &$0) }),
        .init(code: "USA", weight: 3, families: ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS"],
              givens: ["JAMES", "ROBERT", "JOHN", "MICHAEL", "JENNIFER", "DAVID"],
              familyFirst: false, passport: { "5" + digits(8, &$0) }),
        .init(code: "AUS", weight: 3, families: ["SMITH", "JONES", "WILLIAMS", "BROWN", "WILSON", "TAYLOR"],
              givens: ["JACK", "OLIVER", "CHLOE", "LACHLAN", "MATTHEW", "SARAH"],
              familyFirst: false, passport: { "PA" + digits(7, &$0) }),
    ]

    static func pickNationality(_ rng: inout SplitMix64) -> Nationality {
        let total = nationalities.reduce(0) { $0 + $1.weight }
        var r = Int.random(in: 0..<total, using: &rng)
        for n in nationalities {
            if r < n.weight { return n }
            r -= n.weight
        }
        return nationalities[0]
    }

    static let companyPrefixes = ["Ngoro", "Jaya", "Sinar", "Mitra", "Tirta", "Cahaya", "Surya", "Karya", "Prima", "Bintang", "Hanjaya", "Dwi", "Tri", "Mega", "Nusantara", "Global", "Asia", "Sentosa", "Makmur", "Abadi", "Golden", "Eastern", "Pacific", "Majapahit"]
    static let companyProducts: [(String, String)] = [
        ("Plastik", "Plastik dan karet"), ("Steel", "Logam dasar"), ("Textile", "Tekstil"), ("Packaging", "Kemasan"),
        ("Chemical", "Kimia"), ("Electronics", "Elektronik"), ("Ceramics", "Keramik"), ("Paper", "Kertas"),
        ("Foods", "Makanan"), ("Glass", "Kaca"), ("Rubber", "Plastik dan karet"), ("Furniture", "Furnitur"),
        ("Pharma", "Farmasi"), ("Auto Parts", "Otomotif"), ("Garment", "Pakaian jadi"), ("Metal Works", "Logam dasar"),
    ]
    static let positions = ["Technical Advisor", "Production Manager", "Quality Control Supervisor", "Plant Manager", "Maintenance Engineer",
                            "Finance Director", "R&D Engineer", "Process Engineer", "Machine Installation Technician", "General Manager"]
    static let indonesianNames = ["Siti Rahmawati", "Budi Santoso", "Dewi Lestari", "Agus Setiawan", "Rina Wulandari", "Ahmad Fauzi",
                                  "Sri Wahyuni", "Eko Prasetyo", "Nurul Hidayah", "Hendra Gunawan", "Fitri Handayani", "Joko Susilo"]
}
