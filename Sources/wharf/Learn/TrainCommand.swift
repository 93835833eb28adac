import ArgumentParser
import Foundation
import WharfFrame
import WharfLearn

/// `wharf train`: fit a GBDT, random forest or linear model on a CSV file and write a model file (local, no server).
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a CSV file and write a .wharf model file.",
        discussion: """
            Hyperparameters use XGBoost's names (num_round, eta, max_depth, max_leaves, grow_policy, ...; LightGBM's
            num_leaves, learning_rate, feature_fraction, bagging_fraction, min_data_in_leaf also work) for gbdt and rf,
            and scikit-learn's (penalty, C or lambda, l1_ratio, max_iter, tol, class_weight) for linear.
            The objective is inferred from the target unless --hp objective=... is given.
            """)

    enum Algorithm: String, ExpressibleByArgument, CaseIterable { case gbdt, rf, linear }
    enum Resampling: String, ExpressibleByArgument, CaseIterable { case none, smote, under, over }

    @Option(help: "gbdt, rf or linear.") var algorithm: Algorithm = .gbdt
    @Option(help: "Training data (CSV with a header).") var data: String
    @Option(help: "Target column.") var target: String
    @Option(help: "Validation data (CSV): per-round metrics and early stopping.") var validation: String?
    @Option(name: .customLong("hp"), help: "A hyperparameter as key=value (repeatable).") var hyperparameters: [String] = []
    @Option(help: "Columns to leave out of the features (repeatable).") var drop: [String] = []
    @Option(help: "Text levels seen fewer times than this become 'others'.") var minLevelCount = 1
    @Option(help: "Rebalance the training rows of a binary target: none, smote, under or over.") var resample: Resampling = .none
    @Option(help: "Minority/majority ratio after resampling.") var resampleRatio = 1.0
    @Option(help: "Where to write the model file.") var output: String

    func run() async throws {
        let frame = try LearnInput.table(data, option: "--data")
        var hp = try LearnInput.hyperparameters(hyperparameters)
        guard frame.contains(target) else {
            throw ValidationError("--target: no column \(target) in \(data); columns are \(frame.columnNames.joined(separator: ", "))")
        }
        let features = try frame.drop([target] + drop)
        let encoder = try FrameEncoder(fitting: features, minLevelCount: minLevelCount)
        let (labels, targetEncoding) = try TargetEncoding.labels(frame, target: target)
        var train = try LabeledData(features: try encoder.matrix(from: features), labels: labels)
        var validationData: LabeledData? = nil
        if let validation {
            let vFrame = try LearnInput.table(validation, option: "--validation")
            let (vLabels, _) = try TargetEncoding.labels(vFrame, target: target, classes: targetEncoding.classes)
            validationData = try LabeledData(features: try encoder.matrix(from: vFrame), labels: vLabels)
        }
        let distinct = Set(labels)
        let classCount = targetEncoding.classes?.count ?? (distinct.isSubset(of: [0, 1]) ? 2 : 0)
        let seed = UInt64(hp["seed"] ?? "0") ?? 0
        switch resample {
        case .none: break
        case .smote: train = try SMOTE(ratio: resampleRatio, seed: seed).resample(train)
        case .under: train = try RandomUnderSampler(ratio: resampleRatio, seed: seed).resample(train)
        case .over: train = try RandomOverSampler(ratio: resampleRatio, seed: seed).resample(train)
        }
        let artifact: ModelArtifact
        let signature = encoder.signature(target: target, classes: targetEncoding.classes ?? (classCount == 2 ? ["0", "1"] : nil))
        switch algorithm {
        case .gbdt, .rf:
            if hp["objective"] == nil {
                hp["objective"] = classCount == 2 ? "binary:logistic" : classCount > 2 ? "multi:softprob" : "reg:squarederror"
                if classCount > 2 { hp["num_class"] = "\(classCount)" }
            }
            let trainer = try GBDTTrainer(hyperparameters: hp, randomForest: algorithm == .rf)
            let progress = ProgressReporter()
            let started = Date()
            let model = try trainer.fit(train, validation: validationData) { progress.report($0) }
            progress.finish()
            let metrics = try validationData.map { try Self.metrics(model: .trees(model), on: $0) } ?? [:]
            artifact = ModelArtifact(algorithm: algorithm.rawValue, signature: signature, parameters: trainer.parameters.strings,
                                     metrics: metrics, preprocessing: encoder, model: .trees(model))
            print("trained \(model.trees.count) trees in \(String(format: "%.2f", Date().timeIntervalSince(started))) s"
                  + (model.bestIteration.map { ", best round \($0 + 1)" } ?? ""))
        case .linear:
            if hp["task"] == nil && hp["objective"] == nil {
                hp["task"] = classCount == 2 ? "binary" : classCount > 2 ? "multinomial" : "regression"
                if classCount > 2 { hp["num_class"] = "\(classCount)" }
            }
            let trainer = try LinearTrainer(hyperparameters: hp)
            let model = try trainer.fit(train) { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) }
            let metrics = try validationData.map { try Self.metrics(model: .linear(model), on: $0) } ?? [:]
            artifact = ModelArtifact(algorithm: "linear", signature: signature, parameters: trainer.parameters.strings,
                                     metrics: metrics, preprocessing: encoder, model: .linear(model))
            print("solver: \(model.convergence.iterations) iterations, gradient norm \(String(format: "%.3g", model.convergence.gradientNorm)), "
                  + (model.convergence.converged ? "converged" : "NOT converged"))
        }
        for (name, value) in artifact.metrics.sorted(by: { $0.key < $1.key }) { print("validation \(name): \(formatMetric(value))") }
        try artifact.write(to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }

    /// The metrics table of a model on labelled data.
    static func metrics(model: LearnedModel, on data: LabeledData) throws -> [String: Double] {
        let artifact = ModelArtifact(algorithm: "", signature: ModelSignature(features: []), model: model)
        return ModelMetrics.table(predictions: try artifact.predict(data.features), outputCount: artifact.outputCount,
                                  classifier: artifact.isClassifier, labels: data.labels)
    }
}
