import Foundation
import WharfStates

// An express-style chain of Pass states with Parameters and ResultPath, run many times in one process.
// Usage: WharfStatesBench [--states 100] [--runs 5000] [--history] [--print-definition] [--output-file PATH]
// Prints one JSON object: executions, transitions, seconds, transitions_per_second, ms_per_execution.

func chainDefinition(states: Int) -> JSONValue {
    var o = JSONObject()
    for i in 0..<states {
        var s = JSONObject()
        s["Type"] = "Pass"
        s["Parameters"] = ["step": .int(i), "value.$": "$.value", "previous.$": "$.last.step", "name.$": "$$.State.Name"]
        s["ResultPath"] = "$.last"
        if i + 1 < states { s["Next"] = .string("S\(i + 1)") } else { s["End"] = true }
        o["S\(i)"] = .object(s)
    }
    return ["Comment": "Pass chain benchmark", "StartAt": "S0", "States": .object(o)]
}

var statesCount = 100
var runs = 5000
var history = false
var printDefinition = false
var outputFile: String? = nil
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--states": statesCount = Int(args.next() ?? "") ?? statesCount
    case "--runs": runs = Int(args.next() ?? "") ?? runs
    case "--history": history = true
    case "--print-definition": printDefinition = true
    case "--output-file": outputFile = args.next()
    default:
        FileHandle.standardError.write(Data("unknown argument \(a)\n".utf8))
        exit(2)
    }
}

let definition = chainDefinition(states: statesCount)
if printDefinition {
    print(definition.serialized())
    exit(0)
}
let machine = try StateMachine(json: definition)
let input: JSONValue = ["value": "payload", "last": ["step": -1]]
let options = ExecutionOptions(recordHistory: history, stateMachineName: "PassChain", executionName: "bench")
let interpreter = Interpreter(machine: machine, options: options)

let warmup = max(10, runs / 20)
var last: ExecutionResult? = nil
for _ in 0..<warmup { last = await interpreter.run(input: input) }
guard let first = last, first.status == .succeeded else {
    FileHandle.standardError.write(Data("benchmark execution failed: \(last?.error ?? "") \(last?.cause ?? "")\n".utf8))
    exit(1)
}
if let outputFile {
    try first.output!.serialized().write(toFile: outputFile, atomically: true, encoding: .utf8)
}
let clock = ContinuousClock()
let start = clock.now
for _ in 0..<runs {
    let r = await interpreter.run(input: input)
    if r.status != .succeeded { exit(1) }
}
let elapsed = clock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let transitions = runs * statesCount
let report: JSONValue = [
    "engine": "wharf",
    "history": .bool(history),
    "executions": .int(runs),
    "transitions": .int(transitions),
    "seconds": .double(seconds),
    "transitions_per_second": .double(Double(transitions) / seconds),
    "ms_per_execution": .double(seconds * 1000 / Double(runs)),
]
print(report.serialized())
