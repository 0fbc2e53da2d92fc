/// Small vector helpers for km-scale geometry (the `simd` module is Apple-only).
extension SIMD3 where Scalar == Double {
    /// Euclidean norm.
    @inlinable public var length: Double { (self * self).sum().squareRoot() }
    /// Dot product.
    @inlinable public func dot(_ other: SIMD3<Double>) -> Double { (self * other).sum() }
    /// Unit vector in the same direction.
    @inlinable public var normalized: SIMD3<Double> { self / length }
    /// Cross product.
    @inlinable public func cross(_ o: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x)
    }
}
