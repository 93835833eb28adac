/// Per-feature mean and standard deviation learned on training data; missing values count as the mean.
public struct StandardScaler: Codable, Equatable, Sendable {
    public var means: [Double]
    public var scales: [Double]

    public init(means: [Double], scales: [Double]) {
        self.means = means
        self.scales = scales
    }

    /// Fits on the non-missing values of every column; constant columns get scale 1.
    public init(fitting features: FeatureMatrix) {
        var means = [Double](), scales = [Double]()
        for c in 0..<features.columnCount {
            var sum = 0.0, sumSquares = 0.0, count = 0.0
            for v in features.column(c) where !v.isNaN {
                let d = Double(v)
                sum += d
                sumSquares += d * d
                count += 1
            }
            let mean = count > 0 ? sum / count : 0
            let variance = count > 0 ? max(0, sumSquares / count - mean * mean) : 0
            means.append(mean)
            scales.append(variance > 1e-24 ? variance.squareRoot() : 1)
        }
        self.init(means: means, scales: scales)
    }
}
