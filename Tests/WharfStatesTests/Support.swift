import Foundation
import Testing
@testable import WharfStates

/// Runs a definition on a virtual clock with a seeded random source.
func runMachine(_ definition: String, input: JSONValue = .emptyObject, executor: any TaskExecutor = NoTaskExecutor(),
                clock: VirtualClock = VirtualClock(), history: Bool = true, seed: UInt64 = 42) async throws -> ExecutionResult {
    let machine = try StateMachine(parsing: definition)
    let options = ExecutionOptions(executor: executor, clock: clock, random: SeededRandom(seed: seed), recordHistory: history,
                                   stateMachineName: "Test", executionName: "exec-1")
    return await Interpreter(machine: machine, options: options).run(input: input)
}

/// Runs a one-state machine made of `state` (named "S") and returns its result.
func runState(_ state: String, input: JSONValue = .emptyObject, executor: any TaskExecutor = NoTaskExecutor(),
              queryLanguage: String = "JSONPath") async throws -> ExecutionResult {
    try await runMachine("""
    {"QueryLanguage": "\(queryLanguage)", "StartAt": "S", "States": {"S": \(state)}}
    """, input: input, executor: executor)
}

/// Parses JSON text in tests.
func json(_ text: String) -> JSONValue {
    do {
        return try JSONValue(parsing: text)
    } catch {
        Issue.record("bad JSON in test: \(error)")
        return .null
    }
}

/// The problems of a definition, as "location: message" strings.
func problems(_ definition: String) -> [String] {
    StateMachine.validate(definition).map(\.description)
}

/// An executor that answers from a closure, for tests.
struct ClosureExecutor: TaskExecutor {
    let body: @Sendable (TaskRequest) async throws -> TaskOutput
    func execute(_ request: TaskRequest) async throws -> TaskOutput { try await body(request) }
}

/// An executor that records its requests and returns the parameters as the result.
final class EchoExecutor: TaskExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var requests: [TaskRequest] = []
    func execute(_ request: TaskRequest) async throws -> TaskOutput {
        lock.withLock { requests.append(request) }
        return .serviceResponse(request.parameters)
    }
}
