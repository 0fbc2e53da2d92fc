import Channels
import Foundation
import Learn
import Links
import SimCore
import Testing

@Suite("gan and vae channel providers", .serialized)
struct GenerativeChannelProviderTests {
    /// Synthetic channel data: LOS above 45° elevation (excess 2 dB, K 10 dB, DS 10 ns), NLOS below
    /// (excess 30 dB, K −10 dB, DS 100 ns), small noise; 2 GHz.
    static func data(count: Int) -> (x: Tensor, c: Tensor) {
        let rng = RandomStreams(seed: 4).stream("test/channel-data")
        var x: [Float] = [], c: [Float] = []
        for _ in 0 ..< count {
            let el = 10 + 80 * rng.uniform()
            let los = el > 45
            x += [Float((los ? 2 : 30) + rng.normal()), los ? 1 : 0, Float((los ? 10 : -10) + rng.normal()),
                  Float((los ? -8 : -7) + 0.05 * rng.normal())]
            c += [Float(el), 2]
        }
        return (Tensor(shape: [count, 4], values: x), Tensor(shape: [count, 2], values: c))
    }

    nonisolated(unsafe) static let vae: ConditionalVAE = {
        let d = data(count: 2000)
        let model = try! ConditionalVAE(configuration: .init(), dataDimension: 4, conditionDimension: 2, seed: 1)
        _ = try! model.train(x: d.x, c: d.c, steps: 1500)
        return model
    }()

    static func geometry(elevation: Double) -> LinkGeometry {
        LinkGeometry(upperECEFKm: SIMD3(7000, 0, 0), lowerECEFKm: SIMD3(6371, 0, 0), elevationDeg: elevation,
                     azimuthDeg: 0, slantRangeMeters: 1_000_000, frequencyHz: 2e9, environment: .urban,
                     upperKind: .satellite, upperAltitudeMeters: 600e3, lowerAltitudeMeters: 0)
    }

    @Test("the vae provider learns the two regimes: LOS and low excess loss high up, NLOS and ~30 dB low down")
    func regimes() throws {
        let provider = try GenerativeChannelProvider(vae: Self.vae, seed: 3, samples: 32)
        let high = provider.estimate(Self.geometry(elevation: 75), at: .zero)
        let low = provider.estimate(Self.geometry(elevation: 20), at: .zero)
        #expect(high.losProbability > 0.8, "P(LOS) at 75° \(high.losProbability)")
        #expect(low.losProbability < 0.2, "P(LOS) at 20° \(low.losProbability)")
        #expect(abs(high.clutterLossDb - 2) < 4 && abs(low.clutterLossDb - 30) < 4, "\(high.clutterLossDb), \(low.clutterLossDb)")
        #expect((high.kFactorDb ?? 0) > 5 && (low.kFactorDb ?? 0) < -5)
        // Free space, atmosphere and scintillation are TR 38.811's, as the empirical provider's.
        let empirical = EmpiricalChannelProvider.state(Self.geometry(elevation: 75), condition: .los)
        #expect(high.freeSpaceLossDb == empirical.freeSpaceLossDb && high.scintillationLossDb == empirical.scintillationLossDb)
        #expect(provider.name == "vae")
        // Trained at 2 GHz only: a 20 GHz link is answered like the empirical provider.
        var feeder = Self.geometry(elevation: 75)
        feeder.frequencyHz = 20e9
        #expect(!provider.covers(feeder) && provider.covers(Self.geometry(elevation: 75)))
        #expect(provider.estimate(feeder, at: .zero) == EmpiricalChannelProvider.state(feeder, condition: .expected))
    }

    @Test("deterministic by seed: same link and instant, same state; another seed or instant differs")
    func seeds() throws {
        let a = try GenerativeChannelProvider(vae: Self.vae, seed: 3), b = try GenerativeChannelProvider(vae: Self.vae, seed: 3)
        let c = try GenerativeChannelProvider(vae: Self.vae, seed: 4)
        let g = Self.geometry(elevation: 40)
        #expect(a.estimate(g, at: .seconds(5)) == b.estimate(g, at: .seconds(5)))
        #expect(a.draw(g, at: .seconds(5)) != c.draw(g, at: .seconds(5)))
        #expect(a.draw(g, at: .seconds(5)) != a.draw(g, at: .seconds(6)))
        let sampled = a.sampledState(g, at: .seconds(5))
        #expect(sampled.clutterLossDb == Double(Float(a.draw(g, at: .seconds(5))[0][0])))
    }

    @Test("registry: gan and vae need a model file; a model of other shape is refused")
    func registry() throws {
        #expect(throws: ChannelProviderError.missingModel(name: "vae", expected: "a model file written by `sagin train --model vae`")) {
            try ChannelProviders.make(named: "vae")
        }
        let wrong = try ConditionalVAE(configuration: .init(), dataDimension: 3, conditionDimension: 2, seed: 1)
        #expect(throws: ChannelProviderError.self) { try GenerativeChannelProvider(vae: wrong, seed: 0) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("vae.safetensors").path
        try Self.vae.save(to: path)
        let loaded = try ChannelProviders.make(named: "vae", seed: 3, model: path)
        let direct = try GenerativeChannelProvider(vae: Self.vae, seed: 3)
        #expect(loaded.estimate(Self.geometry(elevation: 60), at: .zero) == direct.estimate(Self.geometry(elevation: 60), at: .zero))
    }

    @Test("with scene context the provider follows the receiver's surroundings; without a source it uses the training mean")
    func sceneContext() throws {
        // LOS exactly where the built-up fraction is below 0.3 (any elevation).
        let rng = RandomStreams(seed: 6).stream("test/context-data")
        var x: [Float] = [], c: [Float] = []
        for _ in 0 ..< 2000 {
            let builtUp = rng.uniform() * 0.6, el = 20 + 60 * rng.uniform()
            let los = builtUp < 0.3
            x += [Float((los ? 1 : 25) + rng.normal()), los ? 1 : 0, Float(los ? 8 : -8), -7.5]
            c += [Float(el), 2, Float(builtUp), Float(10 + 20 * builtUp)]
        }
        let vae = try ConditionalVAE(configuration: .init(), dataDimension: 4, conditionDimension: 4, seed: 2)
        _ = try vae.train(x: Tensor(shape: [2000, 4], values: x), c: Tensor(shape: [2000, 4], values: c), steps: 1500)
        let open = try GenerativeChannelProvider(vae: vae, seed: 1, samples: 32, context: { _ in SIMD2(0.05, 11) })
        let dense = try GenerativeChannelProvider(vae: vae, seed: 1, samples: 32, context: { _ in SIMD2(0.55, 21) })
        let g = Self.geometry(elevation: 50)
        #expect(open.usesSceneContext)
        #expect(open.estimate(g, at: .zero).losProbability > 0.8, "open street P(LOS) \(open.estimate(g, at: .zero).losProbability)")
        #expect(dense.estimate(g, at: .zero).losProbability < 0.2, "dense block P(LOS) \(dense.estimate(g, at: .zero).losProbability)")
        // No source: the mean context (built-up ≈ 0.3, the boundary), so an answer in between the two.
        let typical = try GenerativeChannelProvider(vae: vae, seed: 1, samples: 32)
        let p = typical.estimate(g, at: .zero).clutterLossDb
        #expect(p > open.estimate(g, at: .zero).clutterLossDb && p < dense.estimate(g, at: .zero).clutterLossDb)
    }
}
