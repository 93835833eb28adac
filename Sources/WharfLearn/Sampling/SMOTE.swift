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
        // Standardise (missing = mean) so no feature dominates the distance; categorical features are left out of it.
        let scaler = StandardScaler(fitting: features)
        var points = [Float](repeating: 0, count: p * m)
        for j in 0..<p where !features.kinds[j].isCategorical {
            let mean = scaler.means[j], scale = scaler.scales[j]
            for (i, row) in minority.enumerated() {
                let v = features.values[j * n + row]
                points[j * m + i] = v.isNaN ? 0 : Float((Double(v) - mean) / scale)
            }
        }
        let threadCount = threads > 0 ? threads : Parallel.availableCores
        let nearest = NeighborSearch(count: m, dimensions: p, points: points).nearestNeighbors(k: neighbors, threads: threadCount)
        var generator = SeededGenerator(seed: seed)
        var base = [Int](repeating: 0, count: toMake), partner = base, gaps = [Float](repeating: 0, count: toMake)
        for s in 0..<toMake {
            let i = generator.nextIndex(m)
            base[s] = minority[i]
            partner[s] = minority[Int(nearest[i * neighbors + generator.nextIndex(neighbors)])]
            gaps[s] = Float(generator.nextUnit())
        }
        let total = n + toMake
        var values = [Float](repeating: 0, count: total * p)
        values.withUnsafeMutableBufferPointer { out in
            features.values.withUnsafeBufferPointer { src in
                for j in 0..<p {
                    let column = src.baseAddress! + j * n
                    let target = out.baseAddress! + j * total
                    target.update(from: column, count: n)
                    let categorical = features.kinds[j].isCategorical
                    for s in 0..<toMake {
                        let a = column[base[s]], b = column[partner[s]]
                        target[n + s] = categorical || b.isNaN || a.isNaN ? a : a + gaps[s] * (b - a)
                    }
                }
            }
        }
        let matrix = try FeatureMatrix(rowCount: total, columnCount: p, values: values, names: features.names, kinds: features.kinds)
        let labels = data.labels + Array(repeating: minorityLabel, count: toMake)
        let weights = data.weights.map { w in w + base.map { w[$0] } }
        return try LabeledData(features: matrix, labels: labels, weights: weights)
    }
}

/// Minority class, its rows and the majority count of binary labels.
enum ClassCounts {
    static func binary(_ labels: [Double]) throws -> (minorityLabel: Double, minorityRows: [Int], majorityCount: Int) {
        var rows: [Double: [Int]] = [:]
        for (i, y) in labels.enumerated() { rows[y, default: []].append(i) }
        guard rows.count == 2 else {
            throw LearnError(.invalidLabel, "resampling needs exactly two classes; found \(rows.count)", field: "label")
        }
        let sorted = rows.sorted { $0.value.count != $1.value.count ? $0.value.count < $1.value.count : $0.key < $1.key }
        return (sorted[0].key, sorted[0].value, sorted[1].value.count)
    }
}
