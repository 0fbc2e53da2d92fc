import Foundation
import Orbits
import SimCore

/// Propagation throughput: every satellite of a TLE file over a number of time steps.
public enum SGP4Benchmark {
    public struct Measurement: Sendable {
        public var satellites: Int
        public var steps: Int
        public var propagations: Int
        public var failures: Int
        public var wallSeconds: Double
        public var perSecond: Double { Double(propagations) / wallSeconds }
        /// Sum of all x coordinates (keeps the work observable; also a cross-check between paths).
        public var checksum: Double
    }

    /// Scalar path: one `state(minutesSinceEpoch:)` call per satellite and step.
    public static func scalar(_ propagators: [SGP4Propagator], steps: Int, stepMinutes: Double) -> Measurement {
        var sum = 0.0
        var failures = 0
        let start = Clock.seconds()
        for k in 0 ..< steps {
            let minutes = Double(k) * stepMinutes
            for p in propagators {
                if let s = try? p.state(minutesSinceEpoch: minutes) { sum += s.position.x } else { failures += 1 }
            }
        }
        let wall = Clock.seconds() - start
        return Measurement(satellites: propagators.count, steps: steps, propagations: steps * propagators.count,
                           failures: failures, wallSeconds: wall, checksum: sum)
    }

    /// Batch path: ``BatchPropagator`` filling structure-of-arrays buffers in TEME at common times.
    public static func batch(_ propagators: [SGP4Propagator], start: UTCInstant, steps: Int, stepMinutes: Double) -> Measurement {
        let batch = BatchPropagator(propagators)
        return timeSteps(count: batch.count, start: start, steps: steps, stepMinutes: stepMinutes) { batch.propagate(to: $0, frame: .teme, into: &$1) }
    }

    /// Vectorised path: ``SGP4BatchPropagator`` (SIMD lanes for near-earth orbits) into the same buffers.
    public static func simd(_ propagators: [SGP4Propagator], start: UTCInstant, steps: Int, stepMinutes: Double) -> Measurement {
        let batch = SGP4BatchPropagator(propagators)
        return timeSteps(count: batch.count, start: start, steps: steps, stepMinutes: stepMinutes) { batch.propagate(to: $0, frame: .teme, into: &$1) }
    }

    /// Times `propagate` over the steps, summing x coordinates and counting failures.
    static func timeSteps(count: Int, start: UTCInstant, steps: Int, stepMinutes: Double,
                          _ propagate: (UTCInstant, inout SatelliteStates) -> Void) -> Measurement {
        var states = SatelliteStates(count: count)
        var sum = 0.0
        var failures = 0
        let t0 = Clock.seconds()
        for k in 0 ..< steps {
            propagate(start + SimTime(seconds: Double(k) * stepMinutes * 60), &states)
            for i in 0 ..< states.count {
                if states.status[i] == 0 { sum += states.x[i] } else { failures += 1 }
            }
        }
        let wall = Clock.seconds() - t0
        return Measurement(satellites: count, steps: steps, propagations: steps * count,
                           failures: failures, wallSeconds: wall, checksum: sum)
    }
}
