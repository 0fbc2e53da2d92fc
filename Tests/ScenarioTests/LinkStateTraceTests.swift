import Channels
import Foundation
import SimCore
import Testing
@testable import Scenario
#if canImport(Glibc)
import Glibc
#endif

@Suite("Link-state traces: writer, validating reader, streaming replay")
struct LinkStateTraceTests {
    // MARK: Fixtures

    static let header = LinkStateTraceHeader(
        scenario: "test", seed: 18_446_744_073_709_551_557, epoch: "2024-05-12T00:00:00Z", intervalSeconds: 10,
        links: "serving", topology: "../Topologies/default.yaml",
        channels: ["user-satellite": "empirical-sampled", "user-hap": "a2g"], saginVersion: "0.9.0")

    /// A fresh folder for one test's files.
    static func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sagin-link-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// The first two lines of a trace as the writer makes them.
    static func preambleText() throws -> String {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let w = try LinkStateTraceWriter(path: dir + "/empty.csv", header: header)
        try w.commit()
        return try String(contentsOfFile: dir + "/empty.csv", encoding: .utf8)
    }

    /// A valid data row's fields; tests change one to make it bad.
    static func fields(time: String = "10", link: String = "u0:s1", type: String = "user-satellite",
                       fsl: String = "150.5") -> [String] {
        let lower = link.split(separator: ":").first.map(String.init) ?? "u0"
        let upper = link.split(separator: ":").last.map(String.init) ?? "s1"
        return [time, link, type, upper, lower, "45.0000", "180.0000", "800000.0", fsl, "0.1", "0.2", "0.0", "-1.5",
                "0.3", "149.600", "0.9", "1", "10.5", "1e-07", "12.000", "1000000", "900000", "0.002668000"]
    }

    static func write(_ text: String, name: String = "t.csv", in dir: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func state(_ fsl: Double, k: Double? = nil, los: Bool? = true) -> ChannelState {
        ChannelState(freeSpaceLossDb: fsl, atmosphericLossDb: fsl / 100, scintillationLossDb: 0.5, clutterLossDb: fsl / 10,
                     shadowingDb: -fsl / 50, losProbability: fsl / 1000, isLOS: los, fadingDb: 1, kFactorDb: k,
                     delaySpreadSeconds: k.map { $0 * 1e-9 })
    }

    static func row(_ seconds: Double, _ link: String, _ state: ChannelState) -> LinkStateTraceRow {
        let parts = link.split(separator: ":").map(String.init)
        return LinkStateTraceRow(time: SimTime(seconds: seconds), linkID: link, linkType: "user-satellite", tx: parts[1], rx: parts[0],
                                 elevationDeg: 30, azimuthDeg: 90, rangeMeters: 1e6, channel: state, snrDb: 10, shannonBps: 1e6,
                                 capacityBps: 9e5, delaySeconds: 0.003)
    }

    static func writeTrace(_ rows: [LinkStateTraceRow], in dir: String, name: String = "t.csv", intervalSeconds: Double = 10) throws -> String {
        var h = header
        h.intervalSeconds = intervalSeconds
        let path = dir + "/" + name
        let w = try LinkStateTraceWriter(path: path, header: h)
        for r in rows { w.write(r) }
        #expect(w.rows == rows.count)
        try w.commit()
        return path
    }

    /// A deterministic draw of finite doubles: (almost) every exponent, both signs, plus awkward values.
    static func randomDouble(_ rng: RNGStream) -> Double {
        switch rng.integer(below: 10) {
        case 0: return [0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 2.2250738585072014e-308, 1e300, 1e-05, 1e22, 1e23,
                        9007199254740994, 0.1, -3.25, 163.84712345678912][rng.integer(below: 13)]
        case 1, 2, 3: return rng.uniform(-300, 300)
        case 4: return rng.uniform(0, 1) * pow(10, Double(rng.integer(below: 60) - 30))
        default:
            while true {
                let d = Double(bitPattern: rng.next())
                if d.isFinite && abs(d) <= 1e300 { return d }   // sums (path_loss_db) stay finite
            }
        }
    }

    static func sameBits(_ a: Double?, _ b: Double?) -> Bool { a?.bitPattern == b?.bitPattern }

    static func sameBits(_ a: ChannelState, _ b: ChannelState) -> Bool {
        sameBits(a.freeSpaceLossDb, b.freeSpaceLossDb) && sameBits(a.atmosphericLossDb, b.atmosphericLossDb)
            && sameBits(a.scintillationLossDb, b.scintillationLossDb) && sameBits(a.clutterLossDb, b.clutterLossDb)
            && sameBits(a.shadowingDb, b.shadowingDb) && sameBits(a.fadingDb, b.fadingDb)
            && sameBits(a.losProbability, b.losProbability) && a.isLOS == b.isLOS
            && sameBits(a.kFactorDb, b.kFactorDb) && sameBits(a.delaySpreadSeconds, b.delaySpreadSeconds)
    }

    /// |a − b| within half a unit of the `decimals`-th decimal (fixed-decimal columns).
    static func withinRounding(_ a: Double, _ b: Double, _ decimals: Int) -> Bool {
        abs(a - b) <= 0.5 * pow(10, -Double(decimals)) * (1 + 1e-9) + abs(b).ulp * 4
    }

    // MARK: Round trip

    @Test("writer → readAll: header equal; channel columns bit-identical; fixed columns within rounding")
    func roundTrip() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rng = RandomStreams(seed: 11).stream("trace/round-trip")
        var rows: [LinkStateTraceRow] = []
        var ns: Int64 = 0
        for i in 0 ..< 3000 {
            if i % 3 == 0 { ns += Int64(rng.integer(below: 3)) * 1_000_000_000 + (rng.integer(below: 2) == 0 ? 0 : Int64(rng.integer(below: 1_000_000_000))) }
            let state = ChannelState(
                freeSpaceLossDb: Self.randomDouble(rng), atmosphericLossDb: Self.randomDouble(rng),
                scintillationLossDb: Self.randomDouble(rng), clutterLossDb: Self.randomDouble(rng),
                shadowingDb: Self.randomDouble(rng),
                losProbability: [0, 1, .leastNonzeroMagnitude, rng.uniform(), Double(bitPattern: rng.next() % 0x3FF0_0000_0000_0000)][rng.integer(below: 5)],
                isLOS: [nil, true, false][rng.integer(below: 3)], fadingDb: Self.randomDouble(rng),
                kFactorDb: rng.integer(below: 3) == 0 ? nil : Self.randomDouble(rng),
                delaySpreadSeconds: rng.integer(below: 3) == 0 ? nil : Self.randomDouble(rng))
            // Three links per instant at most, so (link, time) stays unique.
            let link = "user-\(i % 3):sat-\(i % 3 + 10)"
            rows.append(LinkStateTraceRow(
                time: SimTime(nanoseconds: ns), linkID: link, linkType: i % 2 == 0 ? "user-satellite" : "user-hap",
                tx: "sat-\(i % 3 + 10)", rx: "user-\(i % 3)", elevationDeg: rng.uniform(-90, 90), azimuthDeg: rng.uniform(0, 360),
                rangeMeters: rng.uniform(0, 4e7), channel: state, snrDb: rng.uniform(-30, 40), shannonBps: rng.uniform(0, 1e10),
                capacityBps: rng.uniform(0, 1e10), delaySeconds: rng.uniform(0, 0.3)))
            if i % 3 == 2 { ns += 1 }
        }
        let path = try Self.writeTrace(rows, in: dir)
        for options in [LinkStateTraceStream.Options.standard, .init(blockBytes: 1000, workers: 2)] {
            let (header, back) = try LinkStateTrace.readAll(path: path, options: options)
            #expect(header == Self.header)
            try #require(back.count == rows.count)
            var mismatches = 0
            for (a, b) in zip(rows, back) {
                let same = a.time == b.time && a.linkID == b.linkID && a.linkType == b.linkType && a.tx == b.tx && a.rx == b.rx
                    && Self.sameBits(a.channel, b.channel)
                    && Self.withinRounding(b.elevationDeg, a.elevationDeg, 4) && Self.withinRounding(b.azimuthDeg, a.azimuthDeg, 4)
                    && Self.withinRounding(b.rangeMeters, a.rangeMeters, 1) && Self.withinRounding(b.snrDb, a.snrDb, 3)
                    && Self.withinRounding(b.shannonBps, a.shannonBps, 0) && Self.withinRounding(b.capacityBps, a.capacityBps, 0)
                    && Self.withinRounding(b.delaySeconds, a.delaySeconds, 9)
                if !same { mismatches += 1 }
            }
            #expect(mismatches == 0)
        }
        #expect(try LinkStateTrace.readHeader(path: path) == Self.header)
        let summary = try LinkStateTrace.validate(path: path, knownLinks: nil, lenient: false)
        #expect(summary.rows == 3000 && summary.links == 3 && summary.skips == LinkStateTraceSkips())
        #expect(summary.firstTime == rows.first!.time && summary.lastTime == rows.last!.time)
        // No temporary file is left beside the trace.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["t.csv"])
    }

    @Test("header line and time column as documented")
    func textLayout() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let times: [Int64] = [0, 10_000_000_000, 10_500_000_000, 123_000_000_123]
        let rows = times.map { Self.row(Double($0) * 1e-9, "u0:s1", Self.state(160, k: 3)) }
        let path = try Self.writeTrace(rows, in: dir)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines[0] == #"#{"channels":{"user-hap":"a2g","user-satellite":"empirical-sampled"},"epoch":"2024-05-12T00:00:00Z","format":"sagin-link-trace","interval_s":10,"links":"serving","sagin_version":"0.9.0","scenario":"test","seed":18446744073709551557,"topology":"../Topologies/default.yaml","version":1}"#)
        #expect(lines[1] == LinkStateTrace.columns.joined(separator: ","))
        #expect(lines.dropFirst(2).map { String($0.prefix { $0 != "," }) } == ["0", "10", "10.5", "123.000000123"])
        #expect(lines[2] == "0,u0:s1,user-satellite,s1,u0,30.0000,90.0000,1000000.0,160.0,1.6,0.5,16.0,-3.2,1.0,175.900,0.16,1,3.0,3.0000000000000004e-09,10.000,1000000,900000,0.003000000")
        // Nanosecond times read back exactly.
        #expect(try LinkStateTrace.readAll(path: path).rows.map(\.time.nanoseconds) == times)
    }

    @Test("CRLF line ends and a missing final newline are accepted")
    func crlfAndNoFinalNewline() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = (0 ..< 50).map { Self.row(Double($0), "u0:s1", Self.state(150 + Double($0) / 7, k: $0 % 2 == 0 ? nil : 2.5)) }
        let path = try Self.writeTrace(rows, in: dir)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let variants = [
            text.replacingOccurrences(of: "\n", with: "\r\n"),
            String(text.dropLast()),
            String(text.replacingOccurrences(of: "\n", with: "\r\n").dropLast(2)),
            text + "\n\n",   // blank lines at the very end
        ]
        for (i, variant) in variants.enumerated() {
            let p = try Self.write(variant, name: "v\(i).csv", in: dir)
            let back = try LinkStateTrace.readAll(path: p)
            #expect(back.header == Self.header)
            #expect(back.rows.count == rows.count && zip(back.rows, rows).allSatisfy { Self.sameBits($0.channel, $1.channel) && $0.time == $1.time })
            let tiny = try LinkStateTrace.readAll(path: p, options: .init(blockBytes: 700, workers: 2))
            #expect(tiny.rows == back.rows)
        }
    }

    // MARK: The number parser

    @Test("the fast number parser gives strtod's bits on 50,000 shortest decimals and 20,000 long ones")
    func numberParserMatchesStrtod() throws {
        let rng = RandomStreams(seed: 5).stream("trace/numbers")
        var mismatches: [String] = []
        func check(_ text: String) {
            let ours = LinkStateTraceNumbers.parseDouble(text)
            let reference = strtod(text, nil)
            if ours?.bitPattern != reference.bitPattern { mismatches.append(text) }
        }
        for _ in 0 ..< 50_000 { check(Self.randomDouble(rng).description) }
        // Non-shortest decimals: up to 19 digits, exponents around the fast paths' limits.
        for _ in 0 ..< 20_000 {
            let digits = 1 + rng.integer(below: 19)
            var mantissa = String(1 + rng.integer(below: 9))
            for _ in 1 ..< digits { mantissa.append(String(rng.integer(below: 10))) }
            let point = rng.integer(below: digits + 1)
            let text = point == digits ? mantissa : String(mantissa.prefix(point).isEmpty ? "0" : mantissa.prefix(point)) + "." + mantissa.dropFirst(point)
            check((rng.integer(below: 2) == 0 ? "-" : "") + text + "e\(rng.integer(below: 70) - 35)")
        }
        // Hard cases: ties, 2^53 + 1, the limits of the fast paths, subnormals, overflow.
        for text in ["9007199254740993", "9007199254740992.5", "1e22", "1e23", "8.98846567431158e307", "2.2250738585072011e-308",
                     "4.9406564584124654e-324", "1.7976931348623157e308", "1e-400", "1e400", "0.000000000000000000000000000001", "123456789012345678901234",
                     "1.00000000000000011102230246251565404236316680908203125", "7.2057594037927933e16", "-0.0", "00012.500"] {
            check(text)
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
        // The literal power tables are exact: each entry is ten times the one before, exactly.
        var power = 1.0
        for (k, p) in LinkStateTraceNumbers.exactDoublePowers.enumerated() {
            #expect(p == power, "10^\(k)")
            power *= 10
        }
        #if arch(x86_64)
        var power80: Float80 = 1
        for (k, p) in LinkStateTraceNumbers.exactFloat80Powers.enumerated() {
            #expect(p == power80 && p.significandWidth <= 63, "10^\(k)")
            power80 *= 10
        }
        // The inverse powers are 1 / 10^k rounded once (an IEEE division of exact values).
        for (k, p) in LinkStateTraceNumbers.float80InversePowers.enumerated() {
            #expect(p == 1 / LinkStateTraceNumbers.exactFloat80Powers[k], "10^-\(k)")
        }
        #endif
        for bad in ["", "-", ".", "1.", "e5", "1e", "1e+", "--1", "nan", "inf", "0x10", " 1", "1,5"] {
            #expect(LinkStateTraceNumbers.parseDouble(bad) == nil, "'\(bad)' should not parse")
        }
    }

    // MARK: Bad files

    @Test("bad headers name line 1 or 2, and say what was expected and found")
    func badHeaders() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let preamble = try Self.preambleText()
        let lines = preamble.split(separator: "\n").map(String.init)
        let row = Self.fields().joined(separator: ",") + "\n"
        let columns = lines[1]
        let cases: [(String, Int, String)] = [
            ("", 1, "the trace is empty"),
            ("time_s,link_id\n", 1, "expected '#' followed by the JSON header"),
            ("# just a comment\n" + columns + "\n" + row, 1, "not a JSON object"),
            (#"#{"format":"other","version":1}"# + "\n" + columns + "\n" + row, 1, #"expected "format": "sagin-link-trace" in the header, found "other""#),
            (lines[0].replacingOccurrences(of: #""version":1"#, with: #""version":2"#) + "\n" + columns + "\n" + row, 1, "unsupported trace version 2"),
            (lines[0].replacingOccurrences(of: #""seed":18446744073709551557,"#, with: "") + "\n" + columns + "\n" + row, 1, #"the header has no "seed""#),
            (lines[0].replacingOccurrences(of: #""interval_s":10"#, with: #""interval_s":0"#) + "\n" + columns + "\n" + row, 1, "interval_s"),
            (lines[0] + "\n", 2, "expected the column header"),
            (lines[0] + "\n" + columns.replacingOccurrences(of: ",rx,", with: ",receiver,") + "\n" + row, 2, "column 5 expected 'rx', found 'receiver'"),
            (lines[0] + "\n" + String(columns.dropLast(",delay_s".count)) + "\n" + row, 2, "expected 23 columns, found 22 (column 23 'delay_s' is missing)"),
            (lines[0] + "\n" + columns + ",extra\n" + row, 2, "extra 'extra'"),
            (preamble, 3, "no data rows"),
            (preamble + "\n\n", 3, "no data rows"),
        ]
        for (i, (text, line, message)) in cases.enumerated() {
            let path = try Self.write(text, name: "h\(i).csv", in: dir)
            for lenient in [false, true] {
                do {
                    _ = try LinkStateTrace.validate(path: path, knownLinks: nil, lenient: lenient)
                    Issue.record("case \(i) was accepted")
                } catch let e as TraceError {
                    #expect(e.file == path && e.line == line && e.message.contains(message), "case \(i): \(e)")
                }
            }
        }
        do {
            _ = try LinkStateTrace.validate(path: dir + "/missing.csv", knownLinks: nil, lenient: false)
            Issue.record("a missing file was accepted")
        } catch let e as TraceError {
            #expect(e.line == 0 && e.message.contains("cannot be read"))
        }
    }

    @Test("bad data rows name their line, column, what was expected and what was found")
    func badRows() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let preamble = try Self.preambleText()
        func with(_ column: Int, _ value: String) -> String {
            var f = Self.fields(time: "20")
            f[column] = value
            return f.joined(separator: ",")
        }
        let good = Self.fields().joined(separator: ",")
        let cases: [(String, Int, String)] = [
            (Array(Self.fields(time: "20").dropLast()).joined(separator: ","), 4, "expected 23 fields, found 22"),
            (good.replacingOccurrences(of: "10,", with: "20,", options: .anchored) + ",x", 4, "expected 23 fields, found 24"),
            (with(12, "abc"), 4, "shadowing_db: expected a number, found 'abc'"),
            (with(12, "1.5x"), 4, "shadowing_db: expected a number, found '1.5x'"),
            (with(5, ""), 4, "elevation_deg: expected a number, found ''"),
            (with(13, "nan"), 4, "fading_db: expected a finite number, found 'nan'"),
            (with(8, "-inf"), 4, "free_space_loss_db: expected a finite number, found '-inf'"),
            (with(19, "1e999"), 4, "snr_db: expected a finite number, found '1e999'"),
            (with(0, "-5"), 4, "time_s: expected a time ≥ 0, found '-5'"),
            (with(0, "1e3"), 4, "time_s: expected seconds (digits with at most 9 decimals), found '1e3'"),
            (with(0, "20.0000000001"), 4, "found '20.0000000001'"),
            (with(0, "20."), 4, "time_s: expected seconds"),
            (with(16, "2"), 4, "los: expected 1, 0 or an empty field, found '2'"),
            (with(16, "true"), 4, "los: expected 1, 0 or an empty field, found 'true'"),
            (with(15, "1.5"), 4, "los_probability: expected a probability in [0, 1], found '1.5'"),
            (with(15, "-0.1"), 4, "los_probability: expected a probability in [0, 1], found '-0.1'"),
            (with(1, ""), 4, "link_id: expected a name, found an empty field"),
            (Self.fields(time: "5").joined(separator: ","), 4, "time goes back from 10 s (line 3) to 5 s"),
            (good, 4, "second row for link u0:s1 at time 10 s; first at line 3"),
            ("\n" + Self.fields(time: "20").joined(separator: ","), 4, "empty line inside the data"),
        ]
        for (i, (text, line, message)) in cases.enumerated() {
            let path = try Self.write(preamble + good + "\n" + text + "\n", name: "r\(i).csv", in: dir)
            do {
                _ = try LinkStateTrace.validate(path: path, knownLinks: nil, lenient: false)
                Issue.record("case \(i) was accepted")
            } catch let e as TraceError {
                #expect(e.file == path && e.line == line && e.message.contains(message), "case \(i): \(e)")
            }
            // Lenient: the row is skipped, the good one kept.
            let s = try LinkStateTrace.validate(path: path, knownLinks: nil, lenient: true)
            let kept = i == cases.count - 1 ? 2 : 1   // the blank line's case has a good row after it
            #expect(s.rows == kept && s.skips.total == 1 && s.skips.firstLines == [line], "case \(i): \(s.skips)")
        }
        // A truncated last row: the file ends mid-row, without a newline.
        let truncated = try Self.write(preamble + good + "\n" + Self.fields(time: "20").prefix(9).joined(separator: ","), name: "cut.csv", in: dir)
        #expect(throws: TraceError(file: truncated, line: 4, message: "truncated last row: the file ends without a newline after 9 of 23 fields")) {
            _ = try LinkStateTrace.validate(path: truncated, knownLinks: nil, lenient: false)
        }
        // The same row with its newline is just short.
        let short = try Self.write(preamble + good + "\n" + Self.fields(time: "20").prefix(9).joined(separator: ",") + "\n", name: "short.csv", in: dir)
        #expect(throws: TraceError(file: short, line: 4, message: "expected 23 fields, found 9")) {
            _ = try LinkStateTrace.validate(path: short, knownLinks: nil, lenient: false)
        }
    }

    @Test("links are checked against the topology: unknown ids and changed link types")
    func knownLinks() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let preamble = try Self.preambleText()
        let known = ["u0:s1": "user-satellite", "u1:h1": "user-hap"]
        let good = Self.fields().joined(separator: ",")
        let unknown = try Self.write(preamble + good + "\n" + Self.fields(time: "20", link: "u0:s2").joined(separator: ",") + "\n", name: "a.csv", in: dir)
        #expect(throws: TraceError(file: unknown, line: 4, message: "link 'u0:s2' is not a link of the topology")) {
            _ = try LinkStateTrace.validate(path: unknown, knownLinks: known, lenient: false)
        }
        let retyped = try Self.write(preamble + good + "\n" + Self.fields(time: "20", link: "u1:h1", type: "user-satellite").joined(separator: ",") + "\n", name: "b.csv", in: dir)
        #expect(throws: TraceError(file: retyped, line: 4, message: "link 'u1:h1' is a 'user-hap' link in the topology, but the trace says 'user-satellite'")) {
            _ = try LinkStateTrace.validate(path: retyped, knownLinks: known, lenient: false)
        }
        let s = try LinkStateTrace.validate(path: retyped, knownLinks: known, lenient: true)
        #expect(s.rows == 1 && s.links == 1 && s.skips.unknownLink == 1 && s.skips.firstLines == [4])
        // Without a topology any link goes.
        #expect(try LinkStateTrace.validate(path: retyped, knownLinks: nil, lenient: false).links == 2)
    }

    @Test("lenient reads count skipped rows by reason and list the first five lines")
    func lenientCounts() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let preamble = try Self.preambleText()
        func r(_ t: String, _ link: String = "u0:s1") -> String { Self.fields(time: t, link: link).joined(separator: ",") }
        let body = [
            r("0"),                          // 3 ok
            r("0", "u1:s1"),                 // 4 ok
            r("1").replacingOccurrences(of: "0.9,1,", with: "0.9,7,"),   // 5 malformed (los)
            r("2", "u9:s9"),                 // 6 unknown link
            r("3"),                          // 7 ok
            r("2", "u1:s1"),                 // 8 time back
            r("3"),                          // 9 duplicate
            r("4"),                          // 10 ok
            "1,2,3",                         // 11 malformed (field count)
            r("5", "u1:s1"),                 // 12 ok
        ].joined(separator: "\n") + "\n"
        let path = try Self.write(preamble + body, in: dir)
        let known = ["u0:s1": "user-satellite", "u1:s1": "user-satellite"]
        let s = try LinkStateTrace.validate(path: path, knownLinks: known, lenient: true)
        #expect(s.rows == 5 && s.links == 2)
        #expect(s.skips.malformed == 2 && s.skips.unknownLink == 1 && s.skips.timeBackwards == 1 && s.skips.duplicate == 1)
        #expect(s.skips.total == 5 && s.skips.firstLines == [5, 6, 8, 9, 11])
        #expect(s.firstTime == .zero && s.lastTime == .seconds(5))
        #expect(throws: TraceError(file: path, line: 5, message: "los: expected 1, 0 or an empty field, found '7'")) {
            _ = try LinkStateTrace.validate(path: path, knownLinks: known, lenient: false)
        }
        // Every row bad: nothing to replay, even leniently.
        let allBad = try Self.write(preamble + "1,2\n3,4\n", name: "bad.csv", in: dir)
        #expect(throws: TraceError.self) { _ = try LinkStateTrace.validate(path: allBad, knownLinks: nil, lenient: true) }
    }

    @Test("line numbers stay exact when rows cross block boundaries and blocks are parsed on two threads")
    func blockBoundaries() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = (0 ..< 2000).map { (i: Int) -> LinkStateTraceRow in
            let link = i % 2 == 0 ? "u0:s1" : "u1:s1"
            return Self.row(Double(i / 2), link, Self.state(150 + Double(i) / 3))
        }
        let path = try Self.writeTrace(rows, in: dir)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[1502] += ",9"   // line 1503: 24 fields
        let bad = try Self.write(lines.joined(separator: "\n"), name: "bad.csv", in: dir)
        for options in [LinkStateTraceStream.Options.standard, .init(blockBytes: 600, workers: 2), .init(blockBytes: 5000, workers: 1, mapped: false)] {
            #expect(throws: TraceError(file: bad, line: 1503, message: "expected 23 fields, found 24")) {
                _ = try LinkStateTrace.validate(path: bad, knownLinks: nil, lenient: false, options: options)
            }
            let s = try LinkStateTrace.validate(path: bad, knownLinks: nil, lenient: true, options: options)
            #expect(s.rows == 1999 && s.skips.firstLines == [1503])
            #expect(try LinkStateTrace.readAll(path: path, options: options).rows == LinkStateTrace.readAll(path: path).rows)
        }
        // A line longer than the read-ahead (16 KiB with these tiny blocks): an error at its line;
        // a lenient read skips it and still numbers the lines after it exactly.
        var long = lines
        long[101] = long[101].replacingOccurrences(of: ",s1,", with: "," + String(repeating: "s", count: 40_000) + ",")
        long[1702] += ",9"
        let longPath = try Self.write(long.joined(separator: "\n"), name: "long.csv", in: dir)
        let tiny = LinkStateTraceStream.Options(blockBytes: 64, workers: 2)
        do {
            _ = try LinkStateTrace.validate(path: longPath, knownLinks: nil, lenient: false, options: tiny)
            Issue.record("a 40 kB line was accepted with a 16 KiB read-ahead")
        } catch let e as TraceError {
            #expect(e.line == 102 && e.message.hasPrefix("line too long"), "\(e)")
        }
        let skipped = try LinkStateTrace.validate(path: longPath, knownLinks: nil, lenient: true, options: tiny)
        #expect(skipped.skips.firstLines == [102, 1503, 1703] && skipped.rows == 1997)
        // With the standard 1 MiB read-ahead the long line is just a row.
        #expect(try LinkStateTrace.validate(path: longPath, knownLinks: nil, lenient: true).skips.firstLines == [1503, 1703])
        // Replays abandoned early stop their background reader (this would hang otherwise).
        for _ in 0 ..< 3 {
            let replay = try LinkStateTraceReplay(path: path, links: ["u0:s1", "u1:s1"], knownLinks: nil, interpolation: .linear,
                                                  lenient: false, options: .init(blockBytes: 600, workers: 2))
            #expect(replay.state(link: 0, at: .seconds(3)) == rows[6].channel)
            let (a, b) = (rows[7].channel.freeSpaceLossDb, rows[9].channel.freeSpaceLossDb)   // u1 at 3 s and 4 s
            #expect(replay.state(link: 1, at: .milliseconds(3250))?.freeSpaceLossDb == a + (b - a) * 0.25)
        }
    }

    // MARK: Replay

    /// Link a: rows at 0, 10, 20, 40 s (a 20 s gap); link b: rows at 5 and 15 s. Interval 10 s.
    static func replayRows() -> [LinkStateTraceRow] {
        [Self.row(0, "a:x", state(100, k: 4, los: true)), Self.row(5, "b:x", state(200, los: false)),
         Self.row(10, "a:x", state(110, k: nil, los: false)), Self.row(15, "b:x", state(210, los: true)),
         Self.row(20, "a:x", state(120, k: 6)), Self.row(40, "a:x", state(140, k: 8))]
    }

    @Test("hold: exact rows bit for bit, held within one interval, nil beyond it and before the first row")
    func replayHold() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try Self.writeTrace(Self.replayRows(), in: dir)
        let replay = try LinkStateTraceReplay(path: path, links: ["a:x", "b:x", "c:x"], knownLinks: nil, interpolation: .hold, lenient: false)
        #expect(replay.header == Self.header && replay.summary.rows == 6 && replay.summary.links == 2)
        func fsl(_ link: Int, _ t: Double) -> Double? { replay.state(link: link, at: SimTime(seconds: t))?.freeSpaceLossDb }
        #expect(fsl(1, 0) == nil)                       // b has no row yet
        #expect(fsl(0, 0) == 100)                       // exact
        #expect(fsl(0, 5) == 100 && fsl(1, 5) == 200)   // held, exact
        #expect(fsl(0, 10) == 110)                      // exact
        #expect(fsl(1, 24.999) == 210)                  // held 9.999 s
        #expect(fsl(1, 25) == 210)                      // exactly one interval old: held
        #expect(fsl(1, 25.000000001) == nil)            // one nanosecond beyond
        #expect(fsl(0, 30) == 120)                      // held, 10 s
        #expect(fsl(0, 35) == nil)                      // 15 s old
        #expect(fsl(2, 35) == nil)                      // c is never in the trace
        #expect(replay.state(link: 0, at: .seconds(40)) == Self.state(140, k: 8))
        #expect(fsl(0, 50) == 140 && fsl(0, 51) == nil)
        #expect(replay.statistics == {
            var s = LinkStateTraceReplay.Statistics()
            s.exact = 4; s.held = 5; s.uncovered = 5; s.rowsRead = 6
            return s
        }())
    }

    @Test("linear: interpolated in closed form between rows at most one interval apart, hold otherwise")
    func replayLinear() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try Self.writeTrace(Self.replayRows(), in: dir)
        let replay = try LinkStateTraceReplay(path: path, links: ["b:x", "a:x"], knownLinks: nil, interpolation: .linear, lenient: false)
        let a = 1, b = 0
        #expect(replay.state(link: a, at: .zero) == Self.state(100, k: 4, los: true))
        #expect(replay.state(link: b, at: .zero) == nil)
        // a at 2.5 s: a quarter of the way from 100 to 110; k: the 10 s row has none, so the 0 s row's.
        let s = try #require(replay.state(link: a, at: .milliseconds(2500)))
        let lo = Self.state(100, k: 4), hi = Self.state(110)
        func mix(_ x: Double, _ y: Double) -> Double { x + (y - x) * 0.25 }
        #expect(s.freeSpaceLossDb == mix(lo.freeSpaceLossDb, hi.freeSpaceLossDb))
        #expect(s.atmosphericLossDb == mix(lo.atmosphericLossDb, hi.atmosphericLossDb))
        #expect(s.clutterLossDb == mix(lo.clutterLossDb, hi.clutterLossDb))
        #expect(s.shadowingDb == mix(lo.shadowingDb, hi.shadowingDb))
        #expect(s.losProbability == mix(lo.losProbability, hi.losProbability))
        #expect(s.kFactorDb == 4 && s.delaySpreadSeconds == 4e-9 && s.isLOS == true)
        #expect(abs(s.freeSpaceLossDb - 102.5) < 1e-12)
        // b at 10 s: half-way between its 5 s and 15 s rows; isLOS the earlier row's.
        let sb = try #require(replay.state(link: b, at: .seconds(10)))
        #expect(sb.freeSpaceLossDb == 205 && sb.isLOS == false)
        #expect(replay.state(link: a, at: .seconds(10))?.freeSpaceLossDb == 110)   // exact
        #expect(replay.state(link: a, at: .seconds(15))?.kFactorDb == nil)         // 10 s row has no k
        #expect(replay.state(link: a, at: .seconds(15))?.freeSpaceLossDb == 115)
        #expect(replay.state(link: b, at: .seconds(20))?.freeSpaceLossDb == 210)   // no later row: held
        // a between 20 s and 40 s: 20 s apart, more than one interval, so held up to 30 s, then nothing.
        #expect(replay.state(link: a, at: .seconds(25))?.freeSpaceLossDb == 120)
        #expect(replay.state(link: a, at: .seconds(30))?.freeSpaceLossDb == 120)
        #expect(replay.state(link: a, at: .seconds(31)) == nil)
        #expect(replay.state(link: a, at: .seconds(40))?.kFactorDb == 8)
        let st = replay.statistics
        #expect(st.exact == 3 && st.interpolated == 4 && st.held == 3 && st.uncovered == 2 && st.rowsRead == 6)
    }

    @Test("replay of many interleaved links agrees with readAll; a subset of links; a lenient trace skips the same rows")
    func replayInterleavedAndSubset() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let links = (0 ..< 7).map { "u\($0):s\($0 % 3)" }
        var rows: [LinkStateTraceRow] = []
        for k in 0 ..< 300 {
            for (i, l) in links.enumerated() where (k + i) % 5 != 0 {   // some rows missing
                rows.append(Self.row(Double(k) * 2 + Double(i) * 0.125, l, Self.state(150 + Double(k) + Double(i) / 10, k: i % 2 == 0 ? Double(k) : nil)))
            }
        }
        let path = try Self.writeTrace(rows, in: dir, intervalSeconds: 2)
        let byLink = Dictionary(grouping: rows, by: \.linkID)
        for options in [LinkStateTraceStream.Options.standard, .init(blockBytes: 2000, workers: 2)] {
            let replay = try LinkStateTraceReplay(path: path, links: links, knownLinks: nil, interpolation: .hold, lenient: false, options: options)
            var wrong = 0
            for k in 0 ..< 600 {
                let t = SimTime(nanoseconds: Int64(k) * 1_000_000_000 + 125_000_000)
                for (i, l) in links.enumerated() {
                    let expected = byLink[l]!.last { $0.time <= t }.flatMap { t - $0.time <= .seconds(2) ? $0.channel : nil }
                    switch (replay.state(link: i, at: t), expected) {
                    case (nil, nil): break
                    case let (got?, expected?): if !Self.sameBits(got, expected) { wrong += 1 }
                    default: wrong += 1
                    }
                }
            }
            #expect(wrong == 0)
            #expect(replay.statistics.rowsRead == rows.count)
            // Only two links queried; the others are read and dropped.
            let subset = try LinkStateTraceReplay(path: path, links: [links[5], links[2]], knownLinks: nil, interpolation: .linear, lenient: false, options: options)
            for row in rows where row.linkID == links[2] {
                #expect(subset.state(link: 1, at: row.time).map { Self.sameBits($0, row.channel) } == true)
            }
            #expect(subset.statistics.exact == byLink[links[2]]!.count && subset.statistics.rowsRead == rows.count)
        }
        // A lenient replay of a trace with a duplicate keeps the first row, as validation did.
        let preamble = try Self.preambleText()
        let text = preamble + [Self.fields(time: "0", fsl: "100"), Self.fields(time: "0", fsl: "999"), Self.fields(time: "10", fsl: "110")]
            .map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        let dup = try Self.write(text, name: "dup.csv", in: dir)
        #expect(throws: TraceError.self) {
            _ = try LinkStateTraceReplay(path: dup, links: ["u0:s1"], knownLinks: nil, interpolation: .hold, lenient: false)
        }
        let lenient = try LinkStateTraceReplay(path: dup, links: ["u0:s1"], knownLinks: nil, interpolation: .linear, lenient: true)
        #expect(lenient.summary.skips.duplicate == 1)
        #expect(lenient.state(link: 0, at: .zero)?.freeSpaceLossDb == 100)
        #expect(lenient.state(link: 0, at: .seconds(5))?.freeSpaceLossDb == 105)
        #expect(lenient.statistics.rowsRead == 2)
    }

    // MARK: Validation fast path

    /// Runs the mask-based check and the exact one on `line`; nil when the fast path declined,
    /// else whether the exact checks agree and store the same fields.
    static func fastPathAgrees(_ line: String, view: LinkStateTraceLinkTable.View, types: LinkStateTraceKnownTypes,
                               masks: LinkStateTraceLineMasks) -> Bool? {
        var bytes = Array(line.utf8)
        let n = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 64))
        return bytes.withUnsafeBufferPointer { b -> Bool? in
            let base = b.baseAddress!
            var quick = LinkStateTraceParsedRow()
            quick.problem = .badLOS
            guard LinkStateTraceLineParser.quickCheckFull(base, base + n, base: base, view: view, types: types, masks: masks, into: &quick) else {
                return nil
            }
            var exact = LinkStateTraceParsedRow()
            LinkStateTraceLineParser.parseFull(base, base + n, base: base, view: view, types: types, values: false, into: &exact)
            return quick.problem == .none && exact.problem == .none && quick.time == exact.time && quick.slot == exact.slot
                && quick.hash == exact.hash && quick.typeMismatch == exact.typeMismatch
                && (quick.idStart, quick.idLength, quick.typeStart, quick.typeLength) == (exact.idStart, exact.idLength, exact.typeStart, exact.typeLength)
                && (quick.txStart, quick.txLength, quick.rxStart, quick.rxLength) == (exact.txStart, exact.txLength, exact.rxStart, exact.rxLength)
        }
    }

    @Test("the inline number reader agrees with the exact reader, and skipping fields counts every comma")
    func replayReadingAgreesWithExactReader() throws {
        let numbers = ["0", "-0", "7", "1.5", "-1.5", "183.11363155815914", "0.04361507012508809", "-0.5243363589703638",
                       "1e5", "1e-05", "4.7043481723638245e-07", "-2.5e+20", "1e-100", "1e999", "-1e999", "1e", "1.", ".5",
                       "+1", "--1", "-", "1..2", "nan", "inf", "", "1x", "123456789012345678901234567890", "9007199254740993",
                       "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308", "0.1000000000000000055511151231257827"]
        var compared = 0
        for value in numbers {
            for after in [",1", "", "x,", " ,", "\r"] {
                var bytes = Array((value + after).utf8)
                let n = after == ",1" ? value.utf8.count + 2 : bytes.count
                bytes.append(contentsOf: repeatElement(0, count: 64))
                bytes.withUnsafeBufferPointer { b in
                    let start = b.baseAddress!, end = start + n
                    var p = start, q = start
                    var inline = LinkStateTraceParsedRow(), exact = LinkStateTraceParsedRow()
                    let a = LinkStateTraceLineParser.numberAndComma(&p, end, column: 9, into: &inline)
                    let e = LinkStateTraceLineParser.number(&q, end, column: 9, into: &exact)
                    #expect(a?.bitPattern == e?.bitPattern, "'\(value + after)': \(String(describing: a)) against \(String(describing: e))")
                    #expect(a == nil || p == q, "'\(value + after)': stopped at \(p - start), exact at \(q - start)")
                    #expect(inline.problem == exact.problem && inline.column == exact.column, "'\(value + after)'")
                    compared += 1
                }
            }
        }
        #expect(compared == numbers.count * 5)
        // Fields skipped a word at a time: runs of empty fields put up to 8 commas in one word.
        for line in ["a,b,c,d,e,f,g,h,i", ",,,,,,,,,,,,,,,,,,", "1,,22,,,333,,,,4444,,,,,55555,,,", "abcdefgh,,,,,,,,ijklmnop,q,r,s"] {
            var bytes = Array(line.utf8)
            let n = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: 64))
            let commas = bytes.indices.filter { bytes[$0] == UInt8(ascii: ",") }
            bytes.withUnsafeBufferPointer { b in
                let start = b.baseAddress!
                for fields in 1 ... commas.count + 1 {
                    var p = start
                    LinkStateTraceLineParser.skip(&p, start + n, fields: fields)
                    let expected = fields <= commas.count ? commas[fields - 1] + 1 : n
                    #expect(p - start == expected, "'\(line)', \(fields) fields: at \(p - start), expected \(expected)")
                }
            }
        }
    }

    @Test("the validation fast path accepts only lines the exact checks accept, with the same fields, and takes the plain ones")
    func fastPathAgreesWithExactChecks() throws {
        let table = LinkStateTraceLinkTable(expected: 4)
        table.insert("u0:s1")
        let types = LinkStateTraceKnownTypes(["user-satellite"])
        let masks = LinkStateTraceLineMasks()
        let numbers = ["0", "-0", "7", "1.5", "-1.5", "183.11363155815914", "0.04361507012508809", "-0.5243363589703638",
                       "1e5", "1e-05", "1E+05", "4.7043481723638245e-07", "-2.5e+20", "1e-100", "1e999", "1e", "1e+", "1e-",
                       "1.", ".5", "-.5", "+1", "--1", "-", "1..2", "1.2.3", "1-2", "1e5.5", "1ee5", "1e5e5", "e5", "nan",
                       "-inf", "inf", "", "1x", "x1", "0x10", "1 ", " 1", "1,2", "123456789012345678901234567890123456789012345678901",
                       "1234567890123456789012345678901234567890.12345678", "0.5e3", "1.0", "00.5", "5e-01", "1.00", "-0.0", "0.",
                       "١", "1é"]
        let texts = ["", "u0:s1", "u0:s2", "user-satellite", "user-hap", "é", "a b"]
        var declined = 0, accepted = 0
        func check(_ fields: [String], _ what: String) {
            switch Self.fastPathAgrees(fields.joined(separator: ","), view: table.view, types: types, masks: masks) {
            case nil: declined += 1
            case true?: accepted += 1
            case false?: Issue.record("the fast path accepted what the exact checks refuse or read differently: \(what)")
            }
        }
        let base = Self.fields()
        check(base, "the base line")
        #expect(accepted == 1, "the plain base line must take the fast path")
        for column in 5 ..< base.count where column != 16 {
            for value in numbers {
                var f = base
                f[column] = value
                check(f, "column \(column) = '\(value)'")
            }
        }
        for value in ["", "0", "1", "2", "01", "-1", "1.0", "true"] {
            var f = base
            f[16] = value
            check(f, "los = '\(value)'")
        }
        for column in 1 ... 4 {
            for value in texts {
                var f = base
                f[column] = value
                check(f, "column \(column) = '\(value)'")
            }
        }
        for value in ["0", "10.5", "10.123456789", "10.1234567891", "-1", "1e3", "10.", "0010", "", "x"] {
            var f = base
            f[0] = value
            check(f, "time = '\(value)'")
        }
        check(base + ["1"], "24 fields")
        check(Array(base.dropLast()), "22 fields")
        check(base.map { $0 + "0" }, "every field with a 0 appended")
        // Long lines and lines whose fields straddle 64-byte words: many digit counts per column.
        for digits in 1 ... 30 {
            var f = base
            for column in [5, 8, 13, 19, 22] { f[column] = "1." + String(repeating: "7", count: digits) }
            check(f, "\(digits) fraction digits")
        }
        #expect(accepted > 100 && declined > 100, "accepted \(accepted), declined \(declined)")
    }
}
