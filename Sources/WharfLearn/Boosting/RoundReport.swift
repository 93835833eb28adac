/// Metrics after one boosting round, handed to the training callback (training jobs stream these to tracking).
public struct RoundReport: Sendable {
    public var round: Int
    public var totalRounds: Int
    /// Metric values keyed like XGBoost's log: `validation-auc`, or `train-logloss` when there is no validation set.
    public var metrics: [(name: String, value: Double)]
    public var bestRound: Int?
}
