import Foundation
import SimCore

/// Loss functions. Each returns the loss value and its gradient with respect to the prediction
/// (same shape), for the **mean over the batch** (the first dimension, B rows).
///
/// | loss | per-sample value | reduction |
/// |---|---|---|
/// | `mse` | Σⱼ (pⱼ − yⱼ)² / F | mean over batch (= mean over all B·F elements) |
/// | `binaryCrossEntropyWithLogits` | Σⱼ [max(xⱼ,0) − xⱼyⱼ + log(1 + e^{−|xⱼ|})] / F | mean over all elements |
/// | `crossEntropyWithLogits` | −log softmax(x)[label] | mean over batch |
/// | `gaussianNLL` | Σⱼ ½[log σⱼ² + (yⱼ − μⱼ)²/σⱼ² + log 2π] | sum over features, mean over batch |
/// | `klStandardNormal` | −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²) | sum over features, mean over batch |
public enum Loss {
    /// Mean squared error over all elements, ⟨(p − y)²⟩ (PyTorch's `MSELoss()`).
    /// Gradient 2(p − y)/N with N the element count.
    public static func mse(_ prediction: Tensor, _ target: Tensor) -> (value: Float, gradient: Tensor) {
        precondition(prediction.count == target.count, "mse: \(prediction.shape) vs \(target.shape)")
        let n = Float(max(1, prediction.count))
        let diff = prediction - target
        var s = 0.0
        for d in diff.values { s += Double(d) * Double(d) }
        return (Float(s / Double(n)), diff.scaled(by: 2 / n))
    }

    /// Binary cross-entropy of targets y ∈ [0, 1] against logits x, averaged over all elements,
    /// in the stable form max(x, 0) − x·y + log(1 + e^{−|x|}). Gradient (σ(x) − y)/N.
    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, _ target: Tensor) -> (value: Float, gradient: Tensor) {
        precondition(logits.count == target.count, "binaryCrossEntropy: \(logits.shape) vs \(target.shape)")
        let n = Float(max(1, logits.count))
        var s = 0.0
        var g = Tensor.uninitialized(logits.shape)
        for i in 0 ..< logits.count {
            let x = logits.values[i], y = target.values[i]
            s += Double(max(x, 0) - x * y + Foundation.log1p(Foundation.exp(-abs(x))))
            g.values[i] = (logistic(x) - y) / n
        }
        return (Float(s / Double(n)), g)
    }

    /// Categorical cross-entropy of integer `labels` (one per row, in 0 ..< classes) against
    /// logits `[batch, classes]`: mean over rows of −log softmax(x)[label], through a stable
    /// log-softmax. Gradient (softmax(x) − onehot(label))/B.
    public static func crossEntropyWithLogits(_ logits: Tensor, labels: [Int]) -> (value: Float, gradient: Tensor) {
        let c = logits.lastDimension
        let b = logits.count / max(1, c)
        precondition(labels.count == b, "crossEntropy: \(labels.count) labels for \(b) rows")
        let logp = logits.logSoftmaxRows()
        var s = 0.0
        var g = logp.map { Tensor.lanewise($0, Foundation.exp) }
        let inv = 1 / Float(max(1, b))
        for r in 0 ..< b {
            let l = labels[r]
            precondition(l >= 0 && l < c, "crossEntropy: label \(l) outside 0..<\(c)")
            s -= Double(logp.values[r * c + l])
            g.values[r * c + l] -= 1
        }
        g.apply { $0 * inv }
        return (Float(s / Double(max(1, b))), g)
    }

    /// Gaussian negative log-likelihood of `target` under N(mean, exp(logVariance)) element-wise,
    /// summed over features and averaged over the batch, constant ½·log 2π included (so the value is
    /// −log density of the sample vector). Gradients:
    /// ∂/∂μ = −(y − μ)/σ² / B, ∂/∂log σ² = ½(1 − (y − μ)²/σ²) / B.
    public static func gaussianNLL(mean: Tensor, logVariance: Tensor, target: Tensor)
        -> (value: Float, meanGradient: Tensor, logVarianceGradient: Tensor) {
        precondition(mean.count == target.count && logVariance.count == target.count,
                     "gaussianNLL: \(mean.shape), \(logVariance.shape), \(target.shape)")
        let b = Float(max(1, mean.rows))
        let halfLog2Pi = 0.5 * Foundation.log(2 * Double.pi)
        var s = 0.0
        var gm = Tensor.uninitialized(mean.shape), gv = Tensor.uninitialized(logVariance.shape)
        for i in 0 ..< mean.count {
            let lv = logVariance.values[i]
            let d = target.values[i] - mean.values[i]
            let invVar = Foundation.exp(-lv)
            s += 0.5 * Double(lv) + 0.5 * Double(d * d * invVar) + halfLog2Pi
            gm.values[i] = -d * invVar / b
            gv.values[i] = 0.5 * (1 - d * d * invVar) / b
        }
        return (Float(s / Double(b)), gm, gv)
    }

    /// KL(N(μ, σ²) ‖ N(0, 1)) of diagonal Gaussians given μ and log σ²:
    /// −½ Σⱼ (1 + log σⱼ² − μⱼ² − σⱼ²), summed over features and averaged over the batch.
    /// Gradients: ∂/∂μ = μ/B, ∂/∂log σ² = ½(σ² − 1)/B.
    public static func klStandardNormal(mean: Tensor, logVariance: Tensor)
        -> (value: Float, meanGradient: Tensor, logVarianceGradient: Tensor) {
        precondition(mean.count == logVariance.count, "klStandardNormal: \(mean.shape) vs \(logVariance.shape)")
        let b = Float(max(1, mean.rows))
        var s = 0.0
        var gm = Tensor.uninitialized(mean.shape), gv = Tensor.uninitialized(logVariance.shape)
        for i in 0 ..< mean.count {
            let m = mean.values[i], lv = logVariance.values[i]
            let v = Foundation.exp(lv)
            s += -0.5 * Double(1 + lv - m * m - v)
            gm.values[i] = m / b
            gv.values[i] = 0.5 * (v - 1) / b
        }
        return (Float(s / Double(b)), gm, gv)
    }
}
