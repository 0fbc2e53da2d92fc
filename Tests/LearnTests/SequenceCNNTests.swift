import Foundation
import Learn
import SimCore
import Testing

@Suite("Sequence CNN classifier")
struct SequenceCNNTests {
    /// Noisy 16-bin sequences, each N(0, 0.5²) per bin plus a random level offset N(0, 1) and one peak
    /// of height 3 at a uniform position; class 1 when the peak is in the last eight bins. Two scalar
    /// features are pure noise, so only the sequence's shape tells the classes apart (the mean level
    /// does not: the offset is the same for both classes).
    static func data(seed: UInt64, rows: Int) -> (sequences: Tensor, scalars: Tensor, labels: [Int]) {
        let rng = RandomStreams(seed: seed).stream("test/peaks")
        let length = 16
        var seq: [Float] = [], scalars: [Float] = [], labels: [Int] = []
        for _ in 0 ..< rows {
            let peak = rng.integer(below: length)
            let offset = rng.normal(standardDeviation: 1)
            for i in 0 ..< length {
                seq.append(Float(offset + rng.normal(standardDeviation: 0.5) + (i == peak ? 3 : 0)))
            }
            scalars.append(contentsOf: [Float(rng.normal(standardDeviation: 1)), Float(rng.normal(mean: 5, standardDeviation: 3))])
            labels.append(peak >= length / 2 ? 1 : 0)
        }
        return (Tensor(shape: [rows, length], values: seq), Tensor(shape: [rows, 2], values: scalars), labels)
    }

    static let configuration = SequenceCNNClassifier.Configuration(epochs: 6, batchSize: 64, learningRate: 5e-3, width: 32, seed: 1)

    @Test("learns the position of a peak in a noisy 16-bin sequence: held-out accuracy > 95 % (800 rows, 6 epochs)")
    func learnsPeakPosition() {
        let train = Self.data(seed: 1, rows: 800), test = Self.data(seed: 2, rows: 1000)
        let cnn = SequenceCNNClassifier(configuration: Self.configuration)
        cnn.fit(sequences: train.sequences, scalars: train.scalars, labels: train.labels)
        let accuracy = BinaryMetrics(truth: test.labels, predicted: cnn.predict(sequences: test.sequences, scalars: test.scalars)).accuracy
        #expect(accuracy > 0.95, "held-out accuracy \(accuracy), training loss by epoch \(cnn.trainingLoss)")
        #expect(cnn.trainingLoss.count == Self.configuration.epochs)
        #expect(cnn.trainingLoss.last! < cnn.trainingLoss.first!)
        #expect(cnn.sequenceLength == 16 && cnn.scalarCount == 2)
        #expect(Set(cnn.parameters.map(\.name)) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
                                                    "scalars.weight", "scalars.bias", "head1.weight", "head1.bias",
                                                    "head2.weight", "head2.bias"])
        // Probabilities lie in [0, 1] and threshold at 0.5 into the predictions.
        let p = cnn.predictProbabilities(sequences: test.sequences, scalars: test.scalars)
        #expect(p.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(p.map { $0 >= 0.5 ? 1 : 0 } == cnn.predict(sequences: test.sequences, scalars: test.scalars))
    }

    @Test("without scalar features, on [n, 1, L] input, it learns the same problem")
    func sequenceOnly() {
        let train = Self.data(seed: 3, rows: 800), test = Self.data(seed: 4, rows: 500)
        let cnn = SequenceCNNClassifier(configuration: Self.configuration)
        cnn.fit(sequences: train.sequences.reshaped([800, 1, 16]), scalars: nil, labels: train.labels)
        #expect(!cnn.parameters.contains { $0.name.hasPrefix("scalars") })
        let accuracy = BinaryMetrics(truth: test.labels, predicted: cnn.predict(sequences: test.sequences, scalars: nil)).accuracy
        #expect(accuracy > 0.95, "held-out accuracy \(accuracy)")
    }

    @Test("same seed, same weights and probabilities bit for bit; another seed differs")
    func deterministic() {
        let train = Self.data(seed: 5, rows: 300), test = Self.data(seed: 6, rows: 100)
        func run(_ seed: UInt64) -> (weights: [[UInt32]], p: [UInt32]) {
            var c = Self.configuration
            c.epochs = 2
            c.seed = seed
            let cnn = SequenceCNNClassifier(configuration: c)
            cnn.fit(sequences: train.sequences, scalars: train.scalars, labels: train.labels)
            return (cnn.parameters.map { $0.value.values.map(\.bitPattern) },
                    cnn.predictProbabilities(sequences: test.sequences, scalars: test.scalars).map(\.bitPattern))
        }
        let a = run(7), b = run(7), c = run(8)
        #expect(a.weights == b.weights && a.p == b.p)
        #expect(a.weights != c.weights)
    }
}
