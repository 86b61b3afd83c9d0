#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A theme ready to use, with where it came from.
public struct LoadedTheme: Hashable, Sendable {
  /// The theme's name: the file name without `.theme`, or `default`.
  public var name: String
  /// The file read, or `nil` for the built-in default.
  public var path: String?
  public var theme: Theme
  /// Skipped lines (unknown keys…), to show once at start-up.
  public var warnings: [ThemeWarning]
}

/// The themes in a directory, plus the built-in default, and the rules for
/// `--theme NAME|PATH`.
///
/// The built-in ``Theme/default`` is always available as `default`, even
/// when the directory is absent, so the binary works with no files around.
/// Reading files is the only thing in `Rendering` that touches the file
/// system.
public struct ThemeLibrary: Hashable, Sendable {
  /// The themes directory (e.g. the repository's `themes/`), or `nil` for
  /// built-ins only.
  public var directory: String?

  /// A library over `directory`, which need not exist.
  public init(directory: String?) {
    self.directory = directory
  }

  /// The file extension of theme files.
  public static let fileExtension = ".theme"

  /// Names of the themes available, sorted, always including `default`.
  public func names() -> [String] {
    var names: Set<String> = ["default"]
    if let directory, let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) {
      for entry in entries where entry.hasSuffix(Self.fileExtension) && entry.count > Self.fileExtension.count
      {
        names.insert(String(entry.dropLast(Self.fileExtension.count)))
      }
    }
    return names.sorted()
  }

  /// Resolves a `--theme` argument.
  ///
  /// - An argument containing `/` or ending in `.theme` is a path.
  /// - Otherwise it is a name: `<directory>/NAME.theme`; `default` falls
  ///   back to the built-in theme when there is no such file.
  ///
  /// - Throws: ``ThemeError`` when the name is unknown (listing the
  ///   available ones), the file cannot be read, or a line is malformed.
  public func load(_ nameOrPath: String) throws(ThemeError) -> LoadedTheme {
    if nameOrPath.contains("/") || nameOrPath.hasSuffix(Self.fileExtension) {
      return try Self.load(path: nameOrPath)
    }
    if let directory {
      let path = directory + (directory.hasSuffix("/") ? "" : "/") + nameOrPath + Self.fileExtension
      if FileManager.default.fileExists(atPath: path) { return try Self.load(path: path) }
    }
    if nameOrPath == "default" {
      return LoadedTheme(name: "default", path: nil, theme: .default, warnings: [])
    }
    let place = directory.map { "in \($0)" } ?? "(no themes directory)"
    throw ThemeError(
      file: nameOrPath,
      message: "no theme named \"\(nameOrPath)\" \(place); available: \(names().joined(separator: ", ")). "
        + "Pass one of these names or the path to a .theme file")
  }

  /// Reads and parses one theme file.
  public static func load(path: String) throws(ThemeError) -> LoadedTheme {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw ThemeError(file: path, message: "cannot read the theme file (check the path and permissions)")
    }
    let parsed = try Theme.parse(text, file: path)
    var name = String(path.split(separator: "/").last ?? Substring(path))
    if name.hasSuffix(fileExtension) { name = String(name.dropLast(fileExtension.count)) }
    return LoadedTheme(name: name, path: path, theme: parsed.theme, warnings: parsed.warnings)
  }
}
