import Foundation
import Learn
import Testing

@Suite("Binary metrics and labelled tables")
struct MetricsTests {
    @Test("accuracy, precision, recall and F1 from a hand-counted confusion matrix")
    func metrics() {
        // truth     1 1 1 1 0 0 0 0 0 0
        // predicted 1 1 1 0 1 0 0 0 0 0  → TP 3, FN 1, FP 1, TN 5
        let m = BinaryMetrics(truth: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], predicted: [1, 1, 1, 0, 1, 0, 0, 0, 0, 0])
        #expect(m.truePositives == 3 && m.falseNegatives == 1 && m.falsePositives == 1 && m.trueNegatives == 5)
        #expect(m.accuracy == 0.8)
        #expect(m.precision == 0.75)
        #expect(m.recall == 0.75)
        #expect(abs(m.f1 - 0.75) < 1e-12)
        let none = BinaryMetrics(truth: [0, 0], predicted: [0, 0])
        #expect(none.precision == 0 && none.recall == 0 && none.f1 == 0 && none.accuracy == 1)
    }

    @Test("a labelled CSV: numeric columns become features, labels in any of the accepted spellings")
    func table() throws {
        let text = "name,a,b,los\nx,1.5,2,1\ny,-3,4e1,false\nz,0,0,NLOS\n"
        let t = try LabelledTable.parse(text, file: "t.csv", label: "los", features: nil)
        #expect(t.featureNames == ["a", "b"])
        #expect(t.features == [1.5, 2, -3, 40, 0, 0])
        #expect(t.labels == [1, 0, 0])
        let chosen = try LabelledTable.parse(text, file: "t.csv", label: "los", features: ["b"])
        #expect(chosen.features == [2, 40, 0])
    }

    @Test("bad tables name the file, line and column", arguments: [
        ("a,b\n1,2\n", nil as [String]?, "t.csv:1: no label column 'los'"),
        ("a,los\n1,1\nx,0\n", ["a"], "t.csv:3: a: expected a finite number, found 'x'"),
        ("a,los\n1,1\n2,maybe\n", nil, "t.csv:3: los: expected 0/1"),
        ("a,los\n1,1\n2\n", nil, "t.csv:3: 1 fields, the header has 2"),
        ("a,los\n1,1\n", ["c"], "t.csv:1: no feature column 'c'"),
        ("name,los\nq,1\n", nil, "t.csv:1: no all-numeric feature column"),
    ])
    func badTables(text: String, features: [String]?, message: String) {
        do {
            _ = try LabelledTable.parse(text, file: "t.csv", label: "los", features: features)
            Issue.record("accepted a bad table")
        } catch {
            #expect("\(error)".hasPrefix(message), "\(error)")
        }
    }
}
