import Foundation
import Learn
import SimCore
import Testing

@Suite("sagin train and sagin map", .serialized)
struct GenerativeCommandTests {
    static let topology = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Topologies/default.yaml").path

    @Test("train --model gdm writes the model (features, prior correction) and the loss log")
    func trainGDM() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("train.csv").path
        try ClassifyCommandTests.csv(seed: 1, rows: 300).write(toFile: data, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("gdm.safetensors").path
        let r = try runSagin(["train", "--model", "gdm", "--data", data, "--out", out, "--features", "x,y",
                              "--steps", "150", "--hidden", "32-32", "--time-dimension", "16", "--timesteps", "100", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("300 rows, 2 features (x, y), label 'los', 150 steps"), "\(r.stdout)")
        let model = try DiffusionModel.load(from: out)
        #expect(model.featureNames == ["x", "y"] && model.classCount == 2 && model.configuration.hidden == [32, 32])
        #expect(model.extraMetadata[DiffusionClassifier.temperatureKey] != nil)
        let log = try String(contentsOfFile: out + ".loss.csv", encoding: .utf8).split(separator: "\n")
        #expect(log.first == "step,loss,seconds" && log.count == 3)    // rows at steps 100 and 150
    }

    @Test("classify --methods gdm: the zero-shot classifier on two separated classes, trained in place or read from train")
    func classifyGDM() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = dir.appendingPathComponent("train.csv").path, test = dir.appendingPathComponent("test.csv").path
        try ClassifyCommandTests.csv(seed: 1, rows: 400).write(toFile: train, atomically: true, encoding: .utf8)
        try ClassifyCommandTests.csv(seed: 2, rows: 200).write(toFile: test, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("results.csv").path
        var r = try runSagin(["classify", "--train", train, "--test", test, "--methods", "gdm,knn", "--features", "x,y",
                              "--gdm-steps", "300", "--gdm-timesteps", "100", "--gdm-hidden", "32-32", "--gdm-time-dimension", "16", "--gdm-grid", "16", "--gdm-noises", "2",
                              "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map(String.init) }
        #expect(rows.map { $0[0] } == ["gdm", "knn"])
        // Classes 4σ apart in x: Bayes accuracy Φ(2) = 97.7 %.
        #expect(Double(rows[0][1])! > 0.9, "gdm accuracy \(rows[0][1])")
        // A model whose features differ from the selected ones is refused.
        let model = dir.appendingPathComponent("gdm.safetensors").path
        r = try runSagin(["train", "--model", "gdm", "--data", train, "--out", model, "--features", "x",
                          "--steps", "2", "--hidden", "8", "--time-dimension", "8", "--timesteps", "10", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try runSagin(["classify", "--train", train, "--test", test, "--methods", "gdm", "--features", "x,y",
                          "--gdm-model", model, "--out", out])
        #expect(r.status != 0 && r.stderr.contains("are not the selected ones"), "\(r.stderr)")
    }

    @Test("train refuses a missing label column, an unknown model and bad widths, writing nothing", arguments: [
        (["--model", "gdm", "--label", "class"], "no label column 'class'"),
        (["--model", "diffusion"], "--model: expected"),
        (["--model", "gdm", "--hidden", "32-x"], "--hidden: expected positive widths"),
        (["--model", "gan"], "no feature column 'excess_loss_db'"),
    ])
    func trainErrors(extra: [String], message: String) throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("d.csv").path
        try "x,name,los\n1,a,1\n2,b,0\n".write(toFile: data, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("m.safetensors").path
        let r = try runSagin(["train", "--data", data, "--out", out, "--steps", "2"] + extra)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("dataset → train → map → run with the gdm provider, end to end on a small scene")
    func mapEndToEnd() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let scene = ["--topology", Self.topology, "--scene", "1", "--scene-size-m", "600"]
        let data = dir.appendingPathComponent("train.csv").path
        var r = try runSagin(["dataset"] + scene + ["--samples", "400", "--out", data])
        #expect(r.status == 0, "\(r.stderr)")
        let model = dir.appendingPathComponent("gdm.safetensors").path
        r = try runSagin(["train", "--model", "gdm", "--data", data, "--out", model, "--steps", "100", "--hidden", "32-32",
                          "--time-dimension", "16",
                          "--timesteps", "100", "--quiet",
                          "--features", "rx_power_dbw,snr_db,k_factor_db,rms_delay_spread_s,elevation_deg"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = dir.appendingPathComponent("map").path
        r = try runSagin(["map"] + scene + ["--model", model, "--out", out, "--cells", "3", "--classifier-timesteps", "8",
                                            "--noises", "1", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("3×3 cells") && r.stdout.contains("× 32 directions"), "\(r.stdout)")
        for file in ["map.json", "map.csv", "map.png", "map.svg", "scene.png"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let csv = try String(contentsOfFile: out + "/map.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 9 * 32)
        #expect(csv[0] == "cell_x_m,cell_y_m,lat_deg,lon_deg,azimuth_deg,elevation_deg,los_probability,predicted_los,true_los")
        let svg = try String(contentsOfFile: out + "/map.svg", encoding: .utf8)
        #expect(svg.contains("<image href=\"scene.png\"") && svg.contains("<rect"))
        // The map drives a run.
        r = try runSagin(["run", Self.topology, "--channel", "gdm", "--channel-model", out, "--duration", "2min",
                          "--output", dir.appendingPathComponent("runs").path, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        // gan and vae channel models from the same dataset drive runs too.
        for kind in ["gan", "vae"] {
            let file = dir.appendingPathComponent("\(kind).safetensors").path
            r = try runSagin(["train", "--model", kind, "--data", data, "--out", file, "--steps", kind == "gan" ? "20" : "100", "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try String(contentsOfFile: file + ".loss.csv", encoding: .utf8).hasPrefix("step,"))
            r = try runSagin(["run", Self.topology, "--channel", kind, "--channel-model", file, "--duration", "1min",
                              "--output", dir.appendingPathComponent("runs-\(kind)").path, "--quiet"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        // A model over non-observable columns cannot build a map.
        let bad = dir.appendingPathComponent("bad.safetensors").path
        r = try runSagin(["train", "--model", "gdm", "--data", data, "--out", bad, "--steps", "2", "--hidden", "8",
                          "--time-dimension", "8", "--timesteps", "10", "--quiet", "--features", "snr_db,receiver_x_m"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try runSagin(["map"] + scene + ["--model", bad, "--out", dir.appendingPathComponent("map2").path, "--cells", "2"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("feature 'receiver_x_m' is not an observable link feature"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("map2").path))
    }

    @Test("study classify writes the comparison (CSV + SVG), the denoising curve and the model; it falls step by step")
    func studyClassify() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("study").path
        let r = try runSagin(["study", "classify", "--topology", Self.topology, "--out", out, "--train-samples", "400",
                              "--test-samples", "200", "--gdm-steps", "200", "--gdm-hidden", "32-32", "--gdm-time-dimension", "16",
                              "--gdm-timesteps", "100", "--gdm-grid", "8", "--gdm-noises", "1", "--epochs", "2", "--trees", "10",
                              "--vae-steps", "100"])
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["train.csv", "test.csv", "comparison.csv", "comparison.svg", "denoising.csv", "denoising.svg",
                     "gdm.safetensors", "summary.txt"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
        }
        let rows = try String(contentsOfFile: out + "/comparison.csv", encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",").map(String.init) }
        #expect(rows[0][0 ... 4] == ["method", "accuracy", "precision", "recall", "f1"])
        #expect(rows.dropFirst().map { $0[0] } == ["gdm", "knn", "gbdt", "cnn", "empirical"])
        let curve = try String(contentsOfFile: out + "/denoising.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { Double($0.split(separator: ",")[2])! }
        #expect(curve.count == 11)
        #expect(curve.last! < curve.first!, "\(curve)")
        let summary = try String(contentsOfFile: out + "/summary.txt", encoding: .utf8)
        #expect(summary.contains("VAE reconstruction RMSE of the same noisy features:") && summary.contains("highest accuracy:"))
        // The held-out city must differ from the training city.
        let same = try runSagin(["study", "classify", "--out", dir.appendingPathComponent("x").path, "--train-scene", "4", "--test-scene", "4"])
        #expect(same.status != 0 && same.stderr.contains("must differ"))
    }
}
