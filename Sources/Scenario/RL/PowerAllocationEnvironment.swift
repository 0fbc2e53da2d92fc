// SaginPowerAllocation-v0: downlink power allocation by one serving node to K ground users.
//
// Epochs. An episode has `rl.episode_steps` decisions, `rl.decision_interval` apart, starting at a
// whole second drawn uniformly so that the episode (its last observation included) fits in the
// scenario. At each epoch the serving node is the named node or, for a kind, the node of that kind
// highest over the scene centre. When it is below the link's `min_elevation_deg` there is no access:
// every user gets SNR 0 (rate 0, in outage) and the belief columns carry the no-access values below.
//
// Action: K + 1 numbers in [-5, 5] (clipped here as well). The first K go through a softmax to the
// shares s_k, the last through a sigmoid to the fraction f of the budget used; p_k = budget·f·s_k.
//
// Truth and reward. The true channel is a GroundTruth sample (scene ray casting for LOS, TR 38.811 or
// Al-Hourani loss, seeded shadowing and fading) of the link (serving node, user) at the epoch. The link
// budget of user k: P_rx = 10·log10(p_k) + G_tx + G_rx − L_true (dBW), with G_tx the serving node's
// antenna gain towards the user (its pointing applied) minus its other losses and G_rx likewise for the
// user's radio; noise N = k·T_sys·(B/K) (equal orthogonal subbands); SNR_k = 10^((P_rx − N)/10);
// rate_k = log2(1 + SNR_k) bit/s/Hz. With demand weights w_k (mean 1):
//   sum-rate:           r = Σ_k w_k·rate_k / K
//   proportional-fair:  r = Σ_k w_k·ln(0.01 + rate_k) / K
// minus power_cost·f, minus outage_penalty·(users with SNR_k in dB < outage_snr_db)/K.
// The belief never enters the reward.
//
// Observation (Float32, 5K + 2), per user k = 0 … K−1 then global:
//   5k + 0  (belief total path loss − reference loss) / 10            (no access: 10)
//   5k + 1  belief LOS probability                                     (no access: 0)
//   5k + 2  belief SNR at an equal share of the full budget, dB / 10   (no access: −10)
//   5k + 3  previous power share × K (1 = an equal share)
//   5k + 4  demand weight w_k (mean 1 over the users; fixed for the episode)
//   5K + 0  epoch index / episode_steps
//   5K + 1  previous budget fraction f
// The reference loss is free space over the serving kind's altitude (PowerAllocationContext).
//
// Randomness: reset(seed:) draws from RandomStreams(seed:) streams "rl/start" (episode start),
// "rl/users" (distinct street cells), "rl/demand" (weights); the truth is seeded by scenario.seed and
// keyed by (serving node, user cell, time), so the same seed and actions give the same episode.

import Channels
import Foundation
import Learn
import Links
import Orbits
import SimCore

/// One user's link at the current epoch.
public struct PowerAllocationUser: Sendable {
    /// `rl-<column>-<row>`: the user's street cell (keys the truth's small-scale draws).
    public var name: String
    /// Position in the scene's east-north-up frame, metres.
    public var receiverENU: SIMD3<Double>
    /// Geometry of the link from the serving node.
    public var geometry: LinkGeometry
    /// The true channel (no access: infinite loss).
    public var truth: ChannelState
    /// What the agent is told (no access: infinite loss, LOS probability 0).
    public var belief: ChannelState
    /// The serving node's antenna gain towards the user minus its other losses, dB.
    public var txGainDb: Double
    /// The user's antenna gain towards the serving node minus its other losses, dB.
    public var rxGainDb: Double
}

/// The channels of one decision epoch.
public struct PowerAllocationEpoch: Sendable {
    /// Epoch index in the episode (0 after reset).
    public var index: Int
    /// Simulation time of the epoch (from the scenario epoch).
    public var time: SimTime
    /// The serving node's name.
    public var serving: String
    /// The serving node's elevation over the scene centre, degrees.
    public var servingElevationDeg: Double
    /// False when the serving node is below the link's minimum elevation: nobody is served.
    public var access: Bool
    public var users: [PowerAllocationUser]
}

/// The SAGIN power-allocation environment (`SaginPowerAllocation-v0`): at each decision epoch a
/// serving satellite, HAP or UAV splits its power budget between K ground users in an urban scene;
/// the agent sees the belief of a channel provider, the reward is computed on the ground truth.
/// The layout of actions, observations and rewards is in this file's header and docs/topology.md ("rl").
///
/// ```swift
/// let context = try PowerAllocationContext(topology: topology)
/// let env = PowerAllocationEnvironment(context: context)
/// var obs = env.reset(seed: 1)
/// let r = env.step([Float](repeating: 0, count: context.users + 1))   // equal shares, half the budget
/// r.info["equal_power_reward"]
/// ```
public final class PowerAllocationEnvironment: RLEnvironment {
    public let context: PowerAllocationContext
    public let id = "SaginPowerAllocation-v0"
    public let observationSize: Int
    public let actionSpace: ActionSpace
    /// Action bound: every action number is clipped to ±this.
    public static let actionBound: Float = 5

    /// The current epoch's channels (what the next ``step(_:)`` is rewarded on).
    public private(set) var epoch: PowerAllocationEpoch
    /// Steps taken in this episode.
    public private(set) var steps = 0
    /// Start of the episode, from the scenario epoch.
    public private(set) var startTime = SimTime.zero
    /// Demand weight of each user, mean 1.
    public private(set) var demandWeights: [Double]
    /// The last allocation's shares (equal after reset) and budget fraction (1 after reset).
    public private(set) var previousShares: [Double]
    public private(set) var previousFraction = 1.0

    private var uppers: UpperNodes
    private var x: [Double], y: [Double], z: [Double]
    private var receiverECEF: [SIMD3<Double>]
    private var receiverGeodetic: [Geodetic]
    private var links: [LinkKey]
    /// True SNR per watt of each user at the current epoch (0 without access).
    private var snrPerWatt: [Double]
    private var shares: [Double]
    /// Satellites that may serve until the next refresh of the culling cones.
    private var nearby: [Int] = []
    private var episodeOver = true

    public init(context: PowerAllocationContext) {
        self.context = context
        let k = context.users
        observationSize = 5 * k + 2
        let bound = Self.actionBound
        actionSpace = .box(low: [Float](repeating: -bound, count: k + 1), high: [Float](repeating: bound, count: k + 1))
        uppers = context.uppers
        x = [Double](repeating: 0, count: context.uppers.count)
        y = x
        z = x
        let blankUser = PowerAllocationUser(
            name: "", receiverENU: .zero,
            geometry: LinkGeometry(upperECEFKm: .zero, lowerECEFKm: .zero, elevationDeg: 0, azimuthDeg: 0, slantRangeMeters: 0,
                                   frequencyHz: context.link.frequencyHz, environment: context.topology.scenario.environment,
                                   upperKind: context.servingKind, upperAltitudeMeters: 0, lowerAltitudeMeters: 0),
            truth: ChannelState(freeSpaceLossDb: .infinity), belief: ChannelState(freeSpaceLossDb: .infinity),
            txGainDb: 0, rxGainDb: 0)
        epoch = PowerAllocationEpoch(index: 0, time: .zero, serving: "", servingElevationDeg: 0, access: false,
                                     users: [PowerAllocationUser](repeating: blankUser, count: k))
        demandWeights = [Double](repeating: 1, count: k)
        previousShares = [Double](repeating: 1 / Double(k), count: k)
        receiverECEF = [SIMD3<Double>](repeating: .zero, count: k)
        receiverGeodetic = [Geodetic](repeating: Geodetic(latitudeDeg: 0, longitudeDeg: 0), count: k)
        links = [LinkKey](repeating: LinkKey(upper: "", lower: ""), count: k)
        snrPerWatt = [Double](repeating: 0, count: k)
        shares = [Double](repeating: 0, count: k)
    }

    // MARK: Episodes

    @discardableResult
    public func reset(seed: UInt64) -> [Float] {
        let spec = context.spec
        let k = context.users
        let streams = RandomStreams(seed: seed)

        // Start: a whole second leaving room for episode_steps intervals.
        let spanNs = context.topology.scenario.duration.nanoseconds - spec.decisionInterval.nanoseconds * Int64(spec.episodeSteps)
        let spanSeconds = Int(min(spanNs / 1_000_000_000, Int64(UInt32.max) - 1))
        startTime = .seconds(Int64(streams.stream("rl/start").integer(below: spanSeconds + 1)))

        // Users on distinct street cells.
        let cells = context.streetCells
        let draws = streams.stream("rl/users")
        var taken = Set<Int>()
        for u in 0 ..< k {
            var c = draws.integer(below: cells.count)
            while taken.contains(c) { c = draws.integer(below: cells.count) }
            taken.insert(c)
            let cell = cells[c]
            let centre = context.scene.cellCentre(column: cell.column, row: cell.row)
            let rx = SIMD3(centre.x, centre.y, context.receiverHeightMeters)
            let g = context.scene.geodetic(ofENU: rx)
            receiverGeodetic[u] = g
            receiverECEF[u] = g.ecefKm
            let name = "rl-\(cell.column)-\(cell.row)"
            links[u].lower = name
            epoch.users[u].name = name
            epoch.users[u].receiverENU = rx
        }

        // Demand weights U(0.5, 1.5), normalised to mean 1.
        let demand = streams.stream("rl/demand")
        for u in 0 ..< k { demandWeights[u] = 0.5 + demand.uniform() }
        let mean = demandWeights.reduce(0, +) / Double(k)
        for u in 0 ..< k { demandWeights[u] /= mean }

        for u in 0 ..< k { previousShares[u] = 1 / Double(k) }
        previousFraction = 1
        steps = 0
        episodeOver = false
        loadEpoch(0)
        return observation()
    }

    public func step(_ action: [Float]) -> StepResult {
        precondition(!episodeOver, "PowerAllocationEnvironment: call reset(seed:) before step and after the episode ends")
        let k = context.users
        precondition(action.count == k + 1, "PowerAllocationEnvironment: expected \(k + 1) action numbers, got \(action.count)")
        let fraction = Self.allocate(action, shares: &shares)
        let outcome = evaluate(shares: shares, fraction: fraction)
        let baseline = evaluate(shares: nil, fraction: 1)
        let access = epoch.access

        for u in 0 ..< k { previousShares[u] = shares[u] }
        previousFraction = fraction
        steps += 1
        let truncated = steps >= context.spec.episodeSteps
        episodeOver = truncated
        loadEpoch(steps)
        return StepResult(observation: observation(), reward: outcome.reward, terminated: false, truncated: truncated,
                          info: ["true_sum_rate": outcome.sumRate, "outages": Double(outcome.outages),
                                 "power_fraction": fraction, "equal_power_reward": baseline.reward,
                                 "access": access ? 1 : 0])
    }

    // MARK: Actions and rewards

    /// The allocation an action asks for: softmax shares of the first K numbers (summing to 1) and
    /// the sigmoid of the last as the fraction of the budget used. Numbers are clipped to
    /// ±``actionBound``; NaN counts as 0. The all-zero action gives equal shares and fraction 0.5.
    public static func allocation(_ action: [Float], users k: Int) -> (shares: [Double], fraction: Double) {
        precondition(action.count == k + 1, "allocation: expected \(k + 1) numbers, got \(action.count)")
        var shares = [Double](repeating: 0, count: k)
        let fraction = allocate(action, shares: &shares)
        return (shares, fraction)
    }

    static func allocate(_ action: [Float], shares: inout [Double]) -> Double {
        let k = shares.count
        func clipped(_ v: Float) -> Double {
            v.isNaN ? 0 : Double(min(max(v, -actionBound), actionBound))
        }
        var top = -Double.infinity
        for i in 0 ..< k { top = max(top, clipped(action[i])) }
        var total = 0.0
        for i in 0 ..< k {
            let e = exp(clipped(action[i]) - top)
            shares[i] = e
            total += e
        }
        for i in 0 ..< k { shares[i] /= total }
        return 1 / (1 + exp(-clipped(action[k])))
    }

    /// The reward of an allocation on the current epoch's truth (`shares` nil: equal shares).
    private func evaluate(shares: [Double]?, fraction: Double) -> (reward: Double, sumRate: Double, outages: Int) {
        let spec = context.spec
        let k = context.users
        var utility = 0.0, sumRate = 0.0
        var outages = 0
        for u in 0 ..< k {
            let share = shares?[u] ?? 1 / Double(k)
            let snr = spec.powerBudgetW * fraction * share * snrPerWatt[u]
            let rate = log2(1 + snr)
            sumRate += rate
            switch spec.reward {
            case .sumRate: utility += demandWeights[u] * rate
            case .proportionalFair: utility += demandWeights[u] * log(0.01 + rate)
            }
            if !(10 * log10(snr) >= spec.outageSnrDb) { outages += 1 }
        }
        let reward = utility / Double(k) - spec.powerCost * fraction - spec.outagePenalty * Double(outages) / Double(k)
        return (reward, sumRate, outages)
    }

    // MARK: Epochs

    /// Computes the channels of epoch `n` of the episode into ``epoch`` and `snrPerWatt`.
    private func loadEpoch(_ n: Int) {
        let c = context
        let t = SimTime(nanoseconds: startTime.nanoseconds + Int64(n) * c.spec.decisionInterval.nanoseconds)

        // The serving node: the candidate highest over the scene centre.
        let (best, bestSin) = chooseServing(epoch: n, at: t)
        let upper = SIMD3(x[best], y[best], z[best])
        let elevation = asin(max(-1, min(1, bestSin))) * 180 / .pi
        let access = bestSin >= sin(c.link.minElevationDeg * .pi / 180)
        epoch.index = n
        epoch.time = t
        epoch.serving = uppers.names[best]
        epoch.servingElevationDeg = elevation
        epoch.access = access

        let upperGeodetic = Geodetic(ecefKm: upper)
        let upperENU: SIMD3<Double>? = c.servingKind == .satellite ? nil : c.scene.enu(of: upperGeodetic)
        let radio = uppers.radios[best]
        let txPattern = RadioModel.antenna(radio.antenna)
        let txPointing = RadioModel.pointing(radio.pointing)
        let f = c.link.frequencyHz
        for u in 0 ..< c.users {
            links[u].upper = epoch.serving
            let g = receiverGeodetic[u]
            let lower = receiverECEF[u]
            let look = Sky.look(lower: lower, geodetic: g, upper: upper)
            let geometry = LinkGeometry(
                upperECEFKm: upper, lowerECEFKm: lower, elevationDeg: look.elevationDeg, azimuthDeg: look.azimuthDeg,
                slantRangeMeters: look.rangeKm * 1000, frequencyHz: f, environment: c.topology.scenario.environment,
                upperKind: c.servingKind, upperAltitudeMeters: upperGeodetic.altitudeMeters, lowerAltitudeMeters: g.altitudeMeters)
            let txGain = txPattern.gainDbi(offBoresightDeg: txPointing.offBoresightDeg(from: upper, to: lower), frequencyHz: f)
                - radio.otherLossesDb
            let rxGain = c.rxPattern.gainDbi(offBoresightDeg: c.rxPointing.offBoresightDeg(from: lower, to: upper), frequencyHz: f)
                - c.userRadio.otherLossesDb
            epoch.users[u].geometry = geometry
            epoch.users[u].txGainDb = txGain
            epoch.users[u].rxGainDb = rxGain
            guard access else {
                let none = ChannelState(freeSpaceLossDb: .infinity, losProbability: 0, isLOS: false)
                epoch.users[u].truth = none
                epoch.users[u].belief = none
                snrPerWatt[u] = 0
                continue
            }
            let truth = c.truth.channel(geometry, receiverENU: epoch.users[u].receiverENU, upperENU: upperENU,
                                        link: links[u], at: t)
            epoch.users[u].truth = truth
            switch c.belief {
            case .oracle:
                epoch.users[u].belief = truth
            case .blind:
                epoch.users[u].belief = ChannelState(freeSpaceLossDb: FreeSpace.pathLossDb(distanceMeters: geometry.slantRangeMeters,
                                                                                           frequencyHz: f),
                                                     losProbability: 0.5)
            case .provider(let p):
                epoch.users[u].belief = p.estimate(geometry, at: t)
            }
            snrPerWatt[u] = pow(10, (txGain + rxGain - truth.totalPathLossDb - c.subbandNoisePowerDbw) / 10)
        }
    }

    /// The candidate highest over the scene centre at epoch `n` (time `t`), its position left in x, y, z.
    ///
    /// A kind of many satellites propagates them all (batch SGP4) every `refreshEpochs` epochs and
    /// keeps those inside their culling cones; in between only those are propagated. Whenever none of
    /// them is above the minimum elevation, all are propagated again, so the choice is the same as
    /// propagating everything at every epoch.
    private func chooseServing(epoch n: Int, at t: SimTime) -> (index: Int, sinElevation: Double) {
        let c = context
        let scenarioEpoch = c.topology.scenario.epoch
        func highest(_ indices: [Int]) -> (Int, Double) {
            var best = indices.first ?? c.candidates[0], bestSin = -Double.infinity
            for i in indices {
                let s = Sky.sinElevation(lower: c.centreECEF, up: c.centreUp, upper: SIMD3(x[i], y[i], z[i]))
                if s > bestSin { (best, bestSin) = (i, s) }
            }
            return (best, bestSin)
        }
        guard !c.cullCosine.isEmpty else {
            let gmst = c.servingKind == .satellite ? EarthRotation.gmst(at: scenarioEpoch + t) : 0
            for i in c.candidates {
                let p = uppers.position(i, at: t, epoch: scenarioEpoch, gmst: gmst)
                x[i] = p.x; y[i] = p.y; z[i] = p.z
            }
            return highest(c.candidates)
        }
        let sinMin = sin(c.link.minElevationDeg * .pi / 180)
        if n % c.refreshEpochs != 0 {
            let gmst = EarthRotation.gmst(at: scenarioEpoch + t)
            for i in nearby {
                let p = uppers.position(i, at: t, epoch: scenarioEpoch, gmst: gmst)
                x[i] = p.x; y[i] = p.y; z[i] = p.z
            }
            let (best, bestSin) = highest(nearby)
            if !nearby.isEmpty && bestSin >= sinMin { return (best, bestSin) }
        }
        uppers.fill(at: t, epoch: scenarioEpoch, x: &x, y: &y, z: &z)
        if n % c.refreshEpochs == 0 {
            let centre = c.centreECEF / c.centreECEF.length
            nearby.removeAll(keepingCapacity: true)
            for (j, i) in c.candidates.enumerated() {
                let p = SIMD3(x[i], y[i], z[i])
                let r = p.length
                if r > 0 && (p * centre).sum() >= c.cullCosine[j] * r { nearby.append(i) }
            }
        }
        return highest(c.candidates)
    }

    /// The observation of the current epoch (layout in this file's header).
    private func observation() -> [Float] {
        let c = context
        let k = c.users
        var obs = [Float](repeating: 0, count: observationSize)
        let equalShareDbw = 10 * log10(c.spec.powerBudgetW / Double(k))
        for u in 0 ..< k {
            let user = epoch.users[u]
            let loss = user.belief.totalPathLossDb
            if epoch.access && loss.isFinite {
                obs[5 * u] = Float((loss - c.referenceLossDb) / 10)
                let p = user.belief.losProbability
                obs[5 * u + 1] = p.isFinite ? Float(min(max(p, 0), 1)) : 0.5
                obs[5 * u + 2] = Float((equalShareDbw + user.txGainDb + user.rxGainDb - loss - c.subbandNoisePowerDbw) / 10)
            } else {
                obs[5 * u] = 10
                obs[5 * u + 1] = 0
                obs[5 * u + 2] = -10
            }
            obs[5 * u + 3] = Float(previousShares[u] * Double(k))
            obs[5 * u + 4] = Float(demandWeights[u])
        }
        obs[5 * k] = Float(Double(epoch.index) / Double(c.spec.episodeSteps))
        obs[5 * k + 1] = Float(previousFraction)
        return obs
    }
}
