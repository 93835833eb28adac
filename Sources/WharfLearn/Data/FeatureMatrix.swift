/// What a feature column holds: numbers, or category codes 0..<levels.count stored as Float.
public enum FeatureKind: Codable, Equatable, Sendable {
    case numeric
    case categorical(levels: [String])

    public var isCategorical: Bool {
        if case .categorical = self { return true }
        return false
    }

    public var categoryCount: Int {
        if case .categorical(let levels) = self { return levels.count }
        return 0
    }
}

/// Dense feature matrix: one contiguous column-major Float buffer, NaN marks a missing value.
public struct FeatureMatrix: Sendable {
    public let rowCount: Int
    public let columnCount: Int
    /// Column-major values: `values[column * rowCount + row]`.
    public var values: [Float]
    public var names: [String]
    public var kinds: [FeatureKind]

    public init(rowCount: Int, columnCount: Int, values: [Float], names: [String]? = nil, kinds: [FeatureKind]? = nil) throws {
        guard values.count == rowCount * columnCount else {
            throw LearnError(.invalidData, "feature buffer holds \(values.count) values, expected \(rowCount) rows x \(columnCount) columns")
        }
        let names = names ?? (0..<columnCount).map { "f\($0)" }
        let kinds = kinds ?? Array(repeating: .numeric, count: columnCount)
        guard names.count == columnCount else {
            throw LearnError(.invalidData, "\(names.count) feature names for \(columnCount) columns", field: "names")
        }
        guard kinds.count == columnCount else {
            throw LearnError(.invalidData, "\(kinds.count) feature kinds for \(columnCount) columns", field: "kinds")
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
        self.names = names
        self.kinds = kinds
    }

    /// Builds a matrix from separate column arrays of equal length.
    public init(columns: [[Float]], names: [String]? = nil, kinds: [FeatureKind]? = nil) throws {
        let rows = columns.first?.count ?? 0
        for (index, column) in columns.enumerated() where column.count != rows {
            throw LearnError(.invalidData, "column \(names?[index] ?? "f\(index)") has \(column.count) rows, expected \(rows)",
                             field: names?[index] ?? "f\(index)")
        }
        var values = [Float]()
        values.reserveCapacity(rows * columns.count)
        for column in columns { values.append(contentsOf: column) }
        try self.init(rowCount: rows, columnCount: columns.count, values: values, names: names, kinds: kinds)
    }

    /// Builds a matrix from row arrays (convenient for small data and single predictions).
    public init(rows: [[Float]], names: [String]? = nil, kinds: [FeatureKind]? = nil) throws {
        let columnCount = rows.first?.count ?? names?.count ?? 0
        var values = [Float](repeating: 0, count: rows.count * columnCount)
        for (r, row) in rows.enumerated() {
            guard row.count == columnCount else {
                throw LearnError(.invalidData, "row \(r) has \(row.count) values, expected \(columnCount)", field: "row \(r)")
            }
            for c in 0..<columnCount { values[c * rows.count + r] = row[c] }
        }
        try self.init(rowCount: rows.count, columnCount: columnCount, values: values, names: names, kinds: kinds)
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[column * rowCount + row] }
        set { values[column * rowCount + row] = newValue }
    }

    public func column(_ index: Int) -> ArraySlice<Float> {
        values[(index * rowCount)..<((index + 1) * rowCount)]
    }

    public func row(_ index: Int) -> [Float] {
        (0..<columnCount).map { values[$0 * rowCount + index] }
    }

    /// The rows at `indices`, in that order (indices may repeat).
    public func selectingRows(_ indices: [Int]) -> FeatureMatrix {
        var out = [Float](repeating: 0, count: indices.count * columnCount)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for c in 0..<columnCount {
                    let from = src.baseAddress! + c * rowCount
                    let to = dst.baseAddress! + c * indices.count
                    for (i, r) in indices.enumerated() { to[i] = from[r] }
                }
            }
        }
        return try! FeatureMatrix(rowCount: indices.count, columnCount: columnCount, values: out, names: names, kinds: kinds)
    }

    /// Index of the column called `name`.
    public func columnIndex(_ name: String) -> Int? { names.firstIndex(of: name) }
}
