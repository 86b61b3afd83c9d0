import Autodiff
import LinearAlgebra

/// The learned parameters φ of the DNC optimizer, flat and contiguous like
/// ``LSTMOptimizerWeights`` (so meta-Adam and clipping treat φ as one vector).
public struct DNCOptimizerWeights: Sendable, Equatable {
  public let configuration: DNCOptimizerConfiguration
  /// All parameters, in ``tensorLayout`` order.
  public var values: [Float]

  /// The tensors of φ in storage order: the controller LSTM
  /// (`controller.input` (I+RW)×4H, `controller.hidden` H×4H,
  /// `controller.bias` 4H), the per-coordinate read interface (`read.weight`
  /// H×R(W+4), `read.bias`), the pooled write interface (`write.weight`
  /// H×(3W+R+3), `write.bias`) and the head on [h; r] (`head.weight`
  /// (H+RW)×o, `head.bias` o, o the update rule's outputs).
  public static func tensorLayout(_ configuration: DNCOptimizerConfiguration) -> [LSTMOptimizerWeights
    .TensorSlot]
  {
    let h = configuration.hiddenSize
    let words = configuration.readHeads * configuration.wordSize
    var layout = WeightLayout()
    layout.add("controller.input", [configuration.controllerInputSize, 4 * h])
    layout.add("controller.hidden", [h, 4 * h])
    layout.add("controller.bias", [4 * h])
    layout.add("read.weight", [h, configuration.readInterfaceSize])
    layout.add("read.bias", [configuration.readInterfaceSize])
    layout.add("write.weight", [h, configuration.writeInterfaceSize])
    layout.add("write.bias", [configuration.writeInterfaceSize])
    let outputs = configuration.update.outputCount
    layout.add("head.weight", [h + words, outputs])
    layout.add("head.bias", [outputs])
    return layout.slots
  }

  /// The number of parameters.
  public static func parameterCount(_ configuration: DNCOptimizerConfiguration) -> Int {
    tensorLayout(configuration).last?.range.upperBound ?? 0
  }

  /// Where each tensor lives.
  public var slots: [LSTMOptimizerWeights.TensorSlot] { Self.tensorLayout(configuration) }

  /// Weights with the given values (count must match the layout).
  public init(configuration: DNCOptimizerConfiguration, values: [Float]) {
    precondition(values.count == Self.parameterCount(configuration), "DNCOptimizerWeights: wrong count")
    Self.checkWordSize(configuration)
    self.configuration = configuration
    self.values = values
  }

  /// A fresh initialisation: the controller as the LSTM's (uniform ±1/√H,
  /// forget bias 1), interface layers uniform ±1/√H with zero biases, the
  /// head uniform ±0.1/√H with bias 0 so the first updates are small. Under
  /// the secant rules the head starts at zero, as the LSTM's does: the
  /// untrained rule is then exactly the rule's base step (the head's
  /// gradient is not zero there, so training moves it).
  public init(configuration: DNCOptimizerConfiguration, seed: UInt64) {
    Self.checkWordSize(configuration)
    self.configuration = configuration
    let h = configuration.hiddenSize
    let bound = 1 / Float(h).squareRoot()
    let values = WeightLayout.initialValues(Self.tensorLayout(configuration), seed: seed) { slot in
      switch slot.name {
      case "controller.bias": .forgetGateBias(hiddenSize: h)
      case "read.bias", "write.bias", "head.bias": .zero
      case "head.weight": configuration.update == .additive ? .uniform(bound: 0.1 * bound) : .zero
      default: .uniform(bound: bound)
      }
    }
    self.values = values
  }

  /// A memory content with a fixed word (the secant words' eight entries)
  /// needs that word size; inputs are checked where they are read (the
  /// command line, the session record), so a mismatch here is a bug.
  private static func checkWordSize(_ configuration: DNCOptimizerConfiguration) {
    if let required = configuration.memoryContent.requiredWordSize {
      precondition(
        configuration.wordSize == required,
        "DNCOptimizerWeights: memory \(configuration.memoryContent) writes words of \(required), not \(configuration.wordSize)")
    }
  }

  /// The slot called `name`.
  public func slot(_ name: String) -> LSTMOptimizerWeights.TensorSlot? {
    slots.first { $0.name == name }
  }
}
