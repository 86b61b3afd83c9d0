import Autodiff
import LinearAlgebra
import Optimizees
import Optimizers

@testable import Evaluation
@testable import MetaLearning

/// The finite-difference scaffolding of the whole-unroll gradient checks
/// (LSTM and DNC, smooth and composite problems): run the unroll once on a
/// Double tape recording its features, then compare each coordinate of the
/// meta-gradient with the central difference (L(w + h·eᵢ) − L(w − h·eᵢ))/2h of
/// the meta-loss replayed with those features held (the stop-gradient the
/// tape applies), h = 1e-6. The error of a coordinate is |numeric − tape| /
/// max(1e-4, |numeric| + |tape|): relative where the derivative is large,
/// absolute near zero.
enum UnrollGradientCheck {
  /// A check's outcome: the worst relative error, the tape's meta-gradient
  /// and the unroll's final iterates.
  struct Result {
    var worst: Double
    var gradient: [Double]
    var theta: [Double]
  }

  /// θ₀ for `count` coordinates: seeded Gaussians times `scale`.
  static func randomTheta(count: Int, scale: Double, rng: inout RandomSource) -> [Double] {
    (0..<count).map { _ in Double(rng.gaussian()) * scale }
  }

  /// The worst error over the coordinates of `gradient` at `weights`.
  static func worstRelativeError(
    of gradient: [Double], at weights: [Double], metaLoss: ([Double]) -> Double
  ) -> Double {
    var worst = 0.0
    let h = 1e-6
    for i in weights.indices {
      var plus = weights, minus = weights
      plus[i] += h
      minus[i] -= h
      let numeric = (metaLoss(plus) - metaLoss(minus)) / (2 * h)
      let error = abs(numeric - gradient[i]) / max(1e-4, abs(numeric) + abs(gradient[i]))
      worst = max(worst, error)
    }
    return worst
  }

  /// Checks a `steps`-step unroll of the LSTM optimizer from `initial`.
  static func lstm<Oracle: BatchLossOracle>(
    configuration: LSTMOptimizerConfiguration, weights: [Double], objective: MetaObjective, steps: Int,
    initial: UnrollState<Double>, oracle: inout Oracle
  ) -> Result where Oracle.Scalar == Double {
    let tape = Tape<Double>()
    var state = initial
    let base = LSTMUnroll<Double>.run(
      tape: tape, configuration: configuration, weights: weights, objective: objective, steps: steps,
      state: &state, oracle: &oracle, recordFeatures: true)
    let worst = worstRelativeError(of: base.gradient, at: weights) { w in
      var s = initial
      return LSTMUnroll<Double>.run(
        tape: tape, configuration: configuration, weights: w, objective: objective, steps: steps,
        state: &s, oracle: &oracle, replayFeatures: base.features,
        replayStepInputs: base.stepInputs.isEmpty ? nil : base.stepInputs
      ).metaLoss
    }
    return Result(worst: worst, gradient: base.gradient, theta: state.theta)
  }

  /// Checks a `steps`-step unroll of the DNC optimizer from `initial`, with
  /// the usage's stop-gradient lifted so the tape differentiates exactly
  /// the function the differences see; also returns the final state.
  static func dnc<Oracle: BatchLossOracle>(
    configuration: DNCOptimizerConfiguration, weights: [Double], objective: MetaObjective, steps: Int,
    initial: DNCUnrollState<Double>, oracle: inout Oracle
  ) -> (result: Result, state: DNCUnrollState<Double>) where Oracle.Scalar == Double {
    let tape = Tape<Double>()
    var state = initial
    let base = DNCUnroll<Double>.run(
      tape: tape, configuration: configuration, weights: weights, objective: objective, steps: steps,
      state: &state, oracle: &oracle, recordFeatures: true, stopUsageGradient: false)
    let worst = worstRelativeError(of: base.gradient, at: weights) { w in
      var s = initial
      return DNCUnroll<Double>.run(
        tape: tape, configuration: configuration, weights: w, objective: objective, steps: steps,
        state: &s, oracle: &oracle, replayFeatures: base.features,
        replayStepInputs: base.stepInputs.isEmpty ? nil : base.stepInputs,
        replayWrittenWords: base.writtenWords.isEmpty ? nil : base.writtenWords, stopUsageGradient: false
      ).metaLoss
    }
    return (Result(worst: worst, gradient: base.gradient, theta: state.base.theta), state)
  }
}
