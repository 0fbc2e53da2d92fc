import Testing
@testable import Learn
import SimCore

/// A parameter with `values` and gradient set to `gradient`.
private func parameter(_ values: [Float], gradient: [Float], name: String = "p") -> Parameter {
    let p = Parameter(name: name, value: Tensor(shape: [values.count], values: values))
    p.gradient = Tensor(shape: [gradient.count], values: gradient)
    return p
}

private func close(_ a: [Float], _ b: [Double], _ tolerance: Double = 1e-6) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - $1) <= tolerance }
}

@Suite("Optimizer")
struct OptimizerTests {
    /// lr = 0.1, β1 = 0.9, β2 = 0.999, eps = 1e-8, p₀ = [1, −2].
    /// Step 1, g = [0.5, −1]:
    ///   m = 0.1·g = [0.05, −0.1];  v = 0.001·g² = [0.00025, 0.001]
    ///   m̂ = m/(1 − 0.9) = [0.5, −1];  √v̂ = √(v/(1 − 0.999)) = [0.5, 1]
    ///   p = p − 0.1·m̂/(√v̂ + eps) = [1 − 0.1·0.99999998, −2 + 0.1·0.99999999] = [0.9, −1.9]
    /// Step 2, g = [0.25, 2]:
    ///   m = 0.9·[0.05, −0.1] + 0.1·[0.25, 2] = [0.07, 0.11]
    ///   v = 0.999·[0.00025, 0.001] + 0.001·[0.0625, 4] = [0.00031225, 0.004999]
    ///   1 − β1² = 0.19, 1 − β2² = 0.001999
    ///   m̂ = [0.368421…, 0.578947…];  √v̂ = [√0.156203…, √2.500750…] = [0.395225…, 1.581376…]
    ///   p = [0.9 − 0.1·0.932180…, −1.9 − 0.1·0.366100…] = [0.8067820, −1.9366104]
    @Test("Adam: two steps by hand")
    func adamTwoSteps() {
        let p = parameter([1, -2], gradient: [0.5, -1])
        let adam = Adam(parameters: [p], learningRate: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8)
        adam.step()
        #expect(close(p.value.values, [0.900000002, -1.900000001]))
        #expect(close(adam.state.firstMoments[0], [0.05, -0.1]))
        #expect(close(adam.state.secondMoments[0], [0.00025, 0.001], 1e-9))
        p.gradient.values = [0.25, 2]
        adam.step()
        #expect(close(p.value.values, [0.8067820404774624, -1.9366103534720749]))
        #expect(close(adam.state.firstMoments[0], [0.07, 0.11]))
        #expect(close(adam.state.secondMoments[0], [0.00031225, 0.004999], 1e-9))
        #expect(adam.state.stepCount == 2)
    }

    /// Same start, lr = 0.1, weight decay 0.1, one step, g = [0.5, −1]:
    /// Adam (L2): g' = g + 0.1·p = [0.6, −1.2]; on the first step m̂/√v̂ = sign(g') so the decay is
    ///   absorbed by the normalisation: p = p − 0.1·sign(g') = [0.9, −1.9].
    /// AdamW (decoupled): p ← p·(1 − 0.1·0.1) = [0.99, −1.98], then p − 0.1·sign(g) = [0.89, −1.88].
    @Test("AdamW's decoupled decay differs from Adam's L2 as the formulas say")
    func adamWVersusAdam() {
        let a = parameter([1, -2], gradient: [0.5, -1])
        let w = parameter([1, -2], gradient: [0.5, -1])
        let adam = Adam(parameters: [a], learningRate: 0.1, weightDecay: 0.1)
        let adamW = AdamW(parameters: [w], learningRate: 0.1, weightDecay: 0.1)
        adam.step(); adamW.step()
        #expect(close(a.value.values, [0.9, -1.9]))
        #expect(close(w.value.values, [0.89, -1.88]))
        // The moments see the L2 term in Adam only.
        #expect(close(adam.state.firstMoments[0], [0.06, -0.12]))
        #expect(close(adamW.state.firstMoments[0], [0.05, -0.1]))
    }

    @Test("AdamW without weight decay is Adam, bit for bit")
    func adamWZeroDecay() {
        let a = parameter([0.3, -0.7, 1.1], gradient: [0.2, 0.9, -0.4])
        let w = parameter([0.3, -0.7, 1.1], gradient: [0.2, 0.9, -0.4])
        let adam = Adam(parameters: [a], learningRate: 0.01)
        let adamW = AdamW(parameters: [w], learningRate: 0.01, weightDecay: 0)
        for k in 0 ..< 5 {
            a.gradient.values = [0.2 * Float(k), 0.9, -0.4 / Float(k + 1)]
            w.gradient.values = a.gradient.values
            adam.step(); adamW.step()
        }
        #expect(a.value.values.map(\.bitPattern) == w.value.values.map(\.bitPattern))
    }

    /// The update runs eight lanes at a time plus a scalar tail: element i (a SIMD lane) and element
    /// 8 + i (the tail) see the same inputs and must end bit-identical, for Adam and AdamW.
    @Test("Adam's SIMD lanes and scalar tail give the same bits")
    func simdMatchesScalar() {
        let head: [Float] = [0.3, -0.7, 1.1, 2.5, -3.25]
        for decoupled in [false, true] {
            let p = parameter(head + [9, 9, 9] + head, gradient: [Float](repeating: 0, count: 13))
            let optimizer: Optimizer = decoupled
                ? AdamW(parameters: [p], learningRate: 0.01, weightDecay: 0.1)
                : Adam(parameters: [p], learningRate: 0.01, weightDecay: 0.1)
            for k in 1 ... 6 {
                let g: [Float] = [0.2 * Float(k), 0.9, -0.4 / Float(k), 1e-3, -7]
                p.gradient.values = g + [1, 1, 1] + g
                optimizer.step()
            }
            #expect(p.value.values[0 ..< 5].map(\.bitPattern) == p.value.values[8 ..< 13].map(\.bitPattern))
            #expect(p.value.values[0 ..< 5] != head[...])
        }
    }

    /// lr = 0.1, μ = 0.9, p₀ = [1, −2], g₁ = [0.5, −1], g₂ = [0.25, 2].
    /// Plain momentum: b₁ = g₁; p₁ = p₀ − 0.1·b₁ = [0.95, −1.9];
    ///   b₂ = 0.9·b₁ + g₂ = [0.7, 1.1]; p₂ = [0.95 − 0.07, −1.9 − 0.11] = [0.88, −2.01].
    /// Nesterov: d₁ = g₁ + 0.9·b₁ = [0.95, −1.9]; p₁ = [0.905, −1.81];
    ///   d₂ = g₂ + 0.9·b₂ = [0.88, 2.99]; p₂ = [0.905 − 0.088, −1.81 − 0.299] = [0.817, −2.109].
    @Test("SGD with momentum and Nesterov: two steps by hand")
    func sgdMomentum() {
        let p = parameter([1, -2], gradient: [0.5, -1])
        let sgd = SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        sgd.step()
        #expect(close(p.value.values, [0.95, -1.9]))
        p.gradient.values = [0.25, 2]
        sgd.step()
        #expect(close(p.value.values, [0.88, -2.01]))
        #expect(close(sgd.momentumBuffers[0], [0.7, 1.1]))

        let q = parameter([1, -2], gradient: [0.5, -1])
        let nesterov = SGD(parameters: [q], learningRate: 0.1, momentum: 0.9, nesterov: true)
        nesterov.step()
        #expect(close(q.value.values, [0.905, -1.81]))
        q.gradient.values = [0.25, 2]
        nesterov.step()
        #expect(close(q.value.values, [0.817, -2.109]))
    }

    /// No momentum, lr = 0.1, weight decay 0.5: g' = g + 0.5·p = [1, −2]; p = [0.9, −1.8].
    @Test("SGD weight decay adds to the gradient")
    func sgdWeightDecay() {
        let p = parameter([1, -2], gradient: [0.5, -1])
        SGD(parameters: [p], learningRate: 0.1, weightDecay: 0.5).step()
        #expect(close(p.value.values, [0.9, -1.8]))
    }

    @Test("zeroGradients clears every gradient; learningRate is settable")
    func zeroGradients() {
        let p = parameter([1, 2], gradient: [3, 4]), q = parameter([1], gradient: [5])
        let sgd = SGD(parameters: [p, q], learningRate: 1)
        sgd.zeroGradients()
        #expect(p.gradient.values == [0, 0] && q.gradient.values == [0])
        sgd.learningRate = 0.5
        p.gradient.values = [1, 1]
        sgd.step()
        #expect(p.value.values == [0.5, 1.5])
    }

    /// Gradients [3, 0] and [0, 4]: global norm √(9 + 16) = 5. With maxNorm 1 each is scaled by
    /// 1/(5 + 1e-6), so the new norm is 5/(5 + 1e-6) ≈ 1.
    @Test("clipGradientNorm returns the norm before clipping and scales to maxNorm")
    func clipping() {
        let p = parameter([0, 0], gradient: [3, 0]), q = parameter([0, 0], gradient: [0, 4])
        let norm = clipGradientNorm([p, q], maxNorm: 1)
        // 20 elements of 0.5 (two SIMD blocks and a tail): norm √(20·0.25) = √5.
        #expect(abs(clipGradientNorm([parameter([Float](repeating: 0, count: 20), gradient: [Float](repeating: 0.5, count: 20))],
                                     maxNorm: 10) - Float(5).squareRoot()) < 1e-6)
        #expect(abs(norm - 5) < 1e-6)
        let after = clipGradientNorm([p, q], maxNorm: 10)
        #expect(abs(after - 1) < 1e-5)
        #expect(close(p.gradient.values, [0.6, 0]) && close(q.gradient.values, [0, 0.8]))
        // Below maxNorm: untouched.
        let before = p.gradient.values
        #expect(abs(clipGradientNorm([p, q], maxNorm: 2) - after) < 1e-7)
        #expect(p.gradient.values == before)
    }
}

/// Linear regression y = W·x with W of shape [2, 3], trained with the whole pipeline: Xavier init,
/// seeded mini-batches, AdamW, gradient clipping and a cosine schedule. The gradient of the loss
/// L = (1/2B)·Σ_b ‖W·x_b − y_b‖² is ∂L/∂W = (1/B)·Σ_b (W·x_b − y_b)·x_bᵀ, computed inline.
private func trainRegression(seed: UInt64) -> (weights: [Float], firstLoss: Double, lastLoss: Double) {
    let streams = RandomStreams(seed: seed)
    let data = streams.stream("data")
    let n = 96, inputs = 3, outputs = 2
    let trueW: [Float] = [0.5, -1.5, 2.0, 1.0, 0.25, -0.75]
    var x = Tensor.zeros([n, inputs]), y = Tensor.zeros([n, outputs])
    Initializer.normal(&x, standardDeviation: 1, rng: data)
    for i in 0 ..< n {
        for o in 0 ..< outputs {
            var s: Float = 0
            for k in 0 ..< inputs { s += trueW[o * inputs + k] * x[i, k] }
            y[i, o] = s + Float(data.normal(standardDeviation: 0.01))
        }
    }
    var w = Tensor.zeros([outputs, inputs])
    Initializer.xavierUniform(&w, rng: streams.stream("init"))
    let weight = Parameter(name: "linear.weight", value: w)
    let optimizer = AdamW(parameters: [weight], learningRate: 0.05, weightDecay: 1e-3)
    let batches = MiniBatches(count: n, batchSize: 16, shuffle: true, rng: streams.stream("shuffle"))
    let epochs = 40
    let schedule = CosineSchedule(peak: 0.05, totalSteps: epochs * batches.batchesPerEpoch, warmupSteps: 5, floor: 1e-3)
    var step = 0, firstLoss = -1.0, lastLoss = 0.0
    for _ in 0 ..< epochs {
        for indices in batches.nextEpoch() {
            let xb = MiniBatches.gather(rows: indices, from: x), yb = MiniBatches.gather(rows: indices, from: y)
            optimizer.zeroGradients()
            var loss = 0.0
            let scale = 1 / Float(indices.count)
            for b in 0 ..< indices.count {
                for o in 0 ..< outputs {
                    var r: Float = -yb[b, o]
                    for k in 0 ..< inputs { r += weight.value[o, k] * xb[b, k] }
                    loss += Double(r * r) / 2
                    for k in 0 ..< inputs { weight.gradient[o, k] += scale * r * xb[b, k] }
                }
            }
            loss /= Double(indices.count)
            if firstLoss < 0 { firstLoss = loss }
            lastLoss = loss
            clipGradientNorm([weight], maxNorm: 5)
            optimizer.learningRate = schedule.learningRate(at: step)
            optimizer.step()
            step += 1
        }
    }
    return (weight.value.values, firstLoss, lastLoss)
}

@Suite("Optimizer reproducibility")
struct OptimizerReproducibilityTests {
    @Test("same seed, same weights after training, bit for bit")
    func sameSeedSameWeights() {
        let a = trainRegression(seed: 42), b = trainRegression(seed: 42), c = trainRegression(seed: 43)
        #expect(a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern))
        #expect(a.weights.map(\.bitPattern) != c.weights.map(\.bitPattern))
        #expect(a.lastLoss < a.firstLoss / 100, "loss \(a.firstLoss) → \(a.lastLoss)")
    }
}
