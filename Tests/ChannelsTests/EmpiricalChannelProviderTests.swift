import Foundation
import Testing
import Links
import SimCore
@testable import Channels

/// The `empirical` provider's expected-value estimate by platform kind, and the provider registry.
@Suite("Empirical channel provider")
struct EmpiricalChannelProviderTests {
    static func geometry(kind: PlatformKind, elevation: Double, range: Double, frequency: Double,
                         environment: Environment) -> LinkGeometry {
        LinkGeometry(upperECEFKm: SIMD3(7000, 0, 0), lowerECEFKm: SIMD3(6371, 0, 0), elevationDeg: elevation,
                     azimuthDeg: 0, slantRangeMeters: range, frequencyHz: frequency, environment: environment,
                     upperKind: kind, upperAltitudeMeters: 600e3, lowerAltitudeMeters: 0)
    }

    /// Satellite, urban, 2 GHz, 30°, d = 1 075 088.017 m:
    /// FSPL 159.097263558834, atm 0, scint 2.199102089490, P_LOS 0.493, clutter (1 − 0.493)·29.0 = 14.703;
    /// total 175.999365648325 dB = 0.493·PL_LOS + 0.507·PL_NLOS.
    @Test func satelliteUrbanSBand() {
        let d = TR38811.slantRangeMeters(elevationDeg: 30, altitudeMeters: 600e3)
        let g = Self.geometry(kind: .satellite, elevation: 30, range: d, frequency: 2e9, environment: .urban)
        let s = EmpiricalChannelProvider().estimate(g, at: .zero)
        #expect(abs(s.freeSpaceLossDb - 159.097263558834) < 1e-9)
        #expect(s.atmosphericLossDb == 0)
        #expect(abs(s.scintillationLossDb - 2.199102089490) < 1e-11)
        #expect(s.losProbability == 0.493)
        #expect(abs(s.clutterLossDb - 14.703) < 1e-12)
        #expect(s.shadowingDb == 0)
        #expect(s.isLOS == nil)
        #expect(abs(s.totalPathLossDb - 175.999365648325) < 1e-9)
        let los = TR38811.pathLossDb(los: true, distanceMeters: d, frequencyHz: 2e9, elevationDeg: 30, environment: .urban)
        let nlos = TR38811.pathLossDb(los: false, distanceMeters: d, frequencyHz: 2e9, elevationDeg: 30, environment: .urban)
        #expect(abs(s.totalPathLossDb - (0.493 * los + 0.507 * nlos)) < 1e-9)
    }

    /// HAPS uses TR 38.811 too. Dense urban, Ka (20 GHz), 8° (θq = 10): atm 0.25/sin 8° = 1.796324 dB
    /// (θ < 10° and f ≥ 10 GHz), scint 1.08, P_LOS 0.282, clutter 0.718·44.3 = 31.8074 dB.
    @Test func hapsDenseUrbanKaLowElevation() {
        let g = Self.geometry(kind: .haps, elevation: 8, range: 140e3, frequency: 20e9, environment: .denseUrban)
        let s = EmpiricalChannelProvider().estimate(g, at: .seconds(100))
        #expect(abs(s.freeSpaceLossDb - FreeSpace.pathLossDb(distanceMeters: 140e3, frequencyHz: 20e9)) < 1e-12)
        #expect(abs(s.atmosphericLossDb - 0.25 / sin(8 * Double.pi / 180)) < 1e-12)
        #expect(abs(s.atmosphericLossDb - 1.796324) < 1e-6)
        #expect(s.scintillationLossDb == 1.08)
        #expect(s.losProbability == 0.282)
        #expect(abs(s.clutterLossDb - 31.8074) < 1e-12)
        let expected = TR38811.expectedPathLossDb(distanceMeters: 140e3, frequencyHz: 20e9, elevationDeg: 8,
                                                  environment: .denseUrban)
        #expect(abs(s.totalPathLossDb - expected) < 1e-9)
    }

    /// UAV: Al-Hourani. Urban at 30°: P_LOS = 1/(1 + 9.61·e^(−0.16·20.39)) = 0.730979; excess
    /// 0.730979·1 + 0.269021·20 = 6.111397 dB; no atmosphere or scintillation.
    @Test func uavUrban() {
        let g = Self.geometry(kind: .uav, elevation: 30, range: 200, frequency: 2e9, environment: .urban)
        let s = EmpiricalChannelProvider().estimate(g, at: .zero)
        let p = 1 / (1 + 9.61 * exp(-0.16 * (30 - 9.61)))
        #expect(abs(s.losProbability - p) < 1e-15)
        #expect(abs(s.losProbability - 0.730979) < 1e-6)
        #expect(abs(s.clutterLossDb - (p * 1 + (1 - p) * 20)) < 1e-12)
        #expect(abs(s.clutterLossDb - 6.111397) < 1e-6)
        #expect(s.atmosphericLossDb == 0 && s.scintillationLossDb == 0 && s.shadowingDb == 0)
        #expect(abs(s.freeSpaceLossDb - FreeSpace.pathLossDb(distanceMeters: 200, frequencyHz: 2e9)) < 1e-12)
        // Rural falls back to the suburban parameters.
        let rural = EmpiricalChannelProvider().estimate(
            Self.geometry(kind: .uav, elevation: 10, range: 500, frequency: 2e9, environment: .rural), at: .zero)
        #expect(abs(rural.losProbability - AlHourani.losProbability(AlHourani.suburban, elevationDeg: 10)) < 1e-15)
    }

    /// Ground-to-ground: free space only, LOS probability 1.
    @Test func groundFreeSpaceOnly() {
        let g = Self.geometry(kind: .ground, elevation: 0.1, range: 5e3, frequency: 3.5e9, environment: .denseUrban)
        let s = EmpiricalChannelProvider().estimate(g, at: .zero)
        // 20·log10(4π·5e3·3.5e9/c) = 117.308544 dB
        #expect(abs(s.totalPathLossDb - 117.308544) < 1e-6)
        #expect(s.extraLossDb == 0)
        #expect(s.losProbability == 1)
    }

    /// The estimate is finite for any elevation the geometry may report, including below the horizon.
    @Test(arguments: PlatformKind.allCases)
    func finiteForAllElevations(kind: PlatformKind) {
        for env in Environment.allCases {
            for el in stride(from: -10.0, through: 90, by: 0.5) {
                for f in [2e9, 12e9, 20e9, 30e9] {
                    let s = EmpiricalChannelProvider().estimate(
                        Self.geometry(kind: kind, elevation: el, range: 1e6, frequency: f, environment: env), at: .zero)
                    #expect(s.totalPathLossDb.isFinite, "\(kind) \(env) \(el) \(f)")
                    #expect(s.losProbability >= 0 && s.losProbability <= 1)
                }
            }
        }
    }

    @Test func registry() throws {
        #expect(ChannelProviders.names == ["empirical", "empirical-sampled", "gdm", "gan", "vae"])
        let p = try ChannelProviders.make(named: "empirical")
        #expect(p.name == "empirical")
        #expect(EmpiricalChannelProvider().name == "empirical")
        #expect(EmpiricalChannelProvider().mode == .expected)
        let sampled = try ChannelProviders.make(named: "empirical-sampled", seed: 9)
        #expect(sampled.name == "empirical-sampled")
        #expect((sampled as? EmpiricalChannelProvider)?.mode == .sampled(seed: 9))
        // Without a seed the sampled provider uses the default seed.
        #expect((try ChannelProviders.make(named: "empirical-sampled") as? EmpiricalChannelProvider)?.mode
            == .sampled(seed: ChannelProviders.defaultSeed))
        do {
            _ = try ChannelProviders.make(named: "raytrace")
            Issue.record("expected an error")
        } catch let error as ChannelProviderError {
            #expect(error == .unknownProvider(name: "raytrace", known: ["empirical", "empirical-sampled", "gdm", "gan", "vae"]))
            #expect(error.description == "unknown channel provider 'raytrace'; known providers: empirical, empirical-sampled, gdm, gan, vae")
        }
    }

    /// The plain-function API against ns-3 3.44 (urban, ground node and a 600 km satellite at true
    /// elevation 30°, shadowing off, d from eq. 6.6-3 with R = 6371 km): 2 GHz LOS 161.30 / NLOS 190.30 dB,
    /// 20 GHz LOS 179.90 / NLOS 217.40 dB. HAPS uses the same model.
    @Test(arguments: [(2e9, EmpiricalChannelProvider.Condition.los, 161.30), (2e9, .nlos, 190.30),
                      (20e9, .los, 179.90), (20e9, .nlos, 217.40)])
    func ns3PerStateThroughProvider(frequency: Double, condition: EmpiricalChannelProvider.Condition, ns3: Double) {
        let d = TR38811.slantRangeMeters(elevationDeg: 30, altitudeMeters: 600e3, earthRadiusMeters: 6_371_000)
        for kind in [PlatformKind.satellite, .haps] {
            let s = EmpiricalChannelProvider.state(upperKind: kind, environment: .urban, frequencyHz: frequency,
                                                   elevationDeg: 30, distanceMeters: d, condition: condition)
            #expect(abs(s.totalPathLossDb - ns3) < 0.01, "\(kind) \(frequency) \(condition)")
            #expect(s.isLOS == (condition == .los))
            #expect(s.losProbability == 0.493 && s.shadowingDb == 0)
            let g = Self.geometry(kind: kind, elevation: 30, range: d, frequency: frequency, environment: .urban)
            #expect(EmpiricalChannelProvider.state(g, condition: condition) == s)
        }
    }

    /// `.expected` through the plain function is the provider's expected estimate, for every kind.
    @Test(arguments: PlatformKind.allCases)
    func expectedConditionMatchesExpectedMode(kind: PlatformKind) {
        for env in Environment.allCases {
            for el in [5.0, 30, 62, 90] {
                let g = Self.geometry(kind: kind, elevation: el, range: 7e5, frequency: 20e9, environment: env)
                #expect(EmpiricalChannelProvider.state(g, condition: .expected)
                    == EmpiricalChannelProvider().estimate(g, at: .seconds(3)))
            }
        }
    }

    /// LOS and NLOS per state: clutter only when NLOS (TR 38.811), η_LOS / η_NLOS (Al-Hourani), and
    /// the expected condition is the P_LOS-weighted mean of the two, in dB.
    @Test func perStateParts() {
        let sat = { (c: EmpiricalChannelProvider.Condition) in
            EmpiricalChannelProvider.state(upperKind: .satellite, environment: .suburban, frequencyHz: 20e9,
                                           elevationDeg: 40, distanceMeters: 9e5, condition: c)
        }
        #expect(sat(.los).clutterLossDb == 0 && sat(.nlos).clutterLossDb == 20.0)
        #expect(abs(sat(.expected).totalPathLossDb - (0.929 * sat(.los).totalPathLossDb + 0.071 * sat(.nlos).totalPathLossDb)) < 1e-9)
        let uav = { (c: EmpiricalChannelProvider.Condition) in
            EmpiricalChannelProvider.state(upperKind: .uav, environment: .highRiseUrban, frequencyHz: 2e9,
                                           elevationDeg: 50, distanceMeters: 300, condition: c)
        }
        #expect(uav(.los).clutterLossDb == 2.3 && uav(.nlos).clutterLossDb == 34)
        // High-rise at 50°: P_LOS 0.1850, E[η] 28.13 dB (reference table).
        #expect(abs(uav(.expected).losProbability - 0.1850) < 5e-5)
        #expect(abs(uav(.expected).clutterLossDb - 28.13) < 0.005)
        let ground = EmpiricalChannelProvider.state(upperKind: .ground, environment: .urban, frequencyHz: 2e9,
                                                    elevationDeg: 1, distanceMeters: 1e3, condition: .nlos)
        #expect(ground.extraLossDb == 0 && ground.isLOS == true)
    }

    /// High-rise: TR 38.811 has no such scenario, so satellites use the dense-urban tables; UAVs use
    /// Al-Hourani's high-rise parameters (27.23, 0.08, 2.3 dB, 34 dB).
    @Test func highRiseUrban() {
        #expect(Environment(rawValue: "high-rise") == .highRiseUrban)
        for el in stride(from: 0.0, through: 90, by: 5) {
            for f in [2e9, 20e9] {
                for c in EmpiricalChannelProvider.Condition.allCases {
                    let hr = EmpiricalChannelProvider.state(upperKind: .satellite, environment: .highRiseUrban,
                                                            frequencyHz: f, elevationDeg: el, distanceMeters: 1e6, condition: c)
                    let du = EmpiricalChannelProvider.state(upperKind: .satellite, environment: .denseUrban,
                                                            frequencyHz: f, elevationDeg: el, distanceMeters: 1e6, condition: c)
                    #expect(hr == du)
                }
                for los in [true, false] {
                    #expect(EmpiricalChannelProvider.shadowingSigmaDb(upperKind: .haps, environment: .highRiseUrban,
                                                                     frequencyHz: f, elevationDeg: el, los: los)
                        == TR38811.shadowFadingSigmaDb(environment: .denseUrban, band: TR38811.Band(frequencyHz: f),
                                                       los: los, elevationDeg: el))
                }
            }
        }
        let uav = EmpiricalChannelProvider().estimate(
            Self.geometry(kind: .uav, elevation: 30, range: 200, frequency: 2e9, environment: .highRiseUrban), at: .zero)
        #expect(abs(uav.losProbability - 0.0438) < 5e-5)
        #expect(abs(uav.clutterLossDb - 32.61) < 0.005)
    }
}

/// The `empirical-sampled` mode: LOS state from P_LOS, shadowing from N(0, σ_SF), deterministic per
/// (seed, link, time).
@Suite("Empirical channel provider, sampled")
struct EmpiricalSampledTests {
    static let seed: UInt64 = 20_261_127

    static func geometry(_ kind: PlatformKind, _ env: Environment, _ el: Double, _ f: Double = 2e9) -> LinkGeometry {
        EmpiricalChannelProviderTests.geometry(kind: kind, elevation: el, range: 1e6, frequency: f, environment: env)
    }

    /// One LOS-fraction case: `draws` sampled states at times 0, 1, 2, … s; the table value `p`. Each
    /// case has its own seed so that the cases are independent checks (the same seed, link and times
    /// would reuse one sequence of uniforms across cases).
    struct Case: Sendable, CustomStringConvertible {
        var kind: PlatformKind, environment: Environment, elevation: Double, p: Double, seed: UInt64, draws: Int
        var description: String { "\(kind) \(environment.rawValue) \(elevation)° p=\(p) n=\(draws)" }
    }

    /// Table values: TR 38.811 Table 6.6.1-1 and the Al-Hourani table of the reference note. Near
    /// p = 0.5 a ±0.01 bound is only 2 binomial standard deviations at 10 000 draws, so those cases
    /// take 40 000 draws.
    static let cases: [Case] = [
        Case(kind: .satellite, environment: .urban, elevation: 80, p: 0.968, seed: 1, draws: 10_000),
        Case(kind: .satellite, environment: .suburban, elevation: 30, p: 0.919, seed: 2, draws: 10_000),
        Case(kind: .satellite, environment: .denseUrban, elevation: 80, p: 0.820, seed: 3, draws: 10_000),
        Case(kind: .haps, environment: .denseUrban, elevation: 90, p: 0.981, seed: 4, draws: 10_000),
        Case(kind: .satellite, environment: .highRiseUrban, elevation: 70, p: 0.738, seed: 5, draws: 40_000),
        Case(kind: .satellite, environment: .urban, elevation: 30, p: 0.493, seed: 6, draws: 40_000),
        Case(kind: .satellite, environment: .urban, elevation: 10, p: 0.246, seed: 7, draws: 40_000),
        Case(kind: .uav, environment: .urban, elevation: 10, p: 0.0997, seed: 8, draws: 10_000),
        Case(kind: .uav, environment: .highRiseUrban, elevation: 50, p: 0.1850, seed: 9, draws: 10_000),
        Case(kind: .uav, environment: .suburban, elevation: 20, p: 0.9927, seed: 10, draws: 10_000),
    ]

    @Test(arguments: cases)
    func losFraction(c: Case) {
        // The bound must be at least 2.5 binomial standard deviations, or the test proves little.
        let sd = (c.p * (1 - c.p) / Double(c.draws)).squareRoot()
        #expect(0.01 >= 2.5 * sd, "±0.01 is only \(0.01 / sd) σ")
        let provider = EmpiricalChannelProvider(mode: .sampled(seed: c.seed))
        let g = Self.geometry(c.kind, c.environment, c.elevation)
        var los = 0
        for i in 0 ..< c.draws {
            let s = provider.estimate(g, at: .seconds(Int64(i)))
            #expect(abs(s.losProbability - c.p) < 5e-5)
            if s.isLOS == true { los += 1 }
        }
        let fraction = Double(los) / Double(c.draws)
        print("LOS fraction \(c): \(fraction) (\((fraction - c.p) / sd) σ)")
        #expect(abs(fraction - c.p) <= 0.01, "LOS fraction \(fraction) vs \(c.p)")
    }

    /// Shadowing per state has mean 0 and standard deviation σ_SF within sampling error
    /// (4 standard errors: σ/√n for the mean, σ/√(2n) for the standard deviation).
    @Test(arguments: [(Environment.urban, 30.0, 2e9, 4.0, 6.0), (.denseUrban, 10, 20e9, 2.9, 17.1),
                      (.suburban, 40, 2e9, 0.92, 10.25)])
    func shadowingMoments(env: Environment, el: Double, f: Double, sigmaLos: Double, sigmaNlos: Double) {
        let provider = EmpiricalChannelProvider(mode: .sampled(seed: Self.seed))
        let g = Self.geometry(.satellite, env, el, f)
        var samples: [Bool: [Double]] = [true: [], false: []]
        for i in 0 ..< 20_000 {
            let s = provider.estimate(g, at: .milliseconds(Int64(i)))
            let los = s.isLOS!
            samples[los]!.append(s.shadowingDb)
            // The rest of the state is the per-state path loss.
            let pl = TR38811.pathLossDb(los: los, distanceMeters: 1e6, frequencyHz: f, elevationDeg: el, environment: env)
            #expect(abs(s.totalPathLossDb - s.shadowingDb - pl) < 1e-9)
        }
        for (los, sigma) in [(true, sigmaLos), (false, sigmaNlos)] {
            let x = samples[los]!
            let n = Double(x.count)
            #expect(n > 1000, "\(los): only \(x.count) samples")
            let mean = x.reduce(0, +) / n
            let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
            #expect(abs(mean) < 4 * sigma / n.squareRoot(), "\(env) los=\(los) mean \(mean)")
            #expect(abs(sd - sigma) < 4 * sigma / (2 * n).squareRoot(), "\(env) los=\(los) sd \(sd) vs \(sigma)")
        }
    }

    /// The standard-normal variate: mean 0, variance 1, P(|z| < 1) = 0.6827, P(|z| < 2) = 0.9545;
    /// the uniform: mean 1/2, P(u < 0.1) = 0.1.
    @Test func variates() {
        let n = 50_000
        var sum = 0.0, sum2 = 0.0, within1 = 0, within2 = 0, usum = 0.0, below = 0
        for i in 0 ..< n {
            let d = EmpiricalChannelProvider.draws(seed: 1, linkKey: UInt64(i % 7), time: .seconds(Int64(i)))
            sum += d.normal; sum2 += d.normal * d.normal
            if abs(d.normal) < 1 { within1 += 1 }
            if abs(d.normal) < 2 { within2 += 1 }
            #expect(d.uniform >= 0 && d.uniform < 1 && d.normal.isFinite)
            usum += d.uniform
            if d.uniform < 0.1 { below += 1 }
        }
        let N = Double(n)
        #expect(abs(sum / N) < 4 / N.squareRoot())
        #expect(abs(sum2 / N - 1) < 4 * 2.0.squareRoot() / N.squareRoot())
        #expect(abs(Double(within1) / N - 0.682689) < 4 * (0.6827 * 0.3173 / N).squareRoot())
        #expect(abs(Double(within2) / N - 0.954500) < 4 * (0.9545 * 0.0455 / N).squareRoot())
        #expect(abs(usum / N - 0.5) < 4 * (1.0 / 12 / N).squareRoot())
        #expect(abs(Double(below) / N - 0.1) < 4 * (0.09 / N).squareRoot())
    }

    /// Same seed, link and time: same draw, whatever was drawn before and from whichever instance.
    /// A different seed, time or link key gives a different draw.
    @Test func determinism() {
        let a = EmpiricalChannelProvider(mode: .sampled(seed: 42))
        let b = EmpiricalChannelProvider(mode: .sampled(seed: 42))
        let c = EmpiricalChannelProvider(mode: .sampled(seed: 43))
        let g = Self.geometry(.satellite, .urban, 30)
        let forward = (0 ..< 200).map { a.estimate(g, at: .seconds(Int64($0))) }
        let backward = (0 ..< 200).reversed().map { b.estimate(g, at: .seconds(Int64($0))) }.reversed()
        #expect(forward == Array(backward))
        let other = (0 ..< 200).map { c.estimate(g, at: .seconds(Int64($0))) }
        #expect(zip(forward, other).filter { $0.shadowingDb != $1.shadowingDb }.count > 190)
        #expect(Set(forward.map(\.shadowingDb)).count > 190)
        // An explicit link key: same key same draw; another key another draw.
        #expect(a.estimate(g, at: .seconds(5), linkKey: 7) == b.estimate(g, at: .seconds(5), linkKey: 7))
        #expect(a.estimate(g, at: .seconds(5), linkKey: 7).shadowingDb != a.estimate(g, at: .seconds(5), linkKey: 8).shadowingDb)
        // The default key is the rounded end positions: the same geometry at another frequency shares
        // the LOS state and the standard-normal variate; moved ends give another draw.
        let ka = a.estimate(Self.geometry(.satellite, .urban, 30, 20e9), at: .seconds(5))
        let s = a.estimate(g, at: .seconds(5))
        #expect(ka.isLOS == s.isLOS)
        #expect(abs(ka.shadowingDb / 4 - s.shadowingDb / 4) < 1e-12)       // urban σ_LOS 4, σ_NLOS 6 in both bands
        var moved = g
        moved.upperECEFKm.x += 0.01
        #expect(EmpiricalChannelProvider.linkKey(moved) != EmpiricalChannelProvider.linkKey(g))
        var jiggled = g
        jiggled.upperECEFKm.x += 1e-7                                          // 0.1 mm: same whole metre
        #expect(EmpiricalChannelProvider.linkKey(jiggled) == EmpiricalChannelProvider.linkKey(g))
        // The expected mode ignores time and key.
        #expect(EmpiricalChannelProvider().estimate(g, at: .seconds(1), linkKey: 3)
            == EmpiricalChannelProvider().estimate(g, at: .seconds(99)))
    }

    /// The hash is SplitMix64's output function (reference: splitmix64 seeded with 0 first returns
    /// 0xE220A8397B1DCDAF, then 0x6E789E6AA1B965F4), and the draws are pinned so that a change of
    /// the scheme (which would change every sampled run) is noticed.
    @Test func pinnedHashAndDraws() {
        #expect(EmpiricalChannelProvider.mix64(0) == 0xE220_A839_7B1D_CDAF)
        #expect(EmpiricalChannelProvider.mix64(0x9E37_79B9_7F4A_7C15) == 0x6E78_9E6A_A1B9_65F4)
        let d = EmpiricalChannelProvider.draws(seed: 1, linkKey: 0, time: .zero)
        #expect(d == EmpiricalChannelProvider.draws(seed: 1, linkKey: 0, time: .zero))
        #expect(d.uniform == 0.6900876893658648)
        #expect(abs(d.normal - 0.2605839958400552) < 1e-15)
    }

    /// Sampled UAV links: Al-Hourani state, η_LOS or η_NLOS, no shadowing. Ground links: LOS, free space.
    @Test func uavAndGroundSampled() {
        let provider = EmpiricalChannelProvider(mode: .sampled(seed: 3))
        for i in 0 ..< 500 {
            let s = provider.estimate(Self.geometry(.uav, .urban, 30), at: .seconds(Int64(i)))
            #expect(s.shadowingDb == 0)
            #expect(s.clutterLossDb == (s.isLOS! ? 1.0 : 20.0))
            let g = provider.estimate(Self.geometry(.ground, .urban, 1), at: .seconds(Int64(i)))
            #expect(g.isLOS == true && g.extraLossDb == 0)
        }
    }
}
