import Links

/// What the ground truth needs from a scene: geometric line of sight and the receiver's surroundings.
///
/// Coordinates are local east-north-up metres relative to the scene's origin (a geodetic point on
/// the ellipsoid); `z` is height above the ground. A transmitter far away (a satellite or HAP) is
/// given by its direction from the receiver; a near one (a UAV) by its position.
///
/// ```swift
/// let scene: any LineOfSightModel = try UrbanScene.generate(...)
/// scene.isLOS(receiver: SIMD3(120, -40, 1.5), azimuthDeg: 135, elevationDeg: 30)
/// scene.isLOS(from: SIMD3(120, -40, 1.5), to: SIMD3(300, 200, 120))
/// ```
public protocol LineOfSightModel: Sendable {
    /// True when the ray from `receiver` towards (`azimuthDeg` clockwise from north, `elevationDeg`)
    /// meets no building before it leaves the scene or rises above its tallest building.
    func isLOS(receiver: SIMD3<Double>, azimuthDeg: Double, elevationDeg: Double) -> Bool
    /// True when the segment between two points meets no building.
    func isLOS(from a: SIMD3<Double>, to b: SIMD3<Double>) -> Bool
    /// The built-up fraction and mean building height (over built cells, metres) within `radiusMeters`
    /// of the ground point `at`.
    func context(at: SIMD2<Double>, radiusMeters: Double) -> SceneContext
}

/// A receiver's surroundings: what fraction of the ground is built up and how tall the buildings are.
public struct SceneContext: Sendable, Hashable {
    /// Built-up cells over all cells in the disc, 0…1.
    public var builtUpFraction: Double
    /// Mean height of the built cells in the disc, metres (0 when none is built).
    public var meanHeightMeters: Double

    public init(builtUpFraction: Double, meanHeightMeters: Double) {
        self.builtUpFraction = builtUpFraction
        self.meanHeightMeters = meanHeightMeters
    }
}
