import SimCore

/// One pass of a satellite above an observer's elevation mask.
public struct Pass: Sendable, Hashable {
    /// When the elevation rises through the mask; `nil` if the satellite was already above it at
    /// the start of the search window.
    public var rise: UTCInstant?
    /// Time of maximum elevation.
    public var culmination: UTCInstant
    /// When the elevation sets through the mask; `nil` if still above at the end of the window.
    public var set: UTCInstant?
    /// Elevation at culmination, degrees.
    public var maxElevationDeg: Double
    /// Azimuths at rise, culmination and set (degrees; rise/set nil like the times).
    public var riseAzimuthDeg: Double?
    public var culminationAzimuthDeg: Double
    public var setAzimuthDeg: Double?
}

/// Why a pass search failed.
public enum PassSearchError: Error, CustomStringConvertible {
    /// The window is empty or reversed.
    case emptyWindow(from: UTCInstant, to: UTCInstant)
    /// The propagator failed (e.g. the satellite decayed).
    case propagation(time: UTCInstant, underlying: any Error)

    public var description: String {
        switch self {
        case let .emptyWindow(from, to): return "pass search window is empty: from \(from) to \(to)"
        case let .propagation(time, underlying): return "propagation failed at \(time): \(underlying)"
        }
    }
}

/// Finds rise, culmination and set times of a satellite over an observer.
///
/// The elevation is sampled on a grid (default every 20 s); a sign change of elevation − mask
/// brackets a rise or set, which GSL's Brent solver refines to 1 ms. A local maximum of the
/// samples below the mask is refined too, so a short, low pass that falls between two samples is
/// not lost. Culmination is the root of the elevation's derivative (a central difference) between
/// rise and set, also to 1 ms.
///
/// ```swift
/// let finder = PassFinder(propagator: sgp4, observer: Observer(site), minElevationDeg: 10)
/// for pass in try finder.passes(from: start, to: start + .days(1)) { print(pass) }
/// ```
public struct PassFinder: Sendable {
    public var propagator: any Propagator
    public var observer: Observer
    public var minElevationDeg: Double
    /// Sampling step of the first pass over the window, seconds.
    public var stepSeconds: Double
    /// Time tolerance of rise, set and culmination, seconds.
    public var toleranceSeconds: Double = 1e-3

    public init(propagator: any Propagator, observer: Observer, minElevationDeg: Double, stepSeconds: Double = 20) {
        self.propagator = propagator
        self.observer = observer
        self.minElevationDeg = minElevationDeg
        self.stepSeconds = stepSeconds
    }

    /// Elevation (degrees) and azimuth at `origin + seconds`.
    func look(_ origin: UTCInstant, _ seconds: Double) throws(PassSearchError) -> LookAngles {
        let t = origin + SimTime(seconds: seconds)
        do {
            let teme = try propagator.state(at: t)
            return observer.lookAngles(to: EarthRotation.temeToECEF(teme, at: t))
        } catch {
            throw .propagation(time: t, underlying: error)
        }
    }

    /// All passes overlapping [from, to].
    public func passes(from: UTCInstant, to: UTCInstant) throws(PassSearchError) -> [Pass] {
        guard to > from else { throw .emptyWindow(from: from, to: to) }
        let span = (to - from).seconds
        let mask = minElevationDeg
        var error: PassSearchError?
        // f(t) = elevation − mask; a propagation error is kept and rethrown after the solver returns.
        func f(_ t: Double) -> Double {
            do { return try look(from, t).elevationDeg - mask } catch let e {
                error = error ?? e
                return .nan
            }
        }
        func check() throws(PassSearchError) { if let error { throw error } }

        let n = max(1, Int((span / stepSeconds).rounded(.up)))
        let times = (0 ... n).map { min(Double($0) * stepSeconds, span) }
        var values: [Double] = []
        values.reserveCapacity(times.count)
        for t in times {
            values.append(f(t))
            try check()
        }

        // Crossings: (time, rising?).
        var crossings: [(Double, Bool)] = []
        func root(_ a: Double, _ b: Double) throws(PassSearchError) -> Double {
            let r = (try? RootFinding.brent(in: a ... b, absoluteTolerance: toleranceSeconds / 2) { f($0) }) ?? (a + b) / 2
            try check()
            return r
        }
        for k in 0 ..< n {
            let a = values[k], b = values[k + 1]
            if (a < 0) != (b < 0) {
                crossings.append((try root(times[k], times[k + 1]), a < 0))
            } else if a < 0, b < 0, k + 2 <= n, values[k + 1] > a, values[k + 1] >= values[k + 2] {
                // A local maximum below the mask at sample k+1: look for a short pass around it.
                let peak = try maximum(f, times[k], times[k + 2])
                try check()
                if f(peak) > 0 {
                    crossings.append((try root(times[k], peak), true))
                    crossings.append((try root(peak, times[k + 2]), false))
                }
            }
        }
        crossings.sort { $0.0 < $1.0 }

        // Pair rises with sets; the window's ends stand in for missing ones.
        var passes: [Pass] = []
        var riseTime: Double? = values[0] >= 0 ? 0 : nil
        var openAtStart = values[0] >= 0
        for (t, rising) in crossings {
            if rising {
                riseTime = t
                openAtStart = false
            } else if let r = riseTime {
                passes.append(try makePass(from, rise: r, set: t, riseKnown: !openAtStart, setKnown: true, f))
                riseTime = nil
                openAtStart = false
            }
        }
        if let r = riseTime {
            passes.append(try makePass(from, rise: r, set: span, riseKnown: !openAtStart, setKnown: false, f))
        }
        return passes
    }

    /// The time of the maximum of `g` in [a, b]: the root of its central-difference derivative,
    /// or an end point when the derivative does not change sign.
    func maximum(_ g: (Double) -> Double, _ a: Double, _ b: Double) throws(PassSearchError) -> Double {
        let h = 0.05
        func slope(_ t: Double) -> Double { g(t + h) - g(t - h) }
        if slope(a) > 0, slope(b) < 0, let t = try? RootFinding.brent(in: a ... b, absoluteTolerance: toleranceSeconds / 2, { slope($0) }) {
            return t
        }
        return g(a) >= g(b) ? a : b
    }

    func makePass(_ origin: UTCInstant, rise: Double, set: Double, riseKnown: Bool, setKnown: Bool,
                  _ f: (Double) -> Double) throws(PassSearchError) -> Pass {
        let peak = try maximum(f, rise, set)
        let top = try look(origin, peak)
        let riseLook = riseKnown ? try look(origin, rise) : nil
        let setLook = setKnown ? try look(origin, set) : nil
        return Pass(rise: riseKnown ? origin + SimTime(seconds: rise) : nil,
                    culmination: origin + SimTime(seconds: peak),
                    set: setKnown ? origin + SimTime(seconds: set) : nil,
                    maxElevationDeg: top.elevationDeg,
                    riseAzimuthDeg: riseLook?.azimuthDeg, culminationAzimuthDeg: top.azimuthDeg,
                    setAzimuthDeg: setLook?.azimuthDeg)
    }
}
