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

    @Option(help: "gbdt, rf or linear.") var algorithm: TrainingRecipe.Algorithm = .gbdt
    @Option(help: "Training data (CSV with a header).") var data: String
    @Option(help: "Target column.") var target: String
    @Option(help: "Validation data (CSV): per-round metrics and early stopping.") var validation: String?
    @Option(name: .customLong("hp"), help: "A hyperparameter as key=value (repeatable).") var hyperparameters: [String] = []
    @Option(help: "Columns to leave out of the features (repeatable).") var drop: [String] = []
    @Option(help: "Text levels seen fewer times than this become 'others'.") var minLevelCount = 1
    @Option(help: "Rebalance the training rows of a binary target: none, smote, under or over.") var resample: TrainingRecipe.Resampling = .none
    @Option(help: "Minority/majority ratio after resampling.") var resampleRatio = 1.0
    @Option(help: "Where to write the model file.") var output: String
    @Flag(help: "Print the outcome (rows, parameters, validation metrics, model summary) as JSON instead of lines.") var json = false

    func run() async throws {
        let frame = try LearnInput.table(data, option: "--data")
        guard frame.contains(target) else {
            throw ValidationError("--target: no column \(target) in \(data); columns are \(frame.columnNames.joined(separator: ", "))")
        }
        let validationFrame = try validation.map { try LearnInput.table($0, option: "--validation") }
        let recipe = TrainingRecipe(algorithm: algorithm, target: target, hyperparameters: try LearnInput.hyperparameters(hyperparameters),
                                    drop: drop, minLevelCount: minLevelCount, resampling: resample, resampleRatio: resampleRatio)
        let progress = ProgressReporter()
        let outcome = try recipe.train(frame, validation: validationFrame, onRound: { progress.report($0) },
                                       warning: { FileHandle.standardError.write(Data("warning: \($0)\n".utf8)) })
        progress.finish()
        try outcome.artifact.write(to: URL(fileURLWithPath: output))
        let summary: String
        var report: [String: Any] = [
            "output": output, "algorithm": algorithm.rawValue, "training_rows": outcome.trainingRows,
            "validation_rows": outcome.validationRows, "fit_seconds": outcome.fitSeconds,
            "parameters": outcome.artifact.parameters, "validation_metrics": LearnInput.jsonNumbers(outcome.validationMetrics),
        ]
        switch outcome.artifact.model {
        case .trees(let model):
            summary = "trained \(model.trees.count) trees in \(String(format: "%.2f", outcome.fitSeconds)) s"
                + (model.bestIteration.map { ", best round \($0 + 1)" } ?? "")
            report["trees"] = model.trees.count
            report["best_round"] = model.bestIteration.map { $0 + 1 } ?? NSNull()
        case .linear(let model):
            let c = model.convergence
            summary = "solver: \(c.iterations) iterations, gradient norm \(String(format: "%.3g", c.gradientNorm)), "
                + (c.converged ? "converged" : "NOT converged")
            report["solver"] = ["iterations": c.iterations, "gradient_norm": c.gradientNorm, "converged": c.converged] as [String: Any]
        }
        if json {
            try LearnInput.printJSON(report)
            return
        }
        print(summary)
        for (name, value) in outcome.validationMetrics.sorted(by: { $0.key < $1.key }) { print("validation \(name): \(formatMetric(value))") }
        print("wrote \(output)")
    }
}

extension TrainingRecipe.Algorithm: ExpressibleByArgument {}
extension TrainingRecipe.Resampling: ExpressibleByArgument {}
