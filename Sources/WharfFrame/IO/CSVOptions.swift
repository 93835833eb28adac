/// How to read a CSV file; the defaults read what pandas' `to_csv` writes.
public struct CSVOptions: Sendable {
    /// What to do with a first column whose header is empty (the index pandas writes by default).
    public enum UnnamedIndex: Sendable, Equatable {
        /// Drop it: it is row numbering, not data.
        case drop
        /// Keep it under this name.
        case keep(String)
    }

    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var hasHeader = true
    /// Column names when there is no header (default `column_0`, `column_1`, ...).
    public var columnNames: [String]? = nil
    /// Field texts read as null; an empty field is always null.
    public var naTokens: Set<String> = CSVOptions.pandasNATokens
    /// Types by column name that override inference (others are inferred).
    public var schema: [String: DataType] = [:]
    /// Only these columns are kept (all when nil).
    public var columns: [String]? = nil
    /// Records looked at to infer types; a later value that does not fit widens the type (int to double to string).
    public var inferenceRows = 5000
    public var unnamedIndex: UnnamedIndex = .drop
    /// Whether a quote inside an unquoted field, or text after a closing quote, is an error (RFC 4180) or kept as text.
    public var strictQuotes = true
    /// Recognise `yyyy-MM-dd` dates and `yyyy-MM-dd HH:mm:ss` timestamps.
    public var parseDates = true
    /// Threads used for parsing (all cores by default).
    public var threads: Int = 0

    public init() {}

    /// pandas' default NA values.
    public static let pandasNATokens: Set<String> = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]
}
