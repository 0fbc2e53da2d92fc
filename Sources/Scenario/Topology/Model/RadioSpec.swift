import Foundation

/// The kinds of node a topology has; each has its own radio defaults.
public enum NodeKind: String, Sendable, Hashable, Codable, CaseIterable {
    case satellite, haps, uav, user, gateway
}

/// A node's radio: transmit power, antenna, pointing and receiver noise, fully resolved
/// (built-in defaults of its kind, then `radio.<kind>`, then the node's own `radio`).
public struct RadioSpec: Sendable, Hashable, Codable {
    /// Power into the antenna, dBW.
    public var txPowerDbw: Double
    public var antenna: AntennaSpec
    public var pointing: PointingSpec
    /// Receiver noise figure, dB.
    public var noiseFigureDb: Double
    /// Antenna noise temperature, K.
    public var antennaTemperatureK: Double
    /// If set, the system noise temperature used instead of the two values above, K.
    public var systemTemperatureK: Double?
    /// Cable, polarisation and pointing losses, dB.
    public var otherLossesDb: Double

    public init(txPowerDbw: Double, antenna: AntennaSpec, pointing: PointingSpec, noiseFigureDb: Double,
                antennaTemperatureK: Double, systemTemperatureK: Double? = nil, otherLossesDb: Double = 0) {
        self.txPowerDbw = txPowerDbw
        self.antenna = antenna
        self.pointing = pointing
        self.noiseFigureDb = noiseFigureDb
        self.antennaTemperatureK = antennaTemperatureK
        self.systemTemperatureK = systemTemperatureK
        self.otherLossesDb = otherLossesDb
    }

    /// T_sys = T_ant + 290·(F − 1) with F = 10^(NF/10) (Friis, reference temperature 290 K),
    /// unless ``systemTemperatureK`` is given.
    public var effectiveSystemTemperatureK: Double {
        systemTemperatureK ?? antennaTemperatureK + 290 * (pow(10, noiseFigureDb / 10) - 1)
    }

    /// The built-in radio of a node kind (docs/topology.md, `radio` table).
    public static func builtInDefault(_ kind: NodeKind) -> RadioSpec {
        switch kind {
        case .satellite:
            return RadioSpec(txPowerDbw: 20, antenna: .bessel(apertureRadiusMeters: 1, efficiency: 1), pointing: .tracking,
                             noiseFigureDb: 1.2, antennaTemperatureK: 290)
        case .haps:
            return RadioSpec(txPowerDbw: 20, antenna: .bessel(apertureRadiusMeters: 0.5, efficiency: 1), pointing: .nadir,
                             noiseFigureDb: 1.2, antennaTemperatureK: 290)
        case .uav:
            return RadioSpec(txPowerDbw: 0, antenna: .omni(gainDbi: 0), pointing: .tracking, noiseFigureDb: 7,
                             antennaTemperatureK: 290)
        case .user:
            return RadioSpec(txPowerDbw: -7, antenna: .omni(gainDbi: 0), pointing: .tracking, noiseFigureDb: 7,
                             antennaTemperatureK: 290)
        case .gateway:
            return RadioSpec(txPowerDbw: 10, antenna: .dish(diameterMeters: 2.4, efficiency: 0.65), pointing: .tracking,
                             noiseFigureDb: 1.2, antennaTemperatureK: 150)
        }
    }
}

/// An antenna pattern.
public enum AntennaSpec: Sendable, Hashable, Codable {
    /// 0 dBi in every direction.
    case isotropic
    /// A constant gain in every direction, dBi.
    case omni(gainDbi: Double)
    /// Circular aperture of radius a (TR 38.811 §6.4.1): G(θ) = G_max·4|J1(ka sinθ)/(ka sinθ)|²,
    /// peak gain η(2πa/λ)².
    case bessel(apertureRadiusMeters: Double, efficiency: Double)
    /// Parabolic reflector of diameter D, peak gain η(πD/λ)².
    case dish(diameterMeters: Double, efficiency: Double)
}

/// Where an antenna's boresight points.
public enum PointingSpec: String, Sendable, Hashable, Codable, CaseIterable {
    /// At the far end of the link.
    case tracking
    /// Straight down.
    case nadir
    /// Straight up.
    case zenith
}
