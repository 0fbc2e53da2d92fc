/// Binary classification scores from true and predicted labels (1 = positive, e.g. LOS).
///
/// ```swift
/// let m = BinaryMetrics(truth: [1, 0, 1, 1], predicted: [1, 0, 0, 1])
/// m.accuracy     // 0.75
/// m.recall       // 2/3
/// ```
public struct BinaryMetrics: Sendable, Hashable {
    /// Confusion counts.
    public var truePositives = 0, falsePositives = 0, trueNegatives = 0, falseNegatives = 0

    public init(truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "BinaryMetrics: \(truth.count) labels, \(predicted.count) predictions")
        for (t, p) in zip(truth, predicted) {
            switch (t != 0, p != 0) {
            case (true, true): truePositives += 1
            case (false, true): falsePositives += 1
            case (false, false): trueNegatives += 1
            case (true, false): falseNegatives += 1
            }
        }
    }

    public var count: Int { truePositives + falsePositives + trueNegatives + falseNegatives }
    /// (TP + TN) / all; 0 for no samples.
    public var accuracy: Double { count == 0 ? 0 : Double(truePositives + trueNegatives) / Double(count) }
    /// TP / (TP + FP); 0 when nothing was predicted positive (scikit-learn's zero_division=0).
    public var precision: Double {
        truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
    }
    /// TP / (TP + FN); 0 when there are no positives.
    public var recall: Double {
        truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
    }
    /// Harmonic mean of precision and recall; 0 when both are 0.
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
}
