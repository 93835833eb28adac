/// Features with one label (and optional weight) per row: what every learner trains on.
public struct LabeledData: Sendable {
    public var features: FeatureMatrix
    public var labels: [Double]
    public var weights: [Double]?

    public init(features: FeatureMatrix, labels: [Double], weights: [Double]? = nil) throws {
        guard labels.count == features.rowCount else {
            throw LearnError(.invalidData, "\(labels.count) labels for \(features.rowCount) rows", field: "labels")
        }
        if let weights {
            guard weights.count == features.rowCount else {
                throw LearnError(.invalidData, "\(weights.count) weights for \(features.rowCount) rows", field: "weights")
            }
            if let bad = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw LearnError(.invalidData, "weight at row \(bad) is \(weights[bad]); weights must be finite and >= 0", field: "weights")
            }
        }
        if let bad = labels.firstIndex(where: { !$0.isFinite }) {
            throw LearnError(.invalidLabel, "label at row \(bad) is \(labels[bad]); labels must be finite numbers", field: "labels")
        }
        self.features = features
        self.labels = labels
        self.weights = weights
    }

    public var rowCount: Int { features.rowCount }

    public func selectingRows(_ indices: [Int]) -> LabeledData {
        try! LabeledData(features: features.selectingRows(indices),
                         labels: indices.map { labels[$0] },
                         weights: weights.map { w in indices.map { w[$0] } })
    }

    /// Seeded split keeping each class's share in both parts (for classification labels).
    public func stratifiedSplit(testFraction: Double, seed: UInt64) -> (train: LabeledData, test: LabeledData) {
        let (train, test) = Self.stratifiedSplitRows(labels: labels, testFraction: testFraction, seed: seed)
        return (selectingRows(train), selectingRows(test))
    }
}
