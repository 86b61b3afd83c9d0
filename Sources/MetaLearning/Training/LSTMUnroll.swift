import Autodiff
import Optimizers

/// One truncated unroll of the LSTM optimizer on a tape: K steps of
/// `θ_{t+1} = θ_t + scale·head(LSTM(features(∇f(θ_t))))` on a batch of
/// problems, the meta-objective over the losses reached, and its gradient
/// with respect to the optimizer's weights φ.
///
/// The optimizee's gradient enters as a constant (second derivatives
/// dropped, as in Andrychowicz et al. 2016): each loss `f_b(θ_t)` is a tape
/// node whose backward adds `ȳ·∇f_b(θ_t)` to θ_t's adjoint, and the features
/// computed from ∇f are constants. Generic over the scalar so the same graph
/// runs in Float for training and in Double for gradient checks.
public enum LSTMUnroll<Scalar: TensorScalar> {
  /// The result of one unroll.
  public struct Outcome {
    /// The meta-loss.
    public var metaLoss: Double
    /// ∂meta-loss/∂φ, in the weights' layout order.
    public var gradient: [Scalar]
    /// The features fed at each step (only when recording was asked for).
    public var features: [[Scalar]]
  }

  /// Runs `steps` steps from `state`, advancing it, and differentiates.
  ///
  /// - Parameters:
  ///   - replayFeatures: when given, the features of step t are taken from
  ///     here instead of being computed from the gradient (a gradient check
  ///     holds them fixed, exactly as the stop-gradient does).
  ///   - recordFeatures: whether to return the features used.
  public static func run<Oracle: BatchLossOracle>(
    tape: Tape<Scalar>, configuration: LSTMOptimizerConfiguration, weights: [Scalar],
    objective: MetaObjective, steps: Int, state: inout UnrollState<Scalar>, oracle: inout Oracle,
    replayFeatures: [[Scalar]]? = nil, recordFeatures: Bool = false
  ) -> Outcome where Oracle.Scalar == Scalar {
    tape.reset()
    let batch = oracle.batch
    let n = oracle.dimension
    let rows = batch * n
    let h = configuration.hiddenSize
    let inputSize = configuration.inputSize
    let layout = LSTMOptimizerWeights.tensorLayout(configuration)
    let phi = layout.map { slot in
      tape.variable(Tensor(shape: Shape(slot.shape), scalars: Array(weights[slot.range])))
    }
    var theta = tape.constant(Tensor(shape: .matrix(rows, 1), scalars: state.theta))
    var hidden = state.hidden.map { tape.constant(Tensor(shape: .matrix(rows, h), scalars: $0)) }
    var cell = state.cell.map { tape.constant(Tensor(shape: .matrix(rows, h), scalars: $0)) }
    var lossNodes: [Variable<Scalar>] = []
    var recorded: [[Scalar]] = []
    var featureScratch = [Float](repeating: 0, count: rows * inputSize)
    var gradientScratch = [Float](repeating: 0, count: rows)

    for t in 0..<steps {
      let x = tape.leaf(shape: .matrix(rows, inputSize), differentiable: false) { out in
        if let replay = replayFeatures {
          for i in 0..<out.count { out[i] = replay[t][i] }
          return
        }
        for i in 0..<rows { gradientScratch[i] = Float(state.gradient[i]) }
        gradientScratch.withUnsafeBufferPointer { g in
          featureScratch.withUnsafeMutableBufferPointer { state.preprocessing.features(of: g, into: $0) }
        }
        for i in 0..<out.count { out[i] = Scalar(featureScratch[i]) }
      }
      if recordFeatures { recorded.append(tape.withValue(of: x) { Array($0) }) }
      var input = x
      for layer in 0..<configuration.layers {
        let next = tape.lstmCell(
          input: input, hidden: hidden[layer], cell: cell[layer],
          inputWeights: phi[3 * layer], hiddenWeights: phi[3 * layer + 1], bias: phi[3 * layer + 2])
        hidden[layer] = next.hidden
        cell[layer] = next.cell
        input = next.hidden
      }
      let head = tape.add(tape.matmul(input, phi[3 * configuration.layers]), phi[3 * configuration.layers + 1])
      theta = tape.add(theta, tape.scale(head, by: Scalar(configuration.outputScale)))
      let losses = tape.custom(inputs: [theta], shape: .vector(batch), savedCount: rows) { context in
        let values = context.input(0)
        let saved = context.saved
        for b in 0..<batch {
          let range = (b * n)..<((b + 1) * n)
          let loss = oracle.evaluate(
            b, theta: UnsafeBufferPointer(rebasing: values[range]),
            gradient: UnsafeMutableBufferPointer(rebasing: saved[range]))
          context.output[b] = Scalar(loss)
          state.losses[b] = loss
        }
        for i in 0..<rows { state.gradient[i] = saved[i] }
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
      lossNodes.append(losses)
    }

    let optima = (0..<batch).map { oracle.optimum($0) }
    let initialErrors = state.initialErrors
    let firstStep = state.step + 1
    var metaLoss = 0.0
    let objectiveNode = tape.custom(inputs: lossNodes, shape: .scalar, savedCount: steps * batch) { context in
      var losses = [Double](repeating: 0, count: steps * batch)
      for t in 0..<steps {
        let values = context.input(t)
        for b in 0..<batch { losses[t * batch + b] = Double(values[b]) }
      }
      var gradient = [Double](repeating: 0, count: steps * batch)
      metaLoss = losses.withUnsafeBufferPointer { l in
        gradient.withUnsafeMutableBufferPointer { g in
          objective.evaluate(
            losses: l, batch: batch, optima: optima, initialErrors: initialErrors, firstStep: firstStep,
            gradient: g)
        }
      }
      context.output[0] = Scalar(metaLoss)
      for i in 0..<gradient.count { context.saved[i] = Scalar(gradient[i]) }
    } backward: { context in
      let scale = context.outputAdjoint[0]
      let saved = context.saved
      let batch = context.inputShape(0).count
      for t in 0..<context.inputCount {
        context.accumulate(into: t, UnsafeBufferPointer(rebasing: saved[(t * batch)..<((t + 1) * batch)]), scaledBy: scale)
      }
    }
    tape.backward(from: objectiveNode)

    var gradient = [Scalar](repeating: 0, count: weights.count)
    for (slot, variable) in zip(layout, phi) {
      tape.withGradient(of: variable) { g in
        for (offset, index) in slot.range.enumerated() { gradient[index] = g[offset] }
      }
    }
    state.theta = tape.withValue(of: theta) { Array($0) }
    for layer in 0..<configuration.layers {
      state.hidden[layer] = tape.withValue(of: hidden[layer]) { Array($0) }
      state.cell[layer] = tape.withValue(of: cell[layer]) { Array($0) }
    }
    state.step += steps
    return Outcome(metaLoss: metaLoss, gradient: gradient, features: recorded)
  }
}
