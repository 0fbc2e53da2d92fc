import Foundation
import Testing
@testable import Learn
import SimCore

/// Shared fixtures of the KNN and gradient-boosting tests.
enum ClassicalFixtures {
/// Two Gaussian classes in `d` dimensions, centres ±`separation`/2 on every axis (seeded).
static func twoGaussians(n: Int, d: Int, separation: Double, seed: UInt64, name: String) -> ([[Float]], [Int]) {
    let rng = RandomStreams(seed: seed).stream(name)
    var x: [[Float]] = [], y: [Int] = []
    for i in 0 ..< n {
        let label = i % 2
        let c = (label == 1 ? 0.5 : -0.5) * separation
        x.append((0 ..< d).map { _ in Float(rng.normal(mean: c, standardDeviation: 1)) })
        y.append(label)
    }
    return (x, y)
}

static func accuracy(_ a: [Int], _ b: [Int]) -> Double {
    Double(zip(a, b).filter { $0 == $1 }.count) / Double(max(a.count, 1))
}
}

@Suite("KNN")
struct KNNTests {
    @Test("1-NN on separated points reproduces the training labels")
    func oneNNReproduces() {
        let x: [[Float]] = [[0, 0], [10, 0], [0, 10], [10, 10], [20, 20]]
        let y = [0, 1, 1, 0, 1]
        for standardize in [false, true] {
            for weighted in [false, true] {
                var knn = KNearestNeighbors(k: 1, weighted: weighted, standardize: standardize)
                knn.fit(features: x, labels: y)
                #expect(knn.predict(x) == y)
                #expect(knn.predictProbability(x) == y.map(Float.init))
                // Slightly perturbed queries still land on their own point.
                #expect(knn.predict(x.map { [$0[0] + 0.5, $0[1] - 0.5] }) == y)
            }
        }
    }

    @Test("Equidistant ties go to the lower training index; 0.5 votes go to the nearest neighbour")
    func tieBreaking() {
        // Query 1 lies exactly halfway between training rows 0 (label 1) and 1 (label 0): squared
        // distances 1 and 1, exact in Float, so the lower index (row 0, label 1) is the nearest.
        var knn = KNearestNeighbors(k: 1, standardize: false)
        knn.fit(features: [[0], [2]], labels: [1, 0])
        #expect(knn.predict([[1]]) == [1])
        #expect(knn.neighbors(Tensor(shape: [1, 1], values: [1])) == [[0]])
        // Swap the order: now the lower index has label 0.
        knn.fit(features: [[2], [0]], labels: [1, 0])
        #expect(knn.predict([[1]]) == [1])
        #expect(knn.neighbors(Tensor(shape: [1, 1], values: [1])) == [[0]])
        knn.fit(features: [[0], [2]], labels: [0, 1])
        #expect(knn.predict([[1]]) == [0])
        // k = 2, one vote each (probability 0.5): the nearest neighbour decides.
        var k2 = KNearestNeighbors(k: 2, standardize: false)
        k2.fit(features: [[0], [3]], labels: [1, 0])
        #expect(k2.predictProbability([[1], [2]]) == [0.5, 0.5])
        #expect(k2.predict([[1], [2]]) == [1, 0])
        // Exact tie in distance and vote: lower index's label.
        #expect(k2.predict([[1.5]]) == [1])
        // Among three equidistant rows with k = 2 the two lowest indices are kept.
        var k3 = KNearestNeighbors(k: 2, standardize: false)
        k3.fit(features: [[1], [-1], [1], [-1]], labels: [0, 1, 1, 1])
        #expect(k3.neighbors(Tensor(shape: [1, 1], values: [0])) == [[0, 1]])
    }

    @Test("k = n predicts the training majority everywhere")
    func kEqualsNMajority() {
        let x: [[Float]] = [[0, 0], [1, 0], [0, 1], [5, 5], [6, 5]]
        let y = [1, 0, 1, 1, 0]   // majority 1 (3 of 5)
        var knn = KNearestNeighbors(k: 5, standardize: false)
        knn.fit(features: x, labels: y)
        let q: [[Float]] = [[100, 100], [-3, 2], [5.5, 5], [0.9, 0]]
        #expect(knn.predict(q) == [1, 1, 1, 1])
        #expect(knn.predictProbability(q).allSatisfy { abs($0 - 0.6) < 1e-6 })
        var big = KNearestNeighbors(k: 50, standardize: false)   // k > n is capped at n
        big.fit(features: x, labels: y)
        #expect(big.predict(q) == [1, 1, 1, 1])
    }

    @Test("Standardisation removes the effect of a feature scaled by 1000")
    func standardization() {
        // Feature 0 carries the class (0 vs 1); feature 1 is a weak feature in [0, 1] scaled by 1000.
        let x: [[Float]] = [[0, 0], [0, 1000], [1, 400], [1, 600]]
        let y = [0, 0, 1, 1]
        let q: [[Float]] = [[0.2, 450], [0.8, 950]]
        var raw = KNearestNeighbors(k: 1, standardize: false)
        raw.fit(features: x, labels: y)
        // Raw: the scaled feature dominates (q0 is 50 from row 2, q1 is 50 from row 1).
        #expect(raw.predict(q) == [1, 0])
        var std = KNearestNeighbors(k: 1, standardize: true)
        std.fit(features: x, labels: y)
        // Standardised (f0: mean 0.5, std 0.5; f1: mean 500, std 360.6): q0 → (−0.6, −0.139), nearest
        // row 0 (−1, −1.387) at 1.717 vs row 2 (1, −0.277) at 2.58; q1 symmetric → row 3.
        #expect(std.predict(q) == [0, 1])
        // Same answer as standardised fit on the unscaled data (feature 1 in [0, 1]).
        var small = KNearestNeighbors(k: 1, standardize: true)
        small.fit(features: x.map { [$0[0], $0[1] / 1000] }, labels: y)
        #expect(small.predict(q.map { [$0[0], $0[1] / 1000] }) == std.predict(q))
        #expect(std.mean.count == 2 && abs(std.scale[0] - 0.5) < 1e-6)
    }

    @Test("Blocked sgemm distances equal naive distances")
    func blockedDistances() {
        let rng = RandomStreams(seed: 11).stream("knn-dist")
        let (m, n, d) = (37, 23, 5)
        let a = Tensor(shape: [m, d], values: (0 ..< m * d).map { _ in Float(rng.normal()) })
        let b = Tensor(shape: [n, d], values: (0 ..< n * d).map { _ in Float(rng.normal()) })
        let dist = KNearestNeighbors.squaredDistances(a, b)
        #expect(dist.shape == [m, n])
        for i in 0 ..< m {
            for j in 0 ..< n {
                var s = 0.0
                for l in 0 ..< d { let t = Double(a[i, l]) - Double(b[j, l]); s += t * t }
                #expect(abs(Double(dist[i, j]) - s) < 1e-4 * max(1, s))
            }
        }
        // More reference rows than one block holds: several query blocks.
        let big = Tensor(shape: [9000, 2], values: (0 ..< 18000).map { _ in Float(rng.normal()) })
        let q = Tensor(shape: [600, 2], values: (0 ..< 1200).map { _ in Float(rng.normal()) })
        #expect(KNearestNeighbors.queryBlock(9000) < 600)
        let dd = KNearestNeighbors.squaredDistances(q, big)
        for (i, j) in [(0, 0), (599, 8999), (465, 17), (300, 4500)] {
            let s = (0 ..< 2).reduce(0.0) { acc, l in let t = Double(q[i, l]) - Double(big[j, l]); return acc + t * t }
            #expect(abs(Double(dd[i, j]) - s) < 1e-4 * max(1, s))
        }
    }

    @Test("Neighbour selection matches a full sort by (distance, index)")
    func selectionMatchesSort() {
        let rng = RandomStreams(seed: 5).stream("knn-select")
        // Integer-valued coordinates so many distances tie exactly.
        let x = (0 ..< 200).map { _ in [Float(rng.integer(below: 5)), Float(rng.integer(below: 5))] }
        let y = (0 ..< 200).map { _ in rng.integer(below: 2) }
        var knn = KNearestNeighbors(k: 7, standardize: false)
        knn.fit(features: x, labels: y)
        let q: [[Float]] = [[2, 2], [0, 4], [1.5, 3]]
        let got = knn.neighbors(KNearestNeighbors.matrix(q))
        for (qi, row) in q.enumerated() {
            let d = x.map { p -> Float in let a = p[0] - row[0], b = p[1] - row[1]; return a * a + b * b }
            let ref = d.indices.sorted { d[$0] != d[$1] ? d[$0] < d[$1] : $0 < $1 }.prefix(7)
            #expect(got[qi] == Array(ref))
        }
    }

    @Test("Beats 90 % on two separated Gaussian classes, deterministically")
    func gaussians() {
        let (x, y) = ClassicalFixtures.twoGaussians(n: 600, d: 4, separation: 3, seed: 21, name: "knn-train")
        let (xt, yt) = ClassicalFixtures.twoGaussians(n: 400, d: 4, separation: 3, seed: 22, name: "knn-test")
        for weighted in [false, true] {
            var knn = KNearestNeighbors(k: 9, weighted: weighted, standardize: true)
            knn.fit(features: x, labels: y)
            let p = knn.predict(xt)
            #expect(ClassicalFixtures.accuracy(p, yt) > 0.9)
            var again = KNearestNeighbors(k: 9, weighted: weighted, standardize: true)
            again.fit(features: x, labels: y)
            #expect(again.predict(xt) == p)
            #expect(again.predictProbability(xt) == knn.predictProbability(xt))
        }
    }
}
