import Testing
@testable import Learn
import SimCore

@Suite("Batching")
struct BatchingTests {
    private func batches(seed: UInt64, count: Int = 103, batchSize: Int = 10, dropLast: Bool = false) -> MiniBatches {
        MiniBatches(count: count, batchSize: batchSize, shuffle: true,
                    rng: RandomStreams(seed: seed).stream("learn/shuffle"), dropLast: dropLast)
    }

    @Test("every index exactly once per epoch; a new order each epoch")
    func coverage() {
        let b = batches(seed: 1)
        #expect(b.batchesPerEpoch == 11)
        var orders: [[Int]] = []
        for _ in 0 ..< 3 {
            let epoch = b.nextEpoch()
            #expect(epoch.count == 11)
            #expect(epoch.dropLast().allSatisfy { $0.count == 10 } && epoch.last?.count == 3)
            let flat = epoch.flatMap { $0 }
            #expect(flat.sorted() == Array(0 ..< 103))
            orders.append(flat)
        }
        #expect(orders[0] != orders[1] && orders[1] != orders[2])
        #expect(orders[0] != Array(0 ..< 103))
    }

    @Test("same seed, same order; another seed, another order")
    func reproducible() {
        let a = batches(seed: 9), b = batches(seed: 9), c = batches(seed: 10)
        for _ in 0 ..< 3 {
            let ea = a.nextEpoch()
            #expect(ea == b.nextEpoch())
            #expect(ea != c.nextEpoch())
        }
    }

    @Test("dropLast keeps only full batches; no shuffle keeps the order")
    func dropLastAndOrder() {
        let b = batches(seed: 2, dropLast: true)
        #expect(b.batchesPerEpoch == 10)
        let epoch = b.nextEpoch()
        #expect(epoch.count == 10 && epoch.allSatisfy { $0.count == 10 })
        #expect(Set(epoch.flatMap { $0 }).count == 100)
        let plain = MiniBatches(count: 5, batchSize: 2, shuffle: false)
        #expect(plain.nextEpoch() == [[0, 1], [2, 3], [4]])
        #expect(MiniBatches(count: 0, batchSize: 4, shuffle: false).nextEpoch().isEmpty)
    }

    @Test("gather picks rows of a [n, features] tensor")
    func gather() {
        let x = Tensor(shape: [4, 3], values: (0 ..< 12).map(Float.init))
        let b = MiniBatches.gather(rows: [2, 0, 2], from: x)
        #expect(b.shape == [3, 3])
        #expect(b.values == [6, 7, 8, 0, 1, 2, 6, 7, 8])
        let seq = Tensor(shape: [3, 2, 2], values: (0 ..< 12).map(Float.init))
        let s = MiniBatches.gather(rows: [1], from: seq)
        #expect(s.shape == [1, 2, 2] && s.values == [4, 5, 6, 7])
    }
}
