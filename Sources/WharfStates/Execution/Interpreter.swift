import Foundation

/// How an execution ended.
public enum ExecutionStatus: String, Sendable {
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case aborted = "ABORTED"
}

/// The outcome of running a state machine: status, output or error, and the event history.
public struct ExecutionResult: Sendable {
    public var status: ExecutionStatus
    public var output: JSONValue?
    public var error: String?
    public var cause: String?
    public var history: [HistoryEvent]
}

/// What an execution is run with: its identity, the executor of tasks, the clock and randomness.
public struct ExecutionOptions: Sendable {
    public var executor: any TaskExecutor
    public var clock: any StatesClock
    public var random: any RandomSource
    public var recordHistory: Bool
    public var stateMachineName: String
    public var executionName: String
    public var region: String
    public var account: String
    public var roleArn: String
    /// The largest state input, output or task result in bytes (Step Functions' 256 KiB); nil for no limit.
    public var payloadLimit: Int?

    public init(executor: any TaskExecutor = NoTaskExecutor(), clock: any StatesClock = SystemClock(),
                random: any RandomSource = SystemRandom(), recordHistory: Bool = true,
                stateMachineName: String = "StateMachine", executionName: String? = nil,
                region: String = "us-east-1", account: String = "123456789012", roleArn: String? = nil,
                payloadLimit: Int? = 262_144) {
        self.payloadLimit = payloadLimit
        self.executor = executor
        self.clock = clock
        self.random = random
        self.recordHistory = recordHistory
        self.stateMachineName = stateMachineName
        self.executionName = executionName ?? random.uuid()
        self.region = region
        self.account = account
        self.roleArn = roleArn ?? "arn:aws:iam::\(account):role/StatesExecutionRole"
    }

    var stateMachineArn: String { "arn:aws:states:\(region):\(account):stateMachine:\(stateMachineName)" }
    var executionArn: String { "arn:aws:states:\(region):\(account):execution:\(stateMachineName):\(executionName)" }
}

/// Runs a state machine: a definition, an input and a task executor in; a result and an event history out.
public struct Interpreter: Sendable {
    public let machine: StateMachine
    public let options: ExecutionOptions

    public init(machine: StateMachine, options: ExecutionOptions = ExecutionOptions()) {
        self.machine = machine
        self.options = options
    }

    /// Runs one execution to its end.
    public func run(input: JSONValue) async -> ExecutionResult {
        let run = ExecutionRun(options: options, machine: machine, input: input)
        let startedId = run.history.record("ExecutionStarted", after: 0, [
            "input": .string(input.serialized()),
            "inputDetails": ["truncated": false],
            "roleArn": .string(options.roleArn),
        ])
        var thread = ExecutionThread(lastEventId: startedId, variables: Variables(), mapItem: nil)
        do {
            let output = try await run.runMachine(machine, input: input, thread: &thread)
            run.history.record("ExecutionSucceeded", after: thread.lastEventId, [
                "output": .string(output.serialized()),
                "outputDetails": ["truncated": false],
            ])
            return ExecutionResult(status: .succeeded, output: output, error: nil, cause: nil, history: run.history.all)
        } catch {
            let timedOut = run.timedOut
            var details = JSONObject()
            details["error"] = .string(error.error)
            if let c = error.cause { details["cause"] = .string(c) }
            run.history.record(timedOut ? "ExecutionTimedOut" : "ExecutionFailed", after: thread.lastEventId, .object(details))
            return ExecutionResult(status: timedOut ? .timedOut : .failed, output: nil, error: error.error, cause: error.cause,
                                   history: run.history.all)
        }
    }
}

/// The per-branch cursor of an execution: the last event of this branch and its variables.
struct ExecutionThread: Sendable {
    var lastEventId: Int
    var variables: Variables
    var mapItem: JSONValue?
}

/// The state shared by all branches of one execution.
final class ExecutionRun: @unchecked Sendable {
    let options: ExecutionOptions
    let history: HistoryRecorder
    let startTime: Date
    let deadline: Date?
    let baseContext: JSONObject
    private let lock = NSLock()
    private var timedOutFlag = false

    init(options: ExecutionOptions, machine: StateMachine, input: JSONValue) {
        self.options = options
        history = HistoryRecorder(enabled: options.recordHistory, clock: options.clock)
        let start = options.clock.now()
        startTime = start
        deadline = machine.timeoutSeconds.map { start.addingTimeInterval(Double($0)) }
        var ctx = JSONObject()
        ctx["Execution"] = [
            "Id": .string(options.executionArn),
            "Input": input,
            "Name": .string(options.executionName),
            "RoleArn": .string(options.roleArn),
            "StartTime": .string(TimestampFormatter.iso8601(start)),
            "RedriveCount": 0,
        ]
        ctx["StateMachine"] = ["Id": .string(options.stateMachineArn), "Name": .string(options.stateMachineName)]
        baseContext = ctx
    }

    var timedOut: Bool { lock.withLock { timedOutFlag } }

    func markTimedOut() { lock.withLock { timedOutFlag = true } }

    /// Fails the execution with States.Timeout once the machine's TimeoutSeconds has passed.
    func checkDeadline() throws(StatesError) {
        guard let deadline else { return }
        if options.clock.now() >= deadline {
            markTimedOut()
            throw StatesError(StatesError.Name.timeout, "The execution timed out after \(Int(deadline.timeIntervalSince(startTime))) seconds.")
        }
    }

    /// Seconds left before the machine's timeout, if it has one.
    var secondsLeft: Double? { deadline.map { $0.timeIntervalSince(options.clock.now()) } }

    func context(stateName: String, enteredTime: Date, retryCount: Int, mapItem: JSONValue?, token: String? = nil) -> JSONValue {
        var ctx = baseContext
        ctx["State"] = [
            "EnteredTime": .string(TimestampFormatter.iso8601(enteredTime)),
            "Name": .string(stateName),
            "RetryCount": .int(retryCount),
        ]
        if let mapItem { ctx["Map"] = ["Item": mapItem] }
        if let token { ctx["Task"] = ["Token": .string(token)] }
        return .object(ctx)
    }

    /// Runs the states of a machine from StartAt until one ends it.
    func runMachine(_ machine: StateMachine, input: JSONValue, thread: inout ExecutionThread) async throws(StatesError) -> JSONValue {
        var name = machine.startAt
        var data = input
        while true {
            try checkDeadline()
            if Task.isCancelled { throw StatesError("States.Cancelled", "The branch was cancelled because another branch failed.") }
            guard let state = machine.states[name] else {
                throw StatesError(StatesError.Name.runtime, "No state named '\(name)'.")
            }
            let (output, next) = try await runState(state, input: data, thread: &thread)
            guard let next else { return output }
            name = next
            data = output
        }
    }
}
