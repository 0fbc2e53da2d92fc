import Foundation
import Learn
import Testing

@Suite("PPO pieces: GAE and the clipped losses")
struct PPOMathTests {
    @Test("GAE on a hand-computed 3-step rollout with a termination and a bootstrap (γ = λ = 0.5)")
    func gae() {
        // t=2: δ = 3 + 0.5·2 − 1.5 = 2.5 → A = 2.5;  t=1 (terminated): δ = 2 − 1 = 1 → A = 1;
        // t=0: δ = 1 + 0.5·1 − 0.5 = 1 → A = 1 + 0.25·1 = 1.25.  Returns = A + V.
        let (a, r) = GAE.compute(rewards: [1, 2, 3], values: [0.5, 1, 1.5], nextValues: [1, 0, 2],
                                 episodeEnds: [false, true, false], gamma: 0.5, lambda: 0.5)
        #expect(a == [1.25, 1, 2.5])
        #expect(r == [1.75, 2, 4])
        // λ = 1 without episode ends: discounted returns minus values (Monte Carlo with bootstrap).
        let (a1, _) = GAE.compute(rewards: [1, 1, 1], values: [0, 0, 0], nextValues: [0, 0, 10],
                                  episodeEnds: [false, false, false], gamma: 0.9, lambda: 1)
        #expect(abs(a1[0] - (1 + 0.9 + 0.81 + 0.729 * 10)) < 1e-12)
    }

    @Test("clipped surrogate: loss, gradient, clip fraction and KL on a hand-computed batch (ε = 0.2)")
    func clippedSurrogate() {
        // ρ = 1.5, A = 2: clipped 2.4 < 3 → constant;  ρ = 0.9, A = 1: equal → unclipped, ∂ = −0.9/4;
        // ρ = 0.5, A = −1: clipped −0.8 < −0.5 → constant;  ρ = 1.5, A = −1: unclipped −1.5 → ∂ = +1.5/4.
        let new = [log(1.5), log(0.9), log(0.5), log(1.5)]
        let p = PPOLoss.clippedSurrogate(newLogProbabilities: new, oldLogProbabilities: [0, 0, 0, 0],
                                         advantages: [2, 1, -1, -1], clip: 0.2)
        #expect(abs(p.loss - -0.25) < 1e-12)
        #expect(abs(p.gradient[0]) == 0 && abs(p.gradient[1] - -0.225) < 1e-12 && p.gradient[2] == 0
                && abs(p.gradient[3] - 0.375) < 1e-12)
        #expect(p.clipFraction == 0.75)
        let kl = ((0.5 - log(1.5)) * 2 + (-0.1 - log(0.9)) + (-0.5 - log(0.5))) / 4
        #expect(abs(p.approximateKL - kl) < 1e-12 && abs(p.approximateKL - 0.09689437) < 1e-8)
        // The gradient is the derivative of the loss (central differences where the loss is smooth).
        for i in [1, 3] {
            var up = new, down = new
            up[i] += 1e-6; down[i] -= 1e-6
            let lUp = PPOLoss.clippedSurrogate(newLogProbabilities: up, oldLogProbabilities: [0, 0, 0, 0],
                                               advantages: [2, 1, -1, -1], clip: 0.2).loss
            let lDown = PPOLoss.clippedSurrogate(newLogProbabilities: down, oldLogProbabilities: [0, 0, 0, 0],
                                                 advantages: [2, 1, -1, -1], clip: 0.2).loss
            #expect(abs((lUp - lDown) / 2e-6 - p.gradient[i]) < 1e-6)
        }
    }

    @Test("value loss: plain ½·MSE and CleanRL's clipped form")
    func valueLoss() {
        let plain = PPOLoss.value(predictions: [1, 2], returns: [0, 4])
        #expect(plain.loss == 1.25 && plain.gradient == [0.5, -1])
        // V = 3 moved from V_old = 1 towards R = 3.5 by more than c = 0.2: the clipped error (1.2 − 3.5)²
        // = 5.29 is larger, so it counts, and it does not move with V.
        let clipped = PPOLoss.value(predictions: [3], returns: [3.5], oldValues: [1], clip: 0.2)
        #expect(abs(clipped.loss - 2.645) < 1e-12 && clipped.gradient == [0])
    }
}
