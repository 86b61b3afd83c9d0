import Autodiff
import Testing

/// One proximal map under test: its kind and the thresholds of its segments.
struct ProximalCase: Sendable, CustomTestStringConvertible {
  let name: String
  let kind: ProximalKind
  let thresholds: [Double]
  let segment: Int

  var testDescription: String { name }

  /// x with B segments, every coordinate (soft, hard) or block (block soft)
  /// at least `margin` away from its kink |x| = t or ‖x_g‖ = t, so central
  /// differences with a small step never straddle one.
  func point(seed: UInt64, margin: Double = 0.05) -> Tensor<Double> {
    var x: Tensor<Double> = Fixtures.tensor(.matrix(thresholds.count * segment, 1), seed: seed, scale: 0.6)
    for (b, t) in thresholds.enumerated() {
      let range = (b * segment)..<((b + 1) * segment)
      switch kind {
      case .softThreshold, .hardThreshold:
        for i in range where Swift.abs(Swift.abs(x.scalars[i]) - t) < margin {
          x.scalars[i] += x.scalars[i] < 0 ? -2 * margin : 2 * margin
        }
      case .blockSoftThreshold(let size):
        var start = range.lowerBound
        while start < range.upperBound {
          let block = start..<Swift.min(start + size, range.upperBound)
          let norm = block.map { x.scalars[$0] * x.scalars[$0] }.reduce(0, +).squareRoot()
          if Swift.abs(norm - t) < margin {
            // Scale the block away from the kink, keeping its direction.
            let target = norm < t ? Swift.max(t - 2 * margin, 0) : t + 2 * margin
            for i in block { x.scalars[i] *= norm > 0 ? target / norm : 0 }
          }
          start = block.upperBound
        }
      }
    }
    return x
  }
}

private let proximalCases: [ProximalCase] = [
  ProximalCase(name: "soft", kind: .softThreshold, thresholds: [0.3, 0.6, 0.1], segment: 6),
  ProximalCase(name: "hard", kind: .hardThreshold, thresholds: [0.4, 0.2, 0.7], segment: 6),
  ProximalCase(
    name: "block of 3", kind: .blockSoftThreshold(blockSize: 3), thresholds: [0.6, 0.9, 0.3], segment: 9),
  // A block size that does not divide the segment: the last block is shorter.
  ProximalCase(
    name: "block of 4 in 7", kind: .blockSoftThreshold(blockSize: 4), thresholds: [0.5, 0.8], segment: 7),
]

@Suite struct ProximalOperatorTests {
  /// The gradients with respect to x and to the thresholds against central
  /// differences, at points with both zeroed and surviving coordinates
  /// (blocks). For hard thresholding the threshold's derivative is zero on
  /// both sides.
  @Test(arguments: proximalCases)
  func gradientMatchesFiniteDifferences(_ c: ProximalCase) {
    let x = c.point(seed: 11)
    let thresholds = Tensor(shape: .vector(c.thresholds.count), scalars: c.thresholds)
    let result = GradientChecker.check([x, thresholds]) { tape, v in
      Fixtures.project(tape, tape.proximal(v[0], kind: c.kind, thresholds: v[1]))
    }
    #expect(result.maxRelativeError < 1e-6, "\(result)")

    let tape = Tape<Double>()
    let y = tape.value(of: tape.proximal(tape.constant(x), kind: c.kind, thresholds: tape.constant(thresholds)))
    #expect(y.scalars.contains(0), "no coordinate was zeroed: the mask's 0 branch is untested")
    #expect(y.scalars.contains { $0 != 0 }, "every coordinate was zeroed: the mask's 1 branch is untested")
  }

  /// The values against the closed forms written out per coordinate.
  @Test(arguments: proximalCases)
  func valuesMatchClosedForms(_ c: ProximalCase) {
    let x = c.point(seed: 12)
    let tape = Tape<Double>()
    let y = tape.value(
      of: tape.proximal(
        tape.constant(x), kind: c.kind,
        thresholds: tape.constant(Tensor(shape: .vector(c.thresholds.count), scalars: c.thresholds))))
    for (b, t) in c.thresholds.enumerated() {
      let range = (b * c.segment)..<((b + 1) * c.segment)
      switch c.kind {
      case .softThreshold:
        for i in range {
          let v = x.scalars[i]
          let expected = Swift.abs(v) > t ? v - (v > 0 ? t : -t) : 0
          #expect(Swift.abs(y.scalars[i] - expected) < 1e-14)
        }
      case .hardThreshold:
        for i in range { #expect(y.scalars[i] == (Swift.abs(x.scalars[i]) > t ? x.scalars[i] : 0)) }
      case .blockSoftThreshold(let size):
        for start in stride(from: range.lowerBound, to: range.upperBound, by: size) {
          let block = start..<Swift.min(start + size, range.upperBound)
          let norm = block.map { x.scalars[$0] * x.scalars[$0] }.reduce(0, +).squareRoot()
          for i in block {
            let expected = norm > t ? x.scalars[i] * (1 - t / norm) : 0
            #expect(Swift.abs(y.scalars[i] - expected) < 1e-14)
          }
        }
      }
    }
  }

  /// A zero threshold makes every map the identity (up to exact zeros).
  @Test(arguments: proximalCases)
  func zeroThresholdIsTheIdentity(_ c: ProximalCase) {
    let x = c.point(seed: 13)
    let tape = Tape<Double>()
    let zeros = Tensor(shape: .vector(c.thresholds.count), scalars: [Double](repeating: 0, count: c.thresholds.count))
    let y = tape.value(of: tape.proximal(tape.constant(x), kind: c.kind, thresholds: tape.constant(zeros)))
    for (a, b) in zip(x.scalars, y.scalars) { #expect(Swift.abs(a - b) < 1e-15) }
  }
}
