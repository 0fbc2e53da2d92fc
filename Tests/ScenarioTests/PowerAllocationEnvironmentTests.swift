import Channels
import Foundation
import Learn
import Links
import SimCore
import Testing
@testable import Scenario

/// The repository root, found from this file's path.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A provider that is wrong about everything: no loss at all, never line of sight.
private struct WrongProvider: ChannelProvider {
    var name: String { "wrong" }
    func estimate(_ geometry: LinkGeometry, at time: SimTime) -> ChannelState {
        ChannelState(freeSpaceLossDb: 0, losProbability: 0)
    }
}

@Suite("Power-allocation RL environment")
struct PowerAllocationEnvironmentTests {
    /// Topologies/default.yaml (its `rl` section: 8 users, 32 steps, a LEO shell) over a 400 m city.
    static let defaultContext: PowerAllocationContext = {
        let topology = try! TopologyLoader.load(path: repositoryRoot.appendingPathComponent("Topologies/default.yaml").path)
        return try! PowerAllocationContext(topology: topology, sceneOptions: sceneOptions(400))
    }()

    /// One fixed HAP 20 km above the area, nadir-pointing, so every epoch has access; 4 users,
    /// proportional-fair reward, 5 steps of 2 s.
    static let hapsTopology = """
    scenario:
      name: rl-haps
      epoch: 2024-05-12T00:00:00Z
      duration: 1min
      seed: 9
      environment: urban
      area: {center: {lat: 48.8566, lon: 2.3522}, radius_km: 1}
    haps:
      - name: hap-1
        trajectory: {type: fixed, point: {lat: 48.8566, lon: 2.3522, alt_m: 20000}}
    links:
      - {type: user-haps, frequency_ghz: 2.0, bandwidth_mhz: 10, min_elevation_deg: 10}
    rl:
      serving: hap-1
      users: 4
      power_budget_w: 5
      decision_interval: 2s
      episode_steps: 5
      reward: proportional-fair
      power_cost: 0.2
      outage_snr_db: 3
      outage_penalty: 1
      scene: 3
      channel: blind
    """

    static let hapsContext: PowerAllocationContext = {
        let topology = try! TopologyLoader.load(yaml: hapsTopology, path: "Topologies/rl-haps.yaml")
        return try! PowerAllocationContext(topology: topology, sceneOptions: sceneOptions(300))
    }()

    static func sceneOptions(_ size: Double) -> SceneSource.Options {
        var o = SceneSource.Options()
        o.sizeMeters = size
        return o
    }

    /// A reproducible action sequence (values beyond the bounds included, to exercise clipping).
    static func actions(count: Int, size: Int, seed: UInt64) -> [[Float]] {
        let rng = RandomStreams(seed: seed).stream("test/actions")
        return (0 ..< count).map { _ in (0 ..< size).map { _ in Float(rng.uniform(-4, 4)) } }
    }

    /// Runs one episode; returns the reset observation and every step result.
    static func episode(_ env: PowerAllocationEnvironment, seed: UInt64, actions: [[Float]]) -> ([Float], [StepResult]) {
        let first = env.reset(seed: seed)
        return (first, actions.map { env.step($0) })
    }

    @Test("the rl section of default.yaml loads with the documented values")
    func defaultSection() throws {
        let rl = Self.defaultContext.spec
        #expect(rl == RLSpec(link: .userSatellite))
        #expect(Self.defaultContext.topology.rl.serving == "satellite")
        #expect(Self.defaultContext.link.type == .userSatellite)
        let env = PowerAllocationEnvironment(context: Self.defaultContext)
        #expect(env.id == "SaginPowerAllocation-v0")
        #expect(env.observationSize == 5 * 8 + 2)
        #expect(env.actionSpace == .box(low: [Float](repeating: -5, count: 9), high: [Float](repeating: 5, count: 9)))
        // The inline topology: a named HAP, proportional fair, its own numbers.
        let h = Self.hapsContext.spec
        #expect(h.serving == "hap-1" && h.users == 4 && h.powerBudgetW == 5 && h.decisionInterval == .seconds(2))
        #expect(h.reward == .proportionalFair && h.outageSnrDb == 3 && h.scene == .seed(3) && h.channel == "blind")
        #expect(Self.hapsContext.servingKind == .haps && Self.hapsContext.servingNode == "hap-1")
    }

    @Test("the reward is the truth's: a wrong provider changes observations, never rewards or info")
    func rewardOnTruth() {
        let oracle = PowerAllocationEnvironment(context: Self.defaultContext.with(belief: .oracle))
        let wrong = PowerAllocationEnvironment(context: Self.defaultContext.with(belief: .provider(WrongProvider())))
        let empirical = PowerAllocationEnvironment(context: Self.defaultContext)
        let actions = Self.actions(count: 32, size: 9, seed: 1)
        for seed: UInt64 in [3, 4] {
            let (o0, o) = Self.episode(oracle, seed: seed, actions: actions)
            let (w0, w) = Self.episode(wrong, seed: seed, actions: actions)
            let (_, e) = Self.episode(empirical, seed: seed, actions: actions)
            #expect(o.map(\.reward) == w.map(\.reward))
            #expect(o.map(\.info) == w.map(\.info))
            #expect(o.map(\.reward) == e.map(\.reward))
            #expect(o.map(\.truncated) == w.map(\.truncated))
            // The belief columns differ (where there is access), the rest do not.
            #expect(o0 != w0 || o.map(\.observation) != w.map(\.observation))
            #expect(o.contains { $0.info["access"] == 1 })
            for (a, b) in zip([o0] + o.map(\.observation), [w0] + w.map(\.observation)) {
                for u in 0 ..< 8 { #expect(a[5 * u + 3] == b[5 * u + 3] && a[5 * u + 4] == b[5 * u + 4]) }
                #expect(a[40] == b[40] && a[41] == b[41])
            }
        }
    }

    /// The allocation of an action, written out: clip to ±5, softmax, sigmoid.
    static func handAllocation(_ action: [Float], users k: Int) -> (shares: [Double], fraction: Double) {
        let clipped = action.map { Double(min(max($0, -5), 5)) }
        let e = clipped.prefix(k).map { exp($0) }
        return (e.map { $0 / e.reduce(0, +) }, 1 / (1 + exp(-clipped[k])))
    }

    /// The reward of an allocation on `env`'s current epoch, by hand from the truth.
    static func handReward(_ env: PowerAllocationEnvironment, shares: [Double], fraction: Double)
        -> (reward: Double, sumRate: Double, outages: Int) {
        let c = env.context
        let k = c.users
        // k·T·(B/K) in dBW.
        let noise = -228.5991671732177 + 10 * log10(c.userRadio.effectiveSystemTemperatureK)
            + 10 * log10(c.link.bandwidthHz / Double(k))
        var utility = 0.0, sumRate = 0.0, outages = 0
        for (u, user) in env.epoch.users.enumerated() {
            let p = c.spec.powerBudgetW * fraction * shares[u]
            let rxDbw = 10 * log10(p) + user.txGainDb + user.rxGainDb - user.truth.totalPathLossDb
            let snrDb = rxDbw - noise
            let rate = log2(1 + pow(10, snrDb / 10))
            sumRate += rate
            utility += env.demandWeights[u] * (c.spec.reward == .sumRate ? rate : log(0.01 + rate))
            if snrDb < c.spec.outageSnrDb { outages += 1 }
        }
        let reward = utility / Double(k) - c.spec.powerCost * fraction - c.spec.outagePenalty * Double(outages) / Double(k)
        return (reward, sumRate, outages)
    }

    @Test("one step's reward, recomputed by hand from the truth (sum-rate and proportional-fair)")
    func closedForm() throws {
        for context in [Self.defaultContext, Self.hapsContext] {
            let env = PowerAllocationEnvironment(context: context)
            let k = context.users
            // An episode whose first epoch has access.
            var seed: UInt64 = 1
            env.reset(seed: seed)
            while !env.epoch.access && seed < 40 { seed += 1; env.reset(seed: seed) }
            try #require(env.epoch.access, "no seed in 1…40 starts with access")
            #expect(abs(context.subbandNoisePowerDbw - (-228.5991671732177 + 10 * log10(context.userRadio.effectiveSystemTemperatureK)
                                                        + 10 * log10(context.link.bandwidthHz / Double(k)))) < 1e-9)
            var outagesSeen = 0
            for action in [Self.actions(count: 1, size: k + 1, seed: seed)[0],
                           [Float](repeating: 0, count: k + 1),
                           (0 ... k).map { $0 == 0 ? Float(3) : Float(-3) }] {
                env.reset(seed: seed)
                let (shares, fraction) = Self.handAllocation(action, users: k)
                let expected = Self.handReward(env, shares: shares, fraction: fraction)
                let equal = Self.handReward(env, shares: [Double](repeating: 1 / Double(k), count: k), fraction: 1)
                let r = env.step(action)
                #expect(abs(r.reward - expected.reward) < 1e-9, "\(r.reward) vs \(expected.reward)")
                #expect(abs(r.info["true_sum_rate"]! - expected.sumRate) < 1e-9)
                #expect(r.info["outages"] == Double(expected.outages))
                #expect(abs(r.info["power_fraction"]! - fraction) < 1e-15)
                #expect(abs(r.info["equal_power_reward"]! - equal.reward) < 1e-9)
                outagesSeen += expected.outages
            }
            // The concentrated allocation starves K − 1 users: the outage term is exercised.
            #expect(outagesSeen > 0)
            // The numbers are sensible: above the horizon, the truth's loss near or above free space.
            for user in env.epoch.users {
                #expect(user.truth.totalPathLossDb > user.truth.freeSpaceLossDb - 40)
                #expect(user.geometry.elevationDeg > 0)
            }
        }
    }

    @Test("same seed and actions: identical episodes, even interleaved; another seed differs")
    func determinism() {
        let a = PowerAllocationEnvironment(context: Self.defaultContext)
        let b = PowerAllocationEnvironment(context: Self.defaultContext)
        let actions = Self.actions(count: 32, size: 9, seed: 2)
        let a0 = a.reset(seed: 11)
        // b runs another episode first, then the same one step for step alongside a.
        _ = Self.episode(b, seed: 12, actions: Array(actions.prefix(5)))
        let b0 = b.reset(seed: 11)
        #expect(a0 == b0)
        var other = PowerAllocationEnvironment(context: Self.defaultContext)
        let c0 = other.reset(seed: 99)
        for action in actions {
            let ra = a.step(action)
            _ = other.step(Array(action.reversed()))
            let rb = b.step(action)
            #expect(ra == rb)
            #expect(ra.reward.bitPattern == rb.reward.bitPattern)
        }
        #expect(a.startTime == b.startTime)
        // Another seed: another start, other users, other weights.
        #expect(c0 != a0)
        other = PowerAllocationEnvironment(context: Self.defaultContext)
        other.reset(seed: 12)
        a.reset(seed: 11)
        #expect(other.startTime != a.startTime || other.epoch.users.map(\.name) != a.epoch.users.map(\.name))
        #expect(other.demandWeights != a.demandWeights)
        // Users stand on distinct cells; the weights average 1.
        #expect(Set(a.epoch.users.map(\.name)).count == 8)
        #expect(abs(a.demandWeights.reduce(0, +) / 8 - 1) < 1e-12)
        // The start leaves room for the episode and is a whole second.
        #expect(a.startTime.nanoseconds % 1_000_000_000 == 0)
        #expect(a.startTime.seconds + 32 * 10 <= 3600)
    }

    @Test("action mapping: softmax shares sum to 1, sigmoid fraction in (0, 1); zero is equal shares at half budget")
    func actionMapping() {
        let rng = RandomStreams(seed: 5).stream("test/mapping")
        for _ in 0 ..< 200 {
            let k = 1 + rng.integer(below: 12)
            let action = (0 ... k).map { _ in Float(rng.uniform(-10, 10)) }
            let (shares, fraction) = PowerAllocationEnvironment.allocation(action, users: k)
            #expect(shares.count == k)
            #expect(abs(shares.reduce(0, +) - 1) < 1e-12)
            #expect(shares.allSatisfy { $0 > 0 })
            #expect(fraction > 0 && fraction < 1)
            // Clipped to ±5: the largest share ratio is at most e¹⁰, the fraction within sigmoid(±5).
            #expect(shares.max()! / shares.min()! <= exp(10.0) * (1 + 1e-12))
            #expect(fraction >= 1 / (1 + exp(5.0)) - 1e-15 && fraction <= 1 / (1 + exp(-5.0)) + 1e-15)
        }
        let (shares, fraction) = PowerAllocationEnvironment.allocation([0, 0, 0, 0, 0], users: 4)
        #expect(shares == [0.25, 0.25, 0.25, 0.25] && fraction == 0.5)
        #expect(PowerAllocationEnvironment.allocation([.nan, 0, 0], users: 2).shares == [0.5, 0.5])
        #expect(PowerAllocationEnvironment.allocation([100, 0, 100], users: 2) == PowerAllocationEnvironment.allocation([5, 0, 5], users: 2))
        // The observation records the previous allocation: share × K, then the fraction.
        let env = PowerAllocationEnvironment(context: Self.hapsContext)
        let first = env.reset(seed: 1)
        #expect((0 ..< 4).allSatisfy { first[5 * $0 + 3] == 1 } && first[20] == 0 && first[21] == 1)
        let obs = env.step([0, 0, 0, 0, 0]).observation
        #expect((0 ..< 4).allSatisfy { obs[5 * $0 + 3] == 1 } && obs[20] == Float(0.2) && obs[21] == 0.5)
        let skewed = env.step([3, -3, -3, -3, 0]).observation
        let s = PowerAllocationEnvironment.allocation([3, -3, -3, -3, 0], users: 4).shares
        #expect((0 ..< 4).allSatisfy { skewed[5 * $0 + 3] == Float(s[$0] * 4) })
    }

    @Test("oracle's belief is the truth; blind sees free space at the slant range and LOS probability 0.5")
    func oracleAndBlind() {
        let oracle = PowerAllocationEnvironment(context: Self.defaultContext.with(belief: .oracle))
        oracle.reset(seed: 21)
        var checked = 0
        for _ in 0 ..< 8 {
            if oracle.epoch.access {
                for user in oracle.epoch.users { #expect(user.belief == user.truth) }
                checked += 1
            }
            _ = oracle.step([Float](repeating: 0, count: 9))
        }
        #expect(checked > 0)

        let blind = PowerAllocationEnvironment(context: Self.hapsContext)
        var obs = blind.reset(seed: 2)
        let c = Self.hapsContext
        for _ in 0 ..< 4 {
            #expect(blind.epoch.access)
            for (u, user) in blind.epoch.users.enumerated() {
                let fspl = FreeSpace.pathLossDb(distanceMeters: user.geometry.slantRangeMeters, frequencyHz: 2e9)
                #expect(user.belief.totalPathLossDb == fspl)
                #expect(obs[5 * u] == Float((fspl - c.referenceLossDb) / 10))
                #expect(obs[5 * u + 1] == 0.5)
                // The truth is not free space: the scene and fading make it differ.
                #expect(user.truth.totalPathLossDb != fspl)
            }
            obs = blind.step([1, 0, -1, 0.5, 2]).observation
        }
        // The same distance gives the same belief columns whatever the truth.
        let first = blind.epoch.users[0]
        let twin = ChannelState(freeSpaceLossDb: FreeSpace.pathLossDb(distanceMeters: first.geometry.slantRangeMeters, frequencyHz: 2e9),
                                losProbability: 0.5)
        #expect(first.belief == twin)
        // HAP 20 km up: the reference is free space over 20 km, so the loss column is small.
        #expect(abs(c.referenceLossDb - FreeSpace.pathLossDb(distanceMeters: 20_000, frequencyHz: 2e9)) < 0.01)
        #expect(abs(obs[0]) < 0.5)
    }

    @Test("topology errors name the file, line and key")
    func topologyErrors() throws {
        let base = """
        scenario:
          name: t
          epoch: 2024-05-12T00:00:00Z
          duration: 1h
        constellations:
          - name: leo
            walker: {planes: 2, per_plane: 2, phasing: 1, altitude_km: 550, inclination_deg: 53}
        rl:

        """
        func error(_ rl: String) throws -> TopologyError {
            try #require(TopologyTestSupport.loadError(base + rl, path: "Topologies/rl.yaml"), "expected an error for \(rl)")
        }
        let serving = try error("  users: 4\n  serving: haps\n")
        #expect(serving.kind == .invalidValue && serving.file == "Topologies/rl.yaml" && serving.line == 10 && serving.keyPath == "rl.serving")
        #expect(serving.message.contains("no node of kind 'haps'"), "\(serving)")
        let name = try error("  serving: satelite\n")
        #expect(name.kind == .invalidValue && name.line == 9 && name.keyPath == "rl.serving" && name.message.contains("did you mean 'satellite'"), "\(name)")
        #expect(TopologyTestSupport.loadError(base + "  serving: leo-1-1\n", path: "Topologies/rl.yaml") == nil)
        let users = try error("  users: 0\n")
        #expect(users.kind == .outOfRange && users.line == 9 && users.column == 10 && users.keyPath == "rl.users", "\(users)")
        #expect(users.description == "Topologies/rl.yaml:9:10: rl.users: expected a number of users in [1, 4096], found 0")
        let unknown = try error("  users: 4\n  usres: 4\n")
        #expect(unknown.kind == .unknownKey && unknown.line == 10 && unknown.keyPath == "rl.usres", "\(unknown)")
        #expect(unknown.message.hasPrefix("unknown key 'usres'; did you mean 'users'?"))
        let link = try error("  link: user-haps\n")
        #expect(link.kind == .invalidValue && link.keyPath == "rl.link" && link.line == 9, "\(link)")
        let long = try error("  episode_steps: 400\n")
        #expect(long.kind == .outOfRange && long.keyPath == "rl.episode_steps", "\(long)")
        let channel = try error("  channel: oracel\n")
        #expect(channel.kind == .invalidValue && channel.message.contains("did you mean 'oracle'"), "\(channel)")
        let model = try error("  channel: gdm\n")
        #expect(model.kind == .missingKey && model.keyPath == "rl.channel_model", "\(model)")
        let reward = try error("  reward: sum_rate\n")
        #expect(reward.kind == .invalidValue && reward.message.contains("did you mean 'sum-rate'"), "\(reward)")

        // Settings that only the built scenario can check: a clear error naming the file and key.
        var topology = Self.defaultContext.topology
        topology.rl.serving = "haps"
        let kind = try #require(throws: PowerAllocationError.self) {
            _ = try PowerAllocationContext(topology: topology, sceneOptions: Self.sceneOptions(200))
        }
        #expect(kind.keyPath == "rl.serving" && kind.file.hasSuffix("Topologies/default.yaml"))
        #expect("\(kind)" == "\(kind.file): rl.serving: no node of kind 'haps' in \(kind.file)")
        let provider = try #require(throws: PowerAllocationError.self) {
            _ = try PowerAllocationContext(topology: Self.defaultContext.topology, channel: "raytrace")
        }
        #expect("\(provider)".contains("--channel: unknown channel provider 'raytrace'") && "\(provider)".contains("oracle, blind"))
        let trace = try #require(throws: PowerAllocationError.self) {
            _ = try PowerAllocationContext(topology: Self.defaultContext.topology, channel: "trace")
        }
        #expect("\(trace)".contains("cannot answer the environment's arbitrary (user, instant) queries"))
    }

    /// The satellite highest over the scene centre at `t`, propagating every satellite.
    static func bruteForceServing(_ context: PowerAllocationContext, at t: SimTime) -> (name: String, elevationDeg: Double) {
        var uppers = context.uppers
        var x = [Double](repeating: 0, count: uppers.count), y = x, z = x
        uppers.fill(at: t, epoch: context.topology.scenario.epoch, x: &x, y: &y, z: &z)
        let centre = context.scene.geodetic(ofENU: SIMD3(0, 0, context.receiverHeightMeters))
        var best = (name: "", elevationDeg: -Double.infinity)
        for i in uppers.satelliteRange {
            let look = Sky.look(lower: centre.ecefKm, geodetic: centre, upper: SIMD3(x[i], y[i], z[i]))
            if look.elevationDeg > best.elevationDeg { best = (uppers.names[i], look.elevationDeg) }
        }
        return best
    }

    @Test("the serving satellite is the highest over the scene centre; without access every user is in outage")
    func servingAndNoAccess() throws {
        // default.yaml: 528 satellites, culling cones refreshed every 6 epochs of 10 s.
        #expect(Self.defaultContext.refreshEpochs == 6)
        let env = PowerAllocationEnvironment(context: Self.defaultContext)
        for seed: UInt64 in [7, 8] {
            env.reset(seed: seed)
            for n in 0 ... 12 {
                let truth = Self.bruteForceServing(Self.defaultContext, at: env.epoch.time)
                #expect(env.epoch.serving == truth.name, "epoch \(n)")
                #expect(abs(env.epoch.servingElevationDeg - truth.elevationDeg) < 1e-6)
                if n < 12 { _ = env.step([Float](repeating: 0, count: 9)) }
            }
        }

        // Six satellites: mostly no access. Rewards are then −cost·f − penalty, the belief columns fixed.
        let sparse = try TopologyLoader.load(yaml: """
        scenario:
          name: sparse
          epoch: 2024-05-12T00:00:00Z
          duration: 6h
          seed: 4
          area: {center: {lat: 48.8566, lon: 2.3522}, radius_km: 1}
        constellations:
          - name: leo
            walker: {planes: 2, per_plane: 3, phasing: 1, altitude_km: 550, inclination_deg: 53}
        rl: {users: 2, episode_steps: 60, decision_interval: 60s, outage_penalty: 0.5, power_cost: 0.1}
        """, path: "Topologies/sparse.yaml")
        let context = try PowerAllocationContext(topology: sparse, sceneOptions: Self.sceneOptions(200))
        let sparseEnv = PowerAllocationEnvironment(context: context)
        var withAccess = 0, without = 0
        for seed: UInt64 in 0 ..< 6 {
            var obs = sparseEnv.reset(seed: seed)
            for _ in 0 ..< 60 {
                let truth = Self.bruteForceServing(context, at: sparseEnv.epoch.time)
                #expect(sparseEnv.epoch.serving == truth.name)
                #expect(sparseEnv.epoch.access == (truth.elevationDeg >= 25))
                let access = sparseEnv.epoch.access
                if !access {
                    #expect(obs[0] == 10 && obs[1] == 0 && obs[2] == -10 && obs[5] == 10)
                }
                let r = sparseEnv.step([1, -1, 0])
                #expect(r.info["access"] == (access ? 1 : 0))
                if access {
                    withAccess += 1
                } else {
                    without += 1
                    let f = 1 / (1 + exp(-0.0))
                    #expect(r.info["outages"] == 2 && r.info["true_sum_rate"] == 0)
                    #expect(abs(r.reward - (-0.1 * f - 0.5)) < 1e-12)
                    #expect(abs(r.info["equal_power_reward"]! - (-0.1 - 0.5)) < 1e-12)
                }
                obs = r.observation
            }
        }
        #expect(without > 0 && withAccess > 0, "\(withAccess) epochs with access, \(without) without")
    }

    @Test("truncated exactly at episode_steps; never terminated; reset starts again")
    func truncation() {
        let env = PowerAllocationEnvironment(context: Self.hapsContext)
        for seed: UInt64 in [1, 2] {
            let first = env.reset(seed: seed)
            #expect(first.count == env.observationSize)
            for n in 1 ... 5 {
                let r = env.step([0, 0, 0, 0, 0])
                #expect(!r.terminated)
                #expect(r.truncated == (n == 5))
                #expect(r.observation.count == 22)
                #expect(r.observation[20] == Float(Double(n) / 5))
                #expect(env.epoch.time == env.startTime + .seconds(Int64(2 * n)))
            }
        }
        // With a vector environment the episodes are 5 steps long.
        let vector = VectorEnvironment([PowerAllocationEnvironment(context: Self.hapsContext),
                                        PowerAllocationEnvironment(context: Self.hapsContext)], seed: 3)
        for _ in 0 ..< 10 { _ = vector.step([[0, 0, 0, 0, 0], [1, 1, 1, 1, 1]]) }
        #expect(vector.episodes.count == 4 && vector.episodes.allSatisfy { $0.length == 5 })
    }
}
