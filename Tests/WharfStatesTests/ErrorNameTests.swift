import Foundation
import Testing
@testable import WharfStates

/// One case per predefined error name the engine raises, each caught or reported as AWS names it.
@Suite struct ErrorNameTests {
    @Test func intrinsicFailureIsCatchable() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "ResultSelector": {"x.$": "States.ArrayGetItem($.list, 5)"},
          "Catch": [{"ErrorEquals": ["States.IntrinsicFailure"], "Next": "C"}], "End": true}, "C": {"Type": "Pass", "End": true}}}
        """#, input: ["list": [1]], executor: EchoExecutor())
        #expect(r.output?["Error"] == "States.IntrinsicFailure")
        #expect(r.output?["Cause"]?.stringValue?.contains("States.ArrayGetItem($.list, 5)") == true)
    }

    @Test func resultPathMatchFailureIsCatchable() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "ResultPath": "$.a.b",
          "Catch": [{"ErrorEquals": ["States.ResultPathMatchFailure"], "ResultPath": null, "Next": "C"}], "End": true},
          "C": {"Type": "Pass", "Result": "recovered", "End": true}}}
        """#, input: ["a": "scalar"], executor: EchoExecutor())
        #expect(r.output == "recovered")
    }

    @Test func allMatchesCustomAndPredefinedErrors() async throws {
        for error in ["My.Error", "States.TaskFailed", "States.Timeout", "States.HeartbeatTimeout", "States.Permissions"] {
            let ex = ClosureExecutor { _ in throw StatesError(error, "c") }
            let r = try await runMachine(#"""
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}]}, "C": {"Type": "Pass", "End": true}}}
            """#, executor: ex)
            #expect(r.output?["Error"] == .string(error))
        }
    }

    @Test func dataLimitExceededAndRuntimeAreNotMatchedByAll() {
        #expect(!StatesError("States.Runtime").matches(["States.ALL"]))
        #expect(!StatesError("States.DataLimitExceeded").matches(["States.ALL", "States.DataLimitExceeded"]))
        #expect(StatesError("States.Timeout").matches(["States.Timeout"]))
        #expect(!StatesError("States.Timeout").matches(["States.TaskFailed"]))
        #expect(StatesError("States.HeartbeatTimeout").matches(["States.TaskFailed"]))
    }

    @Test func dataLimitExceededIsTerminal() async throws {
        let big = String(repeating: "x", count: 300_000)
        let ex = ClosureExecutor { _ in .serviceResponse(.string(big)) }
        let r = try await runMachine(#"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true,
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}]}, "C": {"Type": "Succeed"}}}
        """#, executor: ex)
        #expect(r.error == "States.DataLimitExceeded")
        let pass = try await runMachine(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#, input: ["s": .string(big)])
        #expect(pass.error == "States.DataLimitExceeded")
    }

    @Test func serializedByteCountMatchesTheText() {
        let v = json(#"{"a": [1, 2.5, "q\"\n\u0001é", null, true, {"k": false}], "b": -3}"#)
        #expect(v.serializedByteCount == v.serialized().utf8.count)
    }

    @Test func pathFormsOfTheNumberFields() async throws {
        let clock = VirtualClock()
        let sleeper = ClosureExecutor { req in
            try await clock.sleep(seconds: 3)
            return .serviceResponse(.int(req.heartbeatSeconds ?? 0))
        }
        let hb = try await runMachine(#"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y.waitForTaskToken", "HeartbeatSecondsPath": "$.hb", "End": true}}}
        """#, input: ["hb": 2], executor: sleeper, clock: clock)
        #expect(hb.error == "States.HeartbeatTimeout")
        let map = #"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "ToleratedFailureCountPath": "$.count",
          "ToleratedFailurePercentagePath": "$.pct", "ItemProcessor": {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "BooleanEquals": false, "Next": "F"}], "Default": "S"},
            "F": {"Type": "Fail", "Error": "Bad"}, "S": {"Type": "Succeed"}}}, "End": true}}}
        """#
        let tolerated = try await runMachine(map, input: ["items": [true, false, true, true], "count": 1, "pct": 50])
        #expect(tolerated.status == .succeeded)
        let exceeded = try await runMachine(map, input: ["items": [false, false, true, true], "count": 1, "pct": 100])
        #expect(exceeded.error == "States.ExceedToleratedFailureThreshold")
        #expect(exceeded.cause == "The specified tolerated failure threshold was exceeded")
    }
}
