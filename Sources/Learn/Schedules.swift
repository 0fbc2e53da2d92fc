#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning rate as a function of the step index (0 for the first optimiser step).
///
/// Schedules are closed-form value types: `learningRate(at:)` depends on the step only, so a
/// resumed run continues exactly where it stopped. Formulas are evaluated in double precision
/// and rounded to Float once.
///
/// ```swift
/// let schedule = CosineSchedule(peak: 1e-3, totalSteps: 10_000, warmupSteps: 500, floor: 1e-5)
/// for step in 0 ..< 10_000 {
///     optimizer.learningRate = schedule.learningRate(at: step)
///     …; optimizer.step()
/// }
/// ```
public protocol LearningRateSchedule: Sendable {
    func learningRate(at step: Int) -> Float
}

/// A constant learning rate.
public struct ConstantSchedule: LearningRateSchedule, Equatable {
    public var value: Float
    public init(_ value: Float) { self.value = value }
    public func learningRate(at step: Int) -> Float { value }
}

/// PyTorch `LinearLR`: the base rate times a factor moving linearly from `startFactor` to
/// `endFactor` over `steps` steps, then held:
///
///     lr(t) = base · (s + (e − s) · min(t, T) / T)
///
/// With s < e this is a linear warm-up (PyTorch's defaults are s = 1/3, e = 1, T = 5); with
/// s > e a linear decay. T = 0 gives base·e at every step.
public struct LinearSchedule: LearningRateSchedule, Equatable {
    public var base: Float
    public var startFactor: Float
    public var endFactor: Float
    public var steps: Int

    public init(base: Float, startFactor: Float = 1.0 / 3.0, endFactor: Float = 1, steps: Int = 5) {
        precondition(steps >= 0, "LinearSchedule: steps must be ≥ 0")
        self.base = base; self.startFactor = startFactor; self.endFactor = endFactor; self.steps = steps
    }

    public func learningRate(at step: Int) -> Float {
        if steps == 0 { return Float(Double(base) * Double(endFactor)) }
        let t = Double(min(max(step, 0), steps)) / Double(steps)
        let s = Double(startFactor), e = Double(endFactor)
        return Float(Double(base) * (s + (e - s) * t))
    }
}

/// Linear warm-up from 0 to `peak` over `warmupSteps`, then linear decay to `floor` at
/// `totalSteps`, then held at `floor` (Hugging Face `get_linear_schedule_with_warmup`, which
/// has floor 0):
///
///     lr(t) = peak · t / W                                   t < W
///     lr(t) = floor + (peak − floor) · (T − t) / (T − W)     W ≤ t < T
///     lr(t) = floor                                          t ≥ T
public struct WarmupLinearDecaySchedule: LearningRateSchedule, Equatable {
    public var peak: Float
    public var warmupSteps: Int
    public var totalSteps: Int
    public var floor: Float

    public init(peak: Float, warmupSteps: Int, totalSteps: Int, floor: Float = 0) {
        precondition(warmupSteps >= 0 && totalSteps >= warmupSteps,
                     "WarmupLinearDecaySchedule: need 0 ≤ warmupSteps ≤ totalSteps")
        self.peak = peak; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps; self.floor = floor
    }

    public func learningRate(at step: Int) -> Float {
        let t = max(step, 0)
        if t < warmupSteps { return Float(Double(peak) * Double(t) / Double(warmupSteps)) }
        if t >= totalSteps { return floor }
        let fraction = Double(totalSteps - t) / Double(totalSteps - warmupSteps)
        return Float(Double(floor) + (Double(peak) - Double(floor)) * fraction)
    }
}

/// Cosine annealing from `peak` to `floor` over `totalSteps`, with an optional linear warm-up,
/// then held at `floor`. Without warm-up this is PyTorch `CosineAnnealingLR`'s closed form
/// (base = peak, η_min = floor, T_max = totalSteps):
///
///     lr(t) = peak · t / W                                                  t < W
///     lr(t) = floor + (peak − floor) · (1 + cos(π · (t − W) / (T − W))) / 2  W ≤ t < T
///     lr(t) = floor                                                         t ≥ T
///
/// (PyTorch's `CosineAnnealingLR` keeps following the cosine back up after T_max; this schedule
/// stays at the floor.)
public struct CosineSchedule: LearningRateSchedule, Equatable {
    public var peak: Float
    public var totalSteps: Int
    public var warmupSteps: Int
    public var floor: Float

    public init(peak: Float, totalSteps: Int, warmupSteps: Int = 0, floor: Float = 0) {
        precondition(warmupSteps >= 0 && totalSteps >= warmupSteps,
                     "CosineSchedule: need 0 ≤ warmupSteps ≤ totalSteps")
        self.peak = peak; self.totalSteps = totalSteps; self.warmupSteps = warmupSteps; self.floor = floor
    }

    public func learningRate(at step: Int) -> Float {
        let t = max(step, 0)
        if t < warmupSteps { return Float(Double(peak) * Double(t) / Double(warmupSteps)) }
        if t >= totalSteps { return floor }
        let progress = Double(t - warmupSteps) / Double(totalSteps - warmupSteps)
        return Float(Double(floor) + (Double(peak) - Double(floor)) * (1 + cos(Double.pi * progress)) / 2)
    }
}
