import SimCore

/// Times square `cblas_sgemm` products through ``BLAS``.
public enum SgemmProbe {
    /// GFLOP/s of an n×n×n single-precision product (best of a few repetitions after a warm-up).
    public static func gflops(size n: Int, minimumSeconds: Double = 0.2) -> Double {
        var a = [Float](repeating: 0, count: n * n)
        var b = [Float](repeating: 0, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        for i in 0 ..< n * n {
            a[i] = Float(i % 7) * 0.25 - 0.5
            b[i] = Float(i % 5) * 0.5 - 1
        }
        var best = 0.0
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    guard let a0 = ap.baseAddress, let b0 = bp.baseAddress, let c0 = cp.baseAddress else { return }
                    BLAS.sgemm(m: n, n: n, k: n, a: a0, lda: n, b: b0, ldb: n, c: c0, ldc: n)  // warm-up
                    let start = Clock.seconds()
                    repeat {
                        let t0 = Clock.seconds()
                        BLAS.sgemm(m: n, n: n, k: n, a: a0, lda: n, b: b0, ldb: n, c: c0, ldc: n)
                        let dt = Clock.seconds() - t0
                        best = max(best, 2 * Double(n) * Double(n) * Double(n) / dt / 1e9)
                    } while Clock.seconds() - start < minimumSeconds
                }
            }
        }
        return best
    }
}
