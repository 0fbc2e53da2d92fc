import Foundation
import Testing
@testable import Learn
import SimCore

@Suite("GradientBoosting")
struct GradientBoostingTests {
    @Test("A single split (label = x > 0.3) is learned exactly with depth 1")
    func singleSplit() {
        let x: [[Float]] = (0 ... 20).map { [Float($0) / 20] }
        let y = x.map { $0[0] > 0.3 ? 1 : 0 }
        var gbdt = GradientBoostedTrees(trees: 5, depth: 1, learningRate: 0.5)
        gbdt.fit(features: x, labels: y)
        #expect(gbdt.predict(x) == y)
        let root = gbdt.trees[0].nodes[0]
        #expect(root.feature == 0)
        #expect(root.threshold == Float(6) / 20)   // x ≤ 0.3 left: the largest class-0 value
        // Later trees split at the same place, or not at all once the hessians fall below
        // minChildWeight (a lone leaf).
        #expect(gbdt.trees.allSatisfy { $0.nodes.count == 1 || ($0.nodes.count == 3 && $0.nodes[0].threshold == 0.3) })
        // Unseen points on either side of the threshold.
        #expect(gbdt.predict([[0.29], [0.31], [-5], [7]]) == [0, 1, 0, 1])
    }

    @Test("An XOR-like interaction is learned with depth 2")
    func xorInteraction() {
        // label = (x > 0.5) xor (y > 0.3) on a 10 × 10 grid. The y-split alone has zero gain, the
        // x-split does not (left half 70 % positive, right half 30 %), so a greedy depth-2 tree
        // splits x first and then y in both children.
        var x: [[Float]] = [], y: [Int] = []
        for i in 0 ..< 10 {
            for j in 0 ..< 10 {
                let a = (Float(i) + 0.5) / 10, b = (Float(j) + 0.5) / 10
                x.append([a, b]); y.append((a > 0.5) != (b > 0.3) ? 1 : 0)
            }
        }
        var gbdt = GradientBoostedTrees(trees: 20, depth: 2, learningRate: 0.3)
        gbdt.fit(features: x, labels: y)
        #expect(ClassicalFixtures.accuracy(gbdt.predict(x), y) == 1)
        var stump = GradientBoostedTrees(trees: 20, depth: 1, learningRate: 0.3)
        stump.fit(features: x, labels: y)
        #expect(ClassicalFixtures.accuracy(stump.predict(x), y) < 1)   // additive stumps cannot
    }

    @Test("First tree's leaf weights equal −G/(H+λ) on a hand-computed dataset")
    func leafWeightsClosedForm() {
        // x = [0, 1, 2, 3], y = [0, 1, 1, 1]. Prior 3/4 → base score ln(0.75/0.25) = ln 3, so
        // p = 0.75 for every row: g = p − y = [0.75, −0.25, −0.25, −0.25], h = p(1−p) = 0.1875.
        // Root: G = 0, H = 0.75. With λ = 1, γ = 0:
        //   x ≤ 0: G_L = 0.75,  H_L = 0.1875; G_R = −0.75, H_R = 0.5625
        //          gain = ½(0.5625/1.1875 + 0.5625/1.5625 − 0) = ½(0.473684 + 0.36) = 0.416842
        //   x ≤ 1: G_L = 0.5,   H_L = 0.375;  G_R = −0.5,  H_R = 0.375
        //          gain = ½(0.25/1.375 · 2) = 0.181818
        //   x ≤ 2: G_L = 0.25,  H_L = 0.5625; G_R = −0.25, H_R = 0.1875
        //          gain = ½(0.0625/1.5625 + 0.0625/1.1875) = ½(0.04 + 0.052632) = 0.046316
        // Best: x ≤ 0. Leaves: left −0.75/(0.1875 + 1) = −0.631579, right 0.75/(0.5625 + 1) = 0.48.
        let x: [[Float]] = [[0], [1], [2], [3]]
        let y = [0, 1, 1, 1]
        var gbdt = GradientBoostedTrees(trees: 1, depth: 1, learningRate: 1, lambda: 1, gamma: 0,
                                        minChildWeight: 0.1)
        gbdt.fit(features: x, labels: y)
        #expect(abs(gbdt.baseScore - Float(log(3.0))) < 1e-6)
        let root = gbdt.trees[0].nodes[0]
        #expect(root.feature == 0 && root.threshold == 0)
        let leaves = gbdt.trees[0].leafValues
        #expect(leaves.count == 2)
        #expect(abs(leaves[0] - (-0.75 / 1.1875)) < 1e-6)
        #expect(abs(leaves[1] - 0.48) < 1e-6)
        // The learning rate scales the leaves; λ enters the denominator.
        var slow = GradientBoostedTrees(trees: 1, depth: 1, learningRate: 0.1, lambda: 2, minChildWeight: 0.1)
        slow.fit(features: x, labels: y)
        #expect(abs(slow.trees[0].leafValues[0] - 0.1 * (-0.75 / 2.1875)) < 1e-6)
        #expect(abs(slow.trees[0].leafValues[1] - 0.1 * (0.75 / 2.5625)) < 1e-6)
        // Margins: ln 3 + leaf.
        let m = gbdt.predictMargin(Tensor(shape: [2, 1], values: [-1, 10]))
        #expect(abs(m[0] - (Float(log(3.0)) - 0.631579)) < 1e-5 && abs(m[1] - (Float(log(3.0)) + 0.48)) < 1e-5)
        // γ above the best gain (0.4168) stops the split (the root leaf is −G/(H+λ) ≈ 0, as G ≈ 0); minChildWeight above 0.1875 moves it.
        var pruned = GradientBoostedTrees(trees: 1, depth: 1, learningRate: 1, gamma: 0.5, minChildWeight: 0.1)
        pruned.fit(features: x, labels: y)
        #expect(pruned.trees[0].nodes.count == 1 && abs(pruned.trees[0].nodes[0].value) < 1e-6)
        var heavy = GradientBoostedTrees(trees: 1, depth: 1, learningRate: 1, minChildWeight: 0.3)
        heavy.fit(features: x, labels: y)
        #expect(heavy.trees[0].nodes[0].threshold == 1)   // x ≤ 1 is the best allowed split
    }

    @Test("Training log-loss decreases monotonically over trees")
    func monotoneLoss() {
        let (x, y) = ClassicalFixtures.twoGaussians(n: 800, d: 3, separation: 1.5, seed: 31, name: "gbdt-loss")
        var gbdt = GradientBoostedTrees(trees: 40, depth: 3, learningRate: 0.3)
        gbdt.fit(features: x, labels: y)
        #expect(gbdt.trainingLoss.count == 41)
        #expect(abs(gbdt.trainingLoss[0] - log(2.0)) < 1e-9)   // balanced prior: base score 0
        for t in 1 ..< gbdt.trainingLoss.count { #expect(gbdt.trainingLoss[t] < gbdt.trainingLoss[t - 1], "tree \(t)") }
    }

    @Test("Beats 90 % on two separated Gaussian classes, deterministically")
    func gaussians() {
        let (x, y) = ClassicalFixtures.twoGaussians(n: 600, d: 4, separation: 3, seed: 21, name: "gbdt-train")
        let (xt, yt) = ClassicalFixtures.twoGaussians(n: 400, d: 4, separation: 3, seed: 22, name: "gbdt-test")
        var a = GradientBoostedTrees(trees: 30, depth: 3, learningRate: 0.3, bins: 32)
        a.fit(features: x, labels: y)
        #expect(ClassicalFixtures.accuracy(a.predict(xt), yt) > 0.9)
        var b = GradientBoostedTrees(trees: 30, depth: 3, learningRate: 0.3, bins: 32)
        b.fit(features: KNearestNeighbors.matrix(x), labels: y)   // Tensor input, same answer
        #expect(a.trees == b.trees)
        #expect(a.predictProbability(xt) == b.predictProbability(xt))
        #expect(a.binEdges.allSatisfy { $0.count <= 31 && zip($0, $0.dropFirst()).allSatisfy { $0 < $1 } })
    }

    @Test("Quantile binning: at most bins − 1 edges, exact when few distinct values")
    func binning() {
        let col: [Float] = (0 ..< 1000).map { Float($0 % 7) }
        #expect(GradientBoostedTrees.quantileEdges(column: 0, of: col, rows: 1000, columns: 1, bins: 256) == [0, 1, 2, 3, 4, 5])
        let many: [Float] = (0 ..< 1000).map { Float($0) }
        let e = GradientBoostedTrees.quantileEdges(column: 0, of: many, rows: 1000, columns: 1, bins: 10)
        #expect(e.count == 9 && e.first == 99 && e.last == 899)
        #expect(GradientBoostedTrees.bin(of: 99, edges: e) == 0 && GradientBoostedTrees.bin(of: 100, edges: e) == 1)
        #expect(GradientBoostedTrees.bin(of: 5000, edges: e) == 9 && GradientBoostedTrees.bin(of: .nan, edges: e) == 9)
    }
}
