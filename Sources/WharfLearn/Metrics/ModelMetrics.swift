/// The standard metrics table of a model's predictions: by task, what `wharf evaluate` prints and training stores.
public enum ModelMetrics {
    public static func table(predictions: [Double], outputCount: Int, classifier: Bool, labels: [Double], threshold: Double = 0.5) -> [String: Double] {
        if !classifier {
            return ["rmse": RootMeanSquaredError().evaluate(predictions: predictions, outputCount: 1, labels: labels, weights: nil),
                    "mae": MeanAbsoluteError().evaluate(predictions: predictions, outputCount: 1, labels: labels, weights: nil),
                    "r2": RSquared().evaluate(predictions: predictions, outputCount: 1, labels: labels, weights: nil)]
        }
        if outputCount > 1 {
            return ["mlogloss": MultiLogLoss().evaluate(predictions: predictions, outputCount: outputCount, labels: labels, weights: nil),
                    "accuracy": Accuracy().evaluate(predictions: predictions, outputCount: outputCount, labels: labels, weights: nil)]
        }
        let cm = ConfusionMatrix(probabilities: predictions, labels: labels, threshold: threshold)
        return ["auc": ROCAUC.auc(scores: predictions, labels: labels),
                "aucpr": AveragePrecision().evaluate(predictions: predictions, outputCount: 1, labels: labels, weights: nil),
                "logloss": LogLoss().evaluate(predictions: predictions, outputCount: 1, labels: labels, weights: nil),
                "accuracy": cm.accuracy, "precision": cm.precision, "recall": cm.recall, "f1": cm.f1]
    }
}
