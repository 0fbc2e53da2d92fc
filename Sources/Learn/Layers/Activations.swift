import Foundation
import SimCore

// Element-wise activations (SIMD16 maps) and the row-wise softmax / log-softmax. None has
// parameters; each remembers what its backward pass needs from the last forward.

/// `max(x, 0)`. Backward: g where the output is positive, 0 elsewhere (0 at the kink).
public final class ReLU: Layer {
    private var output = Tensor.zeros([0])
    public init() {}
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        // `replacing(with:where:)` compiles to a vector blend; stdlib `pointwiseMax` is ~20× slower here.
        output = x.map { $0.replacing(with: 0, where: $0 .< 0) }
        return output
    }
    public func backward(_ g: Tensor) -> Tensor {
        g.zipMap(output) { gv, y in gv.replacing(with: 0, where: y .<= 0) }
    }
}

/// `x` for x ≥ 0, `slope·x` below. Backward: g or slope·g by the sign of the input.
public final class LeakyReLU: Layer {
    public let slope: Float
    private var input = Tensor.zeros([0])
    public init(slope: Float = 0.01) { self.slope = slope }
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        input = x
        let s = slope
        return x.map { $0.replacing(with: $0 * s, where: $0 .< 0) }
    }
    public func backward(_ g: Tensor) -> Tensor {
        let s = slope
        return g.zipMap(input) { gv, x in gv.replacing(with: gv * s, where: x .< 0) }
    }
}

/// The logistic function σ(x) = 1/(1 + e^{−x}), evaluated without overflow.
@inlinable func logistic(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + Foundation.exp(-x)) : { let e = Foundation.exp(x); return e / (1 + e) }()
}

/// SiLU (swish) `x·σ(x)`. Backward: g·(σ + x·σ·(1 − σ)).
public final class SiLU: Layer {
    private var input = Tensor.zeros([0])
    public init() {}
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        input = x
        return x.map { v in v * Tensor.lanewise(v, logistic) }
    }
    public func backward(_ g: Tensor) -> Tensor {
        g.zipMap(input) { gv, x in
            let s = Tensor.lanewise(x, logistic)
            return gv * (s + x * s * (1 - s))
        }
    }
}

/// tanh on 16 lanes at once, within a few units in the last place of `Foundation.tanh` (float).
///
/// tanh|x| = e/(e + 2) with e = expm1(2|x|): 2|x| = n·ln2 + r with |r| ≤ ln2/2, expm1(r) from its
/// Taylor series to r⁷ (truncation below 2e-8 relative), e = 2ⁿ·expm1(r) + (2ⁿ − 1). For n = 0 this is
/// expm1 itself, so small arguments keep full relative precision; |x| ≥ 9 gives ±1 (tanh 9 rounds
/// to 1 in Float). The sign is put back at the end. About 20× faster than calling tanhf lane by lane.
@inlinable
public func simdTanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let ax = x.replacing(with: -x, where: x .< 0)
    let z = 2 * ax.replacing(with: 9, where: ax .> 9)
    // Round z/ln2 to the nearest integer by adding 1.5·2²³ (the sum's last bits are then the integer).
    let shifted = z * 1.442695040888963 + 12_582_912
    let n = shifted - 12_582_912
    let r = (z - n * 0.693145751953125) - n * 1.428606765330187e-06
    var p = r * (1.0 / 5040) + (1.0 / 720)
    p = p * r + (1.0 / 120)
    p = p * r + (1.0 / 24)
    p = p * r + (1.0 / 6)
    p = p * r + 0.5
    p = (p * r) * r + r                                   // expm1(r)
    let ni = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((ni &+ 127) &<< 23, to: SIMD16<Float>.self)   // 2ⁿ, n ∈ [0, 26]
    let e = scale * p + (scale - 1)
    let t = e / (e + 2)
    return t.replacing(with: -t, where: x .< 0)
}

/// `tanh x` (``simdTanh(_:)``). Backward: g·(1 − y²).
public final class Tanh: Layer {
    private var output = Tensor.zeros([0])
    public init() {}
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        output = x.map(simdTanh)
        return output
    }
    public func backward(_ g: Tensor) -> Tensor {
        g.zipMap(output) { gv, y in gv * (1 - y * y) }
    }
}

/// The logistic sigmoid σ(x). Backward: g·y·(1 − y).
public final class Sigmoid: Layer {
    private var output = Tensor.zeros([0])
    public init() {}
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        output = x.map { Tensor.lanewise($0, logistic) }
        return output
    }
    public func backward(_ g: Tensor) -> Tensor {
        g.zipMap(output) { gv, y in gv * y * (1 - y) }
    }
}

extension Tensor {
    /// Row-wise log-softmax over the last dimension, stable: x − max − log Σ e^{x − max}.
    public func logSoftmaxRows() -> Tensor {
        let c = lastDimension
        var out = Tensor.uninitialized(shape)
        guard c > 0 else { return out }
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for r in 0 ..< count / c {
                    let base = r * c
                    var m = -Float.infinity
                    for j in 0 ..< c { m = Swift.max(m, src[base + j]) }
                    var s: Float = 0
                    for j in 0 ..< c { s += Foundation.exp(src[base + j] - m) }
                    let shift = m + Foundation.log(s)
                    for j in 0 ..< c { dst[base + j] = src[base + j] - shift }
                }
            }
        }
        return out
    }

    /// Row-wise softmax over the last dimension (max subtracted before exponentiating).
    public func softmaxRows() -> Tensor {
        let c = lastDimension
        var out = Tensor.uninitialized(shape)
        guard c > 0 else { return out }
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for r in 0 ..< count / c {
                    let base = r * c
                    var m = -Float.infinity
                    for j in 0 ..< c { m = Swift.max(m, src[base + j]) }
                    var s: Float = 0
                    for j in 0 ..< c {
                        let e = Foundation.exp(src[base + j] - m)
                        dst[base + j] = e
                        s += e
                    }
                    let inv = 1 / s
                    for j in 0 ..< c { dst[base + j] *= inv }
                }
            }
        }
        return out
    }
}

/// Softmax over the last dimension of each row (numerically stable).
/// Backward: dx = y ⊙ (g − Σⱼ gⱼyⱼ) per row.
public final class Softmax: Layer {
    private var output = Tensor.zeros([0])
    public init() {}
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        output = x.softmaxRows()
        return output
    }
    public func backward(_ g: Tensor) -> Tensor {
        let c = output.lastDimension
        var dx = Tensor.uninitialized(output.shape)
        guard c > 0 else { return dx }
        g.values.withUnsafeBufferPointer { pg in
            output.values.withUnsafeBufferPointer { py in
                dx.values.withUnsafeMutableBufferPointer { d in
                    for r in 0 ..< output.count / c {
                        let base = r * c
                        var dot: Float = 0
                        for j in 0 ..< c { dot += pg[base + j] * py[base + j] }
                        for j in 0 ..< c { d[base + j] = py[base + j] * (pg[base + j] - dot) }
                    }
                }
            }
        }
        return dx
    }
}

/// Log-softmax over the last dimension of each row: x − max − log Σ e^{x − max}.
/// Backward: dx = g − softmax ⊙ Σⱼ gⱼ per row.
public final class LogSoftmax: Layer {
    private var output = Tensor.zeros([0])
    public init() {}
    public var parameters: [Parameter] { [] }
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        output = x.logSoftmaxRows()
        return output
    }
    public func backward(_ g: Tensor) -> Tensor {
        let c = output.lastDimension
        var dx = Tensor.uninitialized(output.shape)
        guard c > 0 else { return dx }
        g.values.withUnsafeBufferPointer { pg in
            output.values.withUnsafeBufferPointer { py in
                dx.values.withUnsafeMutableBufferPointer { d in
                    for r in 0 ..< output.count / c {
                        let base = r * c
                        var s: Float = 0
                        for j in 0 ..< c { s += pg[base + j] }
                        for j in 0 ..< c { d[base + j] = pg[base + j] - Foundation.exp(py[base + j]) * s }
                    }
                }
            }
        }
        return dx
    }
}
