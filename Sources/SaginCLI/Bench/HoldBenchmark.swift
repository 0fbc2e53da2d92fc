import SimCore

/// The classic "hold" model for event-queue benchmarks (Vaucher & Duval 1975; used by ns-3 and
/// SimPy comparisons): the queue starts with `pending` events; each executed event draws an
/// exponential delay and schedules one new event, so the queue size stays constant.
public enum HoldBenchmark {
    public struct Measurement: Sendable {
        public var pending: Int
        public var events: UInt64
        public var wallSeconds: Double
        public var eventsPerSecond: Double { Double(events) / wallSeconds }
    }

    /// A realistic small payload: which node's timer fired.
    enum Event {
        case timer(node: UInt32)
    }

    struct Model: EventHandler {
        let rng: RNGStream
        let meanDelayNanoseconds: Double
        var remaining: UInt64

        @inline(__always)
        mutating func handle(_ event: Event, in scheduler: Scheduler<Event>) {
            remaining -= 1
            if remaining == 0 { scheduler.stop() }
            let delay = Int64(rng.exponential(mean: meanDelayNanoseconds))
            scheduler.schedule(after: SimTime(nanoseconds: delay), event)
        }
    }

    /// Runs one measurement: fills the queue, then times the execution of `events` events.
    public static func run(pending: Int, events: UInt64, seed: UInt64) -> Measurement {
        precondition(pending > 0 && events > 0)
        let rng = RandomStreams(seed: seed).stream("bench/hold")
        let meanDelay = 1e9  // 1 s in ns; only the distribution's shape matters
        let scheduler = Scheduler<Event>(capacity: pending + 1)
        for node in 0 ..< pending {
            scheduler.schedule(after: SimTime(nanoseconds: Int64(rng.exponential(mean: meanDelay))),
                               .timer(node: UInt32(truncatingIfNeeded: node)))
        }
        var model = Model(rng: rng, meanDelayNanoseconds: meanDelay, remaining: events)
        scheduler.run(handler: &model)
        let stats = scheduler.statistics
        return Measurement(pending: pending, events: stats.eventsExecuted, wallSeconds: stats.wallSeconds)
    }
}
