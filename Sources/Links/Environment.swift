/// The propagation environment of a scenario (TR 38.811 §6.6 deployment scenarios; Al-Hourani 2014 for UAV links).
public enum Environment: String, Sendable, Hashable, CaseIterable, Codable {
    case denseUrban = "dense-urban"
    case urban
    case suburban
    case rural
}
