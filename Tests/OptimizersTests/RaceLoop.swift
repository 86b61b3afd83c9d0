import Optimizees
import Optimizers

/// The race's per-step protocol, reproduced for tests: gradient point, ∇s
/// there, step, then `prox_{τΩ}` with the optimizer's proximal step.
///
/// Returns the iterate (the value of `parameters`) after each step, and the
/// gradient points, so tests can compare both with references.
func runRace(
  _ optimizer: inout any Optimizer, on problem: inout some Problem, steps: Int
) -> (iterates: [[Float]], gradientPoints: [[Float]]) {
  var theta = problem.initialParameters
  var point = theta
  var gradient = [Float](repeating: 0, count: problem.dimension)
  var iterates: [[Float]] = []
  var points: [[Float]] = []
  for _ in 0..<steps {
    if optimizer.usesLookahead {
      optimizer.gradientPoint(parameters: theta, into: &point)
    } else {
      point = theta
    }
    points.append(point)
    _ = problem.objective(at: point, gradient: &gradient)
    optimizer.step(parameters: &theta, gradient: gradient)
    optimizer.applyProximal(of: problem.regularizer, to: &theta)
    iterates.append(theta)
  }
  return (iterates, points)
}

/// Drives an optimizer with a fixed gradient sequence (independent of θ),
/// from `start`, and returns the iterate after each step and the gradient
/// point asked for before each step.
func runFixedGradients(
  _ optimizer: inout any Optimizer, from start: [Float], gradients: [[Float]]
) -> (iterates: [[Float]], gradientPoints: [[Float]]) {
  var theta = start
  var point = start
  var iterates: [[Float]] = []
  var points: [[Float]] = []
  for gradient in gradients {
    if optimizer.usesLookahead {
      optimizer.gradientPoint(parameters: theta, into: &point)
    } else {
      point = theta
    }
    points.append(point)
    optimizer.step(parameters: &theta, gradient: gradient)
    iterates.append(theta)
  }
  return (iterates, points)
}

/// Whether `a` and `b` agree elementwise within `tolerance·(1 + |b|)`.
func isClose(_ a: [Float], _ b: [Double], tolerance: Double) -> Bool {
  guard a.count == b.count else { return false }
  return zip(a, b).allSatisfy { abs(Double($0) - $1) <= tolerance * (1 + abs($1)) }
}

/// Largest elementwise difference between a float and a double vector.
func maxDifference(_ a: [Float], _ b: [Double]) -> Double {
  zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
}
