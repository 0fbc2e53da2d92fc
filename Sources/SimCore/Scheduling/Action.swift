/// A closure as an event, for components off the hot path and for quick experiments.
///
/// Each scheduled `Action` allocates its closure context; hot paths should use a value-type event
/// enum with an ``EventHandler`` instead.
///
/// ```swift
/// let scheduler = Scheduler<Action>()
/// scheduler.schedule(after: .seconds(5)) { s in print("at", s.now) }
/// scheduler.run(until: .minutes(1))
/// ```
public struct Action {
    public let body: (Scheduler<Action>) -> Void
    public init(_ body: @escaping (Scheduler<Action>) -> Void) { self.body = body }
}

/// Runs ``Action`` events by calling them.
public struct ActionRunner: EventHandler {
    public init() {}
    public func handle(_ event: Action, in scheduler: Scheduler<Action>) { event.body(scheduler) }
}

extension Scheduler where Event == Action {
    /// Schedules a closure at an absolute time.
    @discardableResult
    public func schedule(at time: SimTime, priority: Int16 = 0, _ body: @escaping (Scheduler<Action>) -> Void) -> EventHandle {
        schedule(at: time, priority: priority, Action(body))
    }

    /// Schedules a closure after a delay from now.
    @discardableResult
    public func schedule(after delay: SimTime, priority: Int16 = 0, _ body: @escaping (Scheduler<Action>) -> Void) -> EventHandle {
        schedule(after: delay, priority: priority, Action(body))
    }

    /// Schedules a closure every `period`, starting at `start` (default: now).
    @discardableResult
    public func schedulePeriodic(every period: SimTime, startingAt start: SimTime? = nil, priority: Int16 = 0,
                                 _ body: @escaping (Scheduler<Action>) -> Void) -> EventHandle {
        schedulePeriodic(every: period, startingAt: start, priority: priority, Action(body))
    }

    /// Runs the scheduled closures up to `horizon`.
    @discardableResult
    public func run(until horizon: SimTime = .max) -> RunOutcome {
        var runner = ActionRunner()
        return run(until: horizon, handler: &runner)
    }
}

/// Adapts a non-escaping closure to ``EventHandler`` for one run.
@usableFromInline struct ClosureHandler<Event>: EventHandler {
    @usableFromInline let body: (Event, Scheduler<Event>) -> Void
    @inlinable init(body: @escaping (Event, Scheduler<Event>) -> Void) { self.body = body }
    @inlinable func handle(_ event: Event, in scheduler: Scheduler<Event>) { body(event, scheduler) }
}

extension Scheduler {
    /// Runs with a closure as the handler (one closure per run, not per event).
    ///
    /// ```swift
    /// scheduler.run(until: .hours(1)) { event, s in log.append((s.now, event)) }
    /// ```
    @inlinable @discardableResult
    public func run(until horizon: SimTime = .max, _ body: (Event, Scheduler<Event>) -> Void) -> RunOutcome {
        withoutActuallyEscaping(body) { escapable in
            var handler = ClosureHandler(body: escapable)
            return run(until: horizon, handler: &handler)
        }
    }
}
