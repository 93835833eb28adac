import Dispatch
import Foundation

/// Reads CSV (RFC 4180) into a DataFrame: header, BOM, CRLF, NA tokens, gzip, inferred or declared types,
/// parsed on every core straight into column buffers.
public struct CSVReader: Sendable {
    public let source: any ByteSource
    public let options: CSVOptions
    /// Column names in the order of the fields of a record.
    public let fieldNames: [String]
    /// Types in field order (inferred from the first records unless declared).
    public private(set) var fieldTypes: [DataType]
    /// Which fields are read, in output order.
    let selected: [Int]
    let dataStart: Int
    let threads: Int
    /// The byte ending records: `\n`, or `\r` for files with carriage returns and no line feed (classic Mac OS).
    let newline: UInt8

    /// Opens a local file (gzip is detected from its first bytes).
    public init(path: String, options: CSVOptions = CSVOptions()) throws(FrameError) {
        let file = try FileByteSource(path: path)
        try self.init(source: file, options: options, label: path)
    }

    public init(source: any ByteSource, options: CSVOptions = CSVOptions(), label: String = "input") throws(FrameError) {
        if source.size >= 2, Gzip.isGzip(try source.bytes(0..<2)) {
            try self.init(plain: MemoryByteSource(Gzip.decompress(source.bytes(0..<source.size))), options: options, label: label)
        } else {
            try self.init(plain: source, options: options, label: label)
        }
    }

    private init(plain source: any ByteSource, options: CSVOptions, label: String) throws(FrameError) {
        self.source = source
        self.options = options
        threads = options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount
        let size = source.size
        guard size > 0 else { throw FrameError(.emptyFile, "\(label) is empty", field: label) }
        var prefix = try source.bytes(0..<min(size, 4 << 20))
        let truncated = prefix.count < size
        var start = 0
        if prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF { start = 3 }
        let newline: UInt8 = !prefix.contains(10) && prefix.contains(13) ? 13 : 10
        self.newline = newline
        try Self.checkText(prefix, truncated: truncated, newline: newline, label: label)
        if !prefix[start...].contains(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }) {
            if !truncated { throw FrameError(.emptyFile, "\(label) has no data (only blank lines)", field: label) }
        }
        let strict = options.strictQuotes
        let delimiter = options.delimiter
        let na = NATokens(options.naTokens)
        // Header and sample records, from the prefix only: a record cut off by the prefix end is not used.
        var kinds: [[CSVFieldKind]] = []
        var headerNames: [String]? = nil
        var headerEnd = start
        var sampleError: FrameError? = nil
        prefix.withUnsafeBufferPointer { buf in
            var tok = CSVTokenizer(buf, delimiter: delimiter, strict: strict, newline: newline, position: start)
            let wanted = options.inferenceRows + (options.hasHeader ? 1 : 0)
            while kinds.count + (headerNames == nil ? 0 : 1) < wanted, tok.startRecord() {
                var fields: [CSVField] = []
                do throws(CSVSyntaxError) {
                    while true {
                        let f = try tok.next()
                        fields.append(f)
                        if f.last { break }
                    }
                } catch {
                    if headerNames == nil && options.hasHeader {
                        sampleError = FrameError(.badQuote, "line 1: the header has a malformed quote", line: 1)
                    }
                    return
                }
                if truncated && tok.position >= buf.count { return }
                if options.hasHeader && headerNames == nil {
                    headerNames = fields.map(\.string)
                    headerEnd = min(tok.position, buf.count)  // a last line without its newline ends at the end
                    continue
                }
                kinds.append(fields.map { na.classify($0, parseDates: options.parseDates) })
            }
        }
        prefix = []
        if let sampleError { throw sampleError }
        if options.hasHeader && headerNames == nil {
            throw FrameError(.emptyFile, "\(label) has no header line", field: label)
        }
        let fieldCount = headerNames?.count ?? kinds.first?.count ?? 0
        guard fieldCount > 0 else { throw FrameError(.emptyFile, "\(label) has no records", field: label) }
        var names: [String]
        if let headerNames {
            names = headerNames
        } else if let given = options.columnNames {
            guard given.count == fieldCount else {
                throw FrameError(.invalidArgument, "\(given.count) column names given for \(fieldCount) fields", field: "columnNames")
            }
            names = given
        } else {
            names = (0..<fieldCount).map { "column_\($0)" }
        }
        var dropIndex = false
        if options.hasHeader, names[0].isEmpty {
            switch options.unnamedIndex {
            case .drop: dropIndex = true
            case .keep(let n): names[0] = n
            }
        }
        for j in names.indices where names[j].isEmpty && !(j == 0 && dropIndex) { names[j] = "Unnamed: \(j)" }
        var used = Set<String>()
        for j in names.indices {
            if used.contains(names[j]) {
                var n = 1
                while used.contains("\(names[j]).\(n)") { n += 1 }
                names[j] = "\(names[j]).\(n)"
            }
            used.insert(names[j])
        }
        var types: [DataType] = []
        for j in 0..<fieldCount {
            var t: DataType? = nil
            for row in kinds where j < row.count { t = CSVFieldKind.join(t, row[j]) }
            types.append(t ?? .double)
        }
        for (name, t) in options.schema {
            guard let j = names.firstIndex(of: name) else {
                throw FrameError(.unknownColumn, "schema names column '\(name)', which the file does not have; columns are \(names.joined(separator: ", "))", field: name)
            }
            types[j] = t
        }
        var selected: [Int]
        if let wanted = options.columns {
            selected = []
            for name in wanted {
                guard let j = names.firstIndex(of: name) else {
                    throw FrameError(.unknownColumn, "column '\(name)' is not in the file; columns are \(names.joined(separator: ", "))", field: name)
                }
                selected.append(j)
            }
        } else {
            selected = Array(0..<fieldCount).filter { !(dropIndex && $0 == 0) }
        }
        fieldNames = names
        fieldTypes = types
        self.selected = selected
        dataStart = headerEnd
    }

    private static func checkText(_ prefix: [UInt8], truncated: Bool, newline: UInt8, label: String) throws(FrameError) {
        let head = prefix.prefix(65536)
        if head.contains(0) { throw FrameError(.notText, "\(label) is not text (it contains NUL bytes)", field: label) }
        // Validate UTF-8 up to the last newline so a character cut by the sample end is not blamed.
        let cut = (truncated || head.count < prefix.count) ? (head.lastIndex(of: newline) ?? 0) : head.count
        if String(validating: head[..<cut], as: UTF8.self) == nil {
            throw FrameError(.notText, "\(label) is not UTF-8 text", field: label)
        }
    }

    /// Reads a whole CSV file.
    public static func read(path: String, options: CSVOptions = CSVOptions()) throws(FrameError) -> DataFrame {
        try CSVReader(path: path, options: options).readAll()
    }

    /// Reads CSV text.
    public static func read(string: String, options: CSVOptions = CSVOptions()) throws(FrameError) -> DataFrame {
        try CSVReader(source: MemoryByteSource(Array(string.utf8)), options: options, label: "input").readAll()
    }

    /// Reads all records; a column whose later values do not fit the inferred type is widened and the file re-read.
    public func readAll() throws(FrameError) -> DataFrame {
        var reader = self
        while true {
            switch try reader.parseWindow(from: dataStart, to: source.size, final: true) {
            case .frame(let f, _): return f
            case .widen(let w): try reader.apply(w)
            case .needMore: preconditionFailure("a final window always holds its records")
            }
        }
    }

    /// Reads the file in pieces of about `bytes` bytes each, for files larger than memory.
    /// Types are fixed after the first piece; a later value that does not fit is an error naming its line.
    public func chunks(bytes: Int = 64 << 20) -> CSVChunks {
        CSVChunks(reader: self, position: dataStart, bytes: max(bytes, 1024))
    }

    mutating func apply(_ widen: Widening) throws(FrameError) {
        for (j, t) in widen.types {
            if options.schema[fieldNames[j]] != nil {
                let m = widen.misfits[j]
                let line = try m.map { m throws(FrameError) in try lineNumber(at: m.offset) }
                throw FrameError(.typeMismatch,
                                 "line \(line ?? 0): column '\(fieldNames[j])' is declared \(fieldTypes[j]) but has '\(m?.text ?? "")'",
                                 field: fieldNames[j], line: line)
            }
            fieldTypes[j] = t
        }
    }

    /// Types that must change, by field index, with the first value that did not fit.
    struct Widening {
        var types: [Int: DataType] = [:]
        var misfits: [Int: (text: String, offset: Int)] = [:]
    }

    enum WindowResult {
        case frame(DataFrame, end: Int)
        case widen(Widening)
        case needMore
    }

    /// 1-based line of a byte offset.
    func lineNumber(at offset: Int) throws(FrameError) -> Int {
        var line = 1
        var pos = 0
        let newline = self.newline
        while pos < offset {
            let n = min(1 << 20, offset - pos)
            let block = try source.bytes(pos..<(pos + n))
            line += block.withUnsafeBufferPointer { b in b.reduce(0) { $0 + ($1 == newline ? 1 : 0) } }
            pos += n
        }
        return line
    }
}

/// Successive frames of a large CSV file (see `CSVReader.chunks`).
public struct CSVChunks: Sendable {
    var reader: CSVReader
    var position: Int
    var bytes: Int
    var first = true

    /// The next frame, or nil after the last.
    public mutating func next() throws(FrameError) -> DataFrame? {
        let size = reader.source.size
        guard position < size else { return nil }
        var window = bytes
        while true {
            // Lenient quoting cannot find record boundaries inside a window, so it reads the rest at once.
            let end = reader.options.strictQuotes ? min(size, position + window) : size
            switch try reader.parseWindow(from: position, to: end, final: end == size) {
            case .frame(let f, let consumed):
                position = consumed
                first = false
                return f
            case .needMore:
                window *= 2
            case .widen(let w):
                if first {
                    try reader.apply(w)
                } else {
                    let (j, t) = w.types.first!
                    let line = try w.misfits[j].map { m throws(FrameError) in try reader.lineNumber(at: m.offset) }
                    throw FrameError(.typeMismatch,
                                     "line \(line ?? 0): column '\(reader.fieldNames[j])' was read as \(reader.fieldTypes[j]) in earlier chunks but needs \(t) for '\(w.misfits[j]?.text ?? "")'; declare its type in CSVOptions.schema",
                                     field: reader.fieldNames[j], line: line)
                }
            }
        }
    }
}
