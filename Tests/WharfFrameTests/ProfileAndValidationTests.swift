import Foundation
import Testing
@testable import WharfFrame

@Suite struct ProfileAndValidationTests {
    static func frame() throws -> DataFrame {
        try DataFrame([
            Column("x", [1, 2, 3, 4, nil, 6, 7, 8, 9, 10] as [Double?]),
            Column("g", ["a", "b", "a", "a", "c", nil, "a", "b", "a", "zz"] as [String?]),
            Column("id", [1, 2, 3, 4, 5, 6, 7, 8, 9, 9] as [Int64]),
            Column("y", [0, 0, 0, 0, 1, 1, 1, 1, 1, 1] as [Int64]),
        ])
    }

    @Test func profileStatistics() throws {
        let p = try Self.frame().profile(target: "y", bins: 3)
        let x = p.column("x")!
        #expect(x.count == 9 && x.missing == 1 && x.distinct == 9)
        #expect(abs(x.mean! - 50.0 / 9) < 1e-12)
        #expect(x.median == 6)
        #expect(x.q25 == 3)
        #expect(x.min == "1.0" && x.max == "10.0")
        #expect(x.histogram?.counts == [3, 2, 4])
        #expect(x.histogram?.edges == [1, 4, 7, 10])
        #expect(x.targetCorrelation! > 0.8)
        let g = p.column("g")!
        #expect(g.top.first == ValueCount(value: "a", count: 5))
        #expect(g.distinct == 4)
        #expect(g.targetCorrelation != nil)
        #expect(p.column("y")!.targetCorrelation == nil)
        let table = p.table()
        #expect(table.contains("10 rows x 4 columns"))
        let html = p.html(title: "t <1>")
        #expect(html.contains("<svg") && html.contains("<rect"))
        #expect(html.contains("t &lt;1&gt;"))
        #expect(!html.contains("<script"))
    }

    @Test func validationReportsEveryViolation() throws {
        let schema = Schema(columns: [
            .init(name: "x", type: .double, min: 2, max: 9, maxMissing: 0),
            .init(name: "g", allowed: ["a", "b", "c"]),
            .init(name: "id", type: .int64, unique: true),
            .init(name: "absent"),
            .init(name: "optional", required: false),
            .init(name: "y", type: .string),
        ], allowExtraColumns: true)
        let v = schema.validate(try Self.frame())
        let rules = v.map { "\($0.column):\($0.rule.rawValue)" }
        #expect(rules == ["x:too_many_missing", "x:below_min", "x:above_max", "g:not_allowed", "id:not_unique", "absent:missing_column", "y:type"])
        #expect(v[3].exampleRows == [9])
        #expect(v[4].count == 1 && v[4].exampleRows == [9])
        #expect(Schema.inferred(from: try Self.frame()).validate(try Self.frame()).isEmpty)
        let strict = Schema(columns: [.init(name: "x")], allowExtraColumns: false)
        #expect(strict.validate(try Self.frame()).filter { $0.rule == .unexpectedColumn }.count == 3)
    }

    @Test func schemaDecodingRejectsUnknownTypes() throws {
        let good = try JSONDecoder().decode(Schema.self, from: Data(#"{"columns": [{"name": "a", "type": "int", "max_missing": 0.5}]}"#.utf8))
        #expect(good.columns[0].type == .int64 && good.columns[0].maxMissing == 0.5)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Schema.self, from: Data(#"{"columns": [{"name": "a", "type": "integerish"}]}"#.utf8)) }
    }

    @Test func leadScoringRawSchemaCheck() throws {
        let data = TestData.current
        let f = try CSVReader.read(path: data.path("leadscoring/leadscoring_test.csv"))
        let raw = Schema(columns: [
            .init(name: "created_date", type: .timestamp),
            .init(name: "app_complete_flag", type: .int64, min: 0, max: 1, maxMissing: 0),
            .init(name: "total_leads_droppped", type: .double, min: 0),
        ])
        #expect(raw.validate(f).isEmpty)
        let p = try f.profile(target: "app_complete_flag")
        #expect(p.rows == data.leadTestRows)
    }
}
