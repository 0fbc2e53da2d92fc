import Foundation

/// Shannon capacity of an AWGN channel: C = B·log2(1 + SNR).
///
/// ```swift
/// Shannon.capacityBps(bandwidthHz: 1e6, snrDb: 0)      // 1 000 000 (SNR 1 → 1 bit/s/Hz)
/// Shannon.capacityBps(bandwidthHz: 1e6, snrDb: 30)     // 9.967 Mbit/s
/// ```
public enum Shannon {
    /// B·log2(1 + 10^(snrDb/10)), bit/s.
    @inlinable
    public static func capacityBps(bandwidthHz: Double, snrDb: Double) -> Double {
        // log1p keeps precision at very low SNR, where 1 + snr rounds.
        bandwidthHz * log1p(pow(10, snrDb / 10)) / M_LN2
    }
}
