/// The propagation environment of a scenario (TR 38.811 §6.6 deployment scenarios; Al-Hourani 2014 for UAV links).
///
/// Topology files spell it by its raw value. Rural shares the suburban LOS-probability column of
/// TR 38.811 Table 6.6.1-1 and, for UAV links, the suburban Al-Hourani parameters.
///
/// High-rise urban is one of the four ITU-R P.1410 cities of Al-Hourani et al. 2014
/// (α, β, γ) = (0.5, 300 /km², 50 m) and has its own air-to-ground parameters; TR 38.811 has no
/// high-rise scenario, so satellite and HAPS links in `high-rise` use the TR 38.811 dense-urban
/// tables (LOS probability, σ_SF, clutter loss).
///
/// ```swift
/// Environment(rawValue: "dense-urban")     // .denseUrban
/// Environment(rawValue: "high-rise")       // .highRiseUrban
/// Environment.allCases.map(\.rawValue)     // ["dense-urban", "urban", "suburban", "rural", "high-rise"]
/// ```
public enum Environment: String, Sendable, Hashable, CaseIterable, Codable {
    case denseUrban = "dense-urban"
    case urban
    case suburban
    case rural
    /// High-rise urban (Al-Hourani 2014); TR 38.811 dense-urban tables for satellites and HAPS.
    case highRiseUrban = "high-rise"
}
