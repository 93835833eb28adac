import Testing
@testable import WharfFrame

@Suite struct NumberParsingTests {
    static func parse(_ s: String) -> Double? {
        var t = s
        return t.withUTF8 { NumberParsing.double($0.baseAddress!, $0.count) }
    }

    @Test func agreesWithTheStandardLibrary() {
        var rng = SeededGenerator(seed: 11)
        let digits = Array("0123456789")
        for _ in 0..<20_000 {
            var s = Bool.random(using: &rng) ? "-" : ""
            s += String((0..<Int.random(in: 1...22, using: &rng)).map { _ in digits.randomElement(using: &rng)! })
            if Bool.random(using: &rng) {
                s += "." + String((0..<Int.random(in: 0...21, using: &rng)).map { _ in digits.randomElement(using: &rng)! })
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { s += "e\(Int.random(in: -330...310, using: &rng))" }
            let expected = Double(s)
            let got = Self.parse(s)
            #expect(got == expected || (got?.isNaN == true && expected?.isNaN == true), "\(s)")
        }
    }

    @Test func edgeCases() {
        #expect(Self.parse("0.1") == 0.1)
        #expect(Self.parse("-0") == -0.0 && Self.parse("-0")!.sign == .minus)
        #expect(Self.parse("1e22") == 1e22)
        #expect(Self.parse("9007199254740993") == 9007199254740993.0)
        #expect(Self.parse("123456789012345678901234567890") == 123456789012345678901234567890.0)
        #expect(Self.parse("inf") == .infinity && Self.parse("-Infinity") == -.infinity)
        #expect(Self.parse(".5") == 0.5 && Self.parse("5.") == 5)
        for bad in ["", "-", ".", "e5", "1e", "1.2.3", "12a", "0x10", " 1"] { #expect(Self.parse(bad) == nil, "\(bad)") }
        var s = "12345678.87654321,"
        let (v, used) = s.withUTF8 { NumberParsing.scanDouble($0.baseAddress!, $0.count) }
        #expect(v == 12345678.87654321 && used == 17)
    }
}
