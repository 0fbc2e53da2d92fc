import Foundation
import Testing
@testable import Learn

private func near(_ a: Float, _ b: Double) -> Bool { abs(Double(a) - b) < 1e-7 }

@Suite("Schedule")
struct ScheduleTests {
    /// PyTorch LinearLR closed form: base·(s + (e − s)·min(t, T)/T); base 0.1, s = 0.25, e = 1, T = 4.
    @Test("LinearSchedule matches PyTorch LinearLR")
    func linear() {
        let s = LinearSchedule(base: 0.1, startFactor: 0.25, endFactor: 1, steps: 4)
        #expect(near(s.learningRate(at: 0), 0.025))
        #expect(near(s.learningRate(at: 2), 0.0625))  // 0.1·(0.25 + 0.75·0.5)
        #expect(near(s.learningRate(at: 4), 0.1))
        #expect(near(s.learningRate(at: 100), 0.1))
        let decay = LinearSchedule(base: 1, startFactor: 1, endFactor: 0, steps: 10)
        #expect(near(decay.learningRate(at: 3), 0.7))
        #expect(near(decay.learningRate(at: 11), 0))
    }

    /// Warm-up 4 to peak 1, then linear to floor 0.2 at step 12.
    @Test("warm-up then linear decay")
    func warmupLinear() {
        let s = WarmupLinearDecaySchedule(peak: 1, warmupSteps: 4, totalSteps: 12, floor: 0.2)
        #expect(near(s.learningRate(at: 0), 0))
        #expect(near(s.learningRate(at: 2), 0.5))
        #expect(near(s.learningRate(at: 4), 1))
        #expect(near(s.learningRate(at: 8), 0.6))  // 0.2 + 0.8·4/8
        #expect(near(s.learningRate(at: 12), 0.2))
        #expect(near(s.learningRate(at: 50), 0.2))
    }

    /// PyTorch CosineAnnealingLR: η_min + (base − η_min)(1 + cos(π t/T))/2.
    @Test("cosine annealing matches CosineAnnealingLR, with warm-up and floor")
    func cosine() {
        let s = CosineSchedule(peak: 1, totalSteps: 10)
        #expect(near(s.learningRate(at: 0), 1))
        #expect(near(s.learningRate(at: 5), 0.5))
        #expect(near(s.learningRate(at: 10), 0))
        for t in 0 ... 10 {
            let torch = 0.01 + (0.3 - 0.01) * (1 + cos(Double.pi * Double(t) / 10)) / 2
            #expect(near(CosineSchedule(peak: 0.3, totalSteps: 10, floor: 0.01).learningRate(at: t), torch))
        }
        let floored = CosineSchedule(peak: 1, totalSteps: 10, floor: 0.1)
        #expect(near(floored.learningRate(at: 5), 0.55))
        #expect(near(floored.learningRate(at: 20), 0.1))
        let warm = CosineSchedule(peak: 1, totalSteps: 12, warmupSteps: 2)
        #expect(near(warm.learningRate(at: 0), 0))
        #expect(near(warm.learningRate(at: 1), 0.5))
        #expect(near(warm.learningRate(at: 2), 1))
        #expect(near(warm.learningRate(at: 7), 0.5))  // progress 5/10
        #expect(near(warm.learningRate(at: 12), 0))
    }

    @Test("constant schedule")
    func constant() {
        #expect(ConstantSchedule(0.003).learningRate(at: 12345) == 0.003)
    }
}
