import Autodiff
import Testing

/// Broadcasting values against a direct element-by-element definition, and
/// shapes that must not combine.
@Suite struct BroadcastTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let left: Shape
    let right: Shape
    let output: Shape
    var testDescription: String { "\(left) ∘ \(right)" }
  }

  static let cases = [
    Case(left: [3, 4], right: [3, 4], output: [3, 4]),
    Case(left: [3, 4], right: [4], output: [3, 4]),
    Case(left: [3, 4], right: [1, 4], output: [3, 4]),
    Case(left: [3, 4], right: [3, 1], output: [3, 4]),
    Case(left: [3, 4], right: [], output: [3, 4]),
    Case(left: [], right: [2, 5], output: [2, 5]),
    Case(left: [3, 1], right: [1, 4], output: [3, 4]),
    Case(left: [2, 3, 4], right: [3, 1], output: [2, 3, 4]),
    Case(left: [2, 1, 4], right: [2, 3, 1], output: [2, 3, 4]),
    Case(left: [2, 3, 1, 5], right: [4, 1], output: [2, 3, 4, 5]),
    Case(left: [1], right: [1], output: [1]),
  ]

  /// Element `index` (row-major in `output`) of an operand of `shape`,
  /// aligned on the right with size-1 dimensions stretched.
  static func element(_ t: Tensor<Double>, at index: Int, in output: Shape) -> Double {
    var remainder = index
    var coordinates = [Int](repeating: 0, count: output.rank)
    for axis in stride(from: output.rank - 1, through: 0, by: -1) {
      coordinates[axis] = remainder % output[axis]
      remainder /= output[axis]
    }
    var flat = 0
    let offset = output.rank - t.shape.rank
    for axis in 0..<t.shape.rank {
      let size = t.shape[axis]
      flat = flat * size + (size == 1 ? 0 : coordinates[axis + offset])
    }
    return t.scalars[flat]
  }

  @Test(arguments: cases)
  func valuesMatchTheDefinition(_ c: Case) {
    let a: Tensor<Double> = Fixtures.tensor(c.left, seed: 1)
    let b: Tensor<Double> = Fixtures.uniform(c.right, seed: 2, 1, 2)
    let tape = Tape<Double>()
    let x = tape.constant(a)
    let y = tape.constant(b)
    let results = [
      (tape.add(x, y), { (u: Double, v: Double) in u + v }),
      (tape.subtract(x, y), { $0 - $1 }),
      (tape.multiply(x, y), { $0 * $1 }),
      (tape.divide(x, y), { $0 / $1 }),
    ]
    for (variable, op) in results {
      #expect(variable.shape == c.output)
      let value = tape.value(of: variable)
      for k in 0..<c.output.count {
        let expected = op(Self.element(a, at: k, in: c.output), Self.element(b, at: k, in: c.output))
        #expect(value.scalars[k] == expected)
      }
    }
  }

  @Test(arguments: cases)
  func adjointOfAStretchedOperandIsSummed(_ c: Case) {
    // d Σ (a + b) / db = how many output elements each element of b feeds.
    let tape = Tape<Double>()
    let a = tape.constant(Tensor(shape: c.left, repeating: 0))
    let b = tape.variable(Tensor(shape: c.right, repeating: 0))
    tape.backward(from: tape.sum(tape.add(a, b)))
    let copies = Double(c.output.count / max(1, c.right.count))
    #expect(tape.gradient(of: b).scalars == [Double](repeating: copies, count: c.right.count))
  }

  @Test func incompatibleShapesAreRejected() async {
    await #expect(processExitsWith: .failure) {
      let tape = Tape<Double>()
      _ = tape.multiply(
        tape.constant(Tensor(shape: [3, 4], repeating: 1)), tape.constant(Tensor(shape: [3], repeating: 1)))
    }
  }
}
