import Foundation
import SimCore

/// Uniform draws on ±`bound` from `rng` (PyTorch's default layer initialisation uses bound 1/√fan_in).
func uniformValues(count: Int, bound: Float, rng: RNGStream) -> [Float] {
    (0 ..< count).map { _ in Float(rng.uniform() * 2 - 1) * bound }
}

/// The parameter name `"\(prefix).\(base)"`, or `base` when the prefix is empty.
func parameterName(_ prefix: String, _ base: String) -> String {
    prefix.isEmpty ? base : "\(prefix).\(base)"
}

/// A dense (fully connected) layer: `y = x·Wᵀ + b`.
///
/// The weight is stored `[outputs, inputs]` (PyTorch's `nn.Linear` layout, so safetensors files
/// exchange without transposition), the bias `[outputs]`. The input is `[batch, inputs]` (any
/// leading dimensions are flattened into the batch); the output `[batch, outputs]`. Both are
/// initialised uniform on ±1/√inputs from `rng` (PyTorch's default). All three products of the
/// backward pass are single sgemm calls with transpose flags, accumulating straight into the
/// parameter gradients:
///
/// - dW += gᵀ·x   (sgemm, A transposed, beta 1)
/// - db += column sums of g
/// - dx  = g·W
public final class Linear: Layer {
    public let inputs: Int
    public let outputs: Int
    /// `[outputs, inputs]`.
    public let weight: Parameter
    /// `[outputs]`.
    public let bias: Parameter
    public var parameters: [Parameter] { [weight, bias] }

    private var input = Tensor.zeros([0, 0])

    /// A layer `inputs → outputs`; parameters are named `"\(name).weight"` and `"\(name).bias"`
    /// (`"weight"`, `"bias"` when `name` is empty).
    public init(inputs: Int, outputs: Int, name: String = "", rng: RNGStream) {
        precondition(inputs > 0 && outputs > 0, "Linear: sizes must be positive")
        self.inputs = inputs
        self.outputs = outputs
        let bound = 1 / Float(inputs).squareRoot()
        weight = Parameter(name: parameterName(name, "weight"),
                           value: Tensor(shape: [outputs, inputs], values: uniformValues(count: outputs * inputs, bound: bound, rng: rng)))
        bias = Parameter(name: parameterName(name, "bias"),
                         value: Tensor(shape: [outputs], values: uniformValues(count: outputs, bound: bound, rng: rng)))
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        precondition(x.count % inputs == 0 && x.lastDimension == inputs,
                     "Linear(\(inputs)→\(outputs)): input shape \(x.shape)")
        let batch = x.count / inputs
        input = x.rank == 2 ? x : x.reshaped([batch, inputs])
        // y starts as the bias in every row, then y = x·Wᵀ + y in one sgemm (beta 1).
        var y = Tensor.uninitialized([batch, outputs])
        bias.value.values.withUnsafeBufferPointer { b in
            y.values.withUnsafeMutableBufferPointer { out in
                for r in 0 ..< batch {
                    (out.baseAddress! + r * outputs).update(from: b.baseAddress!, count: outputs)
                }
            }
        }
        Tensor.matmul(input, weight.value, transposeB: true, beta: 1, into: &y)
        return y
    }

    public func backward(_ g: Tensor) -> Tensor {
        let batch = input.rows
        precondition(g.count == batch * outputs, "Linear.backward: gradient shape \(g.shape)")
        let g2 = g.rank == 2 ? g : g.reshaped([batch, outputs])
        Tensor.matmul(g2, input, transposeA: true, beta: 1, into: &weight.gradient)   // dW += gᵀ·x
        g2.accumulateColumnSums(into: &bias.gradient)                                  // db += Σ_rows g
        var dx = Tensor.uninitialized([batch, inputs])
        Tensor.matmul(g2, weight.value, into: &dx)                                      // dx = g·W
        return dx
    }
}
