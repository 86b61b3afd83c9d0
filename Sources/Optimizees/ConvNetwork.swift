import LinearAlgebra

/// A small convolutional classifier over a flat parameter vector: L blocks
/// of (k×k convolution, stride 1, zero padding k/2 → ReLU → 2×2 max-pool),
/// then one affine map to the class logits and a softmax cross-entropy.
///
/// **Parameter layout.** For each block ℓ = 0, …, L−1 in order: its
/// weights, row-major `[out][in][kh][kw]` (so block ℓ's weights are one
/// `out_ℓ × (in_ℓ·k²)` matrix, the left operand of its im2col product),
/// then its biases (`out_ℓ`). Then the linear layer: W, row-major
/// `features × classes` (a batch of feature rows maps as F·W, as in the
/// MLP), then b (`classes`). The features of an example are its last pooled
/// activation flattened channel-major, `f = c·(h·w) + y·w + x` (PyTorch's
/// `flatten` of a CHW tensor). For 28×28 images and channels 8, 16 with
/// k = 3: conv₀ W θ[0..<72], b θ[72..<80]; conv₁ W θ[80..<1232], b
/// θ[1232..<1248]; linear W θ[1248..<9088] (784×10), b θ[9088..<9098].
///
/// **Sizes.** Padding k/2 keeps h×w through a convolution; each pool halves
/// it, rounded down (28 → 14 → 7 → 3), dropping the last row and column of
/// an odd-sized map, which therefore gets no gradient.
///
/// **Forward.** Activations are stored channel-major with the batch inside,
/// `[c][b][y][x]`, so block ℓ is one product over the whole batch:
/// im2col writes the `(in·k²) × (B·h·w)` matrix of input patches (row
/// `(c, i, j)`, column `(b, y, x)`, zeros where a patch leaves the image),
/// and `Y = W·cols + b` (`out × B·h·w`) is one SGEMM. ReLU is applied after
/// the max-pool: max and ReLU commute (ReLU is monotone), so the output is
/// the same and the ReLU touches a quarter of the values.
///
/// **Backward.** The pool's gradient goes to the arg-max of each window
/// (recorded in the forward pass as an offset into Y) when the pooled value
/// is positive (ReLU's derivative, taken at that value), and nowhere else;
/// then ∂W = ∂Y·colsᵀ, ∂b = Σ_columns ∂Y, and — except for the first block,
/// whose input is the image — ∂cols = Wᵀ·∂Y, which col2im (the adjoint of
/// im2col: every patch entry added back to its pixel) turns into the
/// previous block's pooled gradient.
///
/// The kernels work over unsafe pointers into one workspace of
/// ``workspaceCount(batch:)`` floats that the caller hands in, so nothing is
/// allocated per call: im2col and col2im are one contiguous shifted copy
/// (or add) per image and kernel tap, the pool and its backward use SIMD
/// selects. They are kept out of line so that a profile names them.
struct ConvNetwork: Sendable {
  /// One convolution + ReLU + pool block; sizes are the block's input (and
  /// convolution output) map.
  struct Block: Sendable, Equatable {
    let inputChannels: Int
    let outputChannels: Int
    let height: Int
    let width: Int
    let kernel: Int
    /// Start of the block's weights in θ (its biases follow them).
    let weightOffset: Int

    /// Rows of the im2col matrix: one per (input channel, kernel row, kernel column).
    var patch: Int { inputChannels * kernel * kernel }
    var area: Int { height * width }
    var pooledHeight: Int { height / 2 }
    var pooledWidth: Int { width / 2 }
    var pooledArea: Int { pooledHeight * pooledWidth }
    var biasOffset: Int { weightOffset + outputChannels * patch }
    var parameterCount: Int { outputChannels * patch + outputChannels }
    /// Multiply–adds of the block's convolution for one example.
    var multiplyAdds: Int { outputChannels * patch * area }
  }

  let imageHeight: Int
  let imageWidth: Int
  let kernel: Int
  let classCount: Int
  let blocks: [Block]
  /// Inputs of the linear layer: the last block's channels × pooled area.
  let featureCount: Int
  /// Start of the linear layer's weights in θ (its biases follow them).
  let linearWeightOffset: Int
  /// The number of parameters.
  let parameterCount: Int

  /// Per-example offsets (in floats) of each block's regions in the
  /// workspace, and of the regions after them; a batch of B examples
  /// multiplies them by B (every region is linear in the batch).
  private let columnOffsets: [Int]
  private let outputOffsets: [Int]
  private let pooledOffsets: [Int]
  private let argmaxOffsets: [Int]
  private let featureOffset: Int
  private let logitOffset: Int
  private let pooledGradientOffset: Int
  /// Workspace floats per example.
  private let floatsPerExample: Int

  /// The pooled size of `size` after `blocks` 2×2 pools (each rounds down).
  static func pooledSize(_ size: Int, blocks: Int) -> Int {
    var size = size
    for _ in 0..<blocks { size /= 2 }
    return size
  }

  init(imageHeight: Int, imageWidth: Int, channels: [Int], kernel: Int, classCount: Int) {
    precondition(!channels.isEmpty && channels.allSatisfy { $0 >= 1 } && kernel >= 1 && kernel % 2 == 1)
    precondition(
      Self.pooledSize(imageHeight, blocks: channels.count) >= 1
        && Self.pooledSize(imageWidth, blocks: channels.count) >= 1 && classCount >= 2)
    self.imageHeight = imageHeight
    self.imageWidth = imageWidth
    self.kernel = kernel
    self.classCount = classCount
    var blocks: [Block] = []
    var (height, width, inputs, offset) = (imageHeight, imageWidth, 1, 0)
    for outputs in channels {
      let block = Block(
        inputChannels: inputs, outputChannels: outputs, height: height, width: width, kernel: kernel,
        weightOffset: offset)
      blocks.append(block)
      offset += block.parameterCount
      (height, width, inputs) = (height / 2, width / 2, outputs)
    }
    self.blocks = blocks
    featureCount = inputs * height * width
    linearWeightOffset = offset
    parameterCount = offset + featureCount * classCount + classCount

    // Workspace, per example: for each block its im2col matrix, its
    // convolution output (reused for ∂Y), its pooled output and its
    // arg-max offsets (Int32 in Float-sized slots); then the features
    // (reused for ∂features), the logits (reused for ∂logits) and one
    // pooled-gradient buffer as large as the largest pooled output.
    var cursor = 0
    var (columns, outputsAt, pooled, argmax): ([Int], [Int], [Int], [Int]) = ([], [], [], [])
    for block in blocks {
      columns.append(cursor)
      cursor += block.patch * block.area
      outputsAt.append(cursor)
      cursor += block.outputChannels * block.area
      pooled.append(cursor)
      cursor += block.outputChannels * block.pooledArea
      argmax.append(cursor)
      cursor += block.outputChannels * block.pooledArea
    }
    columnOffsets = columns
    outputOffsets = outputsAt
    pooledOffsets = pooled
    argmaxOffsets = argmax
    featureOffset = cursor
    cursor += featureCount
    logitOffset = cursor
    cursor += classCount
    pooledGradientOffset = cursor
    cursor += blocks.map { $0.outputChannels * $0.pooledArea }.max() ?? 0
    floatsPerExample = cursor
  }

  /// Pixels of one input image.
  var pixels: Int { imageHeight * imageWidth }

  /// The slice of θ holding block `index`'s weights then biases, and the
  /// linear layer's: `(start, count, fan-in)` per weight matrix, for
  /// initialisation and documentation.
  var weightRanges: [(start: Int, count: Int, fanIn: Int)] {
    blocks.map { ($0.weightOffset, $0.outputChannels * $0.patch, $0.patch) }
      + [(linearWeightOffset, featureCount * classCount, featureCount)]
  }

  /// θ₀: He-normal weights, N(0, 2/fan-in) (fan-in: `in·k²` for a
  /// convolution, the feature count for the linear layer), zero biases,
  /// drawn in θ's order from `random`.
  func initialParameters(using random: inout RandomSource) -> [Float] {
    var theta = [Float](repeating: 0, count: parameterCount)
    for range in weightRanges {
      let deviation = (2 / Float(range.fanIn)).squareRoot()
      for i in range.start..<(range.start + range.count) { theta[i] = deviation * random.gaussian() }
    }
    return theta
  }

  /// Floats of workspace ``evaluate(theta:input:batch:label:workspace:gradient:gradientScale:)``
  /// needs for `batch` examples.
  func workspaceCount(batch: Int) -> Int { batch * floatsPerExample }

  /// Multiply–adds of one example's forward pass (the convolutions and the
  /// linear layer).
  var forwardMultiplyAdds: Int { blocks.reduce(0) { $0 + $1.multiplyAdds } + featureCount * classCount }

  /// The summed cross-entropy over `batch` images at `input` (contiguous,
  /// each `imageHeight × imageWidth`, row-major) with labels `label(i)`, the
  /// number whose arg-max logit is the label, and — when `gradient` is
  /// non-nil — `gradientScale` × ∇θ of that sum *added* to `gradient` (so a
  /// minibatch evaluated in chunks accumulates; pass 1/B for the mean).
  ///
  /// `workspace` must hold ``workspaceCount(batch:)`` floats; nothing is
  /// allocated.
  func evaluate(
    theta: UnsafePointer<Float>, input: UnsafePointer<Float>, batch: Int, label: (Int) -> Int,
    workspace: UnsafeMutablePointer<Float>, gradient: UnsafeMutablePointer<Float>?, gradientScale: Float
  ) -> (lossSum: Double, correct: Int) {
    precondition(batch >= 1 && workspaceCount(batch: batch) <= Int(Int32.max), "evaluate: batch out of range")
    let features = workspace + batch * featureOffset
    let logits = workspace + batch * logitOffset
    let pooledGradient = workspace + batch * pooledGradientOffset

    // Forward through the blocks.
    var blockInput = input
    for (index, block) in blocks.enumerated() {
      let columns = workspace + batch * columnOffsets[index]
      let output = workspace + batch * outputOffsets[index]
      let pooled = workspace + batch * pooledOffsets[index]
      let n = batch * block.area
      Self.im2col(
        input: blockInput, channels: block.inputChannels, batch: batch, height: block.height, width: block.width,
        kernel: kernel, columns: columns)
      for o in 0..<block.outputChannels {
        (output + o * n).update(repeating: theta[block.biasOffset + o], count: n)
      }
      BLAS.gemm(
        m: block.outputChannels, n: n, k: block.patch, a: theta + block.weightOffset, b: columns, beta: 1,
        c: output)
      (workspace + batch * argmaxOffsets[index]).withMemoryRebound(
        to: Int32.self, capacity: batch * block.outputChannels * block.pooledArea
      ) { argmax in
        Self.maxPoolReLU(
          output, planes: block.outputChannels * batch, height: block.height, width: block.width,
          pooled: pooled, argmax: argmax)
      }
      blockInput = UnsafePointer(pooled)
    }

    // Flatten [c][b][s] to rows [b][c·s], then the linear layer.
    let last = blocks[blocks.count - 1]
    let lastPooled = workspace + batch * pooledOffsets[blocks.count - 1]
    let area = last.pooledArea
    for c in 0..<last.outputChannels {
      for b in 0..<batch {
        (features + b * featureCount + c * area).update(from: lastPooled + (c * batch + b) * area, count: area)
      }
    }
    let classes = classCount
    let linearBias = theta + linearWeightOffset + featureCount * classes
    for row in 0..<batch { (logits + row * classes).update(from: linearBias, count: classes) }
    BLAS.gemm(
      m: batch, n: classes, k: featureCount, a: features, b: theta + linearWeightOffset, beta: 1, c: logits)

    // With a gradient, the logits become gradientScale·∂loss/∂logits in place.
    let (lossSum, correct) = SoftmaxCrossEntropy.evaluate(
      logits: logits, rows: batch, classes: classes, label: label, gradientScale: gradient == nil ? nil : gradientScale)
    guard let gradient else { return (lossSum, correct) }

    // Linear layer: ∂W += featuresᵀ·∂logits, ∂b += Σ_rows ∂logits, then
    // ∂features = ∂logits·Wᵀ (over the features, which are no longer needed).
    BLAS.gemm(
      .transposed, .none, m: featureCount, n: classes, k: batch, a: features, b: logits, beta: 1,
      c: gradient + linearWeightOffset)
    let linearBiasGradient = gradient + linearWeightOffset + featureCount * classes
    for row in 0..<batch {
      let d = logits + row * classes
      for c in 0..<classes { linearBiasGradient[c] += d[c] }
    }
    BLAS.gemm(
      .none, .transposed, m: batch, n: featureCount, k: classes, a: logits, b: theta + linearWeightOffset,
      c: features)
    for c in 0..<last.outputChannels {
      for b in 0..<batch {
        (pooledGradient + (c * batch + b) * area).update(from: features + b * featureCount + c * area, count: area)
      }
    }

    // The blocks, last to first; `pooledGradient` holds ∂(block's pooled output).
    for index in stride(from: blocks.count - 1, through: 0, by: -1) {
      let block = blocks[index]
      let columns = workspace + batch * columnOffsets[index]
      let outputGradient = workspace + batch * outputOffsets[index]  // over Y, no longer needed
      let pooled = workspace + batch * pooledOffsets[index]
      let n = batch * block.area
      let pooledCount = batch * block.outputChannels * block.pooledArea
      (workspace + batch * argmaxOffsets[index]).withMemoryRebound(to: Int32.self, capacity: pooledCount) {
        Self.unpool(
          pooledGradient, pooled: pooled, argmax: $0, planes: block.outputChannels * batch, height: block.height,
          width: block.width, into: outputGradient)
      }
      BLAS.gemm(
        .none, .transposed, m: block.outputChannels, n: block.patch, k: n, a: outputGradient, b: columns,
        beta: 1, c: gradient + block.weightOffset)
      for o in 0..<block.outputChannels { gradient[block.biasOffset + o] += Self.sum(outputGradient + o * n, count: n) }
      guard index > 0 else { break }
      // ∂cols = Wᵀ·∂Y over the columns (used above for the last time), then
      // col2im into the previous block's pooled gradient.
      BLAS.gemm(
        .transposed, .none, m: block.patch, n: n, k: block.outputChannels, a: theta + block.weightOffset,
        b: outputGradient, c: columns)
      pooledGradient.update(repeating: 0, count: block.inputChannels * n)
      Self.col2im(
        columns: columns, channels: block.inputChannels, batch: batch, height: block.height, width: block.width,
        kernel: kernel, input: pooledGradient)
    }
    return (lossSum, correct)
  }

  // MARK: Kernels

  /// Σ of `count` floats in sixteen independent lanes: one running sum
  /// would be a chain of dependent adds (the compiler may not reassociate
  /// them), four cycles each over 10⁵ values per channel.
  @inline(never)
  static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
    let raw = UnsafeRawPointer(values)
    var lanes = SIMD16<Float>()
    var i = 0
    while i + 16 <= count {
      lanes += raw.loadUnaligned(fromByteOffset: i * MemoryLayout<Float>.stride, as: SIMD16<Float>.self)
      i += 16
    }
    var total = lanes.sum()
    while i < count {
      total += values[i]
      i += 1
    }
    return total
  }

  /// The max-pool + ReLU backward over `planes` maps `height × width`:
  /// each window's gradient goes to its arg-max when the pooled (post-ReLU)
  /// value is positive, zeros to every other cell (the window's other
  /// three, the odd last row and column no window covers). Every cell of
  /// `outputGradient` is written, two rows at a time and four windows per
  /// SIMD step, so it needs no clearing beforehand and makes no scattered
  /// stores.
  @inline(never)
  static func unpool(
    _ pooledGradient: UnsafePointer<Float>, pooled: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
    planes: Int, height: Int, width: Int, into outputGradient: UnsafeMutablePointer<Float>
  ) {
    let (pooledHeight, pooledWidth) = (height / 2, width / 2)
    let (area, pooledArea) = (height * width, pooledHeight * pooledWidth)
    let (right, below) = (Int32(1), Int32(width))
    let lanes = SIMD4<Int32>(0, 2, 4, 6)
    let (gradients, values, offsets) = (
      UnsafeRawPointer(pooledGradient), UnsafeRawPointer(pooled), UnsafeRawPointer(argmax)
    )
    let stride = MemoryLayout<Float>.stride
    for plane in 0..<planes {
      let map = outputGradient + plane * area
      for py in 0..<pooledHeight {
        let (top, bottom) = (map + 2 * py * width, map + (2 * py + 1) * width)
        let topLeft = plane * area + 2 * py * width
        let first = plane * pooledArea + py * pooledWidth
        var px = 0
        while px + 4 <= pooledWidth {
          let at =
            offsets.loadUnaligned(fromByteOffset: (first + px) * stride, as: SIMD4<Int32>.self)
            &- lanes &- Int32(truncatingIfNeeded: topLeft + 2 * px)
          let value = values.loadUnaligned(fromByteOffset: (first + px) * stride, as: SIMD4<Float>.self)
          let g = gradients.loadUnaligned(fromByteOffset: (first + px) * stride, as: SIMD4<Float>.self)
            .replacing(with: 0, where: value .<= .zero)
          let tl = SIMD4<Float>.zero.replacing(with: g, where: at .== .zero)
          let tr = SIMD4<Float>.zero.replacing(with: g, where: at .== SIMD4(repeating: right))
          let bl = SIMD4<Float>.zero.replacing(with: g, where: at .== SIMD4(repeating: below))
          let br = SIMD4<Float>.zero.replacing(with: g, where: at .== SIMD4(repeating: below + right))
          UnsafeMutableRawPointer(top + 2 * px).storeBytes(
            of: SIMD8(tl[0], tr[0], tl[1], tr[1], tl[2], tr[2], tl[3], tr[3]), as: SIMD8<Float>.self)
          UnsafeMutableRawPointer(bottom + 2 * px).storeBytes(
            of: SIMD8(bl[0], br[0], bl[1], br[1], bl[2], br[2], bl[3], br[3]), as: SIMD8<Float>.self)
          px += 4
        }
        while px < pooledWidth {
          (top[2 * px], top[2 * px + 1], bottom[2 * px], bottom[2 * px + 1]) = (0, 0, 0, 0)
          let i = first + px
          if pooled[i] > 0 { outputGradient[Int(argmax[i])] = pooledGradient[i] }
          px += 1
        }
        if width % 2 == 1 { (top[width - 1], bottom[width - 1]) = (0, 0) }
      }
      if height % 2 == 1 { (map + (height - 1) * width).update(repeating: 0, count: width) }
    }
  }

  /// For the kernel tap (dy, dx) = (i − k/2, j − k/2) on `height × width`
  /// maps: the flat offset dy·w + dx from an output position p = y·w + x
  /// to its source pixel, and the range of p whose source lies inside the
  /// map's rows. Within the range, the |dx| columns at one edge of each row
  /// wrap into the neighbouring row; they are padding (zero) and are fixed
  /// by ``clearWrappedColumns(_:dx:height:width:)``. So a tap is one
  /// contiguous shifted copy (or add) per image instead of one per row.
  @inline(__always)
  private static func tap(dy: Int, dx: Int, height: Int, width: Int) -> (start: Int, end: Int, offset: Int) {
    let offset = dy * width + dx
    let start = Swift.max(Swift.max(0, -dy) * width, -offset)
    let end = Swift.max(start, Swift.min(Swift.min(height, height - dy) * width, height * width - offset))
    return (start, end, offset)
  }

  /// Zeroes, in each row of a `height × width` map, the columns a tap with
  /// column offset `dx` reads from the neighbouring row.
  @inline(__always)
  private static func clearWrappedColumns(_ map: UnsafeMutablePointer<Float>, dx: Int, height: Int, width: Int) {
    guard dx != 0 else { return }
    let (first, count) = dx > 0 ? (Swift.max(0, width - dx), Swift.min(dx, width)) : (0, Swift.min(-dx, width))
    for y in 0..<height { (map + y * width + first).update(repeating: 0, count: count) }
  }

  /// The `(channels·k²) × (batch·height·width)` patch matrix of `input`
  /// (`[channels][batch][height][width]`): row `(c, i, j)`, column
  /// `(b, y, x)` holds `input[c][b][y + i − k/2][x + j − k/2]`, zero outside
  /// the image (padding k/2).
  @inline(never)
  static func im2col(
    input: UnsafePointer<Float>, channels: Int, batch: Int, height: Int, width: Int, kernel: Int,
    columns: UnsafeMutablePointer<Float>
  ) {
    let (pad, area) = (kernel / 2, height * width)
    var row = columns
    for c in 0..<channels {
      let channel = input + c * batch * area
      for i in 0..<kernel {
        for j in 0..<kernel {
          let (dy, dx) = (i - pad, j - pad)
          let (start, end, offset) = tap(dy: dy, dx: dx, height: height, width: width)
          for b in 0..<batch {
            let source = channel + b * area
            let out = row + b * area
            if start > 0 { out.update(repeating: 0, count: start) }
            if end > start { (out + start).update(from: source + start + offset, count: end - start) }
            if end < area { (out + end).update(repeating: 0, count: area - end) }
            clearWrappedColumns(out, dx: dx, height: height, width: width)
          }
          row += batch * area
        }
      }
    }
  }

  /// The adjoint of ``im2col(input:channels:batch:height:width:kernel:columns:)``:
  /// adds every entry of `columns` to the pixel of `input` it was copied
  /// from (padding entries are dropped). `input` is accumulated into, not
  /// overwritten; the padding entries of `columns` are zeroed on the way.
  @inline(never)
  static func col2im(
    columns: UnsafeMutablePointer<Float>, channels: Int, batch: Int, height: Int, width: Int, kernel: Int,
    input: UnsafeMutablePointer<Float>
  ) {
    let (pad, area) = (kernel / 2, height * width)
    var row = columns
    for c in 0..<channels {
      let channel = input + c * batch * area
      for i in 0..<kernel {
        for j in 0..<kernel {
          let (dy, dx) = (i - pad, j - pad)
          let (start, end, offset) = tap(dy: dy, dx: dx, height: height, width: width)
          if end > start {
            for b in 0..<batch {
              let source = row + b * area
              clearWrappedColumns(source, dx: dx, height: height, width: width)
              let (from, to) = (source + start, channel + b * area + start + offset)
              for p in 0..<(end - start) { to[p] += from[p] }
            }
          }
          row += batch * area
        }
      }
    }
  }

  /// 2×2 max-pool, stride 2 (odd last rows and columns dropped), of
  /// `planes` maps `height × width` at `input`, then ReLU; records each
  /// window's arg-max as an offset into `input` (the first maximum in the
  /// order top-left, top-right, bottom-left, bottom-right: strict
  /// comparisons keep the earlier cell on ties). Four windows at a time in
  /// SIMD lanes (the even and odd halves of two rows' eight cells), the
  /// rest of a row one by one, both with selects rather than branches.
  @inline(never)
  static func maxPoolReLU(
    _ input: UnsafePointer<Float>, planes: Int, height: Int, width: Int, pooled: UnsafeMutablePointer<Float>,
    argmax: UnsafeMutablePointer<Int32>
  ) {
    let (pooledHeight, pooledWidth) = (height / 2, width / 2)
    let (area, pooledArea) = (height * width, pooledHeight * pooledWidth)
    let below = Int32(width)
    let lanes = SIMD4<Int32>(0, 2, 4, 6)
    for plane in 0..<planes {
      let out = pooled + plane * pooledArea
      let offsets = argmax + plane * pooledArea
      for py in 0..<pooledHeight {
        let topLeft = plane * area + 2 * py * width
        let (top, bottom) = (UnsafeRawPointer(input + topLeft), UnsafeRawPointer(input + topLeft + width))
        var px = 0
        while px + 4 <= pooledWidth {
          let offset = 2 * px * MemoryLayout<Float>.stride
          let upper = top.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
          let lower = bottom.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
          let (a, b, c, d) = (upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf)
          let right = b .> a
          let lowerRight = d .> c
          let upperBest = a.replacing(with: b, where: right)
          let lowerBest = c.replacing(with: d, where: lowerRight)
          let down = lowerBest .> upperBest
          let value = upperBest.replacing(with: lowerBest, where: down)
          let upperAt = SIMD4<Int32>(repeating: 0).replacing(with: 1, where: right)
          let lowerAt = SIMD4<Int32>(repeating: below).replacing(with: below + 1, where: lowerRight)
          let at = upperAt.replacing(with: lowerAt, where: down) &+ lanes &+ Int32(truncatingIfNeeded: topLeft + 2 * px)
          let slot = py * pooledWidth + px
          UnsafeMutableRawPointer(out + slot).storeBytes(of: pointwiseMax(value, .zero), as: SIMD4<Float>.self)
          UnsafeMutableRawPointer(offsets + slot).storeBytes(of: at, as: SIMD4<Int32>.self)
          px += 4
        }
        while px < pooledWidth {
          let cell = topLeft + 2 * px
          let (a, b) = (input[cell], input[cell + 1])
          let (c, d) = (input[cell + width], input[cell + width + 1])
          let upperBest = b > a ? b : a
          let lowerBest = d > c ? d : c
          let upperAt = b > a ? cell + 1 : cell
          let lowerAt = d > c ? cell + width + 1 : cell + width
          let value = lowerBest > upperBest ? lowerBest : upperBest
          out[py * pooledWidth + px] = value > 0 ? value : 0
          offsets[py * pooledWidth + px] = Int32(truncatingIfNeeded: lowerBest > upperBest ? lowerAt : upperAt)
          px += 1
        }
      }
    }
  }

}
