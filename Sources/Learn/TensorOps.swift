import Foundation
import SimCore

// Tensor operations: matrix products through cblas_sgemm (transposes without copies) and
// element-wise maths in SIMD16<Float> chunks. Rank-2 views: a tensor of any rank is read as the
// matrix [rows, columns] = [shape[0], product of the other dimensions].

extension Tensor {
    /// A tensor of `shape` whose storage is allocated but not initialised: every element must be
    /// written before it is read. Saves the zero fill of large hot-loop buffers.
    public static func uninitialized(_ shape: [Int]) -> Tensor {
        let n = shape.reduce(1, *)
        let values = [Float](unsafeUninitializedCapacity: n) { _, count in count = n }
        return Tensor(shape: shape, values: values)
    }

    /// The size of the last dimension (1 for a scalar tensor).
    public var lastDimension: Int { shape.last ?? 1 }

    // MARK: Matrix products

    /// `op(self)·op(other)` with `op` the identity or the transpose (no copies: the flags go to sgemm).
    /// Both tensors are read as matrices `[rows, columns]`.
    ///
    /// ```swift
    /// let y = x.matmul(w, transposeOther: true)   // x·wᵀ
    /// ```
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let m = transposeSelf ? columns : rows
        let n = transposeOther ? other.rows : other.columns
        var out = Tensor.uninitialized([m, n])
        Tensor.matmul(self, other, transposeA: transposeSelf, transposeB: transposeOther, into: &out)
        return out
    }

    /// `c = alpha·op(a)·op(b) + beta·c`, written into an existing buffer (no allocation when `c` is
    /// uniquely referenced). `c` must already have `op(a).rows × op(b).columns` elements; with
    /// `beta = 0` its old contents are ignored, with `beta = 1` the product is accumulated.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                              alpha: Float = 1, beta: Float = 0, into c: inout Tensor) {
        let (ar, ac, br, bc) = (a.rows, a.columns, b.rows, b.columns)
        let m = transposeA ? ac : ar
        let k = transposeA ? ar : ac
        let kb = transposeB ? bc : br
        let n = transposeB ? br : bc
        precondition(k == kb, "matmul: inner dimensions \(k) and \(kb) differ (\(a.shape) × \(b.shape))")
        precondition(c.count == m * n, "matmul: output has \(c.count) elements, needs \(m)×\(n)")
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                         a: pa.baseAddress!, lda: ac, b: pb.baseAddress!, ldb: bc,
                         beta: beta, c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// sgemm that tolerates empty matrices (OpenBLAS rejects some zero leading dimensions).
    @usableFromInline
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0 ..< m * n { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                   a: a, lda: max(1, lda), b: b, ldb: max(1, ldb), beta: beta, c: c, ldc: max(1, ldc))
    }

    /// The transpose of a matrix (a copy; prefer the transpose flags of `matmul`).
    public func transposed() -> Tensor {
        let (r, c) = (rows, columns)
        var out = Tensor.uninitialized([c, r])
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for i in 0 ..< r { for j in 0 ..< c { dst[j * r + i] = src[i * c + j] } }
            }
        }
        return out
    }

    // MARK: SIMD maps

    /// `f` applied to every element, 16 lanes at a time (the tail is padded with zeros).
    @inlinable
    public func map(_ f: (SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        var out = Tensor.uninitialized(shape)
        values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in Tensor.simdMap(src, dst, f) }
        }
        return out
    }

    /// `f(self, other)` element by element, 16 lanes at a time; shapes must have equal element counts.
    @inlinable
    public func zipMap(_ other: Tensor, _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        precondition(count == other.count, "zipMap: \(shape) and \(other.shape) differ in size")
        var out = Tensor.uninitialized(shape)
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                out.values.withUnsafeMutableBufferPointer { dst in Tensor.simdZip(a, b, dst, f) }
            }
        }
        return out
    }

    /// Applies `f` in place, 16 lanes at a time.
    @inlinable
    public mutating func apply(_ f: (SIMD16<Float>) -> SIMD16<Float>) {
        values.withUnsafeMutableBufferPointer { buf in
            Tensor.simdMap(UnsafeBufferPointer(buf), buf, f)
        }
    }

    /// `dst[i] = f(src[i])` in SIMD16 chunks; `src` and `dst` may be the same buffer.
    @inlinable
    public static func simdMap(_ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
                               _ f: (SIMD16<Float>) -> SIMD16<Float>) {
        let n = src.count
        guard n > 0, let s = src.baseAddress, let d = dst.baseAddress else { return }
        var i = 0
        while i + 16 <= n {
            let v = UnsafeRawPointer(s + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(d + i).storeBytes(of: f(v), as: SIMD16<Float>.self)
            i += 16
        }
        if i < n {
            var v = SIMD16<Float>()
            for j in 0 ..< n - i { v[j] = s[i + j] }
            let r = f(v)
            for j in 0 ..< n - i { d[i + j] = r[j] }
        }
    }

    /// `dst[i] = f(a[i], b[i])` in SIMD16 chunks; `dst` may alias `a` or `b`.
    @inlinable
    public static func simdZip(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>,
                               _ dst: UnsafeMutableBufferPointer<Float>,
                               _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) {
        let n = a.count
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress, let d = dst.baseAddress else { return }
        var i = 0
        while i + 16 <= n {
            let x = UnsafeRawPointer(pa + i).loadUnaligned(as: SIMD16<Float>.self)
            let y = UnsafeRawPointer(pb + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(d + i).storeBytes(of: f(x, y), as: SIMD16<Float>.self)
            i += 16
        }
        if i < n {
            var x = SIMD16<Float>(), y = SIMD16<Float>()
            for j in 0 ..< n - i { x[j] = pa[i + j]; y[j] = pb[i + j] }
            let r = f(x, y)
            for j in 0 ..< n - i { d[i + j] = r[j] }
        }
    }

    /// A scalar function applied lane by lane (for `exp`, `tanh`, … which have no SIMD intrinsic).
    @inlinable
    public static func lanewise(_ v: SIMD16<Float>, _ f: (Float) -> Float) -> SIMD16<Float> {
        var r = SIMD16<Float>()
        for j in 0 ..< 16 { r[j] = f(v[j]) }
        return r
    }

    // MARK: Element-wise arithmetic

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.zipMap(b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.zipMap(b, -) }
    /// Element-wise (Hadamard) product.
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.zipMap(b, *) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.scaled(by: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.scaled(by: s) }

    public static func += (a: inout Tensor, b: Tensor) { a.add(b) }
    public static func -= (a: inout Tensor, b: Tensor) { a.add(b, scale: -1) }

    /// Every element times `s`.
    public func scaled(by s: Float) -> Tensor { map { $0 * s } }

    /// `self += scale·other` in place (an axpy).
    public mutating func add(_ other: Tensor, scale: Float = 1) {
        precondition(count == other.count, "add: \(shape) and \(other.shape) differ in size")
        other.values.withUnsafeBufferPointer { b in
            values.withUnsafeMutableBufferPointer { a in
                Tensor.simdZip(UnsafeBufferPointer(a), b, a) { $0 + scale * $1 }
            }
        }
    }

    /// A copy with the row vector `v` (`lastDimension` elements) added to every row.
    public func addingRowVector(_ v: Tensor) -> Tensor {
        var out = self
        out.addRowVector(v)
        return out
    }

    /// Adds the row vector `v` (e.g. a bias of `lastDimension` elements) to every row, in place.
    public mutating func addRowVector(_ v: Tensor) {
        let c = lastDimension
        precondition(v.count == c, "addRowVector: vector of \(v.count) for rows of \(c)")
        guard c > 0 else { return }
        let r = count / c
        v.values.withUnsafeBufferPointer { pv in
            values.withUnsafeMutableBufferPointer { a in
                for i in 0 ..< r {
                    let row = UnsafeMutableBufferPointer(rebasing: a[i * c ..< (i + 1) * c])
                    Tensor.simdZip(UnsafeBufferPointer(row), pv, row, +)
                }
            }
        }
    }

    /// Sums over rows: a `[lastDimension]` tensor of column totals.
    public func columnSums() -> Tensor {
        var out = Tensor.zeros([lastDimension])
        accumulateColumnSums(into: &out)
        return out
    }

    /// `target += column sums of self` (the bias gradient of a dense layer).
    public func accumulateColumnSums(into target: inout Tensor) {
        let c = lastDimension
        precondition(target.count == c, "columnSums: target of \(target.count) for \(c) columns")
        guard c > 0 else { return }
        let r = count / c
        values.withUnsafeBufferPointer { src in
            target.values.withUnsafeMutableBufferPointer { t in
                for i in 0 ..< r {
                    let row = UnsafeBufferPointer(rebasing: src[i * c ..< (i + 1) * c])
                    Tensor.simdZip(UnsafeBufferPointer(t), row, t, +)
                }
            }
        }
    }

    /// Sum of all elements (accumulated in Double).
    public func sum() -> Float {
        var s = 0.0
        for v in values { s += Double(v) }
        return Float(s)
    }

    /// Mean of all elements.
    public func mean() -> Float { count == 0 ? 0 : Float(Double(sum()) / Double(count)) }
}
