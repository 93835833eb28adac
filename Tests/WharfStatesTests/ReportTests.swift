import Foundation
import Testing
@testable import WharfStates

@Suite struct ExecutionReportTests {
    @Test func succeededReportHasStatusAndOutputOnly() async throws {
        let r = try await runMachine(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"b": 1, "a": 2}, "End": true}}}"#)
        #expect(r.report(includeHistory: false).serialized() == #"{"status":"SUCCEEDED","output":{"b":1,"a":2}}"#)
        let withHistory = r.report(includeHistory: true)
        #expect(withHistory["history"]?.arrayValue?.count == 4)
        #expect(withHistory["history"]?.arrayValue?.first?["type"] == "ExecutionStarted")
    }

    @Test func failedReportHasErrorAndCause() async throws {
        let r = try await runMachine(#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}"#)
        #expect(r.report(includeHistory: false).serialized() == #"{"status":"FAILED","error":"E","cause":"C"}"#)
    }

    @Test func timelineListsStatesAndOutcome() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 2, "Next": "P"}, "P": {"Type": "Pass", "Result": 1, "End": true}}}
        """#)
        let lines = r.timeline(full: false).split(separator: "\n").map(String.init)
        #expect(lines.first == "   0.000s  ExecutionStarted")
        #expect(lines.contains("   0.000s  → W (Wait)"))
        #expect(lines.contains("   2.000s  ← P  output: 1"))
        #expect(lines.suffix(2) == ["SUCCEEDED", "1"])
        let failed = try await runMachine(#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "why"}}}"#)
        #expect(failed.timeline(full: true).hasSuffix("FAILED\nerror: E\ncause: why"))
    }
}
