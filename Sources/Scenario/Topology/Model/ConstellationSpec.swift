import Orbits
import SimCore

/// One satellite shell: the `constellations[i]` entries of a topology.
///
/// Satellites are named `<name>-<plane>-<slot>` for Walker shells and by their TLE name (or
/// `<name>-<catalogue number>` for two-line entries) for TLE shells.
public struct ConstellationSpec: Sendable, Hashable, Codable {
    public var name: String
    public var source: SatelliteSource
    public var radio: RadioSpec

    public init(name: String, source: SatelliteSource, radio: RadioSpec) {
        self.name = name
        self.source = source
        self.radio = radio
    }
}

/// Which analytic or SGP4 propagator flies a Walker shell.
public enum PropagatorChoice: String, Sendable, Hashable, Codable, CaseIterable {
    /// SGP4 on the shell's generated TLEs (``WalkerConstellation/tles()``).
    case sgp4
    /// Two-body plus secular J2 (``J2SecularPropagator``).
    case j2
    /// Two-body (``KeplerPropagator``).
    case kepler
}

/// Where a shell's satellites come from: Walker parameters (presets resolve to these) or a TLE file.
///
/// JSON form: `{"walker": {"parameters": {…}, "propagator": "sgp4"}}` or
/// `{"tle": {"path": …, "count": …, "catalogNumbers": […], "fingerprint": "fnv1a64:…"}}`. The TLE
/// form records which element sets were selected, not the elements; decoding reads the file at
/// `path` again, picks the same catalogue numbers in the same order and checks the fingerprint
/// (FNV-1a 64 of the selected entries as ``TLEWriter`` writes them, name lines included), so a
/// changed file is a decoding error rather than a silently different run.
public enum SatelliteSource: Sendable, Hashable {
    case walker(WalkerParameters, propagator: PropagatorChoice)
    /// `path` is resolved against the topology folder; `tles` are parsed and filtered (`select`).
    case tle(path: String, tles: [TLE])

    /// Number of satellites.
    public var count: Int {
        switch self {
        case let .walker(p, _): return p.planes * p.perPlane
        case let .tle(_, tles): return tles.count
        }
    }
}

/// The parameters of a Walker shell i: T/P/F (see ``WalkerConstellation``), fully resolved:
/// `raanSpreadDeg` holds the pattern default when the file gave none.
public struct WalkerParameters: Sendable, Hashable, Codable {
    public var pattern: WalkerConstellation.Pattern
    public var planes: Int
    public var perPlane: Int
    public var phasing: Int
    public var altitudeKm: Double
    public var inclinationDeg: Double
    public var raanSpreadDeg: Double
    public var raanOffsetDeg: Double
    public var eccentricity: Double

    public init(pattern: WalkerConstellation.Pattern = .delta, planes: Int, perPlane: Int, phasing: Int, altitudeKm: Double,
                inclinationDeg: Double, raanSpreadDeg: Double? = nil, raanOffsetDeg: Double = 0, eccentricity: Double = 0) {
        self.pattern = pattern
        self.planes = planes
        self.perPlane = perPlane
        self.phasing = phasing
        self.altitudeKm = altitudeKm
        self.inclinationDeg = inclinationDeg
        self.raanSpreadDeg = raanSpreadDeg ?? pattern.defaultRaanSpreadDeg
        self.raanOffsetDeg = raanOffsetDeg
        self.eccentricity = eccentricity
    }

    /// A published shell's parameters (node spread from its pattern, offset 0, circular).
    public init(shell: WalkerShell) {
        self.init(pattern: shell.pattern, planes: shell.planes, perPlane: shell.perPlane, phasing: shell.phasing,
                  altitudeKm: shell.altitudeKm, inclinationDeg: shell.inclinationDeg)
    }

    /// The shell as a constellation with all elements at `epoch` (the scenario epoch).
    ///
    /// ```swift
    /// let shell = try parameters.constellation(epoch: topology.scenario.epoch)
    /// let sats = try shell.propagators(kind: .j2)
    /// ```
    public func constellation(epoch: UTCInstant, firstCatalogNumber: Int = 1) throws(WalkerError) -> WalkerConstellation {
        try WalkerConstellation(pattern: pattern, planes: planes, perPlane: perPlane, phasing: phasing, altitudeKm: altitudeKm,
                                inclinationDeg: inclinationDeg, raanSpreadDeg: raanSpreadDeg, raanOffsetDeg: raanOffsetDeg,
                                eccentricity: eccentricity, epoch: epoch, firstCatalogNumber: firstCatalogNumber)
    }
}
