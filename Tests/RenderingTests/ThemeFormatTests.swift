import Testing

@testable import Rendering

@Suite struct ThemeFormatTests {
  private let file = "themes/x.theme"

  @Test func emptyFileIsTheDefaultTheme() throws {
    for text in ["", "\n\n", "# only a comment\n   \n\t# another\n"] {
      let parsed = try Theme.parse(text, file: file)
      #expect(parsed.theme == .default)
      #expect(parsed.warnings.isEmpty)
    }
  }

  @Test func roundTripOfTheDefaultTheme() throws {
    let text = Theme.default.serialized(header: ["Generated", ""])
    let parsed = try Theme.parse(text, file: file)
    #expect(parsed.theme == .default)
    #expect(parsed.warnings.isEmpty)
  }

  @Test func roundTripWithTerminalDefaultsAndExtraRacers() throws {
    var theme = Theme.default
    theme.text = .default
    theme.highlight = .rgb(1, 2, 3)
    theme.racers += [.rgb(9, 9, 9), .rgb(10, 10, 10)]
    theme.ramp[2] = .rgb(0, 0, 0)
    let parsed = try Theme.parse(theme.serialized(), file: file)
    #expect(parsed.theme == theme)
    #expect(parsed.theme.racers.count == 10)
    #expect(parsed.warnings.isEmpty)
  }

  @Test func everyKeyIsWrittenOnce() {
    let lines = Theme.default.serialized().split(separator: "\n")
    #expect(lines.count == Theme.keys.count)
    #expect(Set(Theme.keys).count == Theme.keys.count)
    for key in Theme.keys { #expect(lines.contains { $0.hasPrefix("theme[\(key)]=") }) }
  }

  @Test func valueForms() throws {
    let text = """
      theme[text]="208 100 7"\r
      theme[background]="#FFFFFF"   # trailing comment
        theme[axis] = "#0a0b0c"
      theme[title]=""
      theme[border]="  1  2   3 "
      """
    let theme = try Theme.parse(text, file: file).theme
    #expect(theme.text == .rgb(208, 100, 7))
    #expect(theme.background == .rgb(255, 255, 255))
    #expect(theme.axis == .rgb(10, 11, 12))
    #expect(theme.title == .default)
    #expect(theme.border == .rgb(1, 2, 3))
  }

  @Test func unknownKeyIsIgnoredWithAWarning() throws {
    let text = "theme[sparkle]=\"#123456\"\ntheme[axis]=\"#010203\"\ntheme[racer_01]=\"#000000\"\n"
    let parsed = try Theme.parse(text, file: file)
    var expected = Theme.default
    expected.axis = .rgb(1, 2, 3)
    #expect(parsed.theme == expected)
    #expect(parsed.warnings.map(\.line) == [1, 3])
    #expect(parsed.warnings.first?.description.hasPrefix("themes/x.theme:1: warning: unknown key") == true)
  }

  @Test func missingKeysFallBackToTheDefault() throws {
    let theme = try Theme.parse("theme[racer_3]=\"#010101\"\ntheme[ramp_5]=\"#020202\"", file: file).theme
    #expect(theme.racers.count == 8)
    #expect(theme.racers[2] == .rgb(1, 1, 1))
    #expect(theme.ramp[4] == .rgb(2, 2, 2))
    var rest = theme
    rest.racers[2] = Theme.default.racers[2]
    rest.ramp[4] = Theme.default.ramp[4]
    #expect(rest == .default)
  }

  @Test func racersBeyondEightMustBeContiguous() throws {
    let text = "theme[racer_9]=\"#090909\"\ntheme[racer_11]=\"#111111\"\n"
    let parsed = try Theme.parse(text, file: file)
    #expect(parsed.theme.racers.count == 9)
    #expect(parsed.theme.racers[8] == .rgb(9, 9, 9))
    #expect(parsed.warnings.count == 1)
    #expect(parsed.warnings.first?.line == 2)
    #expect(parsed.warnings.first?.message.contains("racer_10 is missing") == true)
  }

  @Test func duplicateKeyKeepsTheLaterValueAndWarns() throws {
    let parsed = try Theme.parse("theme[axis]=\"#000001\"\ntheme[axis]=\"#000002\"", file: file)
    #expect(parsed.theme.axis == .rgb(0, 0, 2))
    #expect(parsed.warnings.map(\.line) == [2])
  }

  @Test(arguments: [
    ##"theme[axis]="#12345""##,
    ##"theme[axis]=#123456"##,
    ##"axis="#123456""##,
    ##"theme[axis]"#123456""##,
    ##"theme[]="#123456""##,
    ##"theme[axis]="300 0 0""##,
    ##"theme[axis]="1 2""##,
    ##"theme[axis]="#123456" trailing"##,
    ##"theme[axis]="#123456"##,
    ##"theme[axis="#123456""##,
    ##"theme[axis]="blue""##,
  ])
  func malformedLineNamesFileAndLine(_ bad: String) {
    let text = "# header\ntheme[text]=\"#ffffff\"\n\(bad)\ntheme[title]=\"#000000\"\n"
    #expect {
      try Theme.parse(text, file: file)
    } throws: { error in
      guard let error = error as? ThemeError else { return false }
      return error.file == file && error.line == 3 && error.description.hasPrefix("themes/x.theme:3: ")
    }
  }

  @Test func malformedColourMessageSaysWhatIsExpected() {
    do {
      _ = try Theme.parse("theme[axis]=\"#12345\"", file: file)
      Issue.record("expected an error")
    } catch {
      #expect(
        error.description
          == ##"themes/x.theme:1: expected "#RRGGBB", "R G B" (0–255) or "" for theme[axis], found "#12345""##
      )
    }
  }
}
