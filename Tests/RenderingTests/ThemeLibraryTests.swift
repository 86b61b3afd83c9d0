import Foundation
@testable import Rendering
import TestSupport
import Testing

@Suite struct ThemeLibraryTests {
  @Test func builtInDefaultWithoutAnyDirectory() throws {
    for library in [ThemeLibrary(directory: nil), ThemeLibrary(directory: "/nonexistent/mnemo/themes")] {
      #expect(library.names() == ["default"])
      let loaded = try library.load("default")
      #expect(loaded.theme == .default)
      #expect(loaded.path == nil)
      #expect(loaded.warnings.isEmpty)
    }
  }

  @Test func namesPathsAndErrors() throws {
    let dir = try Scratch.directory("themes").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "theme[axis]=\"#010203\"\ntheme[glitter]=\"\"\n".write(
      toFile: dir + "/dusk.theme", atomically: true, encoding: .utf8)
    try "theme[axis]=\"#01020\"\n".write(toFile: dir + "/broken.theme", atomically: true, encoding: .utf8)
    try "not a theme".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
    let library = ThemeLibrary(directory: dir)

    #expect(library.names() == ["broken", "default", "dusk"])

    let dusk = try library.load("dusk")
    #expect(dusk.name == "dusk")
    #expect(dusk.path == dir + "/dusk.theme")
    #expect(dusk.theme.axis == .rgb(1, 2, 3))
    #expect(dusk.warnings.count == 1)
    #expect(try library.load(dir + "/dusk.theme").theme == dusk.theme)
    #expect(try library.load("default").path == nil)

    #expect {
      try library.load("broken")
    } throws: { error in
      (error as? ThemeError)?.description.hasPrefix(dir + "/broken.theme:1: expected") == true
    }
    #expect {
      try library.load("nope")
    } throws: { error in
      (error as? ThemeError)?.message.contains("available: broken, default, dusk") == true
    }
    #expect {
      try library.load(dir + "/missing.theme")
    } throws: { error in
      (error as? ThemeError)?.message.contains("cannot read") == true
    }
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: RepositoryFiles.themesDirectory)))
  func shippedThemesParseWithoutWarnings() throws {
    let library = ThemeLibrary(directory: RepositoryFiles.themesDirectory)
    let names = library.names()
    #expect(Set(["default", "light", "colorblind", "mono"]).isSubset(of: Set(names)))
    for name in names {
      let loaded = try library.load(name)
      #expect(loaded.path != nil, "\(name) should come from a file")
      #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
      #expect(loaded.theme.racers.count >= Theme.minimumRacerCount)
      #expect(Set(loaded.theme.racers).count == loaded.theme.racers.count, "\(name): racer colours repeat")
    }
  }

  @Test(
    .enabled(if: FileManager.default.fileExists(atPath: RepositoryFiles.themesDirectory + "/default.theme")))
  func builtInDefaultEqualsTheShippedFile() throws {
    let loaded = try ThemeLibrary.load(path: RepositoryFiles.themesDirectory + "/default.theme")
    #expect(loaded.theme == Theme.default)
  }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: RepositoryFiles.themesDirectory + "/colorblind.theme")))
  func colorblindThemeUsesOkabeIto() throws {
    let theme = try ThemeLibrary.load(path: RepositoryFiles.themesDirectory + "/colorblind.theme").theme
    let okabeIto: Set<String> = ["#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7"]
    #expect(okabeIto.isSubset(of: Set(theme.racers.compactMap(\.hex))))
  }
}
