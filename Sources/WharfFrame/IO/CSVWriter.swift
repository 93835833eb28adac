import Foundation

/// Writes frames as RFC 4180 CSV that `CSVReader` (and pandas) read back to the same values.
public enum CSVWriter {
    /// Options for writing.
    public struct Options: Sendable {
        public var delimiter: UInt8 = UInt8(ascii: ",")
        public var header = true
        /// Line ending, `\n` by default (`\r\n` for strict RFC 4180 consumers).
        public var lineEnding = "\n"
        public init() {}
    }

    /// CSV bytes of a frame. Nulls are empty fields; empty strings and strings that read as NA are quoted.
    public static func bytes(_ frame: DataFrame, options: Options = Options()) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(frame.rowCount * max(frame.columnCount, 1) * 8)
        let eol = Array(options.lineEnding.utf8)
        let na = CSVOptions.pandasNATokens
        func field(_ s: String, forceQuote: Bool) {
            var needs = forceQuote || s.isEmpty || na.contains(s)
            if !needs {
                for b in s.utf8 where b == options.delimiter || b == 34 || b == 10 || b == 13 { needs = true; break }
            }
            if needs {
                out.append(34)
                for b in s.utf8 { if b == 34 { out.append(34) }; out.append(b) }
                out.append(34)
            } else {
                out.append(contentsOf: s.utf8)
            }
        }
        if options.header {
            for (j, c) in frame.columns.enumerated() {
                if j > 0 { out.append(options.delimiter) }
                field(c.name, forceQuote: false)
            }
            out.append(contentsOf: eol)
        }
        for i in 0..<frame.rowCount {
            for (j, c) in frame.columns.enumerated() {
                if j > 0 { out.append(options.delimiter) }
                if c.isNull(i) { continue }
                switch c.storage {
                case .int64(let v): out.append(contentsOf: String(v[v.startIndex + i]).utf8)
                case .double(let v): out.append(contentsOf: shortest(v[v.startIndex + i]).utf8)
                case .float(let v): out.append(contentsOf: "\(v[v.startIndex + i])".utf8)
                case .bool(let v): out.append(contentsOf: (v[v.startIndex + i] ? "True" : "False").utf8)
                case .string, .categorical, .json: field(c[i].stringValue ?? "", forceQuote: false)
                case .date, .timestamp: out.append(contentsOf: c[i].description.utf8)
                case .list: field(c[i].jsonText, forceQuote: true)
                }
            }
            out.append(contentsOf: eol)
        }
        return out
    }

    /// Shortest decimal text that reads back as the same Double.
    static func shortest(_ d: Double) -> String {
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return "\(d)"
    }

    public static func string(_ frame: DataFrame, options: Options = Options()) -> String {
        String(decoding: bytes(frame, options: options), as: UTF8.self)
    }

    /// Writes to a local file; a path ending in `.gz` is gzip-compressed.
    public static func write(_ frame: DataFrame, to path: String, options: Options = Options()) throws(FrameError) {
        var data = bytes(frame, options: options)
        if path.hasSuffix(".gz") { data = try Gzip.compress(data) }
        try FileOutput.write(data, to: path)
    }
}

/// Writes frames as JSON Lines: one object per row, nulls as `null`, lists as arrays.
public enum JSONLinesWriter {
    public static func bytes(_ frame: DataFrame) -> [UInt8] {
        var out: [UInt8] = []
        let keys = frame.columns.map { JSONText.quote($0.name) + ":" }
        for i in 0..<frame.rowCount {
            out.append(UInt8(ascii: "{"))
            for (j, c) in frame.columns.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: keys[j].utf8)
                if c.type == .json, !c.isNull(i), let raw = c[i].stringValue {
                    out.append(contentsOf: raw.utf8)
                } else {
                    out.append(contentsOf: c[i].jsonText.utf8)
                }
            }
            out.append(contentsOf: "}\n".utf8)
        }
        return out
    }

    public static func write(_ frame: DataFrame, to path: String) throws(FrameError) {
        var data = bytes(frame)
        if path.hasSuffix(".gz") { data = try Gzip.compress(data) }
        try FileOutput.write(data, to: path)
    }
}

/// Writes bytes to a local file through a temporary name, so a reader never sees half a file.
enum FileOutput {
    static func write(_ bytes: [UInt8], to path: String) throws(FrameError) {
        let tmp = path + ".tmp-\(getpid())"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: tmp))
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: tmp, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw FrameError(.io, "cannot write \(path): \(error.localizedDescription)", field: path)
        }
    }
}
