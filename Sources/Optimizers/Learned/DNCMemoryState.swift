import Autodiff

/// The recurrent state of the DNC optimizer for B optimizees of n
/// coordinates each: the controller's LSTM state per coordinate and, per
/// optimizee, one shared memory with its bookkeeping. All row-major and
/// zero at the start of a run (DeepMind's initial state).
public struct DNCMemoryState<Scalar: TensorScalar>: Sendable, Equatable {
  /// Controller hidden and cell states, B·n × H.
  public var hidden: [Scalar]
  public var cell: [Scalar]
  /// Memory M, B × N × W.
  public var memory: [Scalar]
  /// Usage u, B × N.
  public var usage: [Scalar]
  /// Temporal link matrix L, B × N × N.
  public var link: [Scalar]
  /// Precedence p, B × N.
  public var precedence: [Scalar]
  /// The last write weights w^w, B × N.
  public var writeWeights: [Scalar]
  /// The last read weights of every coordinate's heads, B × (n·R) × N.
  public var readWeights: [Scalar]
  /// The last read words, B·n × R·W (the controller's next extra input).
  public var readWords: [Scalar]
  /// Under ``DNCMemoryContent/secant``: the previous θ and g of every
  /// optimizee, from which the next step's words are written (nil when the
  /// write vector is learned).
  public var secantWords: SecantMemoryWords<Scalar>?

  /// The zero state for `batch` optimizees of `dimension` coordinates.
  public init(configuration: DNCOptimizerConfiguration, batch: Int, dimension: Int) {
    let rows = batch * dimension
    let (h, n, w, r) = (
      configuration.hiddenSize, configuration.memorySlots, configuration.wordSize, configuration.readHeads
    )
    hidden = [Scalar](repeating: 0, count: rows * h)
    cell = hidden
    memory = [Scalar](repeating: 0, count: batch * n * w)
    usage = [Scalar](repeating: 0, count: batch * n)
    link = [Scalar](repeating: 0, count: batch * n * n)
    precedence = usage
    writeWeights = usage
    readWeights = [Scalar](repeating: 0, count: rows * r * n)
    readWords = [Scalar](repeating: 0, count: rows * r * w)
    secantWords =
      configuration.memoryContent == .secant ? SecantMemoryWords(groups: batch, groupSize: dimension) : nil
  }
}
