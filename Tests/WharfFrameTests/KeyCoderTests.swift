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
        var a = KeyCoder()
        let big = a.encode(ints)
        let small = a.encode(Column("k", [1_002, 5_000] as [Int64]))
        #expect(small[0] == big[(0..<n).first { Int64(($0 &* 7919) % 1_003) == 1_002 }!])
        #expect(small[1] == 1_003)
    }
}
