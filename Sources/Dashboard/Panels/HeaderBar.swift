import Engine
import Rendering

/// The top row: program, problem class, what the engine is doing, the
/// session, panels left out for lack of room, and the banner (e.g. the
/// demo's "baselines only" notice) at the right, which is never cut.
struct HeaderBar {
  var snapshot: Snapshot
  var banner: String?
  var dropped: [PanelKind]
  var look: Look

  func draw(into grid: inout CellGrid, row: Int) {
    let bar = look.bar
    grid.fill(Rect(x: 0, y: row, width: grid.width, height: 1), style: bar)
    var right = grid.width
    if let banner, !banner.isEmpty {
      let text = " " + banner + " "
      let style =
        look.monochrome
        ? bar.adding([.bold, .reverse])
        : Style(foreground: look.theme.statusForeground, background: look.theme.bad, attributes: .bold)
      let shown = text.truncated(to: grid.width)
      right = grid.width - shown.count
      grid.put(text: shown, at: Point(x: right, y: row), style: style)
    }
    var parts: [Segment] = [Segment(" mnemo", look.barKey)]
    if !snapshot.problemName.isEmpty { parts.append(Segment(snapshot.problemName, look.barKey)) }
    var activity = Segment(snapshot.activity, bar)
    if case .failed = snapshot.phase {
      activity.style = look.monochrome ? bar.adding(.underline) : bar.foreground(look.theme.bad).adding(.bold)
    }
    parts.append(activity)
    if let session = snapshot.sessionName { parts.append(Segment("session " + session, bar)) }
    if !dropped.isEmpty {
      parts.append(Segment("\(dropped.map(\.rawValue).joined(separator: "+")) hidden: enlarge", bar))
    }
    var x = 0
    for (i, part) in parts.enumerated() {
      let separator = i == 0 ? "" : " · "
      let needed = separator.count + part.text.count
      guard x + needed < right else {
        if i <= 2 {
          x += grid.put(
            text: separator + part.text, at: Point(x: x, y: row), style: part.style, maxWidth: right - x - 1)
        }
        break
      }
      x += grid.put(text: separator, at: Point(x: x, y: row), style: bar)
      x += grid.put(text: part.text, at: Point(x: x, y: row), style: part.style)
    }
  }
}
