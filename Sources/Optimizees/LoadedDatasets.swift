import Synchronization

/// The MNIST data sets in memory, by the identity of their four files, so
/// that loading the same files twice shares one copy
/// (``MNISTDataset/load(directory:)``). Entries are weak: a data set no
/// problem holds any more is freed, and its entry is dropped on the next
/// insertion.
final class LoadedDatasets: Sendable {
  /// The four paths and, for each, its device, inode, size and modification
  /// time: a file replaced or rewritten in place has another key.
  struct Key: Hashable, Sendable {
    let paths: [String]
    let identities: [[Int]]

    /// nil when a file cannot be stat'ed (then nothing is cached).
    init?(paths: [String]) {
      var identities: [[Int]] = []
      for path in paths {
        guard let identity = FileSystem.identity(path) else { return nil }
        identities.append(identity)
      }
      self.paths = paths
      self.identities = identities
    }
  }

  private struct Entry {
    weak var dataset: MNISTDataset?
  }

  static let shared = LoadedDatasets()

  private let entries = Mutex<[Key: Entry]>([:])

  func dataset(for key: Key) -> MNISTDataset? {
    entries.withLock { $0[key]?.dataset }
  }

  func insert(_ dataset: MNISTDataset, for key: Key) {
    entries.withLock { entries in
      entries = entries.filter { $0.value.dataset != nil }
      entries[key] = Entry(dataset: dataset)
    }
  }
}
