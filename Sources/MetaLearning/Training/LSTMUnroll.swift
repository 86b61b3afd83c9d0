import Autodiff
import Evaluation
import Optimizers

/// One truncated unroll of the LSTM optimizer on a tape: K steps of
/// `θ_{t+1} = prox_{τΩ}(θ_t + scale·head(LSTM(features(∇s(θ_t)))))` on a
/// batch of problems (the prox is the identity on smooth problems; see
/// ``UnrollGraph/update(tape:theta:delta:oracle:defaultStep:)``), the
/// meta-objective over the losses reached, and its gradient with respect to
/// the optimizer's weights φ.
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
    /// The secant rule's −η̂·g of each step, followed by η̂ per row on
    /// composite problems (recorded with the features; empty under the
    /// additive rule).
    public var stepInputs: [[Scalar]] = []
    /// The DNC's written words of each step under
    /// ``DNCMemoryContent/secant`` (recorded with the features; empty
    /// otherwise).
    public var writtenWords: [[Scalar]] = []
  }

  /// Runs `steps` steps from `state`, advancing it, and differentiates.
  ///
  /// - Parameters:
  ///   - replayFeatures: when given, the features of step t are taken from
  ///     here instead of being computed from the gradient (a gradient check
  ///     holds them fixed, exactly as the stop-gradient does).
  ///   - recordFeatures: whether to return the features used (and the
  ///     secant rule's scaled gradients).
  ///   - replayStepInputs: the secant rule's −η̂·g of step t, held as
  ///     `replayFeatures` holds the features.
  public static func run<Oracle: BatchLossOracle>(
    tape: Tape<Scalar>, configuration: LSTMOptimizerConfiguration, weights: [Scalar],
    objective: MetaObjective, steps: Int, state: inout UnrollState<Scalar>, oracle: inout Oracle,
    replayFeatures: [[Scalar]]? = nil, recordFeatures: Bool = false, replayStepInputs: [[Scalar]]? = nil
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
    var imitationNodes: [Variable<Scalar>] = []
    var imitationLoss = 0.0
    var recorded: [[Scalar]] = []
    var recordedStepInputs: [[Scalar]]? = recordFeatures ? [] : nil
    var secant = SecantGraph(tape: tape, rows: rows, dimension: n, state: state.secant, penalty: oracle.penalty(0))
    var featureScratch = [Float](repeating: 0, count: rows * inputSize)
    var gradientScratch = [Float](repeating: 0, count: rows)

    for t in 0..<steps {
      let x = UnrollGraph.features(
        tape: tape, rows: rows, inputSize: inputSize, step: t, replay: replayFeatures,
        gradient: state.gradient, preprocessing: &state.preprocessing, featureScratch: &featureScratch,
        gradientScratch: &gradientScratch)
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
      let (delta, proximalSteps) = secant.delta(
        head: head, outputScale: configuration.outputScale, theta: theta, gradient: state.gradient, step: t,
        replay: replayStepInputs, recorded: &recordedStepInputs)
      if var trace = state.imitation {
        var value = 0.0
        imitationNodes.append(
          UnrollGraph.imitation(tape: tape, delta: delta, gradient: state.gradient, trace: &trace, value: &value))
        imitationLoss += value
        state.imitation = trace
      }
      theta = UnrollGraph.update(
        tape: tape, theta: theta, delta: delta, oracle: oracle, defaultStep: Double(configuration.outputScale),
        steps: proximalSteps)
      lossNodes.append(
        UnrollGraph.losses(
          tape: tape, theta: theta, oracle: &oracle, losses: &state.losses, gradient: &state.gradient))
    }

    var metaLoss = 0.0
    let objectiveNode = UnrollGraph.objective(
      tape: tape, lossNodes: lossNodes, objective: objective, batch: batch,
      optima: (0..<batch).map { oracle.optimum($0) }, initialErrors: state.initialErrors,
      firstStep: state.step + 1, metaLoss: &metaLoss)
    tape.backward(from: UnrollGraph.total(tape: tape, objective: objectiveNode, imitation: imitationNodes))
    metaLoss += imitationLoss
    let gradient = UnrollGraph.flatGradient(tape: tape, phi: phi, slots: layout, count: weights.count)
    state.theta = tape.withValue(of: theta) { Array($0) }
    for layer in 0..<configuration.layers {
      state.hidden[layer] = tape.withValue(of: hidden[layer]) { Array($0) }
      state.cell[layer] = tape.withValue(of: cell[layer]) { Array($0) }
    }
    state.step += steps
    state.secant = secant.state
    return Outcome(metaLoss: metaLoss, gradient: gradient, features: recorded, stepInputs: recordedStepInputs ?? [])
  }
}
