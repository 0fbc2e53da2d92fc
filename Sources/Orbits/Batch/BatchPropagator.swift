import SimCore

/// Positions and velocities of many satellites at one time, as structure-of-arrays buffers
/// (km and km/s), the form the scenario engine reads every step.
public struct SatelliteStates: Sendable {
    public var x: [Double], y: [Double], z: [Double]
    public var vx: [Double], vy: [Double], vz: [Double]
    /// 0 where the satellite propagated; otherwise the propagator's error code (SGP4: 1–6), and
    /// the satellite's position and velocity are NaN.
    public var status: [Int32]

    public init(count: Int) {
        x = Array(repeating: .nan, count: count); y = x; z = x; vx = x; vy = x; vz = x
        status = Array(repeating: 0, count: count)
    }

    public var count: Int { x.count }

    /// One satellite's state (nil where it failed).
    public subscript(i: Int) -> StateVector? {
        status[i] != 0 ? nil : StateVector(position: SIMD3(x[i], y[i], z[i]), velocity: SIMD3(vx[i], vy[i], vz[i]))
    }
}

/// Propagates N satellites to a common time into ``SatelliteStates``.
///
/// Generic over the propagator type so a batch of ``SGP4Propagator`` values runs without dynamic
/// dispatch. Epoch offsets are kept in integer nanoseconds, so "minutes since epoch" is exact per
/// satellite whatever the mix of epochs.
///
/// ```swift
/// let batch = BatchPropagator(propagators)            // [SGP4Propagator]
/// var states = SatelliteStates(count: batch.count)
/// batch.propagate(to: t, frame: .ecef, into: &states)
/// ```
public struct BatchPropagator<P: Propagator>: Sendable {
    public enum Frame: Sendable { case teme, ecef }

    public let propagators: [P]
    let epochs: [Int64]

    public init(_ propagators: [P]) {
        self.propagators = propagators
        epochs = propagators.map(\.epoch.unixNanoseconds)
    }

    public var count: Int { propagators.count }

    /// Fills `states` (resized if needed) with every satellite's state at `time`.
    public func propagate(to time: UTCInstant, frame: Frame = .teme, into states: inout SatelliteStates) {
        if states.count != count { states = SatelliteStates(count: count) }
        let rotate = frame == .ecef
        let theta = rotate ? EarthRotation.gmst(at: time) : 0
        let t = time.unixNanoseconds
        let n = count
        propagators.withUnsafeBufferPointer { ps in
            epochs.withUnsafeBufferPointer { es in
                states.x.withUnsafeMutableBufferPointer { x in
                states.y.withUnsafeMutableBufferPointer { y in
                states.z.withUnsafeMutableBufferPointer { z in
                states.vx.withUnsafeMutableBufferPointer { vx in
                states.vy.withUnsafeMutableBufferPointer { vy in
                states.vz.withUnsafeMutableBufferPointer { vz in
                states.status.withUnsafeMutableBufferPointer { status in
                    for i in 0 ..< n {
                        let minutes = Double(t &- es[i]) / 60e9
                        do {
                            var s = try ps[i].state(minutesSinceEpoch: minutes)
                            if rotate { s = EarthRotation.temeToECEF(s, gmst: theta) }
                            x[i] = s.position.x; y[i] = s.position.y; z[i] = s.position.z
                            vx[i] = s.velocity.x; vy[i] = s.velocity.y; vz[i] = s.velocity.z
                            status[i] = 0
                        } catch {
                            status[i] = (error as? SGP4Error).map { Int32($0.code) } ?? -1
                            x[i] = .nan; y[i] = .nan; z[i] = .nan
                            vx[i] = .nan; vy[i] = .nan; vz[i] = .nan
                        }
                    }
                }}}}}}}
            }
        }
    }
}
