import Foundation
import Testing
@testable import WharfFrame

/// An in-memory object store standing in for the platform's.
struct MemoryObjects: ObjectReader {
    var objects: [String: [UInt8]]
    func getObject(bucket: String, key: String) async throws -> [UInt8] {
        guard let o = objects["\(bucket)/\(key)"] else { throw FrameError(.fileNotFound, "no object \(bucket)/\(key)") }
        return o
    }
}

@Suite struct SourceAndWriterTests {
    static func frame() throws -> DataFrame {
        try DataFrame([
            Column("id", [1, 2, 3] as [Int64]),
            Column("name", ["a,b", nil, "c\"d"] as [String?]),
            Column("x", [1.5, nil, -2e-7] as [Double?]),
            Column("ok", [true, false, nil] as [Bool?]),
            Column("when", values: [CivilDate.parse("2021-01-02")!, .null, CivilDate.parse("1999-12-31")!]),
            Column("tags", values: [.list(["p", "q"]), .list([]), .null]),
        ])
    }

    @Test func csvAndJSONLinesFilesRoundTrip() throws {
        let dir = SharedData.temporaryDirectory()
        let f = try Self.frame()
        let csv = dir.appendingPathComponent("f.csv.gz").path
        try CSVWriter.write(f.drop(["tags"]), to: csv)
        let back = try LocalFileSource(path: csv).loadNow()
        #expect(back["name"].strings() == ["a,b", nil, "c\"d"])
        #expect(back["x"].values == f["x"].values)
        #expect(back["when"].type == .date)
        #expect(back["ok"].values == f["ok"].values)
        let jsonl = dir.appendingPathComponent("f.jsonl").path
        try JSONLinesWriter.write(f, to: jsonl)
        let j = try LocalFileSource(path: jsonl).loadNow()
        #expect(j["tags"][0] == .list(["p", "q"]))
        #expect(j["name"].strings() == f["name"].strings())
        #expect(j["when"].type == .date)
        #expect((#expect(throws: FrameError.self) { try LocalFileSource(path: "x.parquet") })?.code == .unsupported)
    }

    @Test func objectStoreSourceReadsThroughTheProtocol() async throws {
        let bytes = CSVWriter.bytes(try Self.frame().select(["id", "x"]))
        let store = MemoryObjects(objects: ["bucket/data/train.csv": bytes])
        let f = try await openSource("s3://bucket/data/train.csv", objects: store).load()
        #expect(f.rowCount == 3)
        await #expect(throws: FrameError.self) { try await openSource("s3://bucket/missing.csv", objects: store).load() }
        #expect((#expect(throws: FrameError.self) { try openSource("s3://bucket-only", objects: store) })?.code == .invalidArgument)
        #expect((#expect(throws: FrameError.self) { try openSource("s3://b/k.csv") })?.code == .unsupported)
    }

    @Test func sqliteWriteThenQuery() async throws {
        let db = SharedData.temporaryDirectory().appendingPathComponent("t.db").path
        let f = try Self.frame()
        try SQLiteWriter.write(f, to: db, table: "people")
        #expect((#expect(throws: FrameError.self) { try SQLiteWriter.write(f, to: db, table: "people") })?.code == .invalidArgument)
        try SQLiteWriter.write(f, to: db, table: "people", ifExists: .append)
        let back = try await SQLiteQuerySource(path: db, query: "SELECT id, name, x, \"when\" FROM people WHERE id <> 2 ORDER BY id").load()
        #expect(back.rowCount == 4)
        #expect(back["name"].strings() == ["a,b", "a,b", "c\"d", "c\"d"])
        #expect(back["x"][2] == .double(-2e-7))
        #expect(back["when"].type == .date)
        let bad = #expect(throws: FrameError.self) { try SQLiteQuerySource(path: db, query: "SELECT nope FROM people").loadNow() }
        #expect(bad?.code == .sql)
        #expect(bad?.message.contains("nope") == true)
        #expect((#expect(throws: FrameError.self) { try SQLiteQuerySource(path: "/nonexistent/x.db", table: "t").loadNow() })?.code == .fileNotFound)
    }

    @Test func leadScoringUnitTestDatabase() throws {
        let db = TestData.current.path("leadscoring/unit_test_cases.db")
        let loaded = try SQLiteQuerySource(path: db, table: "loaded_data_test_case").loadNow()
        #expect(loaded.rowCount > 0)
        #expect(loaded["total_leads_droppped"].type == .double)
        let mapped = try SQLiteQuerySource(path: db, table: "interactions_mapped_test_case").loadNow()
        #expect(mapped.contains("city_tier"))
        #expect(mapped["city_tier"].type == .double)
    }
}
