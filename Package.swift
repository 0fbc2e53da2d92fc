// swift-tools-version:6.0
import PackageDescription

// Module graph (DESIGN.md): CGSL ← SimCore ← … ← sagin. Dependencies point downwards only.
let package = Package(
    name: "sagin",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "sagin", targets: ["sagin"]),
        .library(name: "SimCore", targets: ["SimCore"]),
        .library(name: "Orbits", targets: ["Orbits"]),
        .library(name: "Mobility", targets: ["Mobility"]),
        .library(name: "Links", targets: ["Links"]),
        .library(name: "Channels", targets: ["Channels"]),
        .library(name: "Scenario", targets: ["Scenario"]),
        .library(name: "Learn", targets: ["Learn"]),
        .library(name: "Report", targets: ["Report"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // GSL (RNG, distributions, special functions, roots, interpolation) and OpenBLAS's cblas
        // through GSL's own gsl_cblas.h. Links openblas before gsl so cblas_* resolve to OpenBLAS,
        // not to libgslcblas (see ../shared/reference/ml/swift-blas-gsl.md, "simpler variant").
        .systemLibrary(
            name: "CGSL",
            path: "Sources/CGSL",
            providers: [.apt(["libgsl-dev", "libopenblas-dev"]), .brew(["gsl", "openblas"])]
        ),
        .target(name: "SimCore", dependencies: ["CGSL"]),
        // TLEs, SGP4/SDP4, Kepler/J2, Walker constellations, frames, look angles, passes.
        .target(name: "Orbits", dependencies: ["SimCore"]),
        // UAV, HAP and ground-user motion behind one MotionModel protocol (positions in ECEF).
        .target(name: "Mobility", dependencies: ["SimCore", "Orbits"]),
        // Antenna patterns, link budgets, noise, Shannon and DVB-S2X capacity, link geometry.
        .target(name: "Links", dependencies: ["SimCore", "Orbits"]),
        // ChannelProvider protocol and providers (empirical: TR 38.811, Al-Hourani A2G).
        .target(name: "Channels", dependencies: ["SimCore", "Links", "Learn"]),
        // Tensors on OpenBLAS, layers with backward passes, losses, optimisers, safetensors.
        // Optimised even in debug builds: its element-wise loops (SIMD16 maps, optimisers) run 20–30×
        // slower unoptimised, which would make the test suite's small training runs take minutes.
        .target(name: "Learn", dependencies: ["SimCore"], swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Topology files, validation, building a simulation, the run, recorders and run folders.
        .target(
            name: "Scenario",
            dependencies: ["SimCore", "Orbits", "Mobility", "Links", "Channels", "Learn",
                           .product(name: "Yams", package: "Yams")]
        ),
        // SVG charts (bars, lines) for study and comparison outputs.
        .target(name: "Report"),
        // The command-line tool's commands, as a library so they can be tested.
        .target(
            name: "SaginCLI",
            dependencies: [
                "SimCore",
                "Orbits",
                "Scenario",
                "Learn",
                "Report",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Thin launcher: fixes the OpenBLAS environment before the library loads, then runs SaginCLI.
        .executableTarget(name: "sagin", dependencies: ["SaginCLI", "SimCore"]),
        .testTarget(name: "CGSLTests", dependencies: ["CGSL", "SimCore"]),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore"]),
        .testTarget(name: "OrbitsTests", dependencies: ["Orbits", "SimCore"]),
        .testTarget(name: "MobilityTests", dependencies: ["Mobility", "Orbits", "SimCore"]),
        .testTarget(name: "LinksTests", dependencies: ["Links", "Orbits", "SimCore"]),
        .testTarget(name: "ChannelsTests", dependencies: ["Channels", "Links", "SimCore", "Learn"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "Mobility", "Links", "Channels", "Orbits", "SimCore"]),
        .testTarget(name: "LearnTests", dependencies: ["Learn", "SimCore"]),
        .testTarget(name: "ReportTests", dependencies: ["Report"]),
        .testTarget(name: "SaginCLITests", dependencies: ["SaginCLI", "SimCore", "sagin"]),
    ],
    swiftLanguageModes: [.v6]
)
