import Autodiff
import LinearAlgebra

/// The learned parameters φ of the LSTM optimizer: per layer the input and
/// recurrent weights and the bias (gate order i, f, g, o; see
/// `Autodiff.LSTMCell`), then the linear head.
///
/// Stored flat, in one contiguous array, so that the meta-optimizer (Adam)
/// and gradient clipping treat φ as one vector; ``ranges`` says where each
/// tensor lives.
public struct LSTMOptimizerWeights: Sendable, Equatable {
  public let configuration: LSTMOptimizerConfiguration
  /// All parameters, in ``tensorLayout`` order.
  public var values: [Float]

  /// One named tensor of φ: its shape and where it sits in ``values``.
  public struct TensorSlot: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var range: Range<Int>
  }

  /// The tensors of φ in storage order: `layerL.input` (I×4H or H×4H),
  /// `layerL.hidden` (H×4H), `layerL.bias` (4H) for each layer, then
  /// `head.weight` (H×o) and `head.bias` (o), o the update rule's outputs
  /// (1 for the additive rule, 2 for the secant rule).
  public static func tensorLayout(_ configuration: LSTMOptimizerConfiguration) -> [TensorSlot] {
    let h = configuration.hiddenSize
    var layout = WeightLayout()
    for layer in 0..<configuration.layers {
      let input = layer == 0 ? configuration.inputSize : h
      layout.add("layer\(layer).input", [input, 4 * h])
      layout.add("layer\(layer).hidden", [h, 4 * h])
      layout.add("layer\(layer).bias", [4 * h])
    }
    let outputs = configuration.update.outputCount
    layout.add("head.weight", [h, outputs])
    layout.add("head.bias", [outputs])
    return layout.slots
  }

  /// The number of parameters.
  public static func parameterCount(_ configuration: LSTMOptimizerConfiguration) -> Int {
    tensorLayout(configuration).last?.range.upperBound ?? 0
  }

  /// Where each tensor lives.
  public var slots: [TensorSlot] { Self.tensorLayout(configuration) }

  /// Weights with the given values (count must match the layout).
  public init(configuration: LSTMOptimizerConfiguration, values: [Float]) {
    precondition(values.count == Self.parameterCount(configuration), "LSTMOptimizerWeights: wrong count")
    self.configuration = configuration
    self.values = values
  }

  /// A fresh initialisation: LSTM weights uniform on ±1/√H (PyTorch's and
  /// Sonnet's scale), biases zero but the forget gate's at 1 (so the cell
  /// remembers from the start), head weights uniform on ±0.1/√H and bias 0 so
  /// the first updates are small. Under the secant rules the whole head
  /// starts at zero, so the untrained rule is exactly the Barzilai–Borwein
  /// method (factor e⁰ = 1, momentum tanh 0 = 0, the same step for every
  /// coordinate): measured on held-out quadratics, a constant momentum of
  /// 0.25 % added to BB multiplies its geometric-mean loss at step 100 by 6
  /// (5 %: by 31), so the rule starts exactly at BB rather than near it
  /// (docs/objectives.md). The head's gradient is nonzero at zero, so
  /// training moves it at once.
  public init(configuration: LSTMOptimizerConfiguration, seed: UInt64) {
    self.configuration = configuration
    let h = configuration.hiddenSize
    let bound = 1 / Float(h).squareRoot()
    let values = WeightLayout.initialValues(Self.tensorLayout(configuration), seed: seed) { slot in
      switch slot.name {
      case let name where name.hasSuffix(".bias") && name.hasPrefix("layer"): .forgetGateBias(hiddenSize: h)
      case "head.bias": .zero
      case "head.weight": configuration.update == .additive ? .uniform(bound: 0.1 * bound) : .zero
      default: .uniform(bound: bound)
      }
    }
    self.values = values
  }

  /// The slot called `name`.
  public func slot(_ name: String) -> TensorSlot? {
    slots.first { $0.name == name }
  }
}
