import Foundation
import Channels
import Links
import Mobility
import Orbits
import SimCore

extension ScenarioRunner {
    struct Built {
        var uppers: UpperNodes
        var lowers: LowerNodes
        var classes: [LinkClass]
    }

    /// Turns a validated topology into nodes, motion models and link classes.
    static func build(_ topology: Topology, channelOverride: String?, channelModelOverride: String? = nil) throws -> Built {
        let satellites = try SatelliteSet(topology: topology)
        let horizon = topology.scenario.duration + topology.scenario.step
        let streams = RandomStreams(seed: topology.scenario.seed)

        var aerial: [any MotionModel] = []
        var upperNames = satellites.names
        var kinds = [PlatformKind](repeating: .satellite, count: satellites.count)
        var radios: [RadioSpec] = satellites.shellIndex.map { topology.constellations[$0].radio }
        for (i, h) in topology.haps.enumerated() {
            aerial.append(try motion(h.trajectory, limits: h.limits, keyPath: "haps[\(i)].trajectory"))
            upperNames.append(h.name); kinds.append(.haps); radios.append(h.radio)
        }
        let hapsRange = satellites.count ..< satellites.count + topology.haps.count
        var uavUpperIndex: [Int] = []
        for (i, u) in topology.uavs.enumerated() {
            uavUpperIndex.append(upperNames.count)
            aerial.append(try motion(u.trajectory, limits: u.limits, keyPath: "uavs[\(i)].trajectory"))
            upperNames.append(u.name); kinds.append(.uav); radios.append(u.radio)
        }
        let uavRange = hapsRange.upperBound ..< hapsRange.upperBound + topology.uavs.count
        let uppers = UpperNodes(satellites: satellites, aerial: aerial, names: upperNames, kinds: kinds, radios: radios,
                                hapsRange: hapsRange, uavRange: uavRange)

        // Lower ends: users, gateways, then UAVs (for UAV–satellite links).
        var names: [String] = [], roles: [LowerRole] = [], motions: [any MotionModel] = []
        var lowerRadios: [RadioSpec] = [], isStatic: [Bool] = [], same: [Int?] = []
        var maxSpeed = 0.0, minAltitude = 0.0
        for (role, groups, key) in [(LowerRole.user, topology.users, "users"), (.gateway, topology.gateways, "gateways")] {
            for (gi, group) in groups.enumerated() {
                for node in group.nodes {
                    let start = Geodetic(latitudeDeg: node.latitudeDeg, longitudeDeg: node.longitudeDeg,
                                         altitudeMeters: node.altitudeMeters)
                    minAltitude = min(minAltitude, node.altitudeMeters)
                    switch group.mobility {
                    case .stationary:
                        motions.append(FixedPosition(start))
                        isStatic.append(true)
                    case .randomWalk(let speed, let leg, let area):
                        do {
                            motions.append(try RandomWalk(start: start, speedMps: speed, legDuration: leg,
                                                          bounds: geoArea(area), horizon: horizon,
                                                          rng: streams.stream("mobility/\(node.name)")))
                        } catch {
                            throw ScenarioBuildError(keyPath: "\(key)[\(gi)].mobility", message: "\(error)")
                        }
                        isStatic.append(false)
                        maxSpeed = max(maxSpeed, speed)
                    }
                    names.append(node.name); roles.append(role); lowerRadios.append(group.radio); same.append(nil)
                }
            }
        }
        for (i, u) in topology.uavs.enumerated() {
            names.append(u.name); roles.append(.uav); motions.append(aerial[uavRange.lowerBound - satellites.count + i])
            lowerRadios.append(u.radio); isStatic.append(false); same.append(uavUpperIndex[i])
            maxSpeed = max(maxSpeed, u.limits.maxSpeedMps)
            minAltitude = min(minAltitude, u.limits.minAltitudeMeters)
        }
        let lowers = LowerNodes(names: names, roles: roles, motion: motions, radios: lowerRadios, isStatic: isStatic,
                                sameNodeAsUpper: same, maxSpeedMps: maxSpeed, minAltitudeMeters: minAltitude)

        var classes: [LinkClass] = []
        for (i, spec) in topology.links.enumerated() {
            let (role, upperRange): (LowerRole, Range<Int>) = switch spec.type {
            case .userSatellite: (.user, uppers.satelliteRange)
            case .userHaps: (.user, hapsRange)
            case .userUav: (.user, uavRange)
            case .uavSatellite: (.uav, uppers.satelliteRange)
            case .gatewaySatellite: (.gateway, uppers.satelliteRange)
            }
            let providerName = channelOverride ?? spec.channel
            let provider: any ChannelProvider
            do {
                provider = try ChannelProviders.make(named: providerName, seed: topology.scenario.seed,
                                                     model: channelModelOverride ?? spec.channelModel)
            } catch {
                throw ScenarioBuildError(keyPath: channelOverride == nil ? "links[\(i)].channel" : "--channel",
                                         message: "\(error)")
            }
            let lowerIndices = roles.indices.filter { roles[$0] == role }
            classes.append(LinkClass(spec: spec, provider: provider, sinMin: sin(spec.minElevationDeg * .pi / 180),
                                     lowers: lowerIndices, uppers: upperRange,
                                     isSatellite: spec.type == .userSatellite || spec.type == .uavSatellite
                                         || spec.type == .gatewaySatellite))
        }
        return Built(uppers: uppers, lowers: lowers, classes: classes)
    }

    static func geoArea(_ a: AreaSpec) -> GeoArea {
        switch a {
        case .circle(let lat, let lon, let r): .circle(centerLatitudeDeg: lat, centerLongitudeDeg: lon, radiusKm: r)
        case .box(let a, let b, let c, let d): .box(latitudeMin: a, latitudeMax: b, longitudeMin: c, longitudeMax: d)
        }
    }

    static func motion(_ t: TrajectorySpec, limits l: LimitsSpec, keyPath: String) throws -> any MotionModel {
        let limits = MotionLimits(maxSpeedMps: l.maxSpeedMps, minAltitudeMeters: l.minAltitudeMeters,
                                  maxAltitudeMeters: l.maxAltitudeMeters, maxTurnRateDegPerS: l.maxTurnRateDegPerS)
        do {
            switch t {
            case .fixed(let p):
                return FixedPosition(Geodetic(latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg,
                                              altitudeMeters: p.altitudeMeters))
            case .waypoints(let list, let loop):
                return try WaypointTrajectory(
                    waypoints: list.map { Waypoint(latitudeDeg: $0.latitudeDeg, longitudeDeg: $0.longitudeDeg,
                                                   altitudeMeters: $0.altitudeMeters, speedMps: $0.speedMps) },
                    loop: loop, limits: limits)
            case .loiter(let c, let radius, let speed, let clockwise, let phase):
                return try LoiterCircle(center: Geodetic(latitudeDeg: c.latitudeDeg, longitudeDeg: c.longitudeDeg,
                                                         altitudeMeters: c.altitudeMeters),
                                        radiusMeters: radius, speedMps: speed, clockwise: clockwise, phaseDeg: phase,
                                        limits: limits)
            case .lawnmower(let latMin, let latMax, let lonMin, let lonMax, let alt, let speed, let spacing, let heading):
                return try LawnmowerSweep(latitudeMin: latMin, latitudeMax: latMax, longitudeMin: lonMin,
                                          longitudeMax: lonMax, altitudeMeters: alt, speedMps: speed,
                                          trackSpacingMeters: spacing, headingDeg: heading, loop: true, limits: limits)
            }
        } catch {
            throw ScenarioBuildError(keyPath: keyPath, message: "\(error)")
        }
    }
}
