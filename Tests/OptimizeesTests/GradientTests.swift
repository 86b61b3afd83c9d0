import LinearAlgebra
import Testing

@testable import Optimizees

/// One problem configuration whose analytic gradient is checked.
struct GradientCase: Sendable, CustomTestStringConvertible {
  let label: String
  let make: @Sendable () throws -> any ProblemClass
  /// θ = θ₀ + spread·N(0, I): away from θ₀, where gradients can be tiny.
  let spread: Float
  /// The finite-difference step, relative: hᵢ = step·max(1, |θᵢ|).
  let step: Float

  var testDescription: String { label }

  static func catalog(_ name: String, _ options: [String: String] = [:], spread: Float, step: Float = 1e-2)
    -> GradientCase
  {
    let label = options.isEmpty ? name : "\(name) \(options.sorted { $0.key < $1.key })"
    return GradientCase(
      label: label, make: { try ProblemCatalog.make(name, options: options) }, spread: spread, step: step)
  }

  static func mlp(layers: Int, activation: Activation, hidden: Int = 6) -> GradientCase {
    GradientCase(
      label: "mnist-mlp (fake 4×4 data) \(layers) layer(s) \(activation.rawValue)",
      make: {
        MNISTMLPClass(
          dataset: FakeMNIST.dataset, hidden: hidden, layers: layers, activation: activation,
          batchSize: 32)
      },
      // ReLU's kinks: a step of 1e-2 lets some of the 32 examples cross one.
      spread: 0.5, step: activation == .relu ? 1e-3 : 1e-2)
  }

  static func cnn(channels: [Int], kernel: Int) -> GradientCase {
    GradientCase(
      label: "mnist-cnn (fake 8×8 data) channels \(channels.map(String.init).joined(separator: ",")) k=\(kernel)",
      make: { MNISTCNNClass(dataset: FakeMNIST.eightByEight, channels: channels, kernel: kernel, batchSize: 4) },
      spread: 0.3, step: 1e-3)
  }

  static let all: [GradientCase] = [
    catalog("quadratic", spread: 1),
    catalog("quadratic", ["distribution": "uniform"], spread: 1),
    catalog("quadratic", ["m": "15", "n": "8"], spread: 1),
    catalog("rosenbrock", spread: 0.3, step: 1e-3),
    catalog("logistic", spread: 0.5),
    catalog("logistic", ["features": "7", "points": "30", "l2": "0.1"], spread: 1),
    catalog("lasso", spread: 0.3),
    catalog("sparse-l0", spread: 0.3),
    catalog("group-lasso", spread: 0.3),
    catalog("lstm-copy", ["hidden": "6", "bits": "3", "length": "3", "batch": "4"], spread: 0.3),
    catalog(
      "dnc-copy",
      ["hidden": "5", "bits": "3", "length": "3", "batch": "3", "slots": "5", "word": "3", "reads": "2"],
      spread: 0.3),
    mlp(layers: 1, activation: .sigmoid),
    mlp(layers: 2, activation: .sigmoid),
    mlp(layers: 2, activation: .relu),
    mlp(layers: 2, activation: .tanh),
    mlp(layers: 0, activation: .sigmoid),
  ]

  /// The CNN, which the Float differences above cannot check: every unit of
  /// a channel moves with that channel's weights, so at a step of 1e-3 some
  /// of a few examples' hundreds of ReLU and max-pool units cross a kink,
  /// and at 1e-4 the Float loss's rounding (≈ 3·10⁻⁷ of 2.3) is too coarse
  /// for the small linear-layer gradients (both measured). MNISTCNNTests
  /// checks every coordinate against central differences of a Double
  /// reference instead; the determinism tests take these cases too.
  static let convolutional: [GradientCase] = [
    cnn(channels: [2, 3], kernel: 3),
    cnn(channels: [3], kernel: 5),
  ]
}

/// Analytic gradients against central finite differences of the Float loss,
/// differenced in Double.
@Suite struct GradientTests {
  /// Per coordinate: |FDᵢ − gᵢ| ≤ relative·|gᵢ| + absolute·‖g‖∞.
  static let relative = 1e-2
  static let absolute = 2e-3

  struct Comparison {
    var coordinates: [Int]
    var analytic: [Double]
    var numeric: [Double]

    /// The coordinates where `gradient` disagrees with the finite differences.
    func failures(scaling factor: Double = 1) -> [Int] {
      let scale = analytic.map { abs($0 * factor) }.max() ?? 0
      return analytic.indices.filter { k in
        let g = analytic[k] * factor
        return abs(numeric[k] - g) > GradientTests.relative * abs(g) + GradientTests.absolute * scale
      }.map { coordinates[$0] }
    }
  }

  /// The gradient at a perturbed point and central differences on up to 48
  /// coordinates (all of them for small problems, an even spread otherwise).
  static func compare(_ gradientCase: GradientCase, seed: UInt64) throws -> Comparison {
    let problem = try gradientCase.make().sample(seed: seed)
    var rng = RandomSource(seed: seed, stream: 7)
    let theta = problem.initialParameters.map { $0 + gradientCase.spread * rng.gaussian() }
    let (_, gradient) = Evaluate.smoothWithGradient(problem, at: theta)
    let n = problem.dimension
    let coordinates = n <= 48 ? Array(0..<n) : (0..<48).map { $0 * n / 48 + rng.index(below: n / 48) }
    var numeric: [Double] = []
    for i in coordinates {
      let h = gradientCase.step * max(1, abs(theta[i]))
      var plus = theta
      var minus = theta
      plus[i] += h
      minus[i] -= h
      let step = Double(plus[i]) - Double(minus[i])  // the step actually taken in Float
      let difference =
        Double(Evaluate.smooth(problem, at: plus)) - Double(Evaluate.smooth(problem, at: minus))
      numeric.append(difference / step)
    }
    return Comparison(
      coordinates: coordinates, analytic: coordinates.map { Double(gradient[$0]) }, numeric: numeric)
  }

  @Test(arguments: GradientCase.all)
  func gradientMatchesFiniteDifferences(_ gradientCase: GradientCase) throws {
    for seed: UInt64 in [3, 4] {
      let comparison = try Self.compare(gradientCase, seed: seed)
      #expect(comparison.analytic.contains { $0 != 0 }, "all-zero gradient")
      let failures = comparison.failures()
      #expect(failures.isEmpty, "seed \(seed): coordinates \(failures.prefix(8)) disagree")
      // The check has teeth: a gradient 5% off fails it.
      #expect(!comparison.failures(scaling: 1.05).isEmpty, "seed \(seed): a 5% error would pass")
    }
  }

  @Test(arguments: GradientCase.all)
  func gradientIsDirectionOfSteepestAscent(_ gradientCase: GradientCase) throws {
    // f(θ + h·g/‖g‖) − f(θ − h·g/‖g‖) ≈ 2h‖g‖.
    let problem = try gradientCase.make().sample(seed: 5)
    var rng = RandomSource(seed: 5, stream: 7)
    let theta = problem.initialParameters.map { $0 + gradientCase.spread * rng.gaussian() }
    let (_, gradient) = Evaluate.smoothWithGradient(problem, at: theta)
    let norm = Double(VectorMath.norm(gradient))
    try #require(norm > 0)
    let h = Double(gradientCase.step)
    let plus = zip(theta, gradient).map { Float(Double($0) + h * Double($1) / norm) }
    let minus = zip(theta, gradient).map { Float(Double($0) - h * Double($1) / norm) }
    let rise = Double(Evaluate.smooth(problem, at: plus)) - Double(Evaluate.smooth(problem, at: minus))
    let slope = rise / (2 * h)
    #expect(abs(slope - norm) <= 1e-2 * norm, "slope \(slope) vs ‖g‖ \(norm)")
  }

  @Test func lossWithoutGradientEqualsLossWithGradient() throws {
    for gradientCase in GradientCase.all {
      let problem = try gradientCase.make().sample(seed: 9)
      let theta = problem.initialParameters.map { $0 + 0.1 }
      let (withGradient, _) = Evaluate.smoothWithGradient(problem, at: theta)
      #expect(Evaluate.smooth(problem, at: theta) == withGradient, "\(gradientCase.label)")
    }
  }
}
