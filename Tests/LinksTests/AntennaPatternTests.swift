import Foundation
import Testing
@testable import Links

/// Antenna patterns against the closed forms of a uniformly illuminated circular aperture
/// (|2J1(x)/x|², x = k·a·sinθ): value 1 at x = 0, half power at x = 1.616339948310703, first null at
/// j₁,₁ = 3.831705970207512, first sidelobe peak −17.570150 dB at x = 5.135622301840683 (the first
/// zero of J2, where d/dx[J1(x)/x] = −J2(x)/x vanishes). Roots computed with mpmath at 30 digits.
@Suite("Antenna patterns")
struct AntennaPatternTests {
    static let c = 299_792_458.0

    /// TR 38.811 antenna, a = 0.5 m, η = 1, 2 GHz: ka = 2π·2e9/c·0.5 = 20.958450219517,
    /// G_max = 20·log10(ka) = 26.427183308604 dBi.
    static let satellite = AntennaPattern.bessel(apertureRadiusMeters: 0.5, efficiency: 1)
    static let ka = 2 * Double.pi * 2e9 / c * 0.5

    @Test func besselPeakAndBoresight() {
        let peak = Self.satellite.peakGainDbi(frequencyHz: 2e9)
        #expect(abs(peak - 26.427183308604) < 1e-11)
        #expect(Self.satellite.gainDbi(offBoresightDeg: 0, frequencyHz: 2e9) == peak)
        // θ → 0 uses J1(x)/x → 1/2: the relative gain tends to 0 dB, with no 0/0.
        #expect(abs(Self.satellite.gainDbi(offBoresightDeg: 1e-12, frequencyHz: 2e9) - peak) < 1e-12)
        #expect(abs(Self.satellite.gainDbi(offBoresightDeg: 1e-5, frequencyHz: 2e9) - peak) < 1e-9)
        // Efficiency scales the gain: η = 0.5 is 3.0103 dB lower everywhere.
        let half = AntennaPattern.bessel(apertureRadiusMeters: 0.5, efficiency: 0.5)
        #expect(abs(half.gainDbi(offBoresightDeg: 3, frequencyHz: 2e9)
                    - Self.satellite.gainDbi(offBoresightDeg: 3, frequencyHz: 2e9) + 10 * log10(2)) < 1e-12)
    }

    /// Half power at k·a·sinθ = 1.616339948310703: 10·log10(1/2) = −3.010299956640 dB; the −3 dB
    /// half-width is ≈ 1.6163/(ka) rad = 4.42° here.
    @Test func besselHalfPowerWidth() {
        let theta = asin(1.616339948310703 / Self.ka) * 180 / .pi
        let g = Self.satellite.gainDbi(offBoresightDeg: theta, frequencyHz: 2e9)
        #expect(abs(g - (26.427183308604 - 3.010299956640)) < 1e-9)
        #expect(abs(theta - 1.616339948310703 / Self.ka * 180 / .pi) < 0.01)
    }

    /// At the first null (ka·sinθ = j₁,₁) the gain is at the floor, far below the peak; the first
    /// sidelobe is 17.570150 dB down.
    @Test func besselNullAndSidelobe() {
        let peak = 26.427183308604
        let nullDeg = asin(3.831705970207512 / Self.ka) * 180 / .pi
        let atNull = Self.satellite.gainDbi(offBoresightDeg: nullDeg, frequencyHz: 2e9)
        #expect(atNull < peak - 60)
        #expect(atNull >= peak - AntennaPattern.besselFloorBelowPeakDb - 1e-9)
        let lobeDeg = asin(5.135622301840683 / Self.ka) * 180 / .pi
        #expect(abs(Self.satellite.gainDbi(offBoresightDeg: lobeDeg, frequencyHz: 2e9) - (peak - 17.570149934295)) < 1e-8)
        // Behind the aperture plane: the floor.
        for theta in [90.0, 120, 180] {
            #expect(abs(Self.satellite.gainDbi(offBoresightDeg: theta, frequencyHz: 2e9) - (peak - 100)) < 1e-9)
        }
    }

    /// Parabolic dish D = 2.4 m, η = 0.65 at 12 GHz: λ = c/12e9 = 0.0249827048 m,
    /// G_max = 10·log10(0.65·(π·2.4/λ)²) = 47.723566716937 dBi (47.7176 dBi with λ rounded to 0.025 m).
    @Test func dishPeakGain() {
        let dish = AntennaPattern.dish(diameterMeters: 2.4, efficiency: 0.65)
        #expect(abs(dish.peakGainDbi(frequencyHz: 12e9) - 47.723566716937) < 1e-11)
        #expect(dish.gainDbi(offBoresightDeg: 0, frequencyHz: 12e9) == dish.peakGainDbi(frequencyHz: 12e9))
        // Same aperture as a TR 38.811 antenna with a = D/2: identical peak.
        let bessel = AntennaPattern.bessel(apertureRadiusMeters: 1.2, efficiency: 0.65)
        #expect(abs(bessel.peakGainDbi(frequencyHz: 12e9) - 47.723566716937) < 1e-11)
    }

    /// The dish pattern: Bessel main lobe to the first null (0.727453°), floored at the envelope's
    /// value there, 32 − 25·log10(0.727453) = 35.454879534075 dBi; then 32 − 25·log10θ; −10 dBi from 48°.
    @Test(arguments: [
        (0.3, 44.8545299219559),       // main lobe: 47.723567 + 20·log10|2J1(x)/x|, x = ka·sin 0.3°
        (0.7, 35.4548795340745),       // inside the main lobe, near the null: the floor
        (1.0, 32.0),                   // envelope 32 − 25·log10(1)
        (10.0, 7.0),                   // 32 − 25
        (30.0, -4.92803136799156),     // 32 − 25·log10(30)
        (47.9, -10.0083878353641),
        (48.0, -10.0),
        (90.0, -10.0),
        (180.0, -10.0),
    ])
    func dishPattern(theta: Double, expected: Double) {
        let dish = AntennaPattern.dish(diameterMeters: 2.4, efficiency: 0.65)
        #expect(abs(dish.gainDbi(offBoresightDeg: theta, frequencyHz: 12e9) - expected) < 1e-9)
    }

    /// Continuous at the first null and capped by the peak gain.
    @Test func dishContinuityAtFirstNull() {
        let dish = AntennaPattern.dish(diameterMeters: 2.4, efficiency: 0.65)
        let ka = Double.pi * 2.4 * 12e9 / Self.c
        let nullDeg = asin(3.831705970207512 / ka) * 180 / .pi
        let before = dish.gainDbi(offBoresightDeg: nullDeg * (1 - 1e-9), frequencyHz: 12e9)
        let after = dish.gainDbi(offBoresightDeg: nullDeg * (1 + 1e-9), frequencyHz: 12e9)
        #expect(abs(before - after) < 1e-6)
        #expect(abs(after - 35.4548795340745) < 1e-6)
    }

    /// A dish under 1.22 λ has no first null before 90°: main lobe to 90°, −10 dBi behind.
    @Test func smallDish() {
        let dish = AntennaPattern.dish(diameterMeters: 0.1, efficiency: 0.65)   // D/λ = 0.667 at 2 GHz
        let peak = dish.peakGainDbi(frequencyHz: 2e9)
        let ka = Double.pi * 0.1 * 2e9 / Self.c
        #expect(abs(peak - 10 * log10(0.65 * ka * ka)) < 1e-12)
        let x = ka * sin(60 * Double.pi / 180)
        let mainLobe = peak + 20 * log10(2 * j1(x) / x)
        #expect(abs(dish.gainDbi(offBoresightDeg: 60, frequencyHz: 2e9) - mainLobe) < 1e-12)
        #expect(dish.gainDbi(offBoresightDeg: 135, frequencyHz: 2e9) == -10)
    }

    @Test func isotropicAndOmni() {
        for theta in stride(from: 0.0, through: 180, by: 15) {
            #expect(AntennaPattern.isotropic.gainDbi(offBoresightDeg: theta, frequencyHz: 2e9) == 0)
            #expect(AntennaPattern.omni(gainDbi: 2.15).gainDbi(offBoresightDeg: theta, frequencyHz: 2e9) == 2.15)
        }
        #expect(AntennaPattern.isotropic.peakGainDbi(frequencyHz: 30e9) == 0)
        #expect(AntennaPattern.omni(gainDbi: -3).peakGainDbi(frequencyHz: 30e9) == -3)
    }

    /// Every pattern is finite, at most its peak, and symmetric (θ ≡ −θ ≡ 360° − θ) over 0…180°.
    @Test(arguments: [
        AntennaPattern.isotropic, .omni(gainDbi: 3), .bessel(apertureRadiusMeters: 0.5, efficiency: 1),
        .bessel(apertureRadiusMeters: 0.02, efficiency: 0.7), .dish(diameterMeters: 2.4, efficiency: 0.65),
        .dish(diameterMeters: 0.1, efficiency: 0.6),
    ])
    func finiteEverywhere(pattern: AntennaPattern) {
        for f in [0.8e9, 2e9, 20e9, 30e9] {
            let peak = pattern.peakGainDbi(frequencyHz: f)
            for i in 0 ... 3600 {
                let theta = Double(i) * 0.05
                let g = pattern.gainDbi(offBoresightDeg: theta, frequencyHz: f)
                #expect(g.isFinite, "\(pattern) θ=\(theta) f=\(f)")
                #expect(g <= peak + 1e-12, "\(pattern) θ=\(theta) f=\(f)")
                #expect(pattern.gainDbi(offBoresightDeg: -theta, frequencyHz: f) == g)
                // 360 − (360 − θ) is θ only to rounding.
                #expect(abs(pattern.gainDbi(offBoresightDeg: 360 - theta, frequencyHz: f) - g) < 1e-9)
            }
        }
    }

    @Test(arguments: [
        AntennaPattern.isotropic, .omni(gainDbi: 3), .bessel(apertureRadiusMeters: 0.5, efficiency: 1),
        .dish(diameterMeters: 2.4, efficiency: 0.65),
    ])
    func codableRoundTrip(pattern: AntennaPattern) throws {
        let data = try JSONEncoder().encode(pattern)
        #expect(try JSONDecoder().decode(AntennaPattern.self, from: data) == pattern)
        #expect(!pattern.description.isEmpty)
    }
}
