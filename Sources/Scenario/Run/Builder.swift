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
        /// The `trace` providers, one per (trace file, interpolation).
        var traceProviders: [TraceChannelProvider] = []
    }

    /// Where link types replay a recorded trace from, and how.
    struct TraceReplaySettings {
        /// `sagin replay`: every link type replays this file, falling back to its own provider.
        var file: String?
        /// Overrides the link types' `interpolation`.
        var interpolation: String?
        var lenient = false
    }

    /// Turns a validated topology into nodes, motion models and link classes.
    static func build(_ topology: Topology, channelOverride: String?, channelModelOverride: String? = nil,
                      replay: TraceReplaySettings = TraceReplaySettings()) throws -> Built {
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
        // Link types that replay a trace: (class, file, interpolation, key path for errors).
        var traced: [(cls: Int, file: String, interpolation: String, keyPath: String)] = []
        for (i, spec) in topology.links.enumerated() {
            let (role, upperRange): (LowerRole, Range<Int>) = switch spec.type {
            case .userSatellite: (.user, uppers.satelliteRange)
            case .userHaps: (.user, hapsRange)
            case .userUav: (.user, uavRange)
            case .uavSatellite: (.uav, uppers.satelliteRange)
            case .gatewaySatellite: (.gateway, uppers.satelliteRange)
            }
            let providerName = channelOverride ?? spec.channel
            let model = channelModelOverride ?? spec.channelModel
            let keyPath = channelOverride == nil ? "links[\(i)].channel" : "--channel"
            var provider: any ChannelProvider = EmpiricalChannelProvider()
            if providerName == TraceChannelProvider.providerName {
                // What answers where the trace does not (`trace_fallback`): a provider that reads no
                // file, since channel_model names the trace.
                provider = try ChannelProviders.make(named: spec.traceFallback, seed: topology.scenario.seed)
            }
            if let file = replay.file {
                traced.append((classes.count, file, replay.interpolation ?? "hold", ""))
            } else if providerName == TraceChannelProvider.providerName {
                guard let model else {
                    throw ScenarioBuildError(keyPath: channelOverride == nil ? "links[\(i)].channel_model" : "--channel-model",
                                             message: "channel provider 'trace' needs channel_model: a trace recorded with outputs.trace or --record-trace")
                }
                traced.append((classes.count, model, replay.interpolation ?? spec.traceInterpolation, keyPath))
            }
            if providerName != TraceChannelProvider.providerName {
                do {
                    provider = try ChannelProviders.make(named: providerName, seed: topology.scenario.seed, model: model)
                } catch ChannelProviderError.unknownProvider(let name, let known) {
                    throw ScenarioBuildError(keyPath: keyPath, message: "\(ChannelProviderError.unknownProvider(name: name, known: known + [TraceChannelProvider.providerName]))")
                } catch {
                    throw ScenarioBuildError(keyPath: keyPath, message: "\(error)")
                }
            }
            var measured: MeasuredLink?
            if let m = spec.measured {
                do { measured = try MeasuredLink(m) } catch {
                    throw ScenarioBuildError(keyPath: "links[\(i)].measured", message: "\(error)")
                }
            }
            let lowerIndices = roles.indices.filter { roles[$0] == role }
            classes.append(LinkClass(spec: spec, provider: provider, sinMin: sin(spec.minElevationDeg * .pi / 180),
                                     lowers: lowerIndices, uppers: upperRange,
                                     isSatellite: spec.type == .userSatellite || spec.type == .uavSatellite
                                         || spec.type == .gatewaySatellite, measured: measured))
        }
        var built = Built(uppers: uppers, lowers: lowers, classes: classes)
        if !traced.isEmpty { try attachTraces(traced, to: &built, lenient: replay.lenient) }
        return built
    }

    /// Opens each (trace file, interpolation) once, validating the whole file against the topology's
    /// links, and puts a ``TraceChannelProvider`` on every link type that replays it.
    static func attachTraces(_ traced: [(cls: Int, file: String, interpolation: String, keyPath: String)],
                             to built: inout Built, lenient: Bool) throws {
        var known: [String: String] = [:]
        func ids(_ c: Int) -> [String] {
            let cls = built.classes[c]
            var out: [String] = []
            for l in cls.lowers {
                for u in cls.uppers where built.lowers.sameNodeAsUpper[l] != u {
                    out.append(RadioModel.linkID(lower: built.lowers.names[l], upper: built.uppers.names[u]))
                }
            }
            return out
        }
        for c in built.classes.indices { for id in ids(c) { known[id] = built.classes[c].spec.type.rawValue } }
        var groups: [String: [Int]] = [:], order: [String] = []
        for (k, t) in traced.enumerated() {
            let key = t.interpolation + "\u{0}" + t.file
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(k)
        }
        for key in order {
            let members = groups[key]!.map { traced[$0] }
            let first = members[0]
            guard let interpolation = LinkStateTraceInterpolation(rawValue: first.interpolation) else {
                throw ScenarioBuildError(keyPath: first.keyPath.isEmpty ? "--interpolation" : first.keyPath,
                                         message: "expected hold or linear, found '\(first.interpolation)'")
            }
            let links = members.flatMap { ids($0.cls) }
            let replay: LinkStateTraceReplay
            do {
                replay = try LinkStateTraceReplay(path: first.file, links: links, knownLinks: known,
                                                  interpolation: interpolation, lenient: lenient)
            } catch let error as TraceError where !first.keyPath.isEmpty {
                throw ScenarioBuildError(keyPath: first.keyPath, message: "\(error)")
            }
            for m in members {
                let provider = TraceChannelProvider(replay: replay, file: first.file, interpolation: interpolation, links: links,
                                                    fallback: built.classes[m.cls].provider)
                built.classes[m.cls].provider = provider
                built.traceProviders.append(provider)
            }
        }
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
