import Foundation
import Testing
@testable import WharfStates

@Suite struct DefinitionValidationTests {
    static let cases: [(String, String)] = [
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}"#, #"States.A.Next: no state named "B""#),
        (#"{"StartAt": "X", "States": {"A": {"Type": "Pass", "End": true}}}"#, #"StartAt: no state named "X""#),
        (#"{"States": {"A": {"Type": "Pass", "End": true}}}"#, #"missing required field "StartAt""#),
        (#"{"StartAt": "A"}"#, #"missing required field "States""#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}, "Extra": 1}"#, #"Extra: unknown field "Extra""#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "B": {"Type": "Pass", "End": true}}}"#,
         #"States.B: state "B" is unreachable from StartAt"#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}"#,
         "States: no terminal state: at least one state must have \"End\": true or be a Succeed or Fail state"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Nope"}}}"#,
         #"States.A.Type: unknown state type "Nope"; expected one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map"#),
        (#"{"StartAt": "A", "States": {"A": {"End": true}}}"#, #"States.A: missing required field "Type""#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass"}}}"#, #"States.A: a Pass state needs "Next" or "End": true"#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A", "End": true}}}"#, #"States.A: a state cannot have both "Next" and "End": true"#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Succeed", "Next": "A"}}}"#, #"States.A.Next: field "Next" is not allowed in a Succeed state"#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 1, "Resource": "x", "End": true}}}"#,
         #"States.A.Resource: field "Resource" is not allowed in a Wait state"#),
        (#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {}, "End": true}}}"#,
         #"States.A.Parameters: field "Parameters" is not allowed in a Pass state using JSONata"#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Output": {}, "End": true}}}"#,
         #"States.A.Output: field "Output" is not allowed in a Pass state using JSONPath"#),
        (#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}"#,
         "States.A.QueryLanguage: a state cannot use JSONPath when the state machine uses JSONata"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "InputPath": "$.a[", "End": true}}}"#,
         "States.A.InputPath: invalid JSONPath '$.a[': unterminated '['"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": true}}}"#,
         "States.A.ResultPath: '$.a[*]' is not a Reference Path: it must select a single node of the input, without wildcards, filters, slices or '..'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": "States.Nope()"}, "End": true}}}"#,
         "States.A.Parameters.x.$: invalid intrinsic function call 'States.Nope()': unknown function 'States.Nope'"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": "States.ArrayLength(1, 2)"}, "End": true}}}"#,
         "States.A.Parameters.x.$: invalid intrinsic function call 'States.ArrayLength(1, 2)': States.ArrayLength takes 1 argument(s), got 2"),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": 3}, "End": true}}}"#,
         "States.A.Parameters.x.$: the value of a field ending in '.$' must be a string holding a path or an intrinsic function call"),
        (#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 + %}", "End": true}}}"#,
         "States.A.Output: invalid JSONata expression: unexpected end of the expression"),
        (#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "StringEquals": "x", "Next": "E"}, {"Variable": "$.a", "StringEquals": "y", "Next": "E"}, {"Variable": "$.a", "StringEquals": "z", "Next": "X"}]}, "E": {"Type": "Succeed"}}}"#,
         #"States.C.Choices[2].Next: no state named "X""#),
        (#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "Next": "E"}]}, "E": {"Type": "Succeed"}}}"#,
         "States.C.Choices[0]: a Choice Rule needs a comparison operator (e.g. StringEquals, NumericGreaterThan, IsPresent)"),
        (#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": "1", "Next": "E"}]}, "E": {"Type": "Succeed"}}}"#,
         "States.C.Choices[0].NumericEquals: must be a number, got string"),
        (#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "StringEqual": "1", "Next": "E"}]}, "E": {"Type": "Succeed"}}}"#,
         #"States.C.Choices[0].StringEqual: unknown comparison operator "StringEqual""#),
        (#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.a", "IsNull": true, "Next": "E"}, "Next": "E"}]}, "E": {"Type": "Succeed"}}}"#,
         "States.C.Choices[0].Not.Next: \"Next\" is only allowed in a top-level Choice Rule"),
        (#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "TimestampEquals": "yesterday", "Next": "E"}]}, "E": {"Type": "Succeed"}}}"#,
         "States.C.Choices[0].TimestampEquals: \"yesterday\" is not an RFC 3339 timestamp"),
        (#"{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": []}}}"#, "States.C.Choices: must be a non-empty array of Choice Rules"),
        (#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true}}}"#,
         "States.W: a Wait state takes exactly one of Seconds, Timestamp, SecondsPath, TimestampPath; found Seconds, SecondsPath"),
        (#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2024-01-01 00:00", "End": true}}}"#,
         "States.W.Timestamp: must be an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\""),
        (#"{"StartAt": "T", "States": {"T": {"Type": "Task", "End": true}}}"#, #"States.T: missing required field "Resource""#),
        (#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:x:y", "TimeoutSeconds": 0, "End": true}}}"#,
         "States.T.TimeoutSeconds: must be an integer between 1 and 99999999"),
        (#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:x:y", "TimeoutSeconds": 5, "HeartbeatSeconds": 5, "End": true}}}"#,
         "States.T.HeartbeatSeconds: must be smaller than TimeoutSeconds"),
        (#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:x:y", "End": true, "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}]}}}"#,
         "States.T.Retry[0].ErrorEquals: a Retrier with \"States.ALL\" must be the last one"),
        (#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:x:y", "End": true, "Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}]}}}"#,
         "States.T.Retry[0].BackoffRate: must be a number greater than or equal to 1.0"),
        (#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:x:y", "End": true, "Retry": [{"ErrorEquals": []}]}}}"#,
         "States.T.Retry[0].ErrorEquals: must be a non-empty array of error names"),
        (#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:x:y", "End": true, "Catch": [{"ErrorEquals": ["X", "States.ALL"], "Next": "T"}]}}}"#,
         "States.T.Catch[0].ErrorEquals: \"States.ALL\" must appear alone"),
        (#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:x:y", "End": true, "Catch": [{"ErrorEquals": ["X"], "Next": "Nowhere"}]}}}"#,
         #"States.T.Catch[0].Next: no state named "Nowhere""#),
        (#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Cause": "x", "CausePath": "$.c"}}}"#, #"States.F: "Cause" and "CausePath" cannot both be set"#),
        (#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Z"}}}], "End": true}}}"#,
         #"States.P.Branches[0].States.A.Next: no state named "Z""#),
        (#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [], "End": true}}}"#,
         "States.P.Branches: must be a non-empty array of state machines"),
        (#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true}}}"#, #"States.M: missing required field "ItemProcessor""#),
        (#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$..x", "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}, "End": true}}}"#,
         "States.M.ItemsPath: '$..x' is not a Reference Path: it must select a single node of the input, without wildcards, filters, slices or '..'"),
        (#"{"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": -1, "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}, "End": true}}}"#,
         "States.M.MaxConcurrency: must be an integer at least 0"),
        (#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailurePercentage": 120, "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}, "End": true}}}"#,
         "States.M.ToleratedFailurePercentage: must be a number between 0 and 100"),
        (#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "B": {"Type": "Pass", "End": true}}}, "End": true}}}"#,
         #"States.M.ItemProcessor.States.B: state "B" is unreachable from StartAt"#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"1bad": 1, "states": 2}, "End": true}}}"#,
         #"States.A.Assign.1bad: "1bad" is not a valid variable name (letters, digits and '_', not starting with a digit)"#),
        (#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"states": 2}, "End": true}}}"#,
         #"States.A.Assign.states: "states" is a reserved name"#),
        ("{\"StartAt\": \"A\", \"States\": {\"A\": ", "invalid JSON at line 1, column 34: unexpected end of input, expected a value"),
        ("[1]", "a state machine must be a JSON object, got array"),
    ]

    @Test(arguments: cases.indices)
    func invalidDefinition(_ i: Int) {
        let (definition, expected) = Self.cases[i]
        let found = problems(definition)
        #expect(found.contains(expected), "expected \(expected) in \(found)")
    }

    @Test func validationReportsEveryProblem() {
        let found = problems(#"""
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Next": "Missing1"},
          "B": {"Type": "Task", "Next": "Missing2"},
          "C": {"Type": "Wait", "End": true}}}
        """#)
        #expect(found.count >= 6)
        #expect(found.contains(#"States.A.Next: no state named "Missing1""#))
        #expect(found.contains(#"States.B.Next: no state named "Missing2""#))
        #expect(found.contains(#"States.B: missing required field "Resource""#))
    }

    @Test func validDefinitionsHaveNoProblems() {
        #expect(problems(#"""
        {"Comment": "ok", "Version": "1.0", "TimeoutSeconds": 60, "StartAt": "A", "States": {
          "A": {"Type": "Pass", "Next": "B"},
          "B": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.x", "IsPresent": true}, {"Variable": "$.x", "NumericGreaterThanPath": "$.y"}], "Next": "C"}], "Default": "D"},
          "C": {"Type": "Succeed"}, "D": {"Type": "Fail", "Error": "E"}}}
        """#).isEmpty)
    }
}

@Suite struct MockConfigurationTests {
    @Test func parsesRangesAndPicksTheResponseByInvocation() throws {
        let c = try MockConfiguration(parsing: #"""
        {"StateMachines": {"SM": {"TestCases": {"Happy": {"T": "R"}}}},
         "MockedResponses": {"R": {"0": {"Return": 1}, "1-3": {"Throw": {"Error": "E", "Cause": "c"}}, "4": {"Return": 2}}}}
        """#)
        let r = try #require(c.mockedResponses["R"])
        #expect(r.response(forInvocation: 0) == .returns(1))
        #expect(r.response(forInvocation: 2) == .throwsError(error: "E", cause: "c"))
        #expect(r.response(forInvocation: 4) == .returns(2))
        #expect(r.response(forInvocation: 5) == nil)
        #expect(try c.testCase("Happy", stateMachine: nil) == ["T": "R"])
    }

    @Test func reportsEveryProblem() {
        do {
            _ = try MockConfiguration(parsing: #"""
            {"StateMachines": {"SM": {"TestCases": {"Happy": {"T": "Missing", "U": 3}}}},
             "MockedResponses": {"R": {"x": {"Return": 1}, "0": {"Return": 1, "Throw": {"Error": "E"}}}}}
            """#)
            Issue.record("expected an error")
        } catch {
            let e = error
            #expect(e.problems.contains(#"StateMachines.SM.TestCases.Happy.T: no mocked response named "Missing""#))
            #expect(e.problems.contains("StateMachines.SM.TestCases.Happy.U: must be the name of a mocked response"))
            #expect(e.problems.contains(#"MockedResponses.R.x: the key must be an invocation number such as "0" or a range such as "1-3""#))
            #expect(e.problems.contains(#"MockedResponses.R.0: must have exactly one of "Return" or "Throw" (an object with Error and Cause)"#))
        }
    }

    @Test func unknownTestCaseIsNamed() throws {
        let c = try MockConfiguration(parsing: #"{"StateMachines": {"SM": {"TestCases": {"A": {}}}}, "MockedResponses": {}}"#)
        #expect(throws: MockConfigurationError.self) { try MockTaskExecutor(configuration: c, testCase: "B") }
    }
}
