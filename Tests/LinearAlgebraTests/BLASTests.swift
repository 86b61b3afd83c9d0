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

@Suite(.serialized) struct BLASKernelSelectionTests {
  @Test(arguments: [
    (Set(["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma"]), "SkylakeX"),
    (Set(["avx2", "fma", "sse4_2"]), "Haswell"),
    (Set(["sse2", "sse4_2"]), nil),
    (Set(["avx512f", "avx2"]), nil),
  ] as [(Set<String>, String?)])
  func bestKernelFromFlags(flags: Set<String>, expected: String?) {
    #expect(BLAS.bestKernel(cpuFlags: flags) == expected)
  }

  @Test func explicitSettingsAreRespected() {
    let before = BLAS.kernelName
    #expect(BLAS.selectKernelsForThisCPU(environment: ["MNEMO_BLAS_KERNELS": "keep"]) == .kept(before, reason: "MNEMO_BLAS_KERNELS=keep"))
    #expect(BLAS.selectKernelsForThisCPU(environment: ["OPENBLAS_CORETYPE": "Haswell"]) == .kept(before, reason: "OPENBLAS_CORETYPE=Haswell is set"))
    #expect(BLAS.kernelName == before)
  }
}
