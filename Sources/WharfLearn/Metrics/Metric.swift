/// An evaluation metric over predictions (row-major, `outputCount` per row), labels and optional weights.
public protocol Metric: Sendable {
    /// XGBoost-style name, e.g. `auc`.
    var name: String { get }
    var higherIsBetter: Bool { get }
    func evaluate(predictions: [Double], outputCount: Int, labels: [Double], weights: [Double]?) -> Double
}

/// Looks up metrics by name.
public enum Metrics {
    public static let names = ["auc", "aucpr", "logloss", "error", "accuracy", "rmse", "mae", "r2", "mlogloss", "merror"]

    public static func make(_ name: String) throws -> any Metric {
        switch name {
        case "auc": return ROCAUC()
        case "aucpr": return AveragePrecision()
        case "logloss": return LogLoss()
        case "error": return ClassificationError(threshold: 0.5)
        case "accuracy": return Accuracy()
        case "rmse": return RootMeanSquaredError()
        case "mae": return MeanAbsoluteError()
        case "r2": return RSquared()
        case "mlogloss": return MultiLogLoss()
        case "merror": return MultiClassError()
        default:
            throw LearnError(.invalidParameter, "eval_metric must be one of \(names.joined(separator: ", ")); got \(name)", field: "eval_metric")
        }
    }
}

extension Array where Element == Double {
    /// Sum of weights (row count when unweighted).
    func totalWeight(_ weights: [Double]?) -> Double { weights?.reduce(0, +) ?? Double(count) }
}
