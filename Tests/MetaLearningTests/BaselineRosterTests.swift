import Foundation
import Optimizers
import Testing

@testable import Evaluation
@testable import MetaLearning

/// One rule for the baselines' rates everywhere: explicit, 1/L, cache,
/// session, default — in that order.
@Suite struct BaselineRosterTests {
  static func cache(_ entries: [(OptimizerKind, Float)], problemKey: String = "p", steps: Int = 100) -> TuningCache {
    var cache = TuningCache(
      url: FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-roster-\(UUID().uuidString).json"))
    for (kind, rate) in entries { cache.record(rate, problemKey: problemKey, steps: steps, kind: kind) }
    return cache
  }

  struct Case: Sendable, CustomStringConvertible {
    var configuration: OptimizerConfiguration
    var knowsLipschitz: Bool
    var cached: Float?
    var session: Float?
    var rate: Float?
    var source: BaselineRoster.RateSource
    var description: String { "\(configuration) L:\(knowsLipschitz) cache:\(cached as Any) session:\(session as Any)" }
  }

  static let cases: [Case] = [
    Case(configuration: .init(kind: .adam, learningRate: 0.5), knowsLipschitz: true, cached: 0.1, session: 0.2,
         rate: 0.5, source: .explicit),
    Case(configuration: .init(kind: .adam), knowsLipschitz: true, cached: 0.1, session: 0.2, rate: 0.1, source: .cache),
    Case(configuration: .init(kind: .adam), knowsLipschitz: true, cached: nil, session: 0.2, rate: 0.2, source: .session),
    Case(configuration: .init(kind: .adam), knowsLipschitz: true, cached: nil, session: nil, rate: 0.01, source: .default),
    Case(configuration: .init(kind: .adagrad), knowsLipschitz: false, cached: nil, session: nil, rate: 0.1,
         source: .default),
    Case(configuration: .init(kind: .fista), knowsLipschitz: true, cached: 0.1, session: 0.2, rate: nil,
         source: .oneOverL),
    // Without L, ISTA and FISTA are tuned like the others.
    Case(configuration: .init(kind: .ista), knowsLipschitz: false, cached: 0.1, session: nil, rate: 0.1, source: .cache),
    Case(configuration: .init(kind: .ista, learningRate: 0.3), knowsLipschitz: true, cached: nil, session: nil,
         rate: 0.3, source: .explicit),
  ]

  @Test(arguments: cases) func precedence(_ c: Case) {
    let roster = BaselineRoster(problemKey: "p", knowsLipschitz: c.knowsLipschitz, steps: 100)
    let kind = c.configuration.kind
    let cache = Self.cache(c.cached.map { [(kind, $0)] } ?? [])
    let session = c.session.map { [kind.rawValue: $0] } ?? [:]
    let (rate, source) = roster.rate(for: c.configuration, cache: cache, sessionRates: session)
    #expect(rate == c.rate)
    #expect(source == c.source)
    let entry = roster.resolve([c.configuration], cache: cache, sessionRates: session)[0]
    #expect(entry.configuration.learningRate == c.rate)
    #expect(entry.racer.stepLabel == (c.rate.map { "\($0)" } ?? "1/L"))
  }

  /// The cache is keyed by horizon: a rate tuned for 100 steps is not used
  /// for 1,000.
  @Test func cachedRatesAreForTheirHorizon() {
    let cache = Self.cache([(.nag, 0.03)], steps: 100)
    let long = BaselineRoster(problemKey: "p", knowsLipschitz: true, steps: 1000)
    #expect(long.rate(for: .init(kind: .nag), cache: cache).source == .default)
    #expect(long.untunedKinds([.init(kind: .nag), .init(kind: .fista)], cache: cache) == [.nag])
  }

  @Test func standardKindsAndTunableKinds() {
    #expect(BaselineRoster.standardKinds(composite: false) == [.sgd, .momentum, .nag, .rmsprop, .adam, .adagrad])
    #expect(BaselineRoster.standardKinds(composite: true).suffix(2) == [.ista, .fista])
    let roster = BaselineRoster(problemKey: "p", knowsLipschitz: true, steps: 100)
    let configurations = [OptimizerConfiguration(kind: .adam, learningRate: 0.1), .init(kind: .sgd), .init(kind: .ista)]
    #expect(roster.tunableKinds(configurations) == [.sgd])
    var cache = Self.cache([])
    roster.record([LearningRateTuner.Outcome(kind: .sgd, learningRate: 0.3, score: 1, candidates: [])], in: &cache)
    #expect(cache.learningRate(problemKey: "p", steps: 100, kind: .sgd) == 0.3)
  }
}
