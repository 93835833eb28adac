import Foundation
import PropertyBased
import Testing
@testable import WharfFrame

/// Random CSV files of numbers, text, dates, timestamps and bools, written as text cell by cell together with the
/// value a reader must give for each cell (a naive reading of the format), so the field-end index and the general
/// path are checked against the same expectation.
enum RandomMixedCSV {
    static let names = ["d", "i", "city", "id", "day", "at", "flag", "note"]
    static let types: [String: DataType] = ["d": .double, "i": .int64, "city": .string, "id": .string, "day": .date,
                                            "at": .timestamp, "flag": .bool, "note": .string]
    static let cities = ["Mumbai", "Thane & Outskirts", "Other Cities of Maharashtra", "Zürich", "東京", "Select", "x"]
    static let notePieces = ["a", "é", "😀", "漢", " ", "1", "NA", "true", "2020-01-01", "-", "."]

    struct File {
        var text: String
        var expected: [String: [Value]]
    }

    /// `quotes`: whether fields may be quoted (and text may hold delimiters, quotes and newlines); `na`: whether
    /// NA tokens other than the empty field appear.
    static func file(seed: UInt64, rows: Int, quotes: Bool, na: Bool, crlf: Bool) -> File {
        var rng = SeededGenerator(seed: seed)
        let eol = crlf ? "\r\n" : "\n"
        var text = names.joined(separator: ",") + eol
        var expected = [String: [Value]]()
        for _ in 0..<rows {
            var cells: [String] = []
            for name in names {
                let (cell, value) = self.cell(name, quotes: quotes, na: na, &rng)
                cells.append(cell)
                expected[name, default: []].append(value)
            }
            text += cells.joined(separator: ",") + eol
        }
        return File(text: text, expected: expected)
    }

    static func cell(_ name: String, quotes: Bool, na: Bool, _ rng: inout SeededGenerator) -> (String, Value) {
        let roll = Int.random(in: 0..<100, using: &rng)
        if roll < 4 { return ("", .null) }
        if na, roll < 7 { return (["NA", "null", "NaN", "N/A"].randomElement(using: &rng)!, .null) }
        let quote = quotes && Int.random(in: 0..<10, using: &rng) == 0
        var raw: String
        var value: Value
        switch name {
        case "d":
            let digits = Int.random(in: 0...6, using: &rng)
            let v = Double(Int64.random(in: -99_999_999...99_999_999, using: &rng)) / pow(10, Double(digits))
            raw = Int.random(in: 0..<20, using: &rng) == 0 ? String(format: "%.3e", v) : "\(v)"
            value = .double(Double(raw)!)
        case "i":
            let v = Int.random(in: 0..<10, using: &rng) == 0 ? Int64.random(in: Int64.min / 2...Int64.max / 2, using: &rng)
                : Int64.random(in: -100_000...100_000, using: &rng)
            raw = "\(v)"
            value = .int(v)
        case "city":
            raw = cities.randomElement(using: &rng)!
            value = .string(raw)
        case "id":
            raw = String(UInt64.random(in: 0...UInt64.max, using: &rng), radix: 16) + String(repeating: "f", count: Int.random(in: 0...40, using: &rng))
            value = .string(raw)
        case "day":
            let (y, m, d) = (Int.random(in: 1900...2100, using: &rng), Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
            raw = String(format: "%04d-%02d-%02d", y, m, d)
            value = .date(CivilDate.days(year: y, month: m, day: d))
        case "at":
            let (y, m, d) = (Int.random(in: 1970...2100, using: &rng), Int.random(in: 1...12, using: &rng), Int.random(in: 1...28, using: &rng))
            let (h, mi, s) = (Int.random(in: 0...23, using: &rng), Int.random(in: 0...59, using: &rng), Int.random(in: 0...59, using: &rng))
            let micros = Int.random(in: 0...2, using: &rng) == 0 ? Int.random(in: 0...999_999, using: &rng) : 0
            let sep = Bool.random(using: &rng) ? " " : "T"
            raw = String(format: "%04d-%02d-%02d%@%02d:%02d:%02d", y, m, d, sep, h, mi, s) + (micros > 0 ? String(format: ".%06d", micros) : "")
            let day = Int64(CivilDate.days(year: y, month: m, day: d))
            value = .timestamp(day * 86_400_000_000 + Int64(h * 3600 + mi * 60 + s) * 1_000_000 + Int64(micros))
        case "flag":
            raw = ["true", "True", "TRUE", "false", "False", "FALSE"].randomElement(using: &rng)!
            value = .bool(raw.lowercased() == "true")
        default:
            raw = (0..<Int.random(in: 1...4, using: &rng)).map { _ in notePieces.randomElement(using: &rng)! }.joined()
            if quotes, Int.random(in: 0..<8, using: &rng) == 0 { raw += [",", "\"", "\n", "\r\n", "\"\""].randomElement(using: &rng)! }
            value = .string(raw)
        }
        let special = raw.contains(",") || raw.contains("\"") || raw.contains("\n") || raw.contains("\r")
        if quote || special {
            // A quoted field is literal text: in a text column even "NA" or "" is a value, not a null.
            if name == "note", Int.random(in: 0..<4, using: &rng) == 0 { raw = ["NA", ""].randomElement(using: &rng)!; value = .string(raw) }
            return ("\"" + raw.replacingOccurrences(of: "\"", with: "\"\"") + "\"", value)
        }
        if name == "note", NATokens(CSVOptions.pandasNATokens).contains(raw) { return (raw, .null) }
        return (raw, value)
    }

    static func read(_ text: String, threads: Int, schema: Bool) throws -> DataFrame {
        var options = CSVOptions()
        options.threads = threads
        if schema { options.schema = types }
        return try CSVReader(source: MemoryByteSource(Array(text.utf8)), options: options).readAll()
    }
}

extension NATokens {
    func contains(_ s: String) -> Bool {
        var bytes = Array(s.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { contains($0.baseAddress!, $0.count - 1) }
    }
}

@Suite struct CSVMixedPropertyTests {
    @Test func mixedFilesReadAsWrittenWithAnyThreads() async {
        await propertyCheck(count: 12, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            let s = UInt64(seed)
            // Over 256 KiB, so several threads get several segments; some files end without a newline.
            var file = RandomMixedCSV.file(seed: s, rows: 3500 + Int(s % 500), quotes: s % 3 != 0, na: s % 2 == 0, crlf: s % 4 < 2)
            if s % 5 == 0, file.text.hasSuffix("\n") { file.text.removeLast() }
            for threads in [1, 3] {
                for schema in [true, false] {
                    let frame = try RandomMixedCSV.read(file.text, threads: threads, schema: schema)
                    #expect(frame.columnNames == RandomMixedCSV.names)
                    for name in RandomMixedCSV.names {
                        #expect(frame[name].type == RandomMixedCSV.types[name], "\(name), threads \(threads), schema \(schema)")
                        let got = frame[name].values, want = file.expected[name]!
                        #expect(got.count == want.count)
                        if let row = got.indices.first(where: { $0 < want.count && got[$0] != want[$0] }) {
                            Issue.record("column \(name) row \(row) (threads \(threads), schema \(schema)): \(got[row]) != \(want[row])")
                        }
                    }
                }
            }
        }
    }

    @Test func lowCardinalityTextSharesValuesAndKeepsThem() throws {
        // Many repeats of a few long values, then an id column of distinct ones: both paths of the text reuse.
        var text = "city,id,n\n"
        var cities: [String] = [], ids: [String] = []
        for r in 0..<6000 {
            let c = RandomMixedCSV.cities[(r * 7) % RandomMixedCSV.cities.count]
            let id = "id-\(r)-" + String(repeating: "z", count: r % 50)
            cities.append(c)
            ids.append(id)
            text += "\(c),\(id),\(r)\n"
        }
        for threads in [1, 2] {
            let frame = try RandomMixedCSV.read(text, threads: threads, schema: false)
            // Compared outside the expectation so a failure does not print 6,000 values.
            let sameCities = frame["city"].strings() == cities, sameIDs = frame["id"].strings() == ids
            #expect(sameCities, "threads \(threads)")
            #expect(sameIDs, "threads \(threads)")
            #expect(try frame["n"].doubles() == (0..<6000).map(Double.init))
        }
    }

    @Test func malformedRecordDeepInAMixedFileIsReportedAtItsLine() throws {
        let file = RandomMixedCSV.file(seed: 7, rows: 4000, quotes: false, na: false, crlf: false)
        var lines = file.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[3001] += ",extra"
        let broken = lines.joined(separator: "\n")
        for threads in [1, 3] {
            #expect {
                _ = try RandomMixedCSV.read(broken, threads: threads, schema: true)
            } throws: { error in
                guard let e = error as? FrameError else { return false }
                return e.code == .raggedRow && e.line == 3002
            }
        }
    }

    @Test func textValueInADateColumnWidensItToString() throws {
        var text = "day,n\n"
        for r in 0..<6000 { text += (r == 5500 ? "soon" : "2020-01-\(String(format: "%02d", r % 28 + 1))") + ",\(r)\n" }
        for threads in [1, 3] {
            let frame = try RandomMixedCSV.read(text, threads: threads, schema: false)
            #expect(frame["day"].type == .string)
            #expect(frame["day"].strings()[5500] == "soon")
            #expect(frame["day"].strings()[5499] == "2020-01-12")
        }
    }
}
