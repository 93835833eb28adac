/// The error of every WharfFrame operation: a machine code, a message, and where the problem is.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, stable for programs to act on.
    public enum Code: String, Sendable, Codable {
        case fileNotFound = "file_not_found"
        case emptyFile = "empty_file"
        case notText = "not_text"
        case raggedRow = "ragged_row"
        case badQuote = "bad_quote"
        case typeMismatch = "type_mismatch"
        case badJSON = "bad_json"
        case unknownColumn = "unknown_column"
        case duplicateColumn = "duplicate_column"
        case lengthMismatch = "length_mismatch"
        case invalidArgument = "invalid_argument"
        case io = "io_error"
        case sql = "sql_error"
        case unsupported = "unsupported"
    }

    public var code: Code
    public var message: String
    /// The offending column, parameter or field, when there is one.
    public var field: String?
    /// 1-based line in the input file, when reading one.
    public var line: Int?
    /// 0-based row, when the problem is in a frame.
    public var row: Int?

    public init(_ code: Code, _ message: String, field: String? = nil, line: Int? = nil, row: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.line = line
        self.row = row
    }

    public var description: String {
        var s = "\(code.rawValue): \(message)"
        if let line, !message.contains("line \(line)") { s += " (line \(line))" }
        return s
    }
}
