#if canImport(Glibc)
import Glibc
#endif

/// Chooses `OPENBLAS_CORETYPE` for this CPU before OpenBLAS loads.
///
/// Debian 12's OpenBLAS 0.3.21 does not recognise recent Xeons and falls back to its SSE3
/// "Prescott" kernels (~6× slower sgemm). OpenBLAS reads `OPENBLAS_CORETYPE` in a library
/// constructor, before `main`, so setting it from Swift is too late for the running process: the
/// `sagin` launcher sets it and re-executes itself; `make` exports it for tests.
public enum OpenBLASLaunch {
    /// Environment variable OpenBLAS reads at load time.
    public static let variable = "OPENBLAS_CORETYPE"
    /// Set by the launcher so `sagin doctor` can tell who chose the core.
    public static let markerVariable = "SAGIN_OPENBLAS_CORETYPE_BY"

    /// The core type for a CPU with these `/proc/cpuinfo` flags: "SkylakeX" with AVX-512F,
    /// "Haswell" with AVX2, otherwise `nil` (leave OpenBLAS's own detection alone).
    public static func coreType(cpuFlags: Set<String>) -> String? {
        if cpuFlags.contains("avx512f") { return "SkylakeX" }
        if cpuFlags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// The flags of the first processor in a `/proc/cpuinfo` text.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// This machine's CPU flags (empty where `/proc/cpuinfo` is unavailable).
    public static func currentCPUFlags() -> Set<String> {
        guard let text = readSmallFile("/proc/cpuinfo") else { return [] }
        return cpuFlags(cpuinfo: text)
    }

    /// The value to export, or `nil` when the user already set `OPENBLAS_CORETYPE` (their choice
    /// wins) or the CPU has neither AVX2 nor AVX-512.
    public static func coreTypeToSet(currentValue: String?, cpuFlags: Set<String>) -> String? {
        if let v = currentValue, !v.isEmpty { return nil }
        return coreType(cpuFlags: cpuFlags)
    }

    /// Who set `OPENBLAS_CORETYPE` in this process: "user", "launcher", or `nil` when unset.
    public static func coreTypeSource() -> String? {
        guard getenv(variable) != nil else { return nil }
        if let by = getenv(markerVariable), String(cString: by) == "launcher" { return "launcher" }
        return "user"
    }

    /// Reads a text file with POSIX calls (no Foundation at launch).
    static func readSmallFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0 ..< n])
            if bytes.count > 1 << 22 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
