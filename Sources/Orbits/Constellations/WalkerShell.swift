import SimCore

/// The published parameters of one constellation shell, as a Walker pattern.
///
/// Presets are taken from `../shared/reference/orbital/constellations.md`, section 2 (StarPerf's
/// `config/XML_constellation/*.xml`, SpaceNetLab/StarPerf_Simulator commit 004ac9e): altitude,
/// inclination, planes × satellites per plane and the `phase_shift` value as F. StarPerf itself
/// reads `phase_shift` but does not apply it, and uses its own Earth radius; these presets apply F
/// with the standard Walker phasing and WGS-72 Re, so they reproduce the shell geometry, not
/// StarPerf's exact satellite positions.
///
/// ```swift
/// let starlink = try WalkerShell.starlinkShell1.constellation(epoch: UTCInstant(year: 2025, month: 1, day: 1))
/// print(starlink.count)                       // 1584
/// for shell in WalkerShell.published { print(shell.name, shell.planes * shell.perPlane) }
/// ```
public struct WalkerShell: Sendable, Hashable {
    /// Short name, e.g. "starlink-1".
    public let name: String
    /// Node spread pattern.
    public let pattern: WalkerConstellation.Pattern
    /// Altitude, km.
    public let altitudeKm: Double
    /// Inclination, degrees.
    public let inclinationDeg: Double
    /// Planes P.
    public let planes: Int
    /// Satellites per plane S.
    public let perPlane: Int
    /// Phasing F.
    public let phasing: Int

    /// A shell description (validated when turned into a ``WalkerConstellation``).
    public init(name: String, pattern: WalkerConstellation.Pattern, altitudeKm: Double, inclinationDeg: Double,
                planes: Int, perPlane: Int, phasing: Int) {
        self.name = name
        self.pattern = pattern
        self.altitudeKm = altitudeKm
        self.inclinationDeg = inclinationDeg
        self.planes = planes
        self.perPlane = perPlane
        self.phasing = phasing
    }

    /// Total satellites P·S.
    public var count: Int { planes * perPlane }

    /// The shell as a constellation at `epoch`.
    ///
    /// ```swift
    /// let kuiper = try WalkerShell.kuiperShell1.constellation(epoch: epoch, firstCatalogNumber: 200_001)
    /// ```
    public func constellation(epoch: UTCInstant, firstCatalogNumber: Int = 1,
                              gravity: EarthGravityConstants = .wgs72) throws(WalkerError) -> WalkerConstellation {
        try WalkerConstellation(pattern: pattern, planes: planes, perPlane: perPlane, phasing: phasing,
                                altitudeKm: altitudeKm, inclinationDeg: inclinationDeg, epoch: epoch,
                                firstCatalogNumber: firstCatalogNumber, gravity: gravity)
    }

    /// Starlink shell 1: 550 km, 53°, 72 × 22, F = 1 (constellations.md §2, StarPerf Starlink.xml).
    public static let starlinkShell1 = WalkerShell(name: "starlink-1", pattern: .delta, altitudeKm: 550, inclinationDeg: 53,
                                                   planes: 72, perPlane: 22, phasing: 1)
    /// Kuiper shell 1: 630 km, 51.9°, 34 × 34, F = 0 (constellations.md §2, StarPerf Kuiper.xml).
    public static let kuiperShell1 = WalkerShell(name: "kuiper-1", pattern: .delta, altitudeKm: 630, inclinationDeg: 51.9,
                                                 planes: 34, perPlane: 34, phasing: 0)
    /// OneWeb shell 1: 1200 km, 87.9°, 12 × 49, F = 0, a polar star pattern with nodes over 180°
    /// (constellations.md §2, StarPerf OneWeb.xml; StarPerf spreads nodes over 180° for 80° < i < 100°).
    public static let onewebShell1 = WalkerShell(name: "oneweb-1", pattern: .star, altitudeKm: 1200, inclinationDeg: 87.9,
                                                 planes: 12, perPlane: 49, phasing: 0)
    /// Telesat shell 1: 1015 km, 98.98°, 27 × 13, F = 0 (constellations.md §2, StarPerf Telesat.xml).
    /// Nodes over 360° as in Hypatia's Telesat-1015 (constellations.md §1); StarPerf's generator
    /// would use 180° at this inclination — build with `raanSpreadDeg: 180` to match it.
    public static let telesatShell1 = WalkerShell(name: "telesat-1", pattern: .delta, altitudeKm: 1015, inclinationDeg: 98.98,
                                                  planes: 27, perPlane: 13, phasing: 0)

    /// Starlink shell 2: 570 km, 70°, 36 × 20, F = 1 (constellations.md §2, StarPerf Starlink.xml).
    public static let starlinkShell2 = WalkerShell(name: "starlink-2", pattern: .delta, altitudeKm: 570, inclinationDeg: 70,
                                                   planes: 36, perPlane: 20, phasing: 1)
    /// Starlink shell 3: 560 km, 97.6°, 10 × 52, F = 1 (constellations.md §2, StarPerf Starlink.xml).
    /// Nodes over 180° (star), as StarPerf's generator spreads them for 80° < i < 100°.
    public static let starlinkShell3 = WalkerShell(name: "starlink-3", pattern: .star, altitudeKm: 560, inclinationDeg: 97.6,
                                                   planes: 10, perPlane: 52, phasing: 1)
    /// Starlink shell 4: 540 km, 53.2°, 72 × 22, F = 1 (constellations.md §2, StarPerf Starlink.xml).
    public static let starlinkShell4 = WalkerShell(name: "starlink-4", pattern: .delta, altitudeKm: 540, inclinationDeg: 53.2,
                                                   planes: 72, perPlane: 22, phasing: 1)
    /// Kuiper shell 2: 610 km, 42°, 36 × 36, F = 0 (constellations.md §2, StarPerf Kuiper.xml).
    public static let kuiperShell2 = WalkerShell(name: "kuiper-2", pattern: .delta, altitudeKm: 610, inclinationDeg: 42,
                                                 planes: 36, perPlane: 36, phasing: 0)
    /// Kuiper shell 3: 590 km, 33°, 28 × 28, F = 0 (constellations.md §2, StarPerf Kuiper.xml).
    public static let kuiperShell3 = WalkerShell(name: "kuiper-3", pattern: .delta, altitudeKm: 590, inclinationDeg: 33,
                                                 planes: 28, perPlane: 28, phasing: 0)
    /// Telesat shell 2: 1325 km, 50.88°, 40 × 33, F = 0 (constellations.md §2, StarPerf Telesat.xml).
    public static let telesatShell2 = WalkerShell(name: "telesat-2", pattern: .delta, altitudeKm: 1325, inclinationDeg: 50.88,
                                                  planes: 40, perPlane: 33, phasing: 0)
    /// Iridium: 780 km, 86.4°, 6 × 11, a star pattern (constellations.md §3, filing values not
    /// verified there). No phasing is given, F = 0 is used; the real constellation spaces its
    /// co-rotating planes 31.6° apart with a 22° seam, where the star pattern gives 30° everywhere.
    public static let iridium = WalkerShell(name: "iridium", pattern: .star, altitudeKm: 780, inclinationDeg: 86.4,
                                            planes: 6, perPlane: 11, phasing: 0)
    /// Three equatorial geostationary satellites 120° apart: 35786 km, 0°, 1 × 3. With WGS-72 Re
    /// the semi-major axis is 42164.135 km, a two-body period within 0.5 s of a sidereal day.
    public static let geo = WalkerShell(name: "geo", pattern: .delta, altitudeKm: 35_786, inclinationDeg: 0,
                                        planes: 1, perPlane: 3, phasing: 0)

    /// The shell-1 presets checked against StarPerf (constellations.md §2), in the order above.
    public static let published: [WalkerShell] = [starlinkShell1, kuiperShell1, onewebShell1, telesatShell1]

    /// Every preset a topology's `preset:` accepts, in schema order: starlink-1…4, kuiper-1…3,
    /// oneweb-1, telesat-1…2, iridium, geo.
    public static let presets: [WalkerShell] = [
        starlinkShell1, starlinkShell2, starlinkShell3, starlinkShell4, kuiperShell1, kuiperShell2, kuiperShell3,
        onewebShell1, telesatShell1, telesatShell2, iridium, geo,
    ]

    /// The preset with `name` (case-insensitive), or `nil`.
    public static func preset(named name: String) -> WalkerShell? {
        presets.first { $0.name == name.lowercased() }
    }
}

extension WalkerConstellation {
    /// A published shell (see ``WalkerShell``) as a constellation.
    ///
    /// ```swift
    /// let oneweb = try WalkerConstellation.published(.onewebShell1, epoch: epoch)
    /// ```
    public static func published(_ shell: WalkerShell, epoch: UTCInstant, firstCatalogNumber: Int = 1,
                                 gravity: EarthGravityConstants = .wgs72) throws(WalkerError) -> WalkerConstellation {
        try shell.constellation(epoch: epoch, firstCatalogNumber: firstCatalogNumber, gravity: gravity)
    }
}
