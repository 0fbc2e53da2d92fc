import Foundation
import SimCore

/// Layer normalisation over the last dimension: `y = γ ⊙ (x − μ)/√(σ² + eps) + β`, with μ and σ²
/// the mean and (biased) variance of each row. Gain γ (`"weight"`, initially 1) and bias β
/// (`"bias"`, initially 0), each `[features]`.
///
/// Backward, with x̂ the normalised row, s = 1/√(σ² + eps) and ĝ = g ⊙ γ:
/// dγ += Σ_rows g ⊙ x̂, dβ += Σ_rows g, dx = s·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)).
public final class LayerNorm: Layer {
    public let features: Int
    public let eps: Float
    public let gain: Parameter
    public let bias: Parameter
    public var parameters: [Parameter] { [gain, bias] }

    private var normalised = Tensor.zeros([0])
    private var inverseStd: [Float] = []

    public init(features: Int, eps: Float = 1e-5, name: String = "") {
        precondition(features > 0, "LayerNorm: features must be positive")
        self.features = features
        self.eps = eps
        gain = Parameter(name: parameterName(name, "weight"), value: .ones([features]))
        bias = Parameter(name: parameterName(name, "bias"), value: .zeros([features]))
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let c = features
        precondition(x.lastDimension == c, "LayerNorm(\(c)): input shape \(x.shape)")
        let rows = x.count / c
        var xhat = Tensor.uninitialized(x.shape)
        var y = Tensor.uninitialized(x.shape)
        inverseStd = [Float](repeating: 0, count: rows)
        x.values.withUnsafeBufferPointer { px in
            gain.value.values.withUnsafeBufferPointer { pgain in
                bias.value.values.withUnsafeBufferPointer { pb in
                    xhat.values.withUnsafeMutableBufferPointer { ph in
                        y.values.withUnsafeMutableBufferPointer { py in
                            for r in 0 ..< rows {
                                let base = r * c
                                var mean = 0.0
                                for j in 0 ..< c { mean += Double(px[base + j]) }
                                mean /= Double(c)
                                var variance = 0.0
                                for j in 0 ..< c { let d = Double(px[base + j]) - mean; variance += d * d }
                                variance /= Double(c)
                                let s = Float(1 / (variance + Double(eps)).squareRoot())
                                inverseStd[r] = s
                                let m = Float(mean)
                                for j in 0 ..< c {
                                    let h = (px[base + j] - m) * s
                                    ph[base + j] = h
                                    py[base + j] = pgain[j] * h + pb[j]
                                }
                            }
                        }
                    }
                }
            }
        }
        normalised = xhat
        return y
    }

    public func backward(_ g: Tensor) -> Tensor {
        let c = features
        precondition(g.count == normalised.count, "LayerNorm.backward: gradient shape \(g.shape)")
        let rows = g.count / c
        var dx = Tensor.uninitialized(normalised.shape)
        g.values.withUnsafeBufferPointer { pg in
            normalised.values.withUnsafeBufferPointer { ph in
                gain.value.values.withUnsafeBufferPointer { pgain in
                    gain.gradient.values.withUnsafeMutableBufferPointer { dgain in
                        bias.gradient.values.withUnsafeMutableBufferPointer { dbias in
                            dx.values.withUnsafeMutableBufferPointer { d in
                                for r in 0 ..< rows {
                                    let base = r * c
                                    var meanG: Float = 0, meanGH: Float = 0
                                    for j in 0 ..< c {
                                        let gv = pg[base + j], h = ph[base + j]
                                        dgain[j] += gv * h
                                        dbias[j] += gv
                                        let gh = gv * pgain[j]
                                        meanG += gh
                                        meanGH += gh * h
                                    }
                                    meanG /= Float(c)
                                    meanGH /= Float(c)
                                    let s = inverseStd[r]
                                    for j in 0 ..< c {
                                        let gh = pg[base + j] * pgain[j]
                                        d[base + j] = s * (gh - meanG - ph[base + j] * meanGH)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return g.rank == dx.rank ? dx : dx.reshaped(g.shape)
    }
}
