import Foundation
import Testing
@testable import WharfStates

@Suite struct ItemReaderTests {
    func s3(_ body: JSONValue) -> ClosureExecutor {
        ClosureExecutor { req in
            guard req.integration.service == "s3" else { return .serviceResponse(req.parameters) }
            #expect(req.parameters["Bucket"] == "data")
            return .serviceResponse(body)
        }
    }

    func mapDefinition(_ reader: String, extra: String = "") -> String {
        """
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemReader": \(reader), \(extra)
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "P",
                            "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
        """
    }

    @Test func csvWithAHeaderRowAndMaxItems() async throws {
        let def = mapDefinition(#"""
        {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 2},
         "Parameters": {"Bucket": "data", "Key.$": "$.key"}}
        """#)
        let r = try await runMachine(def, input: ["key": "offers.csv"], executor: s3("id,reward\no1,10\n\"o,2\",5\no3,0\n"))
        #expect(r.output == json(#"[{"id": "o1", "reward": "10"}, {"id": "o,2", "reward": "5"}]"#))
    }

    @Test func jsonLinesAndGivenHeaders() async throws {
        let jsonl = try await runMachine(mapDefinition(#"""
        {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSONL"}, "Parameters": {"Bucket": "data", "Key": "k"}}
        """#), executor: s3(["Body": "{\"a\":1}\n{\"a\":2}\n"]))
        #expect(jsonl.output == json(#"[{"a": 1}, {"a": 2}]"#))
        let given = try await runMachine(mapDefinition(#"""
        {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "data", "Key": "k"},
         "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["x", "y"], "CSVDelimiter": "SEMICOLON"}}
        """#), executor: s3("1;2\n3;4"))
        #expect(given.output == json(#"[{"x": "1", "y": "2"}, {"x": "3", "y": "4"}]"#))
    }

    @Test func listObjectsGivesTheContents() async throws {
        let r = try await runMachine(mapDefinition(#"""
        {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "data", "Prefix": "img/"}}
        """#), executor: s3(json(#"{"Contents": [{"Key": "img/a.png", "Size": 1}, {"Key": "img/b.png", "Size": 2}]}"#)))
        #expect(r.output?.arrayValue?.compactMap { $0["Key"] } == ["img/a.png", "img/b.png"])
    }

    @Test func readerFailuresAreItemReaderFailed() async throws {
        let bad = try await runMachine(mapDefinition(#"""
        {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "data", "Key": "k"}}
        """#), executor: s3("{not json"))
        #expect(bad.error == "States.ItemReaderFailed")
        let thrown = try await runMachine(mapDefinition(#"""
        {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "data", "Key": "k"}}
        """#), executor: ClosureExecutor { _ in throw StatesError("S3.NoSuchKey", "missing") })
        #expect(thrown.error == "States.ItemReaderFailed")
        #expect(thrown.cause?.contains("S3.NoSuchKey") == true)
    }

    @Test func itemBatcherGroupsItems() async throws {
        let r = try await runMachine(#"""
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"job.$": "$.job"}},
          "ItemsPath": "$.items", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}
        """#, input: ["job": "j1", "items": [1, 2, 3]])
        #expect(r.output == json(#"[{"BatchInput": {"job": "j1"}, "Items": [1, 2]}, {"BatchInput": {"job": "j1"}, "Items": [3]}]"#))
    }

    @Test func readerConfigProblemsAreLocated() {
        let found = problems(mapDefinition(#"{"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "XML", "CSVHeaderLocation": "GIVEN"}}"#,
                                           extra: #""ResultWriter": {}, "ItemBatcher": {},"#))
        #expect(found.contains("States.M.ItemReader.ReaderConfig.InputType: must be one of JSON, JSONL, CSV, MANIFEST"))
        #expect(found.contains("States.M.ItemReader.ReaderConfig.CSVHeaders: must be a non-empty array of strings when CSVHeaderLocation is GIVEN"))
        #expect(found.contains("States.M.ItemBatcher: an ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch"))
        #expect(found.contains { $0.hasPrefix("States.M.ResultWriter: a ResultWriter") })
    }
}
