import Foundation
import Testing
@testable import Links

/// The DVB-S2/S2X MODCOD tables against the ETSI definitions and the Shannon bound, and `best(esN0Db:)`
/// at its thresholds.
@Suite("DVB-S2X")
struct DVBS2XTests {
    /// Bits per symbol of the constellation named at the start of a MODCOD name.
    static func bitsPerSymbol(_ name: String) -> Int {
        let modulation = name.split(separator: " ")[0]
        switch modulation {
        case "QPSK": return 2
        case "8PSK", "8APSK": return 3
        case "16APSK": return 4
        case "32APSK": return 5
        case "64APSK": return 6
        case "128APSK": return 7
        case "256APSK": return 8
        default: return 0
        }
    }

    /// Code rate p/q of a MODCOD name (`16APSK 2/3-L` → (2, 3)).
    static func codeRate(_ name: String) -> (Int, Int) {
        let rate = name.split(separator: " ")[1].split(separator: "-")[0].split(separator: "/")
        return (Int(rate[0]) ?? 0, Int(rate[1]) ?? 1)
    }

    /// Spectral efficiency from the frame structure (EN 302 307-1 §5.5 / Table 13 note; EN 302 307-2):
    /// η = (K_bch − 80) / (S + 90), K_bch = 64 800·p/q − 16·t (BCH t-error correcting), 80 BBHEADER bits,
    /// S = 64 800/log2(M) symbols rounded up to whole 90-symbol slots, 90 PLHEADER symbols, no pilots.
    /// DVB-S2 uses t = 10 for rates 2/3 and 5/6, t = 8 for 8/9 and 9/10, t = 12 otherwise (EN 302 307-1
    /// Table 5a); every S2X MODCOD's ETSI figure corresponds to t = 12 (this includes 64APSK 5/6, which
    /// reuses the 5/6 LDPC code: its ETSI value 4.933701 is the t = 12 figure, t = 10 would give 4.936639).
    static func closedFormEfficiency(_ name: String, dvbs2: Bool) -> Double {
        let m = bitsPerSymbol(name)
        let (p, q) = codeRate(name)
        let kLdpc = 64_800 * p / q
        var t = 12
        if dvbs2 {
            switch (p, q) {
            case (2, 3), (5, 6): t = 10
            case (8, 9), (9, 10): t = 8
            default: t = 12
            }
        }
        let kBch = kLdpc - 16 * t
        let slots = (64_800 / m + 89) / 90
        return Double(kBch - 80) / Double(slots * 90 + 90)
    }

    @Test func tableSizesAndNames() {
        #expect(DVBS2X.dvbs2Table.count == 28)
        #expect(DVBS2X.s2xAdditions.count == 39)
        #expect(DVBS2X.table.count == 67)
        #expect(Set(DVBS2X.table.map(\.name)).count == 67)
        for m in DVBS2X.table {
            #expect(Self.bitsPerSymbol(m.name) > 0, "\(m.name)")
            #expect(64_800 * Self.codeRate(m.name).0 % Self.codeRate(m.name).1 == 0, "\(m.name)")
        }
    }

    /// Spot values of EN 302 307-1 Table 13 and EN 302 307-2 Table 20a.
    @Test(arguments: [
        ("QPSK 1/4", 0.490243, -2.35), ("QPSK 1/2", 0.988858, 1.00), ("8PSK 3/5", 1.779991, 5.50),
        ("16APSK 2/3", 2.637201, 8.97), ("32APSK 9/10", 4.453027, 16.05), ("QPSK 2/9", 0.434841, -2.85),
        ("8PSK 23/36", 1.896173, 6.12), ("16APSK 3/5-L", 2.370043, 7.41), ("32APSK 2/3-L", 3.289502, 11.10),
        ("64APSK 5/6", 4.933701, 16.55), ("128APSK 7/9", 5.355556, 18.53), ("256APSK 3/4", 5.900855, 19.57),
    ])
    func publishedValues(name: String, efficiency: Double, esN0: Double) throws {
        let m = try #require(DVBS2X.table.first { $0.name == name })
        #expect(m.spectralEfficiency == efficiency)
        #expect(m.requiredEsN0Db == esN0)
    }

    /// Every tabulated efficiency equals the frame-structure closed form to the table's 6 decimals.
    @Test func efficienciesMatchFrameStructure() {
        for m in DVBS2X.dvbs2Table {
            #expect(abs(m.spectralEfficiency - Self.closedFormEfficiency(m.name, dvbs2: true)) < 5e-7, "\(m.name)")
        }
        for m in DVBS2X.s2xAdditions {
            #expect(abs(m.spectralEfficiency - Self.closedFormEfficiency(m.name, dvbs2: false)) < 5e-7, "\(m.name)")
        }
    }

    /// η is within 3 % below log2(M)·rate: only headers and BCH parity are lost.
    @Test func efficiencyCloseToBitsTimesRate() {
        for m in DVBS2X.table {
            let (p, q) = Self.codeRate(m.name)
            let nominal = Double(Self.bitsPerSymbol(m.name)) * Double(p) / Double(q)
            #expect(m.spectralEfficiency < nominal, "\(m.name)")
            #expect(m.spectralEfficiency > 0.97 * nominal, "\(m.name)")
        }
    }

    /// No MODCOD beats Shannon: its Es/N0 threshold is above 10·log10(2^η − 1), by 0.5 to 4 dB for
    /// real LDPC codes at PER 1e-5 (≈1 dB at low rates, up to 3.7 dB for 8PSK 9/10).
    @Test func thresholdsRespectShannon() {
        for m in DVBS2X.table {
            let shannon = 10 * log10(pow(2, m.spectralEfficiency) - 1)
            let gap = m.requiredEsN0Db - shannon
            #expect(gap > 0.5 && gap < 4, "\(m.name): gap \(gap) dB")
        }
    }

    /// Within one constellation and code family (the "-L" codes are a separate family), a higher code
    /// rate needs more Es/N0 and carries more. Across DVB-S2 constellations a more efficient MODCOD never
    /// needs more than 1 dB less than a less efficient one (largest: 8PSK 3/5 vs QPSK 8/9, 0.70 dB).
    /// (Across the full S2X table the largest such inversion is 1.71 dB, 16APSK 25/36 vs 8PSK 9/10.)
    @Test func thresholdsOrderedWithEfficiency() {
        let standardCodes = DVBS2X.table.filter { !$0.name.hasSuffix("-L") }
        let byModulation = Dictionary(grouping: standardCodes) { $0.name.split(separator: " ")[0] }
        #expect(byModulation.count == 7)   // QPSK, 8PSK, 16/32/64/128/256APSK (8APSK has only -L codes)
        for (_, group) in byModulation {
            let sorted = group.sorted { $0.requiredEsN0Db < $1.requiredEsN0Db }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                #expect(b.spectralEfficiency > a.spectralEfficiency, "\(a.name) → \(b.name)")
            }
        }
        for a in DVBS2X.dvbs2Table {
            for b in DVBS2X.dvbs2Table where b.spectralEfficiency > a.spectralEfficiency {
                #expect(b.requiredEsN0Db > a.requiredEsN0Db - 1, "\(b.name) vs \(a.name)")
            }
        }
        // `table` is sorted by threshold; the frontier strictly increases in both.
        for (a, b) in zip(DVBS2X.table, DVBS2X.table.dropFirst()) {
            #expect(a.requiredEsN0Db <= b.requiredEsN0Db)
        }
        for (a, b) in zip(DVBS2X.efficientFrontier, DVBS2X.efficientFrontier.dropFirst()) {
            #expect(a.requiredEsN0Db < b.requiredEsN0Db && a.spectralEfficiency < b.spectralEfficiency)
        }
    }

    /// best() at and just below thresholds (a MODCOD closes when Es/N0 ≥ its threshold).
    @Test(arguments: [
        (-2.86, nil), (-2.85, "QPSK 2/9"), (-2.36, "QPSK 2/9"), (-2.35, "QPSK 1/4"),
        (0.99, "QPSK 9/20"), (1.00, "QPSK 1/2"),
        (5.49, "8APSK 26/45-L"), (5.50, "8PSK 3/5"), (5.97, "16APSK 1/2-L"), (6.12, "16APSK 1/2-L"),  // 8PSK 23/36 carries less
        (10.0, "16APSK 13/18"), (10.21, "16APSK 3/4"),
        (16.05, "64APSK 4/5"),                                                       // beats 32APSK 9/10
        (19.56, "256APSK 11/15-L"), (19.57, "256APSK 3/4"), (40, "256APSK 3/4"),
    ] as [(Double, String?)])
    func bestAtThresholds(esN0: Double, expected: String?) {
        #expect(DVBS2X.best(esN0Db: esN0)?.name == expected)
    }

    /// best() agrees with a brute-force scan of the whole table at every 0.005 dB from −4 to 22 dB.
    @Test func bestMatchesBruteForce() {
        for i in 0 ... 5200 {
            let esN0 = -4 + Double(i) * 0.005
            let brute = DVBS2X.table.filter { $0.requiredEsN0Db <= esN0 }.map(\.spectralEfficiency).max()
            #expect(DVBS2X.best(esN0Db: esN0)?.spectralEfficiency == brute, "Es/N0 \(esN0)")
        }
        #expect(DVBS2X.best(esN0Db: .nan) == nil)
        #expect(DVBS2X.best(esN0Db: -.infinity) == nil)
        #expect(DVBS2X.best(esN0Db: .infinity)?.name == "256APSK 3/4")
    }

    /// Eb/N0 = Es/N0 − 10·log10(η): QPSK 1/2 → 1.00 − 10·log10(0.988858) = 1.048661 dB.
    @Test func ebN0AndBitRate() throws {
        let m = try #require(DVBS2X.table.first { $0.name == "QPSK 1/2" })
        #expect(abs(m.requiredEbN0Db - 1.048661) < 1e-6)
        #expect(abs(m.bitRate(symbolRateBaud: 30e6) - 29_665_740) < 1e-6)
    }
}
