internal import CGSL

/// Why an interpolator could not be built or evaluated.
public enum InterpolationError: Error, Equatable, CustomStringConvertible {
    /// Too few points for the method.
    case tooFewPoints(have: Int, need: Int)
    /// `xs` and `ys` differ in length.
    case lengthMismatch(xs: Int, ys: Int)
    /// `xs` must be strictly increasing; it is not at `index`.
    case notIncreasing(index: Int)
    /// A value is NaN or infinite.
    case nonFinite(index: Int)
    /// `x` lies outside [lower, upper]; no extrapolation is done.
    case outOfRange(x: Double, lower: Double, upper: Double)

    public var description: String {
        switch self {
        case let .tooFewPoints(have, need): return "interpolation needs at least \(need) points, got \(have)"
        case let .lengthMismatch(xs, ys): return "interpolation needs as many x as y values (got \(xs) and \(ys))"
        case let .notIncreasing(i): return "interpolation x values must be strictly increasing (not at index \(i))"
        case let .nonFinite(i): return "interpolation value at index \(i) is not finite"
        case let .outOfRange(x, lo, hi): return "x = \(x) is outside the table [\(lo), \(hi)]"
        }
    }
}

/// One-dimensional interpolation over a table (GSL `gsl_spline`).
///
/// ```swift
/// let table = try Interpolator(xs: [10, 20, 30], ys: [0.8, 0.9, 0.95], method: .linear)
/// try table.value(at: 15)    // 0.85
/// ```
///
/// Keeps a lookup accelerator, so it is a class and not thread-safe; build one per thread.
public final class Interpolator {
    /// Interpolation method.
    public enum Method: String, Sendable, CaseIterable {
        /// Piecewise linear (2 points minimum).
        case linear
        /// Natural cubic spline (3 points).
        case cubic
        /// Akima spline, robust to outliers (5 points).
        case akima
        /// Steffen's monotone cubic: never overshoots the data (3 points).
        case steffen
    }

    public let method: Method
    /// Table abscissae (strictly increasing).
    public let xs: [Double]
    /// Table ordinates.
    public let ys: [Double]
    private let spline: OpaquePointer
    private let accel: OpaquePointer

    public init(xs: [Double], ys: [Double], method: Method = .linear) throws(InterpolationError) {
        _ = gslErrorHandlerOff
        guard xs.count == ys.count else { throw .lengthMismatch(xs: xs.count, ys: ys.count) }
        let type: UnsafePointer<gsl_interp_type>? = switch method {
        case .linear: cgsl_interp_linear()
        case .cubic: cgsl_interp_cspline()
        case .akima: cgsl_interp_akima()
        case .steffen: cgsl_interp_steffen()
        }
        guard let type else { throw .tooFewPoints(have: xs.count, need: 2) }
        let need = Int(gsl_interp_type_min_size(type))
        guard xs.count >= need else { throw .tooFewPoints(have: xs.count, need: need) }
        for i in xs.indices {
            guard xs[i].isFinite else { throw .nonFinite(index: i) }
            guard ys[i].isFinite else { throw .nonFinite(index: i) }
            if i > 0, !(xs[i] > xs[i - 1]) { throw .notIncreasing(index: i) }
        }
        guard let s = gsl_spline_alloc(type, xs.count), let a = gsl_interp_accel_alloc() else {
            fatalError("gsl_spline_alloc: out of memory")
        }
        let status = xs.withUnsafeBufferPointer { xp in
            ys.withUnsafeBufferPointer { yp in gsl_spline_init(s, xp.baseAddress, yp.baseAddress, xs.count) }
        }
        precondition(status == GSL_SUCCESS, "gsl_spline_init failed on validated input: \(status)")
        self.method = method
        self.xs = xs
        self.ys = ys
        spline = OpaquePointer(s)
        accel = OpaquePointer(a)
    }

    deinit {
        gsl_spline_free(UnsafeMutablePointer(spline))
        gsl_interp_accel_free(UnsafeMutablePointer(accel))
    }

    private func checkRange(_ x: Double) throws(InterpolationError) {
        guard let lo = xs.first, let hi = xs.last, x >= lo, x <= hi else {
            throw .outOfRange(x: x, lower: xs.first ?? .nan, upper: xs.last ?? .nan)
        }
    }

    /// The interpolated value at `x` (inside the table).
    public func value(at x: Double) throws(InterpolationError) -> Double {
        try checkRange(x)
        return gsl_spline_eval(UnsafeMutablePointer(spline), x, UnsafeMutablePointer(accel))
    }

    /// The first derivative at `x`.
    public func derivative(at x: Double) throws(InterpolationError) -> Double {
        try checkRange(x)
        return gsl_spline_eval_deriv(UnsafeMutablePointer(spline), x, UnsafeMutablePointer(accel))
    }

    /// The integral from `a` to `b` (both inside the table); negative when `b < a`.
    public func integral(from a: Double, to b: Double) throws(InterpolationError) -> Double {
        try checkRange(a)
        try checkRange(b)
        if b < a { return -gsl_spline_eval_integ(UnsafeMutablePointer(spline), b, a, UnsafeMutablePointer(accel)) }
        return gsl_spline_eval_integ(UnsafeMutablePointer(spline), a, b, UnsafeMutablePointer(accel))
    }
}
