import Foundation
import Testing
@testable import Learn
import SimCore

@Suite("TensorOps")
struct TensorOpsTests {
    /// op(A)·op(B) by the textbook triple loop, in Double.
    static func naive(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> [Float] {
        let m = ta ? a.columns : a.rows, k = ta ? a.rows : a.columns
        let n = tb ? b.rows : b.columns
        var out = [Float](repeating: 0, count: m * n)
        for i in 0 ..< m {
            for j in 0 ..< n {
                var s = 0.0
                for l in 0 ..< k {
                    let x = ta ? a[l, i] : a[i, l]
                    let y = tb ? b[j, l] : b[l, j]
                    s += Double(x) * Double(y)
                }
                out[i * n + j] = Float(s)
            }
        }
        return out
    }

    @Test("matmul matches the triple loop for all four transpose combinations")
    func matmulTransposes() {
        let (m, k, n) = (5, 7, 3)
        for ta in [false, true] {
            for tb in [false, true] {
                let a = GradCheck.random(ta ? [k, m] : [m, k], seed: 1)
                let b = GradCheck.random(tb ? [n, k] : [k, n], seed: 2)
                let c = a.matmul(b, transposeSelf: ta, transposeOther: tb)
                #expect(c.shape == [m, n])
                let ref = Self.naive(a, b, ta, tb)
                for i in ref.indices { #expect(abs(c.values[i] - ref[i]) < 1e-5, "ta \(ta) tb \(tb) at \(i)") }
            }
        }
    }

    @Test("out-parameter matmul writes into and accumulates in an existing buffer")
    func matmulInto() {
        let a = GradCheck.random([4, 6], seed: 3), b = GradCheck.random([5, 6], seed: 4)
        var c = Tensor(shape: [4, 5], repeating: 1)
        Tensor.matmul(a, b, transposeB: true, alpha: 2, beta: 1, into: &c)
        let ref = Self.naive(a, b, false, true)
        for i in ref.indices { #expect(abs(c.values[i] - (1 + 2 * ref[i])) < 1e-5) }
        Tensor.matmul(a, b, transposeB: true, into: &c)   // beta 0 overwrites
        for i in ref.indices { #expect(abs(c.values[i] - ref[i]) < 1e-5) }
    }

    @Test("element-wise arithmetic, row vectors, column sums, transpose, SIMD tails")
    func elementwise() {
        let a = GradCheck.random([37], seed: 5), b = GradCheck.random([37], seed: 6)   // 37 = 2·16 + 5: a tail
        let sum = a + b, diff = a - b, prod = a * b, scaled = a * 3
        for i in 0 ..< 37 {
            #expect(sum.values[i] == a.values[i] + b.values[i])
            #expect(diff.values[i] == a.values[i] - b.values[i])
            #expect(prod.values[i] == a.values[i] * b.values[i])
            #expect(scaled.values[i] == 3 * a.values[i])
        }
        var c = a
        c += b
        #expect(c == sum)
        c -= b
        for i in 0 ..< 37 { #expect(abs(c.values[i] - a.values[i]) < 1e-6) }
        let sq = a.map { $0 * $0 }
        #expect(sq.values == a.values.map { $0 * $0 })

        let m = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(m.addingRowVector(Tensor(shape: [3], values: [10, 20, 30])).values == [11, 22, 33, 14, 25, 36])
        #expect(m.columnSums().values == [5, 7, 9])
        let t = m.transposed()
        #expect(t.shape == [3, 2] && t.values == [1, 4, 2, 5, 3, 6])
        #expect(m.sum() == 21 && m.mean() == 3.5)
    }
}
