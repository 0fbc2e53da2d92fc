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
        #expect(ChannelProviders.names == ["empirical"])
        let p = try ChannelProviders.make(named: "empirical")
        #expect(p.name == "empirical")
        #expect(EmpiricalChannelProvider().name == "empirical")
        do {
            _ = try ChannelProviders.make(named: "raytrace")
            Issue.record("expected an error")
        } catch let error as ChannelProviderError {
            #expect(error == .unknownProvider(name: "raytrace", known: ["empirical"]))
            #expect(error.description == "unknown channel provider 'raytrace'; known providers: empirical")
        }
    }
}
