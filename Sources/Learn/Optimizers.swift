#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that updates parameters from their gradients (``SGD``, ``Adam``, ``AdamW``).
///
/// One training step: `zeroGradients()`, forward, backward (layers *add* into `gradient`),
/// optionally ``clipGradientNorm(_:maxNorm:)``, then `step()`. A schedule sets `learningRate`
/// before each step: `optimizer.learningRate = schedule.learningRate(at: step)`.
///
/// Updates run element by element in a fixed order on the calling thread, so the same gradients
/// give the same weights bit for bit.
public protocol Optimizer: AnyObject {
    /// The parameters updated by `step()`, in a fixed order (their state is kept in this order).
    var parameters: [Parameter] { get }
    /// The learning rate of the next `step()`.
    var learningRate: Float { get set }
    /// Updates every parameter from its current gradient.
    func step()
}

extension Optimizer {
    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }
}

@inline(__always)
private func checkGradientShape(_ p: Parameter) {
    precondition(p.gradient.values.count == p.value.values.count,
                 "optimizer: parameter \(p.name) has \(p.value.values.count) values but \(p.gradient.values.count) gradients")
}

// MARK: - SGD

/// Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay, with
/// PyTorch `torch.optim.SGD` semantics (dampening 0). For each element, with gradient g:
///
///     g ← g + weightDecay·p
///     b ← g                      (first step)
///     b ← momentum·b + g         (later steps)
///     g ← g + momentum·b         (nesterov)   or   g ← b   (otherwise; momentum > 0)
///     p ← p − lr·g
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    /// Momentum buffers, one per parameter (empty arrays until the first step, or when momentum is 0).
    public var momentumBuffers: [[Float]]
    /// Number of `step()` calls so far.
    public var stepCount: Int = 0

    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(learningRate >= 0, "SGD: learning rate must be ≥ 0")
        precondition(momentum >= 0, "SGD: momentum must be ≥ 0")
        precondition(weightDecay >= 0, "SGD: weight decay must be ≥ 0")
        precondition(!nesterov || momentum > 0, "SGD: Nesterov momentum needs momentum > 0")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.momentumBuffers = parameters.map { _ in [] }
    }

    public func step() {
        let lr = learningRate, mu = momentum, wd = weightDecay, nest = nesterov
        for (k, p) in parameters.enumerated() {
            checkGradientShape(p)
            let n = p.value.values.count
            let first = momentumBuffers[k].isEmpty
            if mu != 0 && first { momentumBuffers[k] = [Float](repeating: 0, count: n) }
            precondition(mu == 0 || momentumBuffers[k].count == n,
                         "SGD: momentum buffer of \(p.name) has \(momentumBuffers[k].count) values, the parameter \(n)")
            p.gradient.values.withUnsafeBufferPointer { g in
                p.value.values.withUnsafeMutableBufferPointer { w in
                    if mu == 0 {
                        for i in 0 ..< n {
                            let gi = g[i] + wd * w[i]
                            w[i] -= lr * gi
                        }
                        return
                    }
                    momentumBuffers[k].withUnsafeMutableBufferPointer { b in
                        for i in 0 ..< n {
                            let gi = g[i] + wd * w[i]
                            let bi = first ? gi : mu * b[i] + gi
                            b[i] = bi
                            let d = nest ? gi + mu * bi : bi
                            w[i] -= lr * d
                        }
                    }
                }
            }
        }
        stepCount += 1
    }
}

// MARK: - Adam / AdamW

/// The first and second moment estimates and step count shared by ``Adam`` and ``AdamW``.
public struct AdamState: Sendable, Equatable {
    /// Exponential moving averages of the gradient (m), one array per parameter.
    public var firstMoments: [[Float]]
    /// Exponential moving averages of the squared gradient (v), one array per parameter.
    public var secondMoments: [[Float]]
    /// Number of steps taken (t; the first step is t = 1).
    public var stepCount: Int

    init(parameters: [Parameter]) {
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.values.count) }
        secondMoments = firstMoments
        stepCount = 0
    }

    /// One Adam step; `decoupled` selects AdamW's weight decay.
    mutating func step(_ parameters: [Parameter], lr: Float, beta1: Double, beta2: Double, eps: Float,
                       weightDecay: Float, decoupled: Bool) {
        stepCount += 1
        let t = Double(stepCount)
        // Bias corrections as PyTorch (computed in double precision, as Python floats):
        // step_size = lr / (1 − β1^t), denom = √v / √(1 − β2^t) + eps.
        let bc1 = 1 - pow(beta1, t)
        let bc2Sqrt = (1 - pow(beta2, t)).squareRoot()
        let stepSize = Float(Double(lr) / bc1)
        let invBC2Sqrt = Float(1 / bc2Sqrt)
        let decay: Float = decoupled ? Float(1 - Double(lr) * Double(weightDecay)) : 1
        let l2: Float = decoupled ? 0 : weightDecay
        // β and 1 − β are formed in double precision, then rounded (PyTorch passes Python floats
        // to float32 kernels), so 1 − β2 is 0.001 rather than 1 − Float(0.999) ≈ 0.00099999.
        let b1 = Float(beta1), b2 = Float(beta2), c1 = Float(1 - beta1), c2 = Float(1 - beta2)
        // Move the moment arrays out (uniquely referenced, no copy) to update them in place.
        var ms = firstMoments, vs = secondMoments
        firstMoments = []; secondMoments = []
        defer { firstMoments = ms; secondMoments = vs }
        precondition(ms.count == parameters.count && vs.count == parameters.count,
                     "Adam: state holds moments for \(ms.count) parameters, the optimiser has \(parameters.count)")
        for (k, p) in parameters.enumerated() {
            checkGradientShape(p)
            let n = p.value.values.count
            precondition(ms[k].count == n && vs[k].count == n,
                         "Adam: moments of parameter \(p.name) have \(ms[k].count)/\(vs[k].count) values, the parameter \(n)")
            p.gradient.values.withUnsafeBufferPointer { g in
                p.value.values.withUnsafeMutableBufferPointer { w in
                    ms[k].withUnsafeMutableBufferPointer { m in
                        vs[k].withUnsafeMutableBufferPointer { v in
                            guard n > 0 else { return }
                            let gp = g.baseAddress!, wp = w.baseAddress!, mp = m.baseAddress!, vp = v.baseAddress!
                            // Eight lanes at a time; each lane does the scalar loop's exact operations,
                            // so results do not depend on the split.
                            typealias V = SIMD8<Float>
                            var i = 0
                            while i + 8 <= n {
                                var wi = UnsafeRawPointer(wp + i).loadUnaligned(as: V.self)
                                let gi = UnsafeRawPointer(gp + i).loadUnaligned(as: V.self) + l2 * wi
                                wi *= decay
                                let mi = b1 * UnsafeRawPointer(mp + i).loadUnaligned(as: V.self) + c1 * gi
                                let vi = b2 * UnsafeRawPointer(vp + i).loadUnaligned(as: V.self) + c2 * (gi * gi)
                                UnsafeMutableRawPointer(mp + i).storeBytes(of: mi, as: V.self)
                                UnsafeMutableRawPointer(vp + i).storeBytes(of: vi, as: V.self)
                                let denominator = vi.squareRoot() * invBC2Sqrt + eps
                                UnsafeMutableRawPointer(wp + i).storeBytes(of: wi - stepSize * (mi / denominator), as: V.self)
                                i += 8
                            }
                            while i < n {
                                var wi = w[i]
                                let gi = g[i] + l2 * wi
                                wi *= decay
                                let mi = b1 * m[i] + c1 * gi
                                let vi = b2 * v[i] + c2 * (gi * gi)
                                m[i] = mi
                                v[i] = vi
                                w[i] = wi - stepSize * (mi / (vi.squareRoot() * invBC2Sqrt + eps))
                                i += 1
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Adam (Kingma & Ba 2015) with PyTorch `torch.optim.Adam` semantics: weight decay is L2
/// regularisation added to the gradient. For each element, at step t = 1, 2, …:
///
///     g ← g + weightDecay·p
///     m ← β1·m + (1 − β1)·g
///     v ← β2·v + (1 − β2)·g²
///     p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Double, beta2: Double
    public let eps: Float, weightDecay: Float
    /// Moments and step count (settable, to restore a saved optimiser).
    public var state: AdamState

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Double = 0.9,
                beta2: Double = 0.999, eps: Float = 1e-8, weightDecay: Float = 0) {
        precondition(learningRate >= 0 && eps >= 0 && weightDecay >= 0, "Adam: negative hyper-parameter")
        precondition((0 ..< 1).contains(beta1) && (0 ..< 1).contains(beta2), "Adam: betas must be in [0, 1)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        self.state = AdamState(parameters: parameters)
    }

    public func step() {
        state.step(parameters, lr: learningRate, beta1: beta1, beta2: beta2, eps: eps,
                   weightDecay: weightDecay, decoupled: false)
    }
}

/// AdamW (Loshchilov & Hutter 2019) with PyTorch `torch.optim.AdamW` semantics: decoupled
/// weight decay, applied to the weight before the Adam step and not through the moments:
///
///     p ← p − lr·weightDecay·p        (p·(1 − lr·weightDecay))
///     then the Adam update of ``Adam`` with the raw gradient g.
///
/// PyTorch's default weight decay for AdamW is 0.01.
public final class AdamW: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Double, beta2: Double
    public let eps: Float, weightDecay: Float
    /// Moments and step count (settable, to restore a saved optimiser).
    public var state: AdamState

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Double = 0.9,
                beta2: Double = 0.999, eps: Float = 1e-8, weightDecay: Float = 0.01) {
        precondition(learningRate >= 0 && eps >= 0 && weightDecay >= 0, "AdamW: negative hyper-parameter")
        precondition((0 ..< 1).contains(beta1) && (0 ..< 1).contains(beta2), "AdamW: betas must be in [0, 1)")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        self.state = AdamState(parameters: parameters)
    }

    public func step() {
        state.step(parameters, lr: learningRate, beta1: beta1, beta2: beta2, eps: eps,
                   weightDecay: weightDecay, decoupled: true)
    }
}

// MARK: - Gradient clipping

/// Scales all gradients together so that their global L2 norm is at most `maxNorm`, with
/// PyTorch `torch.nn.utils.clip_grad_norm_` semantics: the norm ‖g‖ is taken over every element
/// of every gradient; when ‖g‖ > maxNorm each gradient is multiplied by maxNorm / (‖g‖ + 1e-6).
///
/// Returns the norm *before* clipping (accumulated in double precision). A non-finite norm is
/// returned without touching the gradients (check it to skip the step).
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    precondition(maxNorm >= 0, "clipGradientNorm: maxNorm must be ≥ 0")
    var sum = 0.0
    for p in parameters {
        p.gradient.values.withUnsafeBufferPointer { g in
            // Eight double-precision partial sums, then the tail; a fixed order, so deterministic.
            var lanes = SIMD8<Double>()
            var i = 0
            if let base = g.baseAddress {
                while i + 8 <= g.count {
                    let d = SIMD8<Double>(UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self))
                    lanes += d * d
                    i += 8
                }
            }
            var s = lanes.sum()
            while i < g.count { let d = Double(g[i]); s += d * d; i += 1 }
            sum += s
        }
    }
    let norm = Float(sum.squareRoot())
    guard norm.isFinite, norm > maxNorm else { return norm }
    let scale = Float(Double(maxNorm) / (sum.squareRoot() + 1e-6))
    for p in parameters {
        p.gradient.values.withUnsafeMutableBufferPointer { g in
            for i in g.indices { g[i] *= scale }
        }
    }
    return norm
}
