/// Train/test splits that keep evaluation honest.
extension DataFrame {
    /// Rows shuffled with `seed`, the last `testFraction` of them for testing.
    public func randomSplit(testFraction: Double, seed: UInt64 = 0) throws(FrameError) -> (train: DataFrame, test: DataFrame) {
        try Self.checkFraction(testFraction)
        var rng = SeededGenerator(seed: seed)
        var idx = Array(0..<rowCount)
        rng.shuffle(&idx)
        let nTest = Int((Double(rowCount) * testFraction).rounded())
        return (take(Array(idx[nTest...]).sorted()), take(Array(idx[..<nTest]).sorted()))
    }

    /// Like `randomSplit`, but each value of `column` (the label) keeps its share in both parts.
    public func stratifiedSplit(on column: String, testFraction: Double, seed: UInt64 = 0) throws(FrameError) -> (train: DataFrame, test: DataFrame) {
        try Self.checkFraction(testFraction)
        let g = try groupBy([column], dropNullKeys: false)
        var members = [[Int]](repeating: [], count: g.groupCount)
        for (i, c) in g.codes.enumerated() { members[Int(c)].append(i) }
        var rng = SeededGenerator(seed: seed)
        var train: [Int] = [], test: [Int] = []
        for var m in members {
            rng.shuffle(&m)
            let nTest = Int((Double(m.count) * testFraction).rounded())
            test.append(contentsOf: m[..<nTest])
            train.append(contentsOf: m[nTest...])
        }
        return (take(train.sorted()), take(test.sorted()))
    }

    /// Rows with `column` before `cutoff` train, the others test (nulls go to neither).
    public func timeSplit(on column: String, cutoff: Value) throws(FrameError) -> (train: DataFrame, test: DataFrame) {
        let c = try self.column(column)
        var cut = cutoff
        if case .string(let text) = cutoff, let parsed = CivilDate.parse(text) { cut = parsed }
        let limit: Double
        switch (c.type, cut) {
        case (.timestamp, .date(let d)): limit = Double(Int64(d) * 86_400_000_000)
        case (.date, .timestamp(let t)): limit = Double(t) / 86_400_000_000
        default:
            guard let d = cut.doubleValue else { throw FrameError(.invalidArgument, "cutoff '\(cutoff)' is not a number or date", field: "cutoff") }
            limit = d
        }
        let x = try c.doubles()
        return (filter(mask: x.map { !$0.isNaN && $0 < limit }), filter(mask: x.map { !$0.isNaN && $0 >= limit }))
    }

    /// Whole groups (for example every row of one order) go to one side, about `testFraction` of the groups to test.
    public func groupSplit(on column: String, testFraction: Double, seed: UInt64 = 0) throws(FrameError) -> (train: DataFrame, test: DataFrame) {
        try Self.checkFraction(testFraction)
        let g = try groupBy([column], sort: true, dropNullKeys: false)
        var order = Array(0..<g.groupCount)
        var rng = SeededGenerator(seed: seed)
        rng.shuffle(&order)
        let nTest = Int((Double(g.groupCount) * testFraction).rounded())
        var isTest = [Bool](repeating: false, count: g.groupCount)
        for k in order[..<nTest] { isTest[k] = true }
        return (filter(mask: g.codes.map { !isTest[Int($0)] }), filter(mask: g.codes.map { isTest[Int($0)] }))
    }

    static func checkFraction(_ f: Double) throws(FrameError) {
        guard f >= 0, f <= 1 else { throw FrameError(.invalidArgument, "testFraction must be in 0...1, got \(f)", field: "testFraction") }
    }
}
