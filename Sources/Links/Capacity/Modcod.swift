import Foundation

/// One DVB-S2/S2X modulation and coding combination: what it carries and what it needs.
///
/// `spectralEfficiency` is information bits per transmitted symbol for a normal (64 800-bit) frame
/// without pilots, after BCH, LDPC, the 80-bit BBHEADER and the 90-symbol PLHEADER:
/// η = (K_bch − 80) / (64 800/log2(M) + 90) (the ETSI tables' definition). `requiredEsN0Db` is the
/// ideal Es/N0 for quasi-error-free reception (PER 10⁻⁵ in AWGN, linear channel, no implementation
/// loss). A link carries η·R_s bit/s when its Es/N0 reaches `requiredEsN0Db`.
///
/// ```swift
/// let m = Modcod(name: "QPSK 1/2", spectralEfficiency: 0.988858, requiredEsN0Db: 1.00)
/// m.bitRate(symbolRateBaud: 30e6)        // 29.67 Mbit/s
/// m.requiredEbN0Db                       // 1.05 dB
/// ```
public struct Modcod: Sendable, Hashable, Codable {
    /// Name as in the ETSI tables, e.g. `16APSK 2/3` or `256APSK 29/45-L`.
    public var name: String
    /// Information bits per symbol (normal frame, no pilots).
    public var spectralEfficiency: Double
    /// Ideal Es/N0 for quasi-error-free operation (AWGN, linear channel), dB.
    public var requiredEsN0Db: Double

    public init(name: String, spectralEfficiency: Double, requiredEsN0Db: Double) {
        self.name = name
        self.spectralEfficiency = spectralEfficiency
        self.requiredEsN0Db = requiredEsN0Db
    }

    /// Information bit rate η·R_s at `symbolRateBaud`, bit/s.
    @inlinable
    public func bitRate(symbolRateBaud: Double) -> Double { spectralEfficiency * symbolRateBaud }

    /// Required Eb/N0 = Es/N0 − 10·log10(η), dB.
    public var requiredEbN0Db: Double { requiredEsN0Db - 10 * log10(spectralEfficiency) }
}

extension Modcod: CustomStringConvertible {
    /// `QPSK 1/2 (η 0.988858, Es/N0 1.0 dB)`.
    public var description: String { "\(name) (η \(spectralEfficiency), Es/N0 \(requiredEsN0Db) dB)" }
}
