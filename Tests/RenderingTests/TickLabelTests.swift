import Testing

@testable import Rendering

@Suite struct TickLabelTests {
  @Test(
    arguments: [
      (0.0, nil, "0"),
      (0.001, nil, "1e-3"),
      (0.01, nil, "0.01"),
      (2.5, nil, "2.5"),
      (12, nil, "12"),
      (123.456, nil, "123"),
      (1000, nil, "1k"),
      (2500, nil, "2.5k"),
      (1e6, nil, "1M"),
      (1.5e9, nil, "1.5G"),
      (1e15, nil, "1e15"),
      (0.00025, nil, "2.5e-4"),
      (9.999e-4, nil, "1e-3"),
      (-0.5, nil, "-0.5"),
      (-2000, nil, "-2k"),
      (0.30000000000000004, 0.1, "0.3"),
      (1.05, 0.05, "1.05"),
      (1.1, 0.05, "1.1"),
      (1200, 200, "1.2k"),
      (1e-17, 0.1, "0"),
      (Double.nan, nil, "nan"),
      (-Double.infinity, nil, "-inf"),
    ] as [(Double, Double?, String)])
  func format(value: Double, step: Double?, expected: String) {
    #expect(TickLabel.format(value, step: step) == expected)
  }
}
