/// A simulation time or duration: a signed count of nanoseconds.
///
/// `SimTime` is the simulator's only clock type. As an instant it counts nanoseconds since the
/// scenario epoch (a ``UTCInstant``); as a duration it is the difference of two instants. Int64
/// nanoseconds cover ±292 years exactly, so long scenarios never accumulate floating-point drift.
///
/// ```swift
/// let step = try SimTime(parsing: "1500ms")   // 1.5 s
/// let horizon = SimTime.hours(6)
/// print(horizon + step)                        // "6h1.5s"
/// ```
public struct SimTime: Hashable, Comparable, Sendable {
    /// Nanoseconds.
    public var nanoseconds: Int64

    /// Creates a time from a nanosecond count.
    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = SimTime(nanoseconds: 0)
    /// The largest representable time, used as "never".
    public static let max = SimTime(nanoseconds: .max)

    public static let nanosecondsPerMicrosecond: Int64 = 1_000
    public static let nanosecondsPerMillisecond: Int64 = 1_000_000
    public static let nanosecondsPerSecond: Int64 = 1_000_000_000
    public static let nanosecondsPerMinute: Int64 = 60 * nanosecondsPerSecond
    public static let nanosecondsPerHour: Int64 = 3_600 * nanosecondsPerSecond
    public static let nanosecondsPerDay: Int64 = 86_400 * nanosecondsPerSecond

    @inlinable public static func nanoseconds(_ n: Int64) -> SimTime { SimTime(nanoseconds: n) }
    @inlinable public static func microseconds(_ n: Int64) -> SimTime { SimTime(nanoseconds: n * nanosecondsPerMicrosecond) }
    @inlinable public static func milliseconds(_ n: Int64) -> SimTime { SimTime(nanoseconds: n * nanosecondsPerMillisecond) }
    @inlinable public static func seconds(_ n: Int64) -> SimTime { SimTime(nanoseconds: n * nanosecondsPerSecond) }
    @inlinable public static func minutes(_ n: Int64) -> SimTime { SimTime(nanoseconds: n * nanosecondsPerMinute) }
    @inlinable public static func hours(_ n: Int64) -> SimTime { SimTime(nanoseconds: n * nanosecondsPerHour) }
    @inlinable public static func days(_ n: Int64) -> SimTime { SimTime(nanoseconds: n * nanosecondsPerDay) }

    /// A time from floating-point seconds, rounded to the nearest nanosecond.
    ///
    /// Traps if `seconds` is not finite or out of the ±292-year range.
    @inlinable public init(seconds: Double) {
        let ns = (seconds * 1e9).rounded()
        precondition(ns.isFinite && ns >= -9.2e18 && ns <= 9.2e18, "SimTime(seconds:) out of range: \(seconds)")
        self.nanoseconds = Int64(ns)
    }

    /// The time in seconds as a `Double` (exact to the nanosecond up to ~104 days).
    @inlinable public var seconds: Double { Double(nanoseconds) * 1e-9 }

    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.nanoseconds < b.nanoseconds }
    @inlinable public static func + (a: SimTime, b: SimTime) -> SimTime { SimTime(nanoseconds: a.nanoseconds + b.nanoseconds) }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimTime { SimTime(nanoseconds: a.nanoseconds - b.nanoseconds) }
    @inlinable public static func += (a: inout SimTime, b: SimTime) { a.nanoseconds += b.nanoseconds }
    @inlinable public static func -= (a: inout SimTime, b: SimTime) { a.nanoseconds -= b.nanoseconds }
    @inlinable public static func * (a: SimTime, k: Int64) -> SimTime { SimTime(nanoseconds: a.nanoseconds * k) }
    @inlinable public static func * (k: Int64, a: SimTime) -> SimTime { SimTime(nanoseconds: a.nanoseconds * k) }
    @inlinable public static prefix func - (a: SimTime) -> SimTime { SimTime(nanoseconds: -a.nanoseconds) }
}
