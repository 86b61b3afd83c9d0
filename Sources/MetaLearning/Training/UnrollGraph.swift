import Autodiff
import Evaluation
import Optimizers

/// The pieces of an unrolled learned optimizer that do not depend on its
/// architecture, shared by ``LSTMUnroll`` and ``DNCUnroll``: the features
/// leaf (a constant computed from ∇s), the update of θ (ending with the
/// prox on composite problems), the optimizee's loss as a custom node whose
/// adjoint is ∇f (second derivatives dropped), and the meta-objective.
enum UnrollGraph<Scalar: TensorScalar> {
  /// The features of step `t` as a constant leaf: from `replay` when given,
  /// otherwise preprocessed from `gradient` (advancing `preprocessing`).
  static func features(
    tape: Tape<Scalar>, rows: Int, inputSize: Int, step t: Int, replay: [[Scalar]]?, gradient: [Scalar],
    preprocessing: inout PreprocessingState, featureScratch: inout [Float], gradientScratch: inout [Float]
  ) -> Variable<Scalar> {
    tape.leaf(shape: .matrix(rows, inputSize), differentiable: false) { out in
      if let replay {
        for i in 0..<out.count { out[i] = replay[t][i] }
        return
      }
      for i in 0..<rows { gradientScratch[i] = Float(gradient[i]) }
      gradientScratch.withUnsafeBufferPointer { g in
        featureScratch.withUnsafeMutableBufferPointer { preprocessing.features(of: g, into: $0) }
      }
      for i in 0..<out.count { out[i] = Scalar(featureScratch[i]) }
    }
  }

  /// `θ_{t+1} = prox_{τ_b Ω_b}(θ_t + Δθ_t)` per problem b: the learned
  /// update on the smooth part followed by the penalty's proximal operator,
  /// so every iterate is feasible and exactly sparse, as at race time. On a
  /// batch of smooth problems it is `θ_t + Δθ_t` and records nothing else.
  ///
  /// τ_b = 1/L_b when problem b knows L_b (the step proximal gradient methods
  /// take: for ISTA, `prox_{Ω/L}(θ − ∇s/L)` is the minimiser of the quadratic
  /// upper bound of s plus Ω), `defaultStep` (the output scale) otherwise.
  ///
  /// With `steps` (the secant rules' τᵢ per coordinate, constant over each
  /// of the prox's blocks), coordinate i ends with the prox at its own step:
  /// threshold τᵢλ_b (soft), √(2τᵢλ_b) (hard) or τ_gλ_b per group (block
  /// soft), differentiated through τ.
  static func update<Oracle: BatchLossOracle>(
    tape: Tape<Scalar>, theta: Variable<Scalar>, delta: Variable<Scalar>, oracle: Oracle, defaultStep: Double,
    steps: Variable<Scalar>? = nil
  ) -> Variable<Scalar> where Oracle.Scalar == Scalar {
    let moved = tape.add(theta, delta)
    if let steps, let penalty = oracle.penalty(0) {
      return proximal(tape: tape, moved: moved, steps: steps, penalty: penalty, oracle: oracle)
    }
    guard let first = oracle.proximal(0, defaultStep: defaultStep) else { return moved }
    var thresholds = [Scalar](repeating: 0, count: oracle.batch)
    for b in 0..<oracle.batch {
      guard let map = b == 0 ? first : oracle.proximal(b, defaultStep: defaultStep), map.kind == first.kind else {
        preconditionFailure("UnrollGraph.update: problem \(b) of the batch has another penalty than problem 0")
      }
      thresholds[b] = Scalar(map.threshold)
    }
    let t = tape.constant(Tensor(shape: .vector(oracle.batch), scalars: thresholds))
    return tape.proximal(moved, kind: first.kind, thresholds: t)
  }

  /// The prox of every coordinate at its own step τᵢ (see
  /// ``update(tape:theta:delta:oracle:defaultStep:steps:)``); `first` is
  /// problem 0's penalty, whose kind every problem of the batch must share.
  private static func proximal<Oracle: BatchLossOracle>(
    tape: Tape<Scalar>, moved: Variable<Scalar>, steps: Variable<Scalar>, penalty first: ProximalPenalty,
    oracle: Oracle
  ) -> Variable<Scalar> where Oracle.Scalar == Scalar {
    let n = oracle.dimension
    let rows = oracle.batch * n
    var weights = [Scalar](repeating: 0, count: oracle.batch)
    for b in 0..<oracle.batch {
      guard let penalty = b == 0 ? first : oracle.penalty(b), penalty.kind == first.kind else {
        preconditionFailure("UnrollGraph.update: problem \(b) of the batch has another penalty than problem 0")
      }
      weights[b] = Scalar(penalty.weight)
    }
    switch first.kind {
    case .softThreshold, .hardThreshold:
      var perRow = [Scalar](repeating: 0, count: rows)
      let factor: Scalar = first.kind == .hardThreshold ? 2 : 1
      for i in 0..<rows { perRow[i] = factor * weights[i / n] }
      let scaled = tape.multiply(steps, tape.constant(Tensor(shape: .matrix(rows, 1), scalars: perRow)))
      let thresholds = first.kind == .hardThreshold ? tape.squareRoot(scaled) : scaled
      return tape.proximal(moved, kind: first.kind, thresholds: thresholds)
    case .blockSoftThreshold(let size):
      // One threshold per group (the steps are constant over a group): the
      // segments of the tape's map are then the groups themselves.
      precondition(n % size == 0, "UnrollGraph.update: groups of \(size) do not tile \(n) coordinates")
      let groups = rows / size
      let leaders = (0..<groups).map { $0 * size }
      let perGroup = (0..<groups).map { weights[$0 * size / n] }
      let thresholds = tape.multiply(
        tape.gather(steps, indices: leaders, shape: .vector(groups)),
        tape.constant(Tensor(shape: .vector(groups), scalars: perGroup)))
      return tape.blockSoftThreshold(moved, thresholds: thresholds, blockSize: size)
    }
  }

  /// f_b(θ_b) = s_b(θ_b) + Ω_b(θ_b) for every problem of the batch (a
  /// B-vector node), writing the losses and ∇s into `losses` and `gradient`;
  /// the backward adds ȳ_b·(∇s_b + g_b) to θ's adjoint, g_b ∈ ∂Ω_b(θ_b)
  /// (``BatchLossOracle/addPenaltyGradient(_:theta:into:)``; zero on smooth
  /// problems).
  static func losses<Oracle: BatchLossOracle>(
    tape: Tape<Scalar>, theta: Variable<Scalar>, oracle: inout Oracle, losses: inout [Double],
    gradient: inout [Scalar]
  ) -> Variable<Scalar> where Oracle.Scalar == Scalar {
    let batch = oracle.batch
    let n = oracle.dimension
    let rows = batch * n
    return tape.custom(inputs: [theta], shape: .vector(batch), savedCount: rows) { context in
      let values = context.input(0)
      let saved = context.saved
      for b in 0..<batch {
        let range = (b * n)..<((b + 1) * n)
        let theta = UnsafeBufferPointer(rebasing: values[range])
        let slice = UnsafeMutableBufferPointer(rebasing: saved[range])
        let loss = oracle.evaluate(b, theta: theta, gradient: slice)
        context.output[b] = Scalar(loss)
        losses[b] = loss
        // The optimizer's next input is ∇s; the adjoint is ∇s + ∂Ω.
        for i in range { gradient[i] = saved[i] }
        oracle.addPenaltyGradient(b, theta: theta, into: slice)
      }
    } backward: { context in
      guard let adjoint = context.inputAdjoint(0) else { return }
      let outputAdjoint = context.outputAdjoint
      let saved = context.saved
      let perProblem = adjoint.count / outputAdjoint.count
      for b in 0..<outputAdjoint.count {
        let weight = outputAdjoint[b]
        for i in (b * perProblem)..<((b + 1) * perProblem) { adjoint[i] += weight * saved[i] }
      }
    }
  }

  /// The meta-objective over the loss nodes of the unroll (a scalar node),
  /// its value written to `metaLoss`.
  static func objective(
    tape: Tape<Scalar>, lossNodes: [Variable<Scalar>], objective: MetaObjective, batch: Int,
    optima: [Double], initialErrors: [Double], firstStep: Int, metaLoss: inout Double
  ) -> Variable<Scalar> {
    let steps = lossNodes.count
    return tape.custom(inputs: lossNodes, shape: .scalar, savedCount: steps * batch) { context in
      var losses = [Double](repeating: 0, count: steps * batch)
      for t in 0..<steps {
        let values = context.input(t)
        for b in 0..<batch { losses[t * batch + b] = Double(values[b]) }
      }
      var gradient = [Double](repeating: 0, count: steps * batch)
      let value = losses.withUnsafeBufferPointer { l in
        gradient.withUnsafeMutableBufferPointer { g in
          objective.evaluate(
            losses: l, batch: batch, optima: optima, initialErrors: initialErrors, firstStep: firstStep,
            gradient: g)
        }
      }
      metaLoss = value
      context.output[0] = Scalar(value)
      for i in 0..<gradient.count { context.saved[i] = Scalar(gradient[i]) }
    } backward: { context in
      let scale = context.outputAdjoint[0]
      let saved = context.saved
      let batch = context.inputShape(0).count
      for t in 0..<context.inputCount {
        context.accumulate(
          into: t, UnsafeBufferPointer(rebasing: saved[(t * batch)..<((t + 1) * batch)]), scaledBy: scale)
      }
    }
  }

  /// The imitation term of one step, `w·(1/n)Σ((Δθ − Δθᴬ)/α)²` (a scalar
  /// node; ``Imitation``), with Adam's step Δθᴬ taken from `gradient` (the
  /// step's input, advancing `trace`) as a constant. Its gradient with
  /// respect to Δθ is `2w/(nα²)·(Δθ − Δθᴬ)`, saved by the forward step.
  static func imitation(
    tape: Tape<Scalar>, delta: Variable<Scalar>, gradient: [Scalar], trace: inout ImitationTrace,
    value: inout Double
  ) -> Variable<Scalar> {
    let count = gradient.count
    let rate = Double(trace.imitation.learningRate)
    let factor = Double(trace.imitation.weight) / (Double(count) * rate * rate)
    return tape.custom(inputs: [delta], shape: .scalar, savedCount: count) { context in
      let step = context.input(0)
      let saved = context.saved
      gradient.withUnsafeBufferPointer { trace.step(gradient: $0, into: saved) }
      var sum = 0.0
      for i in 0..<count {
        let residual = Double(step[i]) - Double(saved[i])
        sum += residual * residual
        saved[i] = Scalar(2 * factor * residual)
      }
      value = factor * sum
      context.output[0] = Scalar(value)
    } backward: { context in
      context.accumulate(into: 0, context.saved, scaledBy: context.outputAdjoint[0])
    }
  }

  /// The meta-objective plus the imitation terms (when there are any).
  static func total(tape: Tape<Scalar>, objective: Variable<Scalar>, imitation: [Variable<Scalar>]) -> Variable<Scalar> {
    imitation.reduce(objective) { tape.add($0, $1) }
  }

  /// The gradient of the variables `phi` (laid out by `slots`) as one flat
  /// array of `count` values.
  static func flatGradient(
    tape: Tape<Scalar>, phi: [Variable<Scalar>], slots: [LSTMOptimizerWeights.TensorSlot], count: Int
  ) -> [Scalar] {
    var gradient = [Scalar](repeating: 0, count: count)
    for (slot, variable) in zip(slots, phi) {
      tape.withGradient(of: variable) { g in
        for (offset, index) in slot.range.enumerated() { gradient[index] = g[offset] }
      }
    }
    return gradient
  }
}
