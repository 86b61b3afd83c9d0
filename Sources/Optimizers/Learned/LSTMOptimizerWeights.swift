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
  /// `head.weight` (H×1) and `head.bias` (1).
  public static func tensorLayout(_ configuration: LSTMOptimizerConfiguration) -> [TensorSlot] {
    let h = configuration.hiddenSize
    var slots: [TensorSlot] = []
    var offset = 0
    func add(_ name: String, _ shape: [Int]) {
      let count = shape.reduce(1, *)
      slots.append(TensorSlot(name: name, shape: shape, range: offset..<(offset + count)))
      offset += count
    }
    for layer in 0..<configuration.layers {
      let input = layer == 0 ? configuration.inputSize : h
      add("layer\(layer).input", [input, 4 * h])
      add("layer\(layer).hidden", [h, 4 * h])
      add("layer\(layer).bias", [4 * h])
    }
    add("head.weight", [h, 1])
    add("head.bias", [1])
    return slots
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
  /// the first updates are small.
  public init(configuration: LSTMOptimizerConfiguration, seed: UInt64) {
    self.configuration = configuration
    var rng = RandomSource(seed: seed, stream: SeedStream.initialisation.rawValue)
    let h = configuration.hiddenSize
    let bound = 1 / Float(h).squareRoot()
    var values = [Float](repeating: 0, count: Self.parameterCount(configuration))
    for slot in Self.tensorLayout(configuration) {
      switch slot.name {
      case let name where name.hasSuffix(".bias") && name.hasPrefix("layer"):
        let forget = LSTMCell.columns(of: .forget, hiddenSize: h)
        for j in forget { values[slot.range.lowerBound + j] = 1 }
      case "head.bias":
        break
      case "head.weight":
        for i in slot.range { values[i] = rng.uniform(-0.1 * bound, 0.1 * bound) }
      default:
        for i in slot.range { values[i] = rng.uniform(-bound, bound) }
      }
    }
    self.values = values
  }

  /// The slot called `name`.
  public func slot(_ name: String) -> TensorSlot? {
    slots.first { $0.name == name }
  }
}
