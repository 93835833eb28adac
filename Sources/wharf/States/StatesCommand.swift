import ArgumentParser
import Foundation
import WharfStates

/// `wharf states`: validate Amazon States Language definitions and run them locally.
struct StatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "states",
        abstract: "Validate and run Amazon States Language state machines locally.",
        subcommands: [Validate.self, Run.self]
    )

    /// `wharf states validate DEFINITION.json`
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every problem of a definition (exit 1 when there is any).")

        @Argument(help: "The state machine definition (JSON).")
        var definition: String

        @Flag(help: "Print the problems as a JSON object {\"valid\": ..., \"problems\": [...]}.")
        var json = false

        func run() async throws {
            let text = try StatesCommand.read(definition, what: "definition", exitCode: 1)
            let problems = StateMachine.validate(text)
            if json {
                let out: JSONValue = [
                    "valid": .bool(problems.isEmpty),
                    "problems": .array(problems.map { ["location": .string($0.location), "message": .string($0.message)] }),
                ]
                print(out.serialized(pretty: true))
            } else if problems.isEmpty {
                print("\(definition): valid")
            } else {
                for p in problems { print(p.description) }
                print("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(definition)")
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    /// `wharf states run DEFINITION.json [--input ...] [--mock-config ... --test-case ...] [--history] [--json] [--virtual-time]`
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a state machine locally (exit 0 succeeded, 1 failed, 2 invalid definition or input).")

        @Argument(help: "The state machine definition (JSON).")
        var definition: String

        @Option(help: "A file holding the execution input (JSON).")
        var input: String?

        @Option(help: "The execution input as JSON text.")
        var inputString: String?

        @Option(help: "An AWS Step Functions Local mock configuration (JSON).")
        var mockConfig: String?

        @Option(help: "The test case of the mock configuration to run.")
        var testCase: String?

        @Option(help: "The state machine's name in the mock configuration (default: the only one, else the definition's file name).")
        var stateMachineName: String?

        @Flag(help: "Include the event history.")
        var history = false

        @Flag(help: "Print exactly one JSON object with the status and the output or error.")
        var json = false

        @Flag(help: "Run Wait states and timeouts on a simulated clock instead of really waiting.")
        var virtualTime = false

        func run() async throws {
            let text = try StatesCommand.read(definition, what: "definition", exitCode: 2)
            let machine: StateMachine
            do {
                machine = try StateMachine(parsing: text)
            } catch {
                StatesCommand.fail(json: json, "invalid definition \(definition) (\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s"))",
                                   problems: error.problems.map(\.description))
                throw ExitCode(2)
            }
            let inputValue: JSONValue
            do {
                if input != nil, inputString != nil {
                    StatesCommand.fail(json: json, "give either --input or --input-string, not both")
                    throw ExitCode(2)
                } else if let input {
                    inputValue = try JSONValue(parsing: StatesCommand.read(input, what: "input", exitCode: 2))
                } else if let inputString {
                    inputValue = try JSONValue(parsing: inputString)
                } else {
                    inputValue = .emptyObject
                }
            } catch let e as JSONParseError {
                StatesCommand.fail(json: json, "invalid input: \(e.description)")
                throw ExitCode(2)
            }

            var executor: any TaskExecutor = NoTaskExecutor()
            let baseName = URL(fileURLWithPath: definition).deletingPathExtension().lastPathComponent
            if let mockConfig {
                guard let testCase else {
                    StatesCommand.fail(json: json, "--mock-config needs --test-case NAME")
                    throw ExitCode(2)
                }
                do {
                    let config = try MockConfiguration(parsing: StatesCommand.read(mockConfig, what: "mock configuration", exitCode: 2))
                    let name = stateMachineName ?? (config.stateMachines.count == 1 ? nil : baseName)
                    executor = try MockTaskExecutor(configuration: config, testCase: testCase, stateMachine: name)
                } catch let e as MockConfigurationError {
                    StatesCommand.fail(json: json, "invalid mock configuration \(mockConfig)", problems: e.problems)
                    throw ExitCode(2)
                }
            } else if testCase != nil {
                StatesCommand.fail(json: json, "--test-case needs --mock-config FILE")
                throw ExitCode(2)
            }

            let clock: any StatesClock = virtualTime ? VirtualClock() : SystemClock()
            let options = ExecutionOptions(executor: executor, clock: clock, recordHistory: true,
                                           stateMachineName: stateMachineName ?? baseName)
            let result = await Interpreter(machine: machine, options: options).run(input: inputValue)

            if json {
                print(result.report(includeHistory: history).serialized())
            } else {
                print(result.timeline(full: history))
            }
            if result.status != .succeeded { throw ExitCode(1) }
        }
    }

    static func read(_ path: String, what: String, exitCode: Int32) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("error: cannot read the \(what) file '\(path)'\n".utf8))
            throw ExitCode(exitCode)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            FileHandle.standardError.write(Data("error: the \(what) file '\(path)' is not UTF-8 text\n".utf8))
            throw ExitCode(exitCode)
        }
        return text
    }

    static func fail(json: Bool, _ message: String, problems: [String] = []) {
        if json {
            var out = JSONObject()
            out["status"] = "INVALID"
            out["error"] = .string(message)
            if !problems.isEmpty { out["problems"] = .array(problems.map { .string($0) }) }
            print(JSONValue.object(out).serialized())
        } else {
            let lines = ["error: \(message)"] + problems.map { "  \($0)" }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }
}
