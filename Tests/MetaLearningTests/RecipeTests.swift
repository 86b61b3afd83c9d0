import Testing

@testable import Evaluation
@testable import MetaLearning
@testable import Optimizers

/// The meta-training recipe's pieces: the momenta features, imitation of
/// Adam and the horizon curriculum, and their session records.
@Suite struct RecipeTests {
  @Test(arguments: ["momenta", "momenta:time"])
  func momentaPreprocessingRoundTrips(text: String) throws {
    let parsed = try #require(GradientPreprocessing(parsing: text))
    #expect(parsed.description == text)
    #expect(parsed.featureCount == (text == "momenta" ? 5 : 8))
  }

  @Test(arguments: ["momenta:", "momenta:times", "momenta:time:time"])
  func malformedMomentaAreRejected(text: String) {
    #expect(GradientPreprocessing(parsing: text) == nil)
  }

  /// At step 1 every bias-corrected moment equals g and √v̂ = |g|, so every
  /// momentum feature is sign(g) (up to ε), and tanh(1/τ) follows.
  @Test func momentaFeaturesAtTheFirstStepAreSigns() {
    var state = PreprocessingState(.momenta(time: true), count: 2)
    let gradient: [Float] = [0.003, -40]
    var features = [Float](repeating: .nan, count: 16)
    gradient.withUnsafeBufferPointer { g in features.withUnsafeMutableBufferPointer { state.features(of: g, into: $0) } }
    for k in 0..<5 {
      #expect(abs(features[k] - 1) < 1e-3)
      #expect(abs(features[8 + k] + 1) < 1e-3)
    }
    #expect(abs(features[5] - 0.0996680) < 1e-5)
    #expect(abs(features[7] - 0.001) < 1e-5)
  }

  /// A gradient that jumps after a quiet stretch is clipped to ±8.
  @Test func momentaFeaturesAreClipped() {
    var state = PreprocessingState(.momenta(time: false), count: 1)
    var features = [Float](repeating: 0, count: 5)
    for g: Float in [Array(repeating: 1e-6, count: 200), [1]].flatMap({ $0 }) {
      [g].withUnsafeBufferPointer { g in features.withUnsafeMutableBufferPointer { state.features(of: g, into: $0) } }
    }
    #expect(features[0] == GradientPreprocessing.featureClip)
  }

  /// Adam's first step is −α·g/(|g| + ε).
  @Test func imitationTargetIsAdamsStep() {
    var trace = ImitationTrace(Imitation(learningRate: 0.03), count: 2)
    var target = [Float](repeating: 0, count: 2)
    [Float(0.5), -2].withUnsafeBufferPointer { g in target.withUnsafeMutableBufferPointer { trace.step(gradient: g, into: $0) } }
    #expect(abs(target[0] + 0.03) < 1e-6)
    #expect(abs(target[1] - 0.03) < 1e-6)
  }

  @Test func recipeRecordRoundTrips() throws {
    let configuration = MetaTrainingConfiguration(
      horizon: 200, batch: 2, objective: .logLoss,
      imitation: Imitation(learningRate: 0.03, weight: 0.5, probability: 0.25),
      curriculum: Curriculum(horizons: [100, 200, 500], patience: 2))
    let read = try #require(
      MetaTrainingConfiguration(record: configuration.record, objective: .logLoss, seed: 0))
    #expect(read == configuration)
  }

  @Test func sessionsWithoutTheRecipeReadBackWithoutIt() throws {
    let configuration = MetaTrainingConfiguration(batch: 1)
    #expect(configuration.record["imitation-rate"] == nil && configuration.record["curriculum"] == nil)
    let read = try #require(MetaTrainingConfiguration(record: configuration.record, objective: .lossSum, seed: 0))
    #expect(read.imitation == nil && read.curriculum == nil)
  }

  @Test(arguments: ["", "100,100", "200,100", "100,,200", "0,100", "a"])
  func malformedCurriculaAreRejected(text: String) {
    #expect(Curriculum(parsing: text, patience: 3) == nil)
  }

  @Test func aCurriculumWhoseHorizonIsNotAStageIsRejected() {
    var record = MetaTrainingConfiguration(
      horizon: 100, curriculum: Curriculum(horizons: [100, 200])).record
    record["horizon"] = "300"
    #expect(MetaTrainingConfiguration(record: record, objective: .lossSum, seed: 0) == nil)
  }
}
