import Foundation
import Testing
@testable import SaginCLI

/// `sagin channel`, run as the built executable, against ns-3 3.44 (urban, ground node and a 600 km
/// satellite at true elevation 30°, shadowing off): 2 GHz LOS 161.30 / NLOS 190.30 dB, 20 GHz LOS 179.90 /
/// NLOS 217.40 dB; and hand-computed link budgets.
@Suite("sagin channel")
struct ChannelCommandTests {
    static let base = ["channel", "--provider", "empirical", "--scenario", "urban", "--elevation", "30", "--altitude", "600km"]

    /// Runs `sagin channel … --json` and decodes the object.
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try runSagin(arguments + ["--json"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(object as? [String: Any], "\(r.stdout)")
    }

    static func number(_ o: [String: Any], _ key: String) throws -> Double {
        try #require((o[key] as? NSNumber)?.doubleValue, "missing \(key) in \(o)")
    }

    /// The line of the text table that starts with `label`.
    static func line(_ text: String, _ label: String) -> String {
        text.split(separator: "\n").map(String.init).first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) } ?? ""
    }

    @Test("text: the ns-3 per-state losses, the geometry and each part", arguments: [
        ("2GHz", "161.30", "190.30"), ("20GHz", "179.90", "217.40"),
    ])
    func textMatchesNs3(frequency: String, los: String, nlos: String) throws {
        let r = try runSagin(Self.base + ["--frequency", frequency])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let out = r.stdout
        #expect(Self.line(out, "per state").contains("LOS \(los) dB, NLOS \(nlos) dB"), "\(out)")
        #expect(Self.line(out, "slant range").contains("1075.088 km"), "\(out)")
        #expect(Self.line(out, "slant range").contains("eq. 6.6-3"))
        #expect(Self.line(out, "LOS probability").contains("0.4930"))
        #expect(Self.line(out, "state").contains("expected"))
        for label in ["free-space loss", "atmospheric", "scintillation", "clutter", "shadowing", "total path loss"] {
            #expect(!Self.line(out, label).isEmpty, "no \(label) line in \(out)")
        }
        for (state, value) in [("los", los), ("nlos", nlos)] {
            let s = try runSagin(Self.base + ["--frequency", frequency, "--state", state])
            #expect(s.status == 0)
            #expect(Self.line(s.stdout, "total path loss").contains("\(value) dB"), "\(s.stdout)")
        }
    }

    @Test("--json: one object, sorted keys, ns-3 numbers to 0.01 dB")
    func jsonMatchesNs3() throws {
        for (f, los, nlos) in [("2GHz", 161.30, 190.30), ("20GHz", 179.90, 217.40)] {
            let r = try runSagin(Self.base + ["--frequency", f, "--state", "los", "--json"])
            #expect(r.status == 0)
            // Keys appear in sorted order.
            let keys = r.stdout.split(separator: "\n").compactMap { line -> String? in
                guard let q = line.firstIndex(of: "\""), let e = line[line.index(after: q)...].firstIndex(of: "\"") else { return nil }
                return String(line[line.index(after: q) ..< e])
            }
            #expect(keys == keys.sorted() && keys.count > 20, "\(keys)")
            let o = try Self.json(Self.base + ["--frequency", f, "--state", "los"])
            #expect(abs(try Self.number(o, "total_path_loss_db") - los) < 0.01)
            #expect(abs(try Self.number(o, "path_loss_los_db") - los) < 0.01)
            #expect(abs(try Self.number(o, "path_loss_nlos_db") - nlos) < 0.01)
            #expect(abs(try Self.number(o, "slant_range_m") - 1_075_088.017) < 0.01)
            #expect(try Self.number(o, "los_probability") == 0.493)
            #expect(o["is_los"] as? Bool == true && o["state"] as? String == "los" && o["model"] as? String == "TR 38.811")
            #expect(try Self.number(o, "elevation_quantized_deg") == 30)
        }
        // Per-part values at 20 GHz NLOS: gaseous 0.25/sin 30° = 0.5, tropospheric 0.30, CL 37.5, σ 4 / 6.
        let o = try Self.json(Self.base + ["--frequency", "20GHz", "--state", "nlos"])
        #expect(abs(try Self.number(o, "atmospheric_loss_db") - 0.5) < 1e-12)
        #expect(try Self.number(o, "scintillation_loss_db") == 0.3)
        #expect(try Self.number(o, "clutter_loss_db") == 37.5)
        #expect(try Self.number(o, "shadowing_sigma_los_db") == 4 && Self.number(o, "shadowing_sigma_nlos_db") == 6)
        #expect(o["band"] as? String == "Ka")
        // Expected state: FSPL + scint + 0.507·29.0 = 175.999365648 dB at 2 GHz.
        let e = try Self.json(Self.base + ["--frequency", "2GHz"])
        #expect(abs(try Self.number(e, "total_path_loss_db") - 175.999365648325) < 1e-6)
        #expect(e["is_los"] == nil && e["eirp_dbw"] == nil)
    }

    @Test("units: 2GHz = 2e9 = 2000MHz, 600km = 600000m; --distance overrides eq. 6.6-3")
    func units() throws {
        let a = try Self.json(["channel", "--scenario", "urban", "--frequency", "2GHz", "--elevation", "30", "--altitude", "600km"])
        let b = try Self.json(["channel", "--scenario", "urban", "--frequency", "2e9", "--elevation", "30", "--altitude", "600000m"])
        let c = try Self.json(["channel", "--scenario", "urban", "--frequency", "2000MHz", "--elevation", "30", "--altitude", "600000"])
        for o in [b, c] {
            #expect(try Self.number(o, "total_path_loss_db") == Self.number(a, "total_path_loss_db"))
            #expect(try Self.number(o, "frequency_hz") == 2e9 && Self.number(o, "altitude_m") == 600e3)
        }
        let d = try Self.json(["channel", "--frequency", "2 GHz", "--elevation", "30", "--distance", "1075.088017km"])
        #expect(abs(try Self.number(d, "slant_range_m") - 1_075_088.017) < 1e-6)
        #expect(abs(try Self.number(d, "free_space_loss_db") - Self.number(a, "free_space_loss_db")) < 1e-6)
        #expect(d["slant_range_source"] as? String == "--distance")
        #expect(ChannelCalculator.parse("20MHz", units: ChannelCalculator.frequencyUnits) == 20e6)
        #expect(ChannelCalculator.parse("1.5 khz", units: ChannelCalculator.frequencyUnits) == 1500)
        #expect(ChannelCalculator.parse("12.5km", units: ChannelCalculator.lengthUnits) == 12_500)
        #expect(ChannelCalculator.parse("GHz", units: ChannelCalculator.frequencyUnits) == nil)
        #expect(ChannelCalculator.parse("2GHzz", units: ChannelCalculator.frequencyUnits) == nil)
    }

    /// P_tx 20 dBW + G_tx 30 dBi, G_rx 0, T = 290·10^0.7 = 1453.44 K (noise figure 7 dB, T_ant 290 K),
    /// B = 20 MHz, LOS: PL 161.296366 dB. By hand: EIRP 50 dBW; Prx = −111.296366 dBW;
    /// C/N0 = Prx + 228.599167 − 10·log10(1453.44) = 85.678835 dB-Hz; SNR = C/N0 − 73.010300 = 12.668535 dB;
    /// Shannon 20e6·log2(1 + 10^1.2668535) = 85.175 Mbit/s.
    @Test("link budget: EIRP, Prx, C/N0, SNR, Shannon, MODCOD")
    func linkBudget() throws {
        let o = try Self.json(Self.base + ["--frequency", "2GHz", "--state", "los", "--tx-power-dbw", "20", "--tx-gain-dbi", "30",
                                           "--bandwidth", "20MHz", "--noise-figure-db", "7"])
        let t = 290 * pow(10, 0.7)
        let pl = 161.296365648325
        let prx = 50 - pl
        let cn0 = prx + 228.5991671732177 - 10 * log10(t)
        let snr = cn0 - 10 * log10(20e6)
        #expect(try Self.number(o, "eirp_dbw") == 50)
        #expect(abs(try Self.number(o, "rx_power_dbw") - prx) < 1e-9)
        #expect(abs(try Self.number(o, "system_temperature_k") - t) < 1e-9)
        #expect(abs(try Self.number(o, "cn0_dbhz") - cn0) < 1e-9)
        #expect(abs(try Self.number(o, "cn0_dbhz") - 85.678822) < 1e-5)
        #expect(abs(try Self.number(o, "snr_db") - snr) < 1e-9)
        #expect(abs(try Self.number(o, "shannon_capacity_bps") - 20e6 * log2(1 + pow(10, snr / 10))) < 1e-3)
        #expect(abs(try Self.number(o, "shannon_capacity_bps") - 85_687_901.83) < 1)
        #expect(try Self.number(o, "bandwidth_hz") == 20e6)
        // Es/N0 = C/N0 − 10·log10(20e6/1.2) = 13.46 dB: a MODCOD exists and its rate is η·Rs.
        let esn0 = cn0 - 10 * log10(20e6 / 1.2)
        #expect(abs(try Self.number(o, "esn0_db") - esn0) < 1e-9)
        let eta = try Self.number(o, "modcod_spectral_efficiency")
        #expect(o["modcod"] is String)
        #expect(abs(try Self.number(o, "dvbs2x_capacity_bps") - eta * 20e6 / 1.2) < 1e-3)
        // The text names the same figures.
        let r = try runSagin(Self.base + ["--frequency", "2GHz", "--state", "los", "--tx-power-dbw", "20", "--tx-gain-dbi", "30",
                                          "--bandwidth", "20MHz", "--noise-temperature-k", "\(t)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.line(r.stdout, "EIRP").contains("50.00 dBW"))
        #expect(Self.line(r.stdout, "C/N0").contains("85.68 dB-Hz"), "\(r.stdout)")
        #expect(Self.line(r.stdout, "SNR").contains("12.67 dB"))
        #expect(!Self.line(r.stdout, "DVB-S2X MODCOD").isEmpty)
    }

    /// UAV: Al-Hourani. Urban, θ = 30°, h = 100 m → d = 200 m; P_LOS 0.730979, E[η] 6.111397 dB.
    /// High-rise with a ground distance: θ = atan(h/r).
    @Test("UAV platform: Al-Hourani geometry and losses")
    func uav() throws {
        let o = try Self.json(["channel", "--platform", "uav", "--scenario", "urban", "--frequency", "2GHz",
                               "--elevation", "30", "--altitude", "100m"])
        #expect(abs(try Self.number(o, "slant_range_m") - 200) < 1e-9)
        #expect(abs(try Self.number(o, "los_probability") - 0.730979) < 1e-6)
        #expect(abs(try Self.number(o, "clutter_loss_db") - 6.111397) < 1e-6)
        // FSPL(200 m, 2 GHz) = 98.468383 − 20·log10(5) = 84.488983 dB.
        #expect(abs(try Self.number(o, "free_space_loss_db") - 84.488983) < 1e-6)
        #expect(o["model"] as? String == "Al-Hourani 2014" && o["elevation_quantized_deg"] == nil)
        let h = try Self.json(["channel", "--platform", "uav", "--scenario", "high-rise", "--frequency", "2GHz",
                               "--altitude", "100m", "--ground-distance", "100m", "--state", "nlos"])
        #expect(abs(try Self.number(h, "elevation_deg") - 45) < 1e-9)
        #expect(abs(try Self.number(h, "slant_range_m") - 100 * 2.0.squareRoot()) < 1e-9)
        #expect(try Self.number(h, "clutter_loss_db") == 34)
    }

    @Test("sampled state: deterministic per seed")
    func sampled() throws {
        let args = Self.base + ["--frequency", "2GHz", "--state", "sampled", "--seed", "11"]
        let a = try runSagin(args), b = try runSagin(args)
        #expect(a.status == 0 && a.stdout == b.stdout)
        #expect(Self.line(a.stdout, "state").contains("sampled → ") && Self.line(a.stdout, "state").contains("seed 11"))
        let o = try Self.json(["channel", "--provider", "empirical-sampled", "--scenario", "urban", "--frequency", "2GHz",
                               "--elevation", "30", "--altitude", "600km", "--seed", "11"])
        #expect(o["state"] as? String == "sampled" && o["seed"] as? Int == 11 && o["is_los"] is Bool)
        let shadowing = try Self.number(o, "shadowing_db")
        let los = o["is_los"] as? Bool == true
        #expect(abs(try Self.number(o, "total_path_loss_db") - shadowing - (los ? 161.296365648325 : 190.296365648325)) < 1e-9)
    }

    @Test("bad values: an error naming the option and the value, non-zero exit", arguments: [
        (["--frequency", "2Ghzz", "--elevation", "30", "--altitude", "600km"], "--frequency", "2Ghzz"),
        (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600 miles"], "--altitude", "600 miles"),
        (["--frequency", "2GHz", "--elevation", "30", "--altitude=-5km"], "--altitude", "-5km"),
        (["--frequency", "2GHz", "--elevation", "95", "--altitude", "600km"], "--elevation", "95"),
        (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--scenario", "jungle"], "--scenario", "jungle"),
        (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--platform", "balloon"], "--platform", "balloon"),
        (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--state", "maybe"], "--state", "maybe"),
        (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--provider", "raytrace"], "--provider", "raytrace"),
        (["--frequency", "200GHz", "--elevation", "30", "--altitude", "600km"], "--frequency", "200GHz"),
        (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--tx-power-dbw", "10", "--bandwidth", "wide",
          "--noise-temperature-k", "290"], "--bandwidth", "wide"),
        (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--seed", "minus"], "--seed", "minus"),
    ])
    func badValues(arguments: [String], option: String, value: String) throws {
        let r = try runSagin(["channel"] + arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(option) && r.stderr.contains(value), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test("missing inputs are named")
    func missingInputs() throws {
        for (args, option) in [(["--frequency", "2GHz", "--altitude", "600km"], "--elevation"),
                               (["--frequency", "2GHz", "--elevation", "30"], "--altitude"),
                               (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--tx-power-dbw", "10"], "--bandwidth"),
                               (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--bandwidth", "20MHz"], "--tx-power-dbw"),
                               (["--frequency", "2GHz", "--elevation", "30", "--altitude", "600km", "--tx-power-dbw", "10",
                                 "--bandwidth", "20MHz"], "--noise-figure-db"),
                               (["--platform", "uav", "--frequency", "2GHz", "--altitude", "100m"], "--ground-distance")] {
            let r = try runSagin(["channel"] + args)
            #expect(r.status != 0 && r.stderr.contains(option), "\(args): \(r.stderr)")
        }
    }
}
