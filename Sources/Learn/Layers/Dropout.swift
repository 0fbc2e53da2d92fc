import Foundation
import SimCore

/// Inverted dropout: while training, each element is zeroed with probability `rate` and the
/// survivors are scaled by 1/(1 − rate), so the expected output equals the input and inference
/// needs no rescaling. Masks are drawn from `rng` (one uniform per element, dropped when
/// `u < rate`), so the same seed gives the same masks. The identity when `training` is false.
/// Backward multiplies by the same mask (0 or 1/(1 − rate)).
public final class Dropout: Layer {
    public let rate: Float
    public let rng: RNGStream
    /// The last training mask: 0 or 1/(1 − rate) per element (empty after an inference forward).
    public private(set) var mask: [Float] = []

    public init(rate: Float, rng: RNGStream) {
        precondition(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1)")
        self.rate = rate
        self.rng = rng
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        guard training, rate > 0 else { mask = []; return x }
        let scale = 1 / (1 - rate)
        let p = Double(rate)
        mask = (0 ..< x.count).map { _ in rng.uniform() < p ? 0 : scale }
        return x.zipMap(Tensor(shape: x.shape, values: mask), *)
    }

    public func backward(_ g: Tensor) -> Tensor {
        guard !mask.isEmpty else { return g }
        precondition(g.count == mask.count, "Dropout.backward: gradient shape \(g.shape)")
        return g.zipMap(Tensor(shape: g.shape, values: mask), *)
    }
}
