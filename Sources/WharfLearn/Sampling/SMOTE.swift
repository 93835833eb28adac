import WharfFrame
#if canImport(Glibc)
import Glibc
#endif

/// SMOTE oversampling: synthetic minority rows interpolated towards one of their k nearest minority neighbours.
public struct SMOTE: Sendable {
    public var neighbors: Int
    /// Wanted minority/majority ratio after resampling (imbalanced-learn's float `sampling_strategy`).
    public var ratio: Double
    public var seed: UInt64
    public var threads: Int

    public init(neighbors: Int = 5, ratio: Double = 1, seed: UInt64 = 0, threads: Int = 0) throws {
        guard neighbors >= 1 else { throw LearnError(.invalidParameter, "k_neighbors must be >= 1; got \(neighbors)", field: "k_neighbors") }
        guard ratio > 0 && ratio <= 1 else {
            throw LearnError(.invalidParameter, "sampling_strategy must be in (0, 1]; got \(ratio)", field: "sampling_strategy")
        }
        self.neighbors = neighbors
        self.ratio = ratio
        self.seed = seed
        self.threads = threads
    }

    /// The original rows followed by the synthetic minority rows.
    public func resample(_ data: LabeledData) throws -> LabeledData {
        let (minorityLabel, minority, majorityCount) = try ClassCounts.binary(data.labels)
        let wanted = Int((ratio * Double(majorityCount)).rounded(.down))
        let toMake = wanted - minority.count
        guard toMake > 0 else { return data }
        guard minority.count > neighbors else {
            throw LearnError(.invalidData, "SMOTE needs more than k_neighbors=\(neighbors) minority rows; found \(minority.count)", field: "k_neighbors")
        }
        let features = data.features
        let n = features.rowCount, p = features.columnCount, m = minority.count
        let threadCount = threads > 0 ? threads : Parallel.availableCores
        // The minority rows, column-major and compact, so both the search and the interpolation read cache-resident columns.
        var raw = [Float](repeating: 0, count: p * m)
        features.values.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { dst in
                for j in 0..<p {
                    let column = src.baseAddress! + j * n, target = dst.baseAddress! + j * m
                    for (i, row) in minority.enumerated() { target[i] = column[row] }
                }
            }
        }
        // Standardised on the minority rows (missing = mean), the points whose distances are compared, so no feature
        // dominates the distance; categorical features are left out of it.
        var points = [Float](repeating: 0, count: p * m)
        for j in 0..<p where !features.kinds[j].isCategorical {
            var sum = 0.0, sumSquares = 0.0, count = 0.0
            for i in 0..<m where !raw[j * m + i].isNaN {
                let v = Double(raw[j * m + i])
                sum += v
                sumSquares += v * v
                count += 1
            }
            let mean = count > 0 ? sum / count : 0
            let variance = count > 0 ? max(0, sumSquares / count - mean * mean) : 0
            let scale = variance > 1e-24 ? variance.squareRoot() : 1
            for i in 0..<m {
                let v = raw[j * m + i]
                points[j * m + i] = v.isNaN ? 0 : Float((Double(v) - mean) / scale)
            }
        }
        let nearest = NeighborSearch(count: m, dimensions: p, points: points).nearestNeighbors(k: neighbors, threads: threadCount)
        var generator = SeededGenerator(seed: seed)
        var base = [Int32](repeating: 0, count: toMake), partner = base, gaps = [Float](repeating: 0, count: toMake)
        for s in 0..<toMake {
            let i = generator.nextIndex(m)
            base[s] = Int32(i)
            partner[s] = nearest[i * neighbors + generator.nextIndex(neighbors)]
            gaps[s] = Float(generator.nextUnit())
        }
        let total = n + toMake
        // Every slot is written below (originals copied, synthetic rows generated), so no zero fill first.
        let values = [Float](unsafeUninitializedCapacity: total * p) { out, initialized in
            Self.adviseHugePages(UnsafeMutableRawBufferPointer(out))
            features.values.withUnsafeBufferPointer { src in
                raw.withUnsafeBufferPointer { minorityColumns in
                    base.withUnsafeBufferPointer { base in
                        partner.withUnsafeBufferPointer { partner in
                            gaps.withUnsafeBufferPointer { gaps in
                                Parallel.forEach(p, threads: threadCount) { j in
                                    let target = out.baseAddress! + j * total
                                    target.initialize(from: src.baseAddress! + j * n, count: n)
                                    let column = minorityColumns.baseAddress! + j * m
                                    let categorical = features.kinds[j].isCategorical
                                    for s in 0..<toMake {
                                        let a = column[Int(base[s])], b = column[Int(partner[s])]
                                        (target + n + s).initialize(to: categorical || b.isNaN || a.isNaN ? a : a + gaps[s] * (b - a))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = total * p
        }
        let matrix = try FeatureMatrix(rowCount: total, columnCount: p, values: values, names: features.names, kinds: features.kinds)
        var labels = data.labels
        labels.append(contentsOf: repeatElement(minorityLabel, count: toMake))
        let weights = data.weights.map { w in w + base.map { w[minority[Int($0)]] } }
        return try LabeledData(features: matrix, labels: labels, weights: weights)
    }

    /// Asks for 2 MB pages over a large fresh output buffer: one fault per 2 MB instead of per 4 KB, which was most of the
    /// cost of writing the output (the kernel's "madvise" transparent-huge-page mode gives them only when asked).
    private static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
        let huge = 2 << 20
        guard let start = buffer.baseAddress, buffer.count >= 2 * huge else { return }
        let address = UInt(bitPattern: start)
        let first = (address + UInt(huge - 1)) & ~UInt(huge - 1), end = (address + UInt(buffer.count)) & ~UInt(huge - 1)
        guard end > first else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: first), Int(end - first), MADV_HUGEPAGE)
        #endif
    }
}

/// Minority class, its rows and the majority count of binary labels.
enum ClassCounts {
    static func binary(_ labels: [Double]) throws -> (minorityLabel: Double, minorityRows: [Int], majorityCount: Int) {
        // One pass without hashing: the first label seen, the other one, and how often the first occurs.
        guard let first = labels.first else {
            throw LearnError(.invalidLabel, "resampling needs exactly two classes; found 0", field: "label")
        }
        var second: Double?, firstCount = 0
        for y in labels {
            if y == first {
                firstCount += 1
            } else if second == nil {
                second = y
            } else if y != second! {
                let found = Set(labels).count
                throw LearnError(.invalidLabel, "resampling needs exactly two classes; found \(found)", field: "label")
            }
        }
        guard let second else {
            throw LearnError(.invalidLabel, "resampling needs exactly two classes; found 1", field: "label")
        }
        let secondCount = labels.count - firstCount
        let minorityLabel = firstCount != secondCount ? (firstCount < secondCount ? first : second) : min(first, second)
        var rows = [Int]()
        rows.reserveCapacity(min(firstCount, secondCount))
        for (i, y) in labels.enumerated() where y == minorityLabel { rows.append(i) }
        return (minorityLabel, rows, labels.count - rows.count)
    }
}
