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
