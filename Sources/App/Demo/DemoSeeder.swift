import Fluent
import Foundation
import Matching
import NIOPosix

/// Builds the demo data set. Idempotent: if the demo office exists, nothing is written.
enum DemoSeeder {
    static let officeCode = "SBY"
    static let accounts: [(email: String, role: Role)] = [
        ("admin@demo.sinergi.id", .admin), ("supervisor@demo.sinergi.id", .supervisor), ("officer@demo.sinergi.id", .officer),
        ("agency@demo.sinergi.id", .agency), ("sponsor@demo.sinergi.id", .sponsor), ("officer.jaksel@demo.sinergi.id", .officer),
    ]

    struct Outcome: Sendable {
        var created: Bool
        var foreigners: Int
        var sponsors: Int
    }

    static func run(on db: any Database, seed: UInt64, today: String, password: String, bcryptCost: Int, pool: NIOThreadPool, clock: AppClock) async throws -> Outcome {
        if try await Office.query(on: db).filter(\.$code == officeCode).first() != nil {
            return Outcome(created: false, foreigners: try await Foreigner.query(on: db).countRows(), sponsors: try await Sponsor.query(on: db).countRows())
        }
        // Hash before the transaction so no write lock is held during bcrypt.
        let hash = try await PasswordHasher.hash(password, cost: bcryptCost, on: pool)
        return try await AuditLog.write(on: db, actor: .system, requestID: "seed-\(seed)", clock: clock) { tx in
            var builder = Builder(db: tx, rng: SplitMix64(seed: seed), today: today)
            try await builder.build(passwordHash: hash)
            let outcome = Outcome(created: true, foreigners: builder.foreignerCount, sponsors: builder.sponsorCount)
            return (outcome, [AuditEntry(action: "demo.seed", objectType: "dataset", objectID: "demo", detail: "seed=\(seed) foreigners=\(builder.foreignerCount)")])
        }
    }

    struct Builder {
        let db: any Database
        var rng: SplitMix64
        let today: String
        var foreignerCount = 0
        var sponsorCount = 0
        var usedPassports = Set<String>()
        var permitSerial = 0
        var nibSerial = 0

        init(db: any Database, rng: SplitMix64, today: String) {
            self.db = db; self.rng = rng; self.today = today
        }

        func villages(under prefix: String) async throws -> [String] {
            try await Region.query(on: db).filter(\.$level == "village").filter(\.$id =~ (prefix + ".")).sort(\.$id).all().compactMap(\.id)
        }

        mutating func build(passwordHash: String) async throws {
            // Offices and jurisdictions.
            let sby = Office(code: "SBY", name: "Kantor Imigrasi Kelas I Khusus TPI Surabaya", timeZone: "Asia/Jakarta", villageCode: "35.15.17.2011")
            let jaksel = Office(code: "JKS", name: "Kantor Imigrasi Kelas I Non TPI Jakarta Selatan", timeZone: "Asia/Jakarta", villageCode: try await villages(under: "31.74")[0])
            let tgr = Office(code: "TGR", name: "Kantor Imigrasi Kelas I Non TPI Tangerang", timeZone: "Asia/Jakarta", villageCode: try await villages(under: "36.71")[0])
            for o in [sby, jaksel, tgr] { try await o.create(on: db) }
            let jurisdictions: [(Office, [String])] = [
                (sby, ["35.78", "35.15", "35.16", "35.76", "35.25", "35.24", "35.23", "35.22"]),
                (jaksel, ["31.74"]), (tgr, ["36.71", "36.03"]),
            ]
            for (office, codes) in jurisdictions {
                for c in codes { try await OfficeJurisdiction(officeID: office.id!, regencyCode: c).create(on: db) }
            }

            // Timpora agencies: every type for Kabupaten Mojokerto, plus a few elsewhere.
            let agencies: [(String, AgencyType, String)] = [
                ("Dinas Tenaga Kerja Kabupaten Mojokerto", .disnaker, "35.16"), ("Polres Mojokerto", .polri, "35.16"),
                ("Kodim 0815/Mojokerto", .tni, "35.16"), ("Kejaksaan Negeri Kabupaten Mojokerto", .kejaksaan, "35.16"),
                ("BIN Daerah Jawa Timur", .bin, "35"), ("Bakesbangpol Kabupaten Mojokerto", .kesbangpol, "35.16"),
                ("Dispendukcapil Kabupaten Mojokerto", .dukcapil, "35.16"), ("Satpol PP Kabupaten Mojokerto", .satpolPP, "35.16"),
                ("BNN Kabupaten Mojokerto", .bnn, "35.16"), ("Kecamatan Ngoro", .kecamatan, "35.16.05"),
                ("Polrestabes Surabaya", .polri, "35.78"), ("Polres Metro Jakarta Selatan", .polri, "31.74"),
            ]
            var agencyModels: [Agency] = []
            for (name, type, region) in agencies {
                let a = Agency(name: name, type: type, regionCode: region)
                try await a.create(on: db)
                agencyModels.append(a)
            }

            // The estate and its 143 companies; 49 of them employ foreigners (seed 001).
            let ngoroVillages = try await villages(under: "35.16.05")
            let estate = Estate(name: "Ngoro Industri Persada", villageCode: ngoroVillages[0], areaHa: 600)
            try await estate.create(on: db)
            var names = Set<String>()
            var estateCompanies: [Sponsor] = []
            while estateCompanies.count < 143 {
                let p = DemoNames.companyPrefixes.randomElement(using: &rng)!
                let (product, sector) = DemoNames.companyProducts.randomElement(using: &rng)!
                let name = "PT \(p) \(product) Indonesia"
                guard names.insert(name).inserted else { continue }
                let village = ngoroVillages.randomElement(using: &rng)!
                estateCompanies.append(try await company(name, sector: sector, address: "Kawasan Ngoro Industri Persada Blok \(DemoNames.letter(&rng))-\(Int.random(in: 1...40, using: &rng)), Ngoro, Mojokerto", village: village, estate: estate))
            }
            let employers = Array(estateCompanies.prefix(49))
            let mojokertoVillages = try await villages(under: "35.16")
            for i in 0..<600 {
                // The first employer (the demo sponsor account) gets a fixed, varied set of workers.
                let employer = i < 12 ? employers[0] : employers.randomElement(using: &rng)!
                let village = Bool.random(using: &rng) ? ngoroVillages.randomElement(using: &rng)! : mojokertoVillages.randomElement(using: &rng)!
                // About 1 in 20 holds a business-visit ITK while working (a risk topic in seed 004).
                let type = i >= 12 && Int.random(in: 0..<20, using: &rng) == 0 ? "C2" : "E23"
                try await foreigner(sponsor: employer, permitType: type, office: sby, village: village,
                                    addressLine: "Mess karyawan \(employer.name), Jl. Raya Ngoro Km \(Int.random(in: 1...9, using: &rng))", employer: employer, forceState: i < 12 ? i % 4 : nil)
            }

            // Surabaya: mixed-marriage families (individual sponsors) and city companies.
            let sbyVillages = try await villages(under: "35.78")
            for _ in 0..<30 {
                let spouse = DemoNames.indonesianNames.randomElement(using: &rng)!
                let village = sbyVillages.randomElement(using: &rng)!
                let s = try await individual(spouse, address: "Jl. \(["Darmo", "Dharmahusada", "Manyar", "Kertajaya", "Ngagel"].randomElement(using: &rng)!) No. \(Int.random(in: 1...200, using: &rng)), Surabaya", village: village)
                try await foreigner(sponsor: s, permitType: Int.random(in: 0..<3, using: &rng) == 0 ? "ITAP" : "E31", office: sby, village: village, addressLine: s.address, employer: nil)
            }
            try await companiesWithWorkers(count: 3, regencyPrefix: "35.78", city: "Surabaya", office: sby, workers: 20)
            try await companiesWithWorkers(count: 3, regencyPrefix: "31.74", city: "Jakarta Selatan", office: jaksel, workers: 30)
            try await companiesWithWorkers(count: 2, regencyPrefix: "36.71", city: "Tangerang", office: tgr, workers: 15)

            // One account per role.
            for (email, role) in DemoSeeder.accounts {
                let u = User()
                u.email = email; u.passwordHash = passwordHash; u.role = role.rawValue; u.language = "id"; u.disabled = false; u.notifyEmail = true
                switch email {
                case "admin@demo.sinergi.id": u.displayName = "Admin Sinergi"
                case "supervisor@demo.sinergi.id": u.displayName = "Kasi Inteldakim"; u.$office.id = sby.id
                case "officer@demo.sinergi.id": u.displayName = "Petugas Imigrasi Surabaya"; u.$office.id = sby.id
                case "officer.jaksel@demo.sinergi.id": u.displayName = "Petugas Imigrasi Jakarta Selatan"; u.$office.id = jaksel.id
                case "agency@demo.sinergi.id": u.displayName = "Disnaker Kab. Mojokerto"; u.$agency.id = agencyModels[0].id
                default: u.displayName = "HRD \(employers[0].name)"; u.$sponsor.id = employers[0].id; u.sponsorAdmin = true
                }
                try await u.create(on: db)
            }
        }

        mutating func companiesWithWorkers(count: Int, regencyPrefix: String, city: String, office: Office, workers: Int) async throws {
            let vs = try await villages(under: regencyPrefix)
            var made: [Sponsor] = []
            for _ in 0..<count {
                let (product, sector) = DemoNames.companyProducts.randomElement(using: &rng)!
                let name = "PT \(DemoNames.companyPrefixes.randomElement(using: &rng)!) \(product) \(city)"
                made.append(try await company(name, sector: sector, address: "Jl. Raya \(city) No. \(Int.random(in: 1...300, using: &rng))", village: vs.randomElement(using: &rng)!, estate: nil))
            }
            for _ in 0..<workers {
                let employer = made.randomElement(using: &rng)!
                try await foreigner(sponsor: employer, permitType: "E23", office: office, village: vs.randomElement(using: &rng)!,
                                    addressLine: "Apartemen \(city) Tower \(DemoNames.letter(&rng)) Unit \(Int.random(in: 100...2500, using: &rng))", employer: employer)
            }
        }

        mutating func company(_ name: String, sector: String, address: String, village: String, estate: Estate?) async throws -> Sponsor {
            nibSerial += 1
            let s = Sponsor()
            s.kind = SponsorKind.company.rawValue; s.name = name; s.sector = sector; s.address = address
            s.nib = String(format: "912%010d", 2_000_000 + nibSerial * 7919 % 9_000_000)
            s.npwp = "0\(Int.random(in: 1...9, using: &rng)).\(DemoNames.digits(3, &rng)).\(DemoNames.digits(3, &rng)).\(DemoNames.digits(1, &rng))-\(DemoNames.digits(3, &rng)).000"
            s.villageCode = village; s.regencyCode = RegionCode.regency(of: village)!
            let slug = name.lowercased().replacingOccurrences(of: "pt ", with: "").filter { $0.isLetter }
            s.email = "hrd@\(slug.prefix(24)).co.id"; s.phone = "+62 321 \(DemoNames.digits(6, &rng))"; s.language = "id"
            s.$estate.id = estate?.id
            try await s.create(on: db)
            sponsorCount += 1
            return s
        }

        mutating func individual(_ name: String, address: String, village: String) async throws -> Sponsor {
            let s = Sponsor()
            s.kind = SponsorKind.individual.rawValue; s.name = name; s.address = address; s.villageCode = village
            s.regencyCode = RegionCode.regency(of: village)!; s.language = "id"
            s.phone = "+62 812 \(DemoNames.digits(4, &rng)) \(DemoNames.digits(4, &rng))"
            try await s.create(on: db)
            sponsorCount += 1
            return s
        }

        /// `forceState`: 0 valid, 1 expiring, 2 overstayed, 3 valid (so the demo sponsor sees each case).
        mutating func foreigner(sponsor: Sponsor, permitType: String, office: Office, village: String, addressLine: String, employer: Sponsor?, forceState: Int? = nil) async throws {
            let nat = DemoNames.pickNationality(&rng)
            let family = nat.families.randomElement(using: &rng)!
            let given = nat.givens.randomElement(using: &rng)!
            let f = Foreigner()
            f.familyName = family; f.givenNames = given
            f.fullName = nat.familyFirst ? "\(family) \(given)" : "\(given) \(family)"
            f.sex = Bool.random(using: &rng) ? "M" : "F"
            f.dateOfBirth = String(format: "%04d-%02d-%02d", Int.random(in: 1962...2001, using: &rng), Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
            f.nationality = nat.code
            f.searchName = Normalize.fold(f.fullName)
            try await f.create(on: db)
            let fid = f.id!

            var number = nat.passport(&rng)
            while !usedPassports.insert("\(nat.code):\(number)").inserted { number = nat.passport(&rng) }
            let p = Passport()
            p.$foreigner.id = fid; p.number = number; p.issuingCountry = nat.code
            p.expiresOn = Day.adding(Int.random(in: 200...3000, using: &rng), to: today)!
            p.issuedOn = Day.adding(-Int.random(in: 300...3000, using: &rng), to: today)!
            p.isCurrent = true
            try await p.create(on: db)

            let roll = forceState.map { [0.5, 0.1, 0.02, 0.9][$0] } ?? Double.random(in: 0..<1, using: &rng)
            let daysToEnd: Int
            if roll < 0.06 { daysToEnd = -Int.random(in: 1...90, using: &rng) }
            else if roll < 0.16 { daysToEnd = Int.random(in: 0...30, using: &rng) }
            else { daysToEnd = Int.random(in: 31...700, using: &rng) }
            let end = Day.adding(daysToEnd, to: today)!
            let length = ["E31": 730, "ITAP": 1825, "C2": 60][permitType] ?? 365
            permitSerial += 1
            // A permit ending further off than its length began some months ago (a longer or renewed one), not in the
            // future: a permit issued ahead of an arrival is "not valid yet", which the demo is not about. Without the
            // random stream, so that everything drawn after it stays as it was.
            let start = daysToEnd <= length ? Day.adding(-length, to: end)! : Day.adding(-(91 + permitSerial * 37 % 270), to: today)!
            let permit = StayPermit()
            permit.$foreigner.id = fid; permit.$type.id = permitType
            permit.number = String(format: "2C%02d%@%06d", Int.random(in: 11...39, using: &rng), DemoNames.letter(&rng) + DemoNames.letter(&rng), permitSerial)
            permit.startOn = start; permit.endOn = end; permit.status = PermitStatus.active.rawValue
            permit.$sponsor.id = sponsor.id; permit.$office.id = office.id
            try await permit.create(on: db)

            let a = Address()
            a.$foreigner.id = fid; a.line = addressLine; a.villageCode = village; a.districtCode = RegionCode.district(of: village)!
            a.validFrom = start; a.isCurrent = true
            try await a.create(on: db)

            if let employer {
                let e = Employment()
                e.$foreigner.id = fid; e.$sponsor.id = employer.id!; e.position = DemoNames.positions.randomElement(using: &rng)!; e.startOn = start
                try await e.create(on: db)
            }
            try await ForeignerSummary.refresh(fid, today: today, on: db)
            foreignerCount += 1
        }
    }
}
