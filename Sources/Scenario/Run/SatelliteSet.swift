import Foundation
import Orbits
import SimCore

/// Every satellite of a scenario, propagated together each epoch and one at a time for root finding.
///
/// SGP4 satellites (TLE files and Walker shells with `propagator: sgp4`) go through the SIMD
/// ``SGP4BatchPropagator``; J2 and Kepler shells through their scalar propagators. A satellite
/// whose propagation fails (decay, SGP4 error codes 1–6) is placed at the Earth's centre, which
/// puts it below every horizon, and is counted in ``failures``.
struct SatelliteSet {
    let names: [String]
    /// Index of each satellite's shell in the topology's `constellations`.
    let shellIndex: [Int]
    private let sgp4: [SGP4Propagator]
    private let sgp4Global: [Int]
    private let batch: SGP4BatchPropagator
    private let others: [any Propagator]
    private let othersGlobal: [Int]
    /// Global index → (true, index in sgp4) or (false, index in others).
    private let slot: [(isSGP4: Bool, local: Int)]
    private var states = SatelliteStates(count: 0)
    private(set) var failures = 0

    var count: Int { names.count }

    init(topology: Topology) throws(ScenarioBuildError) {
        var names: [String] = [], shellIndex: [Int] = []
        var sgp4: [SGP4Propagator] = [], sgp4Global: [Int] = []
        var others: [any Propagator] = [], othersGlobal: [Int] = []
        var slot: [(Bool, Int)] = []
        let epoch = topology.scenario.epoch
        for (c, shell) in topology.constellations.enumerated() {
            let keyPath = "constellations[\(c)]"
            func addSGP4(_ tle: TLE, name: String) throws(ScenarioBuildError) {
                do {
                    let p = try SGP4Propagator(tle: tle)
                    slot.append((true, sgp4.count))
                    sgp4Global.append(names.count)
                    sgp4.append(p)
                } catch {
                    throw ScenarioBuildError(keyPath: keyPath, message: "satellite \(name) cannot be propagated: \(error)")
                }
                names.append(name)
                shellIndex.append(c)
            }
            switch shell.source {
            case .walker(let parameters, let propagator):
                let constellation: WalkerConstellation
                do {
                    constellation = try parameters.constellation(epoch: epoch)
                } catch {
                    throw ScenarioBuildError(keyPath: keyPath + ".walker", message: "\(error)")
                }
                let sats = constellation.satellites
                func satName(_ k: Int) -> String { "\(shell.name)-\(sats[k].plane)-\(sats[k].slot)" }
                switch propagator {
                case .sgp4:
                    for (k, tle) in constellation.tles().enumerated() { try addSGP4(tle, name: satName(k)) }
                case .j2, .kepler:
                    let list: [any Propagator]
                    do {
                        list = try constellation.propagators(kind: propagator == .j2 ? .j2 : .kepler)
                    } catch {
                        throw ScenarioBuildError(keyPath: keyPath + ".walker", message: "\(error)")
                    }
                    for (k, p) in list.enumerated() {
                        slot.append((false, others.count))
                        othersGlobal.append(names.count)
                        others.append(p)
                        names.append(satName(k))
                        shellIndex.append(c)
                    }
                }
            case .tle(_, let tles):
                // Named by the TLE's name line; two-line entries by `<shell>-<catalogue number>`; a name
                // already taken gets `-<catalogue number>` appended so every node name stays unique.
                var taken = Set(names)
                for tle in tles {
                    var name = tle.name.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
                        ?? "\(shell.name)-\(tle.catalogNumber)"
                    if taken.contains(name) { name += "-\(tle.catalogNumber)" }
                    taken.insert(name)
                    try addSGP4(tle, name: name)
                }
            }
        }
        self.names = names
        self.shellIndex = shellIndex
        self.sgp4 = sgp4
        self.sgp4Global = sgp4Global
        self.batch = SGP4BatchPropagator(sgp4)
        self.others = others
        self.othersGlobal = othersGlobal
        self.slot = slot
    }

    /// Earth-fixed position (km) of satellite `i` at `time`; the Earth's centre if propagation fails.
    func positionECEF(_ i: Int, at time: UTCInstant, gmst: Double) -> SIMD3<Double> {
        let s = slot[i]
        let teme: StateVector
        do {
            teme = s.isSGP4 ? try sgp4[s.local].state(at: time) : try others[s.local].state(at: time)
        } catch {
            return .zero
        }
        return EarthRotation.temeToECEF(teme, gmst: gmst).position
    }

    /// Earth-fixed state (km, km/s) of satellite `i`, nil when propagation fails.
    func stateECEF(_ i: Int, at time: UTCInstant) -> StateVector? {
        let s = slot[i]
        guard let teme = try? (s.isSGP4 ? sgp4[s.local].state(at: time) : others[s.local].state(at: time)) else { return nil }
        return EarthRotation.temeToECEF(teme, at: time)
    }

    /// Fills `x`, `y`, `z` (count ≥ ``count``) with every satellite's Earth-fixed position at `time`.
    mutating func fill(at time: UTCInstant, x: inout [Double], y: inout [Double], z: inout [Double]) {
        if !sgp4.isEmpty {
            batch.propagate(to: time, frame: .ecef, into: &states)
            for (k, g) in sgp4Global.enumerated() {
                if states.status[k] == 0 {
                    x[g] = states.x[k]; y[g] = states.y[k]; z[g] = states.z[k]
                } else {
                    x[g] = 0; y[g] = 0; z[g] = 0
                }
            }
        }
        if !others.isEmpty {
            let theta = EarthRotation.gmst(at: time)
            for (k, g) in othersGlobal.enumerated() {
                let r = positionECEF(g, at: time, gmst: theta)
                x[g] = r.x; y[g] = r.y; z[g] = r.z
                _ = k
            }
        }
    }

    /// Upper bound of the angular rate (rad/s) of satellite `i`'s sub-point as seen from the Earth's
    /// centre, from its osculating orbit at `time`: h / r_perigee² plus the Earth's rotation, +10 %.
    func angularRateBound(_ i: Int, at time: UTCInstant) -> (rate: Double, apogeeKm: Double) {
        guard let s = stateECEF(i, at: time) else { return (0, 0) }
        // The ECEF velocity includes −ω×r; rebuild the inertial velocity for the orbit shape.
        let w = EarthRotation.rateRadPerSecond
        let vInertial = s.velocity + SIMD3(-w * s.position.y, w * s.position.x, 0)
        let mu = EarthGravityConstants.wgs72.muKm3PerS2
        let r = s.position.length, v2 = vInertial.dot(vInertial)
        let a = 1 / (2 / r - v2 / mu)
        let h = s.position.cross(vInertial).length
        let e = max(0, (1 - h * h / (mu * a))).squareRoot()
        let rp = a > 0 ? a * (1 - e) : r
        let ra = a > 0 ? a * (1 + e) : r
        return (1.1 * (h / (rp * rp) + w), ra)
    }
}

/// A topology that loaded but cannot be turned into a simulation (e.g. a TLE that SGP4 rejects).
public struct ScenarioBuildError: Error, CustomStringConvertible, Sendable {
    public var keyPath: String
    public var message: String
    public var description: String { "\(keyPath): \(message)" }
}
