import Foundation
import Testing
@testable import WharfStates

@Suite struct ChoiceTests {
    /// Runs a Choice with one rule; "Yes" when it matches, "No" (Default) otherwise.
    func choose(_ rule: String, _ input: JSONValue) async throws -> String? {
        let r = try await runMachine("""
        {"StartAt": "C", "States": {
          "C": {"Type": "Choice", "Choices": [\(rule.dropLast()), "Next": "Yes"}], "Default": "No"},
          "Yes": {"Type": "Pass", "Result": "Yes", "End": true},
          "No": {"Type": "Pass", "Result": "No", "End": true}}}
        """, input: input)
        if r.status != .succeeded { return r.error }
        return r.output?.stringValue
    }

    static let cases: [(String, JSONValue, String)] = [
        (#"{"Variable": "$.v", "StringEquals": "abc"}"#, ["v": "abc"], "Yes"),
        (#"{"Variable": "$.v", "StringEquals": "abc"}"#, ["v": 1], "No"),
        (#"{"Variable": "$.v", "StringLessThan": "b"}"#, ["v": "a"], "Yes"),
        (#"{"Variable": "$.v", "StringGreaterThan": "b"}"#, ["v": "a"], "No"),
        (#"{"Variable": "$.v", "StringLessThanEquals": "a"}"#, ["v": "a"], "Yes"),
        (#"{"Variable": "$.v", "StringGreaterThanEquals": "a"}"#, ["v": "b"], "Yes"),
        (#"{"Variable": "$.v", "StringMatches": "log-*.txt"}"#, ["v": "log-2024.txt"], "Yes"),
        (#"{"Variable": "$.v", "StringMatches": "*.csv"}"#, ["v": "a.txt"], "No"),
        (#"{"Variable": "$.v", "StringMatches": "a\\*b"}"#, ["v": "a*b"], "Yes"),
        (#"{"Variable": "$.v", "StringMatches": "a\\*b"}"#, ["v": "axxb"], "No"),
        (#"{"Variable": "$.v", "StringMatches": "c:\\\\*"}"#, ["v": "c:\\dir"], "Yes"),
        (#"{"Variable": "$.v", "NumericEquals": 3}"#, ["v": 3.0], "Yes"),
        (#"{"Variable": "$.v", "NumericEquals": 3}"#, ["v": "3"], "No"),
        (#"{"Variable": "$.v", "NumericLessThan": 3}"#, ["v": 2.5], "Yes"),
        (#"{"Variable": "$.v", "NumericGreaterThan": 3}"#, ["v": 3], "No"),
        (#"{"Variable": "$.v", "NumericLessThanEquals": 3}"#, ["v": 3], "Yes"),
        (#"{"Variable": "$.v", "NumericGreaterThanEquals": 3.5}"#, ["v": 3], "No"),
        (#"{"Variable": "$.v", "BooleanEquals": false}"#, ["v": false], "Yes"),
        (#"{"Variable": "$.v", "BooleanEquals": true}"#, ["v": "true"], "No"),
        (#"{"Variable": "$.v", "TimestampEquals": "2024-01-01T00:00:00Z"}"#, ["v": "2024-01-01T01:00:00+01:00"], "Yes"),
        (#"{"Variable": "$.v", "TimestampLessThan": "2024-01-01T00:00:00Z"}"#, ["v": "2023-12-31T23:59:59.999Z"], "Yes"),
        (#"{"Variable": "$.v", "TimestampGreaterThan": "2024-01-01T00:00:00Z"}"#, ["v": "2023-12-31T23:59:59Z"], "No"),
        (#"{"Variable": "$.v", "TimestampLessThanEquals": "2024-01-01T00:00:00Z"}"#, ["v": "2024-01-01T00:00:00Z"], "Yes"),
        (#"{"Variable": "$.v", "TimestampGreaterThanEquals": "2024-01-01T00:00:00Z"}"#, ["v": "not a time"], "No"),
        (#"{"Variable": "$.v", "StringEqualsPath": "$.w"}"#, ["v": "x", "w": "x"], "Yes"),
        (#"{"Variable": "$.v", "StringLessThanPath": "$.w"}"#, ["v": "a", "w": "b"], "Yes"),
        (#"{"Variable": "$.v", "StringGreaterThanPath": "$.w"}"#, ["v": "a", "w": "b"], "No"),
        (#"{"Variable": "$.v", "StringLessThanEqualsPath": "$.w"}"#, ["v": "b", "w": "b"], "Yes"),
        (#"{"Variable": "$.v", "StringGreaterThanEqualsPath": "$.w"}"#, ["v": "c", "w": "b"], "Yes"),
        (#"{"Variable": "$.v", "NumericEqualsPath": "$.w"}"#, ["v": 2, "w": 2], "Yes"),
        (#"{"Variable": "$.v", "NumericLessThanPath": "$.w"}"#, ["v": 1, "w": 2], "Yes"),
        (#"{"Variable": "$.v", "NumericGreaterThanPath": "$.w"}"#, ["v": 1, "w": 2], "No"),
        (#"{"Variable": "$.v", "NumericLessThanEqualsPath": "$.w"}"#, ["v": 2, "w": 2], "Yes"),
        (#"{"Variable": "$.v", "NumericGreaterThanEqualsPath": "$.w"}"#, ["v": 3, "w": 2], "Yes"),
        (#"{"Variable": "$.v", "BooleanEqualsPath": "$.w"}"#, ["v": true, "w": true], "Yes"),
        (#"{"Variable": "$.v", "TimestampEqualsPath": "$.w"}"#, ["v": "2024-01-01T00:00:00Z", "w": "2024-01-01T00:00:00Z"], "Yes"),
        (#"{"Variable": "$.v", "TimestampLessThanPath": "$.w"}"#, ["v": "2024-01-01T00:00:00Z", "w": "2024-01-02T00:00:00Z"], "Yes"),
        (#"{"Variable": "$.v", "TimestampGreaterThanPath": "$.w"}"#, ["v": "2024-01-01T00:00:00Z", "w": "2024-01-02T00:00:00Z"], "No"),
        (#"{"Variable": "$.v", "TimestampLessThanEqualsPath": "$.w"}"#, ["v": "2024-01-02T00:00:00Z", "w": "2024-01-02T00:00:00Z"], "Yes"),
        (#"{"Variable": "$.v", "TimestampGreaterThanEqualsPath": "$.w"}"#, ["v": "2024-01-03T00:00:00Z", "w": "2024-01-02T00:00:00Z"], "Yes"),
        (#"{"Variable": "$.v", "IsNull": true}"#, ["v": nil], "Yes"),
        (#"{"Variable": "$.v", "IsNull": true}"#, ["v": 0], "No"),
        (#"{"Variable": "$.v", "IsPresent": false}"#, [:], "Yes"),
        (#"{"Variable": "$.v", "IsPresent": true}"#, ["v": nil], "Yes"),
        (#"{"Variable": "$.v", "IsNumeric": true}"#, ["v": 1.5], "Yes"),
        (#"{"Variable": "$.v", "IsNumeric": true}"#, ["v": "1.5"], "No"),
        (#"{"Variable": "$.v", "IsString": true}"#, ["v": "s"], "Yes"),
        (#"{"Variable": "$.v", "IsBoolean": false}"#, ["v": "true"], "Yes"),
        (#"{"Variable": "$.v", "IsTimestamp": true}"#, ["v": "2016-03-14T01:59:00Z"], "Yes"),
        (#"{"Variable": "$.v", "IsTimestamp": true}"#, ["v": "2016-03-14 01:59:00"], "No"),
        (#"{"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Variable": "$.b", "StringEquals": "x"}]}"#, ["a": 2, "b": "x"], "Yes"),
        (#"{"And": [{"Variable": "$.a", "NumericGreaterThan": 1}, {"Variable": "$.b", "StringEquals": "x"}]}"#, ["a": 2, "b": "y"], "No"),
        (#"{"Or": [{"Variable": "$.a", "NumericGreaterThan": 5}, {"Variable": "$.b", "StringEquals": "y"}]}"#, ["a": 2, "b": "y"], "Yes"),
        (#"{"Not": {"Variable": "$.a", "StringEquals": "z"}}"#, ["a": "y"], "Yes"),
        (#"{"Variable": "$.list[0].k", "NumericEquals": 1}"#, ["list": [["k": 1]]], "Yes"),
        (#"{"Variable": "$$.State.Name", "StringEquals": "C"}"#, [:], "Yes"),
    ]

    @Test(arguments: cases.indices)
    func comparison(_ i: Int) async throws {
        let (rule, input, expected) = Self.cases[i]
        let got = try await choose(rule, input)
        #expect(got == expected, "\(rule) with \(input)")
    }

    @Test func noMatchWithoutDefaultFailsWithNoChoiceMatched() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Next": "E"}]},
          "E": {"Type": "Succeed"}}}
        """#)
        #expect(r.status == .failed)
        #expect(r.error == "States.NoChoiceMatched")
    }

    @Test func missingVariableIsARuntimeError() async throws {
        let got = try await choose(#"{"Variable": "$.missing", "StringEquals": "x"}"#, [:])
        #expect(got == "States.Runtime")
    }

    @Test func choiceAppliesInputPathAndOutputPath() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "C", "States": {"C": {"Type": "Choice", "InputPath": "$.in", "OutputPath": "$.x",
           "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "E"}]}, "E": {"Type": "Succeed"}}}
        """#, input: ["in": ["x": 1]])
        #expect(r.output == 1)
    }
}
