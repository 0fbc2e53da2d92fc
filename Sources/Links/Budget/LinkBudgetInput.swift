/// Everything a one-way link budget needs: transmitter, both antennas and where they point, the
/// carrier, the receiver's noise and the channel's losses.
///
/// Powers in dBW, gains in dBi, losses in dB (positive numbers are losses), angles in degrees,
/// frequencies and bandwidths in hertz, temperatures in kelvin. Usually `freeSpaceLossDb` and
/// `extraLossDb` come from a channel provider's `ChannelState`.
///
/// Where the "other" losses go: `txOtherLossesDb` (feeder, output back-off, radome) is taken off
/// before the antenna, so it reduces the EIRP; `rxOtherLossesDb` (pointing, polarization mismatch,
/// implementation margin, receive feeder) is taken off after the receive antenna, so it reduces the
/// received power but not the G/T figure.
///
/// ```swift
/// let input = LinkBudgetInput(
///     txPowerDbw: 10, txAntenna: .bessel(apertureRadiusMeters: 0.5, efficiency: 1),
///     rxAntenna: .omni(gainDbi: 0), frequencyHz: 2e9, bandwidthHz: 20e6,
///     systemTemperatureK: 290,
///     freeSpaceLossDb: FreeSpace.pathLossDb(distanceMeters: 600e3, frequencyHz: 2e9))
/// let budget = LinkBudget(input)
/// budget.snrDb                 // C/N in the 20 MHz channel
/// ```
public struct LinkBudgetInput: Sendable, Hashable {
    /// Transmit power at the power-amplifier output, dBW.
    public var txPowerDbw: Double
    /// Transmit antenna pattern.
    public var txAntenna: AntennaPattern
    /// Angle between the transmit boresight and the direction to the receiver, degrees.
    public var txOffBoresightDeg: Double
    /// Receive antenna pattern.
    public var rxAntenna: AntennaPattern
    /// Angle between the receive boresight and the direction to the transmitter, degrees.
    public var rxOffBoresightDeg: Double
    /// Carrier frequency, Hz.
    public var frequencyHz: Double
    /// Occupied (noise) bandwidth, Hz.
    public var bandwidthHz: Double
    /// Root-raised-cosine roll-off α; the symbol rate is B/(1 + α). DVB-S2 allows 0.35, 0.25 and 0.20,
    /// DVB-S2X adds 0.15, 0.10 and 0.05.
    public var rolloff: Double
    /// Losses between the power amplifier and the transmit antenna, dB (reduce the EIRP).
    public var txOtherLossesDb: Double
    /// Losses after the receive antenna (pointing, polarization, feeder, implementation margin), dB.
    public var rxOtherLossesDb: Double
    /// Receiver system noise temperature, K (see ``Noise/systemTemperatureK(noiseFigureDb:antennaTemperatureK:)``).
    public var systemTemperatureK: Double
    /// Free-space path loss, dB.
    public var freeSpaceLossDb: Double
    /// Channel loss beyond free space (atmosphere, scintillation, clutter, shadowing), dB.
    public var extraLossDb: Double

    public init(txPowerDbw: Double, txAntenna: AntennaPattern, txOffBoresightDeg: Double = 0,
                rxAntenna: AntennaPattern, rxOffBoresightDeg: Double = 0,
                frequencyHz: Double, bandwidthHz: Double, rolloff: Double = 0.2,
                txOtherLossesDb: Double = 0, rxOtherLossesDb: Double = 0,
                systemTemperatureK: Double, freeSpaceLossDb: Double, extraLossDb: Double = 0) {
        self.txPowerDbw = txPowerDbw
        self.txAntenna = txAntenna
        self.txOffBoresightDeg = txOffBoresightDeg
        self.rxAntenna = rxAntenna
        self.rxOffBoresightDeg = rxOffBoresightDeg
        self.frequencyHz = frequencyHz
        self.bandwidthHz = bandwidthHz
        self.rolloff = rolloff
        self.txOtherLossesDb = txOtherLossesDb
        self.rxOtherLossesDb = rxOtherLossesDb
        self.systemTemperatureK = systemTemperatureK
        self.freeSpaceLossDb = freeSpaceLossDb
        self.extraLossDb = extraLossDb
    }
}
