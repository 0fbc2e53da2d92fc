import Foundation

/// The authalic (equal-area) latitude function of the WGS-84 ellipsoid (Snyder 1987, §3).
enum Authalic {
    static let e2 = Ellipsoid.e2
    static let e = e2.squareRoot()

    /// q(φ) = (1 − e²)[sin φ/(1 − e² sin²φ) − (1/2e) ln((1 − e sin φ)/(1 + e sin φ))]  (Snyder eq. 3-12).
    /// The area between the equator and φ is π a² q(φ) per 2π of longitude.
    static func q(sinLatitude s: Double) -> Double {
        (1 - e2) * (s / (1 - e2 * s * s) - 1 / (2 * e) * log((1 - e * s) / (1 + e * s)))
    }

    /// q at the pole.
    static let qPole = q(sinLatitude: 1)

    /// The geodetic latitude (radians) with q(φ) = `q`: the authalic latitude β = asin(q/q_p),
    /// then Snyder's series eq. 3-18, then one Newton step on q (dq/dφ = 2(1 − e²) cos φ /
    /// (1 − e² sin²φ)²), giving ~1e-15 rad.
    static func latitudeRad(q target: Double) -> Double {
        let beta = asin(max(-1, min(1, target / qPole)))
        let e4 = e2 * e2, e6 = e4 * e2
        var lat = beta
            + (e2 / 3 + 31 * e4 / 180 + 517 * e6 / 5040) * sin(2 * beta)
            + (23 * e4 / 360 + 251 * e6 / 3780) * sin(4 * beta)
            + (761 * e6 / 45360) * sin(6 * beta)
        let c = cos(lat)
        if c > 1e-6 {
            let s = sin(lat)
            let w = 1 - e2 * s * s
            lat -= (q(sinLatitude: s) - target) / (2 * (1 - e2) * c / (w * w))
        }
        return max(-Double.pi / 2, min(Double.pi / 2, lat))
    }
}
