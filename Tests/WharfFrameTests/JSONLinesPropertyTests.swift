import Foundation
import PropertyBased
import Testing
@testable import WharfFrame

/// Random JSON Lines and a naive reader to check the column reader against: every line parsed into a tree,
/// flattened, and each column typed from its values at the end.
enum RandomJSONLines {
    /// Keys spelt several ways: plain, with escapes, in other Unicode forms of the same text ("é" composed and
    /// decomposed), and one ("v.a") equal to a flattened name.
    static let keys: [(text: String, json: String)] = [
        ("person", #""person""#), ("event", #""event""#), ("time", #""time""#), ("v", #""v""#),
        ("offer id", #""offer id""#), ("offer_id", #""offer_id""#), ("v.a", #""v.a""#), ("a", #""a""#),
        ("é", "\"\u{E9}\""), ("é", #""\u00e9""#), ("e\u{301}", "\"e\u{301}\""), ("q\"k", #""q\"k""#),
        ("😀", #""\ud83d\ude00""#), ("tags", #""tags""#),
    ]
    static let strings: [(text: String, json: String)] = [
        ("o1", #""o1""#), ("", #""""#), ("0123456789abcdef0123456789abcdef", #""0123456789abcdef0123456789abcdef""#),
        ("caf\u{E9}", "\"caf\u{E9}\""), ("tab\there", #""tab\there""#), ("a\"b\\c", #""a\"b\\c""#),
        ("😀 漢", #""\ud83d\ude00 \u6f22""#), ("line\nbreak", #""line\nbreak""#), ("offer received", #""offer received""#),
        ("2020-01-15", #""2020-01-15""#), ("seventeen chars!!", #""seventeen chars!!""#),
    ]

    /// One value as JSON text; `kind` keeps a key's values mostly of one type, as real files do.
    static func value(_ kind: Int, depth: Int, _ rng: inout SeededGenerator) -> String {
        if Int.random(in: 0..<8, using: &rng) == 0 { return ["null", "NaN"].randomElement(using: &rng)! }
        // Now and then a value of another type than the key's usual one.
        let k = Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 0..<7, using: &rng) : kind
        switch k {
        case 0: return String(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng) >> Int64.random(in: 0...40, using: &rng))
        case 1:
            let d = Double.random(in: -1e3...1e3, using: &rng)
            return Int.random(in: 0..<4, using: &rng) == 0 ? String(format: "%.3e", d) : String(d)
        case 2: return strings.randomElement(using: &rng)!.json
        case 3: return Bool.random(using: &rng) ? "true" : "false"
        case 4:
            let items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                Int.random(in: 0..<5, using: &rng) == 0 ? #"{"x": 1}"# : value(Int.random(in: 0...3, using: &rng), depth: depth + 1, &rng)
            }
            return "[" + items.joined(separator: ", ") + "]"
        default:
            return depth < 2 ? object(depth: depth + 1, &rng) : "1"
        }
    }

    static func object(depth: Int, _ rng: inout SeededGenerator) -> String {
        let n = Int.random(in: 0...(depth == 0 ? 6 : 3), using: &rng)
        let members = (0..<n).map { _ -> String in
            let i = Int.random(in: 0..<keys.count, using: &rng)
            let space = [":", ": ", " : "].randomElement(using: &rng)!
            return keys[i].json + space + value(i % 7, depth: depth, &rng)
        }
        return "{" + members.joined(separator: [",", ", "].randomElement(using: &rng)!) + "}"
    }

    static func lines(seed: UInt64, count: Int) -> [String] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            Int.random(in: 0..<30, using: &rng) == 0 ? " " : object(depth: 0, &rng) + (Bool.random(using: &rng) ? "" : " \r")
        }
    }

    /// The naive reader: a tree per line, flattened into (name, value) pairs, a dictionary of columns by name.
    static func naive(_ lines: [String], nested: JSONReader.Nested) throws -> [Column] {
        var names: [String] = []
        var index: [String: Int] = [:]
        var columns: [[Value]] = []
        var isJSON: [Bool] = []
        var rows = 0
        func put(_ name: String, _ v: Value, json: Bool) {
            if index[name] == nil {
                index[name] = names.count
                names.append(name)
                columns.append(Array(repeating: .null, count: rows))
                isJSON.append(false)
            }
            let j = index[name]!
            if json { isJSON[j] = true }
            if columns[j].count > rows { columns[j][rows] = v } else { columns[j].append(v) }
        }
        func cell(_ v: JSONValue) -> Value {
            switch v {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return d.isNaN ? .null : .double(d)
            case .string(let s): return .string(s)
            case .array(let items): return .list(items.map { if case .object = $0 { return .string($0.text) }; return cell($0) })
            case .object: return .string(v.text)
            }
        }
        func flatten(_ members: [(String, JSONValue)], prefix: String) {
            for (key, v) in members {
                if case .object(let inner) = v, case .flatten(let sep) = nested {
                    flatten(inner, prefix: prefix + key + sep)
                } else {
                    if case .object = v { put(prefix + key, cell(v), json: true) } else { put(prefix + key, cell(v), json: false) }
                }
            }
        }
        for line in lines where !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            guard case .object(let members) = try JSONParser.parse(line) else { throw FrameError(.badJSON, "not an object") }
            flatten(members, prefix: "")
            rows += 1
            for j in columns.indices where columns[j].count < rows { columns[j].append(.null) }
        }
        return names.indices.map { Column(names[$0], values: columns[$0], type: isJSON[$0] ? .json : nil) }
    }

    static func read(_ text: String, options: JSONReader.Options, parts: Int) throws -> DataFrame {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { b throws(FrameError) in
            try JSONReader.readLines(b, from: 0, options: options, partCount: parts)
        }
    }
}

@Suite struct JSONLinesPropertyTests {
    @Test func linesReadAsTheNaiveReaderReadsThem() async {
        await propertyCheck(count: 60, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            let lines = RandomJSONLines.lines(seed: UInt64(seed), count: seed % 120 + 1)
            let text = lines.joined(separator: "\n") + (seed % 2 == 0 ? "\n" : "")
            for nested in [JSONReader.Nested.flatten(separator: "."), .keepJSON] {
                var options = JSONReader.Options()
                options.nested = nested
                options.parseDates = false
                let expected = try RandomJSONLines.naive(lines, nested: nested)
                let expectedRows = expected.first?.count ?? 0
                // One part, and the lines cut into several parts read on different threads.
                for parts in [1, 2, 7] {
                    let f = try RandomJSONLines.read(text, options: options, parts: parts)
                    #expect(f.rowCount == expectedRows || expected.isEmpty)
                    #expect(f.columnNames == expected.map(\.name), "\(nested) parts \(parts)")
                    for c in expected where f.columnNames.contains(c.name) {
                        #expect(f[c.name].type == c.type, "\(c.name) \(nested) parts \(parts)")
                        #expect(f[c.name].values == c.values, "\(c.name) \(nested) parts \(parts)")
                    }
                }
            }
        }
    }

    @Test func filesReadAsTheirText() throws {
        let lines = RandomJSONLines.lines(seed: 7, count: 400)
        let text = lines.joined(separator: "\n")
        let expected = try JSONReader.read(string: text)
        let dir = SharedData.temporaryDirectory()
        let plain = dir.appendingPathComponent("lines.jsonl").path
        let zipped = dir.appendingPathComponent("lines.jsonl.gz").path
        let marked = dir.appendingPathComponent("bom.jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: plain))
        try Data(Gzip.compress(Array(text.utf8))).write(to: URL(fileURLWithPath: zipped))
        try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: marked))
        for path in [plain, zipped, marked] {
            let f = try JSONReader.read(path: path)
            #expect(f.columnNames == expected.columnNames, "\(path)")
            for name in expected.columnNames { #expect(f[name].values == expected[name].values, "\(path) \(name)") }
        }
        let empty = dir.appendingPathComponent("empty.jsonl").path
        try Data().write(to: URL(fileURLWithPath: empty))
        #expect((#expect(throws: FrameError.self) { try JSONReader.read(path: empty) })?.code == .emptyFile)
        let blank = dir.appendingPathComponent("blank.jsonl").path
        try Data(" \n\n".utf8).write(to: URL(fileURLWithPath: blank))
        #expect((#expect(throws: FrameError.self) { try JSONReader.read(path: blank) })?.code == .emptyFile)
    }

    @Test func theSameTextInOtherUnicodeFormsIsOneColumn() throws {
        let f = try JSONReader.read(string: "{\"caf\u{E9}\": 1}\n{\"cafe\u{301}\": 2}\n{\"caf\\u00e9\": 3}\n")
        #expect(f.columnNames == ["caf\u{E9}"])
        #expect(f["caf\u{E9}"].values == [.int(1), .int(2), .int(3)])
    }

    @Test func aRepeatedKeyKeepsTheLastValue() throws {
        let f = try JSONReader.read(string: "{\"a\": 1, \"a\": \"x\"}\n{\"b\": true, \"a\": 2, \"a\": null}\n{\"a\": 3}\n")
        #expect(f["a"].values == [.string("x"), .null, .string("3")])
        #expect(f["b"].values == [.null, .bool(true), .null])
    }

    @Test func aFlattenedNameEqualToAPlainKeyIsOneColumn() throws {
        let f = try JSONReader.read(string: "{\"v\": {\"a\": 1}}\n{\"v.a\": 2}\n{\"v\": 7}\n")
        #expect(f.columnNames == ["v.a", "v"])
        #expect(f["v.a"].values == [.int(1), .int(2), .null])
        #expect(f["v"].values == [.null, .null, .int(7)])
    }

    @Test func stringsWithEscapesAndControlCharacters() throws {
        let f = try JSONReader.read(string: #"{"s": "0123456789\"abcdef\\0123456789\u0041"}"# + "\n")
        #expect(f["s"][0] == .string("0123456789\"abcdef\\0123456789A"))
        let control = #expect(throws: FrameError.self) { try JSONReader.read(string: "{\"s\": \"0123456789\u{1}\"}\n") }
        #expect(control?.message == "line 1, column 18: control character in a string")
        let open = #expect(throws: FrameError.self) { try JSONReader.read(string: "{\"a\": 1}\n{\"s\": \"0123456789abc\n") }
        #expect(open?.message == "line 2, column 7: unterminated string")
    }

    /// A high surrogate followed by an escape that is not a low surrogate used to trap on overflow
    /// (issue 12); every kind of bad surrogate is now a located error, as in WharfJSONText.
    @Test func unpairedSurrogatesAreLocatedErrors() throws {
        for bad in [#"\ud83d\u0041"#, #"\ud83d"#, #"\ud83dx"#, #"\udc00"#, #"\ud83d\ud83d"#] {
            let text = "{\"a\": 1}\n{\"s\": \"x\(bad)\"}\n"
            let error = #expect(throws: FrameError.self) { try JSONReader.read(string: text) }
            #expect(error?.message == "line 2, column 9: unpaired surrogate in a \\u escape", "\(bad)")
        }
        let pair = try JSONReader.read(string: #"{"s": "\ud83d\ude00"}"# + "\n")
        #expect(pair["s"][0] == .string("\u{1F600}"))
    }
}

@Suite struct ValidityBitmapAppendTests {
    @Test func appendingBitmapsAndRunsMatchesAppendingFlags() async {
        await propertyCheck(count: 100, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            var bits = ValidityBitmap(count: 0)
            var flags: [Bool] = []
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let n = Int.random(in: 0...200, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0:
                    let v = Bool.random(using: &rng)
                    bits.append(repeating: v, count: n)
                    flags += Array(repeating: v, count: n)
                default:
                    // A slice of a longer bitmap, so its rows start inside a word it shares.
                    let source = (0..<(n + 70)).map { _ in Bool.random(using: &rng) }
                    let from = Int.random(in: 0...70, using: &rng)
                    bits.append(contentsOf: ValidityBitmap(source).slice(from..<(from + n)))
                    flags += source[from..<(from + n)]
                }
            }
            #expect(bits == ValidityBitmap(flags))
            #expect(bits.nullCount == flags.filter { !$0 }.count)
            bits.append(false)
            #expect(!bits[flags.count] && bits.count == flags.count + 1)
        }
    }
}
