import SimCore

/// Weight initialisers (PyTorch `torch.nn.init` conventions), writing into a tensor from a
/// passed random stream so that the same seed gives the same weights bit for bit.
///
/// **Fans.** A weight has shape `[fanOut, fanIn]` (a linear layer maps `fanIn` inputs to `fanOut`
/// outputs, `y = W·x`), or `[out, in, k…]` for convolutions, where the receptive field
/// r = k₁·k₂·… multiplies both: fanIn = in·r, fanOut = out·r (PyTorch
/// `_calculate_fan_in_and_fan_out`). Tensors of rank < 2 have no fans.
///
/// Values are drawn in row-major order, in double precision, and rounded to Float.
///
/// ```swift
/// let rng = RandomStreams(seed: 7).stream("model/init")
/// var w = Tensor.zeros([256, 2])
/// Initializer.kaimingUniform(&w, rng: rng)                 // ReLU layer
/// Initializer.orthogonal(&w, gain: Initializer.gain(.tanh), rng: rng)
/// ```
public enum Initializer {
    /// Non-linearities for ``gain(_:)``.
    public enum Nonlinearity: Sendable, Equatable {
        case linear, sigmoid, tanh, relu
        case leakyReLU(slope: Double)
    }

    /// PyTorch `calculate_gain`: 1 (linear, sigmoid), 5/3 (tanh), √2 (ReLU), √(2/(1+slope²)) (leaky ReLU).
    public static func gain(_ nonlinearity: Nonlinearity) -> Double {
        switch nonlinearity {
        case .linear, .sigmoid: return 1
        case .tanh: return 5.0 / 3.0
        case .relu: return 2.0.squareRoot()
        case .leakyReLU(let a): return (2 / (1 + a * a)).squareRoot()
        }
    }

    /// (fanIn, fanOut) of a weight of `shape` (see the type's documentation).
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2, "Initializer: fans need a tensor of rank ≥ 2, got shape \(shape)")
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// Which fan Kaiming initialisation preserves: the forward pass's (fanIn, default) or the
    /// backward pass's (fanOut).
    public enum FanMode: Sendable { case fanIn, fanOut }

    // MARK: Constant

    /// All zeros.
    public static func zeros(_ tensor: inout Tensor) { constant(&tensor, 0) }

    /// Every element `value`.
    public static func constant(_ tensor: inout Tensor, _ value: Float) {
        tensor.values.withUnsafeMutableBufferPointer { w in
            for i in w.indices { w[i] = value }
        }
    }

    // MARK: Uniform and normal

    /// U(lower, upper): lower + (upper − lower)·u with u = k/2³² from the stream.
    public static func uniform(_ tensor: inout Tensor, lower: Double, upper: Double, rng: RNGStream) {
        let width = upper - lower
        tensor.values.withUnsafeMutableBufferPointer { w in
            for i in w.indices { w[i] = Float(lower + width * rng.uniform()) }
        }
    }

    /// N(mean, standardDeviation²) (GSL's Gaussian ziggurat).
    public static func normal(_ tensor: inout Tensor, mean: Double = 0, standardDeviation: Double, rng: RNGStream) {
        tensor.values.withUnsafeMutableBufferPointer { w in
            for i in w.indices { w[i] = Float(rng.normal(mean: mean, standardDeviation: standardDeviation)) }
        }
    }

    // MARK: Xavier / Glorot

    /// Xavier/Glorot uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)); variance
    /// gain²·2/(fanIn + fanOut).
    public static func xavierUniform(_ tensor: inout Tensor, gain: Double = 1, rng: RNGStream) {
        let (fanIn, fanOut) = fans(tensor.shape)
        let a = gain * (6 / Double(fanIn + fanOut)).squareRoot()
        uniform(&tensor, lower: -a, upper: a, rng: rng)
    }

    /// Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2 / (fanIn + fanOut)).
    public static func xavierNormal(_ tensor: inout Tensor, gain: Double = 1, rng: RNGStream) {
        let (fanIn, fanOut) = fans(tensor.shape)
        normal(&tensor, standardDeviation: gain * (2 / Double(fanIn + fanOut)).squareRoot(), rng: rng)
    }

    // MARK: He / Kaiming

    /// He/Kaiming uniform for a ReLU (slope 0, the default) or leaky ReLU of negative `slope`:
    /// U(−b, b) with b = gain·√(3 / fan), gain = √(2 / (1 + slope²)); variance gain²/fan.
    /// (PyTorch's `kaiming_uniform_` with its default `a = 0`, `nonlinearity='leaky_relu'`.)
    public static func kaimingUniform(_ tensor: inout Tensor, slope: Double = 0, mode: FanMode = .fanIn, rng: RNGStream) {
        let (fanIn, fanOut) = fans(tensor.shape)
        let fan = Double(mode == .fanIn ? fanIn : fanOut)
        let b = gain(.leakyReLU(slope: slope)) * (3 / fan).squareRoot()
        uniform(&tensor, lower: -b, upper: b, rng: rng)
    }

    /// He/Kaiming normal: N(0, σ²) with σ = gain / √fan, gain = √(2 / (1 + slope²)).
    public static func kaimingNormal(_ tensor: inout Tensor, slope: Double = 0, mode: FanMode = .fanIn, rng: RNGStream) {
        let (fanIn, fanOut) = fans(tensor.shape)
        let fan = Double(mode == .fanIn ? fanIn : fanOut)
        normal(&tensor, standardDeviation: gain(.leakyReLU(slope: slope)) / fan.squareRoot(), rng: rng)
    }

    // MARK: Orthogonal

    /// A (semi-)orthogonal matrix times `gain` (Saxe et al. 2014; PyTorch `orthogonal_`).
    ///
    /// The tensor is viewed as a matrix `[rows, cols]` with rows = shape[0] and cols = the product
    /// of the other dimensions. A Gaussian matrix A of that shape is drawn (row-major), transposed
    /// when rows < cols, and factored A = QR by modified Gram–Schmidt (with one re-orthogonalisation
    /// pass) in double precision. Gram–Schmidt gives R a positive diagonal, which is exactly
    /// PyTorch's sign correction (Q·sign(diag R)): the QR factorisation with positive diagonal is
    /// unique. Q is transposed back when rows < cols. Hence W·Wᵀ = gain²·I when rows ≤ cols and
    /// WᵀW = gain²·I when rows ≥ cols.
    public static func orthogonal(_ tensor: inout Tensor, gain: Double = 1, rng: RNGStream) {
        precondition(tensor.rank >= 2, "Initializer.orthogonal: needs a tensor of rank ≥ 2, got \(tensor.shape)")
        let rows = tensor.shape[0]
        let cols = tensor.count / max(rows, 1)
        guard rows > 0, cols > 0 else { return }
        var a = [Double](repeating: 0, count: rows * cols)
        for i in a.indices { a[i] = rng.normal() }
        // Work on the tall matrix B (m × n, m ≥ n), stored column-major as n columns of length m.
        let transpose = rows < cols
        let m = transpose ? cols : rows
        let n = transpose ? rows : cols
        var q = [Double](repeating: 0, count: m * n)  // q[j*m + i] = B[i, j]
        for r in 0 ..< rows {
            for c in 0 ..< cols {
                let (i, j) = transpose ? (c, r) : (r, c)
                q[j * m + i] = a[r * cols + c]
            }
        }
        q.withUnsafeMutableBufferPointer { q in
            for j in 0 ..< n {
                let cj = j * m
                for _ in 0 ..< 2 {  // Gram–Schmidt twice ("twice is enough") for orthogonality to rounding
                    for k in 0 ..< j {
                        let ck = k * m
                        var dot = 0.0
                        for i in 0 ..< m { dot += q[ck + i] * q[cj + i] }
                        for i in 0 ..< m { q[cj + i] -= dot * q[ck + i] }
                    }
                }
                var norm = 0.0
                for i in 0 ..< m { norm += q[cj + i] * q[cj + i] }
                norm = norm.squareRoot()
                precondition(norm > 0, "Initializer.orthogonal: rank-deficient Gaussian draw")
                for i in 0 ..< m { q[cj + i] /= norm }
            }
        }
        tensor.values.withUnsafeMutableBufferPointer { w in
            for r in 0 ..< rows {
                for c in 0 ..< cols {
                    let (i, j) = transpose ? (c, r) : (r, c)
                    w[r * cols + c] = Float(gain * q[j * m + i])
                }
            }
        }
    }
}
