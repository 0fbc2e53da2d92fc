import Foundation
import Links
import SimCore

/// How a receiver measures a link: the link budget it sees, the sounding it does and the size of
/// its measurement errors.
///
/// Noise (all zero-mean Gaussian, drawn from the features' own stream):
///
/// | feature | noise |
/// |---|---|
/// | received power, SNR | ``powerNoiseDb`` (1 dB) on the received power; SNR uses the noisy power |
/// | excess delay, RMS delay spread | relative, ``delayNoiseFraction`` (5 %) |
/// | K-factor | none added: the moment estimator's own error over ``snapshots`` snapshots |
/// | elevation, azimuth | ``angleNoiseDeg`` (0.1°) |
/// | built-up fraction | ``builtUpNoise`` (0.02 absolute, clamped to 0…1) |
/// | mean building height | relative, ``heightNoiseFraction`` (5 %, floored at 0) |
/// | PDP bins | per bin, ``pdpNoiseDb`` (1 dB) on the bin's power before it is scaled to the strongest bin |
///
/// The PDP noise is drawn after every other feature's, so the other features of a link do not
/// depend on the PDP knobs.
public struct FeatureMeasurement: Sendable, Hashable {
    /// EIRP of the transmitter, dBW.
    public var eirpDbw: Double = 0
    /// Receive antenna gain, dBi.
    public var rxGainDbi: Double = 0
    /// Noise power in the measurement bandwidth, dBW (default ≈ kTB at 290 K, 20 MHz).
    public var noisePowerDbw: Double = -130.97
    /// Measurement bandwidth, Hz: taps closer than 1/B are not resolved.
    public var bandwidthHz: Double = 20e6
    /// Taps weaker than the strongest by more than this are ignored (excess delay, paths), dB.
    public var thresholdDb: Double = 25
    /// Small-scale snapshots per measurement: the truth's realisation plus independent redraws of
    /// the same profile (movement over a few wavelengths); the PDP is their average and the
    /// K-factor is estimated from their narrowband gains.
    public var snapshots: Int = 16
    /// σ of received-power noise, dB.
    public var powerNoiseDb: Double = 1
    /// Relative σ of delay noise.
    public var delayNoiseFraction: Double = 0.05
    /// σ of angle noise, degrees.
    public var angleNoiseDeg: Double = 0.1
    /// σ of built-up-fraction noise (absolute).
    public var builtUpNoise: Double = 0.02
    /// Relative σ of mean-height noise.
    public var heightNoiseFraction: Double = 0.05
    /// Radius of the scene context disc, metres.
    public var contextRadiusMeters: Double = 50
    /// Floor of the reported K-factor, dB (an estimate of K = 0 is reported as this).
    public var kFactorFloorDb: Double = -20
    /// Bins of the reported power delay profile (``LinkFeatures/pdpBinsDb``), each 1/bandwidth wide
    /// (50 ns at 20 MHz), the first starting at the first arrival.
    public var pdpBins: Int = 16
    /// Floor of the reported PDP bins relative to the strongest bin, dB (empty bins report this).
    public var pdpFloorDb: Double = -40
    /// σ of the per-bin PDP power noise, dB (log-normal: estimating each bin's mean power from a
    /// finite sounding).
    public var pdpNoiseDb: Double = 1

    public init() {}

    /// The same measurement with every noise knob (power, delays, angles, built-up fraction, building
    /// height, PDP bins) multiplied by `factor` — a harder or an easier dataset.
    public func scalingNoise(by factor: Double) -> FeatureMeasurement {
        var m = self
        m.powerNoiseDb *= factor
        m.delayNoiseFraction *= factor
        m.angleNoiseDeg *= factor
        m.builtUpNoise *= factor
        m.heightNoiseFraction *= factor
        m.pdpNoiseDb *= factor
        return m
    }

}

/// Observable features of one link at one instant, as a receiver would measure them, plus the two
/// truth labels a classifier or regressor learns (`los`, `pathLossDb`).
///
/// The features come from the truth's realisation (received power with fading, the measured power
/// delay profile, K estimated from snapshots), not from the label, so LOS/NLOS is learnable but not
/// given away: a LOS link in a deep fade or an NLOS link with a strong first tap look alike.
///
/// ```swift
/// let f = LinkFeatures.measure(truth: truth, geometry, receiverENU: user, link: key, at: now)
/// print(LinkFeatures.csvHeader)
/// print(f.csvRow)
/// ```
public struct LinkFeatures: Sendable, Hashable {
    /// Received power EIRP + G_rx − path loss (with fading) + noise, dBW.
    public var receivedPowerDbw: Double
    /// Received power over noise power, dB.
    public var snrDb: Double
    /// Delay of the last tap within ``FeatureMeasurement/thresholdDb`` of the strongest, relative to
    /// the first tap, seconds.
    public var excessDelaySeconds: Double
    /// RMS delay spread of the measured (snapshot-averaged) power delay profile, seconds.
    public var rmsDelaySpreadSeconds: Double
    /// Moment-based estimate of the Rician K-factor from the snapshots' narrowband gains, dB.
    public var kFactorDb: Double
    /// Taps above threshold separated by at least 1/bandwidth.
    public var resolvablePaths: Int
    /// Elevation of the upper end, degrees.
    public var elevationDeg: Double
    /// Azimuth of the upper end, degrees clockwise from north.
    public var azimuthDeg: Double
    /// Built-up fraction around the receiver, 0…1.
    public var builtUpFraction: Double
    /// Mean building height around the receiver, metres.
    public var meanBuildingHeightMeters: Double
    /// The snapshot-averaged power delay profile on a fixed delay grid: ``FeatureMeasurement/pdpBins``
    /// bins of width 1/bandwidth from the first arrival, each 10·log10 of its summed tap power over
    /// the strongest bin's (so the strongest is 0 dB), with per-bin noise, floored at
    /// ``FeatureMeasurement/pdpFloorDb``. See ``binnedPDP(delays:powers:binWidthSeconds:bins:floorDb:noiseDb:)``.
    public var pdpBinsDb: [Double]
    /// Label: the link is line of sight.
    public var los: Bool
    /// Label: the true total path loss, dB (``ChannelState/totalPathLossDb``).
    public var pathLossDb: Double
    /// Label: the true loss beyond free space, atmosphere and scintillation — clutter + shadowing +
    /// small-scale fading, dB (what the generative channel models learn).
    public var excessLossDb: Double

    public init(receivedPowerDbw: Double, snrDb: Double, excessDelaySeconds: Double, rmsDelaySpreadSeconds: Double,
                kFactorDb: Double, resolvablePaths: Int, elevationDeg: Double, azimuthDeg: Double,
                builtUpFraction: Double, meanBuildingHeightMeters: Double, pdpBinsDb: [Double], los: Bool,
                pathLossDb: Double, excessLossDb: Double = 0) {
        self.receivedPowerDbw = receivedPowerDbw
        self.snrDb = snrDb
        self.excessDelaySeconds = excessDelaySeconds
        self.rmsDelaySpreadSeconds = rmsDelaySpreadSeconds
        self.kFactorDb = kFactorDb
        self.resolvablePaths = resolvablePaths
        self.elevationDeg = elevationDeg
        self.azimuthDeg = azimuthDeg
        self.builtUpFraction = builtUpFraction
        self.meanBuildingHeightMeters = meanBuildingHeightMeters
        self.pdpBinsDb = pdpBinsDb
        self.los = los
        self.pathLossDb = pathLossDb
        self.excessLossDb = excessLossDb
    }

    /// Column names with the default ``FeatureMeasurement/pdpBins`` (16), SI units in the suffixes:
    /// the ten scalar features, `pdp_00_db` … `pdp_15_db`, then the labels ``labelColumns``.
    public static let csvColumns: [String] = csvColumns(pdpBins: FeatureMeasurement().pdpBins)

    /// Column names for features measured with `pdpBins` PDP bins (`pdp_<index>_db`, the index
    /// zero-padded to two digits); the last three are the labels.
    public static func csvColumns(pdpBins: Int) -> [String] {
        ["rx_power_dbw", "snr_db", "excess_delay_s", "rms_delay_spread_s", "k_factor_db", "resolvable_paths",
         "elevation_deg", "azimuth_deg", "built_up_fraction", "mean_building_height_m"]
            + (0 ..< max(pdpBins, 0)).map(pdpColumnName)
            + labelColumns
    }

    /// The truth's columns (labels), last in every row: `los`, `path_loss_db`, `excess_loss_db`.
    public static let labelColumns = ["los", "path_loss_db", "excess_loss_db"]

    /// `pdp_00_db`, `pdp_01_db`, … for bin `index`.
    public static func pdpColumnName(_ index: Int) -> String {
        let digits = String(index)
        return "pdp_" + String(repeating: "0", count: max(0, 2 - digits.count)) + digits + "_db"
    }

    /// Every column's value as a number, in ``csvColumns(pdpBins:)`` order (LOS as 0/1).
    public var values: [Double] {
        [receivedPowerDbw, snrDb, excessDelaySeconds, rmsDelaySpreadSeconds, kFactorDb, Double(resolvablePaths),
         elevationDeg, azimuthDeg, builtUpFraction, meanBuildingHeightMeters]
            + pdpBinsDb + [los ? 1 : 0, pathLossDb, excessLossDb]
    }

    /// The header row (no newline) for the default 16 PDP bins; ``csvColumns(pdpBins:)`` for others.
    public static var csvHeader: String { csvColumns.joined(separator: ",") }
    /// One row in ``csvColumns(pdpBins:)`` order for this row's `pdpBinsDb.count` (no newline);
    /// numbers in Swift's shortest round-trip form.
    public var csvRow: String {
        let values: [String] = [
            "\(receivedPowerDbw)", "\(snrDb)", "\(excessDelaySeconds)", "\(rmsDelaySpreadSeconds)", "\(kFactorDb)",
            "\(resolvablePaths)", "\(elevationDeg)", "\(azimuthDeg)", "\(builtUpFraction)",
            "\(meanBuildingHeightMeters)",
        ] + pdpBinsDb.map { "\($0)" } + [los ? "1" : "0", "\(pathLossDb)", "\(excessLossDb)"]
        return values.joined(separator: ",")
    }

    /// Features of `link` at `time`: draws the truth sample, asks the scene for the receiver's
    /// context and measures with noise from stream "features/<upper>|<lower>/<t ns>" of the truth's seed.
    public static func measure(truth: GroundTruth, _ geometry: LinkGeometry, receiverENU: SIMD3<Double>,
                               upperENU: SIMD3<Double>? = nil, link: LinkKey, at time: SimTime,
                               measurement: FeatureMeasurement = FeatureMeasurement()) -> LinkFeatures {
        let sample = truth.sample(geometry, receiverENU: receiverENU, upperENU: upperENU, link: link, at: time)
        let context = truth.scene.context(at: SIMD2(receiverENU.x, receiverENU.y),
                                          radiusMeters: measurement.contextRadiusMeters)
        let stream = RandomStreams(seed: truth.seed).stream("features/\(link)/\(time.nanoseconds)")
        return measure(sample: sample, geometry: geometry, context: context, measurement: measurement, stream: stream)
    }

    /// Features of a truth sample, with measurement noise and extra snapshots drawn from `stream`.
    public static func measure(sample: TruthSample, geometry: LinkGeometry, context: SceneContext,
                               measurement m: FeatureMeasurement, stream: RNGStream) -> LinkFeatures {
        let state = sample.state
        let r0 = sample.realisation
        var gains = [r0.narrowbandPowerGain]
        var pdp = r0.powers
        for _ in 1..<max(m.snapshots, 1) {
            let r = TDLRealisation.draw(profile: sample.profile, delaySpreadSeconds: state.delaySpreadSeconds ?? 0,
                                        stream: stream)
            gains.append(r.narrowbandPowerGain)
            for (i, p) in r.powers.enumerated() { pdp[i] += p }
        }
        let n = Double(gains.count)
        pdp = pdp.map { $0 / n }
        let delays = r0.delaysSeconds
        let rx = m.eirpDbw + m.rxGainDbi - state.totalPathLossDb + stream.normal(standardDeviation: m.powerNoiseDb)
        let excess = excessDelay(delays: delays, powers: pdp, thresholdDb: m.thresholdDb)
        let rms = TDLProfile.rmsDelaySpread(delays: delays, powers: pdp)
        let k = estimateKFactor(powerGains: gains)
        let kDb = k > 0 ? max(10 * log10(k), m.kFactorFloorDb) : m.kFactorFloorDb
        let paths = resolvablePaths(delays: delays, powers: pdp, thresholdDb: m.thresholdDb,
                                    resolutionSeconds: 1 / m.bandwidthHz)
        // Evaluated in this order (the stream's draw order): every scalar feature, then the PDP.
        let excessNoisy = max(0, excess * (1 + stream.normal(standardDeviation: m.delayNoiseFraction)))
        let rmsNoisy = max(0, rms * (1 + stream.normal(standardDeviation: m.delayNoiseFraction)))
        let elevation = geometry.elevationDeg + stream.normal(standardDeviation: m.angleNoiseDeg)
        let azimuth = geometry.azimuthDeg + stream.normal(standardDeviation: m.angleNoiseDeg)
        let builtUp = min(1, max(0, context.builtUpFraction + stream.normal(standardDeviation: m.builtUpNoise)))
        let height = max(0, context.meanHeightMeters * (1 + stream.normal(standardDeviation: m.heightNoiseFraction)))
        let bins = max(m.pdpBins, 0)
        let pdpNoise = (0 ..< bins).map { _ in stream.normal(standardDeviation: m.pdpNoiseDb) }
        let pdpDb = binnedPDP(delays: delays, powers: pdp, binWidthSeconds: 1 / m.bandwidthHz, bins: bins,
                              floorDb: m.pdpFloorDb, noiseDb: pdpNoise)
        return LinkFeatures(
            receivedPowerDbw: rx,
            snrDb: rx - m.noisePowerDbw,
            excessDelaySeconds: excessNoisy,
            rmsDelaySpreadSeconds: rmsNoisy,
            kFactorDb: kDb,
            resolvablePaths: paths,
            elevationDeg: elevation,
            azimuthDeg: azimuth,
            builtUpFraction: builtUp,
            meanBuildingHeightMeters: height,
            pdpBinsDb: pdpDb,
            los: state.isLOS ?? false,
            pathLossDb: state.totalPathLossDb,
            excessLossDb: state.clutterLossDb + state.shadowingDb + state.fadingDb)
    }

    /// A power delay profile on a fixed delay grid, in dB relative to its strongest bin.
    ///
    /// Bin b covers delays [τ₀ + b·w, τ₀ + (b + 1)·w) with τ₀ the first (smallest) delay and w =
    /// `binWidthSeconds`; a bin's power is the sum of the tap powers in it, times 10^(nᵦ/10) with
    /// nᵦ = `noiseDb[b]` when given (empty bins stay empty). Taps at or beyond τ₀ + bins·w are left
    /// out. Each value is 10·log10(P_b / max P), at least `floorDb`: the strongest bin is exactly
    /// 0 dB, an empty bin is `floorDb`; no power at all gives `floorDb` everywhere.
    ///
    /// Delays 0 and 120 ns with powers 1 and 0.1 on 50 ns bins: [0, −40, −10, −40, …] (floor −40).
    public static func binnedPDP(delays: [Double], powers: [Double], binWidthSeconds: Double, bins: Int,
                                 floorDb: Double, noiseDb: [Double]? = nil) -> [Double] {
        precondition(delays.count == powers.count, "binnedPDP: delays and powers differ in length")
        precondition(binWidthSeconds > 0, "binnedPDP: the bin width must be positive")
        precondition(noiseDb == nil || noiseDb!.count == bins, "binnedPDP: one noise value per bin")
        guard bins > 0 else { return [] }
        var power = [Double](repeating: 0, count: bins)
        if let first = delays.min() {
            for (t, p) in zip(delays, powers) where p > 0 {
                let b = Int(((t - first) / binWidthSeconds).rounded(.down))
                if b >= 0 && b < bins { power[b] += p }
            }
        }
        if let noiseDb {
            for b in 0 ..< bins where power[b] > 0 { power[b] *= pow(10, noiseDb[b] / 10) }
        }
        guard let peak = power.max(), peak > 0 else { return [Double](repeating: floorDb, count: bins) }
        return power.map { $0 > 0 ? max(floorDb, 10 * log10($0 / peak)) : floorDb }
    }

    /// Moment-based Rician K estimate (Greenstein, Michelson, Erceg, IEEE Commun. Lett. 1999) from
    /// power gains G: with Ga = mean G and Gv = variance of G (1/n), K = √(Ga² − Gv)/(Ga − √(Ga² − Gv));
    /// 0 when Gv ≥ Ga² (Rayleigh or more severe). Linear.
    public static func estimateKFactor(powerGains g: [Double]) -> Double {
        guard g.count > 1 else { return 0 }
        let n = Double(g.count)
        let mean = g.reduce(0, +) / n
        let variance = g.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let d = mean * mean - variance
        guard d > 0 else { return 0 }
        let root = d.squareRoot()
        return root / (mean - root)
    }

    /// Delay of the last tap within `thresholdDb` of the strongest, minus the first delay, seconds.
    public static func excessDelay(delays: [Double], powers: [Double], thresholdDb: Double) -> Double {
        guard let peak = powers.max(), peak > 0, let first = delays.min() else { return 0 }
        let floor = peak * pow(10, -thresholdDb / 10)
        let last = zip(delays, powers).filter { $0.1 >= floor }.map(\.0).max() ?? first
        return last - first
    }

    /// Taps within `thresholdDb` of the strongest, counted in delay order, each at least
    /// `resolutionSeconds` after the last counted one.
    public static func resolvablePaths(delays: [Double], powers: [Double], thresholdDb: Double,
                                       resolutionSeconds: Double) -> Int {
        guard let peak = powers.max(), peak > 0 else { return 0 }
        let floor = peak * pow(10, -thresholdDb / 10)
        let above = zip(delays, powers).filter { $0.1 >= floor }.map(\.0).sorted()
        var count = 0
        var last = -Double.infinity
        for t in above where t - last >= resolutionSeconds {
            count += 1
            last = t
        }
        return count
    }
}
