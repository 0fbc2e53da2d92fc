internal import CGSL

/// GSL's default error handler aborts the process; the wrappers check return codes instead.
/// Touching this value once (thread-safe lazy global) switches the handler off.
let gslErrorHandlerOff: Void = {
    _ = gsl_set_error_handler_off()
}()

/// An error code returned by a GSL routine.
public struct GSLError: Error, CustomStringConvertible, Equatable {
    /// The GSL status code (`GSL_E*`).
    public var code: Int32
    /// What was being done.
    public var context: String

    init(code: Int32, context: String) {
        self.code = code
        self.context = context
    }

    public var description: String {
        let message = gsl_strerror(code).map { String(cString: $0) } ?? "unknown error"
        return "\(context): GSL error \(code) (\(message))"
    }
}

/// Version information of the linked GSL.
public enum GSLInfo {
    /// The GSL version string, e.g. "2.7.1".
    public static var version: String { String(cString: cgsl_version()) }
}
