import ArgumentParser
import Foundation
import Learn
import SimCore

/// `sagin bench learn`: sgemm throughput and one MLP training step on the Learn tensors.
struct LearnBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "sgemm GFLOP/s and MLP training-step throughput of the Learn module.",
        discussion: """
        (a) C = A·B for --size² matrices (default 1024³) through Tensor.matmul's out-parameter
        variant and through a direct BLAS.sgemm call on the same buffers: GFLOP/s = 2·n³/time.
        (b) One training step of a 4-layer MLP (Linear 256→256 ×4, ReLU between, batch --batch):
        forward, MSE loss, backward, Adam update. Effective GFLOP/s = 6·weights·batch/time
        (forward, input-gradient and weight-gradient products). Medians over --repeat runs; the
        target is an MLP step at ≥ 60 % of the raw sgemm GFLOP/s.
        """
    )

    @Option(name: .customLong("repeat"), help: "Repetitions; medians are reported.")
    var repetitions: Int = 5

    @Option(help: "OpenBLAS threads.")
    var threads: Int = 1

    @Option(help: "Matrix size n of the n³ sgemm.")
    var size: Int = 1024

    @Option(help: "Batch size of the MLP step.")
    var batch: Int = 1024

    @Option(help: "Width of the MLP layers.")
    var width: Int = 256

    @Option(help: "Training steps timed per repetition.")
    var steps: Int = 10

    func validate() throws {
        guard repetitions > 0 else { throw ValidationError("--repeat must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
        guard size > 0, batch > 0, width > 0, steps > 0 else {
            throw ValidationError("--size, --batch, --width and --steps must be positive")
        }
    }

    static func randomTensor(_ shape: [Int], _ rng: RNGStream) -> Tensor {
        Tensor(shape: shape, values: (0 ..< shape.reduce(1, *)).map { _ in Float(rng.uniform() * 2 - 1) })
    }

    func run() throws {
        #if DEBUG
        print("warning: debug build; benchmark figures are meaningful only with `swift build -c release`")
        #endif
        BLAS.setThreads(threads)
        print("BLAS core \(BLAS.coreName), \(BLAS.threads) thread(s), \(repetitions) runs")
        let streams = RandomStreams(seed: 1)

        // (a) sgemm n³.
        let n = size
        let rng = streams.stream("bench/sgemm")
        let a = Self.randomTensor([n, n], rng), b = Self.randomTensor([n, n], rng)
        var c = Tensor.zeros([n, n])
        let flops = 2 * Double(n) * Double(n) * Double(n)
        func sgemmViaTensor() -> Double {
            let t0 = Clock.seconds()
            Tensor.matmul(a, b, into: &c)
            return flops / (Clock.seconds() - t0) / 1e9
        }
        func sgemmDirect() -> Double {
            let t0 = Clock.seconds()
            a.values.withUnsafeBufferPointer { pa in
                b.values.withUnsafeBufferPointer { pb in
                    c.values.withUnsafeMutableBufferPointer { pc in
                        BLAS.sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                                   c: pc.baseAddress!, ldc: n)
                    }
                }
            }
            return flops / (Clock.seconds() - t0) / 1e9
        }

        // (b) MLP training step.
        let w = width
        let init_ = streams.stream("bench/mlp/init")
        let model = Sequential(Linear(inputs: w, outputs: w, rng: init_), ReLU(),
                               Linear(inputs: w, outputs: w, rng: init_), ReLU(),
                               Linear(inputs: w, outputs: w, rng: init_), ReLU(),
                               Linear(inputs: w, outputs: w, rng: init_))
        let data = streams.stream("bench/mlp/data")
        let x = Self.randomTensor([batch, w], data), y = Self.randomTensor([batch, w], data)
        let optimizer = Adam(parameters: model.parameters, learningRate: 1e-4)
        var lastLoss: Float = 0
        func step() {
            optimizer.zeroGradients()
            let (loss, g) = Loss.mse(model.forward(x, training: true), y)
            _ = model.backward(g)
            optimizer.step()
            lastLoss = loss
        }

        // Warm-up, then each repetition measures (a) and (b) back to back, so that a change of
        // machine load affects both sides of the ratio alike.
        _ = sgemmViaTensor(); _ = sgemmDirect(); step(); step()
        var tensorRates: [Double] = [], rawRates: [Double] = [], stepSeconds: [Double] = []
        for _ in 0 ..< repetitions {
            tensorRates.append(sgemmViaTensor())
            rawRates.append(sgemmDirect())
            let t0 = Clock.seconds()
            for _ in 0 ..< steps { step() }
            stepSeconds.append((Clock.seconds() - t0) / Double(steps))
        }
        let raw = median(rawRates), viaTensor = median(tensorRates)
        print("(a) sgemm \(n)³: Tensor.matmul(into:) \(String(format: "%.1f", viaTensor)) GFLOP/s, direct BLAS.sgemm \(String(format: "%.1f", raw)) GFLOP/s (ratio \(String(format: "%.3f", viaTensor / raw)))")
        let t = median(stepSeconds)
        let weights = Double(4 * w * w)
        let gflops = 6 * weights * Double(batch) / t / 1e9
        print("(b) MLP \(w)×4 (ReLU), batch \(batch), MSE + Adam (Learn.Adam): \(String(format: "%.2f", t * 1e3)) ms/step, \(String(format: "%.0f", Double(batch) / t)) samples/s, \(String(format: "%.1f", gflops)) GFLOP/s effective (loss \(String(format: "%.4f", lastLoss)))")
        // Where the step's time goes (one more timed pass, phase by phase).
        var phases = [0.0, 0.0, 0.0, 0.0, 0.0]
        for _ in 0 ..< steps {
            let tz = Clock.seconds()
            optimizer.zeroGradients()
            let t0 = Clock.seconds()
            phases[4] += t0 - tz
            let out = model.forward(x, training: true)
            let t1 = Clock.seconds()
            let (_, g) = Loss.mse(out, y)
            let t2 = Clock.seconds()
            _ = model.backward(g)
            let t3 = Clock.seconds()
            optimizer.step()
            let t4 = Clock.seconds()
            phases[0] += t1 - t0; phases[1] += t2 - t1; phases[2] += t3 - t2; phases[3] += t4 - t3
        }
        let ms = phases.map { String(format: "%.2f", $0 / Double(steps) * 1e3) }
        print("    per step: zero gradients \(ms[4]) ms, forward \(ms[0]) ms, loss \(ms[1]) ms, backward \(ms[2]) ms, Adam \(ms[3]) ms")
        let ratio = gflops / raw
        print("MLP step / raw sgemm: \(String(format: "%.1f", ratio * 100)) % (target ≥ 60 %)")
    }
}
