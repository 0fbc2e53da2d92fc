import Testing
import SimCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Relative difference |a − b| / |b|.
private func relErr(_ a: Double, _ b: Double) -> Double { abs(a - b) / abs(b) }

/// SpecialFunctions, RootFinding and Interpolator.
@Suite("Numerics")
struct NumericsTests {
    @Suite("Special functions")
    struct SpecialFunctionsTests {
        /// First zero of J0: j₀,₁ = 2.404825557695773 (DLMF Table 10.21.1). |J0'(j₀,₁)| = J1 ≈ 0.52, so the
        /// rounding of the argument alone contributes ~1e-16.
        @Test func besselJ0FirstZero() {
            #expect(abs(SpecialFunctions.besselJ0(2.404825557695773)) < 1e-15)
            #expect(SpecialFunctions.besselJ0(0) == 1)
        }

        /// J1(1) = 0.44005058574493351596 (DLMF / Abramowitz & Stegun Table 9.1).
        @Test func besselJ1KnownValue() {
            #expect(relErr(SpecialFunctions.besselJ1(1), 0.4400505857449335) < 1e-15)
            #expect(SpecialFunctions.besselJ1(0) == 0)
        }

        /// Recurrence J_{n−1}(x) + J_{n+1}(x) = (2n/x)·J_n(x), and J5(3.7) = 0.0994854170083339 (mpmath).
        @Test func besselJnRecurrence() {
            for x in [0.5, 1.0, 3.7, 10.0, 25.0] {
                for n in 1 ... 6 {
                    let lhs = SpecialFunctions.besselJ(n - 1, x) + SpecialFunctions.besselJ(n + 1, x)
                    let rhs = 2 * Double(n) / x * SpecialFunctions.besselJ(n, x)
                    #expect(abs(lhs - rhs) < 1e-14, "n=\(n) x=\(x)")
                }
                #expect(SpecialFunctions.besselJ(0, x) == SpecialFunctions.besselJ0(x))
                #expect(SpecialFunctions.besselJ(1, x) == SpecialFunctions.besselJ1(x))
            }
            #expect(relErr(SpecialFunctions.besselJ(5, 3.7), 0.09948541700833391) < 1e-13)
        }

        /// Modified Bessel: I0(0) = 1, scaled = e^{−x}·I, I1(2.5) = 2.5167162452886984 (mpmath).
        @Test func modifiedBessel() {
            #expect(SpecialFunctions.besselI0(0) == 1)
            #expect(relErr(SpecialFunctions.besselI1(2.5), 2.5167162452886984) < 1e-14)
            #expect(relErr(SpecialFunctions.besselI0Scaled(3), 0.24300035416182542) < 1e-14)
            for x in [0.1, 1.0, 5.0, 20.0] {
                #expect(relErr(SpecialFunctions.besselI0Scaled(x), exp(-x) * SpecialFunctions.besselI0(x)) < 1e-14)
                #expect(relErr(SpecialFunctions.besselI1Scaled(x), exp(-x) * SpecialFunctions.besselI1(x)) < 1e-14)
            }
            #expect(SpecialFunctions.besselI0Scaled(1e6).isFinite && SpecialFunctions.besselI0Scaled(1e6) > 0)
        }

        /// Φ(1.96) = 0.97500210485177956 (standard normal table; mpmath ncdf).
        @Test func normalCDFKnownValue() {
            #expect(relErr(SpecialFunctions.normalCDF(1.96), 0.9750021048517795) < 1e-15)
            #expect(SpecialFunctions.normalCDF(0) == 0.5)
            #expect(relErr(SpecialFunctions.normalQuantile(0.975), 1.959963984540054) < 1e-14)
        }

        /// Quantile ∘ CDF = identity. On the lower side via Φ, on the upper side via Q = 1 − Φ (Φ near 1
        /// has too few significant digits to invert to 1e-12).
        @Test func normalQuantileRoundTrip() {
            var x = -8.0
            while x <= 8.0 {
                if x <= 1 {
                    #expect(abs(SpecialFunctions.normalQuantile(SpecialFunctions.normalCDF(x)) - x) < 1e-12 * max(1, abs(x)), "x=\(x)")
                }
                if x >= -1 {
                    #expect(abs(-SpecialFunctions.normalQuantile(SpecialFunctions.normalQ(x)) - x) < 1e-12 * max(1, abs(x)), "x=\(x)")
                }
                #expect(abs(SpecialFunctions.normalCDF(x) + SpecialFunctions.normalQ(x) - 1) < 1e-15)
                x += 0.125
            }
        }

        @Test func erfAndErfc() {
            var x = -3.0
            while x <= 3.0 {
                #expect(abs(SpecialFunctions.erfc(x) - (1 - SpecialFunctions.erf(x))) < 2e-16 * 4, "x=\(x)")
                #expect(abs(SpecialFunctions.erf(-x) + SpecialFunctions.erf(x)) <= 2.3e-16)  // odd, to 1 ulp
                // Φ(x) = erfc(−x/√2)/2
                #expect(abs(SpecialFunctions.normalCDF(x) - 0.5 * SpecialFunctions.erfc(-x / 2.0.squareRoot())) < 1e-15)
                x += 0.1
            }
            #expect(relErr(SpecialFunctions.erf(0.5), 0.5204998778130465) < 1e-15)
            // Tail accuracy where 1 − erf would be all rounding: erfc(5) = 1.5374597944280349e-12 (mpmath).
            #expect(relErr(SpecialFunctions.erfc(5), 1.5374597944280349e-12) < 1e-14)
        }

        /// lnΓ(1/2) = ln √π and lnΓ(10) = ln 9!.
        @Test func logGamma() {
            #expect(relErr(SpecialFunctions.logGamma(0.5), log(Double.pi.squareRoot())) < 1e-15)
            #expect(relErr(SpecialFunctions.logGamma(10), log(362_880)) < 1e-15)
            #expect(SpecialFunctions.logGamma(1) == 0)
        }

        /// t-table: t(0.975, 19) = 2.093 (published to 3 decimals; 2.0930240544083087 from scipy),
        /// and for ν = 1 (Cauchy) the closed form tan(π(p − ½)): t(0.975, 1) = 12.706204736174698.
        @Test func studentTQuantile() {
            let t19 = SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: 19)
            #expect((t19 * 1000).rounded() == 2093)
            #expect(relErr(t19, 2.093024054408263) < 1e-12)
            let t1 = SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: 1)
            #expect(relErr(t1, tan(Double.pi * 0.475)) < 1e-12)
            // Symmetry and the large-ν limit (the normal quantile).
            #expect(abs(SpecialFunctions.studentTQuantile(0.025, degreesOfFreedom: 19) + t19) < 1e-12)
            #expect(abs(SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: 1e7) - 1.959963984540054) < 1e-6)
        }
    }

    @Suite("Root finding")
    struct RootFindingTests {
        static let methods: [RootFinding.Method] = [.brent, .bisection, .falsePosition]

        @Test func brentCos() throws {
            let root = try RootFinding.brent(in: 1 ... 2) { cos($0) }
            #expect(abs(root - Double.pi / 2) <= 1e-12)
        }

        @Test func brentCubeRoot() throws {
            let root = try RootFinding.brent(in: 0 ... 2) { $0 * $0 * $0 - 2 }
            #expect(abs(root - cbrt(2)) <= 1e-12)
            #expect(abs(root - 1.2599210498948732) <= 1e-12)
        }

        @Test("each method converges", arguments: methods)
        func eachMethod(_ method: RootFinding.Method) throws {
            let r1 = try RootFinding.solve(method, in: 1 ... 2) { cos($0) }
            #expect(abs(r1 - Double.pi / 2) <= 1e-12)
            let r2 = try RootFinding.solve(method, in: 0 ... 2) { $0 * $0 * $0 - 2 }
            #expect(abs(r2 - cbrt(2)) <= 1e-12)
            // Decreasing function, root near the left end.
            let r3 = try RootFinding.solve(method, in: 0 ... 10) { 0.3 - $0 }
            #expect(abs(r3 - 0.3) <= 1e-12)
        }

        /// Tolerance semantics: the bracket is narrower than abs + rel·|x|.
        @Test(arguments: methods)
        func relativeTolerance(_ method: RootFinding.Method) throws {
            let root = try RootFinding.solve(method, in: 0 ... 20, absoluteTolerance: 0, relativeTolerance: 1e-10) { exp($0) - 1e6 }
            let exact = log(1e6)
            #expect(abs(root - exact) <= 1e-10 * exact)
            let coarse = try RootFinding.solve(method, in: 0 ... 20, absoluteTolerance: 1e-3) { exp($0) - 1e6 }
            #expect(abs(coarse - exact) <= 1e-3)
        }

        @Test func notBracketed() {
            #expect(throws: RootFindingError.notBracketed(lower: -1, upper: 1, fLower: 2, fUpper: 2)) {
                try RootFinding.brent(in: -1 ... 1) { $0 * $0 + 1 }
            }
            // Two roots inside, same sign at both ends.
            #expect(throws: RootFindingError.notBracketed(lower: -2, upper: 2, fLower: 3, fUpper: 3)) {
                try RootFinding.solve(.bisection, in: -2 ... 2) { $0 * $0 - 1 }
            }
            let text = RootFindingError.notBracketed(lower: -1, upper: 1, fLower: 2, fUpper: 2).description
            #expect(text == "root not bracketed: f(-1.0) = 2.0 and f(1.0) = 2.0 have the same sign")
        }

        @Test(arguments: methods)
        func endpointRoot(_ method: RootFinding.Method) throws {
            #expect(try RootFinding.solve(method, in: 1 ... 3) { $0 - 1 } == 1)
            #expect(try RootFinding.solve(method, in: -3 ... 1) { $0 - 1 } == 1)
            // An endpoint root wins even when the interior has no sign change of its own.
            #expect(try RootFinding.solve(method, in: 0 ... 5) { $0 * $0 } == 0)
        }

        @Test func nonFiniteAtEndpoint() {
            #expect(throws: RootFindingError.nonFinite(x: 0)) {
                try RootFinding.brent(in: 0 ... 1) { log($0) }            // log 0 = −∞
            }
            #expect(throws: RootFindingError.nonFinite(x: 2)) {
                try RootFinding.brent(in: 0 ... 2) { $0 < 1.5 ? -1 : .nan }
            }
        }

        /// NaN inside the bracket: the error names a point where f is not finite.
        @Test(arguments: methods)
        func nonFiniteInside(_ method: RootFinding.Method) {
            let f: (Double) -> Double = { x in x < 0.3 ? -1 : (x > 0.7 ? 1 : .nan) }
            let error = #expect(throws: RootFindingError.self) { try RootFinding.solve(method, in: 0 ... 1, f) }
            guard case let .nonFinite(x)? = error else {
                Issue.record("expected .nonFinite, got \(String(describing: error))")
                return
            }
            #expect(!f(x).isFinite, "reported x = \(x)")
        }

        /// Bisection halves the bracket per iteration: after 3 of them it is 1/8 wide around π/2, and
        /// GSL reports the midpoint of the remaining bracket.
        @Test func noConvergence() {
            let error = #expect(throws: RootFindingError.self) {
                try RootFinding.solve(.bisection, in: 1 ... 2, maxIterations: 3) { cos($0) }
            }
            guard case let .noConvergence(iterations, estimate)? = error else {
                Issue.record("expected .noConvergence, got \(String(describing: error))")
                return
            }
            #expect(iterations == 3)
            #expect(abs(estimate - Double.pi / 2) <= 1.0 / 16)
            #expect(estimate == 1.5625)  // bracket [1.5, 1.625]
        }
    }

    @Suite("Interpolator")
    struct InterpolatorTests {
        static let allMethods = Interpolator.Method.allCases
        /// Non-uniform abscissae.
        static let xs: [Double] = [-2, -1.5, 0, 0.25, 1, 3, 3.5, 7]

        /// Every method reproduces a straight line (linear: by construction; natural cubic: zero second
        /// derivatives solve its system; Akima and Steffen: all slopes equal the line's).
        @Test("exact on a line", arguments: allMethods)
        func exactOnLine(_ method: Interpolator.Method) throws {
            let ys = Self.xs.map { 2 * $0 + 1 }
            let table = try Interpolator(xs: Self.xs, ys: ys, method: method)
            #expect(table.method == method)
            var rng = SeededTestRNG(seed: 17)
            for _ in 0 ..< 200 {
                let x = Double.random(in: -2 ... 7, using: &rng)
                #expect(abs(try table.value(at: x) - (2 * x + 1)) < 1e-12, "x=\(x)")
                #expect(abs(try table.derivative(at: x) - 2) < 1e-12, "x=\(x)")
            }
            // ∫(2x + 1) dx = x² + x
            #expect(abs(try table.integral(from: -2, to: 7) - ((49 + 7) - (4 - 2))) < 1e-11)
            #expect(abs(try table.integral(from: -1.2, to: 2.6) - ((2.6 * 2.6 + 2.6) - (1.44 - 1.2))) < 1e-11)
            #expect(try table.integral(from: 0.4, to: 0.4) == 0)
        }

        @Test("passes through the table points", arguments: allMethods)
        func interpolatesNodes(_ method: Interpolator.Method) throws {
            let ys: [Double] = [3, -1, 4, 1, -5, 9, 2, 6]
            let table = try Interpolator(xs: Self.xs, ys: ys, method: method)
            for (x, y) in zip(Self.xs, ys) {
                #expect(abs(try table.value(at: x) - y) < 1e-12, "x=\(x)")
            }
        }

        @Test func linearBetweenPoints() throws {
            let table = try Interpolator(xs: [10, 20, 30], ys: [0.8, 0.9, 0.95], method: .linear)
            #expect(abs(try table.value(at: 15) - 0.85) < 1e-15)
            #expect(abs(try table.value(at: 27.5) - 0.9375) < 1e-15)
            #expect(abs(try table.derivative(at: 25) - 0.005) < 1e-15)
            // Trapezoids: 10·(0.8+0.9)/2 + 10·(0.9+0.95)/2 = 17.75
            #expect(abs(try table.integral(from: 10, to: 30) - 17.75) < 1e-13)
        }

        /// Natural cubic spline through (0,0), (1,1), (2,0): M0 = M2 = 0 and M1 = −3 from
        /// (h/6)M0 + (2h/3)M1 + (h/6)M2 = Δ₂ − Δ₁ = −2, so S(x) = 1.5x − 0.5x³ on [0, 1].
        @Test func naturalCubicClosedForm() throws {
            let table = try Interpolator(xs: [0, 1, 2], ys: [0, 1, 0], method: .cubic)
            for x in [0.0, 0.1, 0.5, 0.9, 1.0] {
                #expect(abs(try table.value(at: x) - (1.5 * x - 0.5 * x * x * x)) < 1e-14)
                #expect(abs(try table.derivative(at: x) - (1.5 - 1.5 * x * x)) < 1e-14)
                #expect(abs(try table.value(at: 2 - x) - (1.5 * x - 0.5 * x * x * x)) < 1e-14)  // symmetric
            }
            // ∫₀¹ (1.5x − 0.5x³) dx = 0.75 − 0.125 = 0.625; the whole curve twice that.
            #expect(abs(try table.integral(from: 0, to: 1) - 0.625) < 1e-14)
            #expect(abs(try table.integral(from: 0, to: 2) - 1.25) < 1e-14)
        }

        /// Steffen's method is monotone on monotone data and stays inside each interval's data range,
        /// where the natural cubic spline on the same data overshoots (so the data really test this).
        @Test func steffenIsMonotone() throws {
            let xs: [Double] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
            let ys: [Double] = [0, 0, 0, 0.1, 5, 5.1, 5.1, 6, 10, 10]
            let steffen = try Interpolator(xs: xs, ys: ys, method: .steffen)
            let cubic = try Interpolator(xs: xs, ys: ys, method: .cubic)
            var previous = -Double.infinity
            var cubicOvershoots = false
            for i in 0 ..< xs.count - 1 {
                for j in 0 ... 100 {
                    let x = xs[i] + Double(j) / 100 * (xs[i + 1] - xs[i])
                    let v = try steffen.value(at: x)
                    #expect(v >= previous, "not monotone at x=\(x)")
                    #expect(v >= ys[i] && v <= ys[i + 1], "overshoot at x=\(x): \(v)")
                    previous = v
                    let c = try cubic.value(at: x)
                    if c < ys[i] - 1e-9 || c > ys[i + 1] + 1e-9 { cubicOvershoots = true }
                }
            }
            #expect(cubicOvershoots)
        }

        @Test("too few points", arguments: [
            (Interpolator.Method.linear, 1, 2),
            (.cubic, 2, 3),
            (.akima, 4, 5),
            (.steffen, 2, 3),
            (.linear, 0, 2),
        ] as [(Interpolator.Method, Int, Int)])
        func tooFewPoints(method: Interpolator.Method, count: Int, need: Int) throws {
            let xs = (0 ..< count).map(Double.init)
            #expect(throws: InterpolationError.tooFewPoints(have: count, need: need)) {
                try Interpolator(xs: xs, ys: xs, method: method)
            }
            // One more point is enough.
            let more = (0 ... count).map(Double.init)
            if count + 1 >= need { _ = try Interpolator(xs: more, ys: more, method: method) }
        }

        @Test func invalidTables() {
            #expect(throws: InterpolationError.notIncreasing(index: 2)) {
                try Interpolator(xs: [0, 1, 1, 2], ys: [0, 1, 2, 3])
            }
            #expect(throws: InterpolationError.notIncreasing(index: 3)) {
                try Interpolator(xs: [0, 1, 2, 1.5, 4], ys: [0, 1, 2, 3, 4], method: .cubic)
            }
            #expect(throws: InterpolationError.lengthMismatch(xs: 3, ys: 2)) {
                try Interpolator(xs: [0, 1, 2], ys: [0, 1])
            }
            #expect(throws: InterpolationError.nonFinite(index: 1)) {
                try Interpolator(xs: [0, .nan, 2], ys: [0, 1, 2])
            }
            #expect(throws: InterpolationError.nonFinite(index: 2)) {
                try Interpolator(xs: [0, 1, 2], ys: [0, 1, .infinity])
            }
            #expect(InterpolationError.notIncreasing(index: 2).description == "interpolation x values must be strictly increasing (not at index 2)")
            #expect(InterpolationError.tooFewPoints(have: 1, need: 2).description == "interpolation needs at least 2 points, got 1")
        }

        @Test func outOfRange() throws {
            let table = try Interpolator(xs: [0, 1, 2], ys: [5, 6, 8], method: .cubic)
            #expect(throws: InterpolationError.outOfRange(x: -0.1, lower: 0, upper: 2)) { try table.value(at: -0.1) }
            #expect(throws: InterpolationError.outOfRange(x: 2.5, lower: 0, upper: 2)) { try table.derivative(at: 2.5) }
            #expect(throws: InterpolationError.outOfRange(x: 3, lower: 0, upper: 2)) { try table.integral(from: 0, to: 3) }
            #expect(throws: InterpolationError.self) { try table.value(at: .nan) }
            #expect(try table.value(at: 0) == 5)
            #expect(try table.value(at: 2) == 8)
            #expect(InterpolationError.outOfRange(x: 3, lower: 0, upper: 2).description == "x = 3.0 is outside the table [0.0, 2.0]")
        }
    }
}
