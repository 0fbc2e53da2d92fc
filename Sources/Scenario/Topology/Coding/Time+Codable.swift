import Orbits
import SimCore

// Codable forms of SimCore and Orbits values used in a resolved topology, chosen to be readable in
// run.json: a duration is its canonical text ("1h30min", "500ms", "0s"; parsing it back gives the
// same nanoseconds), an instant its ISO 8601 UTC text, a Walker pattern its word.

extension SimTime: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try SimTime(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a duration: '\(text)' (\(error))"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension UTCInstant: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try UTCInstant(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not an ISO 8601 instant: '\(text)' (\(error))"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension WalkerConstellation.Pattern: Codable {}
