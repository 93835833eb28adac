import Foundation
import Synchronization
import Testing
@testable import WharfStates

@Suite struct RetryCatchTests {
    func mocks(_ responses: String, testCase: [String: String]) throws -> MockTaskExecutor {
        let states = testCase.map { "\"\($0)\": \"\($1)\"" }.joined(separator: ",")
        let config = try MockConfiguration(parsing: """
        {"StateMachines": {"Test": {"TestCases": {"Case": {\(states)}}}}, "MockedResponses": \(responses)}
        """)
        return try MockTaskExecutor(configuration: config, testCase: "Case")
    }

    let retrying = #"""
    {"StartAt": "Call", "States": {
      "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload",
        "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 3}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
        "End": true},
      "Recover": {"Type": "Pass", "End": true}}}
    """#

    @Test func retriesWithBackoffThenSucceeds() async throws {
        let ex = try mocks(#"""
        {"Flaky": {"0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
                   "2": {"Return": {"StatusCode": 200, "Payload": {"ok": true}}}}}
        """#, testCase: ["Call": "Flaky"])
        let clock = VirtualClock()
        let start = clock.now()
        let r = try await runMachine(retrying, executor: ex, clock: clock)
        #expect(r.status == .succeeded)
        #expect(r.output == json(#"{"ok": true}"#))
        // 2 s then 2*3 = 6 s of backoff.
        #expect(clock.now().timeIntervalSince(start) == 8)
        #expect(r.history.filter { $0.type == "TaskFailed" }.count == 2)
        #expect(r.history.filter { $0.type == "TaskScheduled" }.count == 3)
    }

    @Test func exhaustedRetriesFallToTheCatcherWithErrorOutput() async throws {
        let ex = try mocks(#"{"Down": {"0-9": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "nope"}}}}"#,
                           testCase: ["Call": "Down"])
        let r = try await runMachine(retrying, input: ["in": 1], executor: ex)
        #expect(r.status == .succeeded)
        #expect(r.output == json(#"{"in": 1, "error": {"Error": "Lambda.TooManyRequestsException", "Cause": "nope"}}"#))
        #expect(r.history.filter { $0.type == "TaskScheduled" }.count == 4)
    }

    @Test func maxDelayAndMaxAttemptsZero() async throws {
        let def = #"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true,
          "Retry": [{"ErrorEquals": ["A"], "MaxAttempts": 0}, {"ErrorEquals": ["B"], "IntervalSeconds": 10, "BackoffRate": 10, "MaxDelaySeconds": 15, "MaxAttempts": 3}]}}}
        """#
        let a = try mocks(#"{"R": {"0": {"Throw": {"Error": "A"}}, "1": {"Return": 1}}}"#, testCase: ["T": "R"])
        let ra = try await runMachine(def, executor: a)
        #expect(ra.error == "A")
        let b = try mocks(#"{"R": {"0-2": {"Throw": {"Error": "B"}}, "3": {"Return": 1}}}"#, testCase: ["T": "R"])
        let clock = VirtualClock()
        let start = clock.now()
        let rb = try await runMachine(def, executor: b, clock: clock)
        #expect(rb.output == 1)
        #expect(clock.now().timeIntervalSince(start) == 10 + 15 + 15)
    }

    @Test func jitterFullNeverWaitsLongerThanTheBackoff() async throws {
        let def = #"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true,
          "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 1, "JitterStrategy": "FULL"}]}}}
        """#
        let ex = try mocks(#"{"R": {"0": {"Throw": {"Error": "X"}}, "1": {"Return": 1}}}"#, testCase: ["T": "R"])
        let clock = VirtualClock()
        let start = clock.now()
        let r = try await runMachine(def, executor: ex, clock: clock)
        #expect(r.output == 1)
        let waited = clock.now().timeIntervalSince(start)
        #expect(waited >= 0 && waited < 10)
    }

    @Test func taskFailedMatchesAnyErrorButTimeout() async throws {
        let def = #"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true,
          "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Caught"}]}, "Caught": {"Type": "Pass", "Result": "caught", "End": true}}}
        """#
        let custom = try mocks(#"{"R": {"0": {"Throw": {"Error": "Any.Custom"}}}}"#, testCase: ["T": "R"])
        #expect(try await runMachine(def, executor: custom).output == "caught")
        let timeout = try mocks(#"{"R": {"0": {"Throw": {"Error": "States.Timeout"}}}}"#, testCase: ["T": "R"])
        #expect(try await runMachine(def, executor: timeout).error == "States.Timeout")
    }

    @Test func runtimeErrorsAreNeverCaught() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "T", "States": {"T": {"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "End": true}}}
        """#)
        #expect(r.error == "States.Runtime")
        let t = try await runMachine(#"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "Parameters": {"x.$": "$.missing"}, "End": true,
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}]}, "C": {"Type": "Succeed"}}}
        """#, executor: EchoExecutor())
        #expect(t.error == "States.Runtime")
    }

    @Test func timeoutSecondsOnAVirtualClock() async throws {
        let clock = VirtualClock()
        let sleeper = ClosureExecutor { _ in
            try await clock.sleep(seconds: 30)
            return .serviceResponse(1)
        }
        let def = #"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "TimeoutSeconds": 10, "End": true,
          "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "C"}]}, "C": {"Type": "Pass", "Result": "timed out", "End": true}}}
        """#
        let r = try await runMachine(def, executor: sleeper, clock: clock)
        #expect(r.output == "timed out")
        #expect(r.history.contains { $0.type == "TaskTimedOut" })
    }

    @Test(.timeLimit(.minutes(1))) func timeoutSecondsOnTheSystemClock() async throws {
        let sleeper = ClosureExecutor { _ in
            try await Task.sleep(nanoseconds: 3_600_000_000_000)
            return .serviceResponse(1)
        }
        let machine = try StateMachine(parsing: #"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "TimeoutSeconds": 1, "End": true}}}
        """#)
        let r = await Interpreter(machine: machine, options: ExecutionOptions(executor: sleeper)).run(input: [:])
        #expect(r.error == "States.Timeout")
    }

    @Test func heartbeatTimeout() async throws {
        let clock = VirtualClock()
        let sleeper = ClosureExecutor { _ in
            try await clock.sleep(seconds: 20)
            return .serviceResponse(1)
        }
        let r = try await runMachine(#"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "TimeoutSeconds": 100, "HeartbeatSeconds": 5, "End": true}}}
        """#, executor: sleeper, clock: clock)
        #expect(r.error == "States.HeartbeatTimeout")
    }

    @Test func heartbeatsKeepALongTaskAlive() async throws {
        let clock = VirtualClock()
        let beating = ClosureExecutor { req in
            for _ in 0..<5 {
                try await clock.sleep(seconds: 4)
                req.heartbeat.beat()
            }
            return .serviceResponse("done")
        }
        let def = #"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "TimeoutSeconds": 100, "HeartbeatSeconds": 5, "End": true}}}
        """#
        #expect(try await runMachine(def, executor: beating, clock: clock).output == "done")
    }

    /// Real time. The beating task beats every 0.1 s against a 60 s heartbeat: on a 2-core CI machine other
    /// suites' CPU-bound work can hold both cooperative threads for over 10 s, and the watchdog, woken after
    /// such a stall, rightly sees no beat.
    @Test(.timeLimit(.minutes(1))) func heartbeatsOnTheSystemClock() async throws {
        func machine(heartbeat: Int) throws -> StateMachine {
            try StateMachine(parsing: """
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y.waitForTaskToken", "HeartbeatSeconds": \(heartbeat), "End": true}}}
            """)
        }
        let beating = ClosureExecutor { req in
            for _ in 0..<5 {
                try await Task.sleep(nanoseconds: 100_000_000)
                req.heartbeat.beat()
            }
            return .serviceResponse("alive")
        }
        let ok = await Interpreter(machine: try machine(heartbeat: 60), options: ExecutionOptions(executor: beating)).run(input: [:])
        #expect(ok.output == "alive", "\(String(describing: ok.error)): \(String(describing: ok.cause))")
        // The silent one would sleep for an hour: the watchdog must cancel it after its 1 s heartbeat, so the
        // test takes about a second of real time and proves the task was stopped, not waited for.
        let cancelled = Mutex(false)
        let silent = ClosureExecutor { _ in
            do {
                try await Task.sleep(nanoseconds: 3_600_000_000_000)
            } catch {
                cancelled.withLock { $0 = error is CancellationError }
                throw error
            }
            return .serviceResponse("late")
        }
        let late = await Interpreter(machine: try machine(heartbeat: 1), options: ExecutionOptions(executor: silent)).run(input: [:])
        #expect(late.error == "States.HeartbeatTimeout")
        #expect(cancelled.withLock { $0 })
    }

    @Test func machineTimeoutSecondsTimesTheExecutionOut() async throws {
        let r = try await runMachine(#"""
        {"TimeoutSeconds": 5, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}
        """#)
        #expect(r.status == .timedOut)
        #expect(r.error == "States.Timeout")
        #expect(r.history.last?.type == "ExecutionTimedOut")
    }

    @Test func catcherAssignAndResultPathOnAnotherState() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "P", "States": {
          "P": {"Type": "Parallel", "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "why"}}}],
                "Catch": [{"ErrorEquals": ["Boom"], "ResultPath": "$.err", "Assign": {"failedWith.$": "$.Error"}, "Next": "After"}], "End": true},
          "After": {"Type": "Pass", "Parameters": {"v.$": "$failedWith", "e.$": "$.err.Cause"}, "End": true}}}
        """#, input: ["x": 1])
        #expect(r.output == json(#"{"v": "Boom", "e": "why"}"#))
    }

    @Test func missingMockNamesTheState() async throws {
        let ex = try mocks(#"{"R": {"0": {"Return": 1}}}"#, testCase: ["Other": "R"])
        let r = try await runMachine(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true}}}"#, executor: ex)
        #expect(r.status == .failed)
        #expect(r.cause?.contains("'T'") == true)
    }
}
