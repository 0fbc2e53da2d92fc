import ArgumentParser
import Channels
import Foundation
import Links
import SimCore

/// `sagin channel`: the empirical channel of one link, part by part, and optionally its link budget.
struct ChannelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel",
        abstract: "Evaluate the empirical channel (TR 38.811 / Al-Hourani) of one link, part by part, with an optional link budget.",
        discussion: """
        Example:
          sagin channel --scenario urban --frequency 2GHz --elevation 30 --altitude 600km
          sagin channel --scenario urban --frequency 20GHz --elevation 30 --altitude 600km --state nlos --json
          sagin channel --platform uav --scenario high-rise --frequency 2GHz --altitude 120m --ground-distance 500m
          sagin channel --frequency 2GHz --elevation 30 --altitude 600km --tx-power-dbw 20 --tx-gain-dbi 30 \\
                        --bandwidth 20MHz --noise-figure-db 7
        Satellites and HAPS use 3GPP TR 38.811 (as ns-3 3.44, but at the true elevation); the slant range is TR 38.811 eq. 6.6-3 with R = 6371 km unless --distance is given. UAVs use Al-Hourani et al. 2014 with --altitude the UAV height and the geometry from --elevation, --ground-distance or --distance.
        Frequencies: 2GHz, 2000MHz, 2e9 (Hz). Lengths: 600km, 600000m, 600000 (metres).
        The link budget (--tx-power-dbw with --bandwidth and --noise-temperature-k or --noise-figure-db) uses omnidirectional gains --tx-gain-dbi / --rx-gain-dbi. Formulas and tables: docs/channels.md.
        """
    )

    @Option(help: "Channel provider: \(ChannelProviders.names.joined(separator: ", ")).")
    var provider: String = EmpiricalChannelProvider.expectedName
    @Option(help: "Propagation environment: \(Links.Environment.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: String = Links.Environment.urban.rawValue
    @Option(help: "Upper end of the link: satellite, haps or uav.")
    var platform: String = PlatformKind.satellite.rawValue
    @Option(help: "Carrier frequency (2GHz, 2000MHz, 2e9).")
    var frequency: String
    @Option(help: "Elevation of the upper end at the ground terminal, degrees.")
    var elevation: Double?
    @Option(help: "Altitude of the satellite / HAPS, or height of the UAV (600km, 120m).")
    var altitude: String?
    @Option(help: "Slant (3D) range, overriding eq. 6.6-3 (1075km).")
    var distance: String?
    @Option(help: "UAV only: horizontal distance from the ground terminal (500m).")
    var groundDistance: String?
    @Option(help: "LOS state: los, nlos, expected or sampled (default: expected; sampled for empirical-sampled).")
    var state: String?
    @Option(help: "Seed of the sampled state.")
    var seed: UInt64 = ChannelProviders.defaultSeed
    @Option(help: "Transmit power, dBW (enables the link budget).")
    var txPowerDbw: Double?
    @Option(help: "Transmit antenna gain, dBi.")
    var txGainDbi: Double = 0
    @Option(help: "Receive antenna gain, dBi.")
    var rxGainDbi: Double = 0
    @Option(help: "Bandwidth for the link budget (20MHz).")
    var bandwidth: String?
    @Option(help: "System noise temperature, K.")
    var noiseTemperatureK: Double?
    @Option(help: "Receiver noise figure, dB (T = T_ant + 290·(F − 1)).")
    var noiseFigureDb: Double?
    @Option(help: "Antenna temperature with --noise-figure-db, K.")
    var antennaTemperatureK: Double = Noise.referenceTemperatureK
    @Option(help: "DVB-S2X roll-off factor.")
    var rolloff: Double = 0.2
    @Flag(help: "Print one JSON object (sorted keys) instead of the table.")
    var json = false

    func validate() throws { _ = try ChannelCalculator.Request(self) }

    func run() throws {
        let result = try ChannelCalculator.evaluate(ChannelCalculator.Request(self))
        if json {
            print(try ChannelCalculator.json(result), terminator: "")
        } else {
            print(ChannelCalculator.text(result), terminator: "")
        }
    }
}

/// Parsing, evaluation and printing behind `sagin channel`.
enum ChannelCalculator {
    /// A unit-suffixed number: `2GHz` → 2e9 with units [("ghz", 1e9), …]; a bare number is in base units.
    static func parse(_ text: String, units: [(String, Double)]) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            let number = t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            guard let v = Double(number), v.isFinite else { return nil }
            return v * factor
        }
        guard let v = Double(t), v.isFinite else { return nil }
        return v
    }

    static let frequencyUnits: [(String, Double)] = [("ghz", 1e9), ("mhz", 1e6), ("khz", 1e3), ("hz", 1)]
    static let lengthUnits: [(String, Double)] = [("km", 1e3), ("m", 1)]

    static func frequency(_ option: String, _ text: String) throws -> Double {
        guard let v = parse(text, units: frequencyUnits) else {
            throw ValidationError("\(option): expected a frequency such as 2GHz, 2000MHz or 2e9, found '\(text)'")
        }
        guard v > 0 else { throw ValidationError("\(option): must be positive, found '\(text)'") }
        return v
    }

    static func length(_ option: String, _ text: String) throws -> Double {
        guard let v = parse(text, units: lengthUnits) else {
            throw ValidationError("\(option): expected a length such as 600km, 600000m or 600000, found '\(text)'")
        }
        guard v > 0 else { throw ValidationError("\(option): must be positive, found '\(text)'") }
        return v
    }

    /// Validated inputs.
    struct Request {
        var provider: String
        var environment: Links.Environment
        var platform: PlatformKind
        var frequencyHz: Double
        var condition: String       // los, nlos, expected, sampled
        var seed: UInt64
        var elevationDeg: Double
        var altitudeMeters: Double?
        var slantRangeMeters: Double
        var slantRangeSource: String
        var groundDistanceMeters: Double?
        var budget: Budget?

        struct Budget {
            var txPowerDbw: Double, txGainDbi: Double, rxGainDbi: Double
            var bandwidthHz: Double, systemTemperatureK: Double, rolloff: Double
            var noiseFigureDb: Double?
        }

        init(_ c: ChannelCommand) throws {
            guard ChannelProviders.names.contains(c.provider) else {
                throw ValidationError("--provider: unknown channel provider '\(c.provider)'; known: \(ChannelProviders.names.joined(separator: ", "))")
            }
            provider = c.provider
            guard let env = Links.Environment(rawValue: c.scenario) else {
                throw ValidationError("--scenario: expected one of \(Links.Environment.allCases.map(\.rawValue).joined(separator: ", ")), found '\(c.scenario)'")
            }
            environment = env
            guard let kind = PlatformKind(rawValue: c.platform), kind != .ground else {
                throw ValidationError("--platform: expected satellite, haps or uav, found '\(c.platform)'")
            }
            platform = kind
            frequencyHz = try ChannelCalculator.frequency("--frequency", c.frequency)
            if kind != .uav, !(0.5e9 ... 100e9).contains(frequencyHz) {
                throw ValidationError("--frequency: TR 38.811 covers 0.5-100 GHz, found '\(c.frequency)'")
            }
            let defaultState = c.provider == EmpiricalChannelProvider.sampledName ? "sampled" : "expected"
            let s = c.state ?? defaultState
            guard ["los", "nlos", "expected", "sampled"].contains(s) else {
                throw ValidationError("--state: expected los, nlos, expected or sampled, found '\(s)'")
            }
            condition = s
            seed = c.seed
            if let e = c.elevation, !(e.isFinite && e >= 0 && e <= 90) {
                throw ValidationError("--elevation: expected degrees in 0...90, found '\(e)'")
            }
            let altitude = try c.altitude.map { try ChannelCalculator.length("--altitude", $0) }
            let distance = try c.distance.map { try ChannelCalculator.length("--distance", $0) }
            let ground = try c.groundDistance.map { try ChannelCalculator.length("--ground-distance", $0) }
            altitudeMeters = altitude
            groundDistanceMeters = nil
            switch kind {
            case .satellite, .haps, .ground:
                guard c.groundDistance == nil else {
                    throw ValidationError("--ground-distance: only for --platform uav (use --elevation and --altitude or --distance)")
                }
                guard let e = c.elevation else {
                    throw ValidationError("--elevation: required for --platform \(kind.rawValue)")
                }
                elevationDeg = e
                if let distance {
                    slantRangeMeters = distance
                    slantRangeSource = "--distance"
                } else if let altitude {
                    slantRangeMeters = TR38811.slantRangeMeters(elevationDeg: e, altitudeMeters: altitude)
                    slantRangeSource = "TR 38.811 eq. 6.6-3, R = 6371 km"
                } else {
                    throw ValidationError("--altitude: required (or give --distance) for --platform \(kind.rawValue)")
                }
            case .uav:
                guard let h = altitude else { throw ValidationError("--altitude: required for --platform uav (the UAV height)") }
                let given = [c.elevation != nil, ground != nil].filter { $0 }.count
                guard given <= 1 else {
                    throw ValidationError("--elevation and --ground-distance: give one of them for --platform uav, not both")
                }
                if let e = c.elevation {
                    guard e > 0 else { throw ValidationError("--elevation: must be above 0 for --platform uav, found '\(e)'") }
                    elevationDeg = e
                    groundDistanceMeters = h / tan(e * .pi / 180)
                    slantRangeMeters = distance ?? h / sin(e * .pi / 180)
                    slantRangeSource = distance == nil ? "height / sin(elevation)" : "--distance"
                } else if let r = ground {
                    elevationDeg = atan2(h, r) * 180 / .pi
                    groundDistanceMeters = r
                    slantRangeMeters = distance ?? (h * h + r * r).squareRoot()
                    slantRangeSource = distance == nil ? "sqrt(height² + ground distance²)" : "--distance"
                } else if let d = distance {
                    guard d >= h else {
                        throw ValidationError("--distance: a slant range of \(c.distance!) is shorter than the UAV height \(c.altitude!)")
                    }
                    elevationDeg = asin(h / d) * 180 / .pi
                    groundDistanceMeters = (d * d - h * h).squareRoot()
                    slantRangeMeters = d
                    slantRangeSource = "--distance"
                } else {
                    throw ValidationError("--platform uav needs --elevation, --ground-distance or --distance")
                }
            }
            let budgetOptions = c.bandwidth != nil || c.noiseTemperatureK != nil || c.noiseFigureDb != nil
            if let p = c.txPowerDbw {
                guard let bw = c.bandwidth else { throw ValidationError("--bandwidth: required with --tx-power-dbw") }
                let bandwidthHz = try ChannelCalculator.frequency("--bandwidth", bw)
                let temperature: Double
                switch (c.noiseTemperatureK, c.noiseFigureDb) {
                case (let t?, nil):
                    guard t > 0, t.isFinite else { throw ValidationError("--noise-temperature-k: must be positive, found '\(t)'") }
                    temperature = t
                case (nil, let nf?):
                    guard nf.isFinite, nf >= 0 else { throw ValidationError("--noise-figure-db: must be 0 or more, found '\(nf)'") }
                    guard c.antennaTemperatureK >= 0 else {
                        throw ValidationError("--antenna-temperature-k: must be 0 or more, found '\(c.antennaTemperatureK)'")
                    }
                    temperature = Noise.systemTemperatureK(noiseFigureDb: nf, antennaTemperatureK: c.antennaTemperatureK)
                    guard temperature > 0 else { throw ValidationError("--noise-figure-db 0 with --antenna-temperature-k 0 gives no noise") }
                case (nil, nil):
                    throw ValidationError("--noise-temperature-k or --noise-figure-db: one is required with --tx-power-dbw")
                case (_?, _?):
                    throw ValidationError("--noise-temperature-k and --noise-figure-db: give one, not both")
                }
                guard c.rolloff >= 0, c.rolloff <= 1 else { throw ValidationError("--rolloff: expected 0...1, found '\(c.rolloff)'") }
                budget = Budget(txPowerDbw: p, txGainDbi: c.txGainDbi, rxGainDbi: c.rxGainDbi, bandwidthHz: bandwidthHz,
                                systemTemperatureK: temperature, rolloff: c.rolloff, noiseFigureDb: c.noiseFigureDb)
            } else {
                guard !budgetOptions else {
                    throw ValidationError("--tx-power-dbw: required with --bandwidth, --noise-temperature-k or --noise-figure-db")
                }
                budget = nil
            }
        }
    }

    /// What `sagin channel` prints.
    struct Result {
        var request: Request
        var state: ChannelState
        var los: ChannelState
        var nlos: ChannelState
        var expected: ChannelState
        var sigmaLosDb: Double
        var sigmaNlosDb: Double
        var budget: LinkBudget?

        var model: String {
            switch request.platform {
            case .satellite, .haps: "TR 38.811"
            case .uav: "Al-Hourani 2014"
            case .ground: "free space"
            }
        }
    }

    static func evaluate(_ r: Request) -> Result {
        func state(_ condition: EmpiricalChannelProvider.Condition) -> ChannelState {
            EmpiricalChannelProvider.state(upperKind: r.platform, environment: r.environment, frequencyHz: r.frequencyHz,
                                           elevationDeg: r.elevationDeg, distanceMeters: r.slantRangeMeters,
                                           condition: condition)
        }
        let los = state(.los), nlos = state(.nlos), expected = state(.expected)
        let chosen: ChannelState
        switch r.condition {
        case "los": chosen = los
        case "nlos": chosen = nlos
        case "sampled":
            // The calculator has one link at one instant: link key 0, time 0.
            let draws = EmpiricalChannelProvider.draws(seed: r.seed, linkKey: 0, time: .zero)
            chosen = EmpiricalChannelProvider.sampledState(upperKind: r.platform, environment: r.environment,
                                                           frequencyHz: r.frequencyHz, elevationDeg: r.elevationDeg,
                                                           distanceMeters: r.slantRangeMeters, draws: draws)
        default: chosen = expected
        }
        func sigma(_ los: Bool) -> Double {
            EmpiricalChannelProvider.shadowingSigmaDb(upperKind: r.platform, environment: r.environment,
                                                      frequencyHz: r.frequencyHz, elevationDeg: r.elevationDeg, los: los)
        }
        let budget = r.budget.map { b in
            LinkBudget(LinkBudgetInput(txPowerDbw: b.txPowerDbw, txAntenna: .omni(gainDbi: b.txGainDbi),
                                       rxAntenna: .omni(gainDbi: b.rxGainDbi), frequencyHz: r.frequencyHz,
                                       bandwidthHz: b.bandwidthHz, rolloff: b.rolloff,
                                       systemTemperatureK: b.systemTemperatureK,
                                       freeSpaceLossDb: chosen.freeSpaceLossDb, extraLossDb: chosen.extraLossDb))
        }
        return Result(request: r, state: chosen, los: los, nlos: nlos, expected: expected,
                      sigmaLosDb: sigma(true), sigmaNlosDb: sigma(false), budget: budget)
    }

    // MARK: Text

    static func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    static func hz(_ x: Double) -> String {
        if x >= 1e9 { return "\(trim(x / 1e9)) GHz" }
        if x >= 1e6 { return "\(trim(x / 1e6)) MHz" }
        if x >= 1e3 { return "\(trim(x / 1e3)) kHz" }
        return "\(trim(x)) Hz"
    }

    static func metres(_ x: Double) -> String { x >= 10_000 ? "\(f(x / 1000, 3)) km" : "\(f(x, 2)) m" }

    static func trim(_ x: Double) -> String {
        var s = String(format: "%.6f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func bps(_ x: Double) -> String { "\(f(x / 1e6, 3)) Mbit/s" }

    static func text(_ res: Result) -> String {
        let r = res.request, s = res.state
        var out = ""
        func line(_ label: String, _ value: String, _ note: String = "") {
            out += "  " + label.padding(toLength: 22, withPad: " ", startingAt: 0) + value
            out += note.isEmpty ? "\n" : "  (\(note))\n"
        }
        var title = "\(r.provider): \(res.model), \(r.environment.rawValue), \(r.platform.rawValue), \(hz(r.frequencyHz))"
        let tr = r.platform == .satellite || r.platform == .haps
        if tr { title += " (\(TR38811.Band(frequencyHz: r.frequencyHz).rawValue) band)" }
        out += title + "\n"
        if tr && r.environment == .highRiseUrban { out += "  (TR 38.811 has no high-rise scenario: dense-urban tables)\n" }
        out += "geometry\n"
        if let h = r.altitudeMeters { line(r.platform == .uav ? "height" : "altitude", metres(h)) }
        line("elevation", "\(f(r.elevationDeg, 3))°", tr ? "tables at θq = \(TR38811.quantizedElevationDeg(r.elevationDeg))°" : "")
        if let g = r.groundDistanceMeters { line("ground distance", metres(g)) }
        line("slant range", metres(r.slantRangeMeters), r.slantRangeSource)
        out += "channel\n"
        line("LOS probability", f(s.losProbability, 4))
        var stateText = r.condition
        if let los = s.isLOS, r.condition == "sampled" { stateText += " → \(los ? "LOS" : "NLOS") (seed \(r.seed))" }
        line("state", stateText)
        line("free-space loss", "\(f(s.freeSpaceLossDb, 4)) dB")
        line("atmospheric", "\(f(s.atmosphericLossDb, 4)) dB")
        line("scintillation", "\(f(s.scintillationLossDb, 4)) dB")
        let clutterNote = tr
            ? "NLOS clutter loss \(f(res.nlos.clutterLossDb, 2)) dB"
            : (r.platform == .uav ? "excess loss η: LOS \(f(res.los.clutterLossDb, 2)) dB, NLOS \(f(res.nlos.clutterLossDb, 2)) dB" : "")
        line(r.platform == .uav ? "excess (η)" : "clutter", "\(f(s.clutterLossDb, 4)) dB", clutterNote)
        line("shadowing", "\(f(s.shadowingDb, 4)) dB",
             tr ? "σ_SF LOS \(f(res.sigmaLosDb, 2)) dB, NLOS \(f(res.sigmaNlosDb, 2)) dB" : "not modelled")
        line("total path loss", "\(f(s.totalPathLossDb, 2)) dB")
        line("per state", "LOS \(f(res.los.totalPathLossDb, 2)) dB, NLOS \(f(res.nlos.totalPathLossDb, 2)) dB, expected \(f(res.expected.totalPathLossDb, 2)) dB")
        if let b = res.budget {
            out += "link budget\n"
            line("EIRP", "\(f(b.eirpDbw, 2)) dBW", "P_tx \(f(b.txPowerDbw, 2)) dBW + G_tx \(f(b.txGainDbi, 2)) dBi")
            line("received power", "\(f(b.rxPowerDbw, 2)) dBW", "G_rx \(f(b.rxGainDbi, 2)) dBi")
            line("system temperature", "\(f(b.systemTemperatureK, 2)) K",
                 r.budget?.noiseFigureDb.map { "noise figure \(f($0, 2)) dB" } ?? "")
            line("G/T", "\(f(b.gOverTDbPerK, 2)) dB/K")
            line("noise power", "\(f(b.noisePowerDbw, 2)) dBW", "bandwidth \(hz(b.bandwidthHz))")
            line("C/N0", "\(f(b.cn0DbHz, 2)) dB-Hz")
            line("SNR", "\(f(b.snrDb, 2)) dB")
            line("Shannon capacity", bps(b.shannonCapacityBps))
            line("Es/N0", "\(f(b.esN0Db, 2)) dB", "symbol rate \(f(b.symbolRateBaud / 1e6, 3)) Mbaud, roll-off \(trim(b.rolloff))")
            if let m = b.modcod {
                line("DVB-S2X MODCOD", m.name, "η \(trim(m.spectralEfficiency)), needs Es/N0 \(f(m.requiredEsN0Db, 2)) dB")
                line("DVB-S2X capacity", bps(b.dvbs2xCapacityBps))
            } else {
                line("DVB-S2X MODCOD", "none", "Es/N0 below the most robust MODCOD")
                line("DVB-S2X capacity", bps(0))
            }
        }
        return out
    }

    // MARK: JSON

    /// The `--json` object: flat, snake_case, SI units in the key names; absent keys do not apply.
    struct JSONReport: Encodable {
        var provider: String, model: String, scenario: String, platform: String
        var frequencyHz: Double, band: String?
        var altitudeM: Double?, elevationDeg: Double, elevationQuantizedDeg: Int?
        var groundDistanceM: Double?, slantRangeM: Double, slantRangeSource: String
        var state: String, isLos: Bool?, seed: UInt64?
        var losProbability: Double
        var freeSpaceLossDb: Double, atmosphericLossDb: Double, scintillationLossDb: Double
        var clutterLossDb: Double, shadowingDb: Double
        var shadowingSigmaLosDb: Double, shadowingSigmaNlosDb: Double
        var totalPathLossDb: Double, pathLossLosDb: Double, pathLossNlosDb: Double, pathLossExpectedDb: Double
        var txPowerDbw: Double?, txGainDbi: Double?, rxGainDbi: Double?, eirpDbw: Double?, rxPowerDbw: Double?
        var systemTemperatureK: Double?, gOverTDbPerK: Double?, noisePowerDbw: Double?, bandwidthHz: Double?
        var cn0DbHz: Double?, snrDb: Double?, shannonCapacityBps: Double?
        var rolloff: Double?, symbolRateBaud: Double?, esn0Db: Double?
        var modcod: String?, modcodSpectralEfficiency: Double?, dvbs2xCapacityBps: Double?

        enum CodingKeys: String, CodingKey {
            case provider, model, scenario, platform, frequencyHz = "frequency_hz", band
            case altitudeM = "altitude_m", elevationDeg = "elevation_deg", elevationQuantizedDeg = "elevation_quantized_deg"
            case groundDistanceM = "ground_distance_m", slantRangeM = "slant_range_m", slantRangeSource = "slant_range_source"
            case state, isLos = "is_los", seed, losProbability = "los_probability"
            case freeSpaceLossDb = "free_space_loss_db", atmosphericLossDb = "atmospheric_loss_db"
            case scintillationLossDb = "scintillation_loss_db", clutterLossDb = "clutter_loss_db", shadowingDb = "shadowing_db"
            case shadowingSigmaLosDb = "shadowing_sigma_los_db", shadowingSigmaNlosDb = "shadowing_sigma_nlos_db"
            case totalPathLossDb = "total_path_loss_db", pathLossLosDb = "path_loss_los_db"
            case pathLossNlosDb = "path_loss_nlos_db", pathLossExpectedDb = "path_loss_expected_db"
            case txPowerDbw = "tx_power_dbw", txGainDbi = "tx_gain_dbi", rxGainDbi = "rx_gain_dbi", eirpDbw = "eirp_dbw"
            case rxPowerDbw = "rx_power_dbw", systemTemperatureK = "system_temperature_k", gOverTDbPerK = "g_over_t_db_per_k"
            case noisePowerDbw = "noise_power_dbw", bandwidthHz = "bandwidth_hz", cn0DbHz = "cn0_dbhz", snrDb = "snr_db"
            case shannonCapacityBps = "shannon_capacity_bps", rolloff, symbolRateBaud = "symbol_rate_baud", esn0Db = "esn0_db"
            case modcod, modcodSpectralEfficiency = "modcod_spectral_efficiency", dvbs2xCapacityBps = "dvbs2x_capacity_bps"
        }
    }

    static func json(_ res: Result) throws -> String {
        let r = res.request, s = res.state, b = res.budget
        let tr = r.platform == .satellite || r.platform == .haps
        let report = JSONReport(
            provider: r.provider, model: res.model, scenario: r.environment.rawValue, platform: r.platform.rawValue,
            frequencyHz: r.frequencyHz, band: tr ? TR38811.Band(frequencyHz: r.frequencyHz).rawValue : nil,
            altitudeM: r.altitudeMeters, elevationDeg: r.elevationDeg,
            elevationQuantizedDeg: tr ? TR38811.quantizedElevationDeg(r.elevationDeg) : nil,
            groundDistanceM: r.groundDistanceMeters, slantRangeM: r.slantRangeMeters, slantRangeSource: r.slantRangeSource,
            state: r.condition, isLos: s.isLOS, seed: r.condition == "sampled" ? r.seed : nil,
            losProbability: s.losProbability,
            freeSpaceLossDb: s.freeSpaceLossDb, atmosphericLossDb: s.atmosphericLossDb,
            scintillationLossDb: s.scintillationLossDb, clutterLossDb: s.clutterLossDb, shadowingDb: s.shadowingDb,
            shadowingSigmaLosDb: res.sigmaLosDb, shadowingSigmaNlosDb: res.sigmaNlosDb,
            totalPathLossDb: s.totalPathLossDb, pathLossLosDb: res.los.totalPathLossDb,
            pathLossNlosDb: res.nlos.totalPathLossDb, pathLossExpectedDb: res.expected.totalPathLossDb,
            txPowerDbw: b?.txPowerDbw, txGainDbi: b?.txGainDbi, rxGainDbi: b?.rxGainDbi, eirpDbw: b?.eirpDbw,
            rxPowerDbw: b?.rxPowerDbw, systemTemperatureK: b?.systemTemperatureK, gOverTDbPerK: b?.gOverTDbPerK,
            noisePowerDbw: b?.noisePowerDbw, bandwidthHz: b?.bandwidthHz, cn0DbHz: b?.cn0DbHz, snrDb: b?.snrDb,
            shannonCapacityBps: b?.shannonCapacityBps, rolloff: b?.rolloff, symbolRateBaud: b?.symbolRateBaud,
            esn0Db: b?.esN0Db, modcod: b?.modcod?.name, modcodSpectralEfficiency: b?.modcod?.spectralEfficiency,
            dvbs2xCapacityBps: b?.dvbs2xCapacityBps)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}
