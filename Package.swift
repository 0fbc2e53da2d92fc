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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        // The command-line tool's commands, as a library so they can be tested.
        .target(
            name: "SaginCLI",
            dependencies: [
                "SimCore",
                "Orbits",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Thin launcher: fixes the OpenBLAS environment before the library loads, then runs SaginCLI.
        .executableTarget(name: "sagin", dependencies: ["SaginCLI", "SimCore"]),
        .testTarget(name: "CGSLTests", dependencies: ["CGSL", "SimCore"]),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore"]),
        .testTarget(name: "OrbitsTests", dependencies: ["Orbits", "SimCore"]),
        .testTarget(name: "SaginCLITests", dependencies: ["SaginCLI", "SimCore", "sagin"]),
    ],
    swiftLanguageModes: [.v6]
)
