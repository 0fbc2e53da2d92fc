/// Why SGP4/SDP4 could not give a state, with Vallado's return code.
///
/// The cases and their codes follow Vallado et al. 2006 ("Revisiting Spacetrack Report #3",
/// AIAA 2006-6753) and his `sgp4` routine, so results can be compared with other implementations:
///
/// | code | case | meaning |
/// |---|---|---|
/// | 1 | ``meanElements(eccentricity:minutesSinceEpoch:)`` | mean eccentricity ≥ 1 or < −0.001 (or semi-major axis < 0.95 Earth radii) |
/// | 2 | ``negativeMeanMotion(meanMotionRadPerMin:minutesSinceEpoch:)`` | mean motion ≤ 0 |
/// | 3 | ``perturbedEccentricity(eccentricity:minutesSinceEpoch:)`` | eccentricity after lunar-solar periodics < 0 or > 1 |
/// | 4 | ``negativeSemiLatusRectum(semiLatusRectumEarthRadii:minutesSinceEpoch:)`` | semi-latus rectum < 0 |
/// | 5 | ``subOrbital(minutesSinceEpoch:)`` | epoch elements are sub-orbital |
/// | 6 | ``decayed(radiusEarthRadii:minutesSinceEpoch:)`` | the satellite is below the Earth's surface |
///
/// ```swift
/// do { _ = try sgp4.state(minutesSinceEpoch: 1e6) }
/// catch let error as SGP4Error { print(error.code, error.minutesSinceEpoch) }
/// ```
public enum SGP4Error: Error, Sendable, Hashable {
    /// Code 1: mean eccentricity outside [−0.001, 1) (also raised by the initialiser for a TLE
    /// eccentricity outside [0, 1)).
    case meanElements(eccentricity: Double, minutesSinceEpoch: Double)
    /// Code 2: mean motion not positive (rad/min).
    case negativeMeanMotion(meanMotionRadPerMin: Double, minutesSinceEpoch: Double)
    /// Code 3: eccentricity after the deep-space periodics outside [0, 1].
    case perturbedEccentricity(eccentricity: Double, minutesSinceEpoch: Double)
    /// Code 4: negative semi-latus rectum (Earth radii).
    case negativeSemiLatusRectum(semiLatusRectumEarthRadii: Double, minutesSinceEpoch: Double)
    /// Code 5: sub-orbital epoch elements. Vallado's current code no longer raises it (the decay
    /// check, code 6, covers such orbits); kept so every documented code has a case.
    case subOrbital(minutesSinceEpoch: Double)
    /// Code 6: radius below one Earth radius (the satellite has decayed).
    case decayed(radiusEarthRadii: Double, minutesSinceEpoch: Double)

    /// Vallado's numeric return code, 1–6.
    public var code: Int {
        switch self {
        case .meanElements: 1
        case .negativeMeanMotion: 2
        case .perturbedEccentricity: 3
        case .negativeSemiLatusRectum: 4
        case .subOrbital: 5
        case .decayed: 6
        }
    }

    /// Minutes since the element-set epoch at which propagation failed.
    public var minutesSinceEpoch: Double {
        switch self {
        case .meanElements(_, let t), .negativeMeanMotion(_, let t), .perturbedEccentricity(_, let t),
             .negativeSemiLatusRectum(_, let t), .decayed(_, let t):
            t
        case .subOrbital(let t):
            t
        }
    }
}

extension SGP4Error: CustomStringConvertible {
    /// A one-line explanation naming the code, the offending value and the time.
    public var description: String {
        let at = "at \(minutesSinceEpoch) min since epoch"
        switch self {
        case .meanElements(let e, _):
            return "SGP4 error 1 \(at): mean eccentricity \(e) not within range 0.0 <= e < 1.0"
        case .negativeMeanMotion(let n, _):
            return "SGP4 error 2 \(at): mean motion \(n) rad/min is not positive"
        case .perturbedEccentricity(let e, _):
            return "SGP4 error 3 \(at): perturbed eccentricity \(e) not within range 0.0 <= e <= 1.0"
        case .negativeSemiLatusRectum(let p, _):
            return "SGP4 error 4 \(at): semi-latus rectum \(p) Earth radii is less than zero"
        case .subOrbital:
            return "SGP4 error 5 \(at): epoch elements are sub-orbital"
        case .decayed(let r, _):
            return "SGP4 error 6 \(at): radius \(r) Earth radii is less than 1.0, the satellite has decayed"
        }
    }
}
