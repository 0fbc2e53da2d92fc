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

    /// Unsafe views of the seven buffers for hot loops; valid only inside ``withBuffers(_:)``.
    public struct Buffers {
        public let x, y, z, vx, vy, vz: UnsafeMutableBufferPointer<Double>
        public let status: UnsafeMutableBufferPointer<Int32>

        /// Stores a successful state.
        @inlinable public func set(_ i: Int, _ s: StateVector) {
            x[i] = s.position.x; y[i] = s.position.y; z[i] = s.position.z
            vx[i] = s.velocity.x; vy[i] = s.velocity.y; vz[i] = s.velocity.z
            status[i] = 0
        }

        /// Marks a satellite as failed with an error code; its coordinates become NaN.
        @inlinable public func fail(_ i: Int, code: Int32) {
            x[i] = .nan; y[i] = .nan; z[i] = .nan
            vx[i] = .nan; vy[i] = .nan; vz[i] = .nan
            status[i] = code
        }

        /// Propagates one satellite with its own propagator and stores the state (rotated to
        /// ECEF when `gmst` is given) or its error code (SGP4: 1–6, other errors −1).
        @inlinable public func propagate<P: Propagator>(_ p: P, index i: Int, minutes: Double, gmst: Double?) {
            do {
                var s = try p.state(minutesSinceEpoch: minutes)
                if let gmst { s = EarthRotation.temeToECEF(s, gmst: gmst) }
                set(i, s)
            } catch {
                fail(i, code: (error as? SGP4Error).map { Int32($0.code) } ?? -1)
            }
        }
    }

    /// Runs `body` with unsafe views of the buffers (no copy-on-write checks inside).
    public mutating func withBuffers<R>(_ body: (Buffers) throws -> R) rethrows -> R {
        try x.withUnsafeMutableBufferPointer { x in
            try y.withUnsafeMutableBufferPointer { y in
                try z.withUnsafeMutableBufferPointer { z in
                    try vx.withUnsafeMutableBufferPointer { vx in
                        try vy.withUnsafeMutableBufferPointer { vy in
                            try vz.withUnsafeMutableBufferPointer { vz in
                                try status.withUnsafeMutableBufferPointer { status in
                                    try body(Buffers(x: x, y: y, z: z, vx: vx, vy: vy, vz: vz, status: status))
                                }
                            }
                        }
                    }
                }
            }
        }
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
        let gmst: Double? = frame == .ecef ? EarthRotation.gmst(at: time) : nil
        let t = time.unixNanoseconds
        states.withBuffers { b in
            propagators.withUnsafeBufferPointer { ps in
                epochs.withUnsafeBufferPointer { es in
                    for i in ps.indices { b.propagate(ps[i], index: i, minutes: Double(t &- es[i]) / 60e9, gmst: gmst) }
                }
            }
        }
    }
}
