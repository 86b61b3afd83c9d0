import Autodiff
import LinearAlgebra

/// Builds the flat layout of a learned optimizer's φ and its fresh
/// initialisation, shared by ``LSTMOptimizerWeights`` and
/// ``DNCOptimizerWeights``: tensors are laid out one after another in one
/// contiguous array (so meta-Adam and clipping see one vector), and each is
/// initialised by a rule chosen from its name.
struct WeightLayout {
  private(set) var slots: [LSTMOptimizerWeights.TensorSlot] = []

  /// The number of parameters so far.
  var count: Int { slots.last?.range.upperBound ?? 0 }

  /// Appends a tensor of `shape` called `name`.
  mutating func add(_ name: String, _ shape: [Int]) {
    let size = shape.reduce(1, *)
    slots.append(LSTMOptimizerWeights.TensorSlot(name: name, shape: shape, range: count..<(count + size)))
  }

  /// How one tensor starts.
  enum Initialisation {
    /// All zeros.
    case zero
    /// An LSTM bias: zero but the forget gate's columns at 1, so the cell
    /// remembers from the start.
    case forgetGateBias(hiddenSize: Int)
    /// Uniform on ±bound.
    case uniform(bound: Float)
  }

  /// Fresh values for `slots`, drawing from the initialisation seed stream
  /// in slot order (only uniform tensors draw, one number per entry).
  static func initialValues(
    _ slots: [LSTMOptimizerWeights.TensorSlot], seed: UInt64,
    rule: (LSTMOptimizerWeights.TensorSlot) -> Initialisation
  ) -> [Float] {
    var rng = RandomSource(seed: seed, stream: SeedStream.initialisation.rawValue)
    var values = [Float](repeating: 0, count: slots.last?.range.upperBound ?? 0)
    for slot in slots {
      switch rule(slot) {
      case .zero:
        break
      case .forgetGateBias(let h):
        for j in LSTMCell.columns(of: .forget, hiddenSize: h) { values[slot.range.lowerBound + j] = 1 }
      case .uniform(let bound):
        for i in slot.range { values[i] = rng.uniform(-bound, bound) }
      }
    }
    return values
  }
}
