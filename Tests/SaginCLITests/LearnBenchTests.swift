import Foundation
import Testing

@Suite("sagin bench learn")
struct LearnBenchTests {
    @Test("reports the BLAS core, both sgemm paths, the MLP step and their ratio; bad options are refused")
    func smallRun() throws {
        let r = try runSagin(["bench", "learn", "--repeat", "1", "--size", "64", "--batch", "32", "--width", "16", "--steps", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        for text in ["BLAS core", "(a) sgemm 64³", "direct BLAS.sgemm", "(b) MLP 16×4", "samples/s", "MLP step / raw sgemm"] {
            #expect(r.stdout.contains(text), "missing '\(text)' in \(r.stdout)")
        }
        let bad = try runSagin(["bench", "learn", "--repeat", "0"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--repeat"), "\(bad.stderr)")
    }
}
