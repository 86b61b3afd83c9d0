/// The outcome of a finite-difference gradient check.
public struct GradientCheckResult: Sendable, CustomStringConvertible {
  /// The largest |analytic − numeric| / max(|analytic|, |numeric|, floor)
  /// over all checked elements.
  public let maxRelativeError: Double
  /// Where the largest error occurred: the leaf's position in the list and
  /// the flat index of the element.
  public let worstLeaf: Int
  public let worstElement: Int
  /// The two derivatives at that element.
  public let analytic: Double
  public let numeric: Double
  /// The number of elements compared.
  public let elementCount: Int

  public var description: String {
    "max relative error \(maxRelativeError) over \(elementCount) elements "
      + "(worst: leaf \(worstLeaf) element \(worstElement), analytic \(analytic), numeric \(numeric))"
  }
}

/// Compares a tape's gradients with central finite differences, in `Double`.
///
/// For every element θᵢ of every leaf, the numeric derivative is
/// (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h, whose error is O(h²) from truncation and
/// O(ε·|L|/h) from rounding; with h = 10⁻⁵ in double precision both are
/// around 10⁻¹⁰ for well-scaled graphs, so a correct backward pass agrees to
/// six or more digits. Choose points away from kinks (clamp bounds, log and
/// square-root floors, |x| at 0), where one-sided derivatives differ.
public enum GradientChecker {
  /// Builds the graph once to read the analytic gradients, then twice per
  /// element with that element moved by ±`step`.
  ///
  /// - Parameters:
  ///   - leaves: the points at which to differentiate; each becomes a
  ///     differentiable leaf, handed to `build` in the same order.
  ///   - step: the finite-difference step h.
  ///   - absoluteFloor: the denominator's floor, so derivatives smaller than
  ///     this are compared absolutely rather than relatively.
  ///   - build: records a scalar loss on the tape from the leaves. It is
  ///     called 1 + 2·(element count) times and must be deterministic.
  public static func check(
    _ leaves: [Tensor<Double>], step: Double = 1e-5, absoluteFloor: Double = 1e-6,
    building build: (Tape<Double>, [Variable<Double>]) -> Variable<Double>
  ) -> GradientCheckResult {
    let tape = Tape<Double>()
    let variables = leaves.map { tape.variable($0) }
    let loss = build(tape, variables)
    tape.backward(from: loss)
    let analytic = variables.map { tape.gradient(of: $0) }

    func evaluate(_ points: [Tensor<Double>]) -> Double {
      tape.reset()
      let variables = points.map { tape.variable($0) }
      return tape.value(of: build(tape, variables)).scalar
    }

    var worst = (error: 0.0, leaf: 0, element: 0, analytic: 0.0, numeric: 0.0)
    var count = 0
    var points = leaves
    for leaf in leaves.indices {
      for element in leaves[leaf].scalars.indices {
        let original = leaves[leaf].scalars[element]
        points[leaf].scalars[element] = original + step
        let above = evaluate(points)
        points[leaf].scalars[element] = original - step
        let below = evaluate(points)
        points[leaf].scalars[element] = original
        let numeric = (above - below) / (2 * step)
        let exact = analytic[leaf].scalars[element]
        let scale = Swift.max(Swift.abs(exact), Swift.abs(numeric), absoluteFloor)
        let error = Swift.abs(exact - numeric) / scale
        // `!(error <= worst)` also records NaN.
        if !(error <= worst.error) { worst = (error, leaf, element, exact, numeric) }
        count += 1
      }
    }
    return GradientCheckResult(
      maxRelativeError: worst.error, worstLeaf: worst.leaf, worstElement: worst.element,
      analytic: worst.analytic, numeric: worst.numeric, elementCount: count)
  }
}
