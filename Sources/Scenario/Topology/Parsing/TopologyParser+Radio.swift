/// The radio of each node kind after the top-level `radio` section: built-in defaults with the
/// file's per-kind overrides applied.
struct RadioDefaults {
    var byKind: [NodeKind: RadioSpec] = [:]

    subscript(kind: NodeKind) -> RadioSpec { byKind[kind] ?? RadioSpec.builtInDefault(kind) }
}

/// The keys a `radio` map sets; the rest keep the values they override.
struct RadioOverride {
    var txPowerDbw: Double?
    var antenna: AntennaSpec?
    var pointing: PointingSpec?
    var noiseFigureDb: Double?
    var antennaTemperatureK: Double?
    var systemTemperatureK: Double?
    var otherLossesDb: Double?

    func applied(to base: RadioSpec) -> RadioSpec {
        var r = base
        if let txPowerDbw { r.txPowerDbw = txPowerDbw }
        if let antenna { r.antenna = antenna }
        if let pointing { r.pointing = pointing }
        if let noiseFigureDb { r.noiseFigureDb = noiseFigureDb }
        if let antennaTemperatureK { r.antennaTemperatureK = antennaTemperatureK }
        if let systemTemperatureK { r.systemTemperatureK = systemTemperatureK }
        if let otherLossesDb { r.otherLossesDb = otherLossesDb }
        return r
    }
}

extension TopologyParser {
    static let radioKeys = ["tx_power_dbw", "antenna", "pointing", "noise_figure_db", "antenna_temperature_k",
                            "system_temperature_k", "other_losses_db"]

    /// The top-level `radio` section: one optional radio map per node kind.
    func parseRadioDefaults(_ v: YAMLValue?) throws(TopologyError) -> RadioDefaults {
        var defaults = RadioDefaults()
        guard let v else { return defaults }
        let m = try v.map()
        try m.checkKeys(NodeKind.allCases.map(\.rawValue))
        for kind in NodeKind.allCases {
            if let r = m[kind.rawValue] { defaults.byKind[kind] = try parseRadio(r).applied(to: RadioSpec.builtInDefault(kind)) }
        }
        return defaults
    }

    /// A node's or group's own `radio` over the kind's radio.
    func radio(_ v: YAMLValue?, over base: RadioSpec) throws(TopologyError) -> RadioSpec {
        guard let v else { return base }
        return try parseRadio(v).applied(to: base)
    }

    func parseRadio(_ v: YAMLValue) throws(TopologyError) -> RadioOverride {
        let m = try v.map()
        try m.checkKeys(Self.radioKeys)
        var o = RadioOverride()
        o.txPowerDbw = try m.optional("tx_power_dbw") { v throws(TopologyError) in try v.number() }
        o.antenna = try m.optional("antenna", parseAntenna)
        o.pointing = try m.optional("pointing") { v throws(TopologyError) in try v.word(PointingSpec.self) }
        o.noiseFigureDb = try m.optional("noise_figure_db") { v throws(TopologyError) in try v.nonNegativeNumber("a noise figure ≥ 0 dB") }
        o.antennaTemperatureK = try m.optional("antenna_temperature_k") { v throws(TopologyError) in
            try v.nonNegativeNumber("a temperature ≥ 0 K")
        }
        o.systemTemperatureK = try m.optional("system_temperature_k") { v throws(TopologyError) in
            try v.positiveNumber("a temperature > 0 K")
        }
        o.otherLossesDb = try m.optional("other_losses_db") { v throws(TopologyError) in try v.nonNegativeNumber("losses ≥ 0 dB") }
        return o
    }

    static let antennaKeys: [String: [String]] = [
        "isotropic": ["pattern"],
        "omni": ["pattern", "gain_dbi"],
        "bessel": ["pattern", "aperture_radius_m", "efficiency"],
        "dish": ["pattern", "diameter_m", "efficiency"],
    ]
    static let antennaPatterns = ["isotropic", "omni", "bessel", "dish"]

    func parseAntenna(_ v: YAMLValue) throws(TopologyError) -> AntennaSpec {
        let m = try v.map()
        try m.checkKeys(["pattern", "gain_dbi", "aperture_radius_m", "diameter_m", "efficiency"])
        let pattern = try m.required("pattern", "one of \(Self.antennaPatterns.joined(separator: ", "))").word(Self.antennaPatterns)
        try m.checkKeys(Self.antennaKeys[pattern] ?? ["pattern"], context: " for antenna pattern \(pattern)")
        func efficiency(_ fallback: Double) throws(TopologyError) -> Double {
            try m.optional("efficiency") { v throws(TopologyError) in
                let e = try v.number()
                try v.require(e > 0 && e <= 1, "an aperture efficiency in (0, 1]")
                return e
            } ?? fallback
        }
        switch pattern {
        case "omni":
            return .omni(gainDbi: try m.optional("gain_dbi") { v throws(TopologyError) in try v.number() } ?? 0)
        case "bessel":
            let radius = try m.required("aperture_radius_m", "the aperture radius in metres").positiveNumber("a radius > 0 m")
            return .bessel(apertureRadiusMeters: radius, efficiency: try efficiency(1))
        case "dish":
            let diameter = try m.required("diameter_m", "the reflector diameter in metres").positiveNumber("a diameter > 0 m")
            return .dish(diameterMeters: diameter, efficiency: try efficiency(0.65))
        default:
            return .isotropic
        }
    }
}
