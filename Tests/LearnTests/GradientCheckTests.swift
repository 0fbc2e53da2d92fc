import Foundation
import Testing
@testable import Learn
import SimCore

/// Finite-difference checks of every backward pass and every loss gradient, in Float32 with
/// central differences (step h = 1e-2) of the scalar objective L = Σ output ⊙ R for fixed random
/// weights R (accumulated in Double). The error of each gradient is ‖analytic − numeric‖ /
/// max(‖analytic‖, ‖numeric‖), required below 1e-2.
enum GradCheck {
    static let step: Float = 1e-2
    static let tolerance = 1e-2

    static func random(_ shape: [Int], seed: UInt32, low: Float = -1, high: Float = 1) -> Tensor {
        let r = RNGStream(gslSeed: seed)
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, values: (0 ..< n).map { _ in low + (high - low) * Float(r.uniform()) })
    }

    static func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var diff = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            let x = Double(a[i]), y = Double(b[i])
            diff += (x - y) * (x - y); na += x * x; nb += y * y
        }
        let scale = max(na.squareRoot(), nb.squareRoot())
        return scale < 1e-12 ? diff.squareRoot() : diff.squareRoot() / scale
    }

    static func dot(_ t: Tensor, _ r: Tensor) -> Double {
        var s = 0.0
        for i in t.values.indices { s += Double(t.values[i]) * Double(r.values[i]) }
        return s
    }

    /// Numeric gradient of `f` with respect to the elements read and written through `get`/`set`.
    static func numeric(count: Int, get: (Int) -> Float, set: (Int, Float) -> Void, f: () -> Double) -> [Float] {
        (0 ..< count).map { i in
            let x0 = get(i)
            set(i, x0 + step); let fp = f()
            set(i, x0 - step); let fm = f()
            set(i, x0)
            return Float((fp - fm) / Double(2 * step))
        }
    }

    /// Errors of the input gradient ("input") and of each parameter gradient (by name).
    static func check(_ layer: any Layer, input: Tensor, training: Bool = false, seed: UInt32 = 99,
                      checkInput: Bool = true) -> [(String, Double)] {
        for p in layer.parameters { p.zeroGradient() }
        let out = layer.forward(input, training: training)
        let r = random(out.shape, seed: seed)
        let dx = layer.backward(r)
        var results: [(String, Double)] = []
        if checkInput {
            var x = input
            let num = numeric(count: x.count, get: { x.values[$0] }, set: { x.values[$0] = $1 },
                              f: { dot(layer.forward(x, training: training), r) })
            results.append(("input", relativeError(dx.values, num)))
        }
        for p in layer.parameters {
            let analytic = p.gradient.values
            let num = numeric(count: p.value.count, get: { p.value.values[$0] }, set: { p.value.values[$0] = $1 },
                              f: { dot(layer.forward(input, training: training), r) })
            results.append((p.name, relativeError(analytic, num)))
        }
        return results
    }

    static func expectSmall(_ results: [(String, Double)], _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!results.isEmpty, sourceLocation: sourceLocation)
        for (name, err) in results {
            #expect(err < tolerance, "\(what) \(name): relative error \(err)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("GradientCheck: layers")
struct GradientCheckLayerTests {
    @Test func linear() {
        let layer = Linear(inputs: 5, outputs: 4, rng: RNGStream(gslSeed: 1))
        GradCheck.expectSmall(GradCheck.check(layer, input: GradCheck.random([3, 5], seed: 2)), "Linear")
    }

    @Test func reluAwayFromKink() {
        // Inputs with |x| ≥ 0.2 so that ±h never crosses the kink at 0.
        var x = GradCheck.random([3, 6], seed: 3, low: 0.2, high: 1)
        for i in stride(from: 0, to: x.count, by: 2) { x.values[i] = -x.values[i] }
        GradCheck.expectSmall(GradCheck.check(ReLU(), input: x), "ReLU")
        GradCheck.expectSmall(GradCheck.check(LeakyReLU(slope: 0.1), input: x), "LeakyReLU")
    }

    @Test func smoothActivations() {
        let x = GradCheck.random([3, 7], seed: 4, low: -2, high: 2)
        GradCheck.expectSmall(GradCheck.check(SiLU(), input: x), "SiLU")
        GradCheck.expectSmall(GradCheck.check(Tanh(), input: x), "Tanh")
        GradCheck.expectSmall(GradCheck.check(Sigmoid(), input: x), "Sigmoid")
        GradCheck.expectSmall(GradCheck.check(Softmax(), input: x), "Softmax")
        GradCheck.expectSmall(GradCheck.check(LogSoftmax(), input: x), "LogSoftmax")
    }

    @Test func layerNorm() {
        let layer = LayerNorm(features: 6)
        layer.gain.value = GradCheck.random([6], seed: 5, low: 0.5, high: 1.5)
        layer.bias.value = GradCheck.random([6], seed: 6)
        GradCheck.expectSmall(GradCheck.check(layer, input: GradCheck.random([4, 6], seed: 7, low: -2, high: 2)), "LayerNorm")
    }

    @Test func sequentialMLP() {
        let rng = RNGStream(gslSeed: 8)
        let model = Sequential(Linear(inputs: 4, outputs: 6, rng: rng), Tanh(),
                               Linear(inputs: 6, outputs: 5, rng: rng), SiLU(),
                               LayerNorm(features: 5), Linear(inputs: 5, outputs: 3, rng: rng))
        GradCheck.expectSmall(GradCheck.check(model, input: GradCheck.random([3, 4], seed: 9)), "Sequential")
    }

    @Test func embedding() {
        let layer = Embedding(count: 5, dimension: 3, rng: RNGStream(gslSeed: 10))
        let idx = Tensor(shape: [4, 1], values: [0, 3, 3, 1])   // a repeated index accumulates
        GradCheck.expectSmall(GradCheck.check(layer, input: idx, checkInput: false), "Embedding")
        let dx = layer.backward(GradCheck.random([4, 3], seed: 11))
        #expect(dx.shape == [4, 1] && dx.values.allSatisfy { $0 == 0 })
    }

    @Test func sinusoidalTimeEmbedding() {
        let layer = SinusoidalTimeEmbedding(dimension: 8)
        GradCheck.expectSmall(GradCheck.check(layer, input: Tensor(shape: [3], values: [0.3, 1.7, 5.2])), "SinusoidalTimeEmbedding")
    }

    @Test func conv1D() {
        let layer = Conv1D(inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 1, rng: RNGStream(gslSeed: 12))
        GradCheck.expectSmall(GradCheck.check(layer, input: GradCheck.random([2, 2, 7], seed: 13)), "Conv1D")
        let plain = Conv1D(inChannels: 3, outChannels: 2, kernel: 2, rng: RNGStream(gslSeed: 14))
        GradCheck.expectSmall(GradCheck.check(plain, input: GradCheck.random([1, 3, 5], seed: 15)), "Conv1D (stride 1)")
    }

    @Test func dropoutWithFixedMask() {
        // The mask is fixed by re-seeding: every evaluation uses a fresh layer on a copy of the same stream.
        let seed = RNGStream(gslSeed: 16)
        let x = GradCheck.random([4, 5], seed: 17)
        let r = GradCheck.random([4, 5], seed: 18)
        let layer = Dropout(rate: 0.4, rng: seed.copy())
        _ = layer.forward(x, training: true)
        let dx = layer.backward(r)
        var xv = x
        let num = GradCheck.numeric(count: x.count, get: { xv.values[$0] }, set: { xv.values[$0] = $1 }, f: {
            GradCheck.dot(Dropout(rate: 0.4, rng: seed.copy()).forward(xv, training: true), r)
        })
        #expect(GradCheck.relativeError(dx.values, num) < GradCheck.tolerance)
    }
}

@Suite("GradientCheck: losses")
struct GradientCheckLossTests {
    static func check(_ x: Tensor, _ loss: (Tensor) -> (Float, Tensor)) -> Double {
        let analytic = loss(x).1
        var xv = x
        let num = GradCheck.numeric(count: x.count, get: { xv.values[$0] }, set: { xv.values[$0] = $1 },
                                    f: { Double(loss(xv).0) })
        return GradCheck.relativeError(analytic.values, num)
    }

    @Test func mse() {
        let y = GradCheck.random([4, 3], seed: 20)
        #expect(Self.check(GradCheck.random([4, 3], seed: 21)) { Loss.mse($0, y) } < GradCheck.tolerance)
    }

    @Test func binaryCrossEntropy() {
        let y = GradCheck.random([4, 3], seed: 22, low: 0, high: 1)
        #expect(Self.check(GradCheck.random([4, 3], seed: 23, low: -3, high: 3)) {
            Loss.binaryCrossEntropyWithLogits($0, y)
        } < GradCheck.tolerance)
    }

    @Test func categoricalCrossEntropy() {
        let labels = [2, 0, 4]
        #expect(Self.check(GradCheck.random([3, 5], seed: 24, low: -2, high: 2)) {
            Loss.crossEntropyWithLogits($0, labels: labels)
        } < GradCheck.tolerance)
    }

    @Test func gaussianNLL() {
        let mu = GradCheck.random([3, 4], seed: 25)
        let lv = GradCheck.random([3, 4], seed: 26, low: -1, high: 1)
        let y = GradCheck.random([3, 4], seed: 27, low: -2, high: 2)
        #expect(Self.check(mu) { let r = Loss.gaussianNLL(mean: $0, logVariance: lv, target: y); return (r.value, r.meanGradient) } < GradCheck.tolerance)
        #expect(Self.check(lv) { let r = Loss.gaussianNLL(mean: mu, logVariance: $0, target: y); return (r.value, r.logVarianceGradient) } < GradCheck.tolerance)
    }

    @Test func klStandardNormal() {
        let mu = GradCheck.random([3, 4], seed: 28)
        let lv = GradCheck.random([3, 4], seed: 29, low: -1, high: 1)
        #expect(Self.check(mu) { let r = Loss.klStandardNormal(mean: $0, logVariance: lv); return (r.value, r.meanGradient) } < GradCheck.tolerance)
        #expect(Self.check(lv) { let r = Loss.klStandardNormal(mean: mu, logVariance: $0); return (r.value, r.logVarianceGradient) } < GradCheck.tolerance)
    }
}
