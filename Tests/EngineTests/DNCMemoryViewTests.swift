import Optimizees
import Optimizers
import Testing

@testable import Engine
@testable import Evaluation
@testable import MetaLearning

@Suite struct DNCMemoryViewTests {
  /// A DNC's weights give the memory panel the DNC view (memory N×W, usage,
  /// weightings, links) after a run; LSTM weights still give hidden states.
  @Test func theEnginePublishesTheDNCMemory() throws {
    let quadratic = try ProblemCatalog.make("quadratic")
    let configuration = DNCOptimizerConfiguration(memorySlots: 6, wordSize: 4, readHeads: 2)
    let view = MemoryView.afterRun(
      of: .dnc(DNCOptimizerWeights(configuration: configuration, seed: 1)), on: quadratic, seed: 3, steps: 5)
    guard case .dnc(let memory) = view else {
      Issue.record("expected a DNC memory view, got \(view)")
      return
    }
    #expect(memory.slots == 6 && memory.width == 4)
    #expect(memory.memory.count == 24 && memory.link.count == 36)
    #expect(memory.readWeightings.count == 2)
    #expect(memory.usage.contains { $0 > 0 })
    #expect(memory.memory.contains { $0 != 0 })
    let lstm = MemoryView.afterRun(
      of: .lstm(LSTMOptimizerWeights(configuration: LSTMOptimizerConfiguration(hiddenSize: 4), seed: 1)),
      on: quadratic, seed: 3, steps: 5)
    guard case .lstm = lstm else {
      Issue.record("expected LSTM hidden states, got \(lstm)")
      return
    }
  }
}
