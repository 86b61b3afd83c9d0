import Foundation
import Optimizers
import Testing

@Suite struct OptimizerConfigurationTests {
  struct ParseCase: Sendable, CustomTestStringConvertible {
    let text: String
    let expected: OptimizerConfiguration
    var testDescription: String { "'\(text)'" }
  }

  static let valid: [ParseCase] = [
    ParseCase(text: "adam", expected: .init(kind: .adam)),
    ParseCase(text: "adam@0.01", expected: .init(kind: .adam, learningRate: 0.01)),
    ParseCase(text: "Adam@0.01", expected: .init(kind: .adam, learningRate: 0.01)),
    ParseCase(text: " sgd @ 1e-3 ", expected: .init(kind: .sgd, learningRate: 0.001)),
    ParseCase(text: "NAG@1", expected: .init(kind: .nag, learningRate: 1)),
    ParseCase(text: "fista", expected: .init(kind: .fista)),
    ParseCase(text: "rmsprop@3.16e-4", expected: .init(kind: .rmsprop, learningRate: 3.16e-4)),
  ]

  @Test(arguments: valid)
  func parsesValidText(_ testCase: ParseCase) throws {
    #expect(try OptimizerConfiguration.parse(testCase.text) == testCase.expected)
  }

  @Test(arguments: OptimizerKind.allCases)
  func everyKindParsesByNameAndRoundTrips(_ kind: OptimizerKind) throws {
    #expect(try OptimizerConfiguration.parse(kind.rawValue) == .init(kind: kind))
    let withRate = OptimizerConfiguration(kind: kind, learningRate: 0.0316)
    #expect(try OptimizerConfiguration.parse(withRate.description) == withRate)
  }

  @Test(arguments: ["adamw", "", "@0.1", "lbfgs@0.1", "sgd-momentum"])
  func unknownNamesListTheValidOnes(_ text: String) {
    #expect(throws: OptimizerError.self) { try OptimizerConfiguration.parse(text) }
    do {
      _ = try OptimizerConfiguration.parse(text)
    } catch {
      guard case .unknownName = error else {
        Issue.record("expected unknownName for '\(text)', got \(error)")
        return
      }
      for kind in OptimizerKind.allCases {
        #expect(error.description.contains(kind.rawValue), "message lacks \(kind.rawValue)")
      }
    }
  }

  @Test(arguments: [
    ("adam@", ""), ("adam@abc", "abc"), ("adam@0", "0"), ("adam@-0.1", "-0.1"),
    ("adam@nan", "nan"), ("adam@inf", "inf"), ("sgd@0.1@2", "0.1@2"), ("sgd@1e-50", "1e-50"),
  ])
  func badRatesSayWhatIsExpected(text: String, rateText: String) {
    let optimizer = String(text.prefix { $0 != "@" })
    #expect(throws: OptimizerError.invalidLearningRate(optimizer: optimizer, text: rateText)) {
      try OptimizerConfiguration.parse(text)
    }
    let message = OptimizerError.invalidLearningRate(optimizer: optimizer, text: rateText).description
    #expect(message.contains("positive finite number"))
    #expect(message.contains("\(optimizer)@0.01"))
  }

  @Test func proximalGradientKinds() {
    let proximal = OptimizerKind.allCases.filter { OptimizerConfiguration(kind: $0).isProximalGradient }
    #expect(proximal == [.ista, .fista])
  }

  @Test(arguments: OptimizerKind.allCases)
  func defaultRatesArePositiveAndUsed(_ kind: OptimizerKind) {
    let configuration = OptimizerConfiguration(kind: kind)
    #expect(configuration.defaultLearningRate > 0)
    #expect(configuration.resolvedLearningRate(lipschitz: nil) == configuration.defaultLearningRate)
    let optimizer = configuration.make(dimension: 4, lipschitz: nil)
    #expect(optimizer.proximalStep == configuration.defaultLearningRate)
  }

  @Test func proximalMethodsDefaultToOneOverL() {
    for kind in [OptimizerKind.ista, .fista] {
      let configuration = OptimizerConfiguration(kind: kind)
      #expect(configuration.resolvedLearningRate(lipschitz: 4) == 0.25)
      #expect(configuration.make(dimension: 4, lipschitz: 4).proximalStep == 0.25)
      // An unusable L falls back to the default rate.
      for bad: Float in [0, -1, .infinity, .nan] {
        #expect(configuration.resolvedLearningRate(lipschitz: bad) == configuration.defaultLearningRate)
      }
      // A given rate wins over 1/L.
      #expect(OptimizerConfiguration(kind: kind, learningRate: 0.5).resolvedLearningRate(lipschitz: 4) == 0.5)
    }
  }

  @Test func otherMethodsIgnoreL() {
    let adam = OptimizerConfiguration(kind: .adam)
    #expect(adam.resolvedLearningRate(lipschitz: 4) == adam.defaultLearningRate)
  }

  @Test func codableRoundTrip() throws {
    let configurations = [
      OptimizerConfiguration(kind: .adam, learningRate: 0.01), OptimizerConfiguration(kind: .fista),
    ]
    let data = try JSONEncoder().encode(configurations)
    #expect(try JSONDecoder().decode([OptimizerConfiguration].self, from: data) == configurations)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("\"adam\"") && text.contains("\"fista\""))
  }
}
