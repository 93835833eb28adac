import Dispatch
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
        if !Gzip.isGzip(try file.bytes(0..<Swift.min(2, file.size))), let mapped = MappedFile(path: path, size: file.size) {
            return try withExtendedLifetime(mapped) { () throws(FrameError) -> DataFrame in
                try read(buffer: mapped.bytes, options: options, label: path)
            }
        }
        var bytes = try file.bytes(0..<file.size)
        if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes) }
        return try read(bytes: bytes, options: options, label: path)
    }

    public static func read(string: String, options: Options = Options()) throws(FrameError) -> DataFrame {
        try read(bytes: Array(string.utf8), options: options, label: "input")
    }

    public static func read(bytes: [UInt8], options: Options = Options(), label: String = "input") throws(FrameError) -> DataFrame {
        try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FrameError) -> DataFrame in
            try read(buffer: b, options: options, label: label)
        }
    }

    static func read(buffer b: UnsafeBufferPointer<UInt8>, options: Options, label: String) throws(FrameError) -> DataFrame {
        if UnsafeBufferPointer(rebasing: b.prefix(65536)).contains(0) {
            throw FrameError(.notText, "\(label) is not text (it contains NUL bytes)", field: label)
        }
        var start = 0
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3 }
        var probe = JSONParser(b, at: start)
        probe.skipSpace()
        guard probe.pos < b.count else { throw FrameError(.emptyFile, "\(label) has no records", field: label) }
        guard b[probe.pos] == UInt8(ascii: "[") else {
            let frame = try readLines(b, from: start, options: options)
            guard frame.rowCount > 0 else { throw FrameError(.emptyFile, "\(label) has no records", field: label) }
            return frame
        }
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
        var builder = RecordColumns(options: options)
        for (i, item) in items.enumerated() {
            guard case .object(let members) = item else {
                throw FrameError(.badJSON, "record \(i) is not an object", row: i)
            }
            builder.add(members)
        }
        guard builder.rows > 0 else { throw FrameError(.emptyFile, "\(label) has no records", field: label) }
        return try builder.frame()
    }

    /// JSON Lines from `start`: the bytes are cut at newlines into parts (a record never contains a raw newline).
    /// Each core reads parts straight into typed columns, and the columns are joined in file order: columns keep
    /// the order in which keys first appear, a part lacking a key gives nulls, and a column whose parts disagree on
    /// the type is typed from all its values, as one reader would. `partCount` overrides how many parts (for tests).
    static func readLines(_ b: UnsafeBufferPointer<UInt8>, from start: Int, options: Options, partCount: Int? = nil) throws(FrameError) -> DataFrame {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let parts = Swift.max(1, partCount ?? Swift.min(cores * 4, (b.count - start) / (256 << 10)))
        var bounds = [start]
        for k in 1..<parts {
            var cut = Swift.max(bounds[k - 1], start + (b.count - start) * k / parts)
            while cut < b.count, cut > start, b[cut - 1] != 10 { cut += 1 }
            bounds.append(cut)
        }
        bounds.append(b.count)
        let results = ParallelSlots<Result<JSONLinesPart, JSONLinesPart.Failure>?>(parts, nil)
        let buffer = SendableBytes(b)
        let cuts = bounds
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            var part = JSONLinesPart(nested: options.nested)
            do throws(JSONLinesPart.Failure) {
                try part.read(buffer.bytes, cuts[k]..<cuts[k + 1])
                part.padColumns()
                results[k] = .success(part)
            } catch {
                results[k] = .failure(error)
            }
        }
        // Names in order of first appearance over the parts in file order; a column is JSON if any part saw an object.
        var lineBase = 0
        var names: [String] = []
        var position: [String: Int] = [:]
        var jsonNames = Set<String>()
        var read: [JSONLinesPart] = []
        for k in 0..<parts {
            switch results[k]! {
            case .failure(let e):
                let line = lineBase + e.line
                throw FrameError(.badJSON, "line \(line), column \(e.column): \(e.message)", line: line)
            case .success(let part):
                lineBase += part.lines
                for builder in part.builders {
                    if position[builder.name] == nil {
                        position[builder.name] = names.count
                        names.append(builder.name)
                    }
                    if builder.isJSON { jsonNames.insert(builder.name) }
                }
                read.append(part)
            }
            results[k] = nil
        }
        // Each column's builders from all parts, held only here, so their arrays can be moved into the column.
        let pieces = ParallelSlots<[JSONColumnBuilder?]>(names.count, [])
        for (j, name) in names.enumerated() {
            pieces[j] = read.map { part in part.columnOfName[name].map { part.builders[$0] } }
        }
        let rowCounts = read.map(\.rows)
        read = []
        let finished = ParallelSlots<Result<Column, FrameError>?>(names.count, nil)
        let columnNames = names, json = jsonNames
        DispatchQueue.concurrentPerform(iterations: names.count) { j in
            let name = columnNames[j]
            var builders = pieces[j]
            pieces[j] = []
            var column = JSONColumnBuilder.join(name, &builders, rows: rowCounts, json: json.contains(name))
            if options.parseDates, column.type == .string { column = RecordColumns.datesIfAll(column) }
            if let t = options.schema[name] {
                do throws(FrameError) { column = try column.cast(to: t, strict: true) } catch {
                    finished[j] = .failure(error)
                    return
                }
            }
            finished[j] = .success(column)
        }
        var columns: [Column] = []
        for r in finished.array {
            switch r! {
            case .success(let c): columns.append(c)
            case .failure(let e): throw e
            }
        }
        for name in options.schema.keys where position[name] == nil {
            throw FrameError(.unknownColumn, "schema names column '\(name)', which no record has", field: name)
        }
        return try DataFrame(columns)
    }

    static func lineOf(_ offset: Int, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        for i in 0..<min(offset, b.count) where b[i] == 10 { line += 1 }
        return line
    }
}

/// A byte buffer read by several threads at once (each reads its own part).
struct SendableBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }
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
            put(name, v)
        }
    }

    private mutating func put(_ name: String, _ v: JSONValue) {
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
