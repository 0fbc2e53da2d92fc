import Foundation
import Orbits

extension SatelliteSource: Codable {
    enum CodingKeys: String, CodingKey { case walker, tle }
    enum WalkerKeys: String, CodingKey { case parameters, propagator }
    enum TLEKeys: String, CodingKey { case path, count, catalogNumbers, fingerprint }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .walker(parameters, propagator):
            var w = c.nestedContainer(keyedBy: WalkerKeys.self, forKey: .walker)
            try w.encode(parameters, forKey: .parameters)
            try w.encode(propagator, forKey: .propagator)
        case let .tle(path, tles):
            var t = c.nestedContainer(keyedBy: TLEKeys.self, forKey: .tle)
            try t.encode(path, forKey: .path)
            try t.encode(tles.count, forKey: .count)
            try t.encode(tles.map(\.catalogNumber), forKey: .catalogNumbers)
            try t.encode(Self.fingerprint(tles), forKey: .fingerprint)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if c.contains(.walker) {
            let w = try c.nestedContainer(keyedBy: WalkerKeys.self, forKey: .walker)
            self = .walker(try w.decode(WalkerParameters.self, forKey: .parameters),
                           propagator: try w.decode(PropagatorChoice.self, forKey: .propagator))
            return
        }
        let t = try c.nestedContainer(keyedBy: TLEKeys.self, forKey: .tle)
        let path = try t.decode(String.self, forKey: .path)
        let numbers = try t.decode([Int].self, forKey: .catalogNumbers)
        let fingerprint = try t.decode(String.self, forKey: .fingerprint)
        func corrupted(_ why: String) -> DecodingError {
            .dataCorruptedError(forKey: .path, in: t, debugDescription: "TLE source \(path): \(why)")
        }
        let all: [TLE]
        do { all = try TLEParser.load(path: path).tles } catch { throw corrupted("\(error)") }
        // The same catalogue numbers in the recorded order; a repeated number takes the next entry.
        var byNumber: [Int: [TLE]] = [:]
        for tle in all { byNumber[tle.catalogNumber, default: []].append(tle) }
        var used: [Int: Int] = [:]
        var tles: [TLE] = []
        tles.reserveCapacity(numbers.count)
        for n in numbers {
            let k = used[n, default: 0]
            guard let entries = byNumber[n], k < entries.count else { throw corrupted("catalogue number \(n) is no longer in the file") }
            tles.append(entries[k])
            used[n] = k + 1
        }
        guard Self.fingerprint(tles) == fingerprint else { throw corrupted("the element sets changed since the run (fingerprint)") }
        self = .tle(path: path, tles: tles)
    }

    /// FNV-1a 64 of the entries as TLEWriter writes them (name line, line 1, line 2, each ended
    /// by a newline), as "fnv1a64:<16 hex digits>".
    static func fingerprint(_ tles: [TLE]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ s: String) {
            for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0x0a) &* 0x0000_0100_0000_01b3
        }
        for tle in tles {
            let (l1, l2) = TLEWriter.lines(tle)
            add(tle.name ?? "")
            add(l1)
            add(l2)
        }
        let hex = String(h, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
