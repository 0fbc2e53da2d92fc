import Channels
import Links
import SimCore

/// The `trace` channel provider: each link's channel state replayed from a recorded link-state trace
/// (``LinkStateTraceReplay``), looked up by the link's name (`<lower>:<upper>`).
///
/// Where the trace does not cover a link at an instant (the link was never recorded, or its nearest
/// earlier row is more than one sampling interval old), the state comes from `fallback` and is
/// counted in ``fallbackEvaluations``. Query times must not decrease, which the scenario engine
/// guarantees: it evaluates links only at the current event's time.
///
/// ```swift
/// let replay = try LinkStateTraceReplay(path: "Traces/default-trace.csv", links: ids, knownLinks: nil,
///                                       interpolation: .hold, lenient: false)
/// let provider = TraceChannelProvider(replay: replay, file: "Traces/default-trace.csv", interpolation: .hold,
///                                     links: ids, fallback: EmpiricalChannelProvider())
/// let state = provider.estimate(geometry, at: .seconds(10), link: "user-001:leo-03-07")
/// ```
public final class TraceChannelProvider: ChannelProvider, @unchecked Sendable {
    public static let providerName = "trace"
    public var name: String { Self.providerName }
    public let replay: LinkStateTraceReplay
    /// The trace file and how it is read between samples (for reports).
    public let file: String
    public let interpolation: LinkStateTraceInterpolation
    public let fallback: any ChannelProvider
    private let index: [String: Int]
    /// Evaluations the trace did not cover, answered by `fallback`.
    public private(set) var fallbackEvaluations = 0

    /// `links`: the link names the replay was opened with, in its index order.
    public init(replay: LinkStateTraceReplay, file: String, interpolation: LinkStateTraceInterpolation, links: [String],
                fallback: any ChannelProvider) {
        self.replay = replay
        self.file = file
        self.interpolation = interpolation
        self.fallback = fallback
        var index: [String: Int] = [:]
        for (i, id) in links.enumerated() { index[id] = i }
        self.index = index
    }

    /// Without a link name nothing can be looked up: the fallback's state.
    public func estimate(_ geometry: LinkGeometry, at time: SimTime) -> ChannelState {
        fallbackEvaluations += 1
        return fallback.estimate(geometry, at: time)
    }

    public func estimate(_ geometry: LinkGeometry, at time: SimTime, link: String) -> ChannelState {
        if let i = index[link], let state = replay.state(link: i, at: time) { return state }
        fallbackEvaluations += 1
        return fallback.estimate(geometry, at: time, link: link)
    }
}
