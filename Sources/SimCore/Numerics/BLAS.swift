internal import CGSL

/// Single-precision BLAS (OpenBLAS) and facts about the BLAS actually serving the process.
///
/// ```swift
/// // C[2×2] = A[2×3]·B[3×2]
/// BLAS.sgemm(m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: &c, ldc: 2)
/// print(BLAS.coreName)   // "Haswell"
/// ```
public enum BLAS {
    /// `C = alpha·op(A)·op(B) + beta·C` on row-major matrices; `op` transposes without copying.
    /// C is m×n, op(A) is m×k, op(B) is k×n.
    @inlinable
    public static func sgemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        rawSgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @usableFromInline
    static func rawSgemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                         _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                         _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The OpenBLAS kernel in use ("Haswell", "SkylakeX", … or "Prescott" when the CPU was not recognised).
    public static var coreName: String {
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    }

    /// OpenBLAS build configuration string.
    public static var configuration: String {
        openblas_get_config().map { String(cString: $0) } ?? "unknown"
    }

    /// Threads OpenBLAS uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of OpenBLAS threads (1 is fastest for the small matrices of RL models).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }

    /// The shared library whose `cblas_sgemm` this process calls (resolved with `dladdr`), e.g.
    /// "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3". Proves GSL's slow reference CBLAS
    /// is not the one serving BLAS calls.
    public static var sgemmLibraryPath: String? {
        cgsl_sgemm_library_path().map { String(cString: $0) }
    }
}
