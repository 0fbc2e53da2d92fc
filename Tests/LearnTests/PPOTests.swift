import Foundation
import Testing
@testable import Learn
import SimCore

/// A two-step episode with a known reward, for checking the vector environment's bookkeeping.
final class CountingEnvironment: RLEnvironment {
    let id = "Counting-v0"
    let observationSize = 2
    let actionSpace: ActionSpace
    let length: Int
    let terminates: Bool
    var t = 0
    var lastAction: [Float] = []
    var seeds: [UInt64] = []

    init(actionSpace: ActionSpace = .box(low: [-1], high: [1]), length: Int = 2, terminates: Bool = true) {
        self.actionSpace = actionSpace
        self.length = length
        self.terminates = terminates
    }

    func reset(seed: UInt64) -> [Float] {
        seeds.append(seed)
        t = 0
        return [0, Float(seed % 7)]
    }

    func step(_ action: [Float]) -> StepResult {
        lastAction = action
        t += 1
        let end = t >= length
        return StepResult(observation: [Float(t), 0], reward: Double(t), terminated: end && terminates, truncated: end && !terminates)
    }
}

@Suite struct PPOTests {
    @Test func simdTanhMatchesTanhToAFewUlps() {
        var worstRelative = 0.0, worstAbsolute = 0.0
        var x: Float = -12
        var values: [Float] = []
        while x <= 12 { values.append(x); x += 0.00137 }
        values += [0, 1e-30, -1e-20, 1e-8, 3e-5, -0.01, 0.1733, 0.1734, 8.99, 9, 9.01, 50, -1e10]
        for chunk in stride(from: 0, to: values.count, by: 16) {
            var v = SIMD16<Float>()
            for j in 0 ..< 16 { v[j] = values[min(chunk + j, values.count - 1)] }
            let y = simdTanh(v)
            for j in 0 ..< 16 {
                let exact = Foundation.tanh(Double(v[j]))
                worstAbsolute = max(worstAbsolute, abs(Double(y[j]) - exact))
                if exact != 0 { worstRelative = max(worstRelative, abs(Double(y[j]) - exact) / abs(exact)) }
                #expect(abs(y[j]) <= 1)
            }
        }
        // Float's unit roundoff is 6e-8: a few ulps.
        #expect(worstRelative < 4e-7, "relative error \(worstRelative)")
        #expect(worstAbsolute < 2e-7, "absolute error \(worstAbsolute)")
    }

    @Test func runningMeanStdMergesBatchesLikeOnePass() {
        var s = RunningMeanStd(size: 2)
        let a: [Float] = [1, 10, 2, 20, 3, 30]
        let b: [Float] = [4, 40, 5, 50]
        s.update(a, rows: 3)
        s.update(b, rows: 2)
        // Five vectors plus the prior of count 1e-4 at mean 0, variance 1.
        let n = 5.0, c0 = 1e-4
        for (j, scale) in [1.0, 10.0].enumerated() {
            let xs = [1.0, 2, 3, 4, 5].map { $0 * scale }
            let mean = xs.reduce(0, +) / n
            let m2 = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            let expectedMean = mean * n / (n + c0)
            let expectedVar = (1 * c0 + m2 + mean * mean * c0 * n / (n + c0)) / (n + c0)
            #expect(abs(s.mean[j] - expectedMean) < 1e-9 * scale)
            #expect(abs(s.variance[j] - expectedVar) < 1e-9 * scale * scale)
        }
        #expect(abs(s.count - (n + c0)) < 1e-12)
        var x: [Float] = [3, 1000]
        s.normalize(&x, clip: 10)
        #expect(abs(Double(x[0]) - (3 - s.mean[0]) / (s.variance[0] + 1e-8).squareRoot()) < 1e-5)
        #expect(x[1] == 10)  // clipped
    }

    @Test func vectorEnvironmentResetsAutomaticallyAndClipsBoxActions() {
        let envs = [CountingEnvironment(), CountingEnvironment(length: 3, terminates: false)]
        let vector = VectorEnvironment(envs, seed: 5)
        let first = vector.step([[5], [-0.5]])
        #expect(envs[0].lastAction == [1])      // clipped to the box
        #expect(envs[1].lastAction == [-0.5])
        #expect(first.allSatisfy { $0.finalObservation == nil })
        let second = vector.step([[0], [0]])
        #expect(second[0].terminated && second[0].finalObservation == [2, 0])
        #expect(vector.observations[0] == [0, Float(envs[0].seeds[1] % 7)])   // already reset
        let third = vector.step([[0], [0]])
        #expect(third[1].truncated && !third[1].terminated && third[1].finalObservation == [3, 0])
        #expect(vector.episodes.map(\.totalReward) == [3, 6])
        #expect(vector.episodes.map(\.length) == [2, 3])
        #expect(vector.episodes.map(\.environment) == [0, 1])
        #expect(vector.steps == 6)
        // Reset seeds come from the seed's stream: the same seed gives the same ones.
        let again = [CountingEnvironment(), CountingEnvironment()]
        _ = VectorEnvironment(again, seed: 5)
        #expect(again[0].seeds[0] == envs[0].seeds[0] && again[1].seeds[0] == envs[1].seeds[0])
        #expect(envs[0].seeds[0] != envs[1].seeds[0])
    }

    @Test func orthogonalInitialisationWithPPOGains() {
        let net = ActorCritic(observationSize: 4, actionSpace: .discrete(2), rng: RandomStreams(seed: 3).stream("x"))
        let hidden = net.actor.parameters.first { $0.name == "actor.2.weight" }!.value   // 64 × 64
        for i in 0 ..< 64 {
            for j in 0 ..< 64 {
                var dot = 0.0
                for k in 0 ..< 64 { dot += Double(hidden[i, k]) * Double(hidden[j, k]) }
                #expect(abs(dot - (i == j ? 2 : 0)) < 1e-5)   // gain √2
            }
        }
        let head = net.actor.parameters.first { $0.name == "actor.4.weight" }!.value     // 2 × 64
        var rowNorm = 0.0
        for k in 0 ..< 64 { rowNorm += Double(head[0, k] * head[0, k]) }
        #expect(abs(rowNorm.squareRoot() - 0.01) < 1e-7)
        #expect(net.parameters.filter { $0.name.hasSuffix("bias") }.allSatisfy { $0.value.values.allSatisfy { $0 == 0 } })
        #expect(net.parameters.map(\.name) == ["actor.0.weight", "actor.0.bias", "actor.2.weight", "actor.2.bias", "actor.4.weight",
                                               "actor.4.bias", "critic.0.weight", "critic.0.bias", "critic.2.weight",
                                               "critic.2.bias", "critic.4.weight", "critic.4.bias"])
    }

    @Test func categoricalLogProbabilityEntropyAndGradient() {
        let net = ActorCritic(observationSize: 1, actionSpace: .discrete(3), rng: RandomStreams(seed: 1).stream("x"))
        let logits = Tensor(shape: [2, 3], values: [0.5, -1, 2, 0, 0, 0])
        let actions: [Float] = [2, 1]
        let (lp, h) = net.logProbabilities(outputs: logits, actions: actions)
        let z0 = log(exp(0.5) + exp(-1) + exp(2.0))
        #expect(abs(lp[0] - (2 - z0)) < 1e-12)
        #expect(abs(lp[1] - log(1.0 / 3)) < 1e-12)
        #expect(abs(h[1] - log(3.0)) < 1e-12)
        let p0 = [0.5, -1, 2].map { exp($0 - z0) }
        #expect(abs(h[0] - -p0.reduce(0) { $0 + $1 * log($1) }) < 1e-12)
        checkPolicyGradient(net, outputs: logits, actions: actions)
    }

    @Test func gaussianLogProbabilityEntropyAndGradient() {
        let net = ActorCritic(observationSize: 1, actionSpace: .box(low: [-2, -2], high: [2, 2]), initialLogStd: 0,
                              rng: RandomStreams(seed: 1).stream("x"))
        net.logStd!.value = Tensor(shape: [2], values: [-0.5, 0.25])
        let means = Tensor(shape: [2, 2], values: [0.1, -0.3, 1, 0])
        let actions: [Float] = [0.4, 0.2, -1, 0.5]
        let (lp, h) = net.logProbabilities(outputs: means, actions: actions)
        func normalLogPdf(_ x: Double, _ m: Double, _ logS: Double) -> Double {
            let s = exp(logS)
            return -0.5 * ((x - m) / s) * ((x - m) / s) - logS - 0.5 * log(2 * .pi)
        }
        let expected0 = normalLogPdf(Double(Float(0.4)), Double(Float(0.1)), -0.5) + normalLogPdf(Double(Float(0.2)), Double(Float(-0.3)), 0.25)
        #expect(abs(lp[0] - expected0) < 1e-6)
        #expect(abs(h[0] - (1 + log(2 * .pi) - 0.25)) < 1e-6)   // Σ 0.5 + 0.5·log 2π + log σ
        #expect(h[0] == h[1])
        checkPolicyGradient(net, outputs: means, actions: actions)
    }

    /// The gradient of Σ w_i·logπ_i + c·mean(H) against central differences, outputs and log_std.
    func checkPolicyGradient(_ net: ActorCritic, outputs: Tensor, actions: [Float]) {
        let weights = [0.7, -1.3], c = 0.4
        func objective(_ o: Tensor) -> Double {
            let (lp, h) = net.logProbabilities(outputs: o, actions: actions)
            return zip(weights, lp).reduce(0) { $0 + $1.0 * $1.1 } + c * h.reduce(0, +) / Double(h.count)
        }
        net.logStd?.zeroGradient()
        let g = net.policyGradient(outputs: outputs, actions: actions, weights: weights, entropyWeight: c)
        let eps: Float = 1e-3
        for k in outputs.values.indices {
            var plus = outputs, minus = outputs
            plus.values[k] += eps; minus.values[k] -= eps
            let numeric = (objective(plus) - objective(minus)) / Double(2 * eps)
            #expect(abs(Double(g.values[k]) - numeric) < 2e-3, "output \(k): \(g.values[k]) vs \(numeric)")
        }
        if let logStd = net.logStd {
            for k in 0 ..< logStd.value.count {
                let saved = logStd.value.values[k]
                logStd.value.values[k] = saved + eps
                let up = objective(outputs)
                logStd.value.values[k] = saved - eps
                let down = objective(outputs)
                logStd.value.values[k] = saved
                let numeric = (up - down) / Double(2 * eps)
                #expect(abs(Double(logStd.gradient.values[k]) - numeric) < 2e-3, "log_std \(k)")
            }
        }
    }

    /// The 37-details sanity check: on the first mini-batch the recomputed log-probabilities equal the
    /// rollout's, so the ratio is exactly 1, nothing is clipped and the KL estimate is 0.
    @Test(arguments: ["cartpole", "pendulum"])
    func firstMinibatchHasRatioOne(_ env: String) throws {
        var c = env == "cartpole" ? PPOConfiguration.cartPole : PPOConfiguration.pendulum
        c.epochs = 1; c.minibatches = 1; c.rolloutSteps = 64; c.environments = 2
        let envs: [any RLEnvironment] = env == "cartpole" ? [CartPole(), CartPole()] : [Pendulum(), Pendulum()]
        let trainer = try PPOTrainer(environments: envs, configuration: c, totalSteps: 128, seed: 4)
        let s = try #require(trainer.trainIteration())
        #expect(s.clipFraction == 0)
        #expect(abs(s.approximateKL) < 1e-12)
        #expect(trainer.trainIteration() == nil)
    }

    /// A short CartPole run (25,600 steps, a few seconds) lifts the mean return of the last 20
    /// episodes from a random policy's ≈ 22 to above 150, for each of three seeds.
    @Test(arguments: [UInt64(1), 2, 3])
    func shortCartPoleRunLearns(_ seed: UInt64) throws {
        let trainer = try PPOTrainer(environments: (0 ..< 8).map { _ in CartPole() }, configuration: .cartPole,
                                     totalSteps: 25_600, seed: seed)
        while trainer.trainIteration() != nil {}
        let first = trainer.episodes.prefix(20).map(\.totalReward).reduce(0, +) / 20
        let last = trainer.history.last!.smoothedReturn!
        #expect(first < 40, "first episodes average \(first)")
        #expect(last > 150, "seed \(seed): mean return of the last 20 episodes \(last)")
    }

    @Test func sameSeedSameRunDifferentSeedDifferentRun() throws {
        func run(_ seed: UInt64) throws -> (stats: [PPOIterationStats], weights: [[Float]]) {
            let t = try PPOTrainer(environments: [Pendulum(), Pendulum()], configuration: small(.pendulum), totalSteps: 512, seed: seed)
            while t.trainIteration() != nil {}
            return (t.history.map { var s = $0; s.wallTime = 0; return s }, t.policy.parameters.map(\.value.values))
        }
        let a = try run(7), b = try run(7), c = try run(8)
        #expect(a.stats == b.stats)
        #expect(a.weights == b.weights)
        #expect(a.weights != c.weights)
    }

    func small(_ base: PPOConfiguration) -> PPOConfiguration {
        var c = base
        c.environments = 2; c.rolloutSteps = 64; c.minibatches = 4; c.epochs = 2
        return c
    }

    @Test func checkpointRoundTripAndResume() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ppo-ckpt-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/policy.safetensors"
        let c = small(.pendulum)
        let t = try PPOTrainer(environments: [Pendulum(), Pendulum()], configuration: c, totalSteps: 128 * 4, seed: 9)
        t.trainIteration(); t.trainIteration()
        try t.save(to: path)
        let r = try PPOTrainer.resume(from: path, makeEnvironment: { Pendulum() })
        #expect(r.configuration == c)
        #expect(r.iteration == 2 && r.totalIterations == 4 && r.environmentSteps == 256)
        #expect(r.policy.parameters.map(\.value) == t.policy.parameters.map(\.value))
        #expect(r.optimizer.state == t.optimizer.state)
        #expect(r.observationStatistics == t.observationStatistics)
        #expect(r.returnStatistics == t.returnStatistics)
        // The schedule continues where it stopped: iteration 3 of 4 uses lr·(1 − 2/4).
        let s3 = try #require(r.trainIteration())
        #expect(s3.iteration == 3 && s3.environmentSteps == 384)
        #expect(s3.learningRate == Float(Double(c.learningRate) * 0.5))
        // The same observations give the same actions before and after the round trip.
        let obs: [Float] = [0.3, -0.9, 1.5]
        let t2 = try PPOTrainer.resume(from: path, makeEnvironment: { Pendulum() })
        #expect(t2.act(obs) == t.act(obs))
        // A checkpoint for another environment is refused with a message naming the file.
        #expect(throws: PPOError.self) { try PPOTrainer.resume(from: path, makeEnvironment: { CartPole() }) }
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: dir + "/bad.safetensors"))
        #expect(throws: (any Error).self) { try PPOTrainer.resume(from: dir + "/bad.safetensors", makeEnvironment: { Pendulum() }) }
    }

    @Test func invalidSettingsAreRefused() {
        var c = PPOConfiguration.cartPole
        c.minibatches = 3   // 256 is not divisible by 3
        #expect(throws: PPOError.self) { try PPOTrainer(environments: (0 ..< 8).map { _ in CartPole() }, configuration: c, totalSteps: 1000, seed: 1) }
        #expect(throws: PPOError.self) { try PPOTrainer(environments: [CartPole()], configuration: .cartPole, totalSteps: 1000, seed: 1) }
        #expect(throws: PPOError.self) { try PPOTrainer(environments: (0 ..< 8).map { _ in CartPole() }, configuration: .cartPole, totalSteps: 10, seed: 1) }
    }

    @Test func logFilesHaveTheDocumentedColumns() throws {
        let t = try PPOTrainer(environments: [CartPole(), CartPole()], configuration: small(.cartPole), totalSteps: 256, seed: 2)
        while t.trainIteration() != nil {}
        let rewards = PPOLog.rewardsCSV(t.history, smoothingWindow: 20).split(separator: "\n").map(String.init)
        #expect(rewards[0] == "iteration,env_steps,wall_time_s,mean_episode_return,cumulative_reward,smoothed_return_last20,episodes,mean_step_reward,learning_rate,clip_range,policy_loss,value_loss,entropy,approx_kl,clip_fraction,explained_variance,grad_norm")
        #expect(rewards.count == 3)
        let row = rewards[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(row.count == 17 && row[0] == "1" && row[1] == "128")
        // CartPole pays 1 per step: the cumulative reward equals the steps taken.
        #expect(Double(rewards[2].split(separator: ",", omittingEmptySubsequences: false)[4]) == 256)
        let monitor = PPOLog.monitorCSV(t.episodes, startTime: 1700000000.25, environmentID: "CartPole-v1").split(separator: "\n").map(String.init)
        #expect(monitor[0] == "#{\"t_start\": 1700000000.25, \"env_id\": \"CartPole-v1\"}")
        #expect(monitor[1] == "r,l,t")
        #expect(monitor.count == 2 + t.episodes.count)
        let e = monitor[2].split(separator: ",")
        #expect(Double(e[0]) == t.episodes[0].totalReward && Int(e[1]) == t.episodes[0].length)
        #expect(PPOLog.rounded6(12.0) == "12.0" && PPOLog.rounded6(0.1234567) == "0.123457")
    }
}
