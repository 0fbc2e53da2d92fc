import Foundation
import Testing
@testable import Orbits
import SimCore

/// SGP4/SDP4 against Vallado's published verification run: the 33 element sets of SGP4-VER.TLE and
/// the C++ output tcppver.out (Vallado et al. 2006, AIAA 2006-6753), compared to 2e-7 km and km/s
/// as python-sgp4's test does. The data lives in ../shared/reference/sgp4 (see NOTES.md there).
@Suite("SGP4 verification (Vallado et al. 2006)")
struct SGP4VerificationTests {
    /// One test case of SGP4-VER.TLE: the element set and the output times.
    struct VerificationCase {
        var tle: TLE
        var startMinutes: Double
        var stopMinutes: Double
        var stepMinutes: Double
    }

    /// Expected failures, from NOTES.md (python-sgp4's expected error list [1,1,6,6,4,3,6]), keyed
    /// by "catalogue number/occurrence" because 20413 appears twice.
    static let expectedErrors: [String: (minutes: Double, code: Int)] = [
        "22312/1": (494.2028672, 1),
        "28350/1": (1560.0, 1),
        "28872/1": (55.0, 6),
        "29141/1": (440.0, 6),
        "33333/1": (25.0, 4),
        "33334/1": (0.0, 3),
        "20413/2": (1_844_345.0, 6),
    ]

    static let tolerance = 2e-7

    @Test("all 667 rows of tcppver.out within 2e-7 km, km/s; the seven error cases fail as published")
    func vallado() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = root.deletingLastPathComponent().appendingPathComponent("shared/reference/sgp4")
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("tcppver.out").path) else {
            print("skipped: ../shared/reference/sgp4 not found (verification data is only in CI and developer checkouts)")
            return
        }
        let tleText = try String(contentsOf: dir.appendingPathComponent("SGP4-VER.TLE"), encoding: .utf8)
        let outText = try String(contentsOf: dir.appendingPathComponent("tcppver.out"), encoding: .utf8)
        let cases = try Self.parseCases(tleText)
        let expected = Self.parseOutput(outText)
        #expect(cases.count == 33)
        #expect(expected.count == 33)
        guard cases.count == expected.count else { return }

        var occurrences: [Int: Int] = [:]
        var rowsCompared = 0, staleRowsChecked = 0, errorsMatched = 0
        var maxPositionError = 0.0, maxVelocityError = 0.0, maxTimeError = 0.0
        var worstPosition = "", worstVelocity = ""
        var previousRow: [Double]? = nil

        for (c, (satnum, rows)) in zip(cases, expected) {
            #expect(c.tle.catalogNumber == satnum)
            occurrences[satnum, default: 0] += 1
            let key = "\(satnum)/\(occurrences[satnum, default: 1])"
            let expectedError = Self.expectedErrors[key]
            var rowIndex = 0
            var failure: SGP4Error? = nil

            // Compares one propagated state with the next data row of this case.
            func check(_ t: Double, _ s: StateVector) {
                guard rowIndex < rows.count else {
                    Issue.record("case \(key): more propagated states than data rows at t = \(t)")
                    return
                }
                let row = rows[rowIndex]
                rowIndex += 1
                let dt = abs(row[0] - t)
                let dr = (0..<3).map { abs(row[1 + $0] - s.position[$0]) }.max() ?? 0
                let dv = (0..<3).map { abs(row[4 + $0] - s.velocity[$0]) }.max() ?? 0
                maxTimeError = max(maxTimeError, dt)
                if dr > maxPositionError { maxPositionError = dr; worstPosition = "\(key) t = \(t)" }
                if dv > maxVelocityError { maxVelocityError = dv; worstVelocity = "\(key) t = \(t)" }
                #expect(dt <= Self.tolerance && dr <= Self.tolerance && dv <= Self.tolerance,
                        "case \(key) t = \(t): |dt| \(dt), |dr| \(dr) km, |dv| \(dv) km/s")
                rowsCompared += 1
            }

            // Vallado's testcpp driver: the epoch row first, then start, start + step, ... with the
            // last step clipped to stop; output ends at the first error.
            do {
                let sgp4 = try SGP4Propagator(tle: c.tle)
                check(0, try sgp4.state(minutesSinceEpoch: 0))
                var t = c.startMinutes
                if abs(t) > 1e-8 { t -= c.stepMinutes }
                while t < c.stopMinutes {
                    t += c.stepMinutes
                    if t > c.stopMinutes { t = c.stopMinutes }
                    check(t, try sgp4.state(minutesSinceEpoch: t))
                }
            } catch {
                failure = error
            }

            if let expectedError {
                if let failure {
                    #expect(failure.code == expectedError.code, "case \(key): \(failure)")
                    #expect(abs(failure.minutesSinceEpoch - expectedError.minutes) < 1e-6, "case \(key): \(failure)")
                    if failure.code == expectedError.code && abs(failure.minutesSinceEpoch - expectedError.minutes) < 1e-6 {
                        errorsMatched += 1
                    }
                } else {
                    Issue.record("case \(key): expected error \(expectedError.code) at \(expectedError.minutes) min, got none")
                }
            } else if let failure {
                Issue.record("case \(key): unexpected \(failure)")
            }

            // 33334 fails at the epoch; the C++ driver then printed the previous case's last values
            // with tsince 0 (python-sgp4: "Use previous data line"). Check that one row is that copy.
            if key == "33334/1" && rowIndex == 0 && rows.count == 1, let previousRow {
                #expect(rows[0][0] == 0 && Array(rows[0][1...]) == Array(previousRow[1...]))
                rowIndex = 1
                staleRowsChecked += 1
            }
            #expect(rowIndex == rows.count, "case \(key): \(rowIndex) of \(rows.count) data rows reproduced")
            previousRow = rows.last
        }

        print("SGP4 verification: \(rowsCompared) rows propagated and compared + \(staleRowsChecked) stale row checked "
              + "= \(rowsCompared + staleRowsChecked) of 667; max |dr| \(maxPositionError) km (\(worstPosition)), "
              + "max |dv| \(maxVelocityError) km/s (\(worstVelocity)), max |dt| \(maxTimeError) min; \(errorsMatched) of 7 error cases matched")
        #expect(rowsCompared + staleRowsChecked == 667)
        #expect(errorsMatched == 7)
    }

    // MARK: - Fixed-column readers (Vallado's twoline2rv layout), private to this test

    /// Columns `from...to` (1-based, inclusive) of a line, trimmed; empty past the end of the line.
    static func columns(_ line: [Character], _ from: Int, _ to: Int) -> String {
        guard from - 1 < line.count else { return "" }
        return String(line[(from - 1)..<min(to, line.count)]).trimmingCharacters(in: .whitespaces)
    }

    /// A TLE "assumed decimal point" field such as ` 28098-4` or `-30915-6`: ±0.mantissa × 10^exp.
    static func impliedDecimal(_ mantissaField: String, _ exponentField: String) -> Double {
        var m = mantissaField.trimmingCharacters(in: .whitespaces)
        var sign = 1.0
        if m.hasPrefix("-") { sign = -1; m.removeFirst() } else if m.hasPrefix("+") { m.removeFirst() }
        let mantissa = Double("0." + m.trimmingCharacters(in: .whitespaces)) ?? 0
        let exponent = Double(exponentField.trimmingCharacters(in: .whitespaces)) ?? 0
        return sign * mantissa * pow(10.0, exponent)
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static func number(_ s: String, _ what: String, _ line: Int) throws -> Double {
        guard let v = Double(s) else { throw ParseError(description: "SGP4-VER.TLE line \(line): bad \(what) '\(s)'") }
        return v
    }

    /// Reads SGP4-VER.TLE: comment lines start with '#', CRLF endings, and `tstart tstop tstep`
    /// after column 69 of line 2. Checksums are not verified (33333–33335 are wrong on purpose).
    static func parseCases(_ text: String) throws -> [VerificationCase] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var cases: [VerificationCase] = []
        var line1: (text: [Character], number: Int)? = nil
        for (i, raw) in lines.enumerated() {
            let n = i + 1
            if raw.hasPrefix("#") || raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let l = Array(raw)
            if raw.hasPrefix("1 ") { line1 = (l, n); continue }
            guard raw.hasPrefix("2 "), let first = line1 else {
                throw ParseError(description: "SGP4-VER.TLE line \(n): unexpected '\(raw)'")
            }
            line1 = nil
            let a = first.text, an = first.number
            let yy = Int(columns(a, 19, 20)) ?? 0
            let times = (l.count > 69 ? String(l[69...]) : "").split(separator: " ").compactMap { Double($0) }
            guard times.count == 3 else { throw ParseError(description: "SGP4-VER.TLE line \(n): no tstart tstop tstep") }
            let tle = TLE(
                catalogNumber: Int(columns(a, 3, 7)) ?? -1,
                classification: a.count > 7 ? a[7] : "U",
                internationalDesignator: columns(a, 10, 17),
                epochYear: yy < 57 ? 2000 + yy : 1900 + yy,
                epochDayOfYear: try number(columns(a, 21, 32), "epoch day", an),
                meanMotionDot: try number(columns(a, 34, 43), "ndot", an),
                meanMotionDDot: impliedDecimal(columns(a, 45, 50), columns(a, 51, 52)),
                bstar: impliedDecimal(columns(a, 54, 59), columns(a, 60, 61)),
                ephemerisType: Int(columns(a, 63, 63)) ?? 0,
                elementSetNumber: Int(columns(a, 65, 68)) ?? 0,
                inclinationDeg: try number(columns(l, 9, 16), "inclination", n),
                raanDeg: try number(columns(l, 18, 25), "RAAN", n),
                eccentricity: try number("0." + columns(l, 27, 33), "eccentricity", n),
                argumentOfPerigeeDeg: try number(columns(l, 35, 42), "argument of perigee", n),
                meanAnomalyDeg: try number(columns(l, 44, 51), "mean anomaly", n),
                meanMotionRevPerDay: try number(columns(l, 53, 63), "mean motion", n),
                revolutionNumber: Int(columns(l, 64, 68)) ?? 0)
            cases.append(VerificationCase(tle: tle, startMinutes: times[0], stopMinutes: times[1], stepMinutes: times[2]))
        }
        return cases
    }

    /// Reads tcppver.out: `<satnum> xx` headers, then rows whose first 7 numbers are
    /// tsince, x, y, z, xdot, ydot, zdot.
    static func parseOutput(_ text: String) -> [(satnum: Int, rows: [[Double]])] {
        var result: [(satnum: Int, rows: [[Double]])] = []
        for raw in text.split(whereSeparator: \.isNewline) {
            let fields = raw.split(separator: " ")
            if fields.count == 2 && fields[1] == "xx", let satnum = Int(fields[0]) {
                result.append((satnum, []))
            } else if fields.count >= 7, !result.isEmpty {
                result[result.count - 1].rows.append(fields.prefix(7).compactMap { Double($0) })
            }
        }
        return result
    }
}
