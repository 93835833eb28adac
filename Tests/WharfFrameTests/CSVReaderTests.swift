import Foundation
import Testing
@testable import WharfFrame

@Suite struct CSVReaderTests {
    @Test func infersTypesAndNulls() throws {
        let f = try CSVReader.read(string: "a,b,c,d,e,f\n1,2.5,x,true,2021-08-26,2021-08-26 15:26:12\n,NA,,False,,\n3,-1e3,\"y,z\",TRUE,2020-01-31,2020-01-31 00:00:01.5\n")
        #expect(f.rowCount == 3)
        #expect(f.schema.map(\.type) == [.int64, .double, .string, .bool, .date, .timestamp])
        #expect(f["a"][1] == .null)
        #expect(f["b"][2] == .double(-1000))
        #expect(f["c"][2] == .string("y,z"))
        #expect(f["c"][1] == .null)
        #expect(f["d"][1] == .bool(false))
        #expect(f["e"][0].description == "2021-08-26")
        #expect(f["f"][2].description == "2020-01-31 00:00:01.500000")
    }

    @Test func quotingCRLFAndBOM() throws {
        let text = "\u{FEFF}name,note\r\n\"Smith, J\",\"said \"\"hi\"\"\r\nthen left\"\r\nLee,\r\n"
        let f = try CSVReader.read(string: text)
        #expect(f.columnNames == ["name", "note"])
        #expect(f.rowCount == 2)
        #expect(f["name"][0] == .string("Smith, J"))
        #expect(f["note"][0] == .string("said \"hi\"\r\nthen left"))
        #expect(f["note"][1] == .null)
    }

    @Test func unnamedIndexIsDroppedOrKept() throws {
        let text = ",x,y\n0,1,a\n1,2,b\n"
        let dropped = try CSVReader.read(string: text)
        #expect(dropped.columnNames == ["x", "y"])
        var options = CSVOptions()
        options.unnamedIndex = .keep("index")
        let kept = try CSVReader.read(string: text, options: options)
        #expect(kept.columnNames == ["index", "x", "y"])
        #expect(kept["index"][1] == .int(1))
    }

    @Test func headerlessDelimiterAndNATokens() throws {
        var options = CSVOptions()
        options.hasHeader = false
        options.delimiter = UInt8(ascii: ";")
        options.naTokens = ["-", "missing"]
        let f = try CSVReader.read(string: "1;missing\n-;b\n", options: options)
        #expect(f.columnNames == ["column_0", "column_1"])
        #expect(f["column_0"][1] == .null)
        #expect(f["column_1"][0] == .null)
        #expect(f["column_1"][1] == .string("b"))
    }

    @Test func schemaOverrideAndSelection() throws {
        var options = CSVOptions()
        options.schema = ["id": .string, "v": .float, "cat": .categorical]
        options.columns = ["v", "id", "cat"]
        let f = try CSVReader.read(string: "id,v,cat,skip\n007,1.5,a,z\n008,2,b,z\n009,,a,z\n", options: options)
        #expect(f.columnNames == ["v", "id", "cat"])
        #expect(f["id"][0] == .string("007"))
        #expect(f["v"].type == .float)
        #expect(try f["v"].floats()[2].isNaN)
        let (codes, levels) = try f["cat"].categoricalCodes()
        #expect(levels == ["a", "b"])
        #expect(codes == [0, 1, 0])
    }

    @Test func widensWhenLaterValuesDoNotFit() throws {
        var rows = "a,b\n"
        for i in 0..<50 { rows += "\(i),\(i)\n" }
        rows += "1.5,text\n"
        var options = CSVOptions()
        options.inferenceRows = 10
        let f = try CSVReader.read(string: rows, options: options)
        #expect(f["a"].type == .double)
        #expect(f["b"].type == .string)
        #expect(f["a"][50] == .double(1.5))
        #expect(f["b"][3] == .string("3"))
    }

    @Test func declaredTypeMismatchNamesLineAndColumn() throws {
        var options = CSVOptions()
        options.schema = ["n": .int64]
        let e = #expect(throws: FrameError.self) { try CSVReader.read(string: "n,s\n1,a\n2,b\nthree,c\n", options: options) }
        #expect(e?.code == .typeMismatch)
        #expect(e?.line == 4)
        #expect(e?.field == "n")
    }

    @Test func raggedRowNamesLine() throws {
        let e = #expect(throws: FrameError.self) { try CSVReader.read(string: "a,b\n1,2\n3\n4,5\n") }
        #expect(e?.code == .raggedRow)
        #expect(e?.line == 3)
        #expect(e?.message.contains("expected 2 fields, found 1") == true)
        let extra = #expect(throws: FrameError.self) { try CSVReader.read(string: "a,b\n1,2,3\n") }
        #expect(extra?.code == .raggedRow)
        #expect(extra?.line == 2)
    }

    @Test func badQuotes() throws {
        let unterminated = #expect(throws: FrameError.self) { try CSVReader.read(string: "a,b\n1,\"open\n2,3\n") }
        #expect(unterminated?.code == .badQuote)
        #expect(unterminated?.line == 2)
        let inside = #expect(throws: FrameError.self) { try CSVReader.read(string: "a,b\n1,ab\"c\n") }
        #expect(inside?.code == .badQuote)
        #expect(inside?.field == "b")
        let after = #expect(throws: FrameError.self) { try CSVReader.read(string: "a,b\n1,\"ab\"c\n") }
        #expect(after?.code == .badQuote)
        var lenient = CSVOptions()
        lenient.strictQuotes = false
        let f = try CSVReader.read(string: "a,b\n1,ab\"c\n2,\"x\"y\n", options: lenient)
        #expect(f["b"][0] == .string("ab\"c"))
        #expect(f["b"][1] == .string("xy"))
    }

    @Test func emptyMissingAndBinaryFiles() throws {
        let empty = try SharedData.write("", "empty.csv")
        #expect((#expect(throws: FrameError.self) { try CSVReader.read(path: empty) })?.code == .emptyFile)
        let blank = try SharedData.write("\n\n", "blank.csv")
        #expect((#expect(throws: FrameError.self) { try CSVReader.read(path: blank) })?.code == .emptyFile)
        #expect((#expect(throws: FrameError.self) { try CSVReader.read(path: "/nonexistent/x.csv") })?.code == .fileNotFound)
        let binary = SharedData.temporaryDirectory().appendingPathComponent("b.csv")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02]).write(to: binary)
        #expect((#expect(throws: FrameError.self) { try CSVReader.read(path: binary.path) })?.code == .notText)
        let headerOnly = try CSVReader.read(string: "a,b\n")
        #expect(headerOnly.rowCount == 0)
        #expect(headerOnly.columnNames == ["a", "b"])
    }

    @Test func gzipInput() throws {
        let text = "k,v\n" + (0..<1000).map { "\($0),\(Double($0) / 4)" }.joined(separator: "\n") + "\n"
        let gz = try Gzip.compress(Array(text.utf8))
        let url = SharedData.temporaryDirectory().appendingPathComponent("t.csv.gz")
        try Data(gz).write(to: url)
        let f = try CSVReader.read(path: url.path)
        #expect(f.rowCount == 1000)
        #expect(f["v"][999] == .double(249.75))
    }

    @Test func parallelPiecesMatchSerial() throws {
        // Quoted newlines and quotes spread over many pieces: every thread count gives the same frame.
        var text = "id,text,x\n"
        for i in 0..<40_000 {
            let t = i % 7 == 0 ? "\"line\nbreak \"\"q\"\", \(i)\"" : "plain\(i)"
            text += "\(i),\(t),\(Double(i) * 0.5)\r\n"
            if i % 1000 == 0 { text += "\n" }
        }
        let bytes = Array(text.utf8)
        var one = CSVOptions(); one.threads = 1
        var many = CSVOptions(); many.threads = 8
        let a = try CSVReader(source: MemoryByteSource(bytes), options: one).readAll()
        let b = try CSVReader(source: MemoryByteSource(bytes), options: many).readAll()
        #expect(a.rowCount == 40_000)
        #expect(b.rowCount == 40_000)
        #expect(b["text"][7] == .string("line\nbreak \"q\", 7"))
        #expect(try a["x"].doubles() == b["x"].doubles())
        #expect(a["text"].strings() == b["text"].strings())
        #expect(b["id"][39_999] == .int(39_999))
    }

    @Test func numericRecordsMatchFieldByFieldParsing() throws {
        // Numbers in many spellings among nulls, quoted numbers, CRLF and blank lines and a column that is not kept,
        // over 1 MiB so several pieces and threads read it: each value is what the standard library makes of its
        // field on its own.
        var rng = SeededGenerator(seed: 5)
        func number() -> String {
            let sign = Bool.random(using: &rng) ? "-" : ""
            switch Int.random(in: 0..<20, using: &rng) {
            case 0: return "NA"
            case 1: return ""
            case 2: return "+\(Int.random(in: 0...999, using: &rng))"
            case 3: return "\(sign)\(Int.random(in: 1...9, using: &rng)).\(Int.random(in: 0...99, using: &rng))e\(Int.random(in: -30...30, using: &rng))"
            case 4: return "\(sign)\(Int.random(in: 0...999_999_999, using: &rng)).\(Int.random(in: 0...999_999, using: &rng))"
            case 5: return "\"\(sign)\(Int.random(in: 0...99, using: &rng)).25\""
            case 6: return "\(sign).\(Int.random(in: 0...9999, using: &rng))"
            default: return "\(sign)\(Int.random(in: 0...999, using: &rng)).\(Int.random(in: 0...9999, using: &rng))"
            }
        }
        func integer() -> String {
            switch Int.random(in: 0..<12, using: &rng) {
            case 0: return "NA"
            case 1: return "\(Int64.random(in: -999_999_999_999_999_999...999_999_999_999_999_999, using: &rng))"
            default: return "\(Int.random(in: -99_999_999...99_999_999, using: &rng))"
            }
        }
        var text = "a,skip,c,n\n"
        var fields: [[String]] = []
        for i in 0..<40_000 {
            let row = [number(), i % 3 == 0 ? "t\(i)" : "\(i)", number(), integer()]
            fields.append(row)
            text += row.joined(separator: ",") + (i % 5 == 0 ? "\r\n" : "\n")
            if i % 997 == 0 { text += "\n" }
        }
        let bytes = Array(text.utf8)
        #expect(bytes.count > 1 << 20)
        for threads in [1, 4] {
            var options = CSVOptions()
            options.threads = threads
            options.columns = ["a", "c", "n"]
            let f = try CSVReader(source: MemoryByteSource(bytes), options: options).readAll()
            #expect(f.rowCount == fields.count)
            #expect(f.schema.map(\.type) == [.double, .double, .int64])
            let a = try f["a"].doubles(), c = try f["c"].doubles()
            for (i, row) in fields.enumerated() {
                for (column, values, text) in [("a", a, row[0]), ("c", c, row[2])] {
                    let unquoted = text.replacingOccurrences(of: "\"", with: "")
                    if unquoted.isEmpty || unquoted == "NA" {
                        #expect(f[column].isNull(i), "row \(i) \(column): \(text)")
                    } else {
                        #expect(values[i].bitPattern == Double(unquoted)!.bitPattern, "row \(i) \(column): \(text) read as \(values[i])")
                    }
                }
                #expect(f["n"][i] == (row[3] == "NA" ? .null : .int(Int64(row[3])!)), "row \(i) n: \(row[3])")
            }
        }
        // Records ended by a lone \r read the same; a short or long record among plain numbers names its line.
        let plain = fields.prefix(5000).map { [$0[0], $0[2], $0[3]].joined(separator: ",") }
        let lf = try CSVReader.read(string: "a,c,n\n" + plain.joined(separator: "\n") + "\n")
        let cr = try CSVReader.read(string: "a,c,n\r" + plain.joined(separator: "\r") + "\r")
        #expect(cr.rowCount == 5000)
        #expect(try cr["a"].doubles().map(\.bitPattern) == lf["a"].doubles().map(\.bitPattern))
        #expect(cr["n"].values == lf["n"].values)
        let numbers = (0..<3000).map { "\($0).5,\($0)" }
        for bad in ["7", "7,8,9"] {
            var lines = numbers
            lines[2500] = bad
            let e = #expect(throws: FrameError.self) { try CSVReader.read(string: "x,n\n" + lines.joined(separator: "\n") + "\n") }
            #expect(e?.code == .raggedRow && e?.line == 2502, "\(bad): \(String(describing: e))")
        }
    }

    @Test func carriageReturnOnlyLineEndings() throws {
        // Classic Mac OS files end records with a lone \r; a quoted \r is text, blank lines are skipped.
        let f = try CSVReader.read(string: "a,b,c\r1,2.5,x\r3,-1,\"y\rz\"\r\r4,5,w")
        #expect(f.columnNames == ["a", "b", "c"])
        #expect(f.rowCount == 3)
        #expect(f["a"].values == [.int(1), .int(3), .int(4)])
        #expect(f["b"].values == [.double(2.5), .double(-1), .double(5)])
        #expect(f["c"][1] == .string("y\rz"))
        #expect(f["c"][2] == .string("w"))
        let ragged = #expect(throws: FrameError.self) { try CSVReader.read(string: "a,b\r1,2\r3\r") }
        #expect(ragged?.code == .raggedRow)
        #expect(ragged?.line == 3)
        // Large enough for many pieces on every thread, with numbers on the fast path.
        var text = "id,x,s\r"
        for i in 0..<60_000 { text += "\(i),\(Double(i) * 0.25),\(i % 5 == 0 ? "\"q\r\(i)\"" : "t\(i)")\r" }
        var many = CSVOptions(); many.threads = 4
        let big = try CSVReader(source: MemoryByteSource(Array(text.utf8)), options: many).readAll()
        #expect(big.rowCount == 60_000)
        #expect(big["id"][59_999] == .int(59_999))
        #expect(big["x"][40_001] == .double(10_000.25))
        #expect(big["s"][55] == .string("q\r55"))
        #expect(big["s"][56] == .string("t56"))
    }

    @Test func quotedFieldSpanningManyPieces() throws {
        // One field of about 1 MB with quotes and newlines covers several 256 KiB pieces.
        let long = String(repeating: "ab \"\"q\"\",\n", count: 90_000)
        var text = "id,blob,x\n1,\"\(long)\",1.5\n"
        for i in 2...2000 { text += "\(i),short,\(i)\n" }
        var options = CSVOptions()
        options.threads = 8
        let f = try CSVReader(source: MemoryByteSource(Array(text.utf8)), options: options).readAll()
        #expect(f.rowCount == 2000)
        #expect(f["blob"][0].stringValue?.utf8.count == 90_000 * 8)
        #expect(f["blob"][0].stringValue?.hasPrefix("ab \"q\",\n") == true)
        #expect(f["x"][1999] == .double(2000))
    }

    @Test func chunkedReadingCoversEveryRow() throws {
        let text = "a,b\n" + (0..<5000).map { "\($0),\"v\n\($0)\"" }.joined(separator: "\n") + "\n"
        var chunks = try CSVReader(source: MemoryByteSource(Array(text.utf8))).chunks(bytes: 4096)
        var total = 0
        var frames = 0
        var last: Value = .null
        while let f = try chunks.next() {
            total += f.rowCount
            frames += 1
            last = f["a"][f.rowCount - 1]
        }
        #expect(total == 5000)
        #expect(frames > 5)
        #expect(last == .int(4999))
    }

    @Test func leadScoringFiles() throws { try Self.checkLeadScoring(TestData.current) }
    @Test func generatedLeadScoringFiles() throws { try Self.checkLeadScoring(TestData.generate()) }

    static func checkLeadScoring(_ data: TestData) throws {
        let (features, target) = try CSVReader.read(path: data.path("leadscoring/leadscoring_inference_with_labels.csv"), target: "app_complete_flag")
        #expect(features.rowCount == data.leadRows)
        #expect(features.columnCount == 44)
        #expect(target.type == .int64)
        #expect(try target.doubles().reduce(0, +) == Double(data.leadPositives))
        #expect(features["created_date"].type == .timestamp)
        #expect(features["city_mapped"].type == .string)
        #expect(features["city_mapped"][0] == .null)
        #expect(features["city_mapped"][1] == .string("kolkata"))
        #expect(features["total_leads_droppped"].type == .double)
        let cleaned = try CSVReader.read(path: data.path("leadscoring/cleaned_data.csv"))
        #expect(cleaned.rowCount == data.cleanedRows)
        #expect(cleaned.columnCount == 13)
        let mapping = try CSVReader.read(path: data.path("leadscoring/interaction_mapping.csv"))
        #expect(mapping.rowCount == data.mappingRows)
        #expect(mapping.columnNames == ["interaction_type", "interaction_mapping"])  // the file starts with a BOM
        let test = try CSVReader.read(path: data.path("leadscoring/leadscoring_test.csv"))
        #expect(test.rowCount == data.leadTestRows)
        let inference = try CSVReader.read(path: data.path("leadscoring/leadscoring_inference_final_v2.csv"))
        #expect(inference.rowCount == data.leadRows)
        #expect(!inference.contains("app_complete_flag"))
    }
}
