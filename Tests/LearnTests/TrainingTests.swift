import Foundation
import Learn
import SimCore
import Testing

/// The pieces together: layers, losses, an optimiser, seeded batches and checkpoints.
@Suite("Training an MLP end to end")
struct TrainingTests {
    static func mlp(seed: UInt64) -> Sequential {
        let rng = RandomStreams(seed: seed).stream("test/mlp")
        return Sequential([
            Linear(inputs: 1, outputs: 32, rng: rng), Tanh(),
            Linear(inputs: 32, outputs: 32, rng: rng), Tanh(),
            Linear(inputs: 32, outputs: 1, rng: rng),
        ])
    }

    /// y = sin(2x) on 256 points of [−1.5, 1.5].
    static let data: (x: Tensor, y: Tensor) = {
        let n = 256
        let xs = (0 ..< n).map { Float(-1.5 + 3 * Double($0) / Double(n - 1)) }
        return (Tensor(shape: [n, 1], values: xs), Tensor(shape: [n, 1], values: xs.map { sin(2 * $0) }))
    }()

    /// Trains with Adam (lr 1e-2) on shuffled mini-batches of 32 for `epochs`; returns the full-data MSE.
    static func train(_ model: Sequential, seed: UInt64, epochs: Int) -> Float {
        let adam = Adam(parameters: model.parameters, learningRate: 1e-2)
        let batches = MiniBatches(count: data.x.rows, batchSize: 32, rng: RandomStreams(seed: seed).stream("test/batches"))
        for _ in 0 ..< epochs {
            for batch in batches.nextEpoch() {
                let x = MiniBatches.gather(rows: batch, from: data.x), y = MiniBatches.gather(rows: batch, from: data.y)
                adam.zeroGradients()
                let (_, g) = Loss.mse(model.forward(x, training: true), y)
                _ = model.backward(g)
                adam.step()
            }
        }
        return Loss.mse(model.forward(data.x, training: false), data.y).value
    }

    @Test("an MLP fits y = sin(2x) on [−1.5, 1.5] to MSE < 1e-3 in 150 epochs of Adam (the variance of y is 0.43)")
    func regression() {
        let model = Self.mlp(seed: 1)
        let before = Loss.mse(model.forward(Self.data.x, training: false), Self.data.y).value
        let after = Self.train(model, seed: 1, epochs: 150)
        #expect(before > 0.1)
        #expect(after < 1e-3, "MSE after training \(after)")
    }

    @Test("same seed, same weights after training, bit for bit; another seed differs")
    func reproducible() {
        func weights(_ seed: UInt64) -> [[Float]] {
            let model = Self.mlp(seed: seed)
            _ = Self.train(model, seed: seed, epochs: 5)
            return model.parameters.map(\.value.values)
        }
        let a = weights(7), b = weights(7), c = weights(8)
        #expect(a.map { $0.map(\.bitPattern) } == b.map { $0.map(\.bitPattern) })
        #expect(a != c)
    }

    @Test("save → load into a fresh model → identical outputs; a different architecture is refused")
    func checkpointRoundTrip() throws {
        let trained = Self.mlp(seed: 3)
        _ = Self.train(trained, seed: 3, epochs: 3)
        let path = NSTemporaryDirectory() + "sagin-mlp-\(getpid())-\(UInt32.random(in: 0 ... .max)).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = ["architecture": "mlp 1-32-32-1 tanh"]
        try ModelCheckpoint.save(parameters: trained.parameters, configuration: config, to: path)

        let fresh = Self.mlp(seed: 99)
        #expect(fresh.forward(Self.data.x, training: false) != trained.forward(Self.data.x, training: false))
        _ = try ModelCheckpoint.load(into: fresh.parameters, expecting: config, from: path)
        let a = trained.forward(Self.data.x, training: false), b = fresh.forward(Self.data.x, training: false)
        #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern))

        let rng = RandomStreams(seed: 1).stream("test/other")
        let wider = Sequential([Linear(inputs: 1, outputs: 64, rng: rng), Tanh(), Linear(inputs: 64, outputs: 1, rng: rng)])
        #expect(throws: (any Error).self) {
            _ = try ModelCheckpoint.load(into: wider.parameters, expecting: config, from: path)
        }
        #expect(throws: (any Error).self) {
            _ = try ModelCheckpoint.load(into: fresh.parameters, expecting: ["architecture": "mlp 1-64-1 tanh"], from: path)
        }
    }
}
