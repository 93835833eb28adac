import Testing
@testable import WharfFrame

@Suite struct CoreTests {
    @Test func bitmapCountsAndSlices() {
        var bits = ValidityBitmap(count: 200)
        for i in stride(from: 0, to: 200, by: 3) { bits[i] = false }
        #expect(bits.nullCount == 67)
        let s = bits.slice(5..<150)
        #expect(s.count == 145)
        #expect(s.nullCount == (5..<150).filter { $0 % 3 == 0 }.count)
        #expect(s[1] == false && s[0] == true)  // rows 6 and 5
        var grown = ValidityBitmap(count: 0)
        for i in 0..<130 { grown.append(i % 2 == 0) }
        #expect(grown.nullCount == 65)
    }

    @Test func slicesShareBuffersAndTakeGathers() throws {
        let c = Column("x", [1, nil, 3, 4, nil] as [Int64?])
        let s = c.slice(1..<4)
        #expect(s.values == [.null, .int(3), .int(4)])
        #expect(s.nullCount == 1)
        let t = c.take([4, -1, 0])
        #expect(t.values == [.null, .null, .int(1)])
        let f = try DataFrame([c, Column("y", ["a", "b", "c", "d", "e"] as [String])])
        #expect(f.slice(3..<5)["y"].strings() == ["d", "e"])
        #expect((#expect(throws: FrameError.self) { try DataFrame([c, Column("x", [1.0] as [Double])]) })?.code == .duplicateColumn)
        #expect((#expect(throws: FrameError.self) { try DataFrame([c, Column("z", [1.0] as [Double])]) })?.code == .lengthMismatch)
        #expect(f.description.contains("[5 rows x 2 columns]"))
    }

    @Test func datesAndCasts() throws {
        #expect(CivilDate.format(days: CivilDate.days(year: 2020, month: 2, day: 29)) == "2020-02-29")
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.format(days: -1) == "1969-12-31")
        #expect(CivilDate.parse("2021-08-26T15:26:12Z")?.description == "2021-08-26 15:26:12")
        #expect(CivilDate.parse("2021-13-01") == nil)
        let s = Column("s", ["1", "x", nil] as [String?])
        #expect(try s.cast(to: .int64).values == [.int(1), .null, .null])
        #expect((#expect(throws: FrameError.self) { try s.cast(to: .int64, strict: true) })?.row == 1)
        let d = try Column("d", [20170715] as [Int64]).cast(to: .date)
        #expect(d[0].description == "2017-07-15")
    }
}
