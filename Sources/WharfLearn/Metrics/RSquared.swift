/// Coefficient of determination R^2 = 1 - SS_res / SS_tot.
public struct RSquared: Metric {
    public var name: String { "r2" }
    public var higherIsBetter: Bool { true }
    public init() {}

    public func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double {
        let total = labels.totalWeight(weights)
        var mean = 0.0
        for i in labels.indices { mean += (weights?[i] ?? 1) * labels[i] }
        mean /= total
        var residual = 0.0, spread = 0.0
        for i in labels.indices {
            let w = weights?[i] ?? 1
            residual += w * (labels[i] - predictions[i]) * (labels[i] - predictions[i])
            spread += w * (labels[i] - mean) * (labels[i] - mean)
        }
        return spread > 0 ? 1 - residual / spread : .nan
    }
}
