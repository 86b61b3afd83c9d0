import Foundation

/// `report.md`: provenance (command, date, commit, seeds, machine), then
/// each section's summary, plots (as `<img>`) and tables, then the recipes
/// of the learned optimizers.
struct ReportDocument {
  let study: Study
  let settings: ReportSettings
  let provenance: Provenance
  let sections: [SectionOutput]
  let trainedSessions: [String]

  var markdown: String {
    var lines: [String] = []
    lines.append("# Mnemo study report (\(study.name))")
    lines.append("")
    lines.append("- Command: `\(settings.commandLine)`")
    lines.append("- Date: \(provenance.date)")
    lines.append("- Git commit: \(provenance.commit)")
    lines.append(
      "- Seeds: run seed \(study.seed) — held-out instances from the evaluation seed stream, learning rates "
        + "tuned on \(study.tuningInstances) instances of the disjoint tuning stream over "
        + "\(study.tuningGrid.count) rates (\(study.tuningGrid.map { "\($0)" }.joined(separator: ", "))), "
        + "recipes trained with seed \(study.seed)")
    lines.append("- Machine: \(provenance.machine)")
    lines.append("- Sessions: `\(settings.sessions.directory.path)`; tuned rates cache: `\(settings.tuningCache.path)`")
    if let subset = study.mnistSubset {
      lines.append("- MNIST: the first \(subset.train) training and \(subset.test) test images (quick study)")
    }
    lines.append("")
    lines.append(
      "Metrics are defined in docs/report.md. Every table is also a CSV file next to this one; every plot is an "
        + "SVG file (log-scale y).")
    for (number, output) in sections.enumerated() {
      lines.append("")
      lines.append("## \(number + 1). \(output.section.title)")
      lines.append("")
      lines.append(output.section.summary)
      if !output.isComplete && output.tables.isEmpty {
        lines.append("")
        lines.append("_Pending: this section has not run yet._")
        continue
      }
      for note in output.notes {
        lines.append("")
        lines.append("> \(note)")
      }
      for table in output.tables {
        for plot in output.plots where plot.table == table.id {
          lines.append("")
          lines.append(
            "<img src=\"\(plot.file)\" alt=\"\(escapeAttribute(plot.title)): loss curves\" width=\"760\">")
        }
        lines.append("")
        lines.append(table.markdown.trimmingCharacters(in: .newlines))
      }
      if !output.isComplete {
        lines.append("")
        lines.append("_This section is still running._")
      }
    }
    lines.append("")
    lines.append("## Recipes of the learned optimizers")
    lines.append("")
    lines.append("A missing session is trained from its recipe (unless `--no-train`); the equivalent command:")
    lines.append("")
    lines.append("| session | recipe | this run |")
    lines.append("| --- | --- | --- |")
    let used = Set(study.sections.flatMap { $0.experiments.flatMap(\.contenders) }.compactMap(\.session))
    for recipe in study.recipes.values.sorted(by: { $0.session < $1.session }) where used.contains(recipe.session) {
      let state =
        trainedSessions.contains(recipe.session)
        ? "trained now" : settings.sessions.exists(recipe.session) ? "existing session" : "not trained"
      lines.append("| `\(recipe.session)` | `\(recipe.commandLine)` | \(state) |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func escapeAttribute(_ text: String) -> String {
    XMLEscaping.escape(text)
  }
}
