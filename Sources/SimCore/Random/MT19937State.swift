internal import CGSL

/// Direct initialisation of GSL's MT19937 state.
///
/// GSL seeds MT19937 from one 32-bit value only (`gsl_rng_set`). To seed from a longer key we run
/// the reference `init_by_array` (Matsumoto & Nishimura, mt19937ar.c, 2002-01-26) and write the
/// result into GSL's state, whose layout is `struct { unsigned long mt[624]; int mti; }` (GSL
/// mt.c). The layout is checked against `gsl_rng_size` before writing.
public enum MT19937State {
    static let n = 624

    /// Pointers to GSL's state words and position, after checking the state's size.
    static func words(of rng: UnsafeMutablePointer<gsl_rng>) -> (UnsafeMutablePointer<UInt>, UnsafeMutablePointer<Int32>) {
        let expected = MemoryLayout<UInt>.stride * n + MemoryLayout<Int32>.stride
        let size = Int(gsl_rng_size(rng))
        precondition(size >= expected && size <= expected + MemoryLayout<UInt>.stride,
                     "unexpected GSL MT19937 state size \(size); this GSL build is not supported")
        guard let state = gsl_rng_state(rng) else { fatalError("gsl_rng_state returned NULL") }
        return (state.bindMemory(to: UInt.self, capacity: n),
                (state + MemoryLayout<UInt>.stride * n).bindMemory(to: Int32.self, capacity: 1))
    }

    /// The next tempered output, advancing the state exactly as GSL's `mt_get` does (Matsumoto &
    /// Nishimura 1998, mt19937ar.c `genrand_int32`).
    @inlinable @inline(__always)
    public static func next(_ mt: UnsafeMutablePointer<UInt>, _ mti: UnsafeMutablePointer<Int32>) -> UInt32 {
        if mti.pointee >= 624 { regenerate(mt, mti) }
        var y = UInt32(truncatingIfNeeded: mt[Int(mti.pointee)])
        mti.pointee &+= 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// Generates the next 624 words at once (the "twist").
    @usableFromInline static func regenerate(_ mt: UnsafeMutablePointer<UInt>, _ mti: UnsafeMutablePointer<Int32>) {
        let m = 397, upper: UInt = 0x8000_0000, lower: UInt = 0x7fff_ffff
        @inline(__always) func twist(_ a: Int, _ b: Int, _ c: Int) {
            let y = (mt[a] & upper) | (mt[b] & lower)
            mt[a] = mt[c] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_b0df)
        }
        for k in 0 ..< n - m { twist(k, k + 1, k + m) }
        for k in n - m ..< n - 1 { twist(k, k + 1, k + m - n) }
        twist(n - 1, 0, m - 1)
        mti.pointee = 0
    }

    static func initByArray(_ key: [UInt32], into rng: UnsafeMutablePointer<gsl_rng>) {
        precondition(!key.isEmpty, "init_by_array needs a non-empty key")
        let (mt, mti) = words(of: rng)
        var s = [UInt32](repeating: 0, count: n)
        // init_genrand(19650218)
        s[0] = 19_650_218
        for i in 1 ..< n {
            s[i] = 1_812_433_253 &* (s[i - 1] ^ (s[i - 1] >> 30)) &+ UInt32(i)
        }
        var i = 1, j = 0
        for _ in 0 ..< Swift.max(n, key.count) {
            s[i] = (s[i] ^ ((s[i - 1] ^ (s[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= n { s[0] = s[n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0 ..< n - 1 {
            s[i] = (s[i] ^ ((s[i - 1] ^ (s[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n { s[0] = s[n - 1]; i = 1 }
        }
        s[0] = 0x8000_0000  // MSB is 1, assuring a non-zero initial array
        for k in 0 ..< n { mt[k] = UInt(s[k]) }
        mti.pointee = Int32(n)  // forces a full regeneration on the first draw
    }
}
