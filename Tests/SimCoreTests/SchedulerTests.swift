import Testing
@testable import SimCore

/// Records fired events with their times.
private struct Recorder<Event>: EventHandler {
    var fired: [(SimTime, Event)] = []
    var stopAfter: Int = .max

    mutating func handle(_ event: Event, in scheduler: Scheduler<Event>) {
        fired.append((scheduler.now, event))
        if fired.count >= stopAfter { scheduler.stop() }
    }
}

@Suite("Scheduler ordering and control")
struct SchedulerTests {
    @Test("events fire by time, then priority, then insertion order")
    func ordering() {
        let s = Scheduler<String>()
        s.schedule(at: .seconds(2), "t2-first")
        s.schedule(at: .seconds(1), priority: 5, "t1-p5")
        s.schedule(at: .seconds(1), "t1-p0-a")
        s.schedule(at: .seconds(1), priority: -3, "t1-pm3")
        s.schedule(at: .seconds(1), "t1-p0-b")
        s.schedule(at: .seconds(2), "t2-second")
        s.schedule(at: .zero, priority: 100, "t0")
        var r = Recorder<String>()
        let outcome = s.run(handler: &r)
        #expect(outcome == .exhausted)
        #expect(r.fired.map(\.1) == ["t0", "t1-pm3", "t1-p0-a", "t1-p0-b", "t1-p5", "t2-first", "t2-second"])
        #expect(r.fired.map(\.0) == [.zero, .seconds(1), .seconds(1), .seconds(1), .seconds(1), .seconds(2), .seconds(2)])
        #expect(s.statistics.eventsExecuted == 7)
        #expect(s.statistics.eventsScheduled == 7)
    }

    @Test("events scheduled at the current time from a handler fire in the same run, after queued equals")
    func scheduleAtNowFromHandler() {
        let s = Scheduler<Action>()
        var log: [String] = []
        s.schedule(at: .seconds(1)) { s in
            log.append("a")
            s.schedule(after: .zero) { _ in log.append("c (scheduled by a)") }
        }
        s.schedule(at: .seconds(1)) { _ in log.append("b") }
        s.run(until: .seconds(1))
        #expect(log == ["a", "b", "c (scheduled by a)"])
    }

    @Test("a cancelled event never fires; cancelling fired, cancelled or unknown handles is harmless")
    func cancellation() {
        let s = Scheduler<Int>()
        let h1 = s.schedule(at: .seconds(1), 1)
        let h2 = s.schedule(at: .seconds(2), 2)
        let h3 = s.schedule(at: .seconds(3), 3)
        #expect(s.pendingCount == 3)
        #expect(s.cancel(h2))
        #expect(!s.cancel(h2))  // twice
        #expect(!s.isPending(h2))
        #expect(s.isPending(h3))
        #expect(s.pendingCount == 2)
        #expect(!s.cancel(.invalid))
        #expect(!s.cancel(EventHandle(slot: 999, generation: 0)))
        var r = Recorder<Int>()
        s.run(until: .seconds(1), handler: &r)
        #expect(!s.cancel(h1))  // already fired
        // The fired event's slot is reused by the next schedule; the old handle must not cancel it.
        let h4 = s.schedule(at: .seconds(4), 4)
        #expect(h4.slot == h1.slot || h4.slot == h2.slot)
        #expect(!s.cancel(h1))
        #expect(!s.cancel(h2))
        s.run(handler: &r)
        #expect(r.fired.map(\.1) == [1, 3, 4])
        #expect(s.statistics.eventsCancelled == 1)
        s._checkInvariants()
    }

    @Test("a handler can cancel a later event at the same time")
    func cancelFromHandler() {
        let s = Scheduler<Action>()
        var fired: [Int] = []
        var victim = EventHandle.invalid
        s.schedule(at: .seconds(1)) { s in
            fired.append(1)
            #expect(s.cancel(victim))
        }
        victim = s.schedule(at: .seconds(1)) { _ in fired.append(2) }
        s.schedule(at: .seconds(1)) { _ in fired.append(3) }
        s.run()
        #expect(fired == [1, 3])
    }

    @Test("periodic events fire at start + k·period and stop when cancelled, also from their own handler")
    func periodic() {
        let s = Scheduler<String>()
        let tick = s.schedulePeriodic(every: .milliseconds(250), startingAt: .seconds(1), "tick")
        s.schedule(at: .seconds(2), "marker")
        var r = Recorder<String>()
        s.run(until: .seconds(2), handler: &r)
        // Ticks at 1.00, 1.25, 1.50, 1.75, 2.00. At 2.00 the marker fires first: it was inserted at
        // the start, while the 2.00 tick was inserted when the 1.75 tick re-armed.
        #expect(r.fired.map(\.0.nanoseconds) == [1_000, 1_250, 1_500, 1_750, 2_000, 2_000].map { $0 * 1_000_000 })
        #expect(r.fired.map(\.1) == ["tick", "tick", "tick", "tick", "marker", "tick"])
        #expect(s.isPending(tick))
        #expect(s.cancel(tick))
        #expect(!s.isPending(tick))
        r.fired.removeAll()
        let outcome = s.run(until: .seconds(10), handler: &r)
        #expect(r.fired.isEmpty)
        #expect(outcome == .exhausted)
        #expect(s.now == .seconds(10))

        // Self-cancelling series: stops after its third firing.
        let a = Scheduler<Action>()
        var count = 0
        var handle = EventHandle.invalid
        handle = a.schedulePeriodic(every: .seconds(1)) { s in
            count += 1
            if count == 3 { #expect(s.cancel(handle)) }
        }
        a.run(until: .hours(1))
        #expect(count == 3)
        #expect(a.pendingCount == 0)
        #expect(a.statistics.eventsExecuted == 3)
    }

    @Test("a series that cancels itself, then schedules and cancels again in the same handler, keeps counts right")
    func selfCancelThenReuse() {
        let s = Scheduler<Action>()
        var series = EventHandle.invalid
        var fired: [String] = []
        series = s.schedulePeriodic(every: .seconds(1), startingAt: .seconds(1)) { s in
            fired.append("tick")
            #expect(s.cancel(series))
            let reused = s.schedule(after: .seconds(1)) { _ in fired.append("never") }  // may take the freed slot
            #expect(s.cancel(reused))
            s.schedule(after: .seconds(2)) { _ in fired.append("later") }
        }
        s.run(until: .seconds(1))
        #expect(s.pendingCount == 1)
        s._checkInvariants()
        s.run()
        #expect(fired == ["tick", "later"])
        #expect(s.pendingCount == 0)
        s._checkInvariants()
    }

    @Test("periodic events keep their priority among equal-time events")
    func periodicPriority() {
        let s = Scheduler<String>()
        s.schedulePeriodic(every: .seconds(1), startingAt: .seconds(1), priority: -1, "urgent-tick")
        for k in 1 ... 3 { s.schedule(at: .seconds(Int64(k)), "normal") }
        var r = Recorder<String>()
        s.run(until: .seconds(3), handler: &r)
        #expect(r.fired.map(\.1) == ["urgent-tick", "normal", "urgent-tick", "normal", "urgent-tick", "normal"])
    }

    @Test("run(until:) executes events at the horizon inclusively and leaves the clock there")
    func horizonBoundary() {
        let s = Scheduler<Int>()
        s.schedule(at: .seconds(5), 5)
        s.schedule(at: SimTime(nanoseconds: 5_000_000_001), 6)
        var r = Recorder<Int>()
        #expect(s.run(until: .seconds(5), handler: &r) == .reachedHorizon)
        #expect(r.fired.map(\.1) == [5])
        #expect(s.now == .seconds(5))
        #expect(s.nextEventTime == SimTime(nanoseconds: 5_000_000_001))
        // Scheduling at the clock after a horizon stop is allowed and fires next.
        s.schedule(at: .seconds(5), 7)
        #expect(s.run(until: .seconds(6), handler: &r) == .exhausted)
        #expect(r.fired.map(\.1) == [5, 7, 6])
        #expect(s.now == .seconds(6))
        // Running to the current time again executes nothing.
        #expect(s.run(until: .seconds(6), handler: &r) == .exhausted)
        #expect(r.fired.count == 3)
    }

    @Test("stop() returns after the current event; a later run resumes")
    func stopAndResume() {
        let s = Scheduler<Int>()
        for k in 1 ... 10 { s.schedule(at: .seconds(Int64(k)), k) }
        var r = Recorder<Int>(stopAfter: 4)
        #expect(s.run(handler: &r) == .stopped)
        #expect(r.fired.map(\.1) == [1, 2, 3, 4])
        #expect(s.now == .seconds(4))
        #expect(s.pendingCount == 6)
        r.stopAfter = .max
        #expect(s.run(handler: &r) == .exhausted)
        #expect(r.fired.map(\.1) == Array(1 ... 10))
        #expect(s.now == .seconds(10))
    }

    @Test("closure handler and Action API")
    func closureAPIs() {
        let s = Scheduler<Int>()
        for k in [3, 1, 2] { s.schedule(after: .milliseconds(Int64(k)), k) }
        var seen: [Int] = []
        s.run { event, _ in seen.append(event) }
        #expect(seen == [1, 2, 3])
    }

    @Test("statistics count executed, scheduled, cancelled and peak pending events")
    func statistics() {
        let s = Scheduler<Int>()
        var handles: [EventHandle] = []
        for k in 0 ..< 100 { handles.append(s.schedule(at: .seconds(Int64(k)), k)) }
        for h in handles.prefix(30) { s.cancel(h) }
        var r = Recorder<Int>()
        s.run(handler: &r)
        let st = s.statistics
        #expect(st.eventsExecuted == 70)
        #expect(st.eventsScheduled == 100)
        #expect(st.eventsCancelled == 30)
        #expect(st.peakPending == 100)
        #expect(st.wallSeconds >= 0)
    }
}

@Suite("Scheduler against a sorted-array reference model")
struct SchedulerModelTests {
    /// A pending event of the reference model.
    struct Pending {
        var time: Int64
        var priority: Int16
        var sequence: Int
        var id: Int
        var handle: EventHandle
    }

    /// Delays that mix exact ties, small steps, and jumps across many radix levels.
    static func delay(_ rng: RNGStream) -> Int64 {
        switch rng.integer(below: 6) {
        case 0: return 0
        case 1: return Int64(rng.integer(below: 4))
        case 2: return Int64(rng.integer(below: 1_000))
        case 3: return Int64(rng.integer(below: 1 << 30))
        case 4: return Int64(rng.integer(below: 1 << 32)) << Int64(rng.integer(below: 20))
        default: return Int64(1) << Int64(rng.integer(below: 60)) // exact powers of two: digit boundaries
        }
    }

    @Test("long random schedule/cancel/pop/advance sequences match the reference", arguments: [1, 2, 3, 4])
    func randomSequences(seed: UInt64) {
        let rng = RandomStreams(seed: seed).stream("test/scheduler-model")
        let s = Scheduler<Int>(capacity: 4)
        var model: [Pending] = []
        var sequence = 0
        var nextID = 0
        var allHandles: [EventHandle] = []
        var firedByScheduler: [Int] = []
        var firedByModel: [Int] = []

        func modelPopAll(upTo limit: Int64, max: Int) -> [Int] {
            var out: [Int] = []
            while out.count < max {
                guard let k = model.indices.min(by: { a, b in
                    let x = model[a], y = model[b]
                    return (x.time, x.priority, x.sequence) < (y.time, y.priority, y.sequence)
                }), model[k].time <= limit else { break }
                out.append(model.remove(at: k).id)
            }
            return out
        }

        for step in 0 ..< 6_000 {
            let now = s.now.nanoseconds
            switch rng.integer(below: 10) {
            case 0 ... 4:  // schedule
                let t = now + Self.delay(rng)
                let p = Int16(rng.integer(below: 3)) - 1
                let h = s.schedule(at: SimTime(nanoseconds: t), priority: p, nextID)
                model.append(Pending(time: t, priority: p, sequence: sequence, id: nextID, handle: h))
                allHandles.append(h)
                sequence += 1
                nextID += 1
            case 5:  // cancel a random handle: live, fired or already cancelled
                guard !allHandles.isEmpty else { continue }
                let h = allHandles[rng.integer(below: allHandles.count)]
                let live = model.firstIndex { $0.handle == h }
                #expect(s.cancel(h) == (live != nil), "step \(step)")
                if let k = live { model.remove(at: k) }
            case 6 ... 8:  // pop one
                var r = Recorder<Int>(stopAfter: 1)
                s.run(handler: &r)
                firedByScheduler += r.fired.map(\.1)
                firedByModel += modelPopAll(upTo: .max, max: 1)
            default:  // advance the clock over a horizon
                let horizon = now + Self.delay(rng)
                var r = Recorder<Int>()
                let outcome = s.run(until: SimTime(nanoseconds: horizon), handler: &r)
                firedByScheduler += r.fired.map(\.1)
                firedByModel += modelPopAll(upTo: horizon, max: .max)
                #expect(s.now.nanoseconds == horizon)
                #expect(outcome == (model.isEmpty ? .exhausted : .reachedHorizon))
            }
            #expect(s.pendingCount == model.count, "step \(step)")
            if step % 500 == 0 { s._checkInvariants() }
        }
        // Drain.
        var r = Recorder<Int>()
        s.run(handler: &r)
        firedByScheduler += r.fired.map(\.1)
        firedByModel += modelPopAll(upTo: .max, max: .max)
        #expect(firedByScheduler == firedByModel)
        #expect(firedByScheduler.count > 1_000)
        s._checkInvariants()
    }

    @Test("mass cancellation compacts the queue and keeps the survivors in order")
    func compaction() {
        let s = Scheduler<Int>()
        let rng = RandomStreams(seed: 9).stream("test/compaction")
        var handles: [(EventHandle, Int64, Int)] = []
        for id in 0 ..< 10_000 {
            let t = Int64(rng.integer(below: 1 << 31))
            handles.append((s.schedule(at: SimTime(nanoseconds: t), id), t, id))
        }
        // Cancel 90%: crosses the compaction threshold several times.
        var survivors: [(Int64, Int)] = []
        for (h, t, id) in handles {
            if id % 10 == 0 { survivors.append((t, id)) } else { #expect(s.cancel(h)) }
        }
        #expect(s.pendingCount == 1_000)
        #expect(s.staleCount < 9_000)  // compaction ran
        s._checkInvariants()
        var r = Recorder<Int>()
        s.run(handler: &r)
        let expected = survivors.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.1)
        #expect(r.fired.map(\.1) == expected)
    }

    @Test("same seed, same event sequence")
    func determinism() {
        func trace(seed: UInt64) -> [Int64] {
            let rng = RandomStreams(seed: seed).stream("hold")
            let s = Scheduler<Int>()
            for k in 0 ..< 100 { s.schedule(after: SimTime(nanoseconds: Int64(rng.exponential(mean: 1e6))), k) }
            var times: [Int64] = []
            var remaining = 5_000
            s.run { event, s in
                times.append(s.now.nanoseconds &* 131 &+ Int64(event))
                remaining -= 1
                if remaining == 0 { s.stop() }
                s.schedule(after: SimTime(nanoseconds: Int64(rng.exponential(mean: 1e6))), event)
            }
            return times
        }
        let a = trace(seed: 5), b = trace(seed: 5), c = trace(seed: 6)
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 5_000)
    }
}
