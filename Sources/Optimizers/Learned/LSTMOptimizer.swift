import Autodiff
import Libm
import LinearAlgebra
import Optimizees

/// The learned coordinatewise LSTM optimizer as it runs in a race: forward
/// only, no tape, every coordinate of θ one row of a batch.
///
/// Each step: preprocess ∇f into features (n × I), run the stacked LSTM
/// cells in place on their states (one GEMM and one fused elementwise pass
/// per layer), apply the linear head (one GEMV, or one GEMM for a rule
/// with two outputs), and turn it into the step by the configuration's
/// ``LearnedUpdateRule``. All buffers are allocated at `init`; `step`
/// allocates nothing.
public struct LSTMOptimizer: Optimizer {
  public var name: String
  public let weights: LSTMOptimizerWeights
  private var preprocessing: PreprocessingState
  /// Hidden and cell states per layer, n × H each.
  private var hidden: [[Float]]
  private var cell: [[Float]]
  private var features: [Float]
  /// Floats of thread scratch a step needs for the gates (not kept per
  /// optimizer: a race holds hundreds of optimizers; ``ThreadScratch``).
  private let workspaceCount: Int
  /// The head's outputs, n × o (o the rule's outputs per coordinate).
  private var head: [Float]
  /// The secant rules' step sizes, history and per-coordinate prox steps
  /// (nil under the additive rule).
  private var secant: SecantUpdate?
  private let dimension: Int
  /// Where each tensor of φ starts in `weights.values` (layout order).
  private let offsets: [Int]

  /// The step τ of the prox that follows each update on composite problems:
  /// 1/L when the problem knows the Lipschitz constant L of ∇s (what the
  /// training unroll uses, so race and training take the same steps), the
  /// output scale otherwise (the learned rule has no base rate).
  public let proximalStep: Float

  /// An optimizer for a problem of `dimension` coordinates, states at zero.
  /// `proximalStep` is 1/L for a problem that knows L; nil means the output
  /// scale. `proximalBlockSize` is the blocks of the problem's prox (1
  /// unless the penalty is a group norm).
  public init(
    weights: LSTMOptimizerWeights, dimension: Int, name: String = LearnedArchitecture.lstm.rawValue,
    proximalStep: Float? = nil, proximalBlockSize: Int = 1
  ) {
    precondition(proximalBlockSize >= 1, "LSTMOptimizer: the prox's block size must be at least 1")
    self.name = name
    self.proximalStep = proximalStep ?? weights.configuration.outputScale
    self.weights = weights
    self.dimension = dimension
    offsets = weights.slots.map(\.range.lowerBound)
    let configuration = weights.configuration
    let h = configuration.hiddenSize
    preprocessing = PreprocessingState(configuration.preprocessing, count: dimension)
    hidden = Array(repeating: [Float](repeating: 0, count: dimension * h), count: configuration.layers)
    cell = hidden
    features = [Float](repeating: 0, count: dimension * configuration.inputSize)
    let widest = max(configuration.inputSize, h)
    workspaceCount = LSTMCell.workspaceCount(batch: dimension, inputSize: widest, hiddenSize: h)
    let outputs = configuration.update.outputCount
    head = [Float](repeating: 0, count: dimension * outputs)
    secant = SecantUpdate(
      rule: configuration.update, dimension: dimension, baseStep: configuration.outputScale,
      proximalBlockSize: proximalBlockSize)
  }

  /// An optimizer for `problem`, as a race makes it: the prox step 1/L when
  /// the problem knows L (as in the training unroll) and the prox's blocks.
  public init(weights: LSTMOptimizerWeights, problem: any Problem, name: String = LearnedArchitecture.lstm.rawValue) {
    self.init(
      weights: weights, dimension: problem.dimension, name: name,
      proximalStep: problem.smoothLipschitz.map { 1 / $0 },
      proximalBlockSize: problem.regularizer.proximalBlockSize)
  }

  /// The additive rule: `prox_{τΩ}` with τ = ``proximalStep``. The secant
  /// rules: the prox with each coordinate's own step exp(ℓ̄ᵢ)·η̂, so θ is a
  /// fixed point exactly where it minimises s + Ω (with the momentum term
  /// at rest), whatever the network outputs.
  public func applyProximal(of regularizer: Regularizer, to parameters: inout [Float]) {
    guard let secant, !regularizer.isNone else {
      regularizer.applyProximal(&parameters, step: proximalStep)
      return
    }
    secant.applyProximal(of: regularizer, to: &parameters)
  }

  public mutating func step(parameters: inout [Float], gradient: [Float]) {
    let configuration = weights.configuration
    let h = configuration.hiddenSize
    let n = dimension
    gradient.withUnsafeBufferPointer { g in
      features.withUnsafeMutableBufferPointer { preprocessing.features(of: g, into: $0) }
    }
    let phi = weights.values
    phi.withUnsafeBufferPointer { phiBuffer in
      guard let base = phiBuffer.baseAddress else { return }
      for layer in 0..<configuration.layers {
        let inputSize = layer == 0 ? configuration.inputSize : h
        // Layer 0 reads the features; a higher layer reads the new hidden
        // state of the one below (a different array from its own state).
        let input = layer == 0 ? features : hidden[layer - 1]
        input.withUnsafeBufferPointer { x in
          ThreadScratch.withFloats(count: workspaceCount) { scratch in
            hidden[layer].withUnsafeMutableBufferPointer { hs in
              cell[layer].withUnsafeMutableBufferPointer { cs in
                guard let xp = x.baseAddress, let hp = hs.baseAddress, let cp = cs.baseAddress
                else { return }
                LSTMCell.forward(
                  batch: n, inputSize: inputSize, hiddenSize: h,
                  input: xp, hidden: hp, cell: cp,
                  inputWeights: base + offsets[layer * 3],
                  hiddenWeights: base + offsets[layer * 3 + 1],
                  bias: base + offsets[layer * 3 + 2],
                  workspace: scratch, newHidden: hp, newCell: cp)
              }
            }
          }
        }
      }
      let headSlot = configuration.layers * 3
      let outputs = configuration.update.outputCount
      hidden[configuration.layers - 1].withUnsafeBufferPointer { top in
        head.withUnsafeMutableBufferPointer { out in
          guard let tp = top.baseAddress, let op = out.baseAddress else { return }
          if outputs == 1 {
            BLAS.gemv(m: n, n: h, a: tp, x: base + offsets[headSlot], y: op)
          } else {
            BLAS.gemm(m: n, n: outputs, k: h, a: tp, b: base + offsets[headSlot], c: op)
          }
        }
      }
      let bias = base + offsets[headSlot + 1]
      switch configuration.update {
      case .additive:
        let scale = configuration.outputScale
        head.withUnsafeBufferPointer { out in
          parameters.withUnsafeMutableBufferPointer { theta in
            for i in 0..<n { theta[i] += scale * (out[i] + bias[0]) }
          }
        }
      case .secant, .curvature:
        // In place through the optional: a local copy would copy its
        // buffers on write, an allocation per step.
        head.withUnsafeBufferPointer { out in
          secant?.apply(head: out, bias: (bias[0], bias[1]), parameters: &parameters, gradient: gradient)
        }
      }
    }
  }

  /// The hidden state of `layer` (n × H, row-major): what the dashboard's
  /// memory panel shows for the LSTM.
  public func hiddenState(layer: Int) -> [Float] {
    hidden[layer]
  }
}

extension LSTMOptimizer {
  /// Per coordinate: each layer's gate GEMM, 2·4H·(I + H) for input width I
  /// (the features, then H), its elementwise cell update (≈ 10H: three
  /// sigmoids, two tanh, the products and sums), the linear head (2H per
  /// output) and the rule's step (``LearnedUpdateRule/flopsPerCoordinate``);
  /// the preprocessing adds a few per feature. At the
  /// default 2 layers of 20 this is ≈ 10,000 per coordinate, against Adam's
  /// 14: the cost a comparison by steps hides.
  public var flopsPerStep: Double? {
    let c = weights.configuration
    let h = Double(c.hiddenSize)
    var perCoordinate = 4 * Double(c.inputSize)
    var input = Double(c.inputSize)
    for _ in 0..<c.layers {
      perCoordinate += 8 * h * (input + h) + 10 * h
      input = h
    }
    perCoordinate += 2 * h * Double(c.update.outputCount) + c.update.flopsPerCoordinate
    return perCoordinate * Double(dimension)
  }
}
