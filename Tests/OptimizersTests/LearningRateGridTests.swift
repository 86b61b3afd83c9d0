import Optimizers
import Testing

@Suite struct LearningRateGridTests {
  @Test func halfDecadesFromTenThousandthToOne() {
    let grid = LearningRateGrid.halfDecades
    #expect(grid.count == 9)
    #expect(grid.first == 1e-4)
    #expect(grid.last == 1)
    // The decades are exactly the float literals.
    #expect(grid[2] == 1e-3 && grid[4] == 1e-2 && grid[6] == 1e-1)
    #expect(abs(grid[1] - 3.1622776e-4) < 1e-10)
    for (low, high) in zip(grid, grid.dropFirst()) {
      #expect(abs(Double(high) / Double(low) - 10.0.squareRoot()) < 1e-5)
    }
  }

  @Test(arguments: [(-7, 0, 15), (-5, 1, 13), (0, 0, 1), (-1, 1, 5)])
  func generalRanges(lower: Int, upper: Int, count: Int) {
    let grid = LearningRateGrid.halfDecades(fromExponent: lower, toExponent: upper)
    #expect(grid.count == count)
    #expect(grid.first == Float(pow10(lower)))
    #expect(grid.last == Float(pow10(upper)))
    #expect(grid == grid.sorted())
  }

  private func pow10(_ e: Int) -> Double {
    e >= 0 ? (0..<e).reduce(1.0) { r, _ in r * 10 } : 1 / (0..<(-e)).reduce(1.0) { r, _ in r * 10 }
  }
}
