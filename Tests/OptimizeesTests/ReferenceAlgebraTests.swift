import LinearAlgebra
import Testing

@testable import Optimizees

/// The Double-precision solvers behind optimum values and Lipschitz constants.
@Suite struct ReferenceAlgebraTests {
  @Test func largestEigenvalueOfHandMatrices() {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    #expect(abs(ReferenceAlgebra.largestEigenvalue(symmetric: [2, 1, 1, 2], n: 2) - 3) < 1e-12)
    // diag(1, 5, 2) with a rotation-free structure.
    let diagonal: [Double] = [1, 0, 0, 0, 5, 0, 0, 0, 2]
    #expect(abs(ReferenceAlgebra.largestEigenvalue(symmetric: diagonal, n: 3) - 5) < 1e-12)
  }

  @Test func spectralNormMatchesPowerIterationOnRandomMatrices() {
    var rng = RandomSource(seed: 5)
    for (rows, cols) in [(10, 10), (7, 12), (12, 7)] {
      let a = rng.gaussianArray(count: rows * cols).map(Double.init)
      let jacobi = ReferenceAlgebra.spectralNormSquared(a, rows: rows, cols: cols)
      // Power iteration on AᵀA, run long: a lower bound converging to the answer.
      var v = [Double](repeating: 1, count: cols)
      var estimate: Double = 0
      for _ in 0..<5000 {
        let w = ReferenceAlgebra.transposedProduct(
          a, rows: rows, cols: cols, ReferenceAlgebra.product(a, rows: rows, cols: cols, v))
        estimate = (w.reduce(0) { $0 + $1 * $1 }).squareRoot()
        v = w.map { $0 / estimate }
      }
      #expect(estimate <= jacobi * (1 + 1e-12))
      #expect(abs(estimate - jacobi) <= 1e-9 * jacobi, "\(rows)×\(cols): \(estimate) vs \(jacobi)")
    }
  }

  @Test func leastSquaresOnASingularMatrix() {
    // Both columns are (1, 1, 0): the range is their span, the projection of
    // b = (1, 3, 2) is (2, 2, 0), the residual (−1, 1, 2) with ‖·‖² = 6.
    let a: [Double] = [1, 1, 1, 1, 0, 0]
    let solve = ReferenceAlgebra.leastSquares(a, rows: 3, cols: 2, rhs: [1, 3, 2])
    #expect(solve.rank == 1)
    #expect(abs(solve.residual - 6) < 1e-12)
    let fit = ReferenceAlgebra.product(a, rows: 3, cols: 2, solve.solution)
    #expect(abs(fit[0] - 2) < 1e-12 && abs(fit[1] - 2) < 1e-12 && abs(fit[2]) < 1e-12)
  }

  @Test func leastSquaresMatchesNormalEquationsOnTallMatrices() throws {
    var rng = RandomSource(seed: 8)
    let (rows, cols) = (15, 6)
    let a = rng.gaussianArray(count: rows * cols).map(Double.init)
    let b = rng.gaussianArray(count: rows).map(Double.init)
    let solve = ReferenceAlgebra.leastSquares(a, rows: rows, cols: cols, rhs: b)
    let gram = ReferenceAlgebra.gram(a, rows: rows, cols: cols)
    let correlation = ReferenceAlgebra.transposedProduct(a, rows: rows, cols: cols, b)
    let x = try #require(ReferenceAlgebra.choleskySolve(gram, n: cols, correlation))
    let fit = ReferenceAlgebra.product(a, rows: rows, cols: cols, x)
    let residual = zip(fit, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    #expect(solve.rank == cols)
    #expect(abs(solve.residual - residual) <= 1e-10 * residual)
    for i in 0..<cols { #expect(abs(solve.solution[i] - x[i]) < 1e-9) }
  }

  @Test func choleskyRejectsIndefiniteMatrices() {
    #expect(ReferenceAlgebra.choleskySolve([1, 2, 2, 1], n: 2, [1, 1]) == nil)
    let x = ReferenceAlgebra.choleskySolve([4, 2, 2, 3], n: 2, [2, 1])
    // [[4, 2], [2, 3]]·(0.5, 0) = (2, 1).
    #expect(x.map { abs($0[0] - 0.5) < 1e-14 && abs($0[1]) < 1e-14 } == true)
  }
}
