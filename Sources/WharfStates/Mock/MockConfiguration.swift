import Foundation

/// AWS Step Functions Local's mock configuration: test cases mapping states to mocked responses.
public struct MockConfiguration: Sendable {
    /// One mocked invocation: a value to return or an error to throw.
    public enum Response: Sendable, Equatable {
        case returns(JSONValue)
        case throwsError(error: String, cause: String?)
    }

    /// A named mocked response: what the 1st, 2nd, ... invocation of a state gets (keys `"0"`, `"1-3"`, ...).
    public struct MockedResponse: Sendable {
        public var ranges: [(ClosedRange<Int>, Response)]

        public func response(forInvocation n: Int) -> Response? {
            ranges.first { $0.0.contains(n) }?.1
        }
    }

    /// state machine name -> test case name -> state name -> mocked response name
    public var stateMachines: [String: [String: [String: String]]]
    public var mockedResponses: [String: MockedResponse]

    public init(parsing text: String) throws(MockConfigurationError) {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            throw MockConfigurationError(problems: [error.description])
        }
        try self.init(json: json)
    }

    public init(json: JSONValue) throws(MockConfigurationError) {
        var problems: [String] = []
        stateMachines = [:]
        mockedResponses = [:]
        guard case .object(let root) = json else {
            throw MockConfigurationError(problems: ["the mock configuration must be a JSON object"])
        }
        switch root["StateMachines"] {
        case .object(let machines)?:
            for (name, m) in machines {
                guard case .object(let mo) = m, case .object(let cases)? = mo["TestCases"] else {
                    problems.append("StateMachines.\(name).TestCases: must be an object of test cases")
                    continue
                }
                var byCase: [String: [String: String]] = [:]
                for (caseName, c) in cases {
                    guard case .object(let states) = c else {
                        problems.append("StateMachines.\(name).TestCases.\(caseName): must be an object of state names to mocked response names")
                        continue
                    }
                    var mapping: [String: String] = [:]
                    for (stateName, r) in states {
                        guard case .string(let responseName) = r else {
                            problems.append("StateMachines.\(name).TestCases.\(caseName).\(stateName): must be the name of a mocked response")
                            continue
                        }
                        mapping[stateName] = responseName
                    }
                    byCase[caseName] = mapping
                }
                stateMachines[name] = byCase
            }
        case nil: problems.append("StateMachines: missing")
        default: problems.append("StateMachines: must be an object")
        }
        switch root["MockedResponses"] {
        case .object(let responses)?:
            for (name, r) in responses {
                guard case .object(let ro) = r else {
                    problems.append("MockedResponses.\(name): must be an object of invocation numbers to responses")
                    continue
                }
                var ranges: [(ClosedRange<Int>, Response)] = []
                for (key, value) in ro {
                    let loc = "MockedResponses.\(name).\(key)"
                    guard let range = MockConfiguration.parseRange(key) else {
                        problems.append("\(loc): the key must be an invocation number such as \"0\" or a range such as \"1-3\"")
                        continue
                    }
                    guard case .object(let vo) = value else {
                        problems.append("\(loc): must be an object with \"Return\" or \"Throw\"")
                        continue
                    }
                    if let ret = vo["Return"], vo["Throw"] == nil {
                        ranges.append((range, .returns(ret)))
                    } else if case .object(let t)? = vo["Throw"], vo["Return"] == nil {
                        guard case .string(let e)? = t["Error"] else {
                            problems.append("\(loc).Throw.Error: must be a string")
                            continue
                        }
                        ranges.append((range, .throwsError(error: e, cause: t["Cause"]?.stringValue)))
                    } else {
                        problems.append("\(loc): must have exactly one of \"Return\" or \"Throw\" (an object with Error and Cause)")
                    }
                }
                mockedResponses[name] = MockedResponse(ranges: ranges)
            }
        case nil: problems.append("MockedResponses: missing")
        default: problems.append("MockedResponses: must be an object")
        }
        for (machine, cases) in stateMachines {
            for (caseName, mapping) in cases {
                for (stateName, responseName) in mapping where mockedResponses[responseName] == nil {
                    problems.append("StateMachines.\(machine).TestCases.\(caseName).\(stateName): no mocked response named \"\(responseName)\"")
                }
            }
        }
        if !problems.isEmpty { throw MockConfigurationError(problems: problems.sorted()) }
    }

    static func parseRange(_ key: String) -> ClosedRange<Int>? {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, let n = Int(parts[0]), n >= 0 { return n...n }
        if parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a >= 0, a <= b { return a...b }
        return nil
    }

    /// The state-to-response mapping of one test case.
    public func testCase(_ name: String, stateMachine: String?) throws(MockConfigurationError) -> [String: String] {
        let machine: String
        if let stateMachine {
            machine = stateMachine
        } else if stateMachines.count == 1 {
            machine = stateMachines.keys.first!
        } else {
            throw MockConfigurationError(problems: ["the mock configuration describes \(stateMachines.count) state machines (\(stateMachines.keys.sorted().joined(separator: ", "))); name one"])
        }
        guard let cases = stateMachines[machine] else {
            throw MockConfigurationError(problems: ["no state machine named \"\(machine)\" in the mock configuration (it has \(stateMachines.keys.sorted().joined(separator: ", ")))"])
        }
        guard let mapping = cases[name] else {
            throw MockConfigurationError(problems: ["no test case named \"\(name)\" for the state machine \"\(machine)\" (it has \(cases.keys.sorted().joined(separator: ", ")))"])
        }
        return mapping
    }
}

/// An invalid mock configuration, with all of its problems.
public struct MockConfigurationError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

/// A task executor answering each Task from a mock configuration's test case, counting invocations per state.
public final class MockTaskExecutor: TaskExecutor, @unchecked Sendable {
    let configuration: MockConfiguration
    let mapping: [String: String]
    let testCase: String
    private let lock = NSLock()
    private var invocations: [String: Int] = [:]

    public init(configuration: MockConfiguration, testCase: String, stateMachine: String? = nil) throws(MockConfigurationError) {
        self.configuration = configuration
        self.testCase = testCase
        mapping = try configuration.testCase(testCase, stateMachine: stateMachine)
    }

    public func execute(_ request: TaskRequest) async throws -> TaskOutput {
        guard let responseName = mapping[request.stateName], let mocked = configuration.mockedResponses[responseName] else {
            throw StatesError(StatesError.Name.runtime,
                "The Task state '\(request.stateName)' has no mocked response in the test case '\(testCase)'.")
        }
        let n = lock.withLock { () -> Int in
            let n = invocations[request.stateName, default: 0]
            invocations[request.stateName] = n + 1
            return n
        }
        guard let response = mocked.response(forInvocation: n) else {
            throw StatesError(StatesError.Name.runtime,
                "The mocked response '\(responseName)' of the Task state '\(request.stateName)' has no entry for invocation \(n) (invocations count from 0).")
        }
        switch response {
        case .returns(let v): return .serviceResponse(v)
        case .throwsError(let e, let c): throw StatesError(e, c)
        }
    }
}
