/// An optimizee that trains a classifier on MNIST minibatches: the MLP
/// (``MNISTMLPProblem``) and the convolutional network (``MNISTCNNProblem``).
///
/// Why a protocol: a run's figure of merit on these classes is the trained
/// network's loss and accuracy on a data split (`mnemo race --evaluate test`,
/// the report's test-loss column), which the minibatch loss only estimates.
/// Callers that report it ask for this protocol, so a new architecture on the
/// same data joins them by conforming instead of by another special case.
public protocol MNISTClassifierProblem: Problem {
  /// The data set the network trains on (shared by every instance of its
  /// class).
  var dataset: MNISTDataset { get }

  /// Loss and accuracy of the network θ on the first `examples` images of
  /// `split` (all of them when nil). It does not touch the minibatch stream,
  /// and `theta` must have ``Problem/dimension`` elements.
  func evaluate(at theta: [Float], split: DataSplit, examples: Int?) -> MNISTEvaluation
}

extension MNISTClassifierProblem {
  /// The mean cross-entropy of θ on the first `examples` images of `split`
  /// (all when nil).
  public func meanLoss(at theta: [Float], split: DataSplit, examples: Int? = nil) -> Float {
    evaluate(at: theta, split: split, examples: examples).meanLoss
  }
}

/// A network's loss and accuracy over (part of) a split.
public struct MNISTEvaluation: Sendable, Equatable {
  /// The mean cross-entropy.
  public let meanLoss: Float
  /// The fraction of examples classified correctly.
  public let accuracy: Float
  /// How many examples were evaluated.
  public let examples: Int
}
