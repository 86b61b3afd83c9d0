import Evaluation
import Optimizees
import Sessions
/// Adam's state in a session's weights file, the same three tensors for
/// every learned optimizer: `meta-adam.m` and `meta-adam.v` (the moments,
/// one entry per parameter) and `meta-adam.steps` (the update count, which
/// the bias correction 1 − βᵗ needs to continue where it stopped).
extension MetaAdam {
  /// The three tensors to append to a session's weights.
  public var sessionEntries: [NamedTensors.Entry] {
    let count = firstMoment.count
    return [
      .init(name: "meta-adam.m", shape: [count], values: firstMoment),
      .init(name: "meta-adam.v", shape: [count], values: secondMoment),
      .init(name: "meta-adam.steps", shape: [1], values: [Float(steps)]),
    ]
  }

  /// Takes the moments and update count from a session's `tensors` when all
  /// three are there with this optimizer's parameter count; otherwise keeps
  /// the fresh state (a session saved without them resumes with Adam
  /// restarted, which only costs a few noisy first steps).
  public mutating func restore(from tensors: NamedTensors) {
    guard let m = tensors["meta-adam.m"], let v = tensors["meta-adam.v"],
      let steps = tensors["meta-adam.steps"]?.values.first,
      m.values.count == firstMoment.count, v.values.count == secondMoment.count,
      // The count is stored as a Float: anything but a whole number in the
      // meta-iteration range (1e38, −5) would trap converting to Int.
      steps.isFinite, steps == steps.rounded(), Double(steps) >= 0,
      Double(steps) <= Double(Limits.metaIteration.upperBound),
      v.values.allSatisfy({ $0 >= 0 })
    else { return }
    firstMoment = m.values
    secondMoment = v.values
    self.steps = Int(steps)
  }
}
