#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import SimCore

/// `sagin doctor`: what the numerical libraries are doing on this machine.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Report the BLAS core, GSL version and CPU features in use.",
        discussion: """
        OpenBLAS 0.3.21 misdetects recent Xeons as "Prescott" and runs ~6x slower. The sagin launcher
        sets OPENBLAS_CORETYPE (SkylakeX with AVX-512F, Haswell with AVX2) unless you set it yourself.
        """
    )

    @Flag(help: "Also time a 512x512x512 sgemm to show the BLAS throughput.")
    var sgemm = false

    func run() throws {
        print(DoctorReport.current(measureSgemm: sgemm).text)
    }
}

/// The facts `sagin doctor` prints.
public struct DoctorReport: Sendable {
    public var coreName: String
    public var coreTypeSetting: String?
    public var coreTypeSource: String?
    public var recommendedCore: String?
    public var blasThreads: Int
    public var sgemmLibrary: String?
    public var gslVersion: String
    public var cpuFlags: (avx2: Bool, avx512f: Bool)
    public var sgemmGFLOPS: Double?

    public static func current(measureSgemm: Bool) -> DoctorReport {
        let flags = OpenBLASLaunch.currentCPUFlags()
        return DoctorReport(
            coreName: BLAS.coreName,
            coreTypeSetting: Environment.value(OpenBLASLaunch.variable),
            coreTypeSource: OpenBLASLaunch.coreTypeSource(),
            recommendedCore: OpenBLASLaunch.coreType(cpuFlags: flags),
            blasThreads: BLAS.threads,
            sgemmLibrary: BLAS.sgemmLibraryPath,
            gslVersion: GSLInfo.version,
            cpuFlags: (flags.contains("avx2"), flags.contains("avx512f")),
            sgemmGFLOPS: measureSgemm ? SgemmProbe.gflops(size: 512) : nil)
    }

    public var text: String {
        var lines = ["sagin \(SaginCommand.version)"]
        let setting = coreTypeSetting.map { "OPENBLAS_CORETYPE=\($0), set by \(coreTypeSource ?? "user")" } ?? "OPENBLAS_CORETYPE not set"
        lines.append("BLAS core:      \(coreName) (\(setting))")
        lines.append("BLAS threads:   \(blasThreads)")
        lines.append("cblas_sgemm in: \(sgemmLibrary ?? "unknown")")
        lines.append("GSL:            \(gslVersion)")
        lines.append("CPU:            avx2 \(cpuFlags.avx2 ? "yes" : "no"), avx512f \(cpuFlags.avx512f ? "yes" : "no"); recommended core \(recommendedCore ?? "(OpenBLAS default)")")
        if let g = sgemmGFLOPS {
            lines.append("sgemm 512^3:    \(String(format1: g)) GFLOP/s")
        }
        if let r = recommendedCore, coreName != r, coreTypeSetting == nil {
            lines.append("warning: OpenBLAS chose \(coreName) but this CPU supports \(r); run through the sagin launcher or export OPENBLAS_CORETYPE=\(r)")
        }
        return lines.joined(separator: "\n")
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}

extension String {
    /// A number with one decimal, without Foundation formatting.
    init(format1 x: Double) {
        let tenths = (x * 10).rounded()
        let whole = Int(tenths / 10)
        let frac = Int(abs(tenths.truncatingRemainder(dividingBy: 10)))
        self = "\(whole).\(frac)"
    }
}
