import Foundation
import Learn
import Links
import SimCore

/// The `gan` and `vae` channel providers: a conditional generative model (``ConditionalWGAN`` or
/// ``ConditionalVAE``) that samples a link's channel state given its geometry.
///
/// The model's variables are fixed (what `sagin train --model gan|vae` writes):
///
/// | | columns |
/// |---|---|
/// | generated (``targetColumns``) | `excess_loss_db` (clutter + shadowing + fading), `los` (0/1, generated as a number), `k_factor_db`, `log10_rms_delay_spread_s` |
/// | condition (``conditionColumns``) | `elevation_deg`, `frequency_ghz`, and with scene context (``contextColumns``) `built_up_fraction`, `mean_building_height_m` |
///
/// A model trained with scene context (`sagin train --scene-context`) takes the receiver's
/// surroundings from `context` when one is given (e.g. from an `UrbanScene`), and otherwise
/// conditions on the training data's mean context (a typical receiver of the training city).
///
/// For a link it draws ``samples`` states from a stream keyed by the provider seed, the link's end
/// positions and the instant (the same link at the same instant gets the same answer), and returns
/// free-space, atmospheric and scintillation losses from TR 38.811 (as the empirical provider) plus
/// the **mean** of the samples: clutter loss = mean excess loss, LOS probability = share of samples
/// with `los` ≥ 0.5, K-factor = mean, delay spread = mean of 10^log10 DS; `isLOS` is the first
/// sample's state (a sampled state). ``sampledState(_:at:)`` returns the first sample alone.
public final class GenerativeChannelProvider: ChannelProvider, @unchecked Sendable {
    public static let targetColumns = ["excess_loss_db", "los", "k_factor_db", "log10_rms_delay_spread_s"]
    public static let conditionColumns = ["elevation_deg", "frequency_ghz"]
    public static let contextColumns = ["built_up_fraction", "mean_building_height_m"]
    /// Built-up fraction and mean building height (m) around a link's receiver, or nil when unknown.
    public typealias ContextSource = @Sendable (LinkGeometry) -> SIMD2<Double>?

    public enum Kind: String, Sendable { case gan, vae }

    public let kind: Kind
    public var name: String { kind.rawValue }
    public let seed: UInt64
    /// Samples averaged per estimate.
    public let samples: Int
    /// The model conditions on the receiver's scene context too.
    public let usesSceneContext: Bool
    /// Where the scene context comes from (nil: the training data's mean context).
    public let context: ContextSource?
    private let meanContext: SIMD2<Double>
    /// Carrier frequencies (GHz) the model answers for: the training mean ± 6 standard deviations
    /// ± 0.5 GHz (the training data's 2 and 3.5 GHz user links give about 0.2–4.2 GHz); outside it the provider answers like `empirical` (a model does not extrapolate in
    /// frequency: a user-link model says nothing about a 20 GHz feeder link).
    public let frequencyRangeGHz: ClosedRange<Double>
    private let sampler: (Tensor, RNGStream) throws -> Tensor
    private let lock = NSLock()

    /// A provider over a trained model; `samples` draws per estimate.
    public init(gan: ConditionalWGAN, seed: UInt64, samples: Int = 8, context: ContextSource? = nil) throws {
        usesSceneContext = try Self.check(data: gan.dataDimension, condition: gan.conditionDimension, kind: .gan)
        kind = .gan
        self.seed = seed
        self.samples = max(1, samples)
        self.context = context
        meanContext = Self.meanContext(gan.conditionStandardizer)
        frequencyRangeGHz = Self.frequencyRange(gan.conditionStandardizer)
        sampler = { try gan.sample(conditions: $0, rng: $1) }
    }

    public init(vae: ConditionalVAE, seed: UInt64, samples: Int = 8, context: ContextSource? = nil) throws {
        usesSceneContext = try Self.check(data: vae.dataDimension, condition: vae.conditionDimension, kind: .vae)
        kind = .vae
        self.seed = seed
        self.samples = max(1, samples)
        self.context = context
        meanContext = Self.meanContext(vae.conditionStandardizer)
        frequencyRangeGHz = Self.frequencyRange(vae.conditionStandardizer)
        sampler = { try vae.sample(conditions: $0, rng: $1, addNoise: true) }
    }

    /// Reads a `sagin train --model gan|vae` file.
    public static func load(kind: Kind, path: String, seed: UInt64, samples: Int = 8,
                            context: ContextSource? = nil) throws -> GenerativeChannelProvider {
        switch kind {
        case .gan:
            return try GenerativeChannelProvider(gan: try ConditionalWGAN.load(from: path), seed: seed, samples: samples, context: context)
        case .vae:
            return try GenerativeChannelProvider(vae: try ConditionalVAE.load(from: path), seed: seed, samples: samples, context: context)
        }
    }

    static func frequencyRange(_ s: ColumnStandardizer) -> ClosedRange<Double> {
        let m = Double(s.mean.values[1]), sd = Double(s.std.values[1])
        return (m - 6 * sd - 0.5) ... (m + 6 * sd + 0.5)
    }

    /// Whether the model answers for this link (its carrier within ``frequencyRangeGHz``).
    public func covers(_ geometry: LinkGeometry) -> Bool { frequencyRangeGHz.contains(geometry.frequencyHz / 1e9) }

    static func meanContext(_ s: ColumnStandardizer) -> SIMD2<Double> {
        s.dimension == 4 ? SIMD2(Double(s.mean.values[2]), Double(s.mean.values[3])) : .zero
    }

    /// Whether the model takes scene context; throws when its shape fits neither layout.
    static func check(data: Int, condition: Int, kind: Kind) throws -> Bool {
        let plain = conditionColumns.count, withContext = conditionColumns.count + contextColumns.count
        guard data == targetColumns.count, condition == plain || condition == withContext else {
            throw ChannelProviderError.incompatibleModel(
                name: kind.rawValue,
                reason: "expected \(targetColumns.count) generated variables (\(targetColumns.joined(separator: ", "))) and \(plain) conditions (\(conditionColumns.joined(separator: ", "))) or \(withContext) with \(contextColumns.joined(separator: ", ")), found \(data) and \(condition)")
        }
        return condition == withContext
    }

    /// The raw generated rows [samples, 4] for a link at an instant.
    public func draw(_ geometry: LinkGeometry, at time: SimTime) -> [[Double]] {
        let key = EmpiricalChannelProvider.linkKey(geometry)
        let rng = RNGStream(key: [UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32),
                                  UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32),
                                  UInt32(truncatingIfNeeded: UInt64(bitPattern: time.nanoseconds)),
                                  UInt32(truncatingIfNeeded: UInt64(bitPattern: time.nanoseconds) >> 32)],
                            name: "channel/\(kind.rawValue)")
        var row = [Float(geometry.elevationDeg), Float(geometry.frequencyHz / 1e9)]
        if usesSceneContext {
            let s = context?(geometry) ?? meanContext
            row += [Float(s.x), Float(s.y)]
        }
        var c: [Float] = []
        for _ in 0 ..< samples { c += row }
        lock.lock()
        defer { lock.unlock() }
        guard let out = try? sampler(Tensor(shape: [samples, row.count], values: c), rng) else { return [] }
        return (0 ..< samples).map { i in (0 ..< 4).map { Double(out.values[i * 4 + $0]) } }
    }

    public func estimate(_ geometry: LinkGeometry, at time: SimTime) -> ChannelState {
        guard covers(geometry) else { return EmpiricalChannelProvider.state(geometry, condition: .expected) }
        let rows = draw(geometry, at: time)
        var state = EmpiricalChannelProvider.state(geometry, condition: .los)
        guard !rows.isEmpty else { return EmpiricalChannelProvider.state(geometry, condition: .expected) }
        let n = Double(rows.count)
        state.clutterLossDb = rows.reduce(0) { $0 + $1[0] } / n
        state.losProbability = Double(rows.filter { $0[1] >= 0.5 }.count) / n
        state.isLOS = rows[0][1] >= 0.5
        state.kFactorDb = rows.reduce(0) { $0 + $1[2] } / n
        state.delaySpreadSeconds = rows.reduce(0) { $0 + Foundation.pow(10, $1[3]) } / n
        return state
    }

    /// The first sample as a state (its excess loss, LOS state, K and delay spread).
    public func sampledState(_ geometry: LinkGeometry, at time: SimTime) -> ChannelState {
        guard covers(geometry) else { return EmpiricalChannelProvider.state(geometry, condition: .expected) }
        var state = EmpiricalChannelProvider.state(geometry, condition: .los)
        guard let row = draw(geometry, at: time).first else { return EmpiricalChannelProvider.state(geometry, condition: .expected) }
        state.clutterLossDb = row[0]
        state.isLOS = row[1] >= 0.5
        state.losProbability = state.isLOS! ? 1 : 0
        state.kFactorDb = row[2]
        state.delaySpreadSeconds = Foundation.pow(10, row[3])
        return state
    }
}
