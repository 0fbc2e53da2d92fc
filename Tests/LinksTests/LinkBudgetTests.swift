import Foundation
import Testing
@testable import Links

/// Relative difference |a − b| / |b|.
private func relErr(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }

/// Free space, noise, Shannon and the full budget chain against hand-computed cases. Reference values
/// were evaluated at 30 significant digits (mpmath) from the closed forms written next to them.
@Suite("Link budget")
struct LinkBudgetTests {
    /// FSPL = 20·log10(4π·600e3·2e9/c) = 154.031408142836 dB (LEO at zenith, S band) and
    /// 20·log10(4π·35 786e3·20e9/c) = 209.542646287087 dB (GEO at zenith, Ka band).
    @Test func freeSpaceHandCases() {
        #expect(abs(FreeSpace.pathLossDb(distanceMeters: 600e3, frequencyHz: 2e9) - 154.031408142836) < 1e-9)
        #expect(abs(FreeSpace.pathLossDb(distanceMeters: 35_786e3, frequencyHz: 20e9) - 209.542646287087) < 1e-9)
        // Doubling distance or frequency adds 20·log10(2) = 6.020599913 dB.
        let base = FreeSpace.pathLossDb(distanceMeters: 1e6, frequencyHz: 3e9)
        #expect(abs(FreeSpace.pathLossDb(distanceMeters: 2e6, frequencyHz: 3e9) - base - 6.020599913279624) < 1e-12)
        #expect(abs(FreeSpace.pathLossDb(distanceMeters: 1e6, frequencyHz: 6e9) - base - 6.020599913279624) < 1e-12)
    }

    /// TR 38.811 eq. 6.6-2, 32.45 + 20·log10(f/GHz) + 20·log10(d/m), rounds 20·log10(4π·1e9/c) =
    /// 32.447783; the two forms agree within 0.01 dB (difference 0.0022 dB) at every distance/frequency.
    @Test(arguments: [(600e3, 2e9), (1_075_088.0, 20e9), (38_608_882.6, 30e9), (150.0, 0.7e9)])
    func freeSpaceMatchesTR38811Form(distance: Double, frequency: Double) {
        let tr = 32.45 + 20 * log10(frequency / 1e9) + 20 * log10(distance)
        let exact = FreeSpace.pathLossDb(distanceMeters: distance, frequencyHz: frequency)
        #expect(abs(tr - exact) < 0.01)
        #expect(abs((tr - exact) - (32.45 - 32.44778322188337)) < 1e-9)
    }

    /// 10·log10(1.380649e-23) = −228.599167173218; N(290 K, 1 MHz) = −228.599167 + 24.623980 + 60
    /// = −143.975187194228 dBW.
    @Test func noiseHandCases() {
        #expect(abs(Noise.boltzmannDbWPerKHz - 10 * log10(Noise.boltzmannJPerK)) < 1e-12)
        #expect(abs(Noise.boltzmannDbWPerKHz - -228.599167173218) < 1e-11)
        #expect(abs(Noise.noisePowerDbw(temperatureK: 290, bandwidthHz: 1e6) - -143.975187194228) < 1e-11)
        // k·T·B in watts, converted by hand: 1.380649e-23 · 290 · 1e6 = 4.0038821e-15 W.
        #expect(abs(Noise.noisePowerDbw(temperatureK: 290, bandwidthHz: 1e6) - 10 * log10(4.0038821e-15)) < 1e-9)
    }

    /// T_sys = T_ant + 290(F − 1): NF 0 dB → T_ant; NF 10·log10(2) → T_ant + 290;
    /// NF 1.5 dB → 100 + 290·(10^0.15 − 1) = 219.635887940599 K.
    @Test func systemTemperature() {
        #expect(Noise.systemTemperatureK(noiseFigureDb: 0, antennaTemperatureK: 50) == 50)
        #expect(abs(Noise.systemTemperatureK(noiseFigureDb: 10 * log10(2), antennaTemperatureK: 50) - 340) < 1e-12)
        #expect(abs(Noise.systemTemperatureK(noiseFigureDb: 1.5, antennaTemperatureK: 100) - 219.635887940599) < 1e-11)
    }

    /// C = B·log2(1 + SNR): SNR 0 dB gives exactly B; 30 dB gives B·log2(1001).
    @Test func shannon() {
        #expect(Shannon.capacityBps(bandwidthHz: 1e6, snrDb: 0) == 1e6)
        #expect(Shannon.capacityBps(bandwidthHz: 36e6, snrDb: 0) == 36e6)
        #expect(relErr(Shannon.capacityBps(bandwidthHz: 36e6, snrDb: 30), 358_820_145.318096) < 1e-13)
        // SNR = 3 (4.771 dB): 1 + SNR = 4 → exactly 2 bit/s/Hz.
        #expect(relErr(Shannon.capacityBps(bandwidthHz: 1e6, snrDb: 10 * log10(3)), 2e6) < 1e-15)
    }

    /// LEO downlink, S band, satellite at zenith (600 km).
    ///
    /// ```
    /// P_tx = 10 dBW, L_tx = 1 dB, TR 38.811 antenna a = 0.5 m, η = 1 on boresight:
    ///   G_tx = 20·log10(ka), ka = 2π·2e9/c·0.5 = 20.95845   → 26.427183308604 dBi
    /// EIRP   = 10 + 26.427183 − 1                           = 35.427183308604 dBW
    /// FSPL   = 154.031408142836, extra = 6.22/2^1.5 = 2.199102089490 → L = 156.230510232326 dB
    /// P_rx   = 35.427183 − 156.230510 + 0 (isotropic) − 0.5  = −121.303326923722 dBW
    /// G/T    = 0 − 10·log10(290)                            = −24.623979978990 dB/K
    /// N      = −228.599167 + 24.623980 + 73.010300          = −130.964887237588 dBW
    /// C/N0   = −121.303327 + 228.599167 − 24.623980         = 82.671860270506 dB·Hz
    /// SNR    = 82.671860 − 73.010300                        = 9.661560313866 dB
    /// C_Sh   = 20e6·log2(1 + 10^0.966156)                   = 67 151 897.394190 bit/s
    /// R_s    = 20e6/1.2 = 16 666 666.67 baud; Es/N0 = 82.671860 − 72.218487 = 10.453372774342 dB
    /// MODCOD : 16APSK 3/4 (10.21 dB ≤ 10.45 < 10.65 of 16APSK 7/9) → 2.966728·R_s = 49 445 466.67 bit/s
    /// ```
    @Test func leoDownlinkHandChain() {
        let input = LinkBudgetInput(
            txPowerDbw: 10, txAntenna: .bessel(apertureRadiusMeters: 0.5, efficiency: 1), txOffBoresightDeg: 0,
            rxAntenna: .isotropic, rxOffBoresightDeg: 37, frequencyHz: 2e9, bandwidthHz: 20e6, rolloff: 0.2,
            txOtherLossesDb: 1, rxOtherLossesDb: 0.5, systemTemperatureK: 290,
            freeSpaceLossDb: FreeSpace.pathLossDb(distanceMeters: 600e3, frequencyHz: 2e9),
            extraLossDb: 6.22 / pow(2, 1.5))
        let b = LinkBudget.compute(input)
        let tol = 1e-9
        #expect(b.txPowerDbw == 10)
        #expect(abs(b.txGainDbi - 26.427183308604) < tol)
        #expect(b.rxGainDbi == 0)
        #expect(b.txOtherLossesDb == 1 && b.rxOtherLossesDb == 0.5 && b.otherLossesDb == 1.5)
        #expect(abs(b.eirpDbw - 35.427183308604) < tol)
        #expect(abs(b.freeSpaceLossDb - 154.031408142836) < tol)
        #expect(abs(b.extraLossDb - 2.199102089490) < tol)
        #expect(abs(b.totalPathLossDb - 156.230510232326) < tol)
        #expect(abs(b.rxPowerDbw - -121.303326923722) < tol)
        #expect(b.systemTemperatureK == 290)
        #expect(abs(b.gOverTDbPerK - -24.623979978990) < tol)
        #expect(abs(b.noisePowerDbw - -130.964887237588) < tol)
        #expect(abs(b.cn0DbHz - 82.671860270506) < tol)
        #expect(abs(b.snrDb - 9.661560313866) < tol)
        #expect(b.bandwidthHz == 20e6)
        #expect(relErr(b.shannonCapacityBps, 67_151_897.394190) < 1e-11)
        #expect(b.rolloff == 0.2)
        #expect(relErr(b.symbolRateBaud, 16_666_666.666666667) < 1e-15)
        #expect(abs(b.esN0Db - 10.453372774342) < tol)
        #expect(b.modcod?.name == "16APSK 3/4")
        #expect(relErr(b.dvbs2xCapacityBps, 49_445_466.666667) < 1e-12)
        // Internal consistency: C/N = Prx − N, and Es/N0 − SNR = 10·log10(1 + α).
        #expect(abs(b.snrDb - (b.rxPowerDbw - b.noisePowerDbw)) < 1e-12)
        #expect(abs(b.esN0Db - b.snrDb - 10 * log10(1.2)) < 1e-12)
    }

    /// GEO downlink, Ka band (20 GHz), user at 30° elevation (slant range 38 608.883 km, TR 38.811 eq. 6.6-3),
    /// 6 dB rain margin on top of gaseous 0.5 dB and scintillation 0.3 dB.
    ///
    /// ```
    /// Satellite dish D = 2.4 m, η = 0.65, user 0.2° off boresight:
    ///   ka = π·2.4/λ = 1006.0..., x = ka·sin 0.2° = 1.755807454; G = 52.160541709264 + 20·log10(2J1(x)/x)
    ///   = 48.565659742131 dBi (main lobe: first null at 0.4365°)
    /// EIRP  = 20 + 48.565660 − 2                          = 66.565659742131 dBW
    /// FSPL  = 20·log10(4π·38 608 882.616·20e9/c)          = 210.202127791969 dB; L = 217.002127791969 dB
    /// User dish D = 0.6 m, η = 0.65 on boresight: 10·log10(0.65(π·0.6/λ)²) = 40.119341882705 dBi
    /// P_rx  = 66.565660 − 217.002128 + 40.119342 − 0.5    = −110.817126167133 dBW
    /// T_sys = 100 + 290(10^0.15 − 1) = 219.635887940599 K; G/T = 16.702308840901 dB/K
    /// N     = −129.619109123741 dBW; C/N0 = 94.365007964281 dB·Hz; SNR (36 MHz) = 18.801982956609 dB
    /// C_Sh  = 36e6·log2(1 + 10^1.8801983) = 225 531 688.795724 bit/s
    /// R_s   = 36e6/1.05 = 34 285 714.29 baud; Es/N0 = 19.013875947308 dB
    /// MODCOD: 256APSK 11/15-L (18.84 ≤ 19.01 < 19.57 of 256APSK 3/4) → 5.768987·R_s = 197 793 840 bit/s
    /// ```
    @Test func geoKaHandChain() {
        let input = LinkBudgetInput(
            txPowerDbw: 20, txAntenna: .dish(diameterMeters: 2.4, efficiency: 0.65), txOffBoresightDeg: 0.2,
            rxAntenna: .dish(diameterMeters: 0.6, efficiency: 0.65), rxOffBoresightDeg: 0,
            frequencyHz: 20e9, bandwidthHz: 36e6, rolloff: 0.05, txOtherLossesDb: 2, rxOtherLossesDb: 0.5,
            systemTemperatureK: Noise.systemTemperatureK(noiseFigureDb: 1.5, antennaTemperatureK: 100),
            freeSpaceLossDb: FreeSpace.pathLossDb(distanceMeters: 38_608_882.6159689, frequencyHz: 20e9),
            extraLossDb: 6.8)
        let b = LinkBudget(input)
        let tol = 1e-9
        #expect(abs(b.txGainDbi - 48.565659742131) < tol)
        #expect(abs(b.rxGainDbi - 40.119341882705) < tol)
        #expect(abs(b.eirpDbw - 66.565659742131) < tol)
        #expect(abs(b.freeSpaceLossDb - 210.202127791969) < tol)
        #expect(abs(b.totalPathLossDb - 217.002127791969) < tol)
        #expect(abs(b.rxPowerDbw - -110.817126167133) < tol)
        #expect(abs(b.systemTemperatureK - 219.635887940599) < tol)
        #expect(abs(b.gOverTDbPerK - 16.702308840901) < tol)
        #expect(abs(b.noisePowerDbw - -129.619109123741) < tol)
        #expect(abs(b.cn0DbHz - 94.365007964281) < tol)
        #expect(abs(b.snrDb - 18.801982956609) < tol)
        #expect(relErr(b.shannonCapacityBps, 225_531_688.795724) < 1e-11)
        #expect(relErr(b.symbolRateBaud, 34_285_714.285714286) < 1e-15)
        #expect(abs(b.esN0Db - 19.013875947308) < tol)
        #expect(b.modcod?.name == "256APSK 11/15-L")
        #expect(relErr(b.dvbs2xCapacityBps, 197_793_840.0) < 1e-12)
        // C/N0 = EIRP − L + G/T − L_rx − 10·log10(k): the textbook form of the same chain.
        let textbook = b.eirpDbw - b.totalPathLossDb + b.gOverTDbPerK - b.rxOtherLossesDb - Noise.boltzmannDbWPerKHz
        #expect(abs(b.cn0DbHz - textbook) < 1e-11)
    }

    /// Below the lowest threshold no MODCOD closes: capacity 0, Shannon still positive.
    @Test func noModcodBelowThreshold() {
        // C/N0 chosen so Es/N0 = −3 dB: R_s = 1e6/1.25 = 8e5 → C/N0 = −3 + 59.030900 dB·Hz.
        let cn0 = -3 + 10 * log10(8e5)
        let prx = cn0 + Noise.boltzmannDbWPerKHz + 10 * log10(500.0)
        let input = LinkBudgetInput(txPowerDbw: prx + 100, txAntenna: .isotropic, rxAntenna: .omni(gainDbi: 0),
                                    frequencyHz: 1e9, bandwidthHz: 1e6, rolloff: 0.25,
                                    systemTemperatureK: 500, freeSpaceLossDb: 100)
        let b = LinkBudget(input)
        #expect(abs(b.esN0Db - -3) < 1e-12)
        #expect(b.modcod == nil)
        #expect(b.dvbs2xCapacityBps == 0)
        // SNR = Es/N0 − 10·log10(1.25) = −3.969100 dB → C = 1e6·log2(1 + 10^−0.3969100) = 0.52607 Mbit/s
        #expect(abs(b.snrDb - (-3 - 10 * log10(1.25))) < 1e-12)
        #expect(relErr(b.shannonCapacityBps, 1e6 * log2(1 + pow(10, b.snrDb / 10))) < 1e-14)
    }
}
