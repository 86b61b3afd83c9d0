import Testing
@testable import LinearAlgebra

@Suite struct RandomSourceTests {
  @Test func sameSeedSameStream() {
    var a = RandomSource(seed: 42)
    var b = RandomSource(seed: 42)
    for _ in 0..<100 { #expect(a.next() == b.next()) }
  }

  @Test func streamsDiffer() {
    var a = RandomSource(seed: 42, stream: 0)
    var b = RandomSource(seed: 42, stream: 1)
    let same = (0..<100).filter { _ in a.next() == b.next() }.count
    #expect(same == 0)
  }

  @Test func uniformInUnitInterval() {
    var rng = RandomSource(seed: 7)
    var sum: Double = 0
    for _ in 0..<100_000 {
      let u = rng.uniform()
      #expect(u >= 0 && u < 1)
      sum += Double(u)
    }
    #expect(abs(sum / 100_000 - 0.5) < 0.01)
  }

  @Test func gaussianMoments() {
    var rng = RandomSource(seed: 3)
    let n = 200_000
    var sum: Double = 0
    var squares: Double = 0
    for _ in 0..<n {
      let g = Double(rng.gaussian())
      sum += g
      squares += g * g
    }
    let mean = sum / Double(n)
    let variance = squares / Double(n) - mean * mean
    #expect(abs(mean) < 0.01)
    #expect(abs(variance - 1) < 0.02)
  }

  @Test func seedStreamsAreDisjoint() {
    let tuning = Set((0..<1000).map { SeedStream.tuning.seed(0, index: $0) })
    let evaluation = Set((0..<1000).map { SeedStream.evaluation.seed(0, index: $0) })
    #expect(tuning.count == 1000)
    #expect(tuning.isDisjoint(with: evaluation))
  }
}
