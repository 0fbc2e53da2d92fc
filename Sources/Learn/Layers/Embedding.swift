import Foundation
import SimCore

/// A lookup table of `count` learned vectors of `dimension` (`"weight"`, `[count, dimension]`,
/// initialised standard normal from `rng` as in PyTorch's `nn.Embedding`).
///
/// The input holds indices stored as Float (rounded to the nearest integer, must lie in
/// `0 ..< count`), shaped `[batch]` or `[batch, 1]`; the output is `[batch, dimension]`. Backward
/// adds each output row's gradient into the row of the index it came from (repeated indices
/// accumulate) and returns zeros for the input (indices are not differentiable).
public final class Embedding: Layer {
    public let count: Int
    public let dimension: Int
    public let weight: Parameter
    public var parameters: [Parameter] { [weight] }

    private var indices: [Int] = []
    private var inputShape: [Int] = [0]

    public init(count: Int, dimension: Int, name: String = "", rng: RNGStream) {
        precondition(count > 0 && dimension > 0, "Embedding: sizes must be positive")
        self.count = count
        self.dimension = dimension
        weight = Parameter(name: parameterName(name, "weight"),
                           value: Tensor(shape: [count, dimension],
                                         values: (0 ..< count * dimension).map { _ in Float(rng.normal()) }))
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        precondition(input.rank == 1 || (input.rank == 2 && input.shape[1] == 1),
                     "Embedding: input must be [batch] or [batch, 1], got \(input.shape)")
        inputShape = input.shape
        indices = input.values.map { v in
            let i = Int(v.rounded())
            precondition(i >= 0 && i < count, "Embedding: index \(v) outside 0..<\(count)")
            return i
        }
        let d = dimension
        var out = Tensor.uninitialized([indices.count, d])
        weight.value.values.withUnsafeBufferPointer { w in
            out.values.withUnsafeMutableBufferPointer { o in
                for (r, i) in indices.enumerated() {
                    (o.baseAddress! + r * d).update(from: w.baseAddress! + i * d, count: d)
                }
            }
        }
        return out
    }

    public func backward(_ g: Tensor) -> Tensor {
        let d = dimension
        precondition(g.count == indices.count * d, "Embedding.backward: gradient shape \(g.shape)")
        g.values.withUnsafeBufferPointer { pg in
            weight.gradient.values.withUnsafeMutableBufferPointer { dw in
                for (r, i) in indices.enumerated() {
                    for j in 0 ..< d { dw[i * d + j] += pg[r * d + j] }
                }
            }
        }
        return .zeros(inputShape)
    }
}

/// The sinusoidal embedding of a scalar time per row (Transformer positional encoding, as used for
/// DDPM time steps): with half = ⌊dimension/2⌋ and frequencies fᵢ = maxPeriod^(−i/half),
/// i = 0 ..< half, the output row is `[sin(t·f₀) … sin(t·f_{half−1}), cos(t·f₀) … cos(t·f_{half−1})]`
/// (sines first, the `diffusers` default), plus one zero column when `dimension` is odd.
///
/// Input `[batch]` or `[batch, 1]`, output `[batch, dimension]`. No parameters. Backward returns the
/// analytic derivative ∂L/∂t = Σᵢ fᵢ·(g_sinᵢ·cos(t·fᵢ) − g_cosᵢ·sin(t·fᵢ)), shaped like the input.
public final class SinusoidalTimeEmbedding: Layer {
    public let dimension: Int
    public let maxPeriod: Float
    /// fᵢ = maxPeriod^(−i/half).
    public let frequencies: [Float]
    private var times: [Float] = []
    private var inputShape: [Int] = [0]

    public init(dimension: Int, maxPeriod: Float = 10_000) {
        precondition(dimension >= 2, "SinusoidalTimeEmbedding: dimension must be at least 2")
        self.dimension = dimension
        self.maxPeriod = maxPeriod
        let half = dimension / 2
        frequencies = (0 ..< half).map { i in Float(Foundation.exp(-Foundation.log(Double(maxPeriod)) * Double(i) / Double(half))) }
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        precondition(input.rank == 1 || (input.rank == 2 && input.shape[1] == 1),
                     "SinusoidalTimeEmbedding: input must be [batch] or [batch, 1], got \(input.shape)")
        inputShape = input.shape
        times = input.values
        let half = frequencies.count, d = dimension
        var out = Tensor.zeros([times.count, d])
        out.values.withUnsafeMutableBufferPointer { o in
            for (r, t) in times.enumerated() {
                for i in 0 ..< half {
                    let a = t * frequencies[i]
                    o[r * d + i] = Foundation.sin(a)
                    o[r * d + half + i] = Foundation.cos(a)
                }
            }
        }
        return out
    }

    public func backward(_ g: Tensor) -> Tensor {
        let half = frequencies.count, d = dimension
        precondition(g.count == times.count * d, "SinusoidalTimeEmbedding.backward: gradient shape \(g.shape)")
        var dt = [Float](repeating: 0, count: times.count)
        for (r, t) in times.enumerated() {
            var s: Float = 0
            for i in 0 ..< half {
                let f = frequencies[i], a = t * f
                s += f * (g.values[r * d + i] * Foundation.cos(a) - g.values[r * d + half + i] * Foundation.sin(a))
            }
            dt[r] = s
        }
        return Tensor(shape: inputShape, values: dt)
    }
}
