import Foundation
import Testing
@testable import WharfStates

@Suite struct PassStateTests {
    @Test func resultResultPathAndOutputPath() async throws {
        let r = try await runState(#"{"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.res", "OutputPath": "$.res", "End": true}"#,
                                   input: ["keep": true])
        #expect(r.status == .succeeded)
        #expect(r.output == json(#"{"x": 1}"#))
    }

    @Test func inputPathAndParametersWithContextObject() async throws {
        let r = try await runState(#"""
        {"Type": "Pass", "InputPath": "$.data", "Parameters": {"value.$": "$.v", "fixed": [1, {"k": "v"}],
          "state.$": "$$.State.Name", "exec.$": "$$.Execution.Name", "whole.$": "$", "nested": {"n.$": "$.v"}}, "End": true}
        """#, input: ["data": ["v": 5]])
        #expect(r.output == json(#"{"value": 5, "fixed": [1, {"k": "v"}], "state": "S", "exec": "exec-1", "whole": {"v": 5}, "nested": {"n": 5}}"#))
    }

    @Test func resultPathNullKeepsTheInputAndInputPathNullGivesEmptyObject() async throws {
        let keep = try await runState(#"{"Type": "Pass", "Result": 1, "ResultPath": null, "End": true}"#, input: ["a": 1])
        #expect(keep.output == json(#"{"a": 1}"#))
        let empty = try await runState(#"{"Type": "Pass", "InputPath": null, "End": true}"#, input: ["a": 1])
        #expect(empty.output == .emptyObject)
        let discard = try await runState(#"{"Type": "Pass", "OutputPath": null, "End": true}"#, input: ["a": 1])
        #expect(discard.output == .emptyObject)
    }

    @Test func resultPathMergesIntoNestedObjects() async throws {
        let r = try await runState(#"{"Type": "Pass", "Result": "v", "ResultPath": "$.a.b", "End": true}"#, input: ["a": ["c": 1]])
        #expect(r.output == json(#"{"a": {"c": 1, "b": "v"}}"#))
    }

    @Test func resultPathOntoAScalarFails() async throws {
        let r = try await runState(#"{"Type": "Pass", "Result": "v", "ResultPath": "$.a.b", "End": true}"#, input: ["a": 3])
        #expect(r.status == .failed)
        #expect(r.error == "States.ResultPathMatchFailure")
        #expect(r.cause == #"Unable to apply ReferencePath $.a.b to input {"a":3}"#)
    }

    @Test func missingInputPathIsARuntimeErrorWorded() async throws {
        let r = try await runState(#"{"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "End": true}"#, input: ["a": 1])
        #expect(r.error == "States.Runtime")
        #expect(r.cause == #"An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{"a":1}'"#)
        let ip = try await runState(#"{"Type": "Pass", "InputPath": "$.nope", "End": true}"#)
        #expect(ip.error == "States.Runtime")
    }

    @Test func outputPathCanSelectManyWithAWildcard() async throws {
        let r = try await runState(#"{"Type": "Pass", "OutputPath": "$.items[*].id", "End": true}"#, input: json(#"{"items": [{"id": 1}, {"id": 2}]}"#))
        #expect(r.output == json("[1, 2]"))
    }
}

@Suite struct TaskStateTests {
    @Test func parametersGoToTheExecutorAndResultSelectorShapesTheResult() async throws {
        let echo = EchoExecutor()
        let r = try await runState(#"""
        {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$.msg"},
         "ResultSelector": {"sent.$": "$.MessageBody"}, "ResultPath": "$.result", "End": true}
        """#, input: ["msg": "hi"], executor: echo)
        #expect(r.output == json(#"{"msg": "hi", "result": {"sent": "hi"}}"#))
        #expect(echo.requests.first?.integration.service == "sqs")
        #expect(echo.requests.first?.integration.action == "sendMessage")
        #expect(echo.requests.first?.stateName == "S")
    }

    @Test func lambdaInvokeWrapsTheFunctionResult() async throws {
        let ex = ClosureExecutor { req in .functionResult(["echo": req.parameters["Payload"] ?? .null]) }
        let r = try await runState(#"""
        {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": true}
        """#, input: ["a": 1], executor: ex)
        #expect(r.output?["Payload"] == json(#"{"echo": {"a": 1}}"#))
        #expect(r.output?["StatusCode"] == 200)
        #expect(r.output?["ExecutedVersion"] == "$LATEST")
        #expect(r.output?["SdkHttpMetadata"]?["HttpStatusCode"] == 200)
        #expect(r.output?["SdkResponseMetadata"]?["RequestId"]?.stringValue != nil)
    }

    @Test func plainFunctionArnPassesTheResultAsItIs() async throws {
        let ex = ClosureExecutor { req in .functionResult(["got": req.parameters]) }
        let r = try await runState(#"{"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}"#,
                                   input: ["a": 1], executor: ex)
        #expect(r.output == json(#"{"got": {"a": 1}}"#))
        #expect(r.history.map(\.type).contains("LambdaFunctionSucceeded"))
    }

    @Test func waitForTaskTokenPutsTheTokenInTheContext() async throws {
        let ex = ClosureExecutor { req in .serviceResponse(["token": .string(req.taskToken ?? ""), "param": req.parameters["t"] ?? .null]) }
        let r = try await runState(#"""
        {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"t.$": "$$.Task.Token"}, "End": true}
        """#, executor: ex)
        let token = r.output?["token"]?.stringValue ?? ""
        #expect(!token.isEmpty)
        #expect(r.output?["param"] == .string(token))
    }

    @Test func executorErrorsFailTheExecution() async throws {
        let ex = ClosureExecutor { _ in throw StatesError("Custom.Error", "it broke") }
        let r = try await runState(#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}"#, executor: ex)
        #expect(r.status == .failed)
        #expect(r.error == "Custom.Error")
        #expect(r.cause == "it broke")
    }

    @Test func withoutAnExecutorTheTaskFailsNamingTheState() async throws {
        let r = try await runState(#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}"#)
        #expect(r.error == "States.TaskFailed")
        #expect(r.cause?.contains("'S'") == true)
    }

    @Test func timeoutSecondsPathIsResolvedFromTheInput() async throws {
        let ex = ClosureExecutor { req in .serviceResponse(.int(req.timeoutSeconds ?? -1)) }
        let r = try await runState(#"{"Type": "Task", "Resource": "arn:aws:states:::x:y", "TimeoutSecondsPath": "$.t", "End": true}"#,
                                   input: ["t": 30], executor: ex)
        #expect(r.output == 30)
    }
}

@Suite struct WaitSucceedFailTests {
    @Test func waitSecondsAdvancesTheVirtualClock() async throws {
        let clock = VirtualClock()
        let start = clock.now()
        let r = try await runMachine(#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 90, "End": true}}}"#, clock: clock)
        #expect(r.status == .succeeded)
        #expect(clock.now().timeIntervalSince(start) == 90)
    }

    @Test func waitSecondsPathTimestampAndTimestampPath() async throws {
        let clock = VirtualClock(start: Timestamp.parse("2024-01-01T00:00:00Z")!)
        let r = try await runMachine(#"""
        {"StartAt": "A", "States": {
          "A": {"Type": "Wait", "SecondsPath": "$.s", "Next": "B"},
          "B": {"Type": "Wait", "Timestamp": "2024-01-01T01:00:00Z", "Next": "C"},
          "C": {"Type": "Wait", "TimestampPath": "$.ts", "End": true}}}
        """#, input: ["s": 10, "ts": "2024-01-01T02:00:00.5+00:00"], clock: clock)
        #expect(r.status == .succeeded)
        #expect(clock.now() == Timestamp.parse("2024-01-01T02:00:00.5Z"))
    }

    @Test func waitWithABadSecondsPathValueFails() async throws {
        let r = try await runState(#"{"Type": "Wait", "SecondsPath": "$.s", "End": true}"#, input: ["s": "ten"])
        #expect(r.error == "States.Runtime")
    }

    @Test func succeedAppliesInputAndOutputPath() async throws {
        let r = try await runState(#"{"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}"#, input: json(#"{"a": {"b": 3}}"#))
        #expect(r.output == 3)
    }

    @Test func failWithErrorAndCause() async throws {
        let r = try await runState(#"{"Type": "Fail", "Error": "MyError", "Cause": "bad thing"}"#)
        #expect(r.status == .failed)
        #expect(r.error == "MyError")
        #expect(r.cause == "bad thing")
        #expect(r.history.map(\.type) == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"])
    }

    @Test func failWithErrorPathAndCausePathIntrinsic() async throws {
        let r = try await runState(#"{"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('code {}', $.c)"}"#, input: ["e": "E1", "c": 7])
        #expect(r.error == "E1")
        #expect(r.cause == "code 7")
    }
}
