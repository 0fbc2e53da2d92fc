import Foundation

/// A one-way link budget: every step from transmit power to Shannon and DVB-S2X capacity.
///
/// ```
/// EIRP    = P_tx + G_tx(θ_tx) − L_tx,other                       dBW
/// L_path  = FSPL + L_extra                                       dB
/// P_rx    = EIRP − L_path + G_rx(θ_rx) − L_rx,other              dBW
/// G/T     = G_rx(θ_rx) − 10·log10(T_sys)                         dB/K
/// N       = k·T_sys·B                                            dBW
/// C/N0    = P_rx − 10·log10(k·T_sys)                             dB·Hz
/// SNR     = C/N0 − 10·log10(B)                                   dB
/// C_Sh    = B·log2(1 + 10^(SNR/10))                              bit/s
/// R_s     = B/(1 + α)                                            baud
/// Es/N0   = C/N0 − 10·log10(R_s)                                 dB
/// C_S2X   = η(best MODCOD with threshold ≤ Es/N0)·R_s, else 0    bit/s
/// ```
///
/// A plain value computation with no allocation (the MODCOD lookup is a binary search over a static
/// table), meant to run per link sample.
///
/// ```swift
/// let budget = LinkBudget(LinkBudgetInput(
///     txPowerDbw: 10, txAntenna: .bessel(apertureRadiusMeters: 0.5, efficiency: 1),
///     rxAntenna: .isotropic, frequencyHz: 2e9, bandwidthHz: 20e6, rolloff: 0.2,
///     systemTemperatureK: 290, freeSpaceLossDb: 154.03))
/// budget.cn0DbHz               // 86.37 dB·Hz
/// budget.esN0Db                // 14.15 dB
/// budget.modcod?.name          // "64APSK 32/45-L"
/// budget.dvbs2xCapacityBps     // 70.1 Mbit/s (4.206428 bit/symbol × 16.67 Mbaud)
/// ```
public struct LinkBudget: Sendable, Hashable {
    /// Transmit power, dBW.
    public var txPowerDbw: Double
    /// Transmit antenna gain towards the receiver, dBi.
    public var txGainDbi: Double
    /// Receive antenna gain towards the transmitter, dBi.
    public var rxGainDbi: Double
    /// Transmit-side other losses (in the EIRP), dB.
    public var txOtherLossesDb: Double
    /// Receive-side other losses (after the receive antenna), dB.
    public var rxOtherLossesDb: Double
    /// All other losses, transmit plus receive side, dB.
    public var otherLossesDb: Double
    /// Effective isotropic radiated power P_tx + G_tx − L_tx,other, dBW.
    public var eirpDbw: Double
    /// Free-space path loss, dB.
    public var freeSpaceLossDb: Double
    /// Channel loss beyond free space, dB.
    public var extraLossDb: Double
    /// Free-space plus extra loss, dB.
    public var totalPathLossDb: Double
    /// Carrier power at the receiver (after receive-side losses), dBW.
    public var rxPowerDbw: Double
    /// Receiver system noise temperature, K.
    public var systemTemperatureK: Double
    /// Receive figure of merit G_rx − 10·log10(T_sys), dB/K (receive-side other losses excluded).
    public var gOverTDbPerK: Double
    /// Noise power k·T·B, dBW.
    public var noisePowerDbw: Double
    /// Carrier-to-noise-density ratio, dB·Hz.
    public var cn0DbHz: Double
    /// Carrier-to-noise ratio in `bandwidthHz`, dB.
    public var snrDb: Double
    /// Noise bandwidth, Hz.
    public var bandwidthHz: Double
    /// Shannon capacity B·log2(1 + SNR), bit/s.
    public var shannonCapacityBps: Double
    /// Roll-off α.
    public var rolloff: Double
    /// Symbol rate B/(1 + α), baud.
    public var symbolRateBaud: Double
    /// Symbol energy over noise density C/N0 − 10·log10(R_s), dB.
    public var esN0Db: Double
    /// The most efficient DVB-S2/S2X MODCOD that closes at `esN0Db`, if any.
    public var modcod: Modcod?
    /// η·R_s of `modcod`, 0 when no MODCOD closes, bit/s.
    public var dvbs2xCapacityBps: Double

    /// Runs the budget for `input`.
    @inlinable
    public init(_ input: LinkBudgetInput) {
        txPowerDbw = input.txPowerDbw
        txGainDbi = input.txAntenna.gainDbi(offBoresightDeg: input.txOffBoresightDeg, frequencyHz: input.frequencyHz)
        rxGainDbi = input.rxAntenna.gainDbi(offBoresightDeg: input.rxOffBoresightDeg, frequencyHz: input.frequencyHz)
        txOtherLossesDb = input.txOtherLossesDb
        rxOtherLossesDb = input.rxOtherLossesDb
        otherLossesDb = input.txOtherLossesDb + input.rxOtherLossesDb
        eirpDbw = input.txPowerDbw + txGainDbi - input.txOtherLossesDb
        freeSpaceLossDb = input.freeSpaceLossDb
        extraLossDb = input.extraLossDb
        totalPathLossDb = input.freeSpaceLossDb + input.extraLossDb
        rxPowerDbw = eirpDbw - totalPathLossDb + rxGainDbi - input.rxOtherLossesDb
        systemTemperatureK = input.systemTemperatureK
        let temperatureDb = 10 * log10(input.systemTemperatureK)
        gOverTDbPerK = rxGainDbi - temperatureDb
        let bandwidthDb = 10 * log10(input.bandwidthHz)
        noisePowerDbw = Noise.boltzmannDbWPerKHz + temperatureDb + bandwidthDb
        cn0DbHz = rxPowerDbw - (Noise.boltzmannDbWPerKHz + temperatureDb)
        snrDb = cn0DbHz - bandwidthDb
        bandwidthHz = input.bandwidthHz
        shannonCapacityBps = Shannon.capacityBps(bandwidthHz: input.bandwidthHz, snrDb: snrDb)
        rolloff = input.rolloff
        let symbolRate = input.bandwidthHz / (1 + input.rolloff)
        symbolRateBaud = symbolRate
        esN0Db = cn0DbHz - 10 * log10(symbolRate)
        let best = DVBS2X.best(esN0Db: esN0Db)
        modcod = best
        dvbs2xCapacityBps = best.map { $0.spectralEfficiency * symbolRate } ?? 0
    }

    /// Runs the budget for `input` (same as ``init(_:)``).
    @inlinable
    public static func compute(_ input: LinkBudgetInput) -> LinkBudget { LinkBudget(input) }
}
