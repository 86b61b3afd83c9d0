import Engine
import Rendering

/// The learned optimizer's internal state at the last race step.
///
/// **DNC** (dnc.md §5): the memory M as a half-block heatmap, two text
/// columns per word dimension so cells look square, on a diverging map
/// with the symmetric range ±max|M| (printed, since it changes every
/// frame); then one-column strips for the usage u, the write weighting w
/// and each read weighting r₁, r₂, … on a fixed [0, 1] viridis range so
/// frames can be compared; then the temporal link matrix L when there is
/// room. Strips max-pool and M mean-pools when there are more slots than
/// half-block rows.
///
/// **LSTM**: each layer's hidden activations h ∈ [−1, 1] as a heatmap,
/// one row per coordinate and one column per unit, on the diverging map
/// over the fixed range [−1, 1].
struct MemoryPanel {
  var snapshot: Snapshot
  var look: Look

  func draw(into grid: inout CellGrid) {
    grid.fill(grid.bounds, style: look.text)
    let body = Rect(x: 0, y: 1, width: grid.width, height: grid.height - 1)
    switch snapshot.memory {
    case .dnc(let view):
      drawDNC(view, into: &grid, body: body)
    case .lstm(let hidden, let coordinates, let hiddenSize):
      drawLSTM(hidden, coordinates: coordinates, hiddenSize: hiddenSize, into: &grid, body: body)
    case nil:
      grid.drawTitleBar("memory", look: look)
      let none = snapshot.training.architecture == nil
      grid.putCentered(
        lines: [
          (none ? "no learned optimizer in this run" : "no state yet", look.text),
          (none ? "nothing to show" : "shown after the first race", look.dim),
        ], in: body)
    }
  }

  private func drawDNC(_ view: DNCMemoryView, into grid: inout CellGrid, body: Rect) {
    let memory = Heatmap(
      matrix: view.memory, rows: view.slots, columns: view.width, range: .symmetric, pooling: .mean,
      cellWidth: 2, theme: look.theme)
    let named = view.content.componentNames.flatMap { $0.count == view.width ? $0 : nil }
    grid.drawTitleBar(
      "memory · DNC \(view.slots)×\(view.width)" + (named == nil ? "" : " · secant"),
      info: [Segment("M " + memory.scaleLabel, look.dim), Segment("weights 0–1", look.dim)], look: look)
    guard body.height >= 2 else { return }
    let labels = body.splitTop(1)
    // Named components: their legend on the last rows (wrapped, at most
    // two) when the maps keep at least two rows above it.
    var maps = labels.rest
    if let named {
      let entries = named.enumerated().map { "\($0.offset + 1) \($0.element)" }
      let legend = Self.wrap(entries, width: body.width, separator: "  ")
      let rows = legend.count <= 2 ? legend.count : 1
      if maps.height >= rows + 2 {
        maps = Rect(x: maps.x, y: maps.y, width: maps.width, height: maps.height - rows)
        for (row, line) in legend.prefix(rows).enumerated() {
          grid.put(text: line, at: Point(x: 0, y: maps.maxY + row), style: look.dim, maxWidth: body.width)
        }
      }
    }
    var x = 0
    // M: as wide as it fits at two columns per dimension, else narrower.
    let memoryWidth = min(view.width * 2, max(view.width, body.width / 2))
    if named != nil, memoryWidth == view.width * 2, view.width <= 9 {
      // One digit over each component's two columns, matching the legend.
      let digits = (1...view.width).map { "\($0) " }.joined()
      grid.put(text: digits, at: Point(x: x, y: labels.top.y), style: look.dim, maxWidth: memoryWidth)
    } else {
      grid.put(text: "M", at: Point(x: x, y: labels.top.y), style: look.dim)
    }
    memory.draw(
      into: &grid, in: Rect(x: x, y: maps.y, width: min(memoryWidth, body.width), height: maps.height))
    x += min(memoryWidth, body.width) + 1
    let strips: [(String, [Float])] =
      [("u", view.usage), ("w", view.writeWeighting)]
      + view.readWeightings.enumerated().map { ("r\($0.offset + 1)", $0.element) }
    for (label, vector) in strips where x < body.width {
      grid.put(text: label, at: Point(x: x, y: labels.top.y), style: look.dim)
      Heatmap.strip(vector, theme: look.theme).draw(
        into: &grid, in: Rect(x: x, y: maps.y, width: 1, height: maps.height))
      x += max(2, label.count + 1)
    }
    x += 1
    let linkWidth = min(view.slots, body.width - x)
    if linkWidth >= 4, view.link.count == view.slots * view.slots {
      grid.put(text: "L", at: Point(x: x, y: labels.top.y), style: look.dim)
      Heatmap(
        matrix: view.link, rows: view.slots, columns: view.slots, range: .fixed(0...1),
        pooling: .maxMagnitude,
        theme: look.theme
      ).draw(into: &grid, in: Rect(x: x, y: maps.y, width: linkWidth, height: maps.height))
    }
  }

  /// `entries` joined by `separator` into lines of at most `width`
  /// columns, greedily (an entry wider than the line gets a line of its own).
  static func wrap(_ entries: [String], width: Int, separator: String) -> [String] {
    var lines: [String] = []
    var line = ""
    for entry in entries {
      if line.isEmpty {
        line = entry
      } else if line.count + separator.count + entry.count <= width {
        line += separator + entry
      } else {
        lines.append(line)
        line = entry
      }
    }
    if !line.isEmpty { lines.append(line) }
    return lines
  }

  private func drawLSTM(
    _ hidden: [[Float]], coordinates: Int, hiddenSize: Int, into grid: inout CellGrid, body: Rect
  ) {
    grid.drawTitleBar(
      "memory · LSTM hidden state",
      info: [
        Segment("\(coordinates) coords × \(hiddenSize) units", look.dim), Segment("h ∈ [−1, 1]", look.dim),
      ],
      look: look)
    guard !hidden.isEmpty, body.height >= 2 else { return }
    let labels = body.splitTop(1)
    let gap = 2
    let each = max(1, (body.width - gap * (hidden.count - 1)) / hidden.count)
    let cellWidth = hiddenSize * 2 <= each ? 2 : 1
    for (layer, matrix) in hidden.enumerated() {
      let x = layer * (each + gap)
      guard x < body.width else { break }
      grid.put(text: "layer \(layer + 1)", at: Point(x: x, y: labels.top.y), style: look.dim, maxWidth: each)
      Heatmap(
        matrix: matrix, rows: coordinates, columns: hiddenSize, range: .fixed(-1...1),
        colorMap: look.theme.divergingMap, pooling: .mean, cellWidth: cellWidth, theme: look.theme
      ).draw(into: &grid, in: Rect(x: x, y: labels.rest.y, width: each, height: labels.rest.height))
    }
  }
}
