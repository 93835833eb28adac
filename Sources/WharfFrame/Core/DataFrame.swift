import Dispatch
import Foundation

/// An ordered set of named columns of equal length; selecting columns and slicing rows share the buffers.
public struct DataFrame: Sendable {
    public private(set) var columns: [Column]
    private var positions: [String: Int]

    /// An empty frame with no columns and no rows.
    public init() {
        columns = []
        positions = [:]
    }

    /// A frame from columns; names must be unique and lengths equal.
    public init(_ columns: [Column]) throws(FrameError) {
        self.init()
        for c in columns { try append(c) }
    }

    public var rowCount: Int { columns.first?.count ?? 0 }
    public var columnCount: Int { columns.count }
    public var columnNames: [String] { columns.map(\.name) }
    public var isEmpty: Bool { rowCount == 0 }

    public func contains(_ name: String) -> Bool { positions[name] != nil }

    /// The column called `name`, or an error naming it.
    public func column(_ name: String) throws(FrameError) -> Column {
        guard let i = positions[name] else {
            throw FrameError(.unknownColumn, "no column '\(name)'; columns are \(columnNames.joined(separator: ", "))", field: name)
        }
        return columns[i]
    }

    /// The column called `name` (traps when absent; use `column(_:)` for a thrown error).
    public subscript(name: String) -> Column {
        get {
            guard let i = positions[name] else { preconditionFailure("no column '\(name)'") }
            return columns[i]
        }
        set {
            if let i = positions[name] {
                precondition(newValue.count == rowCount || columns.count == 1, "column '\(name)' has \(newValue.count) rows, frame has \(rowCount)")
                columns[i] = newValue.renamed(name)
            } else {
                precondition(columns.isEmpty || newValue.count == rowCount, "column '\(name)' has \(newValue.count) rows, frame has \(rowCount)")
                positions[name] = columns.count
                columns.append(newValue.renamed(name))
            }
        }
    }

    /// Adds a column at the end.
    public mutating func append(_ column: Column) throws(FrameError) {
        if positions[column.name] != nil {
            throw FrameError(.duplicateColumn, "column '\(column.name)' appears twice", field: column.name)
        }
        if let first = columns.first, first.count != column.count {
            throw FrameError(.lengthMismatch, "column '\(column.name)' has \(column.count) rows, the frame has \(first.count)", field: column.name)
        }
        positions[column.name] = columns.count
        columns.append(column)
    }

    /// Adds or replaces a column (replacing keeps its position).
    public mutating func setColumn(_ column: Column) throws(FrameError) {
        if let i = positions[column.name] {
            guard column.count == rowCount else {
                throw FrameError(.lengthMismatch, "column '\(column.name)' has \(column.count) rows, the frame has \(rowCount)", field: column.name)
            }
            columns[i] = column
        } else {
            try append(column)
        }
    }

    /// One row as values keyed by column name.
    public func row(_ i: Int) -> [String: Value] {
        var r: [String: Value] = [:]
        for c in columns { r[c.name] = c[i] }
        return r
    }

    /// Rows `range`, sharing buffers.
    public func slice(_ range: Range<Int>) -> DataFrame {
        var f = self
        f.columns = columns.map { $0.slice(range) }
        return f
    }

    public func head(_ n: Int = 5) -> DataFrame { slice(0..<min(n, rowCount)) }
    public func tail(_ n: Int = 5) -> DataFrame { slice(max(0, rowCount - n)..<rowCount) }

    /// Rows by index (-1 gives an all-null row).
    public func take(_ indices: [Int]) -> DataFrame {
        var f = self
        let missing = indices.contains(-1)
        if indices.count * columns.count < 1 << 20 || columns.count < 2 {
            f.columns = columns.map { $0.take(indices, mayHaveMissing: missing) }
            return f
        }
        // Large gathers use every core, one column per task.
        let source = columns
        let results = TakeResults(source.count)
        DispatchQueue.concurrentPerform(iterations: source.count) { j in results.set(j, source[j].take(indices, mayHaveMissing: missing)) }
        f.columns = results.columns
        return f
    }

    /// Column name and type, in order.
    public var schema: [(name: String, type: DataType)] { columns.map { ($0.name, $0.type) } }
}

extension DataFrame: CustomStringConvertible {
    /// A text table of the first rows, like pandas' repr.
    public var description: String { render(maxRows: 10) }

    public func render(maxRows: Int = 10, maxWidth: Int = 24) -> String {
        let shown = min(rowCount, maxRows)
        var cells: [[String]] = [columnNames]
        for r in 0..<shown {
            cells.append(columns.map { c in
                let s = c[r].isNull ? "null" : c[r].description
                return s.count > maxWidth ? String(s.prefix(maxWidth - 1)) + "…" : s
            })
        }
        var widths = [Int](repeating: 0, count: columns.count)
        for row in cells { for (j, s) in row.enumerated() { widths[j] = max(widths[j], s.count) } }
        var out = ""
        for row in cells {
            out += row.enumerated().map { j, s in String(repeating: " ", count: widths[j] - s.count) + s }.joined(separator: "  ") + "\n"
        }
        out += "[\(rowCount) rows x \(columnCount) columns]"
        return out
    }
}

/// Columns written by parallel tasks at distinct indices.
private final class TakeResults: @unchecked Sendable {
    private var slots: [Column?]
    private let lock = NSLock()
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ j: Int, _ c: Column) {
        lock.lock()
        slots[j] = c
        lock.unlock()
    }
    var columns: [Column] { slots.map { $0! } }
}
