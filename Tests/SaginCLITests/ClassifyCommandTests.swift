import Foundation
import SimCore
import Testing

@Suite("sagin classify")
struct ClassifyCommandTests {
    /// Two Gaussian classes 4σ apart in (x, y); elevation_deg high for class 1, low for class 0.
    static func csv(seed: UInt64, rows: Int) -> String {
        let rng = RandomStreams(seed: seed).stream("test/classify")
        var text = "x,y,elevation_deg,los\n"
        for i in 0 ..< rows {
            let c = i % 2
            let x = rng.normal(standardDeviation: 1) + (c == 1 ? 2 : -2)
            let y = rng.normal(standardDeviation: 1)
            let el = c == 1 ? 70.0 : 15.0
            text += "\(x),\(y),\(el),\(c)\n"
        }
        return text
    }

    @Test("knn, gbdt and empirical on two separated classes: table printed and written, accuracies as expected")
    func compare() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train.csv").path, test = dir.appendingPathComponent("test.csv").path
        try Self.csv(seed: 1, rows: 400).write(toFile: train, atomically: true, encoding: .utf8)
        try Self.csv(seed: 2, rows: 200).write(toFile: test, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("results.csv").path
        let r = try runSagin(["classify", "--train", train, "--test", test, "--methods", "knn,gbdt,empirical",
                              "--features", "x,y", "--trees", "20", "--depth", "3", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("400 training and 200 test rows, 2 features (x, y)"), "\(r.stdout)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
        #expect(rows.map { $0[0] } == ["knn", "gbdt", "empirical"])
        for row in rows {
            let accuracy = Double(row[1])!
            let counts = row[5 ... 8].map { Int($0)! }
            #expect(counts.reduce(0, +) == 200)
            // 4σ separation: the Bayes error is Φ(−2) ≈ 2.3 %. The empirical rule is exact here: urban
            // P_LOS is 0.919 at 70° and 0.386 at 15° (which rounds to the 20° row of Table 6.6.1-1).
            #expect(accuracy > 0.9, "\(row[0]) accuracy \(accuracy)")
        }
    }

    /// Rows with an 8-bin profile `pdp_00_db` … `pdp_07_db` written out of order in the header: class
    /// 1 has its strongest bin in the last four, class 0 in the first four; the bins are noisy and a
    /// scalar `x` is noise, so only the sequence tells the classes apart.
    static func sequenceCSV(seed: UInt64, rows: Int) -> String {
        let rng = RandomStreams(seed: seed).stream("test/classify-cnn")
        let order = [3, 0, 1, 2, 7, 4, 5, 6]
        var text = "x," + order.map { "pdp_0\($0)_db" }.joined(separator: ",") + ",los\n"
        for i in 0 ..< rows {
            let c = i % 2
            let peak = rng.integer(below: 4) + (c == 1 ? 4 : 0)
            let bins = (0 ..< 8).map { b in (b == peak ? 0 : -20) + rng.normal(standardDeviation: 3) }
            text += "\(rng.normal(standardDeviation: 1)),"
            text += order.map { "\(bins[$0])" }.joined(separator: ",") + ",\(c)\n"
        }
        return text
    }

    @Test("cnn learns a class given by the position of a profile's peak; the columns are taken in index order")
    func cnn() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train.csv").path, test = dir.appendingPathComponent("test.csv").path
        try Self.sequenceCSV(seed: 1, rows: 400).write(toFile: train, atomically: true, encoding: .utf8)
        try Self.sequenceCSV(seed: 2, rows: 200).write(toFile: test, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("results.csv").path
        let r = try runSagin(["classify", "--train", train, "--test", test, "--methods", "cnn", "--epochs", "10",
                              "--batch-size", "32", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let sequence = (0 ..< 8).map { "pdp_0\($0)_db" }.joined(separator: ", ")
        #expect(r.stdout.contains("cnn: sequence of 8 (\(sequence)), 1 scalar inputs (x)"), "\(r.stdout)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 1 && rows.first?[0] == "cnn")
        if let row = rows.first {
            #expect(Double(row[1])! > 0.9, "cnn accuracy \(row[1])")
            #expect(row[5 ... 8].map { Int($0)! }.reduce(0, +) == 200)
            #expect(Double(row[9])! > 0 && Double(row[10])! >= 0)    // train and inference seconds
        }
        // The same seed gives the same results file, times aside.
        let again = dir.appendingPathComponent("again.csv").path
        _ = try runSagin(["classify", "--train", train, "--test", test, "--methods", "cnn", "--epochs", "10",
                          "--batch-size", "32", "--out", again])
        func scores(_ path: String) throws -> [String] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").prefix(9).joined(separator: ",") }
        }
        #expect(try scores(out) == scores(again))
    }

    @Test("cnn without sequence columns names the training file and the columns it needs")
    func cnnWithoutSequence() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("flat.csv").path
        try Self.csv(seed: 1, rows: 40).write(toFile: train, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("r.csv").path
        let r = try runSagin(["classify", "--train", train, "--test", train, "--methods", "cnn", "--out", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(train): the cnn method needs sequence columns named pdp_<index>"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a missing label column or a non-numeric feature is a clear error", arguments: [
        (["--label", "class"], "no label column 'class'"),
        (["--features", "x,name"], "name: expected a finite number"),
        (["--methods", "knn,oracle"], "unknown method 'oracle'"),
    ])
    func errors(extra: [String], message: String) throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("d.csv").path
        try "x,name,los\n1,a,1\n2,b,0\n".write(toFile: path, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("r.csv").path
        let r = try runSagin(["classify", "--train", path, "--test", path, "--methods", "knn", "--out", out] + extra)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
