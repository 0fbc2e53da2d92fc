import Foundation
import Testing
@testable import Learn
import SimCore

@Suite("Loss")
struct LossTests {
    @Test("MSE is the mean over all elements")
    func mse() {
        let r = Loss.mse(Tensor(shape: [2, 2], values: [1, 2, 3, 4]), Tensor(shape: [2, 2], values: [1, 0, 3, 2]))
        #expect(r.value == 2)                     // (0 + 4 + 0 + 4)/4
        #expect(r.gradient.values == [0, 1, 0, 1]) // 2(p − y)/4
    }

    @Test("binary cross-entropy with logits is stable and matches −y log σ − (1−y) log(1−σ)")
    func bce() {
        let big = Loss.binaryCrossEntropyWithLogits(Tensor(shape: [2], values: [100, -100]), Tensor(shape: [2], values: [0, 1]))
        #expect(abs(big.value - 100) < 1e-3 && big.value.isFinite)
        let x: Float = 0.7, y: Float = 0.3
        let s = 1 / (1 + Foundation.exp(-x))
        let r = Loss.binaryCrossEntropyWithLogits(Tensor(shape: [1], values: [x]), Tensor(shape: [1], values: [y]))
        #expect(abs(r.value - (-y * Foundation.log(s) - (1 - y) * Foundation.log(1 - s))) < 1e-6)
        #expect(abs(r.gradient.values[0] - (s - y)) < 1e-6)
    }

    @Test("categorical cross-entropy: log C for equal logits, stable for large ones")
    func crossEntropy() {
        let r = Loss.crossEntropyWithLogits(Tensor.zeros([2, 4]), labels: [1, 3])
        #expect(abs(r.value - Foundation.log(4)) < 1e-6)
        #expect(abs(r.gradient.values[1] - (0.25 - 1) / 2) < 1e-6 && abs(r.gradient.values[0] - 0.25 / 2) < 1e-6)
        let big = Loss.crossEntropyWithLogits(Tensor(shape: [1, 2], values: [1000, 0]), labels: [1])
        #expect(abs(big.value - 1000) < 1e-2)
    }

    @Test("Gaussian NLL and KL at closed-form values")
    func gaussian() {
        // N(0,1) at y = 1: ½(0 + 1 + log 2π) per feature; two features, one row.
        let nll = Loss.gaussianNLL(mean: .zeros([1, 2]), logVariance: .zeros([1, 2]), target: .ones([1, 2]))
        #expect(abs(nll.value - Float(1 + Foundation.log(2 * Double.pi))) < 1e-5)
        let kl0 = Loss.klStandardNormal(mean: .zeros([3, 2]), logVariance: .zeros([3, 2]))
        #expect(kl0.value == 0 && kl0.meanGradient.values.allSatisfy { $0 == 0 })
        // KL(N(1, e²) ‖ N(0,1)) = ½(σ² + μ² − 1 − log σ²) = ½(e² + 1 − 1 − 2), two rows averaged.
        let kl = Loss.klStandardNormal(mean: .ones([2, 1]), logVariance: Tensor(shape: [2, 1], repeating: 2))
        #expect(abs(kl.value - Float(0.5 * (Foundation.exp(2.0) - 2))) < 1e-5)
    }
}
