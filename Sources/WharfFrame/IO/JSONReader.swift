import Foundation

/// Reads JSON Lines or a JSON array of records into a DataFrame; nested objects become dotted columns
/// (or JSON columns), lists become list columns, keys missing from a record are nulls.
public enum JSONReader {
    /// How nested objects are loaded.
    public enum Nested: Sendable, Equatable {
        /// `{"value": {"amount": 3}}` gives a column `value.amount` (pandas `json_normalize`).
        case flatten(separator: String)
        /// The object is kept as JSON text in a `json` column.
        case keepJSON
    }

    /// Options for `JSONReader`.
    public struct Options: Sendable {
        public var nested: Nested = .flatten(separator: ".")
        /// Turn string columns whose values are all `yyyy-MM-dd[ HH:mm:ss]` into date or timestamp columns.
        public var parseDates = true
        /// Declared types by column name, applied after reading (a value that does not convert is an error).
        public var schema: [String: DataType] = [:]
        public init() {}
    }

    public static func read(path: String, options: Options = Options()) throws(FrameError) -> DataFrame {
        let file = try FileByteSource(path: path)
        guard file.size > 0 else { throw FrameError(.emptyFile, "\(path) is empty", field: path) }
        var bytes = try file.bytes(0..<file.size)
        if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes) }
        return try read(bytes: bytes, options: options, label: path)
    }

    public static func read(string: String, options: Options = Options()) throws(FrameError) -> DataFrame {
        try read(bytes: Array(string.utf8), options: options, label: "input")
    }

    public static func read(bytes: [UInt8], options: Options = Options(), label: String = "input") throws(FrameError) -> DataFrame {
        if bytes.prefix(65536).contains(0) { throw FrameError(.notText, "\(label) is not text (it contains NUL bytes)", field: label) }
        var builder = RecordColumns(options: options)
        try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FrameError) in
            var start = 0
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3 }
            var probe = JSONParser(b, at: start)
            probe.skipSpace()
            guard probe.pos < b.count else { throw FrameError(.emptyFile, "\(label) has no records", field: label) }
            if b[probe.pos] == UInt8(ascii: "[") {
                var p = probe
                var parsed: JSONValue = .null
                do throws(JSONParser.Failure) {
                    parsed = try p.value()
                    p.skipSpace()
                    guard p.pos == b.count else { throw p.fail("text after the array of records") }
                } catch {
                    throw FrameError(.badJSON, "line \(lineOf(error.offset, b)): \(error.message)", line: lineOf(error.offset, b))
                }
                guard case .array(let items) = parsed else { throw FrameError(.badJSON, "expected an array of records") }
                for (i, item) in items.enumerated() {
                    guard case .object(let members) = item else {
                        throw FrameError(.badJSON, "record \(i) is not an object", row: i)
                    }
                    builder.add(members)
                }
                return
            }
            var line = 1
            var pos = start
            while pos < b.count {
                var end = pos
                while end < b.count, b[end] != 10 { end += 1 }
                var p = JSONParser(UnsafeBufferPointer(rebasing: b[pos..<end]))
                p.skipSpace()
                if p.pos < end - pos {
                    do throws(JSONParser.Failure) {
                        guard case .object(let members) = try p.value() else { throw JSONParser.Failure(message: "expected a JSON object", offset: 0) }
                        p.skipSpace()
                        guard p.pos == end - pos else { throw p.fail("text after the record") }
                        builder.add(members)
                    } catch {
                        throw FrameError(.badJSON, "line \(line), column \(error.offset + 1): \(error.message)", line: line)
                    }
                }
                line += 1
                pos = end + 1
            }
        }
        guard builder.rows > 0 else { throw FrameError(.emptyFile, "\(label) has no records", field: label) }
        return try builder.frame()
    }

    static func lineOf(_ offset: Int, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        for i in 0..<min(offset, b.count) where b[i] == 10 { line += 1 }
        return line
    }
}

/// Accumulates records into columns, padding keys a record lacks with nulls.
struct RecordColumns {
    let options: JSONReader.Options
    var names: [String] = []
    var index: [String: Int] = [:]
    var values: [[Value]] = []
    var isJSON: [Bool] = []
    var rows = 0

    init(options: JSONReader.Options) { self.options = options }

    mutating func add(_ members: [(String, JSONValue)]) {
        put(members, prefix: "")
        rows += 1
        for j in values.indices where values[j].count < rows { values[j].append(.null) }
    }

    private mutating func put(_ members: [(String, JSONValue)], prefix: String) {
        for (key, v) in members {
            let name = prefix + key
            if case .object(let inner) = v, case .flatten(let sep) = options.nested {
                put(inner, prefix: name + sep)
                continue
            }
            let j: Int
            if let k = index[name] {
                j = k
            } else {
                j = names.count
                index[name] = j
                names.append(name)
                values.append(Array(repeating: .null, count: rows))
                isJSON.append(false)
            }
            if case .object = v { isJSON[j] = true }
            if values[j].count > rows { values[j][rows] = Self.value(v) } else { values[j].append(Self.value(v)) }
        }
    }

    static func value(_ v: JSONValue) -> Value {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return d.isNaN ? .null : .double(d)
        case .string(let s): return .string(s)
        case .array(let a): return .list(a.map { item in
            if case .object = item { return .string(item.text) }
            return value(item)
        })
        case .object: return .string(v.text)
        }
    }

    func frame() throws(FrameError) -> DataFrame {
        var columns: [Column] = []
        for (j, name) in names.enumerated() {
            var column: Column
            if isJSON[j] {
                column = Column(name, values: values[j], type: .json)
            } else {
                column = Column(name, values: values[j])
                if options.parseDates, column.type == .string { column = Self.datesIfAll(column) }
            }
            if let t = options.schema[name] { column = try column.cast(to: t, strict: true) }
            columns.append(column)
        }
        for name in options.schema.keys where index[name] == nil {
            throw FrameError(.unknownColumn, "schema names column '\(name)', which no record has", field: name)
        }
        return try DataFrame(columns)
    }

    /// A string column whose every value is a date (or timestamp) becomes a date (or timestamp) column.
    static func datesIfAll(_ c: Column) -> Column {
        var parsed: [Value] = []
        parsed.reserveCapacity(c.count)
        var sawTimestamp = false
        for i in 0..<c.count {
            guard case .string(let s) = c[i] else { parsed.append(.null); continue }
            guard let v = CivilDate.parse(s) else { return c }
            if case .timestamp = v { sawTimestamp = true }
            parsed.append(v)
        }
        if parsed.allSatisfy(\.isNull) { return c }
        return Column(c.name, values: parsed, type: sawTimestamp ? .timestamp : .date)
    }
}
