import Foundation
import Learn
import SimCore
import Testing

/// DDPM schedule, the class-conditional denoiser, DDIM denoising and the zero-shot classifier.
@Suite("Diffusion model and zero-shot classifier", .serialized)
struct DiffusionTests {
    // MARK: Schedules against the check values of generative-recipes.md (numpy, float64)

    @Test("cosine and linear schedules match the published check values")
    func schedules() {
        func close(_ a: Double, _ b: Double, _ rel: Double = 1e-6) -> Bool { abs(a - b) <= rel * abs(b) }
        let c = DiffusionSchedule(kind: .cosine, steps: 1000)
        #expect(close(c.betas[0], 4.128422e-5))
        #expect(close(c.betas[500], 3.155691e-3))
        #expect(c.betas[999] == 0.999)
        #expect(close(c.alphaBars[0], 0.99995872))
        #expect(close(c.alphaBars[499], 0.49384359))
        #expect(close(c.alphaBars[999], 2.428767e-9))
        let c100 = DiffusionSchedule(kind: .cosine, steps: 100)
        #expect(close(c100.betas[0], 6.312816e-4))
        #expect(close(c100.alphaBars[99], 2.428572e-7))
        let l = DiffusionSchedule(kind: .linear, steps: 1000)
        #expect(close(l.betas[500], 1.005996e-2))
        #expect(close(l.alphaBars[499], 0.07858724))
        #expect(close(l.alphaBars[999], 4.035830e-5))
        let l100 = DiffusionSchedule(kind: .linear, steps: 100)
        #expect(close(l100.betas[50], 1.015051e-1))
        #expect(close(l100.alphaBars[49], 0.07419700))
        #expect(close(l100.alphaBars[99], 2.039009e-5))
        // Noise ratio 1 is reached where ᾱ first drops to 1/2.
        let t = c.step(forNoiseRatio: 1)
        #expect(c.alphaBars[t] <= 0.5 && c.alphaBars[t - 1] > 0.5)
    }

    // MARK: Gradients

    @Test("denoiser parameter gradients match central differences (relative error < 1e-2)")
    func denoiserGradients() {
        let rng = RandomStreams(seed: 3).stream("test/denoiser")
        let net = DiffusionDenoiser(dataDimension: 3, classCount: 2, timeDimension: 8, hidden: [6, 5], rng: rng)
        let b = 4
        let x = Tensor(shape: [b, 3], values: (0 ..< 12).map { _ in Float(rng.normal()) })
        let t = Tensor(shape: [b], values: [3, 40, 7, 90])
        let c = Tensor(shape: [b], values: [0, 1, 2, 1])
        let r = Tensor(shape: [b, 3], values: (0 ..< 12).map { _ in Float(rng.normal()) })
        func objective() -> Double {
            let y = net.forward(x, timesteps: t, labels: c, training: false)
            return zip(y.values, r.values).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        for p in net.parameters { p.zeroGradient() }
        _ = net.forward(x, timesteps: t, labels: c, training: true)
        net.backward(r)
        for p in net.parameters {
            var numeric = [Double](), analytic = [Double]()
            for i in 0 ..< p.value.count {
                let keep = p.value.values[i]
                p.value.values[i] = keep + 1e-2; let up = objective()
                p.value.values[i] = keep - 1e-2; let down = objective()
                p.value.values[i] = keep
                numeric.append((up - down) / 2e-2)
                analytic.append(Double(p.gradient.values[i]))
            }
            let diff = zip(numeric, analytic).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            let norm = max(numeric.reduce(0.0) { $0 + $1 * $1 }.squareRoot(), 1e-6)
            #expect(diff / norm < 1e-2, "\(p.name): relative error \(diff / norm)")
        }
    }

    // MARK: Two Gaussian classes

    /// Class 0 ~ N(−μ, I), class 1 ~ N(+μ, I) in 4 dimensions, μ = (1, 1, 1, 1): the Bayes classifier
    /// (the sign of the coordinate sum) is right with probability Φ(2) = 97.7 %. 30 % of rows are class 1.
    static func gaussians(count: Int, seed: UInt64) -> (x: Tensor, y: [Int]) {
        let rng = RandomStreams(seed: seed).stream("test/gaussians")
        var values: [Float] = [], labels: [Int] = []
        for _ in 0 ..< count {
            let y = rng.uniform() < 0.3 ? 1 : 0
            labels.append(y)
            for _ in 0 ..< 4 { values.append(Float(rng.normal() + (y == 1 ? 1 : -1))) }
        }
        return (Tensor(shape: [count, 4], values: values), labels)
    }

    static let small = DiffusionModel.Configuration(timesteps: 100, timeDimension: 32, hidden: [64, 64],
                                                    learningRate: 2e-3, batchSize: 256, steps: 600, logInterval: 50)

    /// A model trained once for the tests below (0.6 k steps, about a second in a debug build).
    nonisolated(unsafe) static let trained: (model: DiffusionModel, log: [DiffusionModel.LogRow]) = {
        let data = gaussians(count: 4000, seed: 1)
        let model = try! DiffusionModel(configuration: small, dataDimension: 4, classCount: 2, seed: 5)
        let log = model.train(data: data.x, labels: data.y)
        return (model, log)
    }()

    @Test("training lowers the denoising loss (last log row below 0.8 × the first)")
    func lossFalls() {
        let log = Self.trained.log
        #expect(log.count == 12)
        #expect(log.last!.loss < 0.8 * log.first!.loss, "first \(log.first!.loss), last \(log.last!.loss)")
    }

    @Test("the zero-shot classifier beats 90 % on two well-separated Gaussian classes (Bayes 97.7 %)")
    func zeroShot() throws {
        let model = Self.trained.model
        let train = Self.gaussians(count: 4000, seed: 1)
        let test = Self.gaussians(count: 1000, seed: 2)
        let classifier = try DiffusionClassifier(model: model, configuration: .init(timesteps: 32, noisesPerTimestep: 2,
                                                                                   stages: [4, 32]))
        let plain = classifier.classify(test.x)
        let plainAccuracy = Double(zip(plain.labels, test.y).filter { $0 == $1 }.count) / 1000
        let s = classifier.calibrate(data: train.x, labels: train.y, maxSamples: 500)
        #expect(s > 0)
        let result = classifier.classify(test.x)
        let accuracy = Double(zip(result.labels, test.y).filter { $0 == $1 }.count) / 1000
        print("diffusion classifier on two Gaussians: accuracy \(accuracy), uncalibrated \(plainAccuracy), s = \(s), rows per input \(result.rowsPerInput)")
        #expect(accuracy > 0.9, "accuracy \(accuracy) (uncalibrated \(plainAccuracy))")
        #expect(plainAccuracy > 0.85)
        // Adaptive pruning spends fewer rows than evaluating both classes on every pair (2 × 64).
        #expect(result.rowsPerInput < 128)
        for i in 0 ..< 1000 {
            let p = result.probabilities[2 * i ..< 2 * i + 2]
            #expect(abs(p.reduce(0, +) - 1) < 1e-9)
        }
    }

    @Test("classification does not depend on the batch: each row alone gets the whole batch's errors (to 1e-5)")
    func batchIndependent() throws {
        let model = Self.trained.model
        let test = Self.gaussians(count: 40, seed: 3)
        let classifier = try DiffusionClassifier(model: model, configuration: .init(timesteps: 16, noisesPerTimestep: 2,
                                                                                   stages: [4, 16]))
        let all = classifier.meanErrors(test.x)
        let reversed = classifier.meanErrors(MiniBatches.gather(rows: Array((0 ..< 40).reversed()), from: test.x))
        for i in 0 ..< 40 {
            // sgemm may round differently at another row position: equal to float precision.
            #expect(abs(all[2 * i] - reversed[2 * (39 - i)]) < 1e-5 && abs(all[2 * i + 1] - reversed[2 * (39 - i) + 1]) < 1e-5)
        }
        let one = classifier.meanErrors(MiniBatches.gather(rows: [7], from: test.x))
        #expect(abs(one[0] - all[14]) < 1e-5 && abs(one[1] - all[15]) < 1e-5)
    }

    @Test("deterministic DDIM: RMSE to the clean data at the last step is below the noisy input's")
    func denoising() {
        let model = Self.trained.model
        let clean = Self.gaussians(count: 500, seed: 4).x
        let rng = RandomStreams(seed: 9).stream("test/measurement-noise")
        var noisy = clean
        let sigma: Float = 0.6
        for i in 0 ..< noisy.count {
            noisy.values[i] += sigma * model.standardDeviation[i % 4] * Float(rng.normal())
        }
        let (denoised, steps) = model.denoise(noisy, noiseStandardDeviation: Double(sigma), reverseSteps: 8, clean: clean)
        print("DDIM denoising RMSE per step: \(steps.map(\.iterateRMSE))")
        #expect(steps.count >= 2)
        #expect(abs(steps[0].iterateRMSE - Double(sigma)) < 0.05)
        #expect(steps.last!.iterateRMSE < steps[0].iterateRMSE,
                "RMSE per step: \(steps.map(\.iterateRMSE))")
        #expect(denoised.shape == [500, 4])
    }

    @Test("same seed, same weights; save → load gives the same predictions; a wrong file is refused")
    func filesAndSeeds() throws {
        let data = Self.gaussians(count: 300, seed: 6)
        var config = Self.small
        config.steps = 20
        let a = try DiffusionModel(configuration: config, dataDimension: 4, classCount: 2, seed: 8)
        let b = try DiffusionModel(configuration: config, dataDimension: 4, classCount: 2, seed: 8)
        let c = try DiffusionModel(configuration: config, dataDimension: 4, classCount: 2, seed: 9)
        a.train(data: data.x, labels: data.y); b.train(data: data.x, labels: data.y); c.train(data: data.x, labels: data.y)
        let bits = { (m: DiffusionModel) in m.network.parameters.map { $0.value.values.map(\.bitPattern) } }
        #expect(bits(a) == bits(b))
        #expect(bits(a) != bits(c))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gdm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("gdm.safetensors").path
        a.featureNames = ["a", "b", "c", "d"]
        let classifier = try DiffusionClassifier(model: a, configuration: .init(timesteps: 8, noisesPerTimestep: 1, stages: [8]))
        classifier.calibrate(data: data.x, labels: data.y, maxSamples: 50)
        classifier.storeCalibration()
        try a.save(to: path)
        let loaded = try DiffusionModel.load(from: path)
        #expect(loaded.featureNames == ["a", "b", "c", "d"])
        #expect(bits(loaded) == bits(a) && loaded.mean == a.mean && loaded.standardDeviation == a.standardDeviation)
        let again = try DiffusionClassifier(model: loaded, configuration: .init(timesteps: 8, noisesPerTimestep: 1, stages: [8]))
        #expect(again.temperature == classifier.temperature && again.logPriors == classifier.logPriors)
        #expect(again.classify(data.x) == classifier.classify(data.x))

        let other = dir.appendingPathComponent("other.safetensors").path
        try ModelCheckpoint.save(parameters: [Parameter(name: "w", value: .zeros([1]))], configuration: ["model": "mlp"], to: other)
        #expect(throws: DiffusionModelError.wrongModel(path: other, expected: "gdm", found: "mlp")) {
            try DiffusionModel.load(from: other)
        }
    }

    @Test("bad configurations are refused with the value named")
    func validation() {
        #expect(throws: DiffusionModelError.self) {
            try DiffusionModel(configuration: .init(timesteps: 1), dataDimension: 2, classCount: 2, seed: 0)
        }
        #expect(throws: DiffusionModelError.self) {
            try DiffusionModel(configuration: .init(labelDropout: 1), dataDimension: 2, classCount: 2, seed: 0)
        }
        #expect(throws: DiffusionModelError.self) {
            try DiffusionModel(configuration: .init(timeDimension: 7), dataDimension: 2, classCount: 2, seed: 0)
        }
        let model = try! DiffusionModel(configuration: Self.small, dataDimension: 4, classCount: 2, seed: 0)
        #expect(throws: DiffusionModelError.self) {
            try DiffusionClassifier(model: model, configuration: .init(timesteps: 16, stages: [8, 4]))
        }
        #expect(throws: DiffusionModelError.self) {
            try DiffusionClassifier(model: model, configuration: .init(timesteps: 200, stages: [8]))
        }
    }
}
