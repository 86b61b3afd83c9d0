import LinearAlgebra

/// The copy task of the NTM and DNC papers (Graves et al. 2014, 2016), the
/// data both `lstm-copy` and `dnc-copy` train their networks on: read a
/// sequence of random binary vectors, then write it back.
///
/// Each minibatch is `batchSize` sequences of one length (a fixed `length`,
/// or a uniform draw from a range per minibatch: one batched unroll needs
/// one length) of `bits`-bit vectors, every bit Bernoulli(½). The network
/// sees bits + 1 input channels, the last a delimiter flag, over
/// 2·length + 1 steps: the sequence (delimiter 0), one delimiter step (bits
/// 0, delimiter 1), then `length` blank steps during which its read-out
/// must reproduce the sequence in order.
///
/// One type for the two classes so that they read the same options with the
/// same messages and draw the same minibatches from the same seed: a race
/// of `lstm-copy` against `dnc-copy` compares networks, not data.
struct CopyTask: Sendable, Hashable {
  /// Bits per vector.
  let bits: Int
  /// The sequence lengths minibatches draw from (one value: a fixed length).
  let lengths: ClosedRange<Int>
  /// Sequences per minibatch.
  let batchSize: Int

  /// The option ranges: `length` up to 20 as in the NTM's training range.
  static let bitsRange = 1...32
  static let batchRange = 1...256
  static let lengthRange = 1...20

  /// The task's options (each network class adds its own).
  static let optionNames = ["batch", "bits", "length"]

  init(bits: Int = 6, lengths: ClosedRange<Int> = 5...5, batchSize: Int = 16) {
    precondition(bits >= 1 && lengths.lowerBound >= 1 && batchSize >= 1)
    self.bits = bits
    self.lengths = lengths
    self.batchSize = batchSize
  }

  /// `bits`, `length` and `batch` from `reader`, defaults where absent.
  init(reading reader: OptionReader) throws(ProblemError) {
    self.init(
      bits: try reader.integer("bits", default: 6, in: Self.bitsRange),
      lengths: try reader.integerRange("length", default: 5...5, in: Self.lengthRange),
      batchSize: try reader.integer("batch", default: 16, in: Self.batchRange))
  }

  /// bits + 1: the vector and the delimiter flag.
  var inputWidth: Int { bits + 1 }

  /// 2·length + 1: the sequence, the delimiter, the recall.
  static func steps(length: Int) -> Int { 2 * length + 1 }

  /// The mean length of a minibatch (for cost estimates).
  var meanLength: Double { Double(lengths.lowerBound + lengths.upperBound) / 2 }

  /// `5`, or `2-8` for a range.
  var lengthText: String {
    lengths.lowerBound == lengths.upperBound
      ? String(lengths.lowerBound) : "\(lengths.lowerBound)-\(lengths.upperBound)"
  }

  /// The length as a summary says it: `5`, or `2-8 (drawn per minibatch)`.
  var lengthSummary: String {
    lengths.lowerBound == lengths.upperBound ? lengthText : "\(lengthText) (drawn per minibatch)"
  }

  /// The task's part of a configuration key.
  var keyPairs: [(String, String)] {
    [("batch", String(batchSize)), ("bits", String(bits)), ("length", lengthText)]
  }

  /// The next minibatch's length: for a range one uniform draw from
  /// `stream`, for a fixed length no draw at all (so a fixed length's
  /// minibatches are the bits alone).
  func drawLength(from stream: inout RandomSource) -> Int {
    lengths.lowerBound == lengths.upperBound
      ? lengths.lowerBound : lengths.lowerBound + stream.index(below: lengths.count)
  }
}

/// The bits of one minibatch, in the order they are drawn: step by step,
/// sequence by sequence, bit by bit, each the next bit of the generator's
/// 64-bit words from the lowest. A new reader per minibatch: the unused
/// high bits of the last word are dropped.
struct CopyTaskBits {
  private var word: UInt64 = 0
  private var remaining = 0

  init() {}

  /// Writes the next `count` bits (0 or 1) into `destination`.
  mutating func fill<Scalar: BinaryFloatingPoint>(
    _ destination: UnsafeMutablePointer<Scalar>, count: Int, from stream: inout RandomSource
  ) {
    for j in 0..<count {
      if remaining == 0 {
        word = stream.next()
        remaining = 64
      }
      destination[j] = Scalar(word & 1)
      word >>= 1
      remaining -= 1
    }
  }
}
