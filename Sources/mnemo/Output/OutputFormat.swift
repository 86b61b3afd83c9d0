import ArgumentParser

/// How results go to standard output.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
  /// An aligned, human-readable table.
  case table
  /// One row per optimizer per step, with a header (pandas: `read_csv`).
  case csv
  /// An array of records, one per optimizer per step (pandas: `read_json`).
  case json
}
