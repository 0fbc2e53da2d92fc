/// The random streams of one run: a single scenario seed and any number of named substreams.
///
/// A substream's state is a function of `(seed, name)` only: the key passed to MT19937's
/// `init_by_array` is the 64-bit seed (two words), the name's UTF-8 bytes packed little-endian
/// into words, and the name's byte count. So streams are reproducible across runs and machines,
/// and creating, using or dropping one stream never changes another stream's draws — the ns-3 /
/// numpy `SeedSequence` discipline.
///
/// ```swift
/// let streams = RandomStreams(seed: 7)
/// let arrivals = streams.stream("user/3/arrivals")
/// let fading = streams.stream("link/sat12-user3/fading")
/// ```
public struct RandomStreams: Sendable, Hashable {
    /// The scenario seed.
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// A new stream for `name`, positioned at its first draw. Asking twice for the same name gives
    /// two streams with identical draws; keep the one you need.
    public func stream(_ name: String) -> RNGStream {
        RNGStream(key: Self.key(seed: seed, name: name), name: name)
    }

    /// The `init_by_array` key for `(seed, name)`.
    public static func key(seed: UInt64, name: String) -> [UInt32] {
        let bytes = Array(name.utf8)
        var key: [UInt32] = [UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)]
        key.reserveCapacity(3 + (bytes.count + 3) / 4)
        var word: UInt32 = 0
        for (i, b) in bytes.enumerated() {
            word |= UInt32(b) << (8 * UInt32(i % 4))
            if i % 4 == 3 { key.append(word); word = 0 }
        }
        if bytes.count % 4 != 0 { key.append(word) }
        key.append(UInt32(truncatingIfNeeded: bytes.count))
        return key
    }
}
