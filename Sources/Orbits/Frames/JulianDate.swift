import SimCore

/// Julian dates for UTC instants (UT1 is taken equal to UTC: no Earth-orientation data is used,
/// an error of under 0.9 s in Earth rotation, ~400 m at the equator in ECEF).
public enum JulianDate {
    /// Julian date at 00:00 UT of a Gregorian calendar date (Vallado, Fundamentals of
    /// Astrodynamics, Algorithm 14, valid 1900–2100).
    public static func julianDate(year: Int, month: Int, day: Int) -> Double {
        let y = Double(year), m = Double(month), d = Double(day)
        return 367 * y - (7 * (y + ((m + 9) / 12).rounded(.towardZero)) * 0.25).rounded(.towardZero)
            + (275 * m / 9).rounded(.towardZero) + d + 1_721_013.5
    }

    /// Julian date of the Unix epoch, 1970-01-01T00:00:00Z.
    public static let unixEpoch = 2_440_587.5

    /// The Julian date of an instant, split into whole days and a fraction for precision.
    public static func split(_ t: UTCInstant) -> (whole: Double, fraction: Double) {
        let perDay = SimTime.nanosecondsPerDay
        var days = t.unixNanoseconds / perDay
        var rem = t.unixNanoseconds % perDay
        if rem < 0 { rem += perDay; days -= 1 }
        return (unixEpoch + Double(days), Double(rem) / Double(perDay))
    }

    /// The Julian date of an instant as one Double (≈ 40 µs resolution near 2025).
    public static func of(_ t: UTCInstant) -> Double {
        let (w, f) = split(t)
        return w + f
    }
}
