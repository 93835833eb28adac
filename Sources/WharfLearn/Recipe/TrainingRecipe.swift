import Foundation
import WharfFrame

/// The one way Wharf trains a model from a table: `wharf train`, training jobs and tuning trials all call `train`.
/// It infers the objective from the target, encodes the target and the features (the fitted `FrameEncoder` goes
/// into the model file), rebalances the training rows when asked, fits, scores the validation table and assembles
/// the `ModelArtifact`. Every step uses at most the `nthread` threads the hyperparameters give (0 = every core).
public struct TrainingRecipe: Sendable {
    /// The learner: gradient-boosted trees, a random forest of the same trees, or a linear model.
    public enum Algorithm: String, Sendable, CaseIterable, Codable {
        case gbdt, rf, linear
    }

    /// How the training rows of a binary target are rebalanced before fitting.
    public enum Resampling: String, Sendable, CaseIterable, Codable {
        case none, smote, under, over
    }

    public var algorithm: Algorithm
    /// The label column.
    public var target: String
    /// Hyperparameters as strings, under XGBoost's, LightGBM's or scikit-learn's names (see docs/learn.md).
    public var hyperparameters: [String: String]
    /// Columns left out of the features.
    public var drop: [String]
    /// Text levels seen fewer times than this become `others`.
    public var minLevelCount: Int
    public var resampling: Resampling
    /// Minority/majority ratio after resampling.
    public var resampleRatio: Double

    public init(algorithm: Algorithm = .gbdt, target: String, hyperparameters: [String: String] = [:], drop: [String] = [],
                minLevelCount: Int = 1, resampling: Resampling = .none, resampleRatio: Double = 1) {
        self.algorithm = algorithm
        self.target = target
        self.hyperparameters = hyperparameters
        self.drop = drop
        self.minLevelCount = minLevelCount
        self.resampling = resampling
        self.resampleRatio = resampleRatio
    }

    /// What one training produced.
    public struct Outcome: Sendable {
        /// The model file's contents: signature, fitted preprocessing, resolved parameters, validation metrics, model.
        public var artifact: ModelArtifact
        /// The hyperparameters as used, with the inferred objective (or task) and class count filled in.
        public var hyperparameters: [String: String]
        /// Training rows after resampling.
        public var trainingRows: Int
        /// Rows of the validation table (0 without one).
        public var validationRows: Int
        /// Wall-clock seconds of the fit alone (encoding and scoring excluded).
        public var fitSeconds: Double

        /// Metrics on the validation table (`auc`, `logloss`, `rmse`, ...); empty without one.
        public var validationMetrics: [String: Double] { artifact.metrics }
    }

    /// Trains on `frame` (which holds the target column); with `validation`, reports its metrics every round through
    /// `onRound` (boosted trees), stops early when `early_stopping_rounds` asks, and stores the final metrics in the
    /// artifact. `warning` hears about a linear solver stopped by `max_iter`. Errors are `LearnError`s naming the
    /// parameter, column or field at fault.
    public func train(_ frame: DataFrame, validation: DataFrame? = nil, onRound: ((RoundReport) -> Void)? = nil,
                      warning: ((String) -> Void)? = nil) throws -> Outcome {
        guard frame.contains(target) else {
            throw LearnError(.invalidData, "no target column \(target); columns are \(frame.columnNames.joined(separator: ", "))", field: "target")
        }
        if let missing = drop.first(where: { !frame.contains($0) }) {
            throw LearnError(.invalidData, "cannot drop \(missing): no such column", field: "drop")
        }
        guard resampleRatio > 0, resampleRatio.isFinite else {
            throw LearnError(.invalidParameter, "resample ratio must be > 0; got \(resampleRatio)", field: "resample_ratio")
        }
        let features = try frame.drop([target] + drop)
        let (labels, targetEncoding) = try TargetEncoding.labels(frame, target: target)
        let classCount = targetEncoding.classes?.count ?? (Set(labels).isSubset(of: [0, 1]) ? 2 : 0)
        let classes = targetEncoding.classes ?? (classCount == 2 ? ["0", "1"] : nil)
        let hp = inferredHyperparameters(classCount: classCount)
        let learner = try Learner(algorithm: algorithm, hyperparameters: hp)
        let threads = learner.threads

        let encoder = try FrameEncoder(fitting: features, minLevelCount: minLevelCount)
        var train = try LabeledData(features: try encoder.matrix(from: features), labels: labels)
        let validationData = try validation.map { v -> LabeledData in
            let (vLabels, _) = try TargetEncoding.labels(v, target: target, classes: targetEncoding.classes)
            return try LabeledData(features: try encoder.matrix(from: v), labels: vLabels)
        }
        let seed = UInt64(hp["seed"] ?? hp["random_state"] ?? "0") ?? 0
        switch resampling {
        case .none: break
        case .smote: train = try SMOTE(ratio: resampleRatio, seed: seed, threads: threads).resample(train)
        case .under: train = try RandomUnderSampler(ratio: resampleRatio, seed: seed).resample(train)
        case .over: train = try RandomOverSampler(ratio: resampleRatio, seed: seed).resample(train)
        }

        let started = Date()
        let model = try learner.fit(train, validation: validationData, onRound: onRound, warning: warning)
        let fitSeconds = Date().timeIntervalSince(started)
        let signature = encoder.signature(target: target, classes: classes)
        var artifact = ModelArtifact(algorithm: algorithm.rawValue, signature: signature, parameters: learner.parameterStrings,
                                     preprocessing: encoder, model: model)
        if let validationData {
            artifact.metrics = ModelMetrics.table(predictions: try artifact.predict(validationData.features, threads: threads),
                                                  outputCount: artifact.outputCount, classifier: artifact.isClassifier,
                                                  labels: validationData.labels)
        }
        return Outcome(artifact: artifact, hyperparameters: hp, trainingRows: train.rowCount,
                       validationRows: validationData?.rowCount ?? 0, fitSeconds: fitSeconds)
    }

    /// The hyperparameters with the objective (trees) or task (linear) the target implies, unless given.
    func inferredHyperparameters(classCount: Int) -> [String: String] {
        var hp = hyperparameters
        switch algorithm {
        case .gbdt, .rf:
            if hp["objective"] == nil {
                hp["objective"] = classCount == 2 ? "binary:logistic" : classCount > 2 ? "multi:softprob" : "reg:squarederror"
                if classCount > 2 && hp["num_class"] == nil { hp["num_class"] = "\(classCount)" }
            }
        case .linear:
            if hp["task"] == nil && hp["objective"] == nil {
                hp["task"] = classCount == 2 ? "binary" : classCount > 2 ? "multinomial" : "regression"
                if classCount > 2 && hp["num_class"] == nil { hp["num_class"] = "\(classCount)" }
            }
        }
        return hp
    }

    /// The configured trainer, checked before any data is encoded so a bad parameter fails first.
    private enum Learner {
        case trees(GBDTTrainer)
        case linear(LinearTrainer)

        init(algorithm: Algorithm, hyperparameters: [String: String]) throws {
            switch algorithm {
            case .gbdt, .rf: self = .trees(try GBDTTrainer(hyperparameters: hyperparameters, randomForest: algorithm == .rf))
            case .linear: self = .linear(try LinearTrainer(hyperparameters: hyperparameters))
            }
        }

        var threads: Int {
            switch self {
            case .trees(let t): return t.parameters.threadCount
            case .linear(let t): return Parallel.threadCount(t.parameters.nthread)
            }
        }

        var parameterStrings: [String: String] {
            switch self {
            case .trees(let t): return t.parameters.strings
            case .linear(let t): return t.parameters.strings
            }
        }

        func fit(_ train: LabeledData, validation: LabeledData?, onRound: ((RoundReport) -> Void)?,
                 warning: ((String) -> Void)?) throws -> LearnedModel {
            switch self {
            case .trees(let t): return .trees(try t.fit(train, validation: validation, onRound: onRound))
            case .linear(let t):
                let model = try t.fit(train, warning: warning)
                return .linear(model)
            }
        }
    }
}

extension LabeledData {
    /// The rows `stratifiedSplit(testFraction:seed:)` puts on each side, for splitting the table they came from.
    public static func stratifiedSplitRows(labels: [Double], testFraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var generator = SeededGenerator(seed: seed)
        var byClass: [Double: [Int]] = [:]
        for (row, label) in labels.enumerated() { byClass[label, default: []].append(row) }
        var train = [Int](), test = [Int]()
        for label in byClass.keys.sorted() {
            var rows = byClass[label]!
            generator.shuffle(&rows)
            let testCount = Int((Double(rows.count) * testFraction).rounded())
            test.append(contentsOf: rows[..<testCount])
            train.append(contentsOf: rows[testCount...])
        }
        return (train.sorted(), test.sorted())
    }
}
