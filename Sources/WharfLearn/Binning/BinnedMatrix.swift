import WharfFrame
/// Row-major UInt8 bin codes of a feature matrix, laid out for the histogram loop.
public struct BinnedMatrix: Sendable {
    public let rowCount: Int
    public let featureCount: Int
    /// `codes[row * featureCount + feature]`.
    public var codes: [UInt8]
    /// The same codes column by column (`columnCodes[feature * rowCount + row]`), for partitioning rows by one feature.
    public var columnCodes: [UInt8]
    public let mappers: [BinMapper]
    /// Start of each feature's bins in a node histogram: `feature * binStride`.
    public let offsets: [Int32]
    /// Histogram slots per feature: the most any feature needs (its bins plus the missing bin).
    public let binStride: Int
    public let totalBins: Int

    /// Learns bin mappers from (a seeded sample of) `features` and bins every row.
    public init(features: FeatureMatrix, maxBin: Int, sampleSize: Int = 200_000, seed: UInt64 = 0, threads: Int = 1) throws {
        var mappers = [BinMapper]()
        let n = features.rowCount
        var sampleRows: [Int]? = nil
        if n > sampleSize {
            var generator = SeededGenerator(seed: seed &+ 0x5EED)
            var rows = Array(0..<n)
            for i in 0..<sampleSize {
                let j = i + generator.nextIndex(n - i)
                rows.swapAt(i, j)
            }
            sampleRows = Array(rows[..<sampleSize])
        }
        for c in 0..<features.columnCount {
            if case .categorical(let levels) = features.kinds[c], levels.count > 255 {
                throw LearnError(.invalidData, "categorical feature \(features.names[c]) has \(levels.count) levels; at most 255 are supported",
                                 field: features.names[c])
            }
            if features.kinds[c] == .numeric, let bad = features.column(c).first(where: { $0.isInfinite }) {
                throw LearnError(.invalidData, "feature \(features.names[c]) holds \(bad); use NaN for missing values", field: features.names[c])
            }
        }
        // Features are binned independently, so they are spread over the threads.
        var found = [BinMapper](repeating: BinMapper(upperBounds: [], categoryCount: 0), count: features.columnCount)
        found.withUnsafeMutableBufferPointer { out in
            let outBase = out.baseAddress!
            Parallel.forEach(features.columnCount, threads: threads) { c in
                switch features.kinds[c] {
                case .categorical(let levels):
                    outBase[c] = .categorical(levels: max(levels.count, 1))
                case .numeric:
                    let column = features.column(c)
                    var sample = [Float]()
                    if let sampleRows {
                        sample.reserveCapacity(sampleRows.count)
                        for r in sampleRows { let v = column[column.startIndex + r]; if !v.isNaN { sample.append(v) } }
                    } else {
                        sample.reserveCapacity(n)
                        for v in column where !v.isNaN { sample.append(v) }
                    }
                    sample.withUnsafeMutableBufferPointer { $0.sort() }
                    outBase[c] = .numeric(sortedSample: sample, maxBin: maxBin)
                }
            }
        }
        mappers = found
        try self.init(features: features, mappers: mappers, threads: threads)
    }

    /// Bins `features` with already learned mappers (validation data).
    public init(features: FeatureMatrix, mappers: [BinMapper], threads: Int = 1) throws {
        guard mappers.count == features.columnCount else {
            throw LearnError(.invalidData, "data has \(features.columnCount) features, the bins were learned on \(mappers.count)")
        }
        self.rowCount = features.rowCount
        self.featureCount = features.columnCount
        self.mappers = mappers
        // Every feature gets as many slots as the widest one needs, so the histogram loop steps from feature to
        // feature by a constant instead of loading each feature's offset.
        let stride = mappers.map { $0.binCount + 1 }.max() ?? 1
        self.binStride = stride
        self.offsets = (0..<mappers.count).map { Int32($0 * stride) }
        self.totalBins = mappers.count * stride
        let n = rowCount, f = featureCount
        var codes = [UInt8](repeating: 0, count: n * f)
        var columnCodes = [UInt8](repeating: 0, count: n * f)
        // Cuts padded to 256 with +infinity make the bin search a fixed eight branch-free steps.
        let padded: [[Float]] = mappers.map { m in
            m.isCategorical ? [] : m.upperBounds + [Float](repeating: .infinity, count: 256 - m.upperBounds.count)
        }
        codes.withUnsafeMutableBufferPointer { out in
            columnCodes.withUnsafeMutableBufferPointer { byColumn in
                features.values.withUnsafeBufferPointer { values in
                    let outBase = out.baseAddress!, columnBase = byColumn.baseAddress!, valueBase = values.baseAddress!
                    let chunks = Parallel.ranges(n, parts: threads)
                    Parallel.forEach(chunks.count, threads: threads) { part in
                        let rows = chunks[part]
                        for c in 0..<f {
                            let mapper = mappers[c]
                            let column = valueBase + c * n
                            let target = columnBase + c * n
                            if mapper.isCategorical {
                                for r in rows { target[r] = UInt8(mapper.bin(column[r])) }
                            } else {
                                padded[c].withUnsafeBufferPointer { cuts in
                                    let missing = UInt8(mapper.missingBin)
                                    for r in rows {
                                        let x = column[r]
                                        target[r] = x.isNaN ? missing : UInt8(BinMapper.paddedUpperBound(cuts.baseAddress!, x))
                                    }
                                }
                            }
                            for r in rows { outBase[r * f + c] = target[r] }
                        }
                    }
                }
            }
        }
        self.codes = codes
        self.columnCodes = columnCodes
    }
}
