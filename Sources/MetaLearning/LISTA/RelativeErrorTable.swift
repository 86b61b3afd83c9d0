import Dispatch
import LinearAlgebra
import Optimizees
import Optimizers

/// The mean over held-out instances of the relative error (f(θ_t) − r)/r at
/// chosen steps t, for several racers — the figure sparse coding papers
/// report, which a race's table (mean f − r, a ratio of means) does not.
///
/// Instances are the race's: `SeedStream.evaluation` under `seed`, so with
/// the same seed and count they are exactly those `mnemo race` uses. Each
/// racer is driven through the same three calls as ``RaceRun`` (gradient
/// point, step, prox), in Float.
public struct RelativeErrorTable: Sendable {
  /// The steps at which errors are read, ascending.
  public let checkpoints: [Int]
  /// One row per racer: its name and the mean relative error at each
  /// checkpoint (NaN if any instance's loss stopped being finite).
  public let rows: [(name: String, errors: [Double])]
  /// Held-out instances used.
  public let instances: Int

  /// Runs every racer on `instances` held-out instances of `problemClass`
  /// for the largest checkpoint's number of steps.
  public init(
    problemClass: any ProblemClass, racers: [Racer], checkpoints: [Int], instances: Int = 100, seed: UInt64 = 0
  ) {
    let checkpoints = Array(Set(checkpoints.filter { $0 >= 0 })).sorted()
    self.checkpoints = checkpoints
    self.instances = instances
    let problems = (0..<instances).map { problemClass.sample(seed: SeedStream.evaluation.seed(seed, index: $0)) }
    let horizon = checkpoints.last ?? 0
    var sums = [[Double]](repeating: [Double](repeating: 0, count: checkpoints.count), count: racers.count)
    let blasThreads = BLAS.threadCount
    BLAS.threadCount = 1
    defer { BLAS.threadCount = blasThreads }
    sums.withUnsafeMutableBufferPointer { buffer in
      // Safe: each concurrent iteration writes only its own racer's row, and
      // the buffer outlives `concurrentPerform`, which returns after every
      // iteration.
      nonisolated(unsafe) let rows = buffer
      DispatchQueue.concurrentPerform(iterations: racers.count) { r in
        for problem in problems {
          let errors = Self.relativeErrors(racer: racers[r], problem: problem, checkpoints: checkpoints, horizon: horizon)
          for c in errors.indices { rows[r][c] += errors[c] / Double(instances) }
        }
      }
    }
    rows = zip(racers, sums).map { ($0.name, $1) }
  }

  /// (f(θ_t) − r)/r at each checkpoint for one racer on one problem.
  static func relativeErrors(racer: Racer, problem: any Problem, checkpoints: [Int], horizon: Int) -> [Double] {
    var problem = problem
    var optimizer = racer.makeOptimizer(problem)
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: problem.dimension)
    var point = gradient
    let optimum = Double(problem.optimum)
    var errors: [Double] = []
    var next = 0
    for t in 0...horizon {
      let loss = Double(problem.objective(at: theta, gradient: &gradient))
      if next < checkpoints.count, checkpoints[next] == t {
        errors.append(loss.isFinite ? (loss - optimum) / optimum : .nan)
        next += 1
      }
      guard t < horizon else { break }
      if optimizer.usesLookahead {
        optimizer.gradientPoint(parameters: theta, into: &point)
        _ = point.withUnsafeBufferPointer { p in
          gradient.withUnsafeMutableBufferPointer { g in problem.smoothLoss(at: p, gradient: g) }
        }
      }
      optimizer.step(parameters: &theta, gradient: gradient)
      problem.regularizer.applyProximal(&theta, step: optimizer.proximalStep)
    }
    return errors
  }

  /// A Markdown table: one row per racer, one column per checkpoint.
  public var markdown: String {
    var text = "| optimizer | " + checkpoints.map { "t = \($0)" }.joined(separator: " | ") + " |\n"
    text += "|---|" + checkpoints.map { _ in "---:" }.joined(separator: "|") + "|\n"
    for row in rows {
      text += "| \(row.name) | " + row.errors.map { Self.format($0) }.joined(separator: " | ") + " |\n"
    }
    return text
  }

  static func format(_ value: Double) -> String {
    guard value.isFinite else { return "nan" }
    let digits = value == 0 ? "0" : String(describing: (value * 1000).rounded() / 1000)
    let magnitude = abs(value)
    if magnitude != 0, magnitude < 1e-2 || magnitude >= 1e4 {
      // Scientific notation with three significant digits, without Foundation.
      var exponent = 0
      var mantissa = magnitude
      while mantissa >= 10 { mantissa /= 10; exponent += 1 }
      while mantissa < 1 { mantissa *= 10; exponent -= 1 }
      let rounded = (mantissa * 100).rounded() / 100
      return "\(value < 0 ? "-" : "")\(rounded)e\(exponent)"
    }
    return digits
  }
}
