import Foundation
import Testing
@testable import WharfStates

@Suite struct MapStateTests {
    @Test func itemsPathItemSelectorAndContextItem() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
          "ItemSelector": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "factor.$": "$.factor"},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Double", "States": {
            "Double": {"Type": "Pass", "Parameters": {"i.$": "$.index", "v.$": "States.MathAdd($.value, $.factor)"}, "End": true}}},
          "ResultPath": "$.out", "End": true}}}
        """#, input: ["items": [10, 20, 30], "factor": 1])
        #expect(r.output?["out"] == json(#"[{"i": 0, "v": 11}, {"i": 1, "v": 21}, {"i": 2, "v": 31}]"#))
        #expect(r.history.filter { $0.type == "MapIterationSucceeded" }.count == 3)
        #expect(r.history.first { $0.type == "MapStateStarted" }?.details?["length"] == 3)
    }

    @Test func legacyIteratorAndParameters() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "Parameters": {"x.$": "$$.Map.Item.Value.x"},
          "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
        """#, input: json(#"[{"x": 1}, {"x": 2}]"#))
        #expect(r.output == json(#"[{"x": 1}, {"x": 2}]"#))
    }

    @Test func aFailedIterationFailsTheMap() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "Bad"}], "Default": "Ok"},
            "Bad": {"Type": "Fail", "Error": "TooBig", "Cause": "item > 2"}, "Ok": {"Type": "Succeed"}}}, "End": true}}}
        """#, input: [1, 2, 3, 4])
        #expect(r.error == "TooBig")
        #expect(r.history.contains { $0.type == "MapStateFailed" })
    }

    @Test func toleratedFailuresKeepErrorOutputs() async throws {
        let def = #"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailureCount": 1, "ItemProcessor": {"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "Bad"}], "Default": "Ok"},
            "Bad": {"Type": "Fail", "Error": "TooBig", "Cause": "big"}, "Ok": {"Type": "Succeed"}}}, "End": true}}}
        """#
        let ok = try await runMachine(def, input: [1, 2, 3])
        #expect(ok.output == json(#"[1, 2, {"Error": "TooBig", "Cause": "big"}]"#))
        let tooMany = try await runMachine(def, input: [3, 4, 1])
        #expect(tooMany.error == "States.ExceedToleratedFailureThreshold")
        let pct = try await runMachine(def.replacingOccurrences(of: "\"ToleratedFailureCount\": 1", with: "\"ToleratedFailurePercentage\": 50"), input: [3, 1, 1, 1])
        #expect(pct.status == .succeeded)
    }

    @Test func itemsMustBeAnArray() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.x", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
        """#, input: ["x": "no"])
        #expect(r.error == "States.Runtime")
    }

    @Test func maxConcurrencyPathAndEmptyItems() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.x", "MaxConcurrencyPath": "$.c", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
        """#, input: ["x": [], "c": 3])
        #expect(r.output == json("[]"))
    }
}

@Suite struct ParallelStateTests {
    @Test func branchesRunOnTheSameInputAndResultsKeepBranchOrder() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "P", "States": {"P": {"Type": "Parallel", "ResultSelector": {"a.$": "$[0]", "b.$": "$[1].v"}, "ResultPath": "$.r", "End": true,
          "Branches": [
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "A"}, "A": {"Type": "Pass", "Result": "first", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "Parameters": {"v.$": "$.n"}, "End": true}}}]}}}
        """#, input: ["n": 7])
        #expect(r.output == json(#"{"n": 7, "r": {"a": "first", "b": 7}}"#))
        #expect(r.history.contains { $0.type == "ParallelStateSucceeded" })
    }

    @Test func aFailingBranchFailsTheStateWithItsError() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 100, "End": true}}},
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "BranchBroke", "Cause": "c"}}}]}}}
        """#)
        #expect(r.error == "BranchBroke")
        #expect(r.history.contains { $0.type == "ParallelStateFailed" })
    }

    @Test func retryAParallelState() async throws {
        let ex = try MockTaskExecutor(configuration: MockConfiguration(parsing: #"""
        {"StateMachines": {"Test": {"TestCases": {"C": {"T": "R"}}}},
         "MockedResponses": {"R": {"0": {"Throw": {"Error": "Flaky"}}, "1": {"Return": "ok"}}}}
        """#), testCase: "C")
        let r = try await runMachine(#"""
        {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Retry": [{"ErrorEquals": ["Flaky"]}], "Branches": [
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::x:y", "End": true}}}]}}}
        """#, executor: ex)
        #expect(r.output == json(#"["ok"]"#))
    }
}

@Suite struct VariableTests {
    @Test func assignAndReadVariables() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Result": {"id": 42}, "Assign": {"orderId.$": "$.id", "constant": "c", "fromInput.$": "$$.Execution.Input.x"}, "Next": "B"},
          "B": {"Type": "Pass", "Parameters": {"o.$": "$orderId", "c.$": "$constant", "x.$": "$fromInput", "f.$": "States.Format('{}-{}', $orderId, $constant)"}, "End": true}}}
        """#, input: ["x": "in"])
        #expect(r.output == json(#"{"o": 42, "c": "c", "x": "in", "f": "42-c"}"#))
        let exited = r.history.first { $0.type == "PassStateExited" }
        #expect(exited?.details?["assignedVariables"]?["orderId"] == "42")
    }

    @Test func assignmentsInAStateSeeTheOldValues() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
          "B": {"Type": "Pass", "Assign": {"x": 2, "old.$": "$x"}, "Next": "C"},
          "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "old.$": "$old"}, "End": true}}}
        """#)
        #expect(r.output == json(#"{"x": 2, "old": 1}"#))
    }

    @Test func innerScopesReadOuterVariablesButDoNotLeak() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "M"},
          "M": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "I", "States": {
              "I": {"Type": "Pass", "Assign": {"inner": 1}, "Parameters": {"seen.$": "$outer"}, "End": true}}}, "ResultPath": "$.r", "Next": "After"},
          "After": {"Type": "Pass", "Parameters": {"r.$": "$.r", "outer.$": "$outer"}, "End": true}}}
        """#, input: ["items": [1]])
        #expect(r.output == json(#"{"r": [{"seen": "o"}], "outer": "o"}"#))
        let leak = try await runMachine(#"""
        {"StartAt": "P", "States": {
          "P": {"Type": "Parallel", "Branches": [{"StartAt": "I", "States": {"I": {"Type": "Pass", "Assign": {"inner": 1}, "End": true}}}], "Next": "After"},
          "After": {"Type": "Pass", "Parameters": {"v.$": "$inner"}, "End": true}}}
        """#)
        #expect(leak.error == "States.Runtime")
        #expect(leak.cause?.contains("inner") == true)
    }

    @Test func distributedMapIterationsCannotReadOuterVariables() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "M"},
          "M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I",
              "States": {"I": {"Type": "Pass", "Parameters": {"seen.$": "$outer"}, "End": true}}}, "End": true}}}
        """#, input: [1])
        #expect(r.error == "States.Runtime")
        #expect(r.cause?.contains("The variable 'outer' is not defined") == true)
    }

    @Test func choiceRuleAssign() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "C", "States": {
          "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Assign": {"size": "big"}, "Next": "D"}], "Default": "D"},
          "D": {"Type": "Pass", "Parameters": {"s.$": "$size"}, "End": true}}}
        """#, input: ["n": 5])
        #expect(r.output == json(#"{"s": "big"}"#))
    }
}
