import Foundation

/// GBDT and random-forest hyperparameters under XGBoost's names (LightGBM's common aliases accepted), parsed from strings.
public struct BoosterParameters: Codable, Equatable, Sendable {
    public var numRound = 100
    public var eta = 0.3
    public var maxDepth = 6
    public var maxLeaves = 0
    public var growPolicy = GrowPolicy.depthwise
    public var minChildWeight = 1.0
    public var minDataInLeaf = 0
    public var gamma = 0.0
    public var lambda = 1.0
    public var alpha = 0.0
    public var subsample = 1.0
    public var colsampleBytree = 1.0
    public var colsampleBynode = 1.0
    public var scalePosWeight = 1.0
    public var maxBin = 255
    public var maxCatToOnehot = 4
    /// LightGBM's categorical regularisation for features with more than `maxCatToOnehot` levels: levels on fewer
    /// rows of a node than `catSmooth` are not split on (and it smooths their G/H order), at most `maxCatThreshold`
    /// levels go left, every group tried adds `minDataPerGroup` rows, and the children's L2 is `lambda + catL2`.
    public var catSmooth = 10.0
    public var catL2 = 10.0
    public var maxCatThreshold = 32
    public var minDataPerGroup = 100
    public var objective = "binary:logistic"
    public var evalMetric: [String] = []
    public var earlyStoppingRounds = 0
    public var numClass = 0
    public var seed: UInt64 = 0
    /// Threads for histogram building and prediction; 0 = all cores.
    public var nthread = 0
    /// Random-forest mode: every tree fits the starting gradients on a bootstrap-like row sample, and trees are averaged.
    public var randomForest = false

    public init() {}

    /// Parameter names this type understands (aliases included).
    public static let knownNames: [String] = [
        "num_round", "num_boost_round", "n_estimators", "num_iterations", "eta", "learning_rate", "max_depth",
        "max_leaves", "num_leaves", "grow_policy", "min_child_weight", "min_sum_hessian_in_leaf", "min_data_in_leaf",
        "gamma", "min_split_loss", "lambda", "reg_lambda", "lambda_l2", "alpha", "reg_alpha", "lambda_l1", "subsample",
        "bagging_fraction", "colsample_bytree", "feature_fraction", "colsample_bynode", "scale_pos_weight", "max_bin",
        "max_cat_to_onehot", "cat_smooth", "cat_l2", "max_cat_threshold", "min_data_per_group", "objective", "eval_metric", "early_stopping_rounds", "num_class", "seed", "random_state",
        "nthread", "num_threads", "n_jobs", "booster", "verbosity",
    ]

    /// Parses SageMaker-style string hyperparameters; unknown names and out-of-range values are errors naming the parameter.
    public init(_ strings: [String: String], randomForest: Bool = false) throws {
        self.init()
        self.randomForest = randomForest
        if randomForest {
            numRound = 100
            eta = 1
            maxDepth = 10
            subsample = 0.632
            colsampleBynode = 0.6
        }
        let parser = StringParameters(strings)
        try parser.rejectUnknown(Self.knownNames)
        if let v = try parser.int(["num_round", "num_boost_round", "n_estimators", "num_iterations"], in: 1...1_000_000) { numRound = v }
        if let v = try parser.double(["eta", "learning_rate"], in: 0...1, openLow: true) { eta = v }
        let leaves = try parser.int(["max_leaves", "num_leaves"], in: 0...65_536)
        let depth = try parser.int(["max_depth"], in: 0...64)
        if let policy = try parser.choice(["grow_policy"], from: ["depthwise", "lossguide"]) {
            growPolicy = GrowPolicy(rawValue: policy)!
        } else if strings["num_leaves"] != nil {
            growPolicy = .lossguide
        }
        if let leaves { maxLeaves = leaves }
        if let depth {
            maxDepth = depth
        } else if growPolicy == .lossguide {
            maxDepth = 0
        }
        if growPolicy == .depthwise && maxDepth == 0 {
            throw LearnError(.invalidParameter, "max_depth must be in 1...64 with grow_policy depthwise; got 0", field: "max_depth")
        }
        if growPolicy == .lossguide && maxLeaves == 0 && maxDepth == 0 { maxLeaves = 31 }
        if let v = try parser.double(["min_child_weight", "min_sum_hessian_in_leaf"], in: 0...1e12) { minChildWeight = v }
        if let v = try parser.int(["min_data_in_leaf"], in: 0...100_000_000) { minDataInLeaf = v }
        if let v = try parser.double(["gamma", "min_split_loss"], in: 0...1e12) { gamma = v }
        if let v = try parser.double(["lambda", "reg_lambda", "lambda_l2"], in: 0...1e12) { lambda = v }
        if let v = try parser.double(["alpha", "reg_alpha", "lambda_l1"], in: 0...1e12) { alpha = v }
        if let v = try parser.double(["subsample", "bagging_fraction"], in: 0...1, openLow: true) { subsample = v }
        if let v = try parser.double(["colsample_bytree", "feature_fraction"], in: 0...1, openLow: true) { colsampleBytree = v }
        if let v = try parser.double(["colsample_bynode"], in: 0...1, openLow: true) { colsampleBynode = v }
        if let v = try parser.double(["scale_pos_weight"], in: 0...1e12, openLow: true) { scalePosWeight = v }
        if let v = try parser.int(["max_bin"], in: 2...255) { maxBin = v }
        if let v = try parser.int(["max_cat_to_onehot"], in: 1...255) { maxCatToOnehot = v }
        if let v = try parser.double(["cat_smooth"], in: 0...1e12) { catSmooth = v }
        if let v = try parser.double(["cat_l2"], in: 0...1e12) { catL2 = v }
        if let v = try parser.int(["max_cat_threshold"], in: 1...255) { maxCatThreshold = v }
        if let v = try parser.int(["min_data_per_group"], in: 0...100_000_000) { minDataPerGroup = v }
        if let v = try parser.choice(["objective"], from: Objectives.names) { objective = v }
        if let v = try parser.string(["eval_metric"]) {
            evalMetric = v.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            for name in evalMetric { _ = try Metrics.make(name) }
        }
        if let v = try parser.int(["early_stopping_rounds"], in: 0...1_000_000) { earlyStoppingRounds = v }
        if let v = try parser.int(["num_class"], in: 0...10_000) { numClass = v }
        if let v = try parser.int(["seed", "random_state"], in: 0...Int.max) { seed = UInt64(v) }
        if let v = try parser.int(["nthread", "num_threads", "n_jobs"], in: 0...1024) { nthread = v }
        _ = try parser.choice(["booster"], from: ["gbtree"])
        _ = try parser.int(["verbosity"], in: 0...3)
        if objective.hasPrefix("multi:") && numClass < 2 {
            throw LearnError(.invalidParameter, "objective \(objective) needs num_class >= 2; got \(numClass)", field: "num_class")
        }
    }

    /// Threads to use: `nthread`, or all cores when 0.
    public var threadCount: Int { Parallel.threadCount(nthread) }

    /// The settings as XGBoost-named strings (stored in model files).
    public var strings: [String: String] {
        var result: [String: String] = [
            "num_round": "\(numRound)", "eta": "\(eta)", "max_depth": "\(maxDepth)", "max_leaves": "\(maxLeaves)",
            "grow_policy": growPolicy.rawValue, "min_child_weight": "\(minChildWeight)", "min_data_in_leaf": "\(minDataInLeaf)",
            "gamma": "\(gamma)", "lambda": "\(lambda)", "alpha": "\(alpha)", "subsample": "\(subsample)",
            "colsample_bytree": "\(colsampleBytree)", "colsample_bynode": "\(colsampleBynode)",
            "scale_pos_weight": "\(scalePosWeight)", "max_bin": "\(maxBin)", "max_cat_to_onehot": "\(maxCatToOnehot)",
            "cat_smooth": "\(catSmooth)", "cat_l2": "\(catL2)", "max_cat_threshold": "\(maxCatThreshold)",
            "min_data_per_group": "\(minDataPerGroup)",
            "objective": objective, "early_stopping_rounds": "\(earlyStoppingRounds)", "num_class": "\(numClass)",
            "seed": "\(seed)", "nthread": "\(nthread)",
        ]
        if !evalMetric.isEmpty { result["eval_metric"] = evalMetric.joined(separator: ",") }
        return result
    }
}
