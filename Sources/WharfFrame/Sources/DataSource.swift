/// Where a frame comes from; one type per kind of source, so a new source is one new file.
public protocol DataSource: Sendable {
    /// A short description for messages and lineage (a path, a URI, a query).
    var description: String { get }
    func load() async throws(FrameError) -> DataFrame
}

/// The file formats sources and the CLI understand.
public enum FileFormat: Sendable, Equatable {
    case csv(CSVOptions)
    case json(JSONReader.Options)

    public static func == (a: FileFormat, b: FileFormat) -> Bool {
        switch (a, b) {
        case (.csv(let x), .csv(let y)): return x.delimiter == y.delimiter
        case (.json, .json): return true
        default: return false
        }
    }

    /// The format a file name implies (`.csv`, `.tsv`, `.txt`, `.json`, `.jsonl`, `.ndjson`, each optionally `.gz`).
    public static func detect(_ name: String) throws(FrameError) -> FileFormat {
        var lower = name.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") { return .csv(CSVOptions()) }
        if lower.hasSuffix(".tsv") {
            var o = CSVOptions()
            o.delimiter = 9
            return .csv(o)
        }
        if lower.hasSuffix(".json") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .json(JSONReader.Options()) }
        throw FrameError(.unsupported, "cannot tell the format of '\(name)'; use .csv, .tsv, .json or .jsonl (optionally .gz)", field: name)
    }

    /// Parses bytes in this format.
    public func read(_ bytes: [UInt8], label: String) throws(FrameError) -> DataFrame {
        switch self {
        case .csv(let o): return try CSVReader(source: MemoryByteSource(bytes), options: o, label: label).readAll()
        case .json(let o): return try JSONReader.read(bytes: Gzip.isGzip(bytes) ? Gzip.decompress(bytes) : bytes, options: o, label: label)
        }
    }
}

/// A local CSV or JSON file.
public struct LocalFileSource: DataSource {
    public var path: String
    public var format: FileFormat

    /// A file whose format is given or, when nil, told by its extension.
    public init(path: String, format: FileFormat? = nil) throws(FrameError) {
        self.path = path
        if let format { self.format = format } else { self.format = try FileFormat.detect(path) }
    }

    public var description: String { path }

    public func load() async throws(FrameError) -> DataFrame { try loadNow() }

    /// Reads synchronously (local files need no waiting on anything but the disk).
    public func loadNow() throws(FrameError) -> DataFrame {
        switch format {
        case .csv(let o): return try CSVReader.read(path: path, options: o)
        case .json(let o): return try JSONReader.read(path: path, options: o)
        }
    }
}

/// Reads objects by bucket and key; the platform implements it over its ObjectStore (WharfFrame does no networking).
public protocol ObjectReader: Sendable {
    func getObject(bucket: String, key: String) async throws -> [UInt8]
}

/// An object addressed by an `s3://bucket/key` URI, read through an `ObjectReader`.
public struct ObjectStoreSource: DataSource {
    public let bucket: String
    public let key: String
    public var format: FileFormat
    public let reader: any ObjectReader

    public init(uri: String, reader: any ObjectReader, format: FileFormat? = nil) throws(FrameError) {
        guard uri.hasPrefix("s3://") else { throw FrameError(.invalidArgument, "'\(uri)' is not an s3:// URI", field: "uri") }
        let rest = uri.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else {
            throw FrameError(.invalidArgument, "'\(uri)' needs a bucket and a key: s3://bucket/key", field: "uri")
        }
        bucket = String(rest[..<slash])
        key = String(rest[rest.index(after: slash)...])
        self.reader = reader
        if let format { self.format = format } else { self.format = try FileFormat.detect(key) }
    }

    public var description: String { "s3://\(bucket)/\(key)" }

    public func load() async throws(FrameError) -> DataFrame {
        let bytes: [UInt8]
        do {
            bytes = try await reader.getObject(bucket: bucket, key: key)
        } catch let e as FrameError {
            throw e
        } catch {
            throw FrameError(.io, "cannot read \(description): \(error)", field: description)
        }
        return try format.read(bytes, label: description)
    }
}

/// Opens a path or URI: `s3://` goes through `objects` (an error when none is given), anything else is a local file.
public func openSource(_ location: String, objects: (any ObjectReader)? = nil, format: FileFormat? = nil) throws(FrameError) -> any DataSource {
    if location.hasPrefix("s3://") {
        guard let objects else {
            throw FrameError(.unsupported, "\(location): s3:// sources need an object reader (the platform provides one)", field: "uri")
        }
        return try ObjectStoreSource(uri: location, reader: objects, format: format)
    }
    return try LocalFileSource(path: location, format: format)
}
