import LinearAlgebra

/// Timings of the tape on the learned optimizer's workload, for
/// `mnemo bench`.
///
/// Each benchmark warms up (so the arena and OpenBLAS reach their steady
/// state), then reports the median of its repeats.
public enum AutodiffBenchmarks {
  /// Medians of one truncated-BPTT unroll.
  public struct UnrollTiming: Sendable, CustomStringConvertible {
    /// Recording the graph: all forward computation.
    public let forwardMilliseconds: Double
    /// ``Tape/backward(from:)``.
    public let backwardMilliseconds: Double
    /// The median of forward + backward per repeat.
    public let totalMilliseconds: Double
    /// Tensor storage the tape holds for one unroll.
    public let storageBytes: Int
    /// Nodes recorded per unroll.
    public let nodeCount: Int

    public var description: String {
      "forward \(forwardMilliseconds) ms, backward \(backwardMilliseconds) ms, "
        + "total \(totalMilliseconds) ms, \(storageBytes / 1_048_576) MiB, \(nodeCount) nodes"
    }
  }

  /// Times the meta-training graph of a coordinatewise LSTM optimizer: for
  /// `steps` steps, the gradient of a separable quadratic (a constant) feeds
  /// `layers` LSTM cells of `hiddenSize` units over a batch of `batch`
  /// coordinates, a linear head gives the update Δ, θ ← θ + Δ, and the
  /// optimizee's loss enters through a custom node (∇f as θ's adjoint). The
  /// meta-loss is the sum of the losses; backward reaches every weight.
  ///
  /// The paper's quadratic configuration is the default: 128 problems × 10
  /// coordinates, K = 20, 2 × 20 units, input size 1.
  public static func lstmUnroll(
    batch: Int = 1280, steps: Int = 20, layers: Int = 2, hiddenSize: Int = 20, inputSize: Int = 1,
    warmUp: Int = 3, repeats: Int = 21, seed: UInt64 = 1
  ) -> UnrollTiming {
    let model = UnrollModel<Float>(
      batch: batch, layers: layers, hiddenSize: hiddenSize, inputSize: inputSize, seed: seed)
    let tape = Tape<Float>()
    let clock = ContinuousClock()
    var forward: [Double] = []
    var backward: [Double] = []
    var total: [Double] = []
    for repeatIndex in 0..<(warmUp + repeats) {
      var loss: Variable<Float>?
      let forwardTime = clock.measure {
        tape.reset()
        loss = model.record(on: tape, steps: steps)
      }
      let backwardTime = clock.measure {
        if let loss { tape.backward(from: loss) }
      }
      guard repeatIndex >= warmUp else { continue }
      forward.append(milliseconds(forwardTime))
      backward.append(milliseconds(backwardTime))
      total.append(milliseconds(forwardTime + backwardTime))
    }
    return UnrollTiming(
      forwardMilliseconds: median(forward), backwardMilliseconds: median(backward),
      totalMilliseconds: median(total), storageBytes: tape.storageBytes, nodeCount: tape.nodeCount)
  }

  /// The median time of one inference step of the LSTM optimizer (all
  /// layers and the head, no tape) over `batch` coordinates: the learned
  /// optimizer's cost per step in a race.
  public static func lstmForwardStep(
    batch: Int = 16_000, layers: Int = 2, hiddenSize: Int = 20, inputSize: Int = 1,
    warmUp: Int = 3, repeats: Int = 21, seed: UInt64 = 1
  ) -> Double {
    let model = UnrollModel<Float>(
      batch: batch, layers: layers, hiddenSize: hiddenSize, inputSize: inputSize, seed: seed)
    let buffers = InferenceBuffers(model)
    defer { buffers.deallocate() }
    var random = RandomSource(seed: seed, stream: 1)
    let gradient = random.gaussianArray(count: batch * inputSize)
    var update = [Float](repeating: 0, count: batch)
    let clock = ContinuousClock()
    var times: [Double] = []
    gradient.withUnsafeBufferPointer { g in
      update.withUnsafeMutableBufferPointer { u in
        guard let input = g.baseAddress, let output = u.baseAddress else { return }
        for repeatIndex in 0..<(warmUp + repeats) {
          let time = clock.measure {
            model.inferenceStep(gradient: input, buffers: buffers, update: output)
          }
          if repeatIndex >= warmUp { times.append(milliseconds(time)) }
        }
      }
    }
    return median(times)
  }

  private static func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e3 + Double(attoseconds) * 1e-15
  }

  private static func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1
      ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }
}

/// The weights of a stacked LSTM with a linear head, and the benchmark's
/// graph built from them.
struct UnrollModel<S: TensorScalar> {
  struct Layer {
    var inputWeights: Tensor<S>
    var hiddenWeights: Tensor<S>
    var bias: Tensor<S>
  }

  let batch: Int
  let hiddenSize: Int
  let inputSize: Int
  var layers: [Layer] = []
  var headWeights: Tensor<S>
  var headBias: Tensor<S>
  /// Curvatures of the separable quadratic f(θ) = ½ Σ aᵢ θᵢ².
  var curvature: [S]
  var initialTheta: [S]

  init(batch: Int, layers: Int, hiddenSize: Int, inputSize: Int, seed: UInt64) {
    self.batch = batch
    self.hiddenSize = hiddenSize
    self.inputSize = inputSize
    var random = RandomSource(seed: seed, stream: 0)
    func tensor(_ shape: Shape, scale: Float) -> Tensor<S> {
      Tensor(shape: shape, scalars: random.gaussianArray(count: shape.count).map { S($0 * scale) })
    }
    for layer in 0..<layers {
      let width = layer == 0 ? inputSize : hiddenSize
      let gateWidth = 4 * hiddenSize
      self.layers.append(
        Layer(
          inputWeights: tensor(.matrix(width, gateWidth), scale: 1 / Float(width).squareRoot()),
          hiddenWeights: tensor(.matrix(hiddenSize, gateWidth), scale: 1 / Float(hiddenSize).squareRoot()),
          bias: LSTMCell.initialBias(hiddenSize: hiddenSize)))
    }
    headWeights = tensor(.matrix(hiddenSize, 1), scale: 0.1)
    headBias = Tensor(shape: .vector(1), repeating: 0)
    curvature = random.uniformArray(count: batch, 0.5, 2).map { S($0) }
    initialTheta = random.gaussianArray(count: batch).map { S($0) }
  }

  /// Records the unroll and returns the meta-loss Σₜ f(θₜ).
  func record(on tape: Tape<S>, steps: Int) -> Variable<S> {
    let weights = layers.map {
      (tape.variable($0.inputWeights), tape.variable($0.hiddenWeights), tape.variable($0.bias))
    }
    let head = (tape.variable(headWeights), tape.variable(headBias))
    let zeros = Tensor<S>(shape: .matrix(batch, hiddenSize), repeating: 0)
    var states = layers.map { _ in (tape.constant(zeros), tape.constant(zeros)) }
    var theta = tape.constant(Tensor(shape: .matrix(batch, 1), scalars: initialTheta))
    var metaLoss = loss(of: theta, on: tape)
    for _ in 0..<steps {
      // ∇f(θ) = a ⊙ θ, a constant: second derivatives are dropped.
      let current = theta
      let gradient = tape.leaf(shape: .matrix(batch, inputSize), differentiable: false) { g in
        tape.withValue(of: current) { value in
          for i in 0..<batch {
            for k in 0..<inputSize { g[i * inputSize + k] = curvature[i] * value[i] }
          }
        }
      }
      var input = gradient
      for (index, layer) in weights.enumerated() {
        let (h, c) = tape.lstmCell(
          input: input, hidden: states[index].0, cell: states[index].1,
          inputWeights: layer.0, hiddenWeights: layer.1, bias: layer.2)
        states[index] = (h, c)
        input = h
      }
      let update = tape.add(tape.matmul(input, head.0), head.1)
      theta = tape.add(theta, update)
      metaLoss = tape.add(metaLoss, loss(of: theta, on: tape))
    }
    return metaLoss
  }

  /// f(θ) = ½ Σ aᵢ θᵢ² as a custom node whose backward adds ȳ·∇f to θ̄.
  private func loss(of theta: Variable<S>, on tape: Tape<S>) -> Variable<S> {
    tape.custom(inputs: [theta], shape: .scalar, savedCount: batch) { context in
      let value = context.input(0)
      var total: S = 0
      for i in 0..<batch {
        let g = curvature[i] * value[i]
        context.saved[i] = g
        total += g * value[i] / 2
      }
      context.output[0] = total
    } backward: { context in
      context.accumulate(into: 0, context.saved, scaledBy: context.outputAdjoint[0])
    }
  }

  /// One tape-free step of the layers and the head on `gradient` (B×I),
  /// updating the state in place and writing Δ (B) into `update`.
  func inferenceStep(
    gradient: UnsafePointer<S>, buffers: InferenceBuffers<S>, update: UnsafeMutablePointer<S>
  ) {
    var input = gradient
    for (index, layer) in buffers.layers.enumerated() {
      LSTMCell.forward(
        batch: batch, inputSize: index == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize,
        input: input, hidden: layer.hidden, cell: layer.cell, inputWeights: layer.inputWeights,
        hiddenWeights: layer.hiddenWeights, bias: layer.bias, workspace: buffers.workspace,
        newHidden: layer.hidden, newCell: layer.cell)
      input = UnsafePointer(layer.hidden)
    }
    S._gemm(
      transposeA: false, transposeB: false, m: batch, n: 1, k: hiddenSize, alpha: 1,
      a: input, lda: hiddenSize, b: buffers.headWeights, ldb: 1, beta: 0, c: update, ldc: 1)
  }
}

/// Raw storage for the inference benchmark: weights, state and workspace,
/// allocated once and freed by ``deallocate()``.
struct InferenceBuffers<S: TensorScalar> {
  struct Layer {
    var inputWeights: UnsafeMutablePointer<S>
    var hiddenWeights: UnsafeMutablePointer<S>
    var bias: UnsafeMutablePointer<S>
    var hidden: UnsafeMutablePointer<S>
    var cell: UnsafeMutablePointer<S>
  }

  var layers: [Layer] = []
  var headWeights: UnsafeMutablePointer<S>
  var workspace: UnsafeMutablePointer<S>
  private var owned: [UnsafeMutablePointer<S>] = []

  init(_ model: UnrollModel<S>) {
    func copy(_ scalars: [S]) -> UnsafeMutablePointer<S> {
      let pointer = UnsafeMutablePointer<S>.allocate(capacity: Swift.max(1, scalars.count))
      pointer.initialize(from: scalars, count: scalars.count)
      return pointer
    }
    func zeros(_ count: Int) -> UnsafeMutablePointer<S> {
      let pointer = UnsafeMutablePointer<S>.allocate(capacity: Swift.max(1, count))
      pointer.initialize(repeating: 0, count: count)
      return pointer
    }
    let stateCount = model.batch * model.hiddenSize
    for layer in model.layers {
      layers.append(
        Layer(
          inputWeights: copy(layer.inputWeights.scalars), hiddenWeights: copy(layer.hiddenWeights.scalars),
          bias: copy(layer.bias.scalars), hidden: zeros(stateCount), cell: zeros(stateCount)))
    }
    headWeights = copy(model.headWeights.scalars)
    workspace = zeros(
      LSTMCell.workspaceCount(
        batch: model.batch, inputSize: Swift.max(model.inputSize, model.hiddenSize),
        hiddenSize: model.hiddenSize))
    owned = layers.flatMap { [$0.inputWeights, $0.hiddenWeights, $0.bias, $0.hidden, $0.cell] }
    owned += [headWeights, workspace]
  }

  func deallocate() {
    for pointer in owned { pointer.deallocate() }
  }
}
