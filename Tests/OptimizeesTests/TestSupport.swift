import CZlib
import Foundation
import LinearAlgebra
import Testing

@testable import Optimizees

/// A small in-memory stand-in for MNIST: random 4×4 "images" with random
/// labels, enough to exercise the MLP without the real files.
enum FakeMNIST {
  static func split(count: Int, rows: Int = 4, columns: Int = 4, seed: UInt64) -> LabelledImages {
    var rng = RandomSource(seed: seed, stream: 99)
    let images = rng.uniformArray(count: count * rows * columns)
    let labels = (0..<count).map { _ in UInt8(rng.index(below: 10)) }
    return LabelledImages(images: images, labels: labels, rows: rows, columns: columns)
  }

  /// 64 training and 32 test images of 4×4 pixels.
  static let dataset = MNISTDataset(
    train: split(count: 64, seed: 1), test: split(count: 32, seed: 2))
}

/// Loss evaluation helpers that leave the problem untouched: every call
/// works on a copy, so a stochastic problem sees the same minibatch each
/// time (copies replay the minibatch stream).
enum Evaluate {
  static func smooth(_ problem: any Problem, at theta: [Float]) -> Float {
    var copy = problem
    return theta.withUnsafeBufferPointer { copy.smoothLoss(at: $0, gradient: nil) }
  }

  static func smoothWithGradient(_ problem: any Problem, at theta: [Float]) -> (Float, [Float]) {
    var copy = problem
    var gradient = [Float](repeating: .nan, count: theta.count)
    let loss = theta.withUnsafeBufferPointer { t in
      gradient.withUnsafeMutableBufferPointer { copy.smoothLoss(at: t, gradient: $0) }
    }
    return (loss, gradient)
  }
}

/// Files and directories for tests.
enum TestFiles {
  /// The bytes of an IDX file of unsigned bytes with the given dimensions.
  static func idx(dimensions: [Int], payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for d in dimensions {
      let v = UInt32(d)
      bytes += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
    return bytes + payload
  }

  /// Writes `bytes` to `path`, gzip-compressed through zlib when `gzip`.
  static func write(_ bytes: [UInt8], to path: String, gzip: Bool) throws {
    if !gzip {
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      return
    }
    guard let file = gzopen(path, "wb9") else { throw CocoaError(.fileWriteUnknown) }
    let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    let closed = gzclose(file)
    guard written == Int32(bytes.count), closed == Z_OK else { throw CocoaError(.fileWriteUnknown) }
  }

  /// Writes a complete four-file IDX data set built from `dataset` into
  /// `directory` (gzipped or raw), with pixel bytes round(255·v).
  static func writeDataset(_ dataset: MNISTDataset, to directory: URL, gzip: Bool) throws {
    for (split, images, labels) in [
      (dataset.train, "train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
      (dataset.test, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    ] {
      let suffix = gzip ? ".gz" : ""
      let pixels = split.images.map { UInt8(($0 * 255).rounded()) }
      try write(
        idx(dimensions: [split.count, split.rows, split.columns], payload: pixels),
        to: directory.appendingPathComponent(images + suffix).path, gzip: gzip)
      try write(
        idx(dimensions: [split.count], payload: split.labels),
        to: directory.appendingPathComponent(labels + suffix).path, gzip: gzip)
    }
  }

  /// The repository's `data/mnist`, which ships the real files.
  static var repositoryMNISTDirectory: String {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("data/mnist").path
  }
}

extension Array where Element == Float {
  var asDouble: [Double] { map(Double.init) }
}

/// Adam (β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸) written out for the optimizee
/// tests, which sit below the Optimizers module: `steps` steps at `rate`
/// from the problem's θ₀, returning the loss before each step.
enum HandAdam {
  static func losses(_ problem: inout some Problem, steps: Int, rate: Float) -> [Float] {
    var theta = problem.initialParameters
    var gradient = [Float](repeating: 0, count: theta.count)
    var m = [Float](repeating: 0, count: theta.count)
    var v = [Float](repeating: 0, count: theta.count)
    let (beta1, beta2, epsilon): (Float, Float, Float) = (0.9, 0.999, 1e-8)
    var losses: [Float] = []
    var (power1, power2): (Float, Float) = (1, 1)
    for _ in 0..<steps {
      losses.append(problem.objective(at: theta, gradient: &gradient))
      power1 *= beta1
      power2 *= beta2
      let (correction1, correction2) = (1 - power1, 1 - power2)
      for k in theta.indices {
        m[k] = beta1 * m[k] + (1 - beta1) * gradient[k]
        v[k] = beta2 * v[k] + (1 - beta2) * gradient[k] * gradient[k]
        theta[k] -= rate * (m[k] / correction1) / ((v[k] / correction2).squareRoot() + epsilon)
      }
    }
    return losses
  }
}
