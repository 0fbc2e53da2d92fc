import Foundation
import Testing
@testable import Learn
import SimCore

@Suite("Layer")
struct LayerTests {
    @Test("Linear computes x·Wᵀ + b with W stored [outputs, inputs]")
    func linearForward() {
        let layer = Linear(inputs: 3, outputs: 2, rng: RNGStream(gslSeed: 1))
        layer.weight.value = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        layer.bias.value = Tensor(shape: [2], values: [0.5, -1])
        let y = layer.forward(Tensor(shape: [2, 3], values: [1, 0, -1, 2, 1, 0]), training: false)
        #expect(y.shape == [2, 2])
        let expected: [Float] = [-1.5, -3, 4.5, 12]
        #expect(y.values == expected)
        // Default init: uniform on ±1/√inputs, reproducible from the seed.
        let a = Linear(inputs: 16, outputs: 8, rng: RNGStream(gslSeed: 3))
        let b = Linear(inputs: 16, outputs: 8, rng: RNGStream(gslSeed: 3))
        #expect(a.weight.value == b.weight.value)
        #expect(a.weight.value.values.allSatisfy { abs($0) <= 0.25 })
    }

    @Test("softmax rows sum to 1, log-softmax = log(softmax), stable for large logits")
    func softmax() {
        let x = Tensor(shape: [3, 4], values: [1, 2, 3, 4, -1, 0, 1, 0.5, 1000, 999, 998, -1000])
        let p = Softmax().forward(x, training: false)
        let lp = LogSoftmax().forward(x, training: false)
        for r in 0 ..< 3 {
            var s: Float = 0
            for j in 0 ..< 4 { s += p[r, j]; #expect(abs(lp[r, j] - Foundation.log(max(p[r, j], .leastNormalMagnitude))) < 1e-4 || p[r, j] == 0) }
            #expect(abs(s - 1) < 1e-6)
        }
        #expect(lp.values.allSatisfy { $0.isFinite })
        #expect(abs(lp[2, 0] - (-Foundation.log(1 + Foundation.exp(-1) + Foundation.exp(-2)))) < 1e-4)
    }

    @Test("activations at known values")
    func activations() {
        let x = Tensor(shape: [4], values: [-2, -0.5, 0.5, 2])
        #expect(ReLU().forward(x, training: false).values == [0, 0, 0.5, 2])
        #expect(LeakyReLU(slope: 0.1).forward(x, training: false).values == [-0.2, -0.05, 0.5, 2])
        let s = Sigmoid().forward(x, training: false).values
        let t = Tanh().forward(x, training: false).values
        let si = SiLU().forward(x, training: false).values
        for i in 0 ..< 4 {
            let v = x.values[i]
            #expect(abs(s[i] - 1 / (1 + Foundation.exp(-v))) < 1e-6)
            #expect(abs(t[i] - Foundation.tanh(v)) < 1e-6)
            #expect(abs(si[i] - v / (1 + Foundation.exp(-v))) < 1e-6)
        }
    }

    @Test("LayerNorm output has mean 0 and variance 1 per row before gain and bias")
    func layerNorm() {
        let layer = LayerNorm(features: 8)
        let x = GradCheck.random([5, 8], seed: 2, low: -3, high: 7)
        let y = layer.forward(x, training: false)
        for r in 0 ..< 5 {
            var m = 0.0, v = 0.0
            for j in 0 ..< 8 { m += Double(y[r, j]) }
            m /= 8
            for j in 0 ..< 8 { v += (Double(y[r, j]) - m) * (Double(y[r, j]) - m) }
            v /= 8
            #expect(abs(m) < 1e-5)
            #expect(abs(v - 1) < 1e-3)   // eps = 1e-5 shrinks it slightly
        }
        layer.gain.value = Tensor(shape: [8], repeating: 2)
        layer.bias.value = Tensor(shape: [8], repeating: 1)
        let z = layer.forward(x, training: false)
        for i in 0 ..< z.count { #expect(abs(z.values[i] - (2 * y.values[i] + 1)) < 1e-5) }
    }

    @Test("dropout keeps ≈ 1 − p, scales by 1/(1 − p), same seed same mask, identity in inference")
    func dropout() {
        let p: Float = 0.3
        let x = Tensor.ones([200, 100])
        let a = Dropout(rate: p, rng: RNGStream(gslSeed: 5))
        let ya = a.forward(x, training: true)
        let kept = ya.values.filter { $0 != 0 }
        let fraction = Double(kept.count) / Double(x.count)
        #expect(abs(fraction - 0.7) < 0.01)   // σ of the fraction ≈ 0.0032
        #expect(kept.allSatisfy { abs($0 - 1 / (1 - p)) < 1e-6 })
        let yb = Dropout(rate: p, rng: RNGStream(gslSeed: 5)).forward(x, training: true)
        #expect(ya == yb)
        let g = a.backward(Tensor(shape: x.shape, repeating: 2))
        for i in 0 ..< x.count { #expect(g.values[i] == 2 * ya.values[i]) }
        #expect(a.forward(x, training: false) == x)
        #expect(a.backward(x) == x)
    }

    @Test("Sequential names parameters by index and concatenates them in order")
    func sequentialNames() {
        let rng = RNGStream(gslSeed: 6)
        let inner = Sequential(Linear(inputs: 3, outputs: 3, rng: rng), ReLU())
        let model = Sequential(Linear(inputs: 2, outputs: 3, rng: rng), Tanh(), inner, LayerNorm(features: 3))
        #expect(model.parameters.map(\.name) == ["0.weight", "0.bias", "2.0.weight", "2.0.bias", "3.weight", "3.bias"])
        #expect(Set(model.parameters.map(\.name)).count == model.parameters.count)
    }

    @Test("Embedding looks up rows; repeated indices accumulate gradient")
    func embedding() {
        let layer = Embedding(count: 4, dimension: 2, rng: RNGStream(gslSeed: 7))
        layer.weight.value = Tensor(shape: [4, 2], values: [0, 1, 10, 11, 20, 21, 30, 31])
        let y = layer.forward(Tensor(shape: [3], values: [2, 0, 2]), training: true)
        #expect(y.shape == [3, 2] && y.values == [20, 21, 0, 1, 20, 21])
        _ = layer.backward(Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6]))
        #expect(layer.weight.gradient.values == [3, 4, 0, 0, 6, 8, 0, 0])
    }

    @Test("sinusoidal time embedding at known values")
    func sinusoidal() {
        let layer = SinusoidalTimeEmbedding(dimension: 4)   // half 2: frequencies 1 and 10000^(−1/2) = 0.01
        #expect(abs(layer.frequencies[0] - 1) < 1e-7 && abs(layer.frequencies[1] - 0.01) < 1e-7)
        let y = layer.forward(Tensor(shape: [2, 1], values: [0, 1]), training: false)
        #expect(y.shape == [2, 4])
        #expect(y.values[0 ..< 4] == [0, 0, 1, 1])
        let expected: [Float] = [Foundation.sin(1), Foundation.sin(0.01), Foundation.cos(1), Foundation.cos(0.01)]
        for j in 0 ..< 4 { #expect(abs(y.values[4 + j] - expected[j]) < 1e-6) }
        let odd = SinusoidalTimeEmbedding(dimension: 5).forward(Tensor(shape: [1], values: [3]), training: false)
        #expect(odd.shape == [1, 5] && odd.values[4] == 0)
    }

    @Test("Conv1D matches a direct convolution with stride and padding")
    func conv1D() {
        let layer = Conv1D(inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 1, rng: RNGStream(gslSeed: 8))
        let x = GradCheck.random([2, 2, 8], seed: 9)
        let y = layer.forward(x, training: false)
        let lo = (8 + 2 - 3) / 2 + 1
        #expect(y.shape == [2, 3, lo])
        let w = layer.weight.value.values, b = layer.bias.value.values
        for n in 0 ..< 2 {
            for co in 0 ..< 3 {
                for o in 0 ..< lo {
                    var s = Double(b[co])
                    for c in 0 ..< 2 {
                        for k in 0 ..< 3 {
                            let i = o * 2 + k - 1
                            if i >= 0 && i < 8 { s += Double(w[(co * 2 + c) * 3 + k]) * Double(x.values[(n * 2 + c) * 8 + i]) }
                        }
                    }
                    #expect(abs(Double(y.values[(n * 3 + co) * lo + o]) - s) < 1e-5)
                }
            }
        }
    }

    /// An MLP 2→8→1 (Tanh hidden layer, linear output) fits XOR with plain full-batch gradient
    /// descent (p.value −= lr·p.gradient, lr 0.1) to MSE < 0.01 within 1,000 steps (252 with seed 42).
    @Test("MLP fits XOR with plain gradient descent")
    func xor() {
        let rng = RNGStream(gslSeed: 42)
        let model = Sequential(Linear(inputs: 2, outputs: 8, rng: rng), Tanh(), Linear(inputs: 8, outputs: 1, rng: rng))
        let x = Tensor(shape: [4, 2], values: [0, 0, 0, 1, 1, 0, 1, 1])
        let y = Tensor(shape: [4, 1], values: [0, 1, 1, 0])
        let lr: Float = 0.1
        var loss: Float = 1
        var steps = 0
        while steps < 1000 && loss >= 0.01 {
            model.zeroGradients()
            let (value, g) = Loss.mse(model.forward(x, training: true), y)
            loss = value
            _ = model.backward(g)
            for p in model.parameters { p.value.add(p.gradient, scale: -lr) }
            steps += 1
        }
        #expect(loss < 0.01, "MSE \(loss) after \(steps) steps")
    }
}
