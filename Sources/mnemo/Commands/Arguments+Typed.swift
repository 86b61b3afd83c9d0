import ArgumentParser
import MetaLearning
import Optimizers
import Rendering

// The typed command-line values: ArgumentParser parses them by raw value,
// lists the choices in help, and rejects anything else with the choices in
// the message (no hand-written checks, no silent fallbacks).

extension LearnedArchitecture: ExpressibleByArgument {}

extension MetaObjective: ExpressibleByArgument {}

extension GlyphSet: ExpressibleByArgument {}

extension LISTAObjective: ExpressibleByArgument {}

extension LearnedUpdateRule: ExpressibleByArgument {}

extension DNCMemoryContent: ExpressibleByArgument {}
