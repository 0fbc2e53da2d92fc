import SimCore

/// One NORAD two-line element set, as its fields are written (units of the TLE format).
///
/// Produced by ``TLEParser`` and written back by ``TLEWriter``; consumed by ``SGP4Propagator``.
/// Angles are in degrees, mean motion in revolutions per day, as in the file.
public struct TLE: Sendable, Hashable {
    /// Satellite name from a three-line (CelesTrak) entry's line 0, trimmed; `nil` for two-line entries.
    public var name: String?
    /// NORAD catalogue number, decoded from Alpha-5 where needed (A0001 = 100001).
    public var catalogNumber: Int
    /// Classification character (U, C, S).
    public var classification: Character
    /// International designator (columns 10–17 of line 1), trimmed; may be empty.
    public var internationalDesignator: String
    /// Epoch year, four digits (57–99 → 19xx, 00–56 → 20xx).
    public var epochYear: Int
    /// Epoch day of the year with fraction (1.0 = January 1, 00:00 UTC).
    public var epochDayOfYear: Double
    /// First derivative of mean motion divided by two, rev/day².
    public var meanMotionDot: Double
    /// Second derivative of mean motion divided by six, rev/day³.
    public var meanMotionDDot: Double
    /// B* drag term, 1/earth radii.
    public var bstar: Double
    /// Ephemeris type (0 for SGP4 element sets).
    public var ephemerisType: Int
    /// Element set number.
    public var elementSetNumber: Int
    public var inclinationDeg: Double
    public var raanDeg: Double
    public var eccentricity: Double
    public var argumentOfPerigeeDeg: Double
    public var meanAnomalyDeg: Double
    /// Mean motion, revolutions per day (Kozai mean motion, as SGP4 expects).
    public var meanMotionRevPerDay: Double
    /// Revolution number at epoch.
    public var revolutionNumber: Int

    public init(name: String? = nil, catalogNumber: Int, classification: Character = "U", internationalDesignator: String = "",
                epochYear: Int, epochDayOfYear: Double, meanMotionDot: Double = 0, meanMotionDDot: Double = 0, bstar: Double = 0,
                ephemerisType: Int = 0, elementSetNumber: Int = 999, inclinationDeg: Double, raanDeg: Double, eccentricity: Double,
                argumentOfPerigeeDeg: Double, meanAnomalyDeg: Double, meanMotionRevPerDay: Double, revolutionNumber: Int = 0) {
        self.name = name
        self.catalogNumber = catalogNumber
        self.classification = classification
        self.internationalDesignator = internationalDesignator
        self.epochYear = epochYear
        self.epochDayOfYear = epochDayOfYear
        self.meanMotionDot = meanMotionDot
        self.meanMotionDDot = meanMotionDDot
        self.bstar = bstar
        self.ephemerisType = ephemerisType
        self.elementSetNumber = elementSetNumber
        self.inclinationDeg = inclinationDeg
        self.raanDeg = raanDeg
        self.eccentricity = eccentricity
        self.argumentOfPerigeeDeg = argumentOfPerigeeDeg
        self.meanAnomalyDeg = meanAnomalyDeg
        self.meanMotionRevPerDay = meanMotionRevPerDay
        self.revolutionNumber = revolutionNumber
    }

    /// The epoch as a Julian date split into a whole-day part at 00:00 UT of January 1 of the epoch
    /// year minus the day offset, and a fraction — Vallado's `jdsatepoch` + `jdsatepochF` convention,
    /// which keeps full precision: `jd = julianDayOfYearStart + (epochDayOfYear - 1)`.
    public var epochJulianDate: (whole: Double, fraction: Double) {
        // Julian date of January 0.0 (= December 31 00:00) of the epoch year plus the day of year.
        let jan1 = JulianDate.julianDate(year: epochYear, month: 1, day: 1)  // at 00:00 UT
        let day = epochDayOfYear - 1
        let whole = day.rounded(.down)
        return (jan1 + whole, day - whole)
    }

    /// The epoch as a UTC instant (rounded to the nanosecond).
    public var epoch: UTCInstant {
        let start = UTCInstant(year: epochYear, month: 1, day: 1)
        let ns = ((epochDayOfYear - 1) * 86_400e9).rounded()
        return start + SimTime(nanoseconds: Int64(ns))
    }
}

/// TEME position and velocity.
public struct StateVector: Sendable, Hashable {
    /// Position, km.
    public var position: SIMD3<Double>
    /// Velocity, km/s.
    public var velocity: SIMD3<Double>

    public init(position: SIMD3<Double>, velocity: SIMD3<Double>) {
        self.position = position
        self.velocity = velocity
    }
}

/// Anything that gives a satellite's TEME state at a time: SGP4/SDP4, Kepler, J2-secular.
///
/// TEME ("true equator, mean equinox") is SGP4's output frame; the analytic propagators use the
/// same axes so every propagator feeds the same TEME → ECEF conversion.
public protocol Propagator: Sendable {
    /// The epoch of the elements.
    var epoch: UTCInstant { get }
    /// The state `minutes` after the epoch (negative before it).
    func state(minutesSinceEpoch minutes: Double) throws -> StateVector
}

extension Propagator {
    /// The state at a UTC instant.
    public func state(at time: UTCInstant) throws -> StateVector {
        try state(minutesSinceEpoch: Double((time - epoch).nanoseconds) / 60e9)
    }
}
