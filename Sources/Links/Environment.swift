/// The propagation environment of a scenario (TR 38.811 §6.6 deployment scenarios; Al-Hourani 2014 for UAV links).
///
/// Topology files spell it by its raw value. Rural shares the suburban LOS-probability column of
/// TR 38.811 Table 6.6.1-1 and, for UAV links, the suburban Al-Hourani parameters.
///
/// ```swift
/// Environment(rawValue: "dense-urban")     // .denseUrban
/// Environment.allCases.map(\.rawValue)     // ["dense-urban", "urban", "suburban", "rural"]
/// ```
public enum Environment: String, Sendable, Hashable, CaseIterable, Codable {
    case denseUrban = "dense-urban"
    case urban
    case suburban
    case rural
}
