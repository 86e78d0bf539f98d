import Matching

/// ISO 3166-1 alpha-3 country codes, plus the three-letter ICAO 9303 codes that appear in travel documents
/// (XXA stateless, XXB refugee, XXC refugee (other), XXX unspecified, UNO/UNA/UNK, EUE, GBD/GBN/GBO/GBP/GBS, RKS). Germany's
/// one-letter D is read as DEU (`code`).
enum Countries {
    static let alpha3: Set<String> = Set("""
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU
    BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA
    DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM
    GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT
    LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ
    MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF
    QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD
    TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB
    ZWE RKS XXA XXB XXC XXX UNO UNA UNK EUE GBD GBN GBO GBP GBS
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    static func isKnown(_ code: String) -> Bool { alpha3.contains(code) }

    /// The code of a nationality as people write it: a known code as it is (`GBD`, a British passport's own, stays `GBD`;
    /// the matching engine reads it as GBR), else the country's name or adjective in Indonesian or English (`Tiongkok`,
    /// `Korea Selatan`, `Chinese`) or the passport zone's `D` by the engine's table (`Normalize.category`). Nil when neither.
    static func code(_ written: String) -> String? {
        let upper = written.trimmingCharacters(in: .whitespaces).uppercased()
        if isKnown(upper) { return upper }
        let named = Normalize.category(written, as: .country)
        return isKnown(named) ? named : nil
    }
}
