#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard exponential variates by the ziggurat method (Marsaglia & Tsang, "The ziggurat method
/// for generating random variables", J. Stat. Softw. 5(8), 2000), with 256 layers.
///
/// The density e^{-x} is covered by 255 horizontal layers of equal area `v` plus a base strip
/// with the tail beyond `r`. A draw picks a layer with 8 random bits and a point in it with 53
/// other bits (separate bits, unlike the original 32-bit version whose index and value shared
/// bits); ~98.9% of draws are accepted by one integer comparison, without `log` or `exp`. The
/// rest fall in a layer's wedge (accepted against e^{-x}) or in the tail (r + Exp(1) by
/// inversion). The result follows Exp(1) exactly, up to the 53-bit resolution.
public enum ExponentialZiggurat {
    /// Right edge of the last layer, and start of the tail (for 256 layers).
    public static let r = 7.697117470131487
    /// Area of every layer (and of the base strip with its tail).
    public static let v = 0.0039496598225815571993

    /// Per-layer tables, computed once from `r` and `v` by the paper's recurrence, scaled to 53-bit
    /// integers: accept when the 53-bit value is below `k[i]`; the value times `w[i]` is x; `f[i]`
    /// is e^{-x_i} at the layer's right edge.
    @usableFromInline static let tables = Tables()

    @usableFromInline struct Tables: Sendable {
        @usableFromInline let k: [UInt64]
        @usableFromInline let w: [Double]
        @usableFromInline let f: [Double]

        init() {
            let m = 0x1p53
            var k = [UInt64](repeating: 0, count: 256)
            var w = [Double](repeating: 0, count: 256)
            var f = [Double](repeating: 0, count: 256)
            var de = ExponentialZiggurat.r
            var previous = de
            let q = ExponentialZiggurat.v / exp(-de)
            k[0] = UInt64((de / q) * m)
            k[1] = 0
            w[0] = q / m
            w[255] = de / m
            f[0] = 1
            f[255] = exp(-de)
            for i in stride(from: 254, through: 1, by: -1) {
                de = -log(ExponentialZiggurat.v / de + exp(-de))
                k[i + 1] = UInt64((de / previous) * m)
                previous = de
                f[i] = exp(-de)
                w[i] = de / m
            }
            self.k = k
            self.w = w
            self.f = f
        }
    }

    /// One Exp(1) variate from a source of uniform 64-bit words.
    @inlinable @inline(__always)
    public static func sample(_ next64: () -> UInt64) -> Double {
        let t = tables
        while true {
            let bits = next64() >> 3
            let layer = Int(truncatingIfNeeded: bits & 0xff)
            let u = bits >> 8  // 53 bits
            let x = Double(u) * t.w[layer]
            if u < t.k[layer] { return x }
            if let y = slowPath(layer: layer, x: x, next64) { return y }
        }
    }

    /// The ~1.1% of draws outside a layer's rectangle: the tail, or a wedge test.
    @usableFromInline static func slowPath(layer: Int, x: Double, _ next64: () -> UInt64) -> Double? {
        let uniform = Double(next64() >> 11) * 0x1p-53  // [0, 1)
        if layer == 0 {
            // Beyond r the exponential is memoryless: r + Exp(1).
            return r - log1p(-uniform)
        }
        let t = tables
        if (t.f[layer - 1] - t.f[layer]) * uniform + t.f[layer] < exp(-x) { return x }
        return nil
    }
}
