internal import CGSL

/// Why a root could not be found.
public enum RootFindingError: Error, Equatable, CustomStringConvertible {
    /// f(a) and f(b) have the same sign, so the interval does not bracket a root.
    case notBracketed(lower: Double, upper: Double, fLower: Double, fUpper: Double)
    /// The solver did not meet the tolerance within the iteration limit.
    case noConvergence(iterations: Int, lastEstimate: Double)
    /// The function returned NaN or infinity at `x`.
    case nonFinite(x: Double)
    /// GSL reported an error.
    case gsl(GSLError)

    public var description: String {
        switch self {
        case let .notBracketed(a, b, fa, fb):
            return "root not bracketed: f(\(a)) = \(fa) and f(\(b)) = \(fb) have the same sign"
        case let .noConvergence(n, x):
            return "root finding did not converge in \(n) iterations (last estimate \(x))"
        case let .nonFinite(x):
            return "function is not finite at x = \(x)"
        case let .gsl(e):
            return e.description
        }
    }
}

/// Bracketing root finders from GSL (`gsl_root_fsolver_*`).
///
/// ```swift
/// // Time at which a rising pass crosses the 10° elevation mask, to 1 ms:
/// let t = try RootFinding.brent(in: 0 ... 600, absoluteTolerance: 1e-3) { t in elevation(t) - 10 }
/// ```
public enum RootFinding {
    /// GSL solver to use.
    public enum Method: Sendable {
        /// Brent–Dekker: inverse quadratic interpolation with bisection safeguard (default).
        case brent
        /// Bisection: slow, always converges.
        case bisection
        /// Regula falsi (false position).
        case falsePosition
    }

    /// Finds x in `interval` with f(x) = 0, stopping when the bracket is narrower than
    /// `absoluteTolerance + relativeTolerance·|x|` (`gsl_root_test_interval`).
    public static func brent(in interval: ClosedRange<Double>, absoluteTolerance: Double = 1e-12,
                             relativeTolerance: Double = 0, maxIterations: Int = 200,
                             _ f: (Double) -> Double) throws(RootFindingError) -> Double {
        try solve(.brent, in: interval, absoluteTolerance: absoluteTolerance,
                  relativeTolerance: relativeTolerance, maxIterations: maxIterations, f)
    }

    /// Finds a root in `interval` with the chosen method. An endpoint where f is exactly zero is returned as is.
    public static func solve(_ method: Method, in interval: ClosedRange<Double>, absoluteTolerance: Double = 1e-12,
                             relativeTolerance: Double = 0, maxIterations: Int = 200,
                             _ f: (Double) -> Double) throws(RootFindingError) -> Double {
        _ = gslErrorHandlerOff
        let a = interval.lowerBound, b = interval.upperBound
        let fa = f(a), fb = f(b)
        guard fa.isFinite else { throw .nonFinite(x: a) }
        guard fb.isFinite else { throw .nonFinite(x: b) }
        if fa == 0 { return a }
        if fb == 0 { return b }
        guard (fa < 0) != (fb < 0) else { throw .notBracketed(lower: a, upper: b, fLower: fa, fUpper: fb) }

        let type: UnsafePointer<gsl_root_fsolver_type>? = switch method {
        case .brent: cgsl_root_fsolver_brent()
        case .bisection: cgsl_root_fsolver_bisection()
        case .falsePosition: cgsl_root_fsolver_falsepos()
        }
        guard let solverType = type, let solver = gsl_root_fsolver_alloc(solverType) else {
            throw .gsl(GSLError(code: Int32(GSL_ENOMEM), context: "gsl_root_fsolver_alloc"))
        }
        defer { gsl_root_fsolver_free(solver) }

        return try withoutActuallyEscaping(f) { (escaping) throws(RootFindingError) -> Double in
            let box = FunctionBox(escaping)
            let context = Unmanaged.passUnretained(box).toOpaque()
            var function = gsl_function(function: { x, params in
                guard let params else { return .nan }
                return Unmanaged<FunctionBox>.fromOpaque(params).takeUnretainedValue().f(x)
            }, params: context)
            let status = withExtendedLifetime(box) { gsl_root_fsolver_set(solver, &function, a, b) }
            guard status == GSL_SUCCESS else { throw .gsl(GSLError(code: status, context: "gsl_root_fsolver_set")) }
            var estimate = 0.5 * (a + b)
            for _ in 0 ..< maxIterations {
                let s = withExtendedLifetime(box) { gsl_root_fsolver_iterate(solver) }
                estimate = gsl_root_fsolver_root(solver)
                if s == GSL_EBADFUNC { throw .nonFinite(x: estimate) }
                guard s == GSL_SUCCESS else { throw .gsl(GSLError(code: s, context: "gsl_root_fsolver_iterate")) }
                let lo = gsl_root_fsolver_x_lower(solver), hi = gsl_root_fsolver_x_upper(solver)
                if gsl_root_test_interval(lo, hi, absoluteTolerance, relativeTolerance) == GSL_SUCCESS {
                    return estimate
                }
            }
            throw .noConvergence(iterations: maxIterations, lastEstimate: estimate)
        }
    }
}

/// Carries a Swift closure through GSL's `void *params`.
final class FunctionBox {
    let f: (Double) -> Double
    init(_ f: @escaping (Double) -> Double) { self.f = f }
}
