import Autodiff
import Optimizers

/// The pieces of an unrolled learned optimizer that do not depend on its
/// architecture, shared by ``LSTMUnroll`` and ``DNCUnroll``: the features
/// leaf (a constant computed from ∇f), the optimizee's loss as a custom node
/// whose adjoint is ∇f (second derivatives dropped), and the meta-objective.
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

  /// f_b(θ_b) for every problem of the batch (a B-vector node), writing the
  /// losses and ∇f into `losses` and `gradient`; the backward adds ȳ_b·∇f_b
  /// to θ's adjoint.
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
        let loss = oracle.evaluate(
          b, theta: UnsafeBufferPointer(rebasing: values[range]),
          gradient: UnsafeMutableBufferPointer(rebasing: saved[range]))
        context.output[b] = Scalar(loss)
        losses[b] = loss
      }
      for i in 0..<rows { gradient[i] = saved[i] }
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
