import SimCore

/// Shared checks, so every model words the same problem the same way.
enum Check {
    static func coordinate(_ latitudeDeg: Double, _ longitudeDeg: Double, index: Int?) throws(MobilityError) {
        guard latitudeDeg.isFinite, longitudeDeg.isFinite, abs(latitudeDeg) <= 90 else {
            throw .invalidCoordinate(index: index, latitudeDeg: latitudeDeg, longitudeDeg: longitudeDeg)
        }
    }

    static func positive(_ value: Double, _ parameter: String) throws(MobilityError) {
        guard value > 0, value.isFinite else { throw .nonPositive(parameter: parameter, value: value) }
    }

    static func altitude(_ meters: Double, within limits: MotionLimits, index: Int?) throws(MobilityError) {
        let range = limits.altitudeRangeMeters
        guard meters.isFinite, range.contains(meters) else {
            throw .altitudeOutOfRange(index: index, altitudeMeters: meters, range: range)
        }
    }

    static func speed(_ mps: Double, within limits: MotionLimits, index: Int?) throws(MobilityError) {
        guard mps <= limits.maxSpeedMps else {
            throw .speedAboveLimit(index: index, speedMps: mps, limitMps: limits.maxSpeedMps)
        }
    }
}

extension SimTime {
    /// `SimTime(seconds:)` that saturates at ``SimTime/max`` instead of trapping, for durations
    /// derived from user input (a path flown at a few nm/s would take longer than 292 years).
    static func saturating(seconds: Double) -> SimTime {
        seconds < 9.2e9 ? SimTime(seconds: seconds) : .max
    }
}
