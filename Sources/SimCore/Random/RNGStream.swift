internal import CGSL
#if canImport(Glibc)
import Glibc
#endif

/// One independent stream of random numbers: a GSL MT19937 generator with its own state.
///
/// Obtain streams from ``RandomStreams`` by name so that every component draws from its own
/// stream and adding a component never shifts another component's draws. Distributions come from
/// GSL (`gsl_ran_*`), except the exponential (a ziggurat, see ``exponential(mean:)``). The raw
/// output, `uniform()` and `exponential(mean:)` — the draws of event loops — advance GSL's MT19937
/// state in inlinable Swift (``MT19937State/next(_:_:)``), giving the same numbers as
/// `gsl_rng_get` / `gsl_rng_uniform` without two indirect calls per draw; both paths share the one
/// state, so they interleave freely.
///
/// ```swift
/// let streams = RandomStreams(seed: 42)
/// let shadowing = streams.stream("node/42/shadowing")
/// let lossDB = shadowing.normal(mean: 0, standardDeviation: 4)
/// ```
///
/// A stream is a reference type with mutable state; it is not safe to share across threads.
public final class RNGStream: RandomNumberGenerator {
    let rng: UnsafeMutablePointer<gsl_rng>
    /// GSL's MT19937 state words (`unsigned long mt[624]`) and position (`int mti`).
    @usableFromInline let mt: UnsafeMutablePointer<UInt>
    @usableFromInline let mti: UnsafeMutablePointer<Int32>
    /// The stream's name ("" for a stream seeded directly).
    public let name: String

    /// A stream seeded the classic GSL way, `gsl_rng_set(r, seed)` (only the low 32 bits of the
    /// seed matter to MT19937). Prefer ``RandomStreams/stream(_:)`` in simulation code.
    public init(gslSeed seed: UInt32) {
        rng = Self.allocateGenerator()
        (mt, mti) = MT19937State.words(of: rng)
        name = ""
        gsl_rng_set(rng, UInt(seed))
    }

    /// A stream whose MT19937 state is initialised from a key of 32-bit words with Matsumoto and
    /// Nishimura's `init_by_array` (mt19937ar.c, 2002), the reference way to seed MT19937 from
    /// more than 32 bits. Every distinct key gives a distinct state.
    public init(key: [UInt32], name: String = "") {
        rng = Self.allocateGenerator()
        (mt, mti) = MT19937State.words(of: rng)
        self.name = name
        MT19937State.initByArray(key, into: rng)
    }

    private init(cloning other: RNGStream) {
        guard let r = gsl_rng_clone(other.rng) else { fatalError("gsl_rng_clone: out of memory") }
        rng = r
        (mt, mti) = MT19937State.words(of: r)
        name = other.name
    }

    deinit { gsl_rng_free(rng) }

    static func allocateGenerator() -> UnsafeMutablePointer<gsl_rng> {
        guard let r = gsl_rng_alloc(cgsl_rng_mt19937()) else { fatalError("gsl_rng_alloc: out of memory") }
        return r
    }

    /// An independent copy of this stream in its current state: both produce the same draws next.
    public func copy() -> RNGStream { RNGStream(cloning: self) }

    // MARK: Raw draws

    /// The next raw 32-bit output of MT19937 (the value `gsl_rng_get` would return).
    @inlinable public func nextUInt32() -> UInt32 { MT19937State.next(mt, mti) }

    /// Two raw outputs, high word first (for Swift's `RandomNumberGenerator`, e.g. `shuffle(using:)`).
    public func next() -> UInt64 {
        let hi = UInt64(nextUInt32())
        return hi << 32 | UInt64(nextUInt32())
    }

    // MARK: Distributions

    /// Uniform on [0, 1) with 32-bit resolution: k/2³², the value `gsl_rng_uniform` would return.
    @inlinable public func uniform() -> Double { Double(MT19937State.next(mt, mti)) * 0x1p-32 }

    /// Uniform on (0, 1), never exactly 0 (`gsl_rng_uniform_pos`).
    public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// Uniform on [lower, upper).
    public func uniform(_ lower: Double, _ upper: Double) -> Double {
        gsl_ran_flat(rng, lower, upper)
    }

    /// A uniformly chosen integer in 0 ..< n (unbiased; `gsl_rng_uniform_int`), n ≤ 2³².
    public func integer(below n: Int) -> Int {
        precondition(n > 0 && n <= 1 << 32, "integer(below:) needs 0 < n ≤ 2^32")
        if n == 1 << 32 { return Int(nextUInt32()) }  // GSL accepts n ≤ 2^32 − 1 for MT19937
        return Int(gsl_rng_uniform_int(rng, UInt(n)))
    }

    /// Normal (Gaussian) with the given mean and standard deviation (ziggurat method).
    public func normal(mean: Double = 0, standardDeviation: Double = 1) -> Double {
        mean + gsl_ran_gaussian_ziggurat(rng, standardDeviation)
    }

    /// Exponential with the given mean (= 1/rate), by the 256-layer ziggurat method
    /// (``ExponentialZiggurat``) on 64-bit words made of two MT19937 outputs: ~99% of draws need
    /// no logarithm. This is the hottest draw of event-driven models (inter-arrival times).
    @inlinable public func exponential(mean: Double) -> Double {
        mean * ExponentialZiggurat.sample {
            let hi = UInt64(MT19937State.next(mt, mti))
            return hi << 32 | UInt64(MT19937State.next(mt, mti))
        }
    }

    /// Log-normal: `exp(X)` with `X ~ Normal(mu, sigma)`.
    public func lognormal(mu: Double, sigma: Double) -> Double { gsl_ran_lognormal(rng, mu, sigma) }

    /// Rayleigh with scale `sigma` (mean `sigma·√(π/2)`).
    public func rayleigh(sigma: Double) -> Double { gsl_ran_rayleigh(rng, sigma) }

    /// Rice (Rician) amplitude: `|ν + σ(Z₁ + iZ₂)|` with standard normal Z₁, Z₂ — the envelope of a
    /// line-of-sight component of amplitude `nu` plus diffuse scattering of per-dimension scale `sigma`.
    public func rice(nu: Double, sigma: Double) -> Double {
        let x = nu + gsl_ran_gaussian_ziggurat(rng, sigma)
        let y = gsl_ran_gaussian_ziggurat(rng, sigma)
        return (x * x + y * y).squareRoot()
    }

    /// Rice amplitude with unit mean power E[r²] = 1 for a Rician K-factor (linear, LOS/diffuse power).
    public func rice(kFactor k: Double) -> Double {
        precondition(k >= 0, "K-factor must be ≥ 0")
        return rice(nu: (k / (k + 1)).squareRoot(), sigma: (1 / (2 * (k + 1))).squareRoot())
    }

    /// Bernoulli: `true` with probability `p`.
    public func bernoulli(_ p: Double) -> Bool {
        precondition(p >= 0 && p <= 1, "Bernoulli probability must be in [0, 1]")
        return gsl_ran_bernoulli(rng, p) == 1
    }
}
