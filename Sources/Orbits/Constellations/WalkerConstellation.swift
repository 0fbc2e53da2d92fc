import SimCore

/// A Walker constellation i:T/P/F — P equally spaced orbital planes of S satellites each
/// (T = P·S), all at one altitude and inclination, with inter-plane phasing F.
///
/// Satellite (plane p, slot s), both counted from 0, gets
///
///     RAAN           = p · spread / P
///     mean anomaly   = s · 360° / S + p · F · 360° / T
///
/// the standard Walker phasing (J. G. Walker, "Satellite constellations", J. British
/// Interplanetary Society 37, 1984): each plane is rotated F·360°/T further along its orbit than
/// the one before. A *delta* pattern spreads the nodes over 360°, a *star* (polar) pattern over
/// 180°, so ascending passes of the first and last plane counter-rotate across the seam.
///
/// ```swift
/// let epoch = UTCInstant(year: 2025, month: 1, day: 1)
/// let shell = try WalkerConstellation(planes: 72, perPlane: 22, phasing: 1, altitudeKm: 550,
///                                     inclinationDeg: 53, epoch: epoch, firstCatalogNumber: 90_001)
/// let tles = shell.tles()                          // 1584 element sets, "WALKER-P00-S00" …
/// let sats = try shell.propagators(kind: .j2)      // one J2SecularPropagator per satellite
/// ```
public struct WalkerConstellation: Sendable, Hashable {
    /// How the planes' ascending nodes are spread.
    public enum Pattern: String, Sendable, Hashable, CaseIterable {
        /// Nodes over the full 360° (Walker delta, e.g. Starlink, Kuiper).
        case delta
        /// Nodes over 180° (Walker star / polar, e.g. OneWeb, Iridium).
        case star

        /// The default node spread for the pattern, degrees.
        public var defaultRaanSpreadDeg: Double { self == .delta ? 360 : 180 }
    }

    /// Which analytic propagator ``propagators(kind:)`` builds.
    public enum PropagatorKind: String, Sendable, Hashable, CaseIterable {
        /// ``KeplerPropagator``: two-body.
        case kepler
        /// ``J2SecularPropagator``: two-body plus secular J2 drift.
        case j2
    }

    /// Pattern (sets the default node spread).
    public let pattern: Pattern
    /// Number of planes P.
    public let planes: Int
    /// Satellites per plane S.
    public let perPlane: Int
    /// Phasing factor F, 0 ..< P.
    public let phasing: Int
    /// Altitude of the semi-major axis above the WGS-72 equatorial radius, km.
    public let altitudeKm: Double
    /// Inclination, degrees.
    public let inclinationDeg: Double
    /// Angle over which the P ascending nodes are spread, degrees.
    public let raanSpreadDeg: Double
    /// RAAN of plane 0, degrees.
    public let raanOffsetDeg: Double
    /// Eccentricity of every orbit (argument of perigee 0).
    public let eccentricity: Double
    /// Epoch of all elements.
    public let epoch: UTCInstant
    /// Catalogue number of satellite (0, 0); the others follow plane by plane.
    public let firstCatalogNumber: Int
    /// The Earth model used for the semi-major axis, the TLE mean motion and the propagators.
    public let gravity: EarthGravityConstants

    /// A validated Walker constellation.
    ///
    /// - Parameters:
    ///   - pattern: `.delta` (nodes over 360°) or `.star` (nodes over 180°).
    ///   - planes: P ≥ 1.
    ///   - perPlane: S ≥ 1.
    ///   - phasing: F in 0 ..< P.
    ///   - altitudeKm: semi-major axis minus the equatorial radius, > 0.
    ///   - inclinationDeg: 0 ... 180.
    ///   - raanSpreadDeg: node spread; `nil` takes the pattern's default (360° delta, 180° star).
    ///   - raanOffsetDeg: RAAN of plane 0.
    ///   - eccentricity: 0 ≤ e < 1 (default circular).
    ///   - firstCatalogNumber: catalogue number of satellite (0, 0); all T numbers must stay
    ///     within 0 ... 339999 (the Alpha-5 range).
    public init(pattern: Pattern = .delta, planes: Int, perPlane: Int, phasing: Int, altitudeKm: Double,
                inclinationDeg: Double, raanSpreadDeg: Double? = nil, raanOffsetDeg: Double = 0, eccentricity: Double = 0,
                epoch: UTCInstant, firstCatalogNumber: Int = 1,
                gravity: EarthGravityConstants = .wgs72) throws(WalkerError) {
        guard planes >= 1 else { throw .invalidPlaneCount(planes) }
        guard perPlane >= 1 else { throw .invalidSatellitesPerPlane(perPlane) }
        guard (0 ..< planes).contains(phasing) else { throw .invalidPhasing(phasing, planes: planes) }
        guard altitudeKm.isFinite, altitudeKm > 0, gravity.equatorialRadiusKm + altitudeKm > 0 else {
            throw .invalidAltitude(altitudeKm)
        }
        guard inclinationDeg >= 0, inclinationDeg <= 180 else { throw .invalidInclination(inclinationDeg) }
        let spread = raanSpreadDeg ?? pattern.defaultRaanSpreadDeg
        guard spread.isFinite, spread >= 0, spread <= 360 else { throw .invalidRaanSpread(spread) }
        guard raanOffsetDeg.isFinite else { throw .invalidRaanSpread(raanOffsetDeg) }
        guard eccentricity >= 0, eccentricity < 1 else { throw .invalidEccentricity(eccentricity) }
        let (total, overflow) = planes.multipliedReportingOverflow(by: perPlane)
        guard !overflow, firstCatalogNumber >= 0, firstCatalogNumber <= TLEWriter.maxCatalogNumber - (total - 1) else {
            throw .catalogNumbersOutOfRange(first: firstCatalogNumber, count: overflow ? Int.max : total)
        }
        self.pattern = pattern
        self.planes = planes
        self.perPlane = perPlane
        self.phasing = phasing
        self.altitudeKm = altitudeKm
        self.inclinationDeg = inclinationDeg
        self.raanSpreadDeg = spread
        self.raanOffsetDeg = raanOffsetDeg
        self.eccentricity = eccentricity
        self.epoch = epoch
        self.firstCatalogNumber = firstCatalogNumber
        self.gravity = gravity
    }

    /// Total number of satellites T = P·S.
    public var count: Int { planes * perPlane }

    /// Semi-major axis, km: equatorial radius + altitude.
    public var semiMajorAxisKm: Double { gravity.equatorialRadiusKm + altitudeKm }

    /// Node spacing between adjacent planes, spread / P, degrees.
    public var raanSpacingDeg: Double { raanSpreadDeg / Double(planes) }

    /// In-plane spacing between adjacent slots, 360° / S.
    public var slotSpacingDeg: Double { 360 / Double(perPlane) }

    /// Phase offset of each plane relative to the previous one, F · 360° / T.
    public var phaseOffsetDeg: Double { Double(phasing) * 360 / Double(count) }

    /// Two-body mean motion for the semi-major axis with the model's mu, rev/day.
    ///
    /// SGP4 reads a TLE's mean motion as a Kozai mean motion and recovers a semi-major axis a few
    /// km (order J2·a) away from this one, so SGP4 altitudes match ``altitudeKm`` only approximately.
    public var meanMotionRevPerDay: Double {
        KeplerianElements.meanMotionRevPerDay(semiMajorAxisKm: semiMajorAxisKm, muKm3PerS2: gravity.muKm3PerS2)
    }

    /// Every satellite, plane by plane (index = plane · S + slot).
    public var satellites: [WalkerSatellite] {
        var out: [WalkerSatellite] = []
        out.reserveCapacity(count)
        for p in 0 ..< planes {
            for s in 0 ..< perPlane {
                let raan = KeplerMath.normalizedDeg(raanOffsetDeg + Double(p) * raanSpreadDeg / Double(planes))
                // Walker phasing s·360/S + p·F·360/T = 360 (s·P + p·F) / T, one rounding only.
                let anomaly = KeplerMath.normalizedDeg(360 * Double(s * planes + p * phasing) / Double(count))
                out.append(WalkerSatellite(plane: p, slot: s, catalogNumber: firstCatalogNumber + p * perPlane + s,
                                           elements: Self.elements(a: semiMajorAxisKm, e: eccentricity, i: inclinationDeg,
                                                                   raan: raan, meanAnomaly: anomaly, epoch: epoch)))
            }
        }
        return out
    }

    /// One TLE per satellite, in ``satellites`` order: two-body mean motion (WGS-72 mu by
    /// default), B* = ṅ = n̈ = 0, argument of perigee 0, names `WALKER-Ppp-Sss` (0-based,
    /// zero-padded to at least two digits).
    ///
    /// ```swift
    /// let text = TLEWriter.text(shell.tles(), threeLine: true)
    /// ```
    public func tles() -> [TLE] {
        let (year, dayOfYear) = Self.tleEpoch(epoch)
        let n = meanMotionRevPerDay
        let width = max(2, String(max(planes, perPlane) - 1).count)
        func padded(_ v: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return satellites.map { sat in
            TLE(name: "WALKER-P\(padded(sat.plane))-S\(padded(sat.slot))", catalogNumber: sat.catalogNumber,
                epochYear: year, epochDayOfYear: dayOfYear, elementSetNumber: 999,
                inclinationDeg: sat.elements.inclinationDeg, raanDeg: sat.elements.raanDeg,
                eccentricity: sat.elements.eccentricity, argumentOfPerigeeDeg: sat.elements.argumentOfPerigeeDeg,
                meanAnomalyDeg: sat.elements.meanAnomalyDeg, meanMotionRevPerDay: n)
        }
    }

    /// One analytic propagator per satellite, in ``satellites`` order.
    ///
    /// ```swift
    /// let states = try shell.propagators(kind: .kepler).map { try $0.state(minutesSinceEpoch: 10) }
    /// ```
    public func propagators(kind: PropagatorKind) throws(OrbitalElementsError) -> [any Propagator] {
        var out: [any Propagator] = []
        out.reserveCapacity(count)
        for sat in satellites {
            switch kind {
            case .kepler: out.append(try KeplerPropagator(elements: sat.elements, muKm3PerS2: gravity.muKm3PerS2))
            case .j2: out.append(try J2SecularPropagator(elements: sat.elements, gravity: gravity))
            }
        }
        return out
    }

    /// TLE epoch fields for an instant: four-digit year and day of year (1.0 = Jan 1 00:00 UTC).
    public static func tleEpoch(_ t: UTCInstant) -> (year: Int, dayOfYear: Double) {
        let year = t.components.year
        let elapsed = t - UTCInstant(year: year, month: 1, day: 1)
        let perDay = SimTime.nanosecondsPerDay
        let whole = elapsed.nanoseconds / perDay
        return (year, 1 + Double(whole) + Double(elapsed.nanoseconds % perDay) / Double(perDay))
    }

    static func elements(a: Double, e: Double, i: Double, raan: Double, meanAnomaly: Double,
                         epoch: UTCInstant) -> KeplerianElements {
        // The initialiser validated every input, so the elements need no second check.
        KeplerianElements(validatedSemiMajorAxisKm: a, eccentricity: e, inclinationDeg: i, raanDeg: raan,
                          argumentOfPerigeeDeg: 0, meanAnomalyDeg: meanAnomaly, epoch: epoch)
    }
}

/// One satellite of a ``WalkerConstellation``.
public struct WalkerSatellite: Sendable, Hashable {
    /// Plane index p, 0 ..< P.
    public let plane: Int
    /// Slot index s within the plane, 0 ..< S.
    public let slot: Int
    /// Catalogue number used in its TLE.
    public let catalogNumber: Int
    /// Its elements at the constellation epoch.
    public let elements: KeplerianElements
}

/// Why a ``WalkerConstellation`` could not be built.
public enum WalkerError: Error, Equatable, CustomStringConvertible {
    /// Planes P must be at least 1.
    case invalidPlaneCount(Int)
    /// Satellites per plane S must be at least 1.
    case invalidSatellitesPerPlane(Int)
    /// Phasing F must lie in 0 ..< P.
    case invalidPhasing(Int, planes: Int)
    /// Altitude must be positive, km.
    case invalidAltitude(Double)
    /// Inclination must lie in 0 ... 180 degrees.
    case invalidInclination(Double)
    /// Node spread must lie in 0 ... 360 degrees (and the offset be finite).
    case invalidRaanSpread(Double)
    /// Eccentricity must satisfy 0 ≤ e < 1.
    case invalidEccentricity(Double)
    /// Catalogue numbers first ..< first + T must stay within 0 ... 339999.
    case catalogNumbersOutOfRange(first: Int, count: Int)

    public var description: String {
        switch self {
        case let .invalidPlaneCount(p): return "Walker constellation needs at least 1 plane, got \(p)"
        case let .invalidSatellitesPerPlane(s): return "Walker constellation needs at least 1 satellite per plane, got \(s)"
        case let .invalidPhasing(f, planes): return "Walker phasing F = \(f) is outside 0..<\(planes) (number of planes)"
        case let .invalidAltitude(h): return "Walker altitude \(h) km must be positive"
        case let .invalidInclination(i): return "Walker inclination \(i) deg is outside 0...180"
        case let .invalidRaanSpread(s): return "Walker RAAN spread/offset \(s) deg is invalid (spread must be in 0...360)"
        case let .invalidEccentricity(e): return "Walker eccentricity \(e) is outside 0 <= e < 1"
        case let .catalogNumbersOutOfRange(first, count):
            return "catalogue numbers \(first) ..< \(first) + \(count) leave the Alpha-5 range 0...339999"
        }
    }
}
