import Foundation
import Learn
import SimCore
import Testing

@Suite("sagin ppo and sagin compare", .serialized)
struct PPOCommandTests {
    static let topology = GenerativeCommandTests.topology

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// The CSV without its wall-time column (the only column that differs between equal runs).
    static func withoutColumn(_ csv: String, named name: String) -> [String] {
        let lines = csv.split(separator: "\n").map(String.init)
        guard let header = lines.first, let k = header.split(separator: ",").firstIndex(of: Substring(name)) else { return lines }
        return lines.map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            fields.remove(at: k)
            return fields.joined(separator: ",")
        }
    }

    @Test("ppo: rewards.csv, SB3 monitor.csv, checkpoint and summary; same seed, same files; resume continues the run")
    func ppoCartPole() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        let args = ["ppo", "--env", "cartpole", "--settings", "cleanrl", "--steps", "2048", "--seed", "3", "--eval-episodes", "2"]
        var r = try runSagin(args + ["--out", a])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("results: \(a)/"), "\(r.stdout)")
        r = try runSagin(args + ["--out", b])
        #expect(r.status == 0, "\(r.stderr)")
        let rewards = try Self.read(a + "/rewards.csv")
        let header = rewards.split(separator: "\n")[0]
        #expect(header == "iteration,env_steps,wall_time_s,mean_episode_return,cumulative_reward,smoothed_return_last20,episodes,mean_step_reward,learning_rate,clip_range,policy_loss,value_loss,entropy,approx_kl,clip_fraction,explained_variance,grad_norm")
        #expect(rewards.split(separator: "\n").count == 5)   // 2048 steps = 4 iterations of 4 × 128
        #expect(Self.withoutColumn(rewards, named: "wall_time_s") == Self.withoutColumn(try Self.read(b + "/rewards.csv"), named: "wall_time_s"))

        let monitor = try Self.read(a + "/monitor.csv").split(separator: "\n").map(String.init)
        let json = try JSONSerialization.jsonObject(with: Data(monitor[0].dropFirst().utf8)) as! [String: Any]
        #expect(monitor[0].hasPrefix("#{\"t_start\": ") && json["env_id"] as? String == "CartPole-v1" && json["t_start"] is Double)
        #expect(monitor[1] == "r,l,t")
        let episodes = monitor.dropFirst(2).map { $0.split(separator: ",") }
        #expect(!episodes.isEmpty && episodes.allSatisfy { $0.count == 3 && Double($0[0]) == Double($0[1]) })  // CartPole: return = length
        let rl = { (m: [String]) in m.dropFirst(2).map { $0.split(separator: ",").prefix(2).joined(separator: ",") } }
        #expect(rl(monitor) == rl(try Self.read(b + "/monitor.csv").split(separator: "\n").map(String.init)))

        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a + "/summary.json"))) as! [String: Any]
        #expect(summary["steps"] as? Int == 2048 && (summary["evaluation_returns"] as? [Double])?.count == 2)

        // Resume to 4096 steps: iterations 5…8 follow, the schedule from the saved position.
        let c = dir.appendingPathComponent("c").path
        r = try runSagin(["ppo", "--env", "cartpole", "--resume", a + "/policy.safetensors", "--steps", "4096", "--out", c])
        #expect(r.status == 0, "\(r.stderr)")
        let resumed = try Self.read(c + "/rewards.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(resumed.map { Int($0[0])! } == [5, 6, 7, 8])
        #expect(resumed.map { Int($0[1])! } == [2560, 3072, 3584, 4096])
        #expect(Float(resumed[0][8])! == Float(2.5e-4 * (1 - 4.0 / 8)))   // lr of iteration 5 of 8
    }

    @Test("ppo refuses bad settings and a missing checkpoint, writing nothing")
    func ppoErrors() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x").path
        for (args, message) in [(["--env", "mountaincar"], "--env: expected cartpole, pendulum or sagin"),
                                (["--settings", "fast"], "--settings: expected"),
                                (["--minibatches", "3"], "must divide the batch"),
                                (["--resume", "/nonexistent.safetensors"], "does not exist"),
                                (["--steps", "10"], "at least one rollout")] {
            let r = try runSagin(["ppo"] + args + ["--out", out])
            #expect(r.status != 0 && r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }

    @Test("compare: one run per channel and seed, comparison.csv, curves.csv and reward_curves.svg with the documented columns")
    func compare() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cmp").path
        let r = try runSagin(["compare", Self.topology, "--channels", "oracle,blind", "--seeds", "2", "--iterations", "2",
                              "--envs", "2", "--rollout-steps", "32", "--minibatches", "2", "--epochs", "1", "--eval-episodes", "2",
                              "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let comparison = try Self.read(out + "/comparison.csv").split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(comparison[0].joined(separator: ",") == "channel,seeds,eval_return_mean,eval_return_std,eval_return_min,eval_return_max,equal_power_return,gain_over_equal_power,eval_sum_rate_mean,eval_outages_per_step,train_return_mean,train_return_std,env_steps,train_time_s_mean,belief_los_accuracy,belief_path_loss_rmse_db")
        #expect(comparison.dropFirst().map { String($0[0]) } == ["oracle", "blind"])
        for row in comparison.dropFirst() {
            #expect(row[1] == "2" && row[12] == "128")
            let mean = Double(row[2])!, low = Double(row[4])!, high = Double(row[5])!
            #expect(low <= mean && mean <= high)
            // Every run is evaluated on the same seeds against the same truth: the equal-power baseline
            // is the same number for both channels.
            #expect(row[6] == comparison[1][6])
        }
        // The oracle's belief is the truth; blind's LOS probability is 0.5 (counted as LOS).
        #expect(comparison[1][14] == "1" && comparison[1][15] == "0")
        #expect(Double(comparison[2][15])! > 1)
        let curves = try Self.read(out + "/curves.csv").split(separator: "\n")
        #expect(curves[0] == "channel,seed,iteration,env_steps,mean_episode_return,smoothed_return,cumulative_reward")
        #expect(curves.count == 1 + 2 * 2 * 2)
        let svg = try Self.read(out + "/reward_curves.svg")
        #expect(svg.hasPrefix("<svg") && svg.components(separatedBy: "<polyline").count - 1 == 2)
        for run in ["oracle-seed1", "oracle-seed2", "blind-seed1", "blind-seed2"] {
            for file in ["rewards.csv", "monitor.csv", "policy.safetensors"] {
                #expect(FileManager.default.fileExists(atPath: "\(out)/runs/\(run)/\(file)"), "\(run)/\(file)")
            }
        }
        let monitor = try Self.read(out + "/runs/oracle-seed1/monitor.csv")
        #expect(monitor.hasPrefix("#{\"t_start\": ") && monitor.contains("\"env_id\": \"SaginPowerAllocation-v0\"}\nr,l,t\n"))
    }

    @Test("compare trains a missing channel model first, says so, and keeps it in models/")
    func compareTrainsMissingModel() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cmp").path
        let r = try runSagin(["compare", Self.topology, "--channels", "gan", "--seeds", "1", "--iterations", "1", "--envs", "2",
                              "--rollout-steps", "32", "--minibatches", "2", "--epochs", "1", "--eval-episodes", "1",
                              "--train-samples", "200", "--model-steps", "10", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("no model given for gan: training it here (models/)"), "\(r.stdout)")
        #expect(r.stdout.contains("sagin train --model gan --data models/train.csv --out models/gan.safetensors --steps 10"))
        #expect(r.stdout.contains("models trained here: \(out)/models/gan.safetensors"), "\(r.stdout)")
        for file in ["models/train.csv", "models/gan.safetensors", "comparison.csv", "runs/gan-seed1/policy.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "\(file)")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as! [String: Any]
        #expect((summary["models_trained_here"] as? [String: String])?["gan"] == "models/gan.safetensors")
    }

    @Test("compare refuses unknown channels and bad model arguments before any work")
    func compareErrors() throws {
        let dir = OrbitCommandsTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cmp").path
        for (args, message) in [(["--channels", "oracle,ray-tracer"], "unknown channel 'ray-tracer'"),
                                (["--channel-model", "gdm"], "expected gdm=PATH"),
                                (["--channel-model", "gan=/nonexistent"], "does not exist"),
                                (["--seeds", "0"], "--seeds must be at least 1")] {
            let r = try runSagin(["compare", Self.topology] + args + ["--out", out])
            #expect(r.status != 0 && r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
