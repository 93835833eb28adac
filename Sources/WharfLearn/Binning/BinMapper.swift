/// Bin boundaries of one feature, computed once from training data: bin b holds x < upperBounds[b].
public struct BinMapper: Codable, Equatable, Sendable {
    /// Ascending cut values; the last is +infinity. For categorical features, empty.
    public var upperBounds: [Float]
    /// Number of categories when the feature is categorical, else 0.
    public var categoryCount: Int

    public var isCategorical: Bool { categoryCount > 0 }
    /// Regular bins (values or categories); the missing bin comes after them.
    public var binCount: Int { isCategorical ? categoryCount : upperBounds.count }
    public var missingBin: Int { binCount }

    /// Bin of one value; NaN (and, for categories, codes out of range) go to the missing bin.
    @inline(__always)
    public func bin(_ x: Float) -> Int {
        if x.isNaN { return missingBin }
        if isCategorical {
            let code = Int(exactly: x.rounded(.towardZero)) ?? -1
            return code >= 0 && code < categoryCount ? code : missingBin
        }
        return upperBounds.withUnsafeBufferPointer { Self.upperBound($0, x) }
    }

    /// Index of the first cut greater than x.
    @inline(__always)
    static func upperBound(_ cuts: UnsafeBufferPointer<Float>, _ x: Float) -> Int {
        var low = 0, high = cuts.count - 1
        while low < high {
            let mid = (low + high) >> 1
            if cuts[mid] > x { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// Number of cuts <= x in 256 sorted cuts (padded with +infinity): eight steps the compiler turns into conditional moves.
    @inline(__always)
    static func paddedUpperBound(_ cuts: UnsafePointer<Float>, _ x: Float) -> Int {
        var position = 0
        var step = 128
        while step > 0 {
            position &+= cuts[position &+ step &- 1] <= x ? step : 0
            step >>= 1
        }
        return position
    }

    /// Quantile cuts from sorted non-missing sample values, at most `maxBin` bins.
    static func numeric(sortedSample values: [Float], maxBin: Int) -> BinMapper {
        guard let first = values.first else { return BinMapper(upperBounds: [.infinity], categoryCount: 0) }
        var distinct = [Float]()
        distinct.reserveCapacity(min(values.count, 1024))
        var previous = first
        distinct.append(first)
        var distinctCount = 1
        for v in values.dropFirst() where v != previous {
            previous = v
            distinctCount += 1
            if distinctCount <= maxBin { distinct.append(v) }
        }
        var cuts = [Float]()
        if distinctCount <= maxBin {
            // Few values: cut halfway between neighbours so unseen values in the gap split sensibly.
            for i in 1..<distinct.count {
                let low = distinct[i - 1], high = distinct[i]
                let mid = low + (high - low) / 2
                cuts.append(mid > low && mid <= high ? mid : high)
            }
        } else {
            let n = values.count
            for i in 1..<maxBin {
                let cut = values[i * n / maxBin]
                if cut > first, cut > (cuts.last ?? -.infinity) { cuts.append(cut) }
            }
        }
        cuts.append(.infinity)
        return BinMapper(upperBounds: cuts, categoryCount: 0)
    }

    static func categorical(levels: Int) -> BinMapper {
        BinMapper(upperBounds: [], categoryCount: levels)
    }
}
