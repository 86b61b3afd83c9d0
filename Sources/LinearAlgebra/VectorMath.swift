/// Small reductions used across the numerics. Written as plain loops over
/// contiguous storage: the compiler vectorises them in release builds.
public enum VectorMath {
  /// Σ xᵢ yᵢ.
  @inlinable
  public static func dot(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>) -> Float {
    precondition(x.count == y.count)
    var sum: Float = 0
    for i in 0..<x.count { sum += x[i] * y[i] }
    return sum
  }

  /// Σ xᵢ yᵢ on arrays.
  @inlinable
  public static func dot(_ x: [Float], _ y: [Float]) -> Float {
    x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in dot(px, py) } }
  }

  /// The Euclidean norm ‖x‖₂, accumulated in Double so long vectors of tiny
  /// values do not underflow.
  @inlinable
  public static func norm(_ x: UnsafeBufferPointer<Float>) -> Float {
    var sum: Double = 0
    for v in x { sum += Double(v) * Double(v) }
    return Float(sum.squareRoot())
  }

  /// ‖x‖₂ on an array.
  @inlinable
  public static func norm(_ x: [Float]) -> Float {
    x.withUnsafeBufferPointer { norm($0) }
  }

  /// ‖x − y‖₂.
  @inlinable
  public static func distance(_ x: [Float], _ y: [Float]) -> Float {
    precondition(x.count == y.count)
    var sum: Double = 0
    for i in 0..<x.count {
      let d = Double(x[i]) - Double(y[i])
      sum += d * d
    }
    return Float(sum.squareRoot())
  }
}
