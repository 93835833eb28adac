import WharfFrame

extension StandardScaler {
    /// WharfFrame's scaler fitted on every column of a feature matrix (missing values left out, as in a frame).
    public init(fitting features: FeatureMatrix) {
        var means = [Double](), deviations = [Double]()
        for c in 0..<features.columnCount {
            let (m, s) = Self.moments(features.column(c).lazy.map { Double($0) })
            means.append(m)
            deviations.append(s)
        }
        self.init(columns: features.names, means: means, deviations: deviations)
    }
}
