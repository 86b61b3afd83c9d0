import Libm

/// The classifiers' loss head (``MLPNetwork``, ``ConvNetwork``): softmax
/// cross-entropy over rows of logits, with the log-sum-exp shift so no
/// exponential overflows: for a row z with target y,
/// `ℓ = log Σ_c exp(z_c − max z) + max z − z_y`, and
/// `∂ℓ/∂z_c = softmax(z)_c − [c = y]`.
enum SoftmaxCrossEntropy {
  /// Σ_rows ℓ over `rows` rows of `classes` logits, and how many rows have
  /// their target as the arg-max. With a `gradientScale` s, every row of
  /// `logits` is overwritten in place by s·∂ℓ/∂z (s = 1/B for a batch mean),
  /// the backward pass's first delta.
  static func evaluate(
    logits: UnsafeMutablePointer<Float>, rows: Int, classes: Int, label: (Int) -> Int, gradientScale: Float?
  ) -> (lossSum: Double, correct: Int) {
    var lossSum: Double = 0
    var correct = 0
    for row in 0..<rows {
      let z = logits + row * classes
      var best = 0
      for c in 1..<classes where z[c] > z[best] { best = c }
      let shift = z[best]
      var total: Float = 0
      for c in 0..<classes { total += Libm.exp(z[c] - shift) }
      let logTotal = Libm.log(total)
      let target = label(row)
      lossSum += Double(logTotal + shift - z[target])
      if best == target { correct += 1 }
      if let scale = gradientScale {
        for c in 0..<classes { z[c] = Libm.exp(z[c] - shift - logTotal) * scale }
        z[target] -= scale
      }
    }
    return (lossSum, correct)
  }
}
