import SimCore

/// The built-in demonstration of the scheduler (until topology scenarios land): ground users send
/// packets to a UAV relay that forwards them over a satellite uplink.
///
/// Packets arrive as a Poisson process (rate λ); the UAV and the satellite uplink each serve one
/// packet at a time with exponential service times (rates μ₁, μ₂). This is a tandem Jackson network
/// of two M/M/1 queues, so the measured means can be checked against closed forms: per hop
/// ρᵢ = λ/μᵢ, mean packets in system Lᵢ = ρᵢ/(1−ρᵢ), and mean end-to-end delay
/// E[T] = Σ 1/(μᵢ−λ) (Kleinrock, Queueing Systems I, §3.2 and §4.8).
public struct RelayQueueDemo {
    public struct Configuration: Codable, Equatable, Sendable {
        public var seed: UInt64 = 1
        public var duration: SimTime = .hours(1)
        public var arrivalRatePerSecond: Double = 50
        public var uavServiceRatePerSecond: Double = 100
        public var satelliteServiceRatePerSecond: Double = 80
        public var sampleInterval: SimTime = .seconds(10)
        public var batches: Int = 20

        public init() {}

        enum CodingKeys: String, CodingKey {
            case seed, duration, arrivalRatePerSecond = "arrival_rate_per_s", uavServiceRatePerSecond = "uav_service_rate_per_s"
            case satelliteServiceRatePerSecond = "satellite_service_rate_per_s", sampleInterval = "sample_interval", batches
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            seed = try c.decode(UInt64.self, forKey: .seed)
            duration = try SimTime(parsing: c.decode(String.self, forKey: .duration))
            arrivalRatePerSecond = try c.decode(Double.self, forKey: .arrivalRatePerSecond)
            uavServiceRatePerSecond = try c.decode(Double.self, forKey: .uavServiceRatePerSecond)
            satelliteServiceRatePerSecond = try c.decode(Double.self, forKey: .satelliteServiceRatePerSecond)
            sampleInterval = try SimTime(parsing: c.decode(String.self, forKey: .sampleInterval))
            batches = try c.decode(Int.self, forKey: .batches)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(seed, forKey: .seed)
            try c.encode(duration.description, forKey: .duration)
            try c.encode(arrivalRatePerSecond, forKey: .arrivalRatePerSecond)
            try c.encode(uavServiceRatePerSecond, forKey: .uavServiceRatePerSecond)
            try c.encode(satelliteServiceRatePerSecond, forKey: .satelliteServiceRatePerSecond)
            try c.encode(sampleInterval.description, forKey: .sampleInterval)
            try c.encode(batches, forKey: .batches)
        }

        /// Checks rates and times; the error text names the option.
        public func validate() throws(DemoConfigurationError) {
            for (name, v) in [("arrival rate", arrivalRatePerSecond), ("UAV service rate", uavServiceRatePerSecond),
                              ("satellite service rate", satelliteServiceRatePerSecond)] where !(v > 0 && v.isFinite) {
                throw DemoConfigurationError(message: "\(name) must be a positive number, got \(v)")
            }
            guard duration > .zero else { throw DemoConfigurationError(message: "duration must be positive, got \(duration)") }
            guard sampleInterval > .zero else { throw DemoConfigurationError(message: "sample interval must be positive, got \(sampleInterval)") }
            guard batches >= 2 else { throw DemoConfigurationError(message: "need at least 2 batches, got \(batches)") }
        }
    }

    /// One row of the periodic queue sample.
    public struct Sample: Equatable, Sendable {
        public var time: SimTime
        public var uavQueue: Int
        public var satelliteQueue: Int
        public var delivered: Int
    }

    /// A measured mean next to its closed-form value.
    public struct Comparison: Codable, Equatable, Sendable {
        public var measured: Double
        /// Half-width of a 95% confidence interval from batch means (nil where not estimated).
        public var ci95HalfWidth: Double?
        public var theory: Double

        enum CodingKeys: String, CodingKey {
            case measured, ci95HalfWidth = "ci95_half_width", theory
        }
    }

    public struct Result: Equatable, Sendable {
        public var packetsGenerated = 0
        public var packetsDelivered = 0
        public var meanDelaySeconds: Comparison
        public var meanUAVPackets: Comparison
        public var meanSatellitePackets: Comparison
        public var eventsExecuted: UInt64
        public var samples: [Sample]
    }

    enum Event {
        case arrival
        case uavDone
        case satelliteDone
        case sample
    }

    /// A FIFO of packet creation times.
    struct Queue {
        var items: [Int64] = []
        var head = 0
        var count: Int { items.count - head }
        mutating func push(_ t: Int64) { items.append(t) }
        mutating func pop() -> Int64 {
            let t = items[head]
            head += 1
            if head > 4096 && head * 2 > items.count { items.removeFirst(head); head = 0 }
            return t
        }
    }

    struct Model: EventHandler {
        let config: Configuration
        let arrivals: RNGStream
        let uavService: RNGStream
        let satelliteService: RNGStream
        var uav = Queue()
        var satellite = Queue()
        var generated = 0
        var delays: [Double] = []
        var samples: [Sample] = []
        // Time-integrals of queue lengths, for time averages.
        var lastChange: Int64 = 0
        var uavArea = 0.0
        var satelliteArea = 0.0

        mutating func advanceAreas(to t: Int64) {
            let dt = Double(t - lastChange) * 1e-9
            uavArea += Double(uav.count) * dt
            satelliteArea += Double(satellite.count) * dt
            lastChange = t
        }

        func delay(_ stream: RNGStream, rate: Double) -> SimTime {
            SimTime(seconds: stream.exponential(mean: 1 / rate))
        }

        mutating func handle(_ event: Event, in s: Scheduler<Event>) {
            let now = s.now.nanoseconds
            switch event {
            case .arrival:
                advanceAreas(to: now)
                generated += 1
                uav.push(now)
                if uav.count == 1 { s.schedule(after: delay(uavService, rate: config.uavServiceRatePerSecond), .uavDone) }
                s.schedule(after: delay(arrivals, rate: config.arrivalRatePerSecond), .arrival)
            case .uavDone:
                advanceAreas(to: now)
                satellite.push(uav.pop())
                if uav.count > 0 { s.schedule(after: delay(uavService, rate: config.uavServiceRatePerSecond), .uavDone) }
                if satellite.count == 1 {
                    s.schedule(after: delay(satelliteService, rate: config.satelliteServiceRatePerSecond), .satelliteDone)
                }
            case .satelliteDone:
                advanceAreas(to: now)
                delays.append(Double(now - satellite.pop()) * 1e-9)
                if satellite.count > 0 {
                    s.schedule(after: delay(satelliteService, rate: config.satelliteServiceRatePerSecond), .satelliteDone)
                }
            case .sample:
                samples.append(Sample(time: s.now, uavQueue: uav.count, satelliteQueue: satellite.count, delivered: delays.count))
            }
        }
    }

    /// Runs the demonstration. Same configuration (seed included) ⇒ same result.
    public static func run(_ config: Configuration) throws(DemoConfigurationError) -> (Result, SchedulerStatistics) {
        try config.validate()
        let streams = RandomStreams(seed: config.seed)
        var model = Model(config: config, arrivals: streams.stream("demo/arrivals"),
                          uavService: streams.stream("demo/uav-service"),
                          satelliteService: streams.stream("demo/satellite-service"))
        let scheduler = Scheduler<Event>()
        scheduler.schedule(after: model.delay(model.arrivals, rate: config.arrivalRatePerSecond), .arrival)
        // Sampling fires after the packet events of the same instant (larger priority number).
        scheduler.schedulePeriodic(every: config.sampleInterval, startingAt: .zero, priority: 1, .sample)
        scheduler.run(until: config.duration, handler: &model)
        model.advanceAreas(to: config.duration.nanoseconds)

        let lambda = config.arrivalRatePerSecond
        let rho1 = lambda / config.uavServiceRatePerSecond
        let rho2 = lambda / config.satelliteServiceRatePerSecond
        let stable = rho1 < 1 && rho2 < 1
        let horizon = config.duration.seconds
        let (mean, half) = batchMeans(model.delays, batches: config.batches)
        let result = Result(
            packetsGenerated: model.generated,
            packetsDelivered: model.delays.count,
            meanDelaySeconds: Comparison(measured: mean, ci95HalfWidth: half,
                                         theory: stable ? 1 / (config.uavServiceRatePerSecond - lambda) + 1 / (config.satelliteServiceRatePerSecond - lambda) : .infinity),
            meanUAVPackets: Comparison(measured: model.uavArea / horizon, ci95HalfWidth: nil, theory: rho1 < 1 ? rho1 / (1 - rho1) : .infinity),
            meanSatellitePackets: Comparison(measured: model.satelliteArea / horizon, ci95HalfWidth: nil, theory: rho2 < 1 ? rho2 / (1 - rho2) : .infinity),
            eventsExecuted: scheduler.statistics.eventsExecuted,
            samples: model.samples)
        return (result, scheduler.statistics)
    }

    /// Mean and 95% confidence half-width by the method of batch means (consecutive equal batches,
    /// Student-t quantile with batches−1 degrees of freedom).
    static func batchMeans(_ xs: [Double], batches: Int) -> (Double, Double?) {
        guard !xs.isEmpty else { return (.nan, nil) }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let size = xs.count / batches
        guard size > 0 else { return (mean, nil) }
        var means: [Double] = []
        for b in 0 ..< batches {
            let slice = xs[b * size ..< (b + 1) * size]
            means.append(slice.reduce(0, +) / Double(size))
        }
        let m = means.reduce(0, +) / Double(batches)
        let variance = means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(batches - 1)
        let t = SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: Double(batches - 1))
        return (mean, t * (variance / Double(batches)).squareRoot())
    }
}

/// Invalid demonstration settings.
public struct DemoConfigurationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
