extension TopologyParser {
    static let trajectoryKeys: [String: [String]] = [
        "fixed": ["type", "point"],
        "waypoints": ["type", "waypoints", "loop"],
        "loiter": ["type", "center", "radius_m", "speed_mps", "clockwise", "phase_deg"],
        "lawnmower": ["type", "area", "alt_m", "speed_mps", "track_spacing_m", "heading_deg"],
    ]
    static let trajectoryTypes = ["fixed", "waypoints", "loiter", "lawnmower"]
    static let allTrajectoryKeys = ["type", "point", "waypoints", "loop", "center", "radius_m", "speed_mps", "clockwise", "phase_deg",
                                    "area", "alt_m", "track_spacing_m", "heading_deg"]

    /// A HAP (`kind == .haps`) or UAV (`.uav`).
    mutating func parseAerial(_ v: YAMLValue, kind: NodeKind, radio base: RadioSpec) throws(TopologyError) -> AerialSpec {
        let m = try v.map()
        try m.checkKeys(["name", "trajectory", "limits", "radio"])
        let nameValue = try m.required("name", "a unique node name")
        let name = try nodeName(nameValue)
        try claim(name, at: nameValue)
        let defaults = kind == .haps ? LimitsSpec.hapsDefault : LimitsSpec.uavDefault
        let limits = try m.optional("limits") { v throws(TopologyError) in try parseLimits(v, defaults: defaults) } ?? defaults
        let trajectory = try parseTrajectory(m.required("trajectory", "a trajectory with a type: \(Self.trajectoryTypes.joined(separator: ", "))"),
                                             limits: limits, kind: kind)
        return AerialSpec(name: name, trajectory: trajectory, limits: limits, radio: try radio(m["radio"], over: base))
    }

    func parseLimits(_ v: YAMLValue, defaults: LimitsSpec) throws(TopologyError) -> LimitsSpec {
        let m = try v.map()
        try m.checkKeys(["max_speed_mps", "min_alt_m", "max_alt_m", "max_turn_rate_deg_s"])
        var l = defaults
        l.maxSpeedMps = try m.optional("max_speed_mps") { v throws(TopologyError) in try v.positiveNumber("a speed > 0 m/s") } ?? l.maxSpeedMps
        l.minAltitudeMeters = try m.optional("min_alt_m") { v throws(TopologyError) in
            try v.number(in: -500 ... 100_000, "an altitude in [-500, 100000] m")
        } ?? l.minAltitudeMeters
        l.maxAltitudeMeters = try m.optional("max_alt_m") { v throws(TopologyError) in
            try v.number(in: -500 ... 100_000, "an altitude in [-500, 100000] m")
        } ?? l.maxAltitudeMeters
        if l.minAltitudeMeters >= l.maxAltitudeMeters {
            let at = m["max_alt_m"] ?? m["min_alt_m"] ?? v
            throw at.error(.outOfRange, "expected min_alt_m < max_alt_m, found \(l.minAltitudeMeters) ≥ \(l.maxAltitudeMeters)")
        }
        l.maxTurnRateDegPerS = try m.optional("max_turn_rate_deg_s") { v throws(TopologyError) in
            try v.number(in: .ulpOfOne ... 360, "a turn rate in (0, 360] degrees per second")
        } ?? l.maxTurnRateDegPerS
        return l
    }

    func parseTrajectory(_ v: YAMLValue, limits: LimitsSpec, kind: NodeKind) throws(TopologyError) -> TrajectorySpec {
        let m = try v.map()
        try m.checkKeys(Self.allTrajectoryKeys)
        let type = try m.required("type", "one of \(Self.trajectoryTypes.joined(separator: ", "))").word(Self.trajectoryTypes)
        try m.checkKeys(Self.trajectoryKeys[type] ?? ["type"], context: " for trajectory type \(type)")
        let what = kind == .haps ? "HAP" : "UAV"

        func altitude(_ alt: Double, at v: YAMLValue) throws(TopologyError) {
            guard alt >= limits.minAltitudeMeters, alt <= limits.maxAltitudeMeters else {
                throw v.error(.limitViolation, "altitude \(v.text ?? "\(alt)") m is outside the \(what)'s altitude band "
                              + "[\(limits.minAltitudeMeters), \(limits.maxAltitudeMeters)] m (limits min_alt_m, max_alt_m)")
            }
        }
        func speed(_ v: YAMLValue) throws(TopologyError) -> Double {
            let s = try v.positiveNumber("a speed > 0 m/s")
            guard s <= limits.maxSpeedMps else {
                throw v.error(.limitViolation, "speed \(v.text ?? "\(s)") m/s is above the \(what)'s max_speed_mps \(limits.maxSpeedMps)")
            }
            return s
        }
        func point(_ v: YAMLValue, extraKeys: [String] = []) throws(TopologyError) -> PointSpec {
            let p = try parsePoint(v, ground: false, extraKeys: extraKeys)
            if let altValue = try v.map()["alt_m"] { try altitude(p.altitudeMeters, at: altValue) }
            return p
        }

        switch type {
        case "fixed":
            return .fixed(try point(m.required("point", "the hover point {lat, lon, alt_m}")))
        case "waypoints":
            let loop = try m.optional("loop") { v throws(TopologyError) in try v.bool() } ?? false
            let listValue = try m.required("waypoints", "a list of at least 2 waypoints {lat, lon, alt_m, speed_mps}")
            let items = try listValue.list()
            try listValue.require(items.count >= 2, "at least 2 waypoints, found \(items.count)")
            var waypoints: [WaypointSpec] = []
            for (k, item) in items.enumerated() {
                let wm = try item.map()
                let p = try point(item, extraKeys: ["speed_mps"])
                // The last waypoint's speed only matters when the path loops back to the first.
                let isLastHold = k == items.count - 1 && !loop
                let s: Double
                if let speedValue = wm["speed_mps"] {
                    s = try speed(speedValue)
                } else if isLastHold {
                    s = 0
                } else {
                    throw wm.missing("speed_mps", loop && k == items.count - 1
                                        ? "the speed of the closing leg back to the first waypoint, m/s"
                                        : "the speed of the leg leaving this waypoint, m/s")
                }
                waypoints.append(WaypointSpec(latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, altitudeMeters: p.altitudeMeters,
                                              speedMps: s))
            }
            return .waypoints(waypoints, loop: loop)
        case "loiter":
            let center = try point(m.required("center", "the loiter centre {lat, lon, alt_m}"))
            let radiusValue = try m.required("radius_m", "the loiter radius in metres")
            let radius = try radiusValue.positiveNumber("a radius > 0 m")
            let s = try speed(m.required("speed_mps", "the loiter speed in m/s"))
            let clockwise = try m.optional("clockwise") { v throws(TopologyError) in try v.bool() } ?? true
            let phase = try m.optional("phase_deg") { v throws(TopologyError) in try v.number() } ?? 0
            // Turn rate on a circle: ω = v / r.
            let turnRate = s / radius * 180 / .pi
            if turnRate > limits.maxTurnRateDegPerS {
                let minRadius = s / (limits.maxTurnRateDegPerS * .pi / 180)
                throw radiusValue.error(.limitViolation, "a \(radius) m loiter at \(s) m/s turns at \(Self.format(turnRate)) deg/s, above the "
                                        + "\(what)'s max_turn_rate_deg_s \(limits.maxTurnRateDegPerS); the radius must be at least "
                                        + "\(Self.format(minRadius)) m at this speed")
            }
            return .loiter(center: center, radiusMeters: radius, speedMps: s, clockwise: clockwise, phaseDeg: phase)
        default:  // lawnmower
            let area = try parseArea(m.required("area", "the box to sweep {lat_min, lat_max, lon_min, lon_max}"), boxOnly: true)
            guard case let .box(latMin, latMax, lonMin, lonMax) = area else { throw v.wrongType("a box area") }
            let altValue = try m.required("alt_m", "the sweep altitude in metres")
            let alt = try altValue.number()
            try altitude(alt, at: altValue)
            let s = try speed(m.required("speed_mps", "the sweep speed in m/s"))
            let spacing = try m.required("track_spacing_m", "the distance between tracks in metres").positiveNumber("a spacing > 0 m")
            var heading = 0.0
            if let h = m["heading_deg"] {
                heading = try h.number()
                guard heading == 0 || heading == 90 else {
                    throw h.error(.invalidValue, "expected a heading of 0 (north-south tracks) or 90 (east-west tracks), found \(h.text ?? "")")
                }
            }
            return .lawnmower(latitudeMin: latMin, latitudeMax: latMax, longitudeMin: lonMin, longitudeMax: lonMax, altitudeMeters: alt,
                              speedMps: s, trackSpacingMeters: spacing, headingDeg: heading)
        }
    }

    /// A number with at most 3 decimals, for messages.
    static func format(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
