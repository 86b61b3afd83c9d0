/// A bump allocator for the tape's buffers that recycles its memory on reset.
///
/// Every value, adjoint and saved intermediate of one recorded graph is carved
/// out of a few large chunks. A chunk never moves, so pointers stay valid until
/// the next ``reset()``. On reset the bump offset returns to zero; if the last
/// graph needed more than the first chunk, the chunks are replaced by a single
/// one as large as the high-water mark, so that rebuilding the same graph —
/// which is what every meta-iteration does — allocates nothing.
///
/// Not copyable: the arena owns raw memory and frees it in `deinit`.
struct Arena<Scalar: TensorScalar>: ~Copyable {
  private struct Chunk {
    let base: UnsafeMutablePointer<Scalar>
    let capacity: Int
  }

  /// Allocations are rounded up to this many elements (64 bytes for `Float`)
  /// so every buffer starts on a cache-line boundary.
  private static var granule: Int { 64 / MemoryLayout<Scalar>.stride }

  private var chunks: [Chunk] = []
  private var chunkIndex = 0
  private var offset = 0
  /// Elements handed out since the last reset, counting chunk tails skipped.
  private var used = 0
  /// Elements held in all chunks.
  private(set) var capacity = 0
  /// The largest `used` seen since the arena was made.
  private(set) var highWaterMark = 0

  init() {}

  deinit {
    for chunk in chunks { UnsafeMutableRawPointer(chunk.base).deallocate() }
  }

  private static func allocateChunk(_ capacity: Int) -> Chunk {
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: capacity * MemoryLayout<Scalar>.stride, alignment: 64)
    return Chunk(base: raw.bindMemory(to: Scalar.self, capacity: capacity), capacity: capacity)
  }

  /// `count` uninitialised elements, valid until the next reset.
  mutating func allocate(_ count: Int) -> UnsafeMutablePointer<Scalar> {
    let granule = Self.granule
    let size = Swift.max(granule, (count + granule - 1) / granule * granule)
    while chunkIndex < chunks.count {
      let chunk = chunks[chunkIndex]
      if offset + size <= chunk.capacity {
        let pointer = chunk.base + offset
        offset += size
        used += size
        highWaterMark = Swift.max(highWaterMark, used)
        return pointer
      }
      used += chunk.capacity - offset
      chunkIndex += 1
      offset = 0
    }
    let chunkCapacity = Swift.max(size, Swift.max(1 << 16, capacity))
    let chunk = Self.allocateChunk(chunkCapacity)
    let base = chunk.base
    chunks.append(chunk)
    capacity += chunkCapacity
    chunkIndex = chunks.count - 1
    offset = size
    used += size
    highWaterMark = Swift.max(highWaterMark, used)
    return base
  }

  /// Forgets every allocation. Memory is kept; more than one chunk is merged
  /// into one of the high-water size.
  mutating func reset() {
    if chunks.count > 1 {
      for chunk in chunks { UnsafeMutableRawPointer(chunk.base).deallocate() }
      let merged = highWaterMark
      chunks = [Self.allocateChunk(merged)]
      capacity = merged
    }
    chunkIndex = 0
    offset = 0
    used = 0
  }

  /// Forgets every allocation and frees the memory: the next graph starts
  /// from nothing (and grows the chunks again).
  mutating func release() {
    for chunk in chunks { UnsafeMutableRawPointer(chunk.base).deallocate() }
    chunks = []
    capacity = 0
    highWaterMark = 0
    chunkIndex = 0
    offset = 0
    used = 0
  }

  /// Bytes held.
  var bytes: Int { capacity * MemoryLayout<Scalar>.stride }
}
