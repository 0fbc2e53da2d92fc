import SimCore

/// A Float32 tensor over contiguous row-major storage. Matrices are rank 2 `[rows, columns]`; a
/// batch of vectors is `[batch, features]`, a batch of sequences `[batch, channels, length]`.
///
/// A value type: copies share storage until one is written (Swift arrays' copy-on-write).
///
/// ```swift
/// var x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
/// x[1, 2]                      // 6
/// let y = x.matmul(Tensor.ones([3, 4]))   // [2, 4], through cblas_sgemm
/// ```
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// Sizes of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements, row-major.
    public var values: [Float]

    /// A tensor with `values` (count must be the product of `shape`).
    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        precondition(values.count == shape.reduce(1, *), "Tensor: \(values.count) values for shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.init(shape: shape, values: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// Number of elements.
    public var count: Int { values.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Rows of a matrix (the first dimension).
    public var rows: Int { shape[0] }
    /// Columns of a matrix: the product of every dimension after the first.
    public var columns: Int { shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1 }

    /// The same elements with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, values: values)
    }

    /// Element of a matrix.
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    public var description: String { "Tensor(\(shape), \(values.prefix(8))\(values.count > 8 ? "…" : ""))" }
}

/// A trainable tensor and the gradient of the loss with respect to it.
///
/// Layers own their parameters; `backward` *adds* into `gradient` (so gradients of a parameter used
/// twice accumulate), and optimisers read `gradient` and update `value`. `zeroGradient()` clears it.
public final class Parameter: @unchecked Sendable {
    /// A name unique within a model, used as the safetensors key (e.g. `"mlp.0.weight"`).
    public var name: String
    public var value: Tensor
    public var gradient: Tensor

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor.zeros(value.shape)
    }

    /// Sets the gradient to zero.
    public func zeroGradient() {
        for i in gradient.values.indices { gradient.values[i] = 0 }
    }
}

/// A differentiable function of one tensor with its own backward pass.
///
/// `forward` remembers what `backward` needs (its input, its activations); `backward` takes
/// ∂loss/∂output, adds ∂loss/∂parameter into each parameter's gradient and returns ∂loss/∂input.
/// A layer serves one forward/backward pair at a time.
public protocol Layer: AnyObject {
    /// The layer's trainable parameters (empty for activations).
    var parameters: [Parameter] { get }
    /// The output for `input`; `training` switches dropout and similar behaviour.
    func forward(_ input: Tensor, training: Bool) -> Tensor
    /// ∂loss/∂input from ∂loss/∂output, for the input of the last `forward`.
    func backward(_ gradOutput: Tensor) -> Tensor
}
