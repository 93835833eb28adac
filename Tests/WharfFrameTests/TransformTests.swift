import Foundation
import Testing
@testable import WharfFrame

@Suite struct TransformTests {
    static func train() throws -> DataFrame {
        try DataFrame([
            Column("city", ["a", "a", "a", "b", "b", "c", nil, "a"] as [String?]),
            Column("x", [1, 2, nil, 4, 5, 6, 7, 9] as [Double?]),
            Column("y", [1, 0, 1, 1, 0, 0, 1, 1] as [Int64]),
        ])
    }

    @Test func imputerStrategies() throws {
        let f = try Self.train()
        var mean = Imputer(columns: ["x"], strategy: .mean)
        #expect(try mean.fitTransform(f)["x"][2] == .double(34.0 / 7))
        var median = Imputer(columns: ["x"], strategy: .median)
        #expect(try median.fitTransform(f)["x"][2] == .double(5))
        var frequent = Imputer(columns: ["city"], strategy: .mostFrequent)
        #expect(try frequent.fitTransform(f)["city"][6] == .string("a"))
        var constant = Imputer(columns: ["city"], strategy: .constant("none"))
        #expect(try constant.fitTransform(f)["city"][6] == .string("none"))
        let unfitted = Imputer(columns: ["x"], strategy: .mean)
        #expect((#expect(throws: FrameError.self) { try unfitted.transform(f) })?.code == .invalidArgument)
    }

    @Test func scalers() throws {
        let f = try Self.train()
        var s = StandardScaler(columns: ["x"])
        let t = try s.fitTransform(f)
        let z = try t["x"].doubles().filter { !$0.isNaN }
        #expect(abs(z.reduce(0, +)) < 1e-9)
        let variance: Double = z.map { $0 * $0 }.reduce(0, +) / Double(z.count)
        #expect(abs(variance - 1) < 1e-9)
        var m = MinMaxScaler(columns: ["x"])
        let u = try m.fitTransform(f)
        #expect(u["x"][0] == .double(0))
        #expect(u["x"][7] == .double(1))
        #expect(u["x"][2] == .null)
    }

    @Test func oneHotCapsCategoriesAndSendsUnseenToOther() throws {
        var enc = OneHotEncoder(columns: ["city"], maxCategories: 2)
        let t = try enc.fitTransform(Self.train())
        #expect(t.columnNames == ["x", "y", "city=a", "city=b", "city=other"])
        #expect(try t["city=other"].doubles() == [0, 0, 0, 0, 0, 1, 0, 0])
        let serving = try DataFrame([Column("city", ["zzz", "b"] as [String]), Column("x", [1.0, 2.0] as [Double]), Column("y", [0, 1] as [Int64])])
        let s = try enc.transform(serving)
        #expect(try s["city=other"].doubles() == [1, 0])
        #expect(try s["city=b"].doubles() == [0, 1])
    }

    @Test func ordinalFrequencyTargetAndRare() throws {
        let f = try Self.train()
        var ord = OrdinalEncoder(columns: ["city"])
        let ordinal: [Double] = try ord.fitTransform(f)["city"].doubles()
        #expect(Array(ordinal.prefix(6)) == [0, 0, 0, 1, 1, 2])
        #expect(ordinal[6].isNaN)
        var freq = FrequencyEncoder(columns: ["city"])
        #expect(try freq.fitTransform(f)["city"][0] == .double(4.0 / 8))
        var target = TargetEncoder(columns: ["city"], target: "y", smoothing: 0)
        let t = try target.fitTransform(f)
        #expect(t["city"][0] == .double(0.75))
        #expect(t["city"][6] == .double(5.0 / 8))
        var rare = RareLevelMapper(columns: ["city"], minShare: 0.2)
        #expect(try rare.fitTransform(f)["city"].strings() == ["a", "a", "a", "b", "b", "others", nil, "a"])
    }

    @Test func pipelineRoundTripsThroughJSON() throws {
        var p = Pipeline([
            Imputer(columns: ["x"], strategy: .median),
            RareLevelMapper(columns: ["city"], minShare: 0.2),
            OneHotEncoder(columns: ["city"]),
            StandardScaler(columns: ["x"]),
        ])
        let f = try Self.train()
        let expected = try p.fitTransform(f)
        let data = try JSONEncoder().encode(p)
        let back = try JSONDecoder().decode(Pipeline.self, from: data)
        let again = try back.transform(f)
        #expect(again.columnNames == expected.columnNames)
        for name in expected.columnNames { #expect(again[name].values == expected[name].values) }
        let future = Data(#"{"version": 99, "steps": []}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Pipeline.self, from: future) }
    }

    /// Fitting the same data twice gives byte-identical JSON (a model file's preprocessing must not depend on
    /// hash-seed order), and the sorted levels read back as the same set.
    @Test func rareLevelMapperEncodesTheSameBytesEveryTime() throws {
        let levels = (0..<40).map { "level-\($0)" }
        let f = try DataFrame([Column("c", (0..<400).map { Optional(levels[$0 % 40]) })])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var first = RareLevelMapper(columns: ["c"], minShare: 0.01)
        try first.fit(f)
        var second = RareLevelMapper(columns: ["c"], minShare: 0.01)
        try second.fit(f)
        let bytes = try encoder.encode(first)
        #expect(bytes == (try encoder.encode(second)))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""kept":{"c":["level-0","level-1","level-10""#))
        let back = try JSONDecoder().decode(RareLevelMapper.self, from: bytes)
        #expect(back.kept == first.kept)
        #expect(try back.transform(f)["c"].strings() == (try first.transform(f)["c"].strings()))
    }

    @Test func splits() throws {
        let n = 1000
        let f = try DataFrame([
            Column("id", (0..<n).map { Int64($0) }),
            Column("label", (0..<n).map { Int64($0 % 10 == 0 ? 1 : 0) }),
            Column("order", (0..<n).map { Int64($0 / 4) }),
        ])
        let (a, b) = try f.randomSplit(testFraction: 0.2, seed: 3)
        #expect(a.rowCount == 800 && b.rowCount == 200)
        let (a2, _) = try f.randomSplit(testFraction: 0.2, seed: 3)
        #expect(a2["id"].values == a["id"].values)
        let (st, ss) = try f.stratifiedSplit(on: "label", testFraction: 0.3, seed: 1)
        #expect(try ss["label"].doubles().reduce(0, +) == 30)
        #expect(try st["label"].doubles().reduce(0, +) == 70)
        let (gt, gs) = try f.groupSplit(on: "order", testFraction: 0.25, seed: 5)
        let trainOrders = Set(gt["order"].values), testOrders = Set(gs["order"].values)
        #expect(trainOrders.isDisjoint(with: testOrders))
        #expect(testOrders.count == 63)
        let (tt, ts) = try f.timeSplit(on: "id", cutoff: 700)
        #expect(tt.rowCount == 700 && ts.rowCount == 300)
        let dated = try CSVReader.read(string: "d\n2021-01-01\n2021-02-01\n2021-03-01\n")
        let (before, after) = try dated.timeSplit(on: "d", cutoff: "2021-02-01")
        #expect(before.rowCount == 1 && after.rowCount == 2)
    }
}
