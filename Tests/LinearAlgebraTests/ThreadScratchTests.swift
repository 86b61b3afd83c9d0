import Dispatch
import LinearAlgebra
import Testing

/// The per-thread scratch buffer: large enough for every request, kept
/// across calls on one thread, separate between threads.
@Suite struct ThreadScratchTests {
  @Test func growsToTheLargestRequestAndKeepsItsContents() {
    let first = ThreadScratch.withFloats(count: 16) { p -> UnsafeMutablePointer<Float> in
      for i in 0..<16 { p[i] = Float(i) }
      return p
    }
    // A request no larger reuses the same buffer, contents and all.
    ThreadScratch.withFloats(count: 8) { p in
      #expect(p == first)
      #expect((0..<8).map { p[$0] } == (0..<8).map(Float.init))
    }
    // A larger one gets room for all of it (every element writable).
    ThreadScratch.withFloats(count: 100_000) { p in
      for i in 0..<100_000 { p[i] = 1 }
      #expect(p[99_999] == 1)
    }
  }

  @Test func threadsHaveTheirOwnBuffers() {
    let count = 4
    let addresses = UnsafeMutablePointer<UInt>.allocate(capacity: count)
    defer { addresses.deallocate() }
    nonisolated(unsafe) let slots = addresses
    DispatchQueue.concurrentPerform(iterations: count) { index in
      ThreadScratch.withFloats(count: 1024) { p in
        // Each thread fills its buffer with its own index and, after the
        // others have had time to write, still finds it.
        for i in 0..<1024 { p[i] = Float(index) }
        for _ in 0..<1000 { _ = p[0] }
        slots[index] = (0..<1024).allSatisfy { p[$0] == Float(index) } ? 1 : 0
      }
    }
    #expect((0..<count).allSatisfy { addresses[$0] == 1 })
  }
}
