/// The two kernels of an accelerated proximal-gradient step (FISTA, and
/// LISTA with learned momentum), which differ only in where β and η come
/// from: the gradient is taken at the extrapolated point
/// z = x_t + β(x_t − x_{t−1}), and the step leaves z − η∇s(z) (the caller's
/// prox then makes it x_{t+1}) while x_t becomes the previous iterate.
/// Contiguous loops over [Float], no allocation.
enum ExtrapolatedGradientStep {
  /// Writes z = x + β(x − x_prev) into `point` (same count as `parameters`).
  static func point(
    parameters: [Float], previous previousIterate: [Float], beta: Float, into point: inout [Float]
  ) {
    point.withUnsafeMutableBufferPointer { z in
      parameters.withUnsafeBufferPointer { x in
        previousIterate.withUnsafeBufferPointer { previous in
          for i in 0..<z.count { z[i] = x[i] + beta * (x[i] - previous[i]) }
        }
      }
    }
  }

  /// x ← z − η·g with z = x + β(x − x_prev), and x_prev ← x (the old x).
  static func step(
    parameters: inout [Float], previous previousIterate: inout [Float], gradient: [Float], beta: Float, eta: Float
  ) {
    parameters.withUnsafeMutableBufferPointer { x in
      previousIterate.withUnsafeMutableBufferPointer { previous in
        gradient.withUnsafeBufferPointer { g in
          for i in 0..<x.count {
            let current = x[i]
            let z = current + beta * (current - previous[i])
            previous[i] = current
            x[i] = z - eta * g[i]
          }
        }
      }
    }
  }
}
