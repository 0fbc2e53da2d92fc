import Foundation
import SimCore

/// A trace file could not be read; names the file, the line (1-based, 0 for the whole file) and what
/// was wrong.
public struct TraceError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Reads a text file of one non-negative integer per line (blank lines allowed only at the very
/// end), as mahimahi and LeoCC traces are written.
func readIntegerLines(path: String) throws(TraceError) -> [Int] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TraceError(file: path, line: 0, message: "cannot be read (missing or not a file)")
    }
    return try parseIntegerLines(Array(data), path: path)
}

func parseIntegerLines(_ bytes: [UInt8], path: String) throws(TraceError) -> [Int] {
    var values: [Int] = []
    values.reserveCapacity(bytes.count / 6)
    var line = 1, current = 0, digits = 0, firstBlank = 0
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        i += 1
        if b >= 48 && b <= 57 {
            if firstBlank > 0 { throw TraceError(file: path, line: firstBlank, message: "empty line inside the trace") }
            guard digits < 18 else { throw TraceError(file: path, line: line, message: "number too large") }
            current = current * 10 + Int(b - 48)
            digits += 1
        } else if b == 10 {
            if digits > 0 { values.append(current) } else if firstBlank == 0 { firstBlank = line }
            current = 0; digits = 0; line += 1
        } else if b == 13 && i < bytes.count && bytes[i] == 10 {
            continue
        } else {
            var start = i - 1
            while start > 0 && bytes[start - 1] != 10 { start -= 1 }
            var stop = i
            while stop < bytes.count && bytes[stop] != 10 && stop - start < 40 { stop += 1 }
            let text = String(decoding: bytes[start ..< stop], as: UTF8.self)
            throw TraceError(file: path, line: line, message: "expected a non-negative whole number of milliseconds, found '\(text)'")
        }
    }
    if digits > 0 { values.append(current) }   // a last line without a newline
    guard !values.isEmpty else { throw TraceError(file: path, line: 0, message: "the trace is empty") }
    return values
}

/// A mahimahi packet-delivery trace: each line is the millisecond (since the start) at which one
/// packet of up to 1500 bytes may be delivered; k equal lines are k packets in that millisecond; the
/// times never decrease and the trace repeats with a period equal to the last time.
///
/// ```swift
/// let trace = try MahimahiTrace(path: "bw_example.txt")
/// trace.meanCapacityBitsPerSecond          // 48.7e6 for the LeoCC Starlink trace
/// ```
public struct MahimahiTrace: Sendable, Equatable {
    /// Bytes per delivery opportunity (mahimahi's MTU).
    public static let packetBytes = 1500
    /// Delivery times, milliseconds, non-decreasing.
    public let deliveryMs: [Int]

    public init(deliveryMs: [Int], path: String = "<memory>") throws(TraceError) {
        guard let last = deliveryMs.last else { throw TraceError(file: path, line: 0, message: "the trace is empty") }
        for k in 1 ..< deliveryMs.count where deliveryMs[k] < deliveryMs[k - 1] {
            throw TraceError(file: path, line: k + 1, message: "time \(deliveryMs[k]) ms goes back from \(deliveryMs[k - 1]) ms on the line before")
        }
        guard last > 0 else { throw TraceError(file: path, line: deliveryMs.count, message: "the period (the last time) must be positive") }
        self.deliveryMs = deliveryMs
    }

    public init(path: String) throws(TraceError) {
        try self.init(deliveryMs: try readIntegerLines(path: path), path: path)
    }

    /// The repeat period, milliseconds (the last delivery time).
    public var periodMs: Int { deliveryMs.last! }

    /// Deliveries × 1500 B × 8 over the period.
    public var meanCapacityBitsPerSecond: Double {
        Double(deliveryMs.count * Self.packetBytes * 8) / (Double(periodMs) / 1000)
    }

    /// Capacity per bin of `binMs`: ⌈period / bin⌉ bins (the last may be partial; deliveries at the
    /// period itself fall in it), each bin's deliveries × 12,000 bit divided by the full bin width.
    public func binnedCapacityBitsPerSecond(binMs: Int) -> [Double] {
        precondition(binMs > 0, "binMs must be positive")
        let bins = (periodMs + binMs - 1) / binMs
        var counts = [Int](repeating: 0, count: bins)
        for t in deliveryMs { counts[min(t / binMs, bins - 1)] += 1 }
        let scale = Double(Self.packetBytes * 8) / (Double(binMs) / 1000)
        return counts.map { Double($0) * scale }
    }

    /// Deliveries in [from, to) of the trace repeated forever from time 0 (mahimahi's replay: delivery
    /// d happens at d + k·period for k = 0, 1, …; one at the period itself therefore falls on the
    /// next cycle's start, never at time 0).
    public func deliveries(from: SimTime, to: SimTime) -> Int {
        to > from ? deliveriesBefore(to) - deliveriesBefore(from) : 0
    }

    /// Capacity over [time, time + window): deliveries × 1500 B × 8 / window.
    public func capacityBitsPerSecond(at time: SimTime, window: SimTime) -> Double {
        Double(deliveries(from: time, to: time + window) * Self.packetBytes * 8) / window.seconds
    }

    /// Deliveries strictly before `x`.
    private func deliveriesBefore(_ x: SimTime) -> Int {
        guard x.nanoseconds > 0 else { return 0 }
        let periodNs = Int64(periodMs) * 1_000_000
        let cycles = x.nanoseconds / periodNs, rest = x.nanoseconds % periodNs
        // Deliveries at the period are the next cycle's deliveries at 0, missing from cycle 0.
        let atPeriod = deliveryMs.count - firstIndex(notBelow: periodMs)
        let withinCycle = rest == 0 ? 0 : atPeriod + firstIndex(notBelow: rest, nanoseconds: true)
        return Int(cycles) * deliveryMs.count + withinCycle - atPeriod
    }

    /// The first index whose delivery time is ≥ `value` (ms, or ns when `nanoseconds`).
    private func firstIndex(notBelow value: Int64, nanoseconds: Bool) -> Int {
        var lo = 0, hi = deliveryMs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let t = nanoseconds ? Int64(deliveryMs[mid]) * 1_000_000 : Int64(deliveryMs[mid])
            if t < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func firstIndex(notBelow ms: Int) -> Int { firstIndex(notBelow: Int64(ms), nanoseconds: false) }

    /// The trace's text: one delivery time per line.
    public var text: String { deliveryMs.map(String.init).joined(separator: "\n") + "\n" }

    /// A trace delivering `capacity(t)` bit/s, one value per `intervalMs` from time 0 (e.g. a simulated
    /// link's capacity), for mahimahi's `mm-link`: each millisecond gets its share of packets,
    /// fractional packets carried over, so every interval holds its capacity to within one packet. The
    /// last line must be the period, so when no packet falls on it one delivery is added there.
    public static func fromCapacity(_ capacityBitsPerSecond: [Double], intervalMs: Int) -> MahimahiTrace? {
        guard intervalMs > 0, !capacityBitsPerSecond.isEmpty else { return nil }
        var times: [Int] = []
        var carry = 0.0
        let bitsPerPacket = Double(packetBytes * 8)
        for (k, c) in capacityBitsPerSecond.enumerated() {
            let perMs = max(0, c.isFinite ? c : 0) / 1000 / bitsPerPacket
            for ms in 0 ..< intervalMs {
                carry += perMs
                let n = Int(carry.rounded(.down))
                carry -= Double(n)
                let t = k * intervalMs + ms
                for _ in 0 ..< n { times.append(t) }
            }
        }
        let end = capacityBitsPerSecond.count * intervalMs
        if times.last != end { times.append(end) }   // the period: the last line is the trace's length
        return try? MahimahiTrace(deliveryMs: times)
    }
}

/// A per-interval one-way delay trace (LeoCC's format): line i is the delay, whole milliseconds, over
/// [i·interval, (i + 1)·interval) ms; 10 ms intervals by default.
public struct DelayTrace: Sendable, Equatable {
    public let delaysMs: [Int]
    public let intervalMs: Int

    public init(path: String, intervalMs: Int = 10) throws(TraceError) {
        delaysMs = try readIntegerLines(path: path)
        self.intervalMs = intervalMs
    }

    public init(delaysMs: [Int], intervalMs: Int = 10) {
        self.delaysMs = delaysMs
        self.intervalMs = intervalMs
    }

    public var durationMs: Int { delaysMs.count * intervalMs }

    /// The delay at `time` of the trace repeated forever from time 0, seconds.
    public func delaySeconds(at time: SimTime) -> Double {
        let intervalNs = Int64(intervalMs) * 1_000_000
        let k = Int((time.nanoseconds / intervalNs) % Int64(delaysMs.count))
        return Double(delaysMs[k]) / 1000
    }
}

/// Percentile by linear interpolation between order statistics (NumPy's default, "type 7").
public func percentile(_ values: [Double], _ p: Double) -> Double {
    precondition(!values.isEmpty && (0 ... 100).contains(p), "percentile of an empty array or p outside 0…100")
    let sorted = values.sorted()
    let h = Double(sorted.count - 1) * p / 100
    let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
    return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
}
