import Testing
@testable import WharfFrame

@Suite struct KeyCoderTests {
    @Test func parallelEncodingMatchesSerial() throws {
        let n = (1 << 20) + 4_321
        let ints = Column("k", (0..<n).map { Int64(($0 &* 7919) % 1_003) } as [Int64])
        let texts = Column("s", (0..<n).map { $0 % 5 == 0 ? nil : "key\(($0 &* 31) % 997)" } as [String?])
        for c in [ints, texts] {
            var parallel = KeyCoder(), serial = KeyCoder()
            let p = parallel.encode(c)
            let s = serial.encodeSerially(c)
            #expect(p == s)
            #expect(parallel.count == serial.count)
        }
        // Dense integer keys take the direct table; codes still follow first appearance and later encodes agree.
        let dense = Column("d", (0..<10_000).map { Int64(($0 &* 37) % 500) + 1_000_000 } as [Int64])
        var d = KeyCoder()
        let dc = d.encode(dense)
        #expect(dc[0] == 0 && dc[1] == 1)
        #expect(d.count == 500)
        #expect(dc == KeyCoder().encodeSeriallyCopy(dense))
        let again = d.encode(Column("d", [1_000_037, 5] as [Int64]))
        #expect(again == [1, 500])
        var a = KeyCoder()
        let big = a.encode(ints)
        let small = a.encode(Column("k", [1_002, 5_000] as [Int64]))
        #expect(small[0] == big[(0..<n).first { Int64(($0 &* 7919) % 1_003) == 1_002 }!])
        #expect(small[1] == 1_003)
    }
}

extension KeyCoder {
    /// Serial encoding by a fresh coder, for comparison.
    func encodeSeriallyCopy(_ c: Column) -> [Int32] {
        var fresh = KeyCoder()
        return fresh.encodeSerially(c)
    }
}
