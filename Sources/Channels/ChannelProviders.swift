/// The channel providers a topology file or the command line can name.
///
/// ```swift
/// let provider = try ChannelProviders.make(named: "empirical")
/// ChannelProviders.names                       // ["empirical"]
/// try ChannelProviders.make(named: "raytrace")
/// // throws: unknown channel provider 'raytrace'; known providers: empirical
/// ```
public enum ChannelProviders {
    /// Names accepted by ``make(named:)``, in the order they were added.
    public static let names: [String] = ["empirical"]

    /// A new provider called `name`.
    ///
    /// - Throws: ``ChannelProviderError/unknownProvider(name:known:)`` listing ``names``.
    public static func make(named name: String) throws -> any ChannelProvider {
        switch name {
        case "empirical":
            return EmpiricalChannelProvider()
        default:
            throw ChannelProviderError.unknownProvider(name: name, known: names)
        }
    }
}

/// Why a channel provider could not be made.
///
/// ```swift
/// do { _ = try ChannelProviders.make(named: "raytrace") }
/// catch let error as ChannelProviderError { print(error) }
/// // unknown channel provider 'raytrace'; known providers: empirical
/// ```
public enum ChannelProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No provider has this name; `known` lists the ones that exist.
    case unknownProvider(name: String, known: [String])

    /// `unknown channel provider 'raytrace'; known providers: empirical`.
    public var description: String {
        switch self {
        case .unknownProvider(let name, let known):
            return "unknown channel provider '\(name)'; known providers: \(known.joined(separator: ", "))"
        }
    }
}
