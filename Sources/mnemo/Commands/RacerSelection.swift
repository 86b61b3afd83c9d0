import ArgumentParser
import Foundation
import MetaLearning
import Optimizees
import Optimizers

/// Which hand-designed optimizers race, and with which learning rates.
struct RacerSelection {
  /// The chosen configurations, in display order.
  var configurations: [OptimizerConfiguration]

  /// Parses a comma-separated list (`adam,nag@0.1`); nil means every
  /// gradient optimizer, plus ISTA and FISTA on composite problems.
  init(list: String?, composite: Bool) throws {
    guard let list else {
      let kinds: [OptimizerKind] = [.sgd, .momentum, .nag, .rmsprop, .adam, .adagrad]
      configurations = (kinds + (composite ? [.ista, .fista] : [])).map {
        OptimizerConfiguration(kind: $0, learningRate: nil)
      }
      return
    }
    let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
      throw ValidationError("--optimizers expects a comma-separated list such as adam,rmsprop,nag.")
    }
    configurations = try names.map { try OptimizerConfiguration.parse($0) }
    let kinds = configurations.map(\.kind.rawValue)
    guard Set(kinds).count == kinds.count else {
      throw ValidationError("--optimizers names an optimizer twice: \(list).")
    }
  }

  /// The racers, with learning rates resolved: explicit ones as given; for
  /// the rest, tuned now (`tune`), else remembered from an earlier tuning,
  /// else recorded in the session being raced, else each kind's default. ISTA and FISTA keep 1/L where the problem
  /// knows L.
  func racers(
    problemClass: any ProblemClass, steps: Int, tune: Bool, tuner: LearningRateTuner, quiet: Bool,
    sessionRates: [String: Float] = [:]
  ) throws -> [Racer] {
    var cache = TuningCache(url: TuningCache.defaultURL())
    let knowsLipschitz = problemClass.profile.knowsLipschitz
    let usesOneOverL: (OptimizerConfiguration) -> Bool = { $0.isProximalGradient && knowsLipschitz }
    let toTune = configurations.filter { $0.learningRate == nil && !usesOneOverL($0) }
    if tune, !toTune.isEmpty {
      var progress = Progress(label: "tune \(problemClass.name)", quiet: quiet)
      let outcomes = tuner.tune(
        problemClass: problemClass, kinds: toTune.map(\.kind), steps: steps
      ) { progress.update($0, of: $1) }
      progress.finish()
      for outcome in outcomes {
        cache.record(outcome.learningRate, problemKey: problemClass.configurationKey, steps: steps, kind: outcome.kind)
        if !quiet {
          let score = outcome.score.isFinite ? String(format: "%.3f", outcome.score / log(10)) : "diverged"
          printError("tuned \(outcome.kind.rawValue): lr \(outcome.learningRate) (mean final log10 loss \(score))")
        }
      }
      do {
        try cache.save()
      } catch {
        printError("warning: could not save tuned learning rates to \(cache.url.path): \(error)")
      }
    }
    return configurations.map { configuration in
      var resolved = configuration
      if resolved.learningRate == nil, !usesOneOverL(resolved) {
        resolved.learningRate =
          cache.learningRate(problemKey: problemClass.configurationKey, steps: steps, kind: resolved.kind)
          ?? sessionRates[resolved.kind.rawValue] ?? resolved.defaultLearningRate
      }
      return Racer(resolved)
    }
  }
}
