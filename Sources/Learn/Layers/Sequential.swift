import Foundation
import SimCore

/// Layers applied in order; backward runs them in reverse.
///
/// `parameters` concatenates the layers' parameters in order. At construction every parameter is
/// renamed `"\(index).\(its name)"` — `Linear`'s `"weight"` in layer 0 becomes `"0.weight"`, a
/// nested `Sequential` gives `"1.0.weight"` — so names are unique within the model (PyTorch's
/// `nn.Sequential` naming, which keeps safetensors keys compatible).
public final class Sequential: Layer {
    public let layers: [any Layer]
    public let parameters: [Parameter]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        for (i, layer) in layers.enumerated() {
            for p in layer.parameters { p.name = "\(i).\(p.name)" }
        }
        parameters = layers.flatMap(\.parameters)
    }

    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        var x = input
        for layer in layers { x = layer.forward(x, training: training) }
        return x
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        var g = gradOutput
        for layer in layers.reversed() { g = layer.backward(g) }
        return g
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }
}
