import Foundation
import Channels
import Links
import Mobility
import Orbits
import SimCore

/// The simulation state and its event handling. Built by ``ScenarioRunner``.
///
/// Each epoch computes every position one step ahead, compares each candidate pair's elevation
/// with the mask at both ends of the step and, where the sign changes, root-finds the crossing
/// instant (Brent, 1 µs) and schedules an access event at exactly that time. Serving-node selection
/// and handovers happen in those access events, so their times are the crossing times, not the
/// step grid.
final class Engine {
    let epochUTC: UTCInstant
    let duration: SimTime
    let step: SimTime
    var uppers: UpperNodes
    let lowers: LowerNodes
    var classes: [LinkClass]
    var slots: [ObserverSlot]
    let slotsOfLower: [[Int]]
    let selection: SelectionSpec
    let radio: RadioModel
    let recorder: Recorder
    let control: RunControl?

    // Upper positions at the current epoch time (c*) and one step ahead (n*).
    var cx: [Double], cy: [Double], cz: [Double]
    var nx: [Double], ny: [Double], nz: [Double]
    var lowerPos: [SIMD3<Double>], lowerUp: [SIMD3<Double>]
    var lowerPosNext: [SIMD3<Double>], lowerUpNext: [SIMD3<Double>]

    var serving: [Serving?]
    var outageStart: [SimTime?]
    var outageTotal: [SimTime]
    var handovers: [Int]
    /// Epochs between candidate refreshes (satellite link types).
    let refreshEvery: Int
    var epochs = 0
    var stoppedEarly = false
    /// Link names are needed by `trace` providers and by trace recording.
    let needsLinkIDs: Bool
    var linkIDs: [Int: String] = [:]
    /// Per (lower, upper) pair: the instant (ns) of its last trace row.
    var traceRecordedAt: [Int: Int64] = [:]
    /// Trace sample events handled.
    var traceSamples: UInt64 = 0
    let wallStart: Double
    var lastProgressWall: Double

    init(uppers: UpperNodes, lowers: LowerNodes, classes: [LinkClass], topology: Topology, radio: RadioModel,
         recorder: Recorder, control: RunControl?) {
        epochUTC = topology.scenario.epoch
        duration = topology.scenario.duration
        step = topology.scenario.step
        self.uppers = uppers
        self.lowers = lowers
        self.classes = classes
        self.selection = topology.selection
        self.radio = radio
        self.recorder = recorder
        self.control = control
        needsLinkIDs = recorder.trace != nil || classes.contains { $0.provider is TraceChannelProvider }
        var slots: [ObserverSlot] = []
        var ofLower = [[Int]](repeating: [], count: lowers.count)
        for (c, cls) in classes.enumerated() {
            for l in cls.lowers {
                ofLower[l].append(slots.count)
                slots.append(ObserverSlot(linkClass: c, lower: l))
            }
        }
        self.slots = slots
        slotsOfLower = ofLower
        let n = uppers.count
        cx = .init(repeating: 0, count: n); cy = cx; cz = cx; nx = cx; ny = cx; nz = cx
        lowerPos = .init(repeating: .zero, count: lowers.count)
        lowerUp = lowerPos; lowerPosNext = lowerPos; lowerUpNext = lowerPos
        serving = .init(repeating: nil, count: lowers.count)
        outageStart = .init(repeating: nil, count: lowers.count)
        outageTotal = .init(repeating: .zero, count: lowers.count)
        handovers = .init(repeating: 0, count: lowers.count)
        // Refresh satellite candidates about once a minute (at least every step).
        refreshEvery = max(1, Int(60 * SimTime.nanosecondsPerSecond / max(1, step.nanoseconds)))
        wallStart = Clock.seconds()
        lastProgressWall = wallStart
    }

    var refreshSpan: SimTime { step * Int64(refreshEvery + 1) }

    // MARK: Positions

    func gmst(_ t: SimTime) -> Double { EarthRotation.gmst(at: epochUTC + t) }

    func upperPosition(_ u: Int, at t: SimTime, gmst: Double) -> SIMD3<Double> {
        uppers.position(u, at: t, epoch: epochUTC, gmst: gmst)
    }

    func placeLowers(at t: SimTime, positions: inout [SIMD3<Double>], ups: inout [SIMD3<Double>]) {
        for l in 0 ..< lowers.count where !(lowers.isStatic[l] && t.nanoseconds > 0) {
            let p = lowers.place(l, at: t)
            positions[l] = p.position
            ups[l] = p.up
        }
    }

    /// sin(elevation) − sin(mask) of a pair at an arbitrary instant (for root finding).
    func crossingFunction(slot o: Int, upper u: Int, at t: SimTime) -> Double {
        let s = slots[o]
        let lower = lowers.place(s.lower, at: t)
        let up = upperPosition(u, at: t, gmst: u < uppers.satellites.count ? gmst(t) : 0)
        return Sky.sinElevation(lower: lower.position, up: lower.up, upper: up) - classes[s.linkClass].sinMin
    }

    /// The crossing instant in [a, b] of a pair whose visibility differs at a and b.
    func crossingTime(slot o: Int, upper u: Int, from a: SimTime, to b: SimTime) -> SimTime {
        let span = (b - a).seconds
        let x = (try? RootFinding.brent(in: 0 ... span, absoluteTolerance: 1e-6) { x in
            self.crossingFunction(slot: o, upper: u, at: a + SimTime(seconds: x))
        }) ?? span
        return a + SimTime(seconds: x)
    }

    // MARK: Candidates

    /// Rebuilds the candidate lists of every satellite slot from the current positions.
    func refreshCandidates(initial: Bool) {
        let nUp = uppers.count
        // Unit vectors of the upper nodes (satellite classes only need satellites).
        var hx = [Double](repeating: 0, count: nUp), hy = hx, hz = hx
        for i in uppers.satelliteRange {
            let r = (cx[i] * cx[i] + cy[i] * cy[i] + cz[i] * cz[i]).squareRoot()
            if r > 0 { hx[i] = cx[i] / r; hy[i] = cy[i] / r; hz[i] = cz[i] / r }
        }
        for o in slots.indices {
            let cls = classes[slots[o].linkClass]
            guard cls.isSatellite || initial else { continue }
            let l = slots[o].lower
            var keep: [Int32] = []
            if cls.isSatellite {
                let p = lowerPos[l]
                let pr = p.length
                let px = p.x / pr, py = p.y / pr, pz = p.z / pr
                cls.cosCull.withUnsafeBufferPointer { thr in
                    for i in cls.uppers where px * hx[i] + py * hy[i] + pz * hz[i] >= thr[i - cls.uppers.lowerBound] {
                        keep.append(Int32(i))
                    }
                }
                // Never drop a pair that is in access.
                for u in slots[o].open.keys where !keep.contains(u) { keep.append(u) }
                keep.sort()
            } else {
                keep = cls.uppers.compactMap { u in lowers.sameNodeAsUpper[l] == u ? nil : Int32(u) }
            }
            var sinPrev = [Double](repeating: 0, count: keep.count)
            var peak = sinPrev
            let old = slots[o]
            for (k, u) in keep.enumerated() {
                if let j = old.candidates.firstIndex(of: u) {
                    sinPrev[k] = old.sinPrev[j]
                    peak[k] = old.peak[j]
                } else {
                    let ui = Int(u)
                    sinPrev[k] = Sky.sinElevation(lower: lowerPos[l], up: lowerUp[l], upper: SIMD3(cx[ui], cy[ui], cz[ui]))
                    peak[k] = sinPrev[k]
                }
            }
            slots[o].candidates = keep
            slots[o].sinPrev = sinPrev
            slots[o].peak = peak
        }
    }

    /// Per-satellite culling cones: a satellite can rise above the mask within the next refresh
    /// span only if its sub-point is within λ_max + (angular rate × span) + slack of the observer.
    func buildCullCones() {
        let span = refreshSpan.seconds
        let t0 = epochUTC
        var rates: [(rate: Double, apogeeKm: Double)] = []
        rates.reserveCapacity(uppers.satellites.count)
        for i in uppers.satelliteRange { rates.append(uppers.satellites.angularRateBound(i, at: t0)) }
        // Lowest possible observer radius (polar radius, lowest node) is the conservative case.
        let observerRadius = 6_356.752 + min(0, lowers.minAltitudeMeters) / 1000
        let lowerDrift = lowers.maxSpeedMps / 1000 * span / 6_356.752
        let slack = 0.5 * Double.pi / 180
        for c in classes.indices where classes[c].isSatellite {
            let el = max(0, asin(classes[c].sinMin) - slack)
            var cones = [Double](repeating: -1, count: classes[c].uppers.count)
            for i in classes[c].uppers {
                let (rate, apogee) = rates[i]
                guard apogee > 0 else { cones[i - classes[c].uppers.lowerBound] = 2; continue }
                let ratio = min(1, observerRadius * cos(el) / (apogee * 1.01))
                let lambda = acos(ratio) - el
                let half = lambda + rate * span + lowerDrift + slack
                cones[i - classes[c].uppers.lowerBound] = half >= .pi ? -2 : cos(half)
            }
            classes[c].cosCull = cones
        }
    }

    // MARK: Start

    func start(scheduler: Scheduler<SimEvent>) {
        uppers.fill(at: .zero, epoch: epochUTC, x: &cx, y: &cy, z: &cz)
        placeLowers(at: .zero, positions: &lowerPos, ups: &lowerUp)
        lowerPosNext = lowerPos
        lowerUpNext = lowerUp
        buildCullCones()
        refreshCandidates(initial: true)
        for o in slots.indices {
            let sinMin = classes[slots[o].linkClass].sinMin
            for (k, u) in slots[o].candidates.enumerated() where slots[o].sinPrev[k] >= sinMin {
                slots[o].open[u] = OpenAccess(start: .zero, startTruncated: true, peakSin: slots[o].sinPrev[k])
            }
        }
        for l in 0 ..< lowers.count where !slotsOfLower[l].isEmpty {
            if let best = bestServing(lower: l, at: .zero) {
                attach(l, to: best.serving, at: .zero, reason: .attach, previous: nil)
            } else {
                outageStart[l] = .zero
            }
        }
        scheduler.schedule(at: .zero, priority: 1, .epoch(0))
        scheduler.schedulePeriodic(every: recorder.linksInterval, startingAt: .zero, priority: 3, .sample)
        if recorder.trace != nil {
            scheduler.schedulePeriodic(every: recorder.traceInterval, startingAt: .zero, priority: 4, .traceSample)
        }
        if selection.reselectInterval > .zero {
            scheduler.schedulePeriodic(every: selection.reselectInterval, startingAt: selection.reselectInterval,
                                       priority: 2, .reselect)
        }
    }

    // MARK: Events

    func handle(_ event: SimEvent, in scheduler: Scheduler<SimEvent>) {
        switch event {
        case .epoch(let k): epoch(Int(k), scheduler: scheduler)
        case .access(let o, let u, let rising): access(slot: Int(o), upper: u, rising: rising, at: scheduler.now)
        case .sample: sample(at: scheduler.now)
        case .reselect: reselect(at: scheduler.now)
        case .traceSample: traceSample(at: scheduler.now)
        }
    }

    func epoch(_ k: Int, scheduler: Scheduler<SimEvent>) {
        let t = scheduler.now
        let tNext = min(t + step, duration)
        if k > 0 && k % refreshEvery == 0 { refreshCandidates(initial: false) }
        uppers.fill(at: tNext, epoch: epochUTC, x: &nx, y: &ny, z: &nz)
        placeLowers(at: tNext, positions: &lowerPosNext, ups: &lowerUpNext)
        for o in slots.indices {
            let l = slots[o].lower
            let sinMin = classes[slots[o].linkClass].sinMin
            let p = lowerPosNext[l], up = lowerUpNext[l]
            let n = slots[o].candidates.count
            for j in 0 ..< n {
                let u = Int(slots[o].candidates[j])
                let s = Sky.sinElevation(lower: p, up: up, upper: SIMD3(nx[u], ny[u], nz[u]))
                let before = slots[o].sinPrev[j]
                let was = before >= sinMin, will = s >= sinMin
                if was != will {
                    let tc = crossingTime(slot: o, upper: u, from: t, to: tNext)
                    scheduler.schedule(at: tc, priority: will ? -1 : 0, .access(slot: Int32(o), upper: Int32(u), rising: will))
                    if will { slots[o].peak[j] = s }
                } else if will, s > slots[o].peak[j] {
                    slots[o].peak[j] = s
                }
                slots[o].sinPrev[j] = s
            }
        }
        swap(&cx, &nx); swap(&cy, &ny); swap(&cz, &nz)
        swap(&lowerPos, &lowerPosNext); swap(&lowerUp, &lowerUpNext)
        epochs += 1
        if tNext < duration { scheduler.schedule(at: tNext, priority: 1, .epoch(Int32(k + 1))) }
        if let control {
            if control.shouldStop {
                stoppedEarly = true
                scheduler.stop()
            }
            if let cb = control.onProgress {
                cb(RunProgress(simulated: tNext, duration: duration, events: scheduler.statistics.eventsExecuted,
                               wallSeconds: Clock.seconds() - wallStart))
            }
        }
    }

    func access(slot o: Int, upper u: Int32, rising: Bool, at t: SimTime) {
        let l = slots[o].lower
        if rising {
            guard slots[o].open[u] == nil else { return }
            slots[o].open[u] = OpenAccess(start: t, startTruncated: false, peakSin: classes[slots[o].linkClass].sinMin)
            if serving[l] == nil, let best = bestServing(lower: l, at: t) {
                attach(l, to: best.serving, at: t, reason: .attach, previous: nil)
            }
        } else {
            guard let open = slots[o].open.removeValue(forKey: u) else { return }
            recordAccess(slot: o, upper: u, open: open, end: t, endTruncated: false)
            if serving[l] == Serving(slot: o, upper: Int(u)) {
                serving[l] = nil
                if let best = bestServing(lower: l, at: t) {
                    attach(l, to: best.serving, at: t, reason: .handover, previous: Serving(slot: o, upper: Int(u)))
                } else {
                    outageStart[l] = t
                    recorder.handover(at: t, epoch: epochUTC, node: lowers.names[l], from: uppers.names[Int(u)], to: nil,
                                      linkType: classes[slots[o].linkClass].spec.type.rawValue, reason: .outage)
                }
            }
        }
    }

    func recordAccess(slot o: Int, upper u: Int32, open: OpenAccess, end: SimTime, endTruncated: Bool) {
        var peak = open.peakSin
        if let j = slots[o].candidates.firstIndex(of: u) { peak = max(peak, slots[o].peak[j]) }
        let elevation = asin(max(-1, min(1, peak))) * 180 / .pi
        recorder.access(node: lowers.names[slots[o].lower], peer: uppers.names[Int(u)],
                        linkType: classes[slots[o].linkClass].spec.type.rawValue,
                        start: open.start, end: end, maxElevationDeg: elevation, epoch: epochUTC,
                        startTruncated: open.startTruncated, endTruncated: endTruncated)
    }

    func attach(_ l: Int, to s: Serving, at t: SimTime, reason: HandoverReason, previous: Serving?) {
        serving[l] = s
        if let since = outageStart[l] {
            outageTotal[l] += t - since
            outageStart[l] = nil
        }
        if reason != .attach { handovers[l] += 1 }
        recorder.handover(at: t, epoch: epochUTC, node: lowers.names[l], from: previous.map { uppers.names[$0.upper] },
                          to: uppers.names[s.upper], linkType: classes[slots[s.slot].linkClass].spec.type.rawValue,
                          reason: reason)
    }

    // MARK: Selection

    /// The policy's metric of a serving candidate at `t` (larger is better), in the policy's unit:
    /// degrees, dB, or seconds of remaining visibility.
    func metric(_ s: Serving, at t: SimTime) -> Double {
        switch selection.policy {
        case .highestElevation:
            let l = slots[s.slot].lower
            let lower = lowers.place(l, at: t)
            let up = upperPosition(s.upper, at: t, gmst: gmst(t))
            return asin(max(-1, min(1, Sky.sinElevation(lower: lower.position, up: lower.up, upper: up)))) * 180 / .pi
        case .strongestSNR:
            return evaluate(slot: s.slot, upper: s.upper, at: t).budget.snrDb
        case .longestVisibility:
            return (predictedEnd(slot: s.slot, upper: Int32(s.upper), from: t) - t).seconds
        }
    }

    /// Hysteresis in the policy's unit: dB, degrees (1 dB ≙ 1°) or seconds (1 dB ≙ 10 s).
    var hysteresis: Double {
        switch selection.policy {
        case .highestElevation, .strongestSNR: selection.hysteresisDb
        case .longestVisibility: selection.hysteresisDb * 10
        }
    }

    /// The best node in access for lower node `l` at `t`; ties go to the earlier link type, then the lower index.
    func bestServing(lower l: Int, at t: SimTime) -> (serving: Serving, metric: Double)? {
        var best: (serving: Serving, metric: Double)?
        for o in slotsOfLower[l] {
            for u in slots[o].open.keys.sorted() {
                let s = Serving(slot: o, upper: Int(u))
                let m = metric(s, at: t)
                if let b = best, m <= b.metric { continue }
                best = (s, m)
            }
        }
        return best
    }

    /// When the access of a pair ends, searching forward from `t` (cached per access).
    func predictedEnd(slot o: Int, upper u: Int32, from t: SimTime) -> SimTime {
        if let cached = slots[o].open[u]?.predictedEnd { return cached }
        let coarse = Int(u) < uppers.satellites.count ? max(step, .seconds(10)) : step
        var a = t
        var end = duration
        while a < duration {
            let b = min(a + coarse, duration)
            if crossingFunction(slot: o, upper: Int(u), at: b) < 0 {
                end = crossingTime(slot: o, upper: Int(u), from: a, to: b)
                break
            }
            a = b
        }
        slots[o].open[u]?.predictedEnd = end
        return end
    }

    func reselect(at t: SimTime) {
        for l in 0 ..< lowers.count {
            guard let current = serving[l], let best = bestServing(lower: l, at: t), best.serving != current else { continue }
            if best.metric > metric(current, at: t) + hysteresis {
                attach(l, to: best.serving, at: t, reason: .reselect, previous: current)
            }
        }
    }

    // MARK: Link evaluation

    func evaluate(slot o: Int, upper u: Int, at t: SimTime) -> LinkEvaluation {
        let l = slots[o].lower
        let cls = classes[slots[o].linkClass]
        let g = lowers.motion[l].geodetic(at: t)
        let lowerPosition = g.ecefKm
        let upperPosition = upperPosition(u, at: t, gmst: u < uppers.satellites.count ? gmst(t) : 0)
        let id = needsLinkIDs ? linkID(lower: l, upper: u) : ""
        let e = radio.evaluate(linkClass: cls, lowerGeodetic: g, lowerECEFKm: lowerPosition, lowerRadio: lowers.radios[l],
                               upperECEFKm: upperPosition, upperKind: uppers.kinds[u], upperRadio: uppers.radios[u],
                               link: id, at: t)
        if recorder.trace != nil { recordTrace(slot: o, upper: u, id: id, evaluation: e, at: t) }
        return e
    }

    /// `<lower>:<upper>`, built once per pair.
    func linkID(lower l: Int, upper u: Int) -> String {
        let key = l * uppers.count + u
        if let id = linkIDs[key] { return id }
        let id = RadioModel.linkID(lower: lowers.names[l], upper: uppers.names[u])
        linkIDs[key] = id
        return id
    }

    /// Writes a link evaluation to the trace, once per (link, instant): a replay then finds every
    /// state the run used at the instant it used it.
    func recordTrace(slot o: Int, upper u: Int, id: String, evaluation e: LinkEvaluation, at t: SimTime) {
        let l = slots[o].lower
        let key = l * uppers.count + u
        guard traceRecordedAt[key] != t.nanoseconds else { return }
        traceRecordedAt[key] = t.nanoseconds
        let cls = classes[slots[o].linkClass]
        let downlink = cls.spec.direction == .downlink
        recorder.traceRow(at: t, id: id, linkType: cls.spec.type.rawValue,
                          tx: downlink ? uppers.names[u] : lowers.names[l], rx: downlink ? lowers.names[l] : uppers.names[u],
                          evaluation: e)
    }

    /// A trace sample: each node's serving link, or every link in access. Not counted in
    /// summary.json's events, so that recording a trace changes nothing else a run writes.
    func traceSample(at t: SimTime) {
        traceSamples += 1
        switch recorder.traceScope {
        case .serving:
            for l in 0 ..< lowers.count { if let s = serving[l] { _ = evaluate(slot: s.slot, upper: s.upper, at: t) } }
        case .access:
            for o in slots.indices {
                for u in slots[o].open.keys.sorted() { _ = evaluate(slot: o, upper: Int(u), at: t) }
            }
        }
    }

    func sample(at t: SimTime) {
        for l in 0 ..< lowers.count {
            guard let s = serving[l] else { continue }
            let e = evaluate(slot: s.slot, upper: s.upper, at: t)
            recorder.link(at: t, node: lowers.names[l], peer: uppers.names[s.upper], linkClass: slots[s.slot].linkClass,
                          linkType: classes[slots[s.slot].linkClass].spec.type.rawValue, evaluation: e)
        }
    }

    // MARK: End

    /// Closes open accesses and outages at `t` (the horizon, or where the run was stopped).
    func finish(at t: SimTime) {
        for o in slots.indices {
            for u in slots[o].open.keys.sorted() {
                if let open = slots[o].open[u] { recordAccess(slot: o, upper: u, open: open, end: t, endTruncated: true) }
            }
            slots[o].open.removeAll()
        }
        for l in 0 ..< lowers.count {
            if let since = outageStart[l] {
                outageTotal[l] += t - since
                outageStart[l] = nil
            }
        }
    }
}

/// A handover record's reason.
enum HandoverReason: String {
    /// First serving node, or service back after an outage.
    case attach
    /// The serving node's access ended and another node took over at once.
    case handover
    /// A periodic re-evaluation found a better node.
    case reselect
    /// The serving node's access ended and no other node was in access.
    case outage
}

/// Lets the scheduler call into the engine without copying it.
struct EngineHandler: EventHandler {
    let engine: Engine
    mutating func handle(_ event: SimEvent, in scheduler: Scheduler<SimEvent>) {
        engine.handle(event, in: scheduler)
    }
}
