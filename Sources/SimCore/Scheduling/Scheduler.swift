/// Receives the events of a ``Scheduler``.
///
/// A simulation defines one value type (usually an `enum`) for its events and one handler that
/// switches over it. Because events are values and the handler is a generic parameter of
/// ``Scheduler/run(until:handler:)``, no closure or box is allocated per event.
///
/// ```swift
/// enum Ping { case send(node: Int), timeout(node: Int) }
/// struct Network: EventHandler {
///     var sent = 0
///     mutating func handle(_ event: Ping, in scheduler: Scheduler<Ping>) {
///         if case .send(let n) = event {
///             sent += 1
///             scheduler.schedule(after: .milliseconds(10), .send(node: n))
///         }
///     }
/// }
/// ```
public protocol EventHandler<Event> {
    associatedtype Event
    /// Handles one event; `scheduler.now` is the event's time.
    mutating func handle(_ event: Event, in scheduler: Scheduler<Event>)
}

/// A deterministic discrete-event scheduler over value-type events.
///
/// Events fire in order of time, then priority (smaller first, default 0), then insertion order,
/// so equal inputs always give the same sequence. The queue is a radix heap over 16-byte entries
/// (``EventQueue``); payloads and tie-break keys live in a slot table so queue moves never copy them. Cancellation is
/// O(1): the slot's generation is bumped and the stale entry is skipped when it surfaces (the
/// queue is compacted if stale entries come to outnumber live ones).
///
/// ```swift
/// let scheduler = Scheduler<Ping>()
/// scheduler.schedule(at: .zero, .send(node: 1))
/// var network = Network()
/// scheduler.run(until: .seconds(1), handler: &network)
/// print(scheduler.statistics.eventsExecuted)   // 101
/// ```
///
/// `run(until: t)` executes every event with time ≤ `t` (inclusive) and leaves the clock at `t`;
/// a later `run(until: t2)` continues with events in (`t`, `t2`]. A scheduler is not thread-safe.
public final class Scheduler<Event> {
    @usableFromInline typealias Entry = QueueEntry

    @usableFromInline static var sequenceLimit: UInt64 { 1 << 48 }

    // Storage is private to the scheduler and never handed out, so the run-time exclusivity checks
    // on these class properties (the hot loop's main cost otherwise) are switched off.

    @exclusivity(unchecked) @usableFromInline var queue: EventQueue
    /// Queue entries whose event was cancelled and not yet discarded.
    @exclusivity(unchecked) @usableFromInline var staleCount = 0

    // Slot table (structure of arrays).
    @exclusivity(unchecked) @usableFromInline var payloads: UnsafeMutablePointer<Event>
    /// Generation, state and tie-break key of each slot, together so a cold slot costs one cache miss.
    @exclusivity(unchecked) @usableFromInline var slots: UnsafeMutablePointer<SlotRecord>
    /// Period in ns of periodic series (read only for slots in the periodic state).
    @exclusivity(unchecked) @usableFromInline var periods: UnsafeMutablePointer<Int64>
    @exclusivity(unchecked) @usableFromInline var freeSlots: UnsafeMutablePointer<UInt32>
    @exclusivity(unchecked) @usableFromInline var freeCount = 0
    @exclusivity(unchecked) @usableFromInline var slotsUsed = 0
    @exclusivity(unchecked) @usableFromInline var slotCapacity: Int

    @exclusivity(unchecked) @usableFromInline var sequence: UInt64 = 0
    /// The slot of the periodic event being dispatched, or `.max`.
    @exclusivity(unchecked) @usableFromInline var firingSlot: UInt32 = .max
    @exclusivity(unchecked) @usableFromInline var stopRequested = false
    @exclusivity(unchecked) @usableFromInline var _now: Int64 = 0
    @exclusivity(unchecked) @usableFromInline var _statistics = SchedulerStatistics()

    /// Creates an empty scheduler at time zero.
    /// - Parameter capacity: initial room for pending events (it grows as needed).
    public init(capacity: Int = 1024) {
        let c = Swift.max(16, capacity)
        slotCapacity = c
        payloads = .allocate(capacity: c)
        slots = .allocate(capacity: c)
        periods = .allocate(capacity: c)
        periods.initialize(repeating: 0, count: c)
        queue = EventQueue(slotTable: slots)
        freeSlots = .allocate(capacity: c)
    }

    deinit {
        for s in 0 ..< slotsUsed where slots[s].state != SlotRecord.free {
            (payloads + s).deinitialize(count: 1)
        }
        queue.deallocate()
        payloads.deallocate()
        slots.deallocate()
        periods.deallocate()
        freeSlots.deallocate()
    }

    /// The current simulation time: the time of the event being handled, or where the last run stopped.
    @inlinable public var now: SimTime { SimTime(nanoseconds: _now) }

    /// Number of live pending events (cancelled ones excluded; a periodic series counts once).
    @inlinable public var pendingCount: Int { queue.count - staleCount }

    /// Counters, cumulative over all runs.
    @inlinable public var statistics: SchedulerStatistics { _statistics }

    /// The time of the earliest live pending event, or `nil` when none is pending. O(n): for
    /// inspection, not for hot loops.
    public var nextEventTime: SimTime? {
        var best: Int64?
        queue.forEach { e in
            if slots[Int(e.slot)].generation == e.generation, e.time < (best ?? .max) { best = e.time }
        }
        return best.map { SimTime(nanoseconds: $0) }
    }

    // MARK: Scheduling

    /// Schedules `event` at the absolute time `time` (which must not be before `now`).
    /// - Parameter priority: among events at the same time, smaller fires first (default 0).
    @inlinable @discardableResult
    public func schedule(at time: SimTime, priority: Int16 = 0, _ event: Event) -> EventHandle {
        precondition(time.nanoseconds >= _now, "cannot schedule an event in the past (\(time) < now \(now))")
        return insert(time: time.nanoseconds, priority: priority, period: 0, event)
    }

    /// Schedules `event` after `delay` (≥ 0) from now.
    @inlinable @discardableResult
    public func schedule(after delay: SimTime, priority: Int16 = 0, _ event: Event) -> EventHandle {
        precondition(delay.nanoseconds >= 0, "cannot schedule with a negative delay (\(delay))")
        return insert(time: _now + delay.nanoseconds, priority: priority, period: 0, event)
    }

    /// Schedules `event` to fire at `start` and then every `period` until cancelled.
    ///
    /// Each firing is ordered among equal-time events as if it had been inserted when the previous
    /// firing finished. The returned handle cancels the whole series, also from inside its handler.
    @inlinable @discardableResult
    public func schedulePeriodic(every period: SimTime, startingAt start: SimTime? = nil, priority: Int16 = 0, _ event: Event) -> EventHandle {
        precondition(period.nanoseconds > 0, "a periodic event needs a positive period (got \(period))")
        let first = start?.nanoseconds ?? _now
        precondition(first >= _now, "cannot start a periodic event in the past")
        return insert(time: first, priority: priority, period: period.nanoseconds, event)
    }

    /// Cancels a pending event or periodic series. Returns `false` (and does nothing) when the
    /// handle's event already fired, was already cancelled, or is unknown.
    @discardableResult
    public func cancel(_ handle: EventHandle) -> Bool {
        let s = Int(handle.slot)
        guard s < slotsUsed, slots[s].generation == handle.generation, slots[s].state != SlotRecord.free else { return false }
        releaseSlot(s)
        _statistics.eventsCancelled += 1
        if handle.slot == firingSlot {
            // A periodic series cancelled from its own handler: not in the queue right now. The
            // slot may be reused by the next schedule, so stop treating it as the firing one.
            firingSlot = .max
        } else {
            // Its queue entry stays until it surfaces or the queue is compacted.
            staleCount += 1
            if staleCount > 1024 && staleCount > queue.count / 2 { compact() }
        }
        return true
    }

    /// Whether the handle's event (or series) is still pending.
    public func isPending(_ handle: EventHandle) -> Bool {
        let s = Int(handle.slot)
        return s < slotsUsed && slots[s].generation == handle.generation && slots[s].state != SlotRecord.free
    }

    /// Asks the current `run` to return after the event being handled.
    public func stop() { stopRequested = true }

    // MARK: Running

    /// Executes events in order until the next one is later than `horizon`, none is left, or a
    /// handler calls `stop()`.
    @inlinable @discardableResult
    public func run<H: EventHandler>(until horizon: SimTime = .max, handler: inout H) -> RunOutcome where H.Event == Event {
        precondition(horizon.nanoseconds >= _now, "run(until:) horizon \(horizon) is before now \(now)")
        let limit = horizon.nanoseconds
        stopRequested = false
        let started = Clock.seconds()
        var executed: UInt64 = 0
        var outcome = RunOutcome.exhausted
        while true {
            if stopRequested { outcome = .stopped; break }
            guard let top = queue.popMin(notAfter: limit) else {
                outcome = queue.count == staleCount ? .exhausted : .reachedHorizon
                break
            }
            let s = Int(top.slot)
            let record = slots[s]
            if record.generation != top.generation {
                staleCount -= 1
                continue
            }
            _now = top.time
            if record.state == SlotRecord.oneShot {
                let event = (payloads + s).move()
                freeSlot(s)
                handler.handle(event, in: self)
            } else {
                firingSlot = top.slot
                handler.handle(payloads[s], in: self)
                firingSlot = .max
                if slots[s].generation == top.generation {
                    rearm(top, at: top.time + periods[s])
                }
            }
            executed += 1
        }
        if outcome != .stopped, limit != Int64.max { _now = limit }
        // Discarding cancelled entries may have advanced the queue's origin past the clock.
        if queue.count == 0 { queue.resetOrigin(to: _now) }
        _statistics.eventsExecuted += executed
        _statistics.wallSeconds += Clock.seconds() - started
        return outcome
    }

    // MARK: Internals

    @inlinable @inline(__always) func insert(time: Int64, priority: Int16, period: Int64, _ event: Event) -> EventHandle {
        let s = allocateSlot()
        (payloads + s).initialize(to: event)
        if period > 0 { periods[s] = period }
        let generation = slots[s].generation
        slots[s].state = period > 0 ? SlotRecord.periodic : SlotRecord.oneShot
        slots[s].order = nextOrder(priority: priority)
        queue.push(Entry(time: time, slot: UInt32(truncatingIfNeeded: s), generation: generation))
        _statistics.eventsScheduled += 1
        let pending = queue.count - staleCount
        if pending > _statistics.peakPending { _statistics.peakPending = pending }
        return EventHandle(slot: UInt32(truncatingIfNeeded: s), generation: generation)
    }

    @inlinable @inline(__always) func nextOrder(priority: Int16) -> UInt64 {
        let seq = sequence
        precondition(seq < Self.sequenceLimit, "scheduler insertion counter exhausted (2^48 events)")
        sequence = seq &+ 1
        return (UInt64(UInt16(bitPattern: priority) ^ 0x8000) << 48) | seq
    }

    /// Re-arms a periodic entry with its original priority and a fresh insertion number.
    @inlinable func rearm(_ old: Entry, at time: Int64) {
        let s = Int(old.slot)
        let priorityBits = slots[s].order & ~(Self.sequenceLimit - 1)
        let seq = sequence
        precondition(seq < Self.sequenceLimit, "scheduler insertion counter exhausted (2^48 events)")
        sequence = seq &+ 1
        slots[s].order = priorityBits | seq
        queue.push(Entry(time: time, slot: old.slot, generation: old.generation))
    }

    @inlinable @inline(__always) func allocateSlot() -> Int {
        if freeCount > 0 {
            freeCount -= 1
            return Int(freeSlots[freeCount])
        }
        if slotsUsed == slotCapacity { growSlots() }
        let s = slotsUsed
        slotsUsed += 1
        slots[s] = SlotRecord(order: 0, generation: 0, state: SlotRecord.free)
        return s
    }

    /// Returns a slot whose payload has already been moved out.
    @inlinable @inline(__always) func freeSlot(_ s: Int) {
        slots[s].state = SlotRecord.free
        slots[s].generation &+= 1
        freeSlots[freeCount] = UInt32(truncatingIfNeeded: s)
        freeCount += 1
    }

    /// Destroys a live slot's payload and frees it.
    @usableFromInline func releaseSlot(_ s: Int) {
        (payloads + s).deinitialize(count: 1)
        freeSlot(s)
    }

    @usableFromInline func growSlots() {
        let newCapacity = slotCapacity * 2
        precondition(newCapacity <= Int(UInt32.max), "too many pending events")
        let p = UnsafeMutablePointer<Event>.allocate(capacity: newCapacity)
        for s in 0 ..< slotsUsed where slots[s].state != SlotRecord.free {
            (p + s).moveInitialize(from: payloads + s, count: 1)
        }
        payloads.deallocate()
        payloads = p
        slots = Self.grow(slots, count: slotsUsed, to: newCapacity)
        periods = Self.grow(periods, count: slotCapacity, to: newCapacity)
        (periods + slotCapacity).initialize(repeating: 0, count: newCapacity - slotCapacity)
        queue.slotTable = slots
        freeSlots = Self.grow(freeSlots, count: freeCount, to: newCapacity)
        slotCapacity = newCapacity
    }

    @usableFromInline static func grow<T>(_ old: UnsafeMutablePointer<T>, count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        p.moveInitialize(from: old, count: count)
        old.deallocate()
        return p
    }

    /// Drops every stale entry from the queue, O(n).
    @usableFromInline func compact() {
        let table = slots
        queue.removeAll { table[Int($0.slot)].generation != $0.generation }
        staleCount = 0
    }

    /// Debug-build check of the queue invariants and the stale-entry count.
    func _checkInvariants() {
        #if DEBUG
        queue.checkInvariants()
        var stale = 0
        queue.forEach { e in
            if slots[Int(e.slot)].generation != e.generation { stale += 1 }
        }
        precondition(stale == staleCount, "stale count \(staleCount) but \(stale) stale entries")
        #endif
    }
}
