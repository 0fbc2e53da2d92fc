import Foundation
import SimCore

/// One-dimensional convolution (cross-correlation, as PyTorch's `nn.Conv1d`) over
/// `[batch, inChannels, length]`, giving `[batch, outChannels, outLength]` with
/// outLength = ⌊(length + 2·padding − kernel)/stride⌋ + 1 and zero padding at both ends.
///
/// Weight `[outChannels, inChannels, kernel]` and bias `[outChannels]` (PyTorch's layout), both
/// initialised uniform on ±1/√(inChannels·kernel). Implemented with im2col: each sample's input
/// is unfolded into columns `[inChannels·kernel, outLength]`, so the forward pass is one sgemm
/// W·cols per sample; backward is dW += g·colsᵀ and dcols = Wᵀ·g (sgemm with transpose flags),
/// db += Σ g over positions, and dcols folded back (col2im, accumulating overlaps) into dx.
public final class Conv1D: Layer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    public let weight: Parameter
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }

    private var columns: [Float] = []
    private var inputShape: [Int] = [0, 0, 0]

    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                name: String = "", rng: RNGStream) {
        precondition(inChannels > 0 && outChannels > 0 && kernel > 0 && stride > 0 && padding >= 0,
                     "Conv1D: invalid sizes")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        let bound = 1 / Float(inChannels * kernel).squareRoot()
        weight = Parameter(name: parameterName(name, "weight"),
                           value: Tensor(shape: [outChannels, inChannels, kernel],
                                         values: uniformValues(count: outChannels * inChannels * kernel, bound: bound, rng: rng)))
        bias = Parameter(name: parameterName(name, "bias"),
                         value: Tensor(shape: [outChannels], values: uniformValues(count: outChannels, bound: bound, rng: rng)))
    }

    /// The output length for an input of `length`.
    public func outputLength(_ length: Int) -> Int { (length + 2 * padding - kernel) / stride + 1 }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.rank == 3 && x.shape[1] == inChannels, "Conv1D: input must be [batch, \(inChannels), length], got \(x.shape)")
        let (b, length) = (x.shape[0], x.shape[2])
        let lo = outputLength(length)
        precondition(lo > 0, "Conv1D: input length \(length) too short for kernel \(kernel)")
        inputShape = x.shape
        let ck = inChannels * kernel
        let (k, s, p, cin, cout) = (kernel, stride, padding, inChannels, outChannels)
        columns = [Float](repeating: 0, count: b * ck * lo)
        var out = Tensor.uninitialized([b, cout, lo])
        x.values.withUnsafeBufferPointer { px in
            columns.withUnsafeMutableBufferPointer { cols in
                for n in 0 ..< b {
                    for c in 0 ..< cin {
                        for j in 0 ..< k {
                            let row = (n * ck + c * k + j) * lo
                            for o in 0 ..< lo {
                                let i = o * s + j - p
                                if i >= 0 && i < length { cols[row + o] = px[(n * cin + c) * length + i] }
                            }
                        }
                    }
                }
            }
        }
        columns.withUnsafeBufferPointer { cols in
            weight.value.values.withUnsafeBufferPointer { w in
                bias.value.values.withUnsafeBufferPointer { pb in
                    out.values.withUnsafeMutableBufferPointer { o in
                        for n in 0 ..< b {
                            let dst = o.baseAddress! + n * cout * lo
                            for co in 0 ..< cout {
                                (dst + co * lo).update(repeating: pb[co], count: lo)
                            }
                            Tensor.gemm(transposeA: false, transposeB: false, m: cout, n: lo, k: ck, alpha: 1,
                                        a: w.baseAddress!, lda: ck, b: cols.baseAddress! + n * ck * lo, ldb: lo,
                                        beta: 1, c: dst, ldc: lo)
                        }
                    }
                }
            }
        }
        return out
    }

    public func backward(_ g: Tensor) -> Tensor {
        let (b, length) = (inputShape[0], inputShape[2])
        let lo = outputLength(length)
        let ck = inChannels * kernel
        let (k, s, p, cin, cout) = (kernel, stride, padding, inChannels, outChannels)
        precondition(g.count == b * cout * lo, "Conv1D.backward: gradient shape \(g.shape)")
        var dx = Tensor.zeros(inputShape)
        var dcols = [Float](repeating: 0, count: ck * lo)
        g.values.withUnsafeBufferPointer { pg in
            columns.withUnsafeBufferPointer { cols in
                weight.value.values.withUnsafeBufferPointer { w in
                    weight.gradient.values.withUnsafeMutableBufferPointer { dw in
                        bias.gradient.values.withUnsafeMutableBufferPointer { db in
                            dcols.withUnsafeMutableBufferPointer { dc in
                                dx.values.withUnsafeMutableBufferPointer { d in
                                    for n in 0 ..< b {
                                        let gn = pg.baseAddress! + n * cout * lo
                                        // dW += g_n · cols_nᵀ
                                        Tensor.gemm(transposeA: false, transposeB: true, m: cout, n: ck, k: lo, alpha: 1,
                                                    a: gn, lda: lo, b: cols.baseAddress! + n * ck * lo, ldb: lo,
                                                    beta: 1, c: dw.baseAddress!, ldc: ck)
                                        for co in 0 ..< cout {
                                            var t: Float = 0
                                            for o in 0 ..< lo { t += gn[co * lo + o] }
                                            db[co] += t
                                        }
                                        // dcols = Wᵀ · g_n, then col2im into dx.
                                        Tensor.gemm(transposeA: true, transposeB: false, m: ck, n: lo, k: cout, alpha: 1,
                                                    a: w.baseAddress!, lda: ck, b: gn, ldb: lo,
                                                    beta: 0, c: dc.baseAddress!, ldc: lo)
                                        for c in 0 ..< cin {
                                            for j in 0 ..< k {
                                                let row = (c * k + j) * lo
                                                for o in 0 ..< lo {
                                                    let i = o * s + j - p
                                                    if i >= 0 && i < length { d[(n * cin + c) * length + i] += dc[row + o] }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}
