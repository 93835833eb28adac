import Foundation
import Testing
@testable import WharfFrame

@Suite struct OperationsTests {
    static func people() throws -> DataFrame {
        try DataFrame([
            Column("name", ["ann", "bob", "cy", "dee", "eve", "fay"] as [String]),
            Column("age", [34, nil, 19, 51, 34, 27] as [Int64?]),
            Column("city", ["oslo", "rome", "oslo", nil, "rome", "oslo"] as [String?]),
            Column("score", [1.5, 2.0, nil, 4.0, 3.0, 0.5] as [Double?]),
        ])
    }

    @Test func selectSliceAndRenameShareData() throws {
        let f = try Self.people()
        let s = try f.select(["score", "name"]).slice(2..<5)
        #expect(s.columnNames == ["score", "name"])
        #expect(s["name"].strings() == ["cy", "dee", "eve"])
        #expect(s["score"][0] == .null)
        let r = try f.renamed(["age": "years"])
        #expect(r.contains("years") && !r.contains("age"))
        #expect((#expect(throws: FrameError.self) { try f.select(["nope"]) })?.code == .unknownColumn)
    }

    @Test func filterExpressionsTreatNullAsFalse() throws {
        let f = try Self.people()
        #expect(try f.filter(col("age") > 30)["name"].strings() == ["ann", "dee", "eve"])
        #expect(try f.filter(col("city") == "oslo" && col("score") >= 1.0)["name"].strings() == ["ann"])
        #expect(try f.filter(!(col("city") == "oslo"))["name"].strings() == ["bob", "eve"])
        #expect(try f.filter(col("age").isNull() || col("city").isNull())["name"].strings() == ["bob", "dee"])
        #expect(try f.filter(col("city").isIn(["rome", "paris"]))["name"].strings() == ["bob", "eve"])
        let derived = try f.with("double_score", col("score") * 2.0)
        #expect(derived["double_score"][3] == .double(8))
        #expect(derived["double_score"][2] == .null)
        #expect((#expect(throws: FrameError.self) { try f.filter(col("name") + 1) })?.code == .typeMismatch)
    }

    @Test func stableMultiKeySortWithNulls() throws {
        let f = try Self.people()
        let s = try f.sorted(by: [SortKey("age", ascending: false), SortKey("name")])
        #expect(s["name"].strings() == ["dee", "ann", "eve", "fay", "cy", "bob"])
        let nullsFirst = try f.sorted(by: [SortKey("city", nullsFirst: true)])
        #expect(nullsFirst["name"].strings() == ["dee", "ann", "cy", "fay", "bob", "eve"])
    }

    @Test func groupByAggregations() throws {
        let f = try Self.people()
        let g = try f.groupBy(["city"]).aggregate([
            Aggregation("score", .mean, as: "mean"), Aggregation("age", .std, as: "std"), Aggregation("name", .first, as: "first"),
            Aggregation("name", .last, as: "last"), Aggregation("age", .nunique, as: "ages"), Aggregation("name", .min, as: "minName"),
        ])
        #expect(g["city"].strings() == ["oslo", "rome"])
        #expect(g["mean"][0] == .double(1.0))
        #expect(g["first"].strings() == ["ann", "bob"])
        #expect(g["last"].strings() == ["fay", "eve"])
        #expect(g["ages"][0] == .int(3))
        #expect(g["minName"].strings() == ["ann", "bob"])
        let std = try g["std"].doubles()[0]
        #expect(abs(std - 7.505553499465135) < 1e-9)
        #expect(g["std"][1] == .null)
        // Numbers compare as numbers (9 is below 10), text as text.
        let n = try DataFrame([Column("k", ["a", "a", "b"] as [String]), Column("x", [10.0, 9.0, 2.5] as [Double]),
                               Column("t", ["10", "9", "z"] as [String])])
        let m = try n.groupBy(["k"]).aggregate([Aggregation("x", .min), Aggregation("x", .max), Aggregation("t", .min)])
        #expect(m["x_min"].values == [.double(9), .double(2.5)])
        #expect(m["x_max"].values == [.double(10), .double(2.5)])
        #expect(m["t_min"].values == [.string("10"), .string("z")])
        let withNulls = try f.groupBy(["city"], dropNullKeys: false).count()
        #expect(withNulls.rowCount == 3)
    }

    @Test func joinsWithSuffixesAndMultipleKeys() throws {
        let a = try DataFrame([Column("k1", [1, 1, 2] as [Int64]), Column("k2", ["x", "y", "x"] as [String]), Column("v", [1.0, 2.0, 3.0] as [Double])])
        let b = try DataFrame([Column("k1", [1, 2, 3] as [Int64]), Column("k2", ["y", "x", "x"] as [String]), Column("v", [10.0, 20.0, 30.0] as [Double])])
        let inner = try a.join(b, on: ["k1", "k2"])
        #expect(inner.columnNames == ["k1", "k2", "v_x", "v_y"])
        #expect(inner["v_y"].values == [.double(10), .double(20)])
        let outer = try a.join(b, on: ["k1", "k2"], kind: .outer)
        #expect(outer.rowCount == 4)
        #expect(outer["k1"][3] == .int(3))
        #expect(outer["v_x"][3] == .null)
        let mixed = try DataFrame([Column("k1", [1.0, 3.0] as [Double]), Column("w", ["p", "q"] as [String])])
        #expect(try a.join(mixed, on: ["k1"])["w"].strings() == ["p", "p"])
        let textKeys = try DataFrame([Column("k1", ["1"] as [String])])
        #expect((#expect(throws: FrameError.self) { try a.join(textKeys, on: ["k1"]) })?.code == .typeMismatch)
        let left = try a.join(b, on: ["k1", "k2"], kind: .left)
        #expect(left["v_y"].values == [.null, .double(10), .double(20)])
    }

    @Test func concatSampleValueCountsPivot() throws {
        let f = try Self.people()
        let c = try DataFrame.concat([f.select(["name", "age"]), f.select(["name", "score"])])
        #expect(c.rowCount == 12)
        #expect(c["score"][0] == .null && c["score"][6] == .double(1.5))
        #expect(c["age"][6] == .null)
        let s1 = try f.sample(3, seed: 7), s2 = try f.sample(3, seed: 7)
        #expect(s1["name"].strings() == s2["name"].strings())
        #expect(Set(s1["name"].strings()).count == 3)
        let vc = try f.valueCounts("city")
        #expect(vc["city"].strings() == ["oslo", "rome"])
        #expect(vc["count"].values == [.int(3), .int(2)])
        let p = try f.pivotCounts(index: "city", columns: "age")
        #expect(p.columnNames == ["city", "19", "27", "34", "51"])
        #expect(p["34"].values == [.int(1), .int(1)])
        let dedup = try f.dropDuplicates(["city"])
        #expect(dedup["name"].strings() == ["ann", "bob", "dee"])
        #expect(try f.dropNulls().rowCount == 3)
    }

    @Test func datePartsAndWindows() throws {
        let orders = try CSVReader.read(string: """
        user,product,at
        u1,p1,2021-03-01 10:00:00
        u1,p2,2021-03-04 09:30:00
        u2,p1,2021-03-02 08:00:00
        u1,p1,2021-03-10 10:00:00
        u1,p1,2021-03-12 22:15:00
        """)
        let parts = try orders.addingDateParts("at", [.year, .month, .weekday, .hour])
        #expect(parts["at_year"][0] == .int(2021))
        #expect(parts["at_weekday"][0] == .int(0))  // 2021-03-01 was a Monday
        #expect(parts["at_hour"][4] == .int(22))
        let w = try orders
            .addingCumulativeCount(partitionBy: ["user", "product"], orderBy: [SortKey("at")], as: "nth")
            .addingLag("at", partitionBy: ["user", "product"], orderBy: [SortKey("at")], as: "previous")
            .addingDaysBetween("previous", "at", as: "days_since")
        #expect(w["nth"].values == [.int(0), .int(0), .int(0), .int(1), .int(2)])
        #expect(w["days_since"][0] == .null)
        #expect(w["days_since"][3] == .double(9))
        let d = try w["days_since"].doubles()[4]
        #expect(abs(d - (2 + 12.25 / 24)) < 1e-9)
    }

    @Test func learnerViews() throws {
        let f = try Self.people()
        #expect(try f["age"].doubles()[1].isNaN)
        #expect(try f["score"].floats() [0] == 1.5)
        let (codes, levels) = try f["city"].categoricalCodes()
        #expect(levels == ["oslo", "rome"])
        #expect(codes == [0, 1, 0, -1, 1, 0])
        let (matrix, names) = try f.numericMatrix()
        #expect(names == ["age", "score"])
        #expect(matrix.count == 12)
        #expect(matrix[6] == 1.5)
        let (x, y) = try f.splitTarget("score")
        #expect(!x.contains("score") && y.name == "score")
        #expect((#expect(throws: FrameError.self) { try f["name"].doubles() })?.code == .typeMismatch)
    }
}
