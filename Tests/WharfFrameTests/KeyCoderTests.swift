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

    @Test func stringKeysOfEveryStorageAgree() throws {
        // Short keys stored inline and the same text stored out of line (reserved capacity), long keys, non-ASCII
        // keys and the empty string: equal text, equal code.
        func outOfLine(_ s: String) -> String {
            var t = String()
            t.reserveCapacity(64)
            t += s
            return t
        }
        let texts = ["k1", "k22", "", "é漢", "a key longer than fifteen bytes", "k1"]
        var keys: [String?] = []
        for i in 0..<30_000 {
            let t = texts[i % texts.count]
            keys.append(i % 7 == 0 ? nil : (i % 2 == 0 ? t : outOfLine(t)))
        }
        var coder = KeyCoder()
        let codes = coder.encode(Column("s", keys))
        #expect(coder.count == 5)
        var reference: [String: Int32] = [:]
        for (i, k) in keys.enumerated() {
            if let k {
                let expected = reference[k] ?? Int32(reference.count)
                reference[k] = expected
                #expect(codes[i] == expected, "\(k)")
            } else {
                #expect(codes[i] == -1)
            }
        }
        var map = StringHashMap()
        #expect(map.code(for: outOfLine("k22")) == 0)
        #expect(map.find("k22") == 0 && map.find(outOfLine("k22")) == 0 && map.find("k2") == -1)
        // Growing past the first table keeps every code.
        for i in 0..<5_000 { #expect(map.code(for: "v\(i)") == Int32(i + 1)) }
        #expect(map.find(outOfLine("v4999")) == 5_000 && map.find("k22") == 0)
    }
}

extension KeyCoder {
    /// Serial encoding by a fresh coder, for comparison.
    func encodeSeriallyCopy(_ c: Column) -> [Int32] {
        var fresh = KeyCoder()
        return fresh.encodeSerially(c)
    }
}
