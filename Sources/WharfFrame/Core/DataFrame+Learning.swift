/// The hand-off to learners: features and a target as contiguous numeric buffers.
extension DataFrame {
    /// The frame without `target`, and the target column (an error names a missing target).
    public func splitTarget(_ target: String) throws(FrameError) -> (features: DataFrame, target: Column) {
        let t = try column(target)
        return (try drop([target]), t)
    }

    /// Numeric columns (int, double, float, bool) as one contiguous column-major `[Double]`, NaN for nulls:
    /// column `j` occupies `values[j * rowCount ..< (j + 1) * rowCount]`.
    public func numericMatrix(columns names: [String]? = nil) throws(FrameError) -> (values: [Double], columns: [String]) {
        let chosen = try names.map { n throws(FrameError) in try n.map { x throws(FrameError) in try column(x) } }
            ?? columns.filter { $0.type.isNumeric }
        var values = [Double]()
        values.reserveCapacity(chosen.count * rowCount)
        for c in chosen { values.append(contentsOf: try c.doubles()) }
        return (values, chosen.map(\.name))
    }

    /// Columns dropped by name (an error names one that does not exist).
    public func drop(_ names: [String]) throws(FrameError) -> DataFrame {
        for n in names where !contains(n) { _ = try column(n) }
        let gone = Set(names)
        return try DataFrame(columns.filter { !gone.contains($0.name) })
    }

    /// Only the named columns, in that order (no copy of the data).
    public func select(_ names: [String]) throws(FrameError) -> DataFrame {
        try DataFrame(names.map { n throws(FrameError) in try column(n) })
    }
}

extension CSVReader {
    /// Reads a CSV file and splits off the target column, the usual start of a training job.
    public static func read(path: String, target: String, options: CSVOptions = CSVOptions()) throws(FrameError)
        -> (features: DataFrame, target: Column)
    {
        try read(path: path, options: options).splitTarget(target)
    }
}
