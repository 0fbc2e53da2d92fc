/// The channel providers a topology file or the command line can name.
///
/// | name | provider |
/// |---|---|
/// | `empirical` | ``EmpiricalChannelProvider`` in ``EmpiricalChannelProvider/Mode/expected`` mode |
/// | `empirical-sampled` | ``EmpiricalChannelProvider`` in ``EmpiricalChannelProvider/Mode/sampled(seed:)`` mode with `seed` |
///
/// ```swift
/// let provider = try ChannelProviders.make(named: "empirical")
/// let sampled = try ChannelProviders.make(named: "empirical-sampled", seed: 7)
/// ChannelProviders.names                       // ["empirical", "empirical-sampled", "gdm", "gan", "vae"]
/// try ChannelProviders.make(named: "raytrace")
/// // throws: unknown channel provider 'raytrace'; known providers: empirical, empirical-sampled, gdm, gan, vae
/// ```
public enum ChannelProviders {
    /// Names accepted by ``make(named:seed:)``, in the order they were added.
    public static let names: [String] = [EmpiricalChannelProvider.expectedName, EmpiricalChannelProvider.sampledName,
                                         GDMChannelProvider.providerName, GenerativeChannelProvider.Kind.gan.rawValue,
                                         GenerativeChannelProvider.Kind.vae.rawValue]

    /// Seed of sampling providers when the caller gives none.
    public static let defaultSeed: UInt64 = 0

    /// A new provider called `name`; `seed` feeds the providers that draw random states (ignored by
    /// the others).
    ///
    /// - Throws: ``ChannelProviderError/unknownProvider(name:known:)`` listing ``names``.
    public static func make(named name: String, seed: UInt64 = defaultSeed, model: String? = nil) throws -> any ChannelProvider {
        switch name {
        case GDMChannelProvider.providerName:
            guard let model else { throw ChannelProviderError.missingModel(name: name, expected: "a channel map folder written by `sagin map`") }
            return GDMChannelProvider(map: try ChannelInformationMap.load(folder: model))
        case GenerativeChannelProvider.Kind.gan.rawValue, GenerativeChannelProvider.Kind.vae.rawValue:
            let kind = GenerativeChannelProvider.Kind(rawValue: name)!
            guard let model else {
                throw ChannelProviderError.missingModel(name: name, expected: "a model file written by `sagin train --model \(name)`")
            }
            return try GenerativeChannelProvider.load(kind: kind, path: model, seed: seed)
        case EmpiricalChannelProvider.expectedName:
            return EmpiricalChannelProvider()
        case EmpiricalChannelProvider.sampledName:
            return EmpiricalChannelProvider(mode: .sampled(seed: seed))
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
/// // unknown channel provider 'raytrace'; known providers: empirical, empirical-sampled, gdm, gan, vae
/// ```
public enum ChannelProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No provider has this name; `known` lists the ones that exist.
    case unknownProvider(name: String, known: [String])
    /// The provider reads a trained model or map and none was named.
    case missingModel(name: String, expected: String)
    /// The model file does not fit the provider.
    case incompatibleModel(name: String, reason: String)

    /// `unknown channel provider 'raytrace'; known providers: empirical, empirical-sampled, gdm, gan, vae`.
    public var description: String {
        switch self {
        case .unknownProvider(let name, let known):
            return "unknown channel provider '\(name)'; known providers: \(known.joined(separator: ", "))"
        case .missingModel(let name, let expected):
            return "channel provider '\(name)' needs channel_model: \(expected)"
        case .incompatibleModel(let name, let reason):
            return "channel provider '\(name)': \(reason)"
        }
    }
}
