import Foundation
import Rendering

/// How the dashboard starts: theme, glyphs, axes and frame rate.
///
/// The executable fills this from its command line (`--theme`, `--glyphs`,
/// `--log-x`, …) and, for a resumed session, from the display settings the
/// engine remembered; every field has a sensible default.
public struct DashboardOptions: Sendable, Equatable {
  /// `--theme NAME|PATH`: a theme name looked up in ``themesDirectory``
  /// (`default` is built in), or the path of a `.theme` file.
  public var theme: String
  /// The folder of `.theme` files the `t` key cycles through; `nil` for the
  /// built-in default only. See ``defaultThemesDirectory(environment:executablePath:)``.
  public var themesDirectory: String?
  /// Chart glyphs: braille (2×4 dots per cell), block quadrants (2×2, for
  /// fonts whose braille looks wrong) or ASCII.
  public var glyphs: GlyphSet
  /// Whether the step axis starts logarithmic.
  public var logX: Bool
  /// Whether the loss axis starts logarithmic (the default: losses span
  /// decades).
  public var logY: Bool
  /// Upper bound on redraws per second; the loop also wakes this often to
  /// read keys. Clamped to 1…60.
  public var framesPerSecond: Int
  /// A label always shown at the right of the header, e.g.
  /// the demo's "baselines only" label, so a demo is never mistaken for real results.
  public var banner: String?
  /// The environment read for `TERM`, `COLORTERM` and `NO_COLOR`.
  public var environment: [String: String]

  public init(
    theme: String = "default", themesDirectory: String? = nil, glyphs: GlyphSet = .braille,
    logX: Bool = false, logY: Bool = true, framesPerSecond: Int = 20, banner: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.theme = theme
    self.themesDirectory = themesDirectory
    self.glyphs = glyphs
    self.logX = logX
    self.logY = logY
    self.framesPerSecond = framesPerSecond
    self.banner = banner
    self.environment = environment
  }

  /// Where to look for `themes/`: `$MNEMO_THEMES`, else `themes` in the
  /// current directory, else the `themes` folder of the source tree the
  /// executable was built in (`<root>/.build/<config>/mnemo` → `<root>/themes`),
  /// else `nil` (built-in default only).
  public static func defaultThemesDirectory(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    executablePath: String? = CommandLine.arguments.first
  ) -> String? {
    if let explicit = environment["MNEMO_THEMES"], !explicit.isEmpty { return explicit }
    var candidates = [FileManager.default.currentDirectoryPath + "/themes"]
    if let executablePath {
      let executable = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath()
      var folder = executable.deletingLastPathComponent()
      for _ in 0..<4 {
        candidates.append(folder.appendingPathComponent("themes").path)
        folder = folder.deletingLastPathComponent()
      }
    }
    var isDirectory: ObjCBool = false
    return candidates.first {
      FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
    }
  }
}
