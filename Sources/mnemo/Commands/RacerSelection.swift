import ArgumentParser
import Evaluation
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
      configurations = BaselineRoster.standardKinds(composite: composite).map { OptimizerConfiguration(kind: $0) }
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

  /// The racers, with learning rates resolved by ``BaselineRoster``'s rule
  /// (explicit, 1/L, cache, session, default); with `tune`, every rate a
  /// tuner can set is tuned first and cached, so the cache supplies it.
  func racers(
    problemClass: any ProblemClass, steps: Int, tune: Bool, tuner: LearningRateTuner, quiet: Bool,
    sessionRates: [String: Float] = [:]
  ) throws -> [Racer] {
    var cache = TuningCache(url: TuningCache.defaultURL())
    let roster = BaselineRoster(problemClass: problemClass, steps: steps)
    let toTune = roster.tunableKinds(configurations)
    if tune, !toTune.isEmpty {
      var progress = Progress(label: "tune \(problemClass.name)", quiet: quiet)
      let outcomes = tuner.tune(problemClass: problemClass, kinds: toTune, steps: steps) { progress.update($0, of: $1) }
      progress.finish()
      roster.record(outcomes, in: &cache)
      if !quiet {
        for outcome in outcomes {
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
    return roster.resolve(configurations, cache: cache, sessionRates: sessionRates).map(\.racer)
  }
}
