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

    /// `fastDouble` on `s` followed by a comma and padding (it reads ahead): nil when it declines.
    static func fast(_ s: String) -> (Double, Int)? {
        let bytes = Array(s.utf8) + Array(repeating: UInt8(ascii: ","), count: NumberParsing.fastReadAhead)
        return bytes.withUnsafeBufferPointer { NumberParsing.fastDouble($0.baseAddress!) }
    }

    @Test func fastPathIsBitIdenticalToTheStandardLibrary() {
        var rng = SeededGenerator(seed: 29)
        let digits = Array("0123456789")
        var taken = 0
        for _ in 0..<200_000 {
            var s = Bool.random(using: &rng) ? "-" : ""
            s += String((0..<Int.random(in: 0...16, using: &rng)).map { _ in digits.randomElement(using: &rng)! })
            if Int.random(in: 0..<5, using: &rng) > 0 {
                s += "." + String((0..<Int.random(in: 0...16, using: &rng)).map { _ in digits.randomElement(using: &rng)! })
            }
            guard let (v, used) = Self.fast(s) else {
                // Declined: only when the general parser is needed (no digits or more than 15 of them).
                let count = s.filter(\.isNumber).count
                #expect(count == 0 || count > 15, "\(s) declined")
                continue
            }
            taken += 1
            let expected = Double(s)
            #expect(used == s.utf8.count, "\(s)")
            #expect(expected != nil && v.bitPattern == expected!.bitPattern, "\(s): \(v) vs \(String(describing: expected))")
        }
        #expect(taken > 100_000)
        // Values as the benchmark and pandas write them, through the whole reader.
        var rows = "x,n\n"
        var expected: [(Double, Int64)] = []
        for _ in 0..<20_000 {
            let x = (Double.random(in: -1000...1000, using: &rng) * 10_000).rounded() / 10_000
            let n = Int64.random(in: -99_999_999_999...99_999_999_999, using: &rng)
            rows += "\(x),\(n)\n"
            expected.append((Double("\(x)")!, n))
        }
        let f = try! CSVReader.read(string: rows)
        let xs = try! f["x"].doubles()
        #expect(f["n"].type == .int64)
        for (i, (x, n)) in expected.enumerated() {
            #expect(xs[i].bitPattern == x.bitPattern)
            #expect(f["n"][i] == .int(n))
        }
    }

    @Test func fastPathDeclinesWhatItCannotReadExactly() {
        for s in ["", "-", ".", "-.", "+1", "1e5", "1234567890123456", "0.1234567890123456", "12345678.12345678", "\"1\"", "NA"] {
            if let (v, used) = Self.fast(s) {
                // Accepted only as a prefix the general path then rejects by the byte after it.
                #expect(used < s.utf8.count, "\(s) read as \(v)")
            }
        }
        #expect(Self.fast("-0")!.0.sign == .minus)
        #expect(Self.fast("5.")! == (5, 2) && Self.fast(".5")! == (0.5, 2))
        #expect(Self.fast("999999999999999")!.0 == 999_999_999_999_999)
    }

    /// `fieldDouble` or `fieldInt` on `s` as a whole field, followed by `padding` (they read ahead).
    static func field<T>(_ s: String, padding: Character = ",", _ read: (UnsafePointer<UInt8>, Int) -> T?) -> T? {
        let bytes = Array(s.utf8) + Array(repeating: padding.asciiValue!, count: NumberParsing.fastReadAhead)
        return bytes.withUnsafeBufferPointer { read($0.baseAddress!, s.utf8.count) }
    }

    @Test func knownLengthFieldsAreBitIdenticalToTheStandardLibrary() {
        var rng = SeededGenerator(seed: 47)
        let digits = Array("0123456789")
        let odd = Array("+-.eE ax")
        var takenDoubles = 0, takenInts = 0
        for _ in 0..<300_000 {
            var s = Int.random(in: 0..<20, using: &rng) < 9 ? "-" : ""
            let length = Int.random(in: 0...17, using: &rng)
            let dot = Int.random(in: 0..<5, using: &rng) > 0 ? Int.random(in: 0...length, using: &rng) : -1
            for k in 0..<length {
                if k == dot { s += "." }
                s.append(Int.random(in: 0..<60, using: &rng) == 0 ? odd.randomElement(using: &rng)! : digits.randomElement(using: &rng)!)
            }
            if dot == length { s += "." }
            let body = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
            let digitCount = body.filter(\.isNumber).count
            let plainDecimal = body.allSatisfy { $0.isNumber || $0 == "." } && body.filter { $0 == "." }.count <= 1
            // Fields end at a delimiter; what follows must not change a value that is taken.
            for padding: Character in [",", "7"] {
                if let v = Self.field(s, padding: padding, NumberParsing.fieldDouble) {
                    let expected = Double(s)
                    #expect(expected != nil && v.bitPattern == expected!.bitPattern, "\(s): \(v) vs \(String(describing: expected))")
                    if padding == "," { takenDoubles += 1 }
                } else if padding == "," {
                    #expect(!plainDecimal || digitCount == 0 || digitCount > 15, "\(s) declined")
                }
                if let v = Self.field(s, padding: padding, NumberParsing.fieldInt) {
                    #expect(Int64(s) == v, "\(s): \(v)")
                    if padding == "," { takenInts += 1 }
                } else if padding == "," {
                    #expect(!(plainDecimal && !body.contains(".")) || digitCount == 0 || digitCount > 15, "\(s) declined as an integer")
                }
            }
        }
        #expect(takenDoubles > 150_000 && takenInts > 20_000)
        #expect(Self.field("-0", NumberParsing.fieldDouble)!.sign == .minus)
        #expect(Self.field("-0", NumberParsing.fieldInt) == 0)
        for bad in ["", "-", ".", "-.", "+1", "1e5", "1.2.3", "1-2", "12a", " 1", "\"1\"", "NA", "1234567890123456"] {
            #expect(Self.field(bad, NumberParsing.fieldDouble) == nil, "\(bad)")
        }
        #expect(Self.field("5.", NumberParsing.fieldDouble) == 5 && Self.field(".5", NumberParsing.fieldDouble) == 0.5)
        #expect(Self.field("-.5", NumberParsing.fieldDouble) == -0.5 && Self.field("99999999", NumberParsing.fieldInt) == 99_999_999)
        #expect(Self.field("1.5", NumberParsing.fieldInt) == nil && Self.field("+1", NumberParsing.fieldInt) == nil)
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
