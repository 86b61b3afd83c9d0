import Testing

@testable import Report

/// The study as data is consistent: unique table and plot names, a recipe
/// for every learned contender, and the quick study the same shape as the
/// full one.
@Suite struct StudyDefinitionTests {
  @Test(arguments: [Study.full(), Study.quick()])
  func namesAreUniqueAndEveryLearnedContenderHasARecipe(_ study: Study) {
    let experiments = study.sections.flatMap(\.experiments)
    #expect(Set(experiments.map(\.id)).count == experiments.count)
    let plots = experiments.compactMap(\.plot)
    #expect(Set(plots).count == plots.count)
    for experiment in experiments {
      for session in experiment.contenders.compactMap(\.session) {
        #expect(study.recipes[session] != nil, "\(experiment.id): \(session)")
      }
      #expect(Set(experiment.contenders.map(\.name)).count == experiment.contenders.count, "\(experiment.id)")
    }
    #expect(study.sectionIDs == ["quadratic", "sparse", "mnist-mlp", "objectives", "deep"])
  }

  @Test func quickStudyMirrorsTheFullOne() {
    let full = Study.full(), quick = Study.quick()
    #expect(full.sections.map { $0.experiments.count } == quick.sections.map { $0.experiments.count })
    for (a, b) in zip(full.sections.flatMap(\.experiments), quick.sections.flatMap(\.experiments)) {
      #expect(a.contenders == b.contenders && a.metrics == b.metrics && a.problem == b.problem)
      #expect(b.steps <= a.steps && b.instances <= a.instances)
    }
    #expect(Set(full.recipes.keys) == Set(quick.recipes.keys))
    // The full study's budgets are the issue's: 100 instances at 100 and 1000 steps.
    let quadratic = full.sections[0].experiments
    #expect(quadratic.map(\.steps) == [100, 1000] && quadratic.allSatisfy { $0.instances == 100 })
  }
}
