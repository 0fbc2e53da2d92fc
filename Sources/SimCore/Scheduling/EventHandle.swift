/// Identifies one scheduled event (or one periodic series) so it can be cancelled.
///
/// Handles are small values; keeping one after its event fired is harmless: cancelling a handle
/// whose event already fired, was already cancelled, or never belonged to this scheduler does
/// nothing and returns `false`.
public struct EventHandle: Hashable, Sendable {
    @usableFromInline let slot: UInt32
    @usableFromInline let generation: UInt32

    @inlinable init(slot: UInt32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }

    /// A handle that refers to no event.
    public static let invalid = EventHandle(slot: .max, generation: .max)
}

/// Counters of one scheduler, cumulative over all `run` calls.
public struct SchedulerStatistics: Sendable, Equatable {
    /// Events whose handler was called (each firing of a periodic event counts once).
    public var eventsExecuted: UInt64 = 0
    /// Calls to `schedule` and `schedulePeriodic` that were accepted.
    public var eventsScheduled: UInt64 = 0
    /// Successful cancellations.
    public var eventsCancelled: UInt64 = 0
    /// The largest number of live pending events seen.
    public var peakPending: Int = 0
    /// Wall-clock seconds spent inside `run`.
    public var wallSeconds: Double = 0

    /// Executed events per wall-clock second inside `run` (0 before anything ran).
    public var eventsPerSecond: Double { wallSeconds > 0 ? Double(eventsExecuted) / wallSeconds : 0 }

    public init() {}
}

/// Why `run(until:)` returned.
public enum RunOutcome: Sendable, Equatable {
    /// The next pending event lies after the horizon (or there is none); the clock stands at the horizon.
    case reachedHorizon
    /// A handler called `stop()`; the clock stands at the time of the event that stopped it.
    case stopped
    /// No events remain pending; the clock stands at the horizon.
    case exhausted
}
