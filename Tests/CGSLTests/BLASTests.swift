import Testing
import CGSL
import SimCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("BLAS (OpenBLAS through CGSL)")
struct BLASTests {
    /// [[1,2,3],[4,5,6]]·[[7,8],[9,10],[11,12]] = [[58,64],[139,154]] (by hand: 1·7+2·9+3·11 = 58, …).
    @Test func smallProduct() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [7, 8, 9, 10, 11, 12]
        var c = [Float](repeating: -1, count: 4)   // beta = 0 must overwrite, not accumulate
        BLAS.sgemm(m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: &c, ldc: 2)
        #expect(c == [58, 64, 139, 154])
    }

    /// alpha and beta: C = 2·A·B + 0.5·C.
    @Test func alphaBeta() {
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [7, 8, 9, 10, 11, 12]
        var c: [Float] = [2, 4, 6, 8]
        BLAS.sgemm(m: 2, n: 2, k: 3, alpha: 2, a: a, lda: 3, b: b, ldb: 2, beta: 0.5, c: &c, ldc: 2)
        #expect(c == [117, 130, 281, 312])
    }

    /// Seeded pseudo-random matrix entries in [−1, 1) (SplitMix64; independent of the code under test).
    static func randomMatrix(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0 ..< count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(Double(z >> 11) * 0x1p-53 * 2 - 1)
        }
    }

    /// All four transpose combinations against a naive triple loop in Double on 17×23 · 23×11, with
    /// leading dimensions larger than the matrix widths (padding must be skipped).
    @Test("transpose variants match a naive product", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func transposeVariants(transposeA: Bool, transposeB: Bool) {
        let m = 17, k = 23, n = 11
        // Stored shapes: op(A) is m×k, so A is k×m when transposed; op(B) is k×n, so B is n×k when transposed.
        let aRows = transposeA ? k : m, aCols = transposeA ? m : k
        let bRows = transposeB ? n : k, bCols = transposeB ? k : n
        let lda = aCols + 3, ldb = bCols + 2, ldc = n + 5
        let a = Self.randomMatrix(aRows * lda, seed: 1)
        let b = Self.randomMatrix(bRows * ldb, seed: 2)
        let c0 = Self.randomMatrix(m * ldc, seed: 3)
        var c = c0
        let alpha: Float = 0.75, beta: Float = -0.5
        BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                   a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)

        func opA(_ i: Int, _ p: Int) -> Double { Double(transposeA ? a[p * lda + i] : a[i * lda + p]) }
        func opB(_ p: Int, _ j: Int) -> Double { Double(transposeB ? b[j * ldb + p] : b[p * ldb + j]) }
        var worst = 0.0
        for i in 0 ..< m {
            for j in 0 ..< n {
                var sum = 0.0, scale = 0.0
                for p in 0 ..< k {
                    sum += opA(i, p) * opB(p, j)
                    scale += abs(opA(i, p) * opB(p, j))
                }
                let expected = Double(alpha) * sum + Double(beta) * Double(c0[i * ldc + j])
                let magnitude = Double(alpha) * scale + abs(Double(beta) * Double(c0[i * ldc + j]))
                worst = max(worst, abs(Double(c[i * ldc + j]) - expected) / magnitude)
            }
            // Padding columns of C are untouched.
            for j in n ..< ldc { #expect(c[i * ldc + j] == c0[i * ldc + j]) }
        }
        #expect(worst < 1e-5, "worst relative error \(worst)")
    }

    /// cblas_sgemm must come from OpenBLAS, not GSL's reference libgslcblas.
    @Test func sgemmServedByOpenBLAS() throws {
        let path = try #require(BLAS.sgemmLibraryPath)
        #expect(path.lowercased().contains("openblas"), "cblas_sgemm resolved to \(path)")
        #expect(!path.contains("gslcblas"))
        // The same answer straight from the C shim.
        let direct = try #require(cgsl_sgemm_library_path())
        #expect(String(cString: direct) == path)
    }

    @Test func coreName() {
        let name = BLAS.coreName
        #expect(!name.isEmpty)
        #expect(name != "unknown")
        // When the environment chooses the core (as `make test` does), OpenBLAS must honour it.
        if let chosen = getenv(OpenBLASLaunch.variable).map({ String(cString: $0) }), !chosen.isEmpty {
            #expect(name.lowercased() == chosen.lowercased())
        }
        #expect(BLAS.threads >= 1)
        #expect(!BLAS.configuration.isEmpty)
    }

    @Suite("OpenBLAS launch configuration")
    struct OpenBLASLaunchTests {
        static let cpuinfo = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        model name\t: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
        flags\t\t: fpu vme de pse tsc msr sse sse2 ssse3 fma avx avx2 avx512f avx512dq
        vmx flags\t: vnmi preemption_timer
        bugs\t\t: spectre_v1 spectre_v2

        processor\t: 1
        vendor_id\t: GenuineIntel
        flags\t\t: fpu sse sse2 other_cpu_flag

        """

        @Test func parsesFlagsOfFirstProcessor() {
            let flags = OpenBLASLaunch.cpuFlags(cpuinfo: Self.cpuinfo)
            #expect(flags == ["fpu", "vme", "de", "pse", "tsc", "msr", "sse", "sse2", "ssse3", "fma", "avx", "avx2", "avx512f", "avx512dq"])
            #expect(!flags.contains("vnmi"))             // "vmx flags" is a different line
            #expect(!flags.contains("other_cpu_flag"))   // second processor
            #expect(OpenBLASLaunch.cpuFlags(cpuinfo: "processor : 0\nFeatures : fp asimd\n") == [])
            #expect(OpenBLASLaunch.cpuFlags(cpuinfo: "") == [])
        }

        @Test("core type from CPU flags", arguments: [
            (["sse2", "avx", "avx2", "avx512f"], "SkylakeX"),
            (["avx512f"], "SkylakeX"),
            (["sse2", "avx", "avx2", "fma"], "Haswell"),
            (["sse2", "avx"], nil),
            ([], nil),
        ] as [([String], String?)])
        func coreType(flags: [String], expected: String?) {
            #expect(OpenBLASLaunch.coreType(cpuFlags: Set(flags)) == expected)
        }

        @Test func userValueWins() {
            let avx2: Set<String> = ["avx", "avx2"]
            #expect(OpenBLASLaunch.coreTypeToSet(currentValue: "Sandybridge", cpuFlags: avx2) == nil)
            #expect(OpenBLASLaunch.coreTypeToSet(currentValue: "Haswell", cpuFlags: ["avx512f"]) == nil)
            #expect(OpenBLASLaunch.coreTypeToSet(currentValue: nil, cpuFlags: avx2) == "Haswell")
            #expect(OpenBLASLaunch.coreTypeToSet(currentValue: "", cpuFlags: avx2) == "Haswell")   // empty = unset
            #expect(OpenBLASLaunch.coreTypeToSet(currentValue: nil, cpuFlags: ["sse2"]) == nil)
            #expect(OpenBLASLaunch.cpuFlags(cpuinfo: Self.cpuinfo).isSuperset(of: ["avx512f"]))
            #expect(OpenBLASLaunch.coreTypeToSet(currentValue: nil, cpuFlags: OpenBLASLaunch.cpuFlags(cpuinfo: Self.cpuinfo)) == "SkylakeX")
        }
    }
}
