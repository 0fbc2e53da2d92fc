import Foundation
import Learn
import Testing

/// CartPole-v1 and Pendulum-v1 step for step against gymnasium 1.4.0's reference trajectories
/// (the values of ../shared/reference/ml/classic-control.md: states after each step from a given state).
@Suite("Classic-control environments")
struct ClassicControlTests {
    @Test("CartPole-v1 from gymnasium's reset(seed=42) state: the published steps to 1e-12")
    func cartPoleTrajectory() {
        let env = CartPole()
        env.state = [0.027395604855596334, -0.006112156024794771, 0.03585979199113824, 0.019736802905936393]
        let expected: [(Int, [Double])] = [
            (1, [0.02727336173510044, 0.18847766618842926, 0.03625452804925697, -0.26141976017845603]),
            (0, [0.031042915058869025, -0.007142550327267516, 0.031026132845687848, 0.04247424107791564]),
            (0, [0.030900064052323675, -0.20269535212492815, 0.03187561766724616, 0.34478249235933117]),
            (1, [0.026846157009825112, -0.008041004922538925, 0.038771267514432786, 0.06231913833193081]),
        ]
        for (action, state) in expected {
            let r = env.step(action: action)
            for i in 0 ..< 4 { #expect(abs(env.state[i] - state[i]) < 1e-12, "component \(i)") }
            #expect(r.observation == state.map(Float.init))
            #expect(r.reward == 1 && !r.terminated && !r.truncated)
        }
    }

    @Test("CartPole terminates past 12° or 2.4 m (strictly), with reward 1 on that step; truncates at 500")
    func cartPoleEpisodes() {
        let env = CartPole()
        // Always right from a near-upright start: the pole falls left past 12° within a few dozen steps.
        env.reset(seed: 0)
        var steps = 0, result: StepResult
        repeat { result = env.step(action: 1); steps += 1 } while !result.done
        #expect(result.terminated && !result.truncated && result.reward == 1)
        #expect(env.state[2] < -CartPole.thetaThreshold)
        #expect(steps > 5 && steps < 60)
        // A balanced start with alternating pushes never falls within a 3-step limit: truncation.
        let short = CartPole(maxEpisodeSteps: 3)
        short.state = [0, 0, 0, 0]
        _ = short.step(action: 1); _ = short.step(action: 0)
        let last = short.step(action: 1)
        #expect(last.truncated && !last.terminated)
        // Same seed, same start; reset bounds ±0.05.
        let a = CartPole(), b = CartPole()
        #expect(a.reset(seed: 7) == b.reset(seed: 7) && a.reset(seed: 7) != b.reset(seed: 8))
        #expect(a.state.allSatisfy { abs($0) <= 0.05 })
    }

    @Test("Pendulum-v1 from gymnasium's reset(seed=42) state: states to 1e-12 and rewards to 1e-9 for 10 steps")
    func pendulumTrajectory() {
        let env = Pendulum()
        env.state = [1.721316619099806, -0.12224312049589536]
        let expected: [(Float, Double, Double, Double)] = [
            (0.0, 1.752280457797398, 0.6192767739518423, -2.9644252412400434),
            (2.0, 1.8351284304706075, 1.6569594534641898, -3.1128371752442687),
            (-2.0, 1.9391739236631522, 2.0809098638508963, -3.6462478195539405),
            (1.5, 2.0894536470179212, 3.0055944670953805, -4.195664092498315),
            (-0.5, 2.2685515784280357, 3.581958628202291, -5.269426353111801),
            (3.0, 2.491385248551613, 4.456673402471545, -6.433369025593605),
            (-3.0, 2.721919600094273, 4.610687030853207, -8.1971942385203),
            (0.25, 2.9696087728882086, 4.953783455878705, -9.53475229902813),
            (0.0, 3.223715594336552, 5.082136428966867, -11.272573316788367),
            (2.0, 3.4897462659128107, 5.320613431525177, -11.94716599225704),
        ]
        for (u, th, thDot, reward) in expected {
            let r = env.step(torque: u)
            #expect(abs(env.state[0] - th) < 1e-12 && abs(env.state[1] - thDot) < 1e-12, "u \(u)")
            #expect(abs(r.reward - reward) < 1e-9, "reward \(r.reward) vs \(reward)")
            #expect(r.observation == [Float(cos(th)), Float(sin(th)), Float(thDot)])
        }
    }

    @Test("Pendulum: floored angle normalisation, speed clip at 8, never terminates, truncates at 200")
    func pendulumRules() {
        #expect(Pendulum.angleNormalize(.pi) == -.pi)
        #expect(abs(Pendulum.angleNormalize(-3 * .pi / 2) - .pi / 2) < 1e-12)
        #expect(abs(Pendulum.angleNormalize(7) - (7 - 2 * .pi)) < 1e-12)
        let env = Pendulum()
        env.state = [.pi / 2, 7.9]
        _ = env.step(torque: 2)
        #expect(env.state[1] == 8)
        env.reset(seed: 3)
        var last = env.step(torque: 0)
        for _ in 1 ..< 200 { #expect(!last.done); last = env.step(torque: 0) }
        #expect(last.truncated && !last.terminated && env.steps == 200)
        // The worst cost: θ = π, θ̇ = 8, |u| = 2 → 16.2736044 (the documented reward range).
        env.state = [.pi, 8]
        #expect(abs(env.step(torque: 2).reward + 16.2736044) < 1e-6)
    }
}
