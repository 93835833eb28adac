import Foundation
import Testing
@testable import WharfStates

@Suite struct HistoryTests {
    @Test func taskEventsInOrderWithPreviousEventIds() async throws {
        let ex = ClosureExecutor { _ in .functionResult(["ok": true]) }
        let r = try await runMachine(#"""
        {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "TimeoutSeconds": 30, "Next": "P"},
          "P": {"Type": "Pass", "End": true}}}
        """#, input: ["a": 1], executor: ex)
        #expect(r.history.map(\.type) == [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
        ])
        #expect(r.history.map(\.id) == Array(1...9))
        #expect(r.history.map(\.previousEventId) == Array(0...8))
        let scheduled = try #require(r.history.first { $0.type == "TaskScheduled" })
        #expect(scheduled.details?["resourceType"] == "lambda")
        #expect(scheduled.details?["resource"] == "invoke")
        #expect(scheduled.details?["region"] == "us-east-1")
        #expect(scheduled.details?["timeoutInSeconds"] == 30)
        #expect(scheduled.details?["parameters"] == #"{"FunctionName":"f","Payload":{"a":1}}"#)
        let json = scheduled.json
        #expect(json["taskScheduledEventDetails"] != nil)
        #expect(json["timestamp"]?.stringValue?.hasSuffix("Z") == true)
        let entered = try #require(r.history.first { $0.type == "TaskStateEntered" })
        #expect(entered.json["stateEnteredEventDetails"]?["input"] == #"{"a":1}"#)
    }

    @Test func mapIterationEventsFollowTheirOwnBranch() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1,
          "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
        """#, input: [1, 2])
        let types = r.history.map(\.type)
        #expect(types == [
            "ExecutionStarted", "MapStateEntered", "MapStateStarted",
            "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
            "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
            "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded",
        ])
        let started = r.history.filter { $0.type == "MapIterationStarted" }
        #expect(started.map { $0.details?["index"] } == [0, 1])
        #expect(started.allSatisfy { $0.previousEventId == 3 })
        let firstPass = r.history[4]
        #expect(firstPass.previousEventId == started[0].id)
    }

    @Test func failureEvents() async throws {
        let ex = ClosureExecutor { _ in throw StatesError("Boom", "bad") }
        let r = try await runMachine(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true}}}"#, executor: ex)
        #expect(r.history.map(\.type) == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed", "ExecutionFailed"])
        #expect(r.history.last?.details == json(#"{"error": "Boom", "cause": "bad"}"#))
    }

    @Test func historyCanBeTurnedOff() async throws {
        let r = try await runMachine(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#, history: false)
        #expect(r.status == .succeeded)
        #expect(r.history.isEmpty)
    }
}

/// The Scones Unlimited workflow: serialize the image, classify it, stop on low confidence.
@Suite struct SconesWorkflowTests {
    static let definition = #"""
    {"Comment": "Scones Unlimited image classification", "StartAt": "SerializeImageData", "States": {
      "SerializeImageData": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload",
        "Parameters": {"Payload.$": "$", "FunctionName": "serializeImageData"},
        "Retry": [{"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException"], "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2}],
        "Next": "Classification"},
      "Classification": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload",
        "Parameters": {"Payload.$": "$", "FunctionName": "classification"}, "Next": "Filter Low Confidence"},
      "Filter Low Confidence": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload",
        "Parameters": {"Payload.$": "$", "FunctionName": "filterLowConfidence"},
        "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Low Confidence"}], "End": true},
      "Low Confidence": {"Type": "Fail", "Error": "LowConfidence", "Cause": "THRESHOLD_CONFIDENCE_NOT_MET"}}}
    """#

    static let mocks = #"""
    {"StateMachines": {"scones": {"TestCases": {
        "Confident": {"SerializeImageData": "Serialized", "Classification": "Classified", "Filter Low Confidence": "Passed"},
        "Unsure": {"SerializeImageData": "SerializedAfterRetry", "Classification": "Classified", "Filter Low Confidence": "Rejected"}}}},
     "MockedResponses": {
       "Serialized": {"0": {"Return": {"StatusCode": 200, "Payload": {"image_data": "iVBORw0KGgo=", "s3_key": "test/bike.png"}}}},
       "SerializedAfterRetry": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "try again"}},
                                "1": {"Return": {"StatusCode": 200, "Payload": {"image_data": "iVBORw0KGgo=", "s3_key": "test/moto.png"}}}},
       "Classified": {"0": {"Return": {"StatusCode": 200, "Payload": {"image_data": "iVBORw0KGgo=", "inferences": [0.93, 0.07]}}}},
       "Passed": {"0": {"Return": {"StatusCode": 200, "Payload": {"inferences": [0.93, 0.07]}}}},
       "Rejected": {"0": {"Throw": {"Error": "Exception", "Cause": "THRESHOLD_CONFIDENCE_NOT_MET"}}}}}
    """#

    func run(_ testCase: String) async throws -> ExecutionResult {
        let ex = try MockTaskExecutor(configuration: MockConfiguration(parsing: Self.mocks), testCase: testCase)
        return try await runMachine(Self.definition, input: ["s3_key": "test/bike.png"], executor: ex)
    }

    @Test func confidentInferencePasses() async throws {
        let r = try await run("Confident")
        #expect(r.status == .succeeded)
        #expect(r.output == json(#"{"inferences": [0.93, 0.07]}"#))
    }

    @Test func lowConfidenceFailsAfterARetry() async throws {
        let r = try await run("Unsure")
        #expect(r.status == .failed)
        #expect(r.error == "LowConfidence")
        #expect(r.cause == "THRESHOLD_CONFIDENCE_NOT_MET")
        #expect(r.history.filter { $0.type == "TaskScheduled" }.count == 4)
    }
}
