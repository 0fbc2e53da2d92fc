import Foundation
import Channels
import Links
import Mobility
import Orbits
import SimCore

/// The events of a scenario run. Value types: nothing is allocated per event.
enum SimEvent {
    /// Mobility and visibility epoch `k`: positions at the next step, crossings root-found in between.
    case epoch(Int32)
    /// An access between observer slot `slot` and upper node `upper` starts (rising) or ends.
    case access(slot: Int32, upper: Int32, rising: Bool)
    /// Sample every serving link into links.csv.
    case sample
    /// Re-evaluate serving nodes (selection.reselect_interval).
    case reselect
    /// Record the trace's links (outputs.trace_interval).
    case traceSample
}

/// One (link type, lower node) pair: the satellites or aerial nodes it may see.
struct ObserverSlot {
    let linkClass: Int
    let lower: Int
    /// Upper-node indices worth checking until the next refresh.
    var candidates: [Int32] = []
    /// sin(elevation) of each candidate at the last computed epoch.
    var sinPrev: [Double] = []
    /// Highest sin(elevation) seen during the current (predicted) access of each candidate.
    var peak: [Double] = []
    /// Accesses open now, by upper node.
    var open: [Int32: OpenAccess] = [:]
}

struct OpenAccess {
    var start: SimTime
    var startTruncated: Bool
    var peakSin: Double
    /// Cached predicted end (longest-visibility policy).
    var predictedEnd: SimTime?
}

/// A link type as the engine uses it.
struct LinkClass {
    let spec: LinkSpec
    var provider: any ChannelProvider
    let sinMin: Double
    let lowers: [Int]
    let uppers: Range<Int>
    let isSatellite: Bool
    /// Measured capacity and delay traces, when the link type has them.
    var measured: MeasuredLink?
    /// cos of the culling cone half-angle per upper node (satellite classes only).
    var cosCull: [Double] = []
}

/// The serving link of a lower node.
struct Serving: Equatable {
    var slot: Int
    var upper: Int
}

/// What a progress callback sees.
public struct RunProgress: Sendable {
    public var simulated: SimTime
    public var duration: SimTime
    public var events: UInt64
    public var wallSeconds: Double
}

/// Lets a caller stop a run early (Ctrl-C, a test) and watch its progress.
///
/// ```swift
/// let control = RunControl()
/// control.onProgress = { p in if p.simulated >= .minutes(10) { control.requestStop() } }
/// let result = try ScenarioRunner.run(topology, control: control)   // result.partial == true
/// ```
public final class RunControl: @unchecked Sendable {
    private var stopFlag = false
    /// Called after every epoch with the simulated time reached.
    public var onProgress: ((RunProgress) -> Void)?

    public init() {}

    /// Asks the run to stop after the event being handled; the output is written and marked partial.
    public func requestStop() { stopFlag = true }

    var shouldStop: Bool { stopFlag || SignalFlag.interrupted }
}

/// Set from a SIGINT handler (``ScenarioRunner/installInterruptHandler()``).
enum SignalFlag {
    nonisolated(unsafe) static var raw: Int32 = 0
    static var interrupted: Bool { raw != 0 }
}
