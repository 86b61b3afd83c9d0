import Dashboard
import Engine
import Evaluation
import Foundation
import MetaLearning
import Rendering

/// Races with closed-form curves, so every number on screen is known.
enum Fixtures {
  static let steps = 20

  /// A racer whose mean loss (and error, the optimum being 0) is `loss(t)`
  /// for t = 0 … steps; a non-finite value marks divergence at that step
  /// and NaN afterwards, as the race does.
  ///
  /// The spread over instances is 0.2 × the loss (so the table's ±95 % is
  /// 1.96 · 0.2 · loss / √4); `geometric` scales the geometric-mean curve
  /// (1: equal to the mean); every update takes `seconds`.
  static func trace(
    _ name: String, rate: Float? = 0.01, geometric: Double = 1, seconds: Double = 2e-6,
    _ loss: (Int) -> Double
  ) -> RacerTrace {
    var trace = RacerTrace(name: name, learningRate: rate)
    for t in 0...steps {
      let value = trace.divergedAt == nil ? loss(t) : .nan
      if trace.divergedAt == nil && !value.isFinite { trace.divergedAt = t }
      trace.meanLoss.append(value)
      trace.geometricMeanLoss.append(value * geometric)
      trace.meanError.append(value)
      trace.gradientNorm.append(value)
      trace.lossStandardDeviation.append(0.2 * value)
      if t < steps {
        trace.updateNorm.append(1)
        trace.stepSeconds.append(trace.divergedAt == nil ? seconds : .nan)
      }
    }
    return trace
  }

  /// Six racers (the learned one, `exact`, 750× slower per update):
  /// geometric decays at two rates, a divergence at t = 6, a
  /// loss reaching exactly 0 at t = 10 (clamped on a log axis), 10/(t+1)
  /// and a constant.
  static let traces: [RacerTrace] = [
    trace("fast") { 10 * pow(0.5, Double($0)) },
    // A few slow instances dominate the mean: second by geometric mean.
    trace("slow", geometric: 1e-7) { 10 * pow(0.9, Double($0)) },
    trace("wild", rate: 1) { $0 < 6 ? 10 * pow(1.5, Double($0)) : .infinity },
    trace("exact", rate: nil, seconds: 1.5e-3) { max(0, 10 - Double($0)) },
    trace("steady", rate: 0.1) { 10 / Double($0 + 1) },
    trace("flat", rate: 1e-4) { _ in 5 },
  ]

  static func race(_ traces: [RacerTrace] = traces) -> RaceResult {
    RaceResult(
      problemKey: "quadratic(n=10)", configuration: RaceConfiguration(steps: steps, instances: 4, seed: 7),
      meanOptimum: 0, traces: traces)
  }

  static let choices = [
    ProblemChoice(name: "quadratic", summary: "‖Wθ − y‖²"),
    ProblemChoice(name: "lasso", summary: "sparse coding, l1"),
    ProblemChoice(
      name: "mnist-mlp", summary: "MLP on MNIST", available: false, reason: "MNIST files missing"),
  ]

  /// A finished race on `quadratic` with an LSTM in meta-training.
  static func snapshot(
    traces: [RacerTrace] = traces, phase: EnginePhase = .training, memory: MemoryView? = nil,
    training: TrainingStatus = Fixtures.training, messages: [String] = ["race 3 finished"]
  ) -> Snapshot {
    let race = race(traces)
    return Snapshot(
      sequence: 1, problemName: "quadratic", problemKey: "quadratic(n=10)", problemChoices: choices,
      phase: phase, race: race, summaries: race.summaries(), training: training, memory: memory,
      messages: messages, sessionName: "demo-session")
  }

  static let training = TrainingStatus(
    architecture: .lstm, objective: "loss-sum", iteration: 1234, iterations: [0, 10, 20, 30, 40],
    metaLosses: [100, 40, 20, 12, 9], validationIterations: [0, 20, 40], validationLosses: [110, 25, 11],
    iterationsPerSecond: 2.5, elapsedSeconds: 65)

  /// A 16-slot DNC memory with a clear structure: M_ij = (i − j)/8, from
  /// −0.875 to 1.875, one-hot write weighting at slot 3, usage ramping up.
  static let dnc = DNCMemoryView(
    slots: 16, width: 8, memory: (0..<128).map { Float($0 / 8 - $0 % 8) / 8 },
    usage: (0..<16).map { Float($0) / 15 }, writeWeighting: (0..<16).map { $0 == 3 ? 1 : 0 },
    readWeightings: [(0..<16).map { $0 == 5 ? 0.5 : 0 }, (0..<16).map { _ in 1 / 16 }],
    precedence: (0..<16).map { $0 == 3 ? 1 : 0 }, link: (0..<256).map { $0 % 17 == 0 ? 0 : 0.25 })

  static let lstm = MemoryView.lstm(
    hidden: [(0..<160).map { Float($0 % 20) / 10 - 1 }, (0..<160).map { Float($0 % 7) / 3 - 1 }],
    coordinates: 8, hiddenSize: 20)

  static func options(theme: String = "default", themesDirectory: String? = nil) -> DashboardOptions {
    DashboardOptions(theme: theme, themesDirectory: themesDirectory, banner: "demo banner", environment: [:])
  }
}
