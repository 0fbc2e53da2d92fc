import Testing
import SimCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Random streams")
struct RandomStreamTests {
    // MARK: Reference outputs of MT19937

    /// GSL's `gsl_rng_set(r, 42)` is Matsumoto & Nishimura's `init_genrand(42)`, the same seeding as
    /// numpy's legacy `RandomState(42)`, whose first raw words are 1608637542, 3421126067 and whose
    /// first double is 1608637542 / 2³² = 0.37454011430963874.
    @Test func gslSeed42() {
        #expect(RNGStream(gslSeed: 42).uniform() == 0.37454011430963874)
        let raw = RNGStream(gslSeed: 42)
        #expect(raw.nextUInt32() == 1_608_637_542)
        #expect(raw.nextUInt32() == 3_421_126_067)
        #expect(RNGStream(gslSeed: 42).next() == (1_608_637_542 as UInt64) << 32 | 3_421_126_067)
        #expect(RNGStream(gslSeed: 42).name == "")
    }

    /// mt19937ar.out (Matsumoto & Nishimura, init_by_array({0x123, 0x234, 0x345, 0x456})): the first
    /// five outputs. Outputs 621…630 and 1000 (past the first regeneration of the 624-word state)
    /// are from numpy's legacy `RandomState([0x123, 0x234, 0x345, 0x456])`, which runs the same
    /// reference `init_by_array`.
    @Test func initByArrayReference() {
        let s = RNGStream(key: [0x123, 0x234, 0x345, 0x456])
        var out: [UInt32] = []
        for _ in 0 ..< 1000 { out.append(s.nextUInt32()) }
        #expect(Array(out[0 ..< 5]) == [1_067_595_299, 955_945_823, 477_289_528, 4_107_218_783, 4_228_976_476])
        #expect(Array(out[620 ..< 630]) == [318_974_657, 3_146_202_484, 853_571_438, 144_400_272, 3_768_408_841,
                                             782_634_401, 2_161_109_003, 570_039_522, 1_886_241_521, 14_249_488])
        #expect(out[999] == 3_460_025_646)
    }

    /// A key longer than the 624-word state takes the other branch of `init_by_array`'s first loop.
    /// Reference: numpy `RandomState(key)` for the same 700-word key.
    @Test func initByArrayLongKey() {
        let key = (0 ..< 700).map { UInt32(truncatingIfNeeded: UInt64($0) &* 2_654_435_761 &+ 12_345) }
        let s = RNGStream(key: key)
        #expect([s.nextUInt32(), s.nextUInt32(), s.nextUInt32()] == [1_635_820_964, 1_788_933_857, 9_490_523])
    }

    // MARK: RandomStreams keys and independence

    @Test func keyLayout() {
        // seed low word, high word, name bytes little-endian in 32-bit words, byte count.
        #expect(RandomStreams.key(seed: 0x0000_0001_0000_0002, name: "abcde") == [2, 1, 0x6463_6261, 0x65, 5])
        #expect(RandomStreams.key(seed: 0x0123_4567_89AB_CDEF, name: "") == [0x89AB_CDEF, 0x0123_4567, 0])
        #expect(RandomStreams.key(seed: 7, name: "user/3/arrivals") == [7, 0, 1_919_251_317, 1_630_483_247, 1_986_622_066, 7_564_385, 15])
        // Names that pack to the same words are told apart by the byte count.
        #expect(RandomStreams.key(seed: 1, name: "a") != RandomStreams.key(seed: 1, name: "a\u{0}"))
    }

    /// Full pipeline against numpy `RandomState(key)` with the key built by hand from the documented rule.
    @Test func namedStreamReferenceDraws() {
        let a = RandomStreams(seed: 7).stream("user/3/arrivals")
        #expect(a.name == "user/3/arrivals")
        #expect([a.nextUInt32(), a.nextUInt32(), a.nextUInt32()] == [4_117_286_363, 3_300_675_813, 2_572_502_777])
        let b = RandomStreams(seed: 0x0123_4567_89AB_CDEF).stream("")
        #expect([b.nextUInt32(), b.nextUInt32(), b.nextUInt32()] == [3_641_119_084, 3_081_946_424, 3_874_072_960])
    }

    static func draws(_ s: RNGStream, _ n: Int = 64) -> [UInt32] { (0 ..< n).map { _ in s.nextUInt32() } }

    @Test func sameSeedAndNameGiveIdenticalSequences() {
        let x = RandomStreams(seed: 2024).stream("link/sat12-user3/fading")
        let y = RandomStreams(seed: 2024).stream("link/sat12-user3/fading")
        #expect(Self.draws(x, 5000) == Self.draws(y, 5000))
        let n1 = RandomStreams(seed: 5).stream("n"), n2 = RandomStreams(seed: 5).stream("n")
        for _ in 0 ..< 100 {
            #expect(n1.normal(mean: 1, standardDeviation: 2) == n2.normal(mean: 1, standardDeviation: 2))
            #expect(n1.rice(kFactor: 4) == n2.rice(kFactor: 4))
        }
    }

    @Test func differentNamesOrSeedsDiffer() {
        let names = ["a", "b", "a ", "a\u{0}", "", "user/1", "user/10", "user/01", "abcd", "abcd\u{0}"]
        var sequences: [[UInt32]] = names.map { Self.draws(RandomStreams(seed: 1).stream($0), 8) }
        for seed: UInt64 in [0, 2, 1 << 32, 1 << 32 | 1, .max] {
            sequences.append(Self.draws(RandomStreams(seed: seed).stream("a"), 8))
        }
        #expect(Set(sequences).count == sequences.count)
    }

    /// Creating and drawing from other streams never changes a stream's draws.
    @Test func streamsAreIndependentOfEachOther() {
        let streams = RandomStreams(seed: 99)
        let alone = streams.stream("target")
        let expected = (0 ..< 3000).map { k in k % 3 == 0 ? alone.uniform() : k % 3 == 1 ? alone.normal() : Double(alone.nextUInt32()) }

        let target = streams.stream("target")
        var others: [RNGStream] = []
        var got: [Double] = []
        for k in 0 ..< 3000 {
            if k % 50 == 0 { others.append(streams.stream("other/\(k)")) }
            for o in others { _ = o.exponential(mean: 1); _ = o.nextUInt32() }
            got.append(k % 3 == 0 ? target.uniform() : k % 3 == 1 ? target.normal() : Double(target.nextUInt32()))
            // A second stream with the same name is a separate generator, not an alias.
            if k % 100 == 0 { _ = streams.stream("target").uniform() }
        }
        #expect(got == expected)
    }

    @Test func copyContinuesIdentically() {
        let s = RandomStreams(seed: 3).stream("copy")
        _ = Self.draws(s, 10)
        let c = s.copy()
        #expect(c.name == "copy")
        let fromCopy = Self.draws(c, 700)      // crosses a state regeneration
        #expect(Self.draws(s, 700) == fromCopy)
    }

    // MARK: Distribution moments

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let draw: @Sendable (RNGStream) -> Double
        let mean: Double
        let variance: Double
        /// Fourth central moment; nil to use the sample value.
        let m4: Double?
        let support: ClosedRange<Double>
        var testDescription: String { name }
    }

    /// Fourth central moment from raw moments E[X], E[X²], E[X³], E[X⁴].
    static func centralM4(_ e1: Double, _ e2: Double, _ e3: Double, _ e4: Double) -> Double {
        e4 - 4 * e1 * e3 + 6 * e1 * e1 * e2 - 3 * e1 * e1 * e1 * e1
    }

    static let cases: [Case] = {
        var cases: [Case] = []
        cases.append(Case(name: "uniform()", draw: { $0.uniform() }, mean: 0.5, variance: 1.0 / 12, m4: 1.0 / 80, support: 0 ... 0x1.fffffffep-1))
        cases.append(Case(name: "uniformPositive()", draw: { $0.uniformPositive() }, mean: 0.5, variance: 1.0 / 12, m4: 1.0 / 80,
                          support: 0x1p-32 ... 0x1.fffffffep-1))
        cases.append(Case(name: "uniform(-3, 5)", draw: { $0.uniform(-3, 5) }, mean: 1, variance: 64.0 / 12, m4: 4096.0 / 80, support: -3 ... 5))
        cases.append(Case(name: "normal()", draw: { $0.normal() }, mean: 0, variance: 1, m4: 3, support: -.infinity ... .infinity))
        cases.append(Case(name: "normal(2, 3)", draw: { $0.normal(mean: 2, standardDeviation: 3) }, mean: 2, variance: 9, m4: 3 * 81,
                          support: -.infinity ... .infinity))
        cases.append(Case(name: "exponential(2.5)", draw: { $0.exponential(mean: 2.5) }, mean: 2.5, variance: 6.25, m4: 9 * 6.25 * 6.25,
                          support: 0 ... .infinity))
        do {
            let mu = 0.3, sigma = 0.5
            func raw(_ k: Double) -> Double { exp(k * mu + k * k * sigma * sigma / 2) }
            cases.append(Case(name: "lognormal(0.3, 0.5)", draw: { $0.lognormal(mu: mu, sigma: sigma) },
                              mean: exp(mu + sigma * sigma / 2),
                              variance: (exp(sigma * sigma) - 1) * exp(2 * mu + sigma * sigma),
                              m4: centralM4(raw(1), raw(2), raw(3), raw(4)), support: 0 ... .infinity))
        }
        do {
            let s = 1.7, c = (Double.pi / 2).squareRoot()
            cases.append(Case(name: "rayleigh(1.7)", draw: { $0.rayleigh(sigma: s) }, mean: s * c, variance: (4 - .pi) / 2 * s * s,
                              m4: centralM4(s * c, 2 * s * s, 3 * s * s * s * c, 8 * s * s * s * s), support: 0 ... .infinity))
        }
        do {
            let nu = 2.0, sigma = 1.0
            let mean = SpecialFunctions.riceMean(nu: nu, sigma: sigma)
            cases.append(Case(name: "rice(nu: 2, sigma: 1)", draw: { $0.rice(nu: nu, sigma: sigma) }, mean: mean,
                              variance: 2 * sigma * sigma + nu * nu - mean * mean, m4: nil, support: 0 ... .infinity))
        }
        do {
            let nu = 0.5, sigma = 2.0
            let mean = SpecialFunctions.riceMean(nu: nu, sigma: sigma)
            cases.append(Case(name: "rice(nu: 0.5, sigma: 2)", draw: { $0.rice(nu: nu, sigma: sigma) }, mean: mean,
                              variance: 2 * sigma * sigma + nu * nu - mean * mean, m4: nil, support: 0 ... .infinity))
        }
        for k in [0.0, 3.0, 10.0] {
            let nu = (k / (k + 1)).squareRoot(), sigma = (1 / (2 * (k + 1))).squareRoot()
            let mean = SpecialFunctions.riceMean(nu: nu, sigma: sigma)
            cases.append(Case(name: "rice(kFactor: \(k))", draw: { $0.rice(kFactor: k) }, mean: mean,
                              variance: 1 - mean * mean, m4: nil, support: 0 ... .infinity))
            // Unit mean power: E[r²] = ν² + 2σ² = 1; Var[r²] = E[r⁴] − 1 with E[r⁴] = ν⁴ + 8σ²ν² + 8σ⁴.
            let e4 = nu * nu * nu * nu + 8 * sigma * sigma * nu * nu + 8 * sigma * sigma * sigma * sigma
            cases.append(Case(name: "rice(kFactor: \(k)) power", draw: { let r = $0.rice(kFactor: k); return r * r },
                              mean: 1, variance: e4 - 1, m4: nil, support: 0 ... .infinity))
        }
        do {
            let p = 0.3, q = 0.7
            cases.append(Case(name: "bernoulli(0.3)", draw: { $0.bernoulli(p) ? 1 : 0 }, mean: p, variance: p * q,
                              m4: p * q * (1 - 3 * p * q), support: 0 ... 1))
        }
        for n in [10, 1_000_003] {
            let dn = Double(n)
            cases.append(Case(name: "integer(below: \(n))", draw: { Double($0.integer(below: n)) }, mean: (dn - 1) / 2,
                              variance: (dn * dn - 1) / 12, m4: (dn * dn - 1) * (3 * dn * dn - 7) / 240, support: 0 ... dn - 1))
        }
        return cases
    }()

    static let sampleSize = 200_000

    /// Sample mean and variance within 5 standard errors of the closed-form values:
    /// SE(mean) = √(var/n), SE(variance) = √((m4 − var²)/n).
    @Test("sample moments match theory", arguments: cases)
    func moments(of c: Case) throws {
        let stream = RandomStreams(seed: 20_240_501).stream("moments/\(c.name)")
        let n = Self.sampleSize
        var xs = [Double](repeating: 0, count: n)
        for i in 0 ..< n { xs[i] = c.draw(stream) }
        let mean = xs.reduce(0, +) / Double(n)
        var s2 = 0.0, s4 = 0.0, lo = Double.infinity, hi = -Double.infinity
        for x in xs {
            let d = x - mean
            s2 += d * d
            s4 += d * d * d * d
            lo = Swift.min(lo, x); hi = Swift.max(hi, x)
        }
        let variance = s2 / Double(n - 1)
        let m4 = c.m4 ?? s4 / Double(n)
        let seMean = (c.variance / Double(n)).squareRoot()
        let seVariance = ((m4 - c.variance * c.variance) / Double(n)).squareRoot()
        try #require(seVariance > 0)
        #expect(abs(mean - c.mean) <= 5 * seMean, "mean \(mean) vs \(c.mean) (SE \(seMean))")
        #expect(abs(variance - c.variance) <= 5 * seVariance, "variance \(variance) vs \(c.variance) (SE \(seVariance))")
        #expect(c.support.contains(lo) && c.support.contains(hi), "range [\(lo), \(hi)] outside \(c.support)")
    }

    /// Every value of a small range is hit, uniformly (chi-square with 9 degrees of freedom, p ≈ 1e-6 bound).
    @Test func integerBelowCoversRangeUniformly() {
        let s = RandomStreams(seed: 11).stream("dice")
        var counts = [Int](repeating: 0, count: 10)
        let n = 100_000
        for _ in 0 ..< n { counts[s.integer(below: 10)] += 1 }
        let expected = Double(n) / 10
        let chi2 = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chi2 < 44.8, "chi-square \(chi2), counts \(counts)")  // χ²₉ upper 1e-6 quantile = 44.81
        #expect(RNGStream(gslSeed: 1).integer(below: 1) == 0)
    }

    /// `integer(below:)` documents n ≤ 2³², although GSL's `gsl_rng_uniform_int` rejects n > 2³² − 1
    /// for MT19937; the wrapper serves n = 2³² from the raw 32-bit output.
    @Test func integerBelowTwoToThe32() {
        let s = RNGStream(gslSeed: 5)
        let raw = RNGStream(gslSeed: 5)
        var distinct = Set<Int>()
        for _ in 0 ..< 100 {
            let v = s.integer(below: 1 << 32)
            #expect(v == Int(raw.nextUInt32()))
            distinct.insert(v)
        }
        #expect(distinct.count > 90)
    }

    /// The largest n GSL supports for MT19937 works.
    @Test func integerBelowTwoToThe32MinusOne() {
        let s = RNGStream(gslSeed: 5)
        var distinct = Set<Int>()
        for _ in 0 ..< 100 {
            let v = s.integer(below: (1 << 32) - 1)
            #expect(v >= 0 && v < (1 << 32) - 1)
            distinct.insert(v)
        }
        #expect(distinct.count > 90)
    }

    // MARK: Rice mean

    /// ν = 0 is the Rayleigh distribution, mean σ·√(π/2).
    @Test(arguments: [0.1, 1.0, 1.7, 250.0])
    func riceMeanAtZeroNuIsRayleighMean(sigma: Double) {
        let expected = sigma * (Double.pi / 2).squareRoot()
        #expect(abs(SpecialFunctions.riceMean(nu: 0, sigma: sigma) - expected) <= 1e-15 * expected)
    }

    /// I0 by its power series Σ ((x/2)²)ᵏ / (k!)², all terms positive (no cancellation) — GSL-free.
    static func besselI0Series(_ x: Double) -> Double {
        let q = x * x / 4
        var term = 1.0, sum = 1.0, k = 1.0
        while term > 1e-17 * sum {
            term *= q / (k * k)
            sum += term
            k += 1
        }
        return sum
    }

    /// Trapezoid integral of rᵖ·f(r) over [0, ν + 12σ] for the Rice density
    /// f(r) = r/σ² · exp(−(r² + ν²)/2σ²) · I0(rν/σ²).
    static func riceMoment(_ power: Int, nu: Double, sigma: Double, step: Double) -> Double {
        let s2 = sigma * sigma
        func g(_ r: Double) -> Double {
            var rp = 1.0
            for _ in 0 ..< power { rp *= r }
            return rp * r / s2 * exp(-(r * r + nu * nu) / (2 * s2)) * besselI0Series(r * nu / s2)
        }
        let upper = nu + 12 * sigma
        let steps = Int((upper / step).rounded(.up))
        let h = upper / Double(steps)
        var sum = 0.5 * (g(0) + g(upper))
        for i in 1 ..< steps { sum += g(Double(i) * h) }
        return sum * h
    }

    /// riceMean against direct numerical integration of r·f(r). The integrand r·f(r) is even in r and
    /// negligible at the upper limit, so the trapezoid rule is accurate far beyond 1e-6 here.
    @Test func riceMeanMatchesNumericalIntegration() {
        let nu = 2.0, sigma = 1.0
        // The integrator itself: total probability 1 and E[r²] = 2σ² + ν².
        #expect(abs(Self.riceMoment(0, nu: nu, sigma: sigma, step: 1e-3) - 1) < 1e-7)
        #expect(abs(Self.riceMoment(2, nu: nu, sigma: sigma, step: 1e-3) - (2 * sigma * sigma + nu * nu)) < 1e-9)
        let integrated = Self.riceMoment(1, nu: nu, sigma: sigma, step: 1e-3)
        let mean = SpecialFunctions.riceMean(nu: nu, sigma: sigma)
        #expect(abs(mean - integrated) <= 1e-6 * integrated)
        // Published value (scipy.stats.rice(b=2).mean() and mpmath): 2.272383428068742…
        #expect(abs(mean - 2.2723834280687425) <= 1e-14 * mean)
        // A second case, through the same integrator.
        let integrated2 = Self.riceMoment(1, nu: 0.5, sigma: 2, step: 1e-3)
        #expect(abs(SpecialFunctions.riceMean(nu: 0.5, sigma: 2) - integrated2) <= 1e-6 * integrated2)
    }

    /// Large ν/σ: the scaled Bessel functions keep the result finite (I0(250 000) overflows), and the
    /// mean approaches ν + σ²/2ν (mpmath: 1000.000500000125000…).
    @Test func riceMeanLargeArgument() {
        let mean = SpecialFunctions.riceMean(nu: 1000, sigma: 1)
        #expect(abs(mean - 1000.000500000125) <= 1e-12 * 1000)
        // K-factor 3 with unit power (mpmath: 0.94243701962080854…).
        let k3 = SpecialFunctions.riceMean(nu: 0.75.squareRoot(), sigma: 0.125.squareRoot())
        #expect(abs(k3 - 0.9424370196208085) <= 1e-14)
    }
}
