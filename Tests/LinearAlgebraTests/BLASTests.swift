import Testing
@testable import LinearAlgebra

@Suite struct BLASTests {
  @Test(arguments: [
    (BLAS.Transpose.none, BLAS.Transpose.none),
    (.transposed, .none),
    (.none, .transposed),
    (.transposed, .transposed),
  ])
  func matmulMatchesNaiveProduct(transA: BLAS.Transpose, transB: BLAS.Transpose) {
    let m = 3, n = 4, k = 5
    var rng = RandomSource(seed: 11)
    let a = rng.gaussianArray(count: m * k)
    let b = rng.gaussianArray(count: k * n)
    // Element (i, l) of op(A): A stored m×k when not transposed, k×m otherwise.
    func opA(_ i: Int, _ l: Int) -> Float { transA == .none ? a[i * k + l] : a[l * m + i] }
    func opB(_ l: Int, _ j: Int) -> Float { transB == .none ? b[l * n + j] : b[j * k + l] }
    let c = BLAS.matmul(a, b, m: m, n: n, k: k, transA: transA, transB: transB)
    for i in 0..<m {
      for j in 0..<n {
        var expected: Float = 0
        for l in 0..<k { expected += opA(i, l) * opB(l, j) }
        #expect(abs(c[i * n + j] - expected) < 1e-5)
      }
    }
  }

  @Test func normAndDot() {
    #expect(VectorMath.norm([3, 4]) == 5)
    #expect(VectorMath.dot([1, 2, 3], [4, 5, 6]) == 32)
    #expect(VectorMath.distance([1, 1], [4, 5]) == 5)
  }
}
